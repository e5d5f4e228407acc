// What Kubernetes' HPA controller does with the metrics' proposal: stabilization, rate limits
// and min/max bounds, with and without `behavior`.
// Source: kubernetes pkg/controller/podautoscaler/horizontal.go (stabilizeRecommendation,
// convertDesiredReplicasWithRules, stabilizeRecommendationWithBehaviors,
// convertDesiredReplicasWithBehaviorRate, calculateScale{Up,Down}Limit*, storeScaleEvent,
// markScaleEventsOutdated, getReplicasChangePerPeriod) and pkg/apis/autoscaling/v2/defaults.go.
// All functions are pure except for the logs they are handed to update.
#ifndef CRESCENDO_SRC_HORIZONTAL_KUBERNETES_NORMALIZATION_H_
#define CRESCENDO_SRC_HORIZONTAL_KUBERNETES_NORMALIZATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/horizontal/kubernetes_hpa.h"

namespace crescendo::hpa::internal {

// A replica count with the ScalingLimited reason and message that explain it (constants).
struct Limited {
  int32_t replicas = 0;
  // Both view string literals: the trace keeps the reason without copying (TraceText::Static).
  std::string_view reason;
  std::string_view message;
};

// HPAScalingRules with Kubernetes' defaults filled in (GenerateHPAScale{Up,Down}Rules, then
// maybeInitScaleDownStabilizationWindow for the scale-down window).
struct ResolvedRules {
  int32_t stabilization_window_seconds = 0;
  SelectPolicy select_policy = SelectPolicy::kMax;
  std::vector<ScalingPolicy> policies;
  std::optional<double> tolerance;
};

ResolvedRules ResolveScaleUpRules(const std::optional<ScalingRules>& rules);
ResolvedRules ResolveScaleDownRules(const std::optional<ScalingRules>& rules,
                                    Duration downscale_stabilization_window);

// The HPA's behavior with the defaults filled in, and whether it has one at all.
struct ResolvedBehavior {
  bool has_behavior = false;
  ResolvedRules up;
  ResolvedRules down;
};

ResolvedBehavior ResolveBehavior(const std::optional<HpaBehavior>& behavior,
                                 Duration downscale_stabilization_window);

// The last ResolveBehavior() result, reused while the behavior and the window are unchanged
// (resolving allocates; comparing does not). Not thread-safe: one per thread or per workload.
class BehaviorCache {
 public:
  const ResolvedBehavior& Get(const std::optional<HpaBehavior>& behavior,
                              Duration downscale_stabilization_window);
  // Returns the last result of Get(); null before the first.
  const ResolvedBehavior* Last() const { return valid_ ? &resolved_ : nullptr; }

 private:
  bool valid_ = false;
  std::optional<HpaBehavior> behavior_;
  Duration window_{};
  ResolvedBehavior resolved_;
};

// Path without behavior: records `proposal` in `log` (reusing the slot of a sample older than
// `window`) and returns the largest recommendation within the window.
int32_t StabilizeRecommendation(std::vector<TimestampedRecommendation>* log, int32_t proposal,
                                Timestamp now, Duration window);

// Path without behavior: the min/max bounds and the max(factor x current, minimum) cap.
Limited ConvertDesiredReplicasWithRules(int32_t current, int32_t desired, int32_t min_replicas,
                                        int32_t max_replicas, double scale_up_limit_factor,
                                        double scale_up_limit_minimum);

// Path with behavior: records `desired` in `log` and returns the stabilized recommendation
// with "ScaleUpStabilized" or "ScaleDownStabilized" and its message.
Limited StabilizeRecommendationWithBehaviors(std::vector<TimestampedRecommendation>* log,
                                             int32_t current, int32_t desired,
                                             const ResolvedRules& up, const ResolvedRules& down,
                                             Timestamp now);

struct RateArgs {
  int32_t current = 0;
  int32_t desired = 0;
  int32_t min_replicas = 0;
  int32_t max_replicas = 0;
  Timestamp now;
};

// Path with behavior: the rate policies and the min/max bounds.
Limited ConvertDesiredReplicasWithBehaviorRate(const RateArgs& args, const ResolvedRules& up,
                                               const ResolvedRules& down,
                                               const std::vector<ScaleEvent>& up_events,
                                               const std::vector<ScaleEvent>& down_events);

// Returns the most replicas the scale-up policies allow now.
int32_t ScaleUpLimit(int32_t current, const std::vector<ScaleEvent>& up_events,
                     const std::vector<ScaleEvent>& down_events, const ResolvedRules& rules,
                     Timestamp now);
// Returns the fewest replicas the scale-down policies allow now.
int32_t ScaleDownLimit(int32_t current, const std::vector<ScaleEvent>& up_events,
                       const std::vector<ScaleEvent>& down_events, const ResolvedRules& rules,
                       Timestamp now);

// Returns the replicas added (or removed) by the events strictly within the last
// `period_seconds`.
int32_t ReplicasChangePerPeriod(int32_t period_seconds, const std::vector<ScaleEvent>& events,
                                Timestamp now);

// Records the change prev -> next in the up or down log (reusing the slot of an outdated
// event); nothing is recorded for HPAs without behavior.
void StoreScaleEvent(bool has_behavior, const ResolvedRules& up, const ResolvedRules& down,
                     int32_t prev, int32_t next, Timestamp now, HpaControllerState* state);

}  // namespace crescendo::hpa::internal

#endif  // CRESCENDO_SRC_HORIZONTAL_KUBERNETES_NORMALIZATION_H_
