// The "vpa" vertical strategy, and the pipeline it shares with "spike-aware".
//
// VpaPipeline does what VPA's three components do together for one VerticalPodAutoscaler, in
// the order of their loops, once every kRecommenderInterval (VPA's recommender and updater each
// run once a minute by default; the engine ticks at the HPA's 15 s). Between runs a proposal
// changes nothing: the template keeps the last run's containers, as a VPA object keeps its last
// recommendation. Running more often would also make VPA's confidence grow too fast: it counts
// one sample a minute (logic/estimator.go getConfidence: samples / (60 x 24) days).
//   recommender           FeedTick (feeder.h: LoadPods, LoadRealTimeMetrics, OOMs), the
//                         pipeline's recommendation step, then the hourly garbage collection
//                         of expired container names (recommender/routines/recommender.go
//                         RunOnce; main.go aggregateContainerStateGCInterval = 1h);
//   admission controller  AdmitContainers (admission.h) on the template's containers: the
//                         proposal's containers, unless they equal the template;
//   updater               ChoosePods (updater.h) for Recreate, Auto and InPlaceOrRecreate.
// The recommendation step is what differs between strategies: "vpa" takes VPA's
// recommendation as it is, ignoring the HPA (so that a cluster running both the HPA and the VPA
// on CPU shows their known conflict); "spike-aware" adjusts it (spike_aware/).
//
// VerticalSpec::update_mode maps to VerticalUpdate as VPA 1.x treats it: Off, Initial,
// Recreate, InPlaceOrRecreate, and Auto (or empty, the API default) as Recreate
// (updater/logic/updater.go RunOnce evicts for Auto as for Recreate). An unknown mode, or
// InPlace (which Crescendo cannot express), is reported in the trace and treated as Off. With
// Off the proposal still carries the containers VPA would set, for recommend mode to show.
//
// InPlaceOrRecreate is handled as the updater does with its InPlaceOrRecreate feature gate on
// (alpha, off by default, in VPA 1.4: pkg/features/versioned_features.go); with the gate off
// VPA evicts instead.
//
// Commit records nothing: VPA's updater remembers nothing of what it did besides when it first
// saw each pod resizing in place, which Recommend reads from the snapshot (feeder.h).
//
// Not modelled, for want of the inputs: LimitRanges (the capping processor's and the admission
// controller's defaults), a resize's Error reason (ResizeStatus has none), unscheduled pods
// (the updater lists only pods with a node), the eviction rate limiter (off by default) and
// several label sets per VPA (one aggregate per container name, as WorkloadModel).
//
// Thread safety: immutable; Recommend() may run concurrently for different states.
#ifndef CRESCENDO_SRC_VERTICAL_VPA_VPA_STRATEGY_H_
#define CRESCENDO_SRC_VERTICAL_VPA_VPA_STRATEGY_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "crescendo/vertical/recommender.h"
#include "crescendo/vertical/strategy.h"
#include "crescendo/vertical/workload_model.h"

namespace crescendo::vertical {

// recommender/main.go aggregateContainerStateGCInterval.
inline constexpr Duration kAggregateStateGcInterval = hours(1);
// recommender/main.go --recommender-interval and updater/main.go --updater-interval, both
// 1 * time.Minute by default.
inline constexpr Duration kRecommenderInterval = minutes(1);

// The recommender's output for one tick, from the fed model.
using RecommendStep =
    std::function<PodRecommendation(const WorkloadModel& model, const VerticalContext& ctx)>;

class VpaPipeline final : public VerticalRecommender {
 public:
  // `name` is the strategy's name and the trace's step.
  VpaPipeline(std::string name, RecommendStep recommend);

  std::string_view name() const override { return name_; }
  std::unique_ptr<StrategyState> NewState() const override;
  // Errors: InvalidArgument "vpa state: <field>: ..." (vpa_state.h).
  StatusOr<std::unique_ptr<StrategyState>> RestoreState(const nlohmann::json& json) const override;
  VerticalProposal Recommend(const VerticalContext& ctx, StrategyState& state) const override;
  // False between runs (kRecommenderInterval).
  bool Due(const StrategyState& state, Timestamp now) const override;

 private:
  std::string name_;
  RecommendStep recommend_;
};

// Returns how pods are updated for a VPA updateMode, or nullopt for a mode not handled.
std::optional<VerticalUpdate> UpdateFromMode(std::string_view update_mode);

// The "vpa" recommendation step: VPA's recommender and the resource policy, nothing else.
PodRecommendation VpaRecommendation(const WorkloadModel& model, const VerticalContext& ctx);

// Returns the "vpa" strategy.
std::unique_ptr<VerticalRecommender> NewVpaStrategy();

}  // namespace crescendo::vertical

#endif  // CRESCENDO_SRC_VERTICAL_VPA_VPA_STRATEGY_H_
