#include "crescendo/sim/oracle.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <string>
#include <utility>

namespace crescendo::sim {
namespace {

Duration Longest(const DelaySpec& d) {
  switch (d.distribution) {
    case DelayDistribution::kFixed:
      return d.mean;
    case DelayDistribution::kUniform:
      return d.mean + d.spread;
    case DelayDistribution::kExponential:
      return 3 * d.mean;
    default:
      return d.mean + 3 * d.spread;
  }
}

// One service's load, read ahead tick by tick.
class LookAhead {
 public:
  LookAhead(SimService service, Timestamp start, Duration interval)
      : service_(std::move(service)), next_(start), interval_(interval) {}

  // Returns the largest demand of the ticks in (now, until].
  int32_t MaxDemand(Timestamp now, Timestamp until) {
    while (!ticks_.empty() && ticks_.front().first <= now) ticks_.pop_front();
    while (next_ <= until) {
      StatusOr<std::optional<double>> load = service_.source->RpsAt(next_);
      if (load.ok() && load->has_value()) last_ = **load;
      if (next_ > now) ticks_.emplace_back(next_, Demand(last_));
      next_ += interval_;
    }
    int32_t demand = 1;
    for (const auto& [t, d] : ticks_) {
      if (t <= until) demand = std::max(demand, d);
    }
    return demand;
  }
  const SimService& service() const { return service_; }

 private:
  int32_t Demand(double load) const {
    return std::max(1,
                    static_cast<int32_t>(std::ceil(load / service_.spec.pod.capacity_rps - 1e-9)));
  }

  SimService service_;
  Timestamp next_;
  Duration interval_;
  double last_ = 0;
  std::deque<std::pair<Timestamp, int32_t>> ticks_;
};

}  // namespace

Duration OracleLookahead(const PodModel& pod) {
  return Longest(pod.SchedulingDelay()) + Longest(pod.StartupDelay());
}

namespace {

class OracleRecommender : public StatelessHorizontalRecommender {
 public:
  OracleRecommender(std::vector<SimService> services, Timestamp start, Duration interval)
      : interval_(interval) {
    for (SimService& s : services) {
      const std::string id = s.spec.id.ToString();
      ahead_.emplace(id, LookAhead(std::move(s), start, interval));
    }
  }
  std::string_view name() const override { return "oracle"; }

  Proposal Decide(const HorizontalContext& ctx) const override {
    Proposal p;
    p.current_replicas = ctx.workload->spec_replicas;
    p.desired_replicas = p.current_replicas;
    auto it = ahead_.find(ctx.workload->id.ToString());
    if (it == ahead_.end()) {
      p.Record("oracle", p.current_replicas, "the oracle does not know this workload's load");
      return p;
    }
    const PodModel& pod = it->second.service().spec.pod;
    const Duration lookahead = OracleLookahead(pod);
    const int32_t demand = it->second.MaxDemand(ctx.now, ctx.now + interval_ + lookahead);
    p.Record("oracle", demand,
             "the largest demand of the next " + FormatDuration(interval_ + lookahead));
    return p;
  }

 private:
  Duration interval_;
  // Built once; each entry is read by its own workload only (see the header).
  mutable std::map<std::string, LookAhead> ahead_;
};

}  // namespace

std::unique_ptr<HorizontalRecommender> NewOracleRecommender(std::vector<SimService> services,
                                                            Timestamp start, Duration interval) {
  return std::make_unique<OracleRecommender>(std::move(services), start, interval);
}

}  // namespace crescendo::sim
