#include "vertical/vpa/vpa_strategy.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "vertical/vpa/admission.h"
#include "vertical/vpa/feeder.h"
#include "vertical/vpa/updater.h"
#include "vertical/vpa/vpa_state.h"

namespace crescendo::vertical {
namespace {

std::string PercentileName(double p) {
  return "P" + std::to_string(static_cast<int>(std::lround(p * 100)));
}

// How VPA's recommender derived a target (logic/recommender.go), e.g. "target P90 of usage
// + 15% margin".
std::string TargetRule(bool cpu) {
  const RecommenderOptions o;
  return "target " + PercentileName(o.target_percentile) + (cpu ? " of usage" : " of daily peaks") +
         " + " + std::to_string(static_cast<int>(std::lround(o.safety_margin_fraction * 100))) +
         "% margin";
}

// TargetRule(cpu), built once: the options are VPA's defaults, the same for every workload.
const std::string& CachedTargetRule(bool cpu) {
  static const std::string* const rules = new std::string[2]{TargetRule(false), TargetRule(true)};
  return rules[cpu ? 1 : 0];
}

// The quantity strings formatted last, per resource, by amount (direct-mapped). A VPA run
// formats up to eight amounts per container and recommendations repeat the same amounts (bucket
// boundaries plus margin) across workloads and runs: formatting a Quantity costs more than the
// rest of the reason. One per thread: Recommend() may run concurrently.
class QuantityMemo {
 public:
  std::string_view Get(bool cpu, int64_t amount) {
    // Fibonacci hashing of the amount into kSlots slots.
    const uint64_t slot = (static_cast<uint64_t>(amount) * 0x9E3779B97F4A7C15ULL) >> (64 - kBits);
    Entry& e = entries_[cpu ? 1 : 0][slot];
    if (!e.set || e.amount != amount) {
      e.text = cpu ? CpuQuantityString(amount) : MemoryQuantityString(amount);
      e.amount = amount;
      e.set = true;
    }
    return e.text;
  }

 private:
  static constexpr int kBits = 9;
  static constexpr size_t kSlots = size_t{1} << kBits;
  struct Entry {
    bool set = false;
    int64_t amount = 0;
    std::string text;
  };
  std::array<std::array<Entry, kSlots>, 2> entries_;
};

void AppendAmount(std::string& out, bool cpu, int64_t amount) {
  static thread_local QuantityMemo memo;
  out += memo.Get(cpu, amount);
}

// One trace entry for one resource of one container the recommendation covers. The reason is
// built in one buffer: this runs for every container of every workload on every VPA run.
TraceEntry ExplainResource(const std::string& step, const ContainerResources& before,
                           const ContainerResources& after, const ContainerRecommendation& rec,
                           bool cpu) {
  const int64_t old_request = cpu ? before.requests.cpu_millis : before.requests.memory_bytes;
  const int64_t new_request = cpu ? after.requests.cpu_millis : after.requests.memory_bytes;
  const int64_t old_limit = cpu ? before.limits.cpu_millis : before.limits.memory_bytes;
  const int64_t new_limit = cpu ? after.limits.cpu_millis : after.limits.memory_bytes;
  const RecommendedAmounts& lower = rec.lower_bound;
  const RecommendedAmounts& upper = rec.upper_bound;
  const std::optional<int64_t> lo = cpu ? lower.cpu_millis : lower.memory_bytes;
  const std::optional<int64_t> up = cpu ? upper.cpu_millis : upper.memory_bytes;
  const std::string_view resource = cpu ? "cpu" : "memory";
  std::string reason;
  reason.reserve(256);  // one allocation: a memory reason with bounds and limits passes 160
  reason.append(before.name).append(" ").append(resource).append(" request ");
  if (old_request == new_request) {
    AppendAmount(reason, cpu, new_request);
    reason += " held";
  } else {
    if (old_request == 0) {
      reason += "unset";
    } else {
      AppendAmount(reason, cpu, old_request);
    }
    reason += " -> ";
    AppendAmount(reason, cpu, new_request);
  }
  reason.append(": ").append(CachedTargetRule(cpu));
  if (lo && up) {
    reason += " (lowerBound ";
    AppendAmount(reason, cpu, *lo);
    reason += ", upperBound ";
    AppendAmount(reason, cpu, *up);
    reason += ")";
  }
  if (old_limit != new_limit) {
    reason += "; limit ";
    AppendAmount(reason, cpu, old_limit);
    reason += " -> ";
    AppendAmount(reason, cpu, new_limit);
    reason += ", kept in proportion";
  }
  for (const std::string& note : rec.notes) {
    if (note.starts_with(resource)) reason.append("; ").append(note);
  }
  return {step, static_cast<double>(old_request), static_cast<double>(new_request),
          std::move(reason)};
}

// Explains, per template container and resource, what the admission controller changed or
// held, and why.
void ExplainContainers(const std::string& step, std::span<const ContainerResources> before,
                       std::span<const ContainerResources> after,
                       const PodRecommendation& recommendation, std::vector<TraceEntry>& trace) {
  for (size_t i = 0; i < before.size(); ++i) {
    auto rec = std::find_if(
        recommendation.containers.begin(), recommendation.containers.end(),
        [&](const ContainerRecommendation& c) { return c.container_name == before[i].name; });
    if (rec == recommendation.containers.end()) {
      trace.push_back({step, 0, 0,
                       before[i].name + ": no recommendation (scaling mode Off, or no CPU "
                                        "sample yet): resources kept"});
      continue;
    }
    for (bool cpu : {true, false}) {
      const bool covered =
          cpu ? rec->target.cpu_millis.has_value() : rec->target.memory_bytes.has_value();
      if (covered) {
        trace.push_back(ExplainResource(step, before[i], after[i], *rec, cpu));
        continue;
      }
      const std::string resource = cpu ? "cpu" : "memory";
      for (const std::string& note : rec->notes) {
        if (note.starts_with(resource)) {
          trace.push_back({step, 0, 0, before[i].name + " " + note + ": request kept"});
        }
      }
    }
  }
}

std::string ModeNote(VerticalUpdate update) {
  switch (update) {
    case VerticalUpdate::kOff:
      return "updateMode Off: recommendation only, nothing is applied";
    case VerticalUpdate::kInitial:
      return "updateMode Initial: new pods get the template, running pods keep their resources";
    default:
      return "";
  }
}

}  // namespace

std::optional<VerticalUpdate> UpdateFromMode(std::string_view update_mode) {
  // apis/autoscaling.k8s.io/v1 UpdateMode; the updater evicts for Auto as for Recreate.
  if (update_mode == "Off") return VerticalUpdate::kOff;
  if (update_mode == "Initial") return VerticalUpdate::kInitial;
  if (update_mode == "Recreate" || update_mode == "Auto" || update_mode.empty()) {
    return VerticalUpdate::kRecreate;
  }
  if (update_mode == "InPlaceOrRecreate") return VerticalUpdate::kInPlaceOrRecreate;
  return std::nullopt;
}

PodRecommendation VpaRecommendation(const WorkloadModel& model, const VerticalContext& ctx) {
  return model.Recommend(
      {.spec = ctx.spec, .horizontal = nullptr, .now = ctx.now, .spike_aware = false});
}

VpaPipeline::VpaPipeline(std::string name, RecommendStep recommend)
    : name_(std::move(name)), recommend_(std::move(recommend)) {}

std::unique_ptr<StrategyState> VpaPipeline::NewState() const {
  return std::make_unique<VpaState>();
}

StatusOr<std::unique_ptr<StrategyState>> VpaPipeline::RestoreState(
    const nlohmann::json& json) const {
  StatusOr<std::unique_ptr<VpaState>> state = VpaState::FromJson(json);
  if (!state.ok()) return state.status().WithContext(name_ + " state");
  return std::unique_ptr<StrategyState>(*std::move(state));
}

bool VpaPipeline::Due(const StrategyState& state, Timestamp now) const {
  const auto& s = static_cast<const VpaState&>(state);
  return !s.last_run() || now >= *s.last_run() + kRecommenderInterval;
}

VerticalProposal VpaPipeline::Recommend(const VerticalContext& ctx, StrategyState& state) const {
  VerticalProposal proposal;
  if (ctx.workload == nullptr || ctx.spec == nullptr) {
    proposal.trace.push_back({name_, 0, 0, "no workload or no vertical spec: nothing changes"});
    return proposal;
  }
  auto& s = static_cast<VpaState&>(state);
  const std::optional<VerticalUpdate> update = UpdateFromMode(ctx.spec->update_mode);
  if (!update) {
    proposal.trace.push_back({name_, 0, 0,
                              "updateMode \"" + ctx.spec->update_mode +
                                  "\" is not Off, Initial, Recreate, InPlaceOrRecreate or Auto: "
                                  "treated as Off"});
  }
  proposal.update = update.value_or(VerticalUpdate::kOff);
  if (!Due(s, ctx.now)) {
    proposal.trace.push_back(
        {name_, 0, 0, "between VPA runs (every minute): the last run's resources stay"});
    return proposal;
  }
  s.set_last_run(ctx.now);
  // Two entries per template container and a closing note, grown once.
  proposal.trace.reserve(proposal.trace.size() + 2 * ctx.workload->template_containers.size() + 2);

  FeedTick(ctx, s, &proposal.trace);
  PodRecommendation recommendation = recommend_(s.model(), ctx);
  if (ctx.now - s.last_gc() >= kAggregateStateGcInterval) {
    s.model().GarbageCollect(ctx.now);
    s.set_last_gc(ctx.now);
  }

  const std::vector<ContainerResources>& current = ctx.workload->template_containers;
  if (recommendation.containers.empty()) {
    proposal.trace.push_back({name_, 0, 0, "no recommendation yet: no container has a CPU sample"});
    return proposal;
  }
  if (current.empty()) {
    proposal.trace.push_back(
        {name_, 0, 0, "the template's containers are unknown: nothing changes"});
    return proposal;
  }
  std::vector<ContainerResources> admitted = AdmitContainers(current, recommendation, *ctx.spec);
  ExplainContainers(name_, current, admitted, recommendation, proposal.trace);

  if (proposal.update == VerticalUpdate::kRecreate ||
      proposal.update == VerticalUpdate::kInPlaceOrRecreate) {
    UpdaterChoice choice = ChoosePods({.workload = ctx.workload,
                                       .recommendation = &recommendation,
                                       .template_containers = admitted,
                                       .spec = ctx.spec,
                                       .update = proposal.update,
                                       .now = ctx.now,
                                       .watches = &s.pods()});
    proposal.pods = std::move(choice.pods);
    std::move(choice.trace.begin(), choice.trace.end(), std::back_inserter(proposal.trace));
  } else if (std::string note = ModeNote(proposal.update); !note.empty()) {
    proposal.trace.push_back({name_, 0, 0, std::move(note)});
  }
  if (admitted != current) proposal.containers = std::move(admitted);
  proposal.recommendation = std::move(recommendation);
  return proposal;
}

std::unique_ptr<VerticalRecommender> NewVpaStrategy() {
  return std::make_unique<VpaPipeline>("vpa", VpaRecommendation);
}

}  // namespace crescendo::vertical
