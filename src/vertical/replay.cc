#include "crescendo/vertical/replay.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "crescendo/vertical/workload_model.h"
#include "vertical/cycle/cycle_sizing.h"

namespace crescendo::vertical {
namespace {

// Sums of one strategy's allocations and of the usage they served.
struct Tally {
  double cpu_alloc = 0, cpu_used = 0, mem_alloc = 0, mem_used = 0;
  int64_t cpu_samples = 0, mem_samples = 0, cpu_over = 0, mem_over = 0, samples = 0;

  void Score(const Allocation& a, const UsageRecord& r) {
    if (r.cpu_cores) {
      cpu_alloc += a.cpu_cores;
      cpu_used += *r.cpu_cores;
      cpu_over += *r.cpu_cores > a.cpu_cores ? 1 : 0;
      ++cpu_samples;
    }
    if (r.memory_bytes) {
      mem_alloc += a.memory_bytes;
      mem_used += *r.memory_bytes;
      mem_over += *r.memory_bytes > a.memory_bytes ? 1 : 0;
      ++mem_samples;
    }
    ++samples;
  }
  StrategyScore Result(std::string name) const {
    auto share = [](int64_t n, int64_t of) { return of ? static_cast<double>(n) / of : 0.0; };
    return {std::move(name),
            cpu_used > 0 ? (cpu_alloc - cpu_used) / cpu_used : 0,
            mem_used > 0 ? (mem_alloc - mem_used) / mem_used : 0,
            share(cpu_over, cpu_samples),
            share(mem_over, mem_samples),
            samples};
  }
};

// The requests the team set, row by row.
class FixedSizing : public SizingPolicy {
 public:
  void Recommend(Timestamp) override {}
  Allocation InForce(const UsageRecord& r) const override {
    return {r.cpu_request_cores.value_or(0), r.memory_request_bytes.value_or(0)};
  }
  void Observe(const UsageRecord&) override {}
};

// The VPA recommender's target, plain semantics.
class VpaSizing : public SizingPolicy {
 public:
  void Recommend(Timestamp now) override {
    PodRecommendation rec = model_.Recommend({.now = now, .spike_aware = false});
    if (rec.containers.empty()) return;
    allocation_.cpu_cores = CoresFromCpuMillis(rec.containers[0].target.cpu_millis.value_or(0));
    allocation_.memory_bytes =
        static_cast<double>(rec.containers[0].target.memory_bytes.value_or(0));
  }
  Allocation InForce(const UsageRecord&) const override { return allocation_; }
  void Observe(const UsageRecord& r) override { model_.Add(r); }

 private:
  WorkloadModel model_;
  Allocation allocation_;
};

Status MissingRequest(std::string_view source, const UsageRecord& r, const char* field,
                      const char* expected) {
  return InvalidArgumentError(std::string(source) + ":" + std::to_string(r.line) + ": " + field +
                              ": empty, expected " + expected +
                              " (the fixed allocation) on every row once the file gives requests");
}

}  // namespace

bool HasRequests(const std::vector<UsageRecord>& records) {
  return std::any_of(records.begin(), records.end(), [](const UsageRecord& r) {
    return r.cpu_request_cores.has_value() || r.memory_request_bytes.has_value();
  });
}

StatusOr<std::vector<ReplaySeries>> SeriesFromRecords(std::vector<UsageRecord> records,
                                                      std::string_view source,
                                                      bool require_requests) {
  std::map<std::pair<std::string, std::string>, ReplaySeries> by_container;
  for (UsageRecord& r : records) {
    if (require_requests && !r.cpu_request_cores) {
      return MissingRequest(source, r, "cpu_request", "cores");
    }
    if (require_requests && !r.memory_request_bytes) {
      return MissingRequest(source, r, "memory_request", "bytes");
    }
    ReplaySeries& s = by_container[{r.pod, r.container}];
    if (s.name.empty()) s.name = r.pod + "/" + r.container;
    s.records.push_back(std::move(r));
  }
  std::vector<ReplaySeries> out;
  for (auto& [key, s] : by_container) {
    std::stable_sort(s.records.begin(), s.records.end(),
                     [](const UsageRecord& a, const UsageRecord& b) { return a.time < b.time; });
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<ReplaySeries> SeriesFromUsage(const std::vector<UsageSeries>& series) {
  std::vector<ReplaySeries> out;
  for (const UsageSeries& s : series) {
    ReplaySeries r{.name = s.name, .records = {}};
    r.records.reserve(s.points.size());
    for (const UsagePoint& p : s.points) {
      r.records.push_back({.time = p.time,
                           .pod = s.name,
                           .container = "main",
                           .cpu_cores = p.cpu_cores,
                           .memory_bytes = p.memory_bytes,
                           .cpu_request_cores = s.request_cpu_cores,
                           .memory_request_bytes = s.request_memory_bytes});
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<ReplayStrategy> EvaluationStrategies(bool with_fixed) {
  std::vector<ReplayStrategy> out;
  if (with_fixed) out.push_back({"fixed", [] { return std::make_unique<FixedSizing>(); }});
  out.push_back({"vpa", [] { return std::make_unique<VpaSizing>(); }});
  out.push_back({"crescendo", [] { return NewCrescendoSizing(); }});
  return out;
}

std::vector<StrategyScore> Replay(const std::vector<ReplaySeries>& series,
                                  const std::vector<ReplayStrategy>& strategies,
                                  const EvaluationOptions& options) {
  std::vector<Tally> tallies(strategies.size());
  for (const ReplaySeries& s : series) {
    if (s.records.empty()) continue;
    std::vector<std::unique_ptr<SizingPolicy>> policies;
    for (const ReplayStrategy& strategy : strategies) policies.push_back(strategy.make());
    const Timestamp start = s.records.front().time + options.warmup;
    Timestamp next = start;
    for (const UsageRecord& r : s.records) {
      if (r.time >= next) {
        for (auto& p : policies) p->Recommend(r.time);
        while (next <= r.time) next += options.recommend_every;
      }
      // The models see usage only: CPU samples weigh the same, as without a request in VPA.
      UsageRecord usage = r;
      usage.cpu_request_cores.reset();
      usage.memory_request_bytes.reset();
      for (size_t i = 0; i < policies.size(); ++i) {
        if (r.time >= start) tallies[i].Score(policies[i]->InForce(r), r);
        policies[i]->Observe(usage);
      }
    }
  }
  std::vector<StrategyScore> out;
  for (size_t i = 0; i < strategies.size(); ++i)
    out.push_back(tallies[i].Result(strategies[i].name));
  return out;
}

std::string ScoresToJson(const std::vector<StrategyScore>& scores, size_t series_count) {
  nlohmann::ordered_json j;
  j["series"] = series_count;
  j["strategies"] = nlohmann::ordered_json::array();
  for (const StrategyScore& s : scores) {
    j["strategies"].push_back({{"strategy", s.strategy},
                               {"cpu_slack", s.cpu_slack},
                               {"memory_slack", s.memory_slack},
                               {"cpu_over", s.cpu_exceed_share},
                               {"memory_over", s.memory_exceed_share},
                               {"samples", s.samples}});
  }
  return j.dump(2);
}

}  // namespace crescendo::vertical
