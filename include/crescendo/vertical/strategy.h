// VerticalRecommender: sizes one workload's pods in the engine's tick, as a pure function.
//
// Every tick the engine hands it the workload's pods (per-container requests, limits, restarts
// and last OOM kill, from the ClusterSnapshot), the per-pod usage read this tick, the workload's
// VerticalSpec (the VPA's updateMode, resource policy and disruption rules) and HorizontalSpec
// (so a resource that drives the HPA is left to it, see coordination.h), and its own memory
// (StrategyState: histograms, per-container states, spike trackers), owned by the engine as for
// HorizontalRecommender. It returns what the VPA's three components would do together:
//   recommender          the per-container target (and bounds) from the usage history;
//   admission controller the pod template's new requests (and limits, keeping their ratio for
//                        RequestsAndLimits), which every new pod gets (updateMode other than Off);
//   updater              which running pods to bring to it now (Recreate, InPlaceOrRecreate, and
//                        Auto which the VPA treats as Recreate): pods whose request is outside
//                        [lowerBound, upperBound], or that lived 12 h and differ by more than
//                        10%, or were OOM-killed; never while fewer than spec.min_replicas pods
//                        are alive, at most max(1, eviction_tolerance x replicas) at once.
//
// Units: cpu in millicores, memory in bytes (model/resources.h).
// Thread safety: the methods are const; Recommend() may run concurrently for different
// workloads (different states).
#ifndef CRESCENDO_VERTICAL_STRATEGY_H_
#define CRESCENDO_VERTICAL_STRATEGY_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/model/autoscaling.h"
#include "crescendo/model/cluster.h"
#include "crescendo/model/decision.h"
#include "crescendo/model/forecast.h"
#include "crescendo/model/metrics.h"
#include "crescendo/model/state.h"
#include "crescendo/vertical/recommender.h"

namespace crescendo {

struct VerticalContext {
  const WorkloadState* workload = nullptr;  // REQUIRES: non-null
  // The usage read this tick: cpu (per pod or per container, millicores) and memory (working
  // set, bytes). A non-OK status is a failed read: no sample is recorded.
  const WorkloadMetric* cpu = nullptr;
  const WorkloadMetric* memory = nullptr;
  const VerticalSpec* spec = nullptr;          // REQUIRES: non-null
  const HorizontalSpec* horizontal = nullptr;  // the workload's HPA; null: none
  Timestamp now;
  const Forecast* forecast = nullptr;  // optional: the workload's load forecast
  // This tick's horizontal proposal, made before the vertical one (null: none). When the
  // horizontal strategy sized the pods with the replicas, its pod_requests is the per-pod size
  // its replica count was decided against (the `intelligent` strategies).
  const Proposal* horizontal_proposal = nullptr;
};

// How running pods are brought to the template (from VerticalSpec::update_mode).
enum class VerticalUpdate {
  kOff,                // recommend only: nothing changes (updateMode Off)
  kInitial,            // the template only (updateMode Initial)
  kRecreate,           // evict the chosen pods (Recreate, and Auto as the VPA treats it)
  kInPlaceOrRecreate,  // resize the chosen pods in place, evict those that cannot be
};

struct VerticalProposal {
  // The template's containers, when the recommendation changes them; empty: keep the template.
  std::vector<ContainerResources> containers;
  VerticalUpdate update = VerticalUpdate::kOff;
  // Running pods to bring to the template now, already within the disruption budget.
  std::vector<std::string> pods;
  // One entry per container and resource that changed or was held, with the reason.
  std::vector<TraceEntry> trace;
  // The run's recommendation per container (target, lowerBound, upperBound, as the VPA object's
  // status shows them); empty when no recommendation was made this tick (between runs, or no
  // sample yet).
  vertical::PodRecommendation recommendation;
};

class VerticalRecommender {
 public:
  virtual ~VerticalRecommender() = default;
  // Returns the recommender's name, e.g. "vpa".
  virtual std::string_view name() const = 0;
  virtual std::unique_ptr<StrategyState> NewState() const = 0;
  // Errors: InvalidArgument naming the field that is missing or malformed.
  virtual StatusOr<std::unique_ptr<StrategyState>> RestoreState(
      const nlohmann::json& json) const = 0;
  // Returns what to change for ctx.workload and records this tick's usage in `state`.
  // Never fails: unusable input is recorded in the trace and nothing changes.
  virtual VerticalProposal Recommend(const VerticalContext& ctx, StrategyState& state) const = 0;
  // Returns false when Recommend() at `now` would read neither ctx.cpu nor ctx.memory (a
  // strategy that runs less often than the engine ticks, between its runs): the engine then
  // need not read vertical usage this tick. The default: always due.
  virtual bool Due(const StrategyState& state, Timestamp now) const {
    (void)state, (void)now;
    return true;
  }
  // Records in `state` what the engine applied (`applied` false: nothing was, as in recommend
  // mode or when the cluster refused). The default records nothing.
  virtual void Commit(StrategyState& state, const VerticalProposal& proposal, bool applied,
                      Timestamp now) const {
    (void)state, (void)proposal, (void)applied, (void)now;
  }
};

// Returns a vertical strategy by name: "vpa" (the VPA recommender, admission controller and
// updater, exactly), "spike-aware" (the same, sized for recurring memory spikes, see
// spike.h) or "intelligent" (spike-aware, with the CPU per pod that this tick's horizontal
// proposal decided its replicas against). Errors: NotFound listing the known names.
StatusOr<std::unique_ptr<VerticalRecommender>> NewVerticalStrategy(std::string_view name);
// Returns the known vertical strategy names, alphabetical.
std::vector<std::string> VerticalStrategyNames();

}  // namespace crescendo

#endif  // CRESCENDO_VERTICAL_STRATEGY_H_
