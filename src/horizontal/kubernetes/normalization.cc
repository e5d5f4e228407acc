#include "horizontal/kubernetes/normalization.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace crescendo::hpa::internal {
namespace {

constexpr char kWithinRange[] = "the desired count is within the acceptable range";
constexpr char kUpLimitMessage[] =
    "the desired replica count is increasing faster than the maximum scale rate";
constexpr char kDownLimitMessage[] =
    "the desired replica count is decreasing faster than the maximum scale rate";
constexpr char kTooMany[] = "the desired replica count is more than the maximum replica count";
constexpr char kTooFew[] = "the desired replica count is less than the minimum replica count";

Duration Seconds(int32_t s) { return seconds(s); }

// Kubernetes' defaults (pkg/apis/autoscaling/v2/defaults.go): scale up by the larger of 4 pods
// or 100% per 15 s, with no stabilization; scale down by 100% per 15 s.
ResolvedRules Resolve(const std::optional<ScalingRules>& rules, ResolvedRules defaults) {
  if (!rules.has_value()) return defaults;
  if (rules->select_policy.has_value()) defaults.select_policy = *rules->select_policy;
  if (rules->stabilization_window_seconds.has_value()) {
    defaults.stabilization_window_seconds = *rules->stabilization_window_seconds;
  }
  if (!rules->policies.empty()) defaults.policies = rules->policies;
  defaults.tolerance = rules->tolerance;
  return defaults;
}

int32_t LongestPolicyPeriod(const ResolvedRules& rules) {
  int32_t longest = 0;
  for (const ScalingPolicy& p : rules.policies) longest = std::max(longest, p.period_seconds);
  return longest;
}

void MarkOutdated(std::vector<ScaleEvent>* events, int32_t longest_period, Timestamp now) {
  const Timestamp cutoff = now - Seconds(longest_period);
  for (ScaleEvent& e : *events) {
    if (e.timestamp < cutoff) e.outdated = true;
  }
}

void Store(std::vector<ScaleEvent>* events, int32_t change, int32_t longest_period, Timestamp now) {
  MarkOutdated(events, longest_period, now);
  std::optional<size_t> slot;
  for (size_t i = 0; i < events->size(); ++i) {
    if ((*events)[i].outdated) slot = i;  // the last outdated event, as Kubernetes picks
  }
  const ScaleEvent event{change, now, false};
  if (slot.has_value()) {
    (*events)[*slot] = event;
  } else {
    events->push_back(event);
  }
}

int32_t PeriodStart(int32_t current, int32_t period_seconds, const std::vector<ScaleEvent>& up,
                    const std::vector<ScaleEvent>& down, Timestamp now) {
  return current - ReplicasChangePerPeriod(period_seconds, up, now) +
         ReplicasChangePerPeriod(period_seconds, down, now);
}

bool SamePolicies(const std::vector<ScalingPolicy>& a, const std::vector<ScalingPolicy>& b) {
  return std::equal(
      a.begin(), a.end(), b.begin(), b.end(), [](const ScalingPolicy& x, const ScalingPolicy& y) {
        return x.type == y.type && x.value == y.value && x.period_seconds == y.period_seconds;
      });
}

bool SameRules(const std::optional<ScalingRules>& a, const std::optional<ScalingRules>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a.has_value()) return true;
  return a->stabilization_window_seconds == b->stabilization_window_seconds &&
         a->select_policy == b->select_policy && a->tolerance == b->tolerance &&
         SamePolicies(a->policies, b->policies);
}

bool SameBehavior(const std::optional<HpaBehavior>& a, const std::optional<HpaBehavior>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a.has_value()) return true;
  return SameRules(a->scale_up, b->scale_up) && SameRules(a->scale_down, b->scale_down);
}

}  // namespace

ResolvedRules ResolveScaleUpRules(const std::optional<ScalingRules>& rules) {
  ResolvedRules defaults;
  defaults.stabilization_window_seconds = 0;
  defaults.select_policy = SelectPolicy::kMax;
  defaults.policies = {{ScalingPolicyType::kPods, 4, 15}, {ScalingPolicyType::kPercent, 100, 15}};
  return Resolve(rules, defaults);
}

ResolvedRules ResolveScaleDownRules(const std::optional<ScalingRules>& rules,
                                    Duration downscale_stabilization_window) {
  ResolvedRules defaults;
  // The scale-down window defaults to the controller's --horizontal-pod-autoscaler-downscale-
  // stabilization (maybeInitScaleDownStabilizationWindow), truncated to whole seconds.
  defaults.stabilization_window_seconds = static_cast<int32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(downscale_stabilization_window).count());
  defaults.select_policy = SelectPolicy::kMax;
  defaults.policies = {{ScalingPolicyType::kPercent, 100, 15}};
  return Resolve(rules, defaults);
}

ResolvedBehavior ResolveBehavior(const std::optional<HpaBehavior>& behavior,
                                 Duration downscale_stabilization_window) {
  ResolvedBehavior r;
  r.has_behavior = behavior.has_value();
  static const HpaBehavior kNone;
  const HpaBehavior& b = behavior.has_value() ? *behavior : kNone;
  r.up = ResolveScaleUpRules(b.scale_up);
  r.down = ResolveScaleDownRules(b.scale_down, downscale_stabilization_window);
  return r;
}

const ResolvedBehavior& BehaviorCache::Get(const std::optional<HpaBehavior>& behavior,
                                           Duration downscale_stabilization_window) {
  if (!valid_ || window_ != downscale_stabilization_window || !SameBehavior(behavior_, behavior)) {
    resolved_ = ResolveBehavior(behavior, downscale_stabilization_window);
    behavior_ = behavior;
    window_ = downscale_stabilization_window;
    valid_ = true;
  }
  return resolved_;
}

int32_t StabilizeRecommendation(std::vector<TimestampedRecommendation>* log, int32_t proposal,
                                Timestamp now, Duration window) {
  int32_t max_recommendation = proposal;
  std::optional<size_t> old_slot;
  const Timestamp cutoff = now - window;
  for (size_t i = 0; i < log->size(); ++i) {
    const TimestampedRecommendation& rec = (*log)[i];
    if (rec.timestamp < cutoff) {
      old_slot = i;
    } else {
      max_recommendation = std::max(max_recommendation, rec.replicas);
    }
  }
  if (old_slot.has_value()) {
    (*log)[*old_slot] = {proposal, now};
  } else {
    log->push_back({proposal, now});
  }
  return max_recommendation;
}

Limited ConvertDesiredReplicasWithRules(int32_t current, int32_t desired, int32_t min_replicas,
                                        int32_t max_replicas, double factor, double minimum) {
  // Do not scale up too much at once (kubernetes issue #32304): max(factor x current, minimum).
  const int32_t scale_up_limit =
      static_cast<int32_t>(std::max(factor * static_cast<double>(current), minimum));
  Limited maximum{max_replicas, "TooManyReplicas", kTooMany};
  if (max_replicas > scale_up_limit) maximum = {scale_up_limit, "ScaleUpLimit", kUpLimitMessage};
  if (desired < min_replicas) return {min_replicas, "TooFewReplicas", kTooFew};
  if (desired > maximum.replicas) return maximum;
  return {desired, "DesiredWithinRange", kWithinRange};
}

Limited StabilizeRecommendationWithBehaviors(std::vector<TimestampedRecommendation>* log,
                                             int32_t current, int32_t desired,
                                             const ResolvedRules& up, const ResolvedRules& down,
                                             Timestamp now) {
  int32_t up_recommendation = desired;
  int32_t down_recommendation = desired;
  const Timestamp up_cutoff = now - Seconds(up.stabilization_window_seconds);
  const Timestamp down_cutoff = now - Seconds(down.stabilization_window_seconds);
  std::optional<size_t> old_slot;
  for (size_t i = 0; i < log->size(); ++i) {
    const TimestampedRecommendation& rec = (*log)[i];
    if (rec.timestamp > up_cutoff) up_recommendation = std::min(rec.replicas, up_recommendation);
    if (rec.timestamp > down_cutoff) {
      down_recommendation = std::max(rec.replicas, down_recommendation);
    }
    if (rec.timestamp < up_cutoff && rec.timestamp < down_cutoff) old_slot = i;
  }
  // Bring the current count within [lowest recent, highest recent].
  int32_t recommendation = std::max(current, up_recommendation);
  recommendation = std::min(recommendation, down_recommendation);
  if (old_slot.has_value()) {
    (*log)[*old_slot] = {desired, now};
  } else {
    log->push_back({desired, now});
  }
  if (desired >= current) {
    return {recommendation, "ScaleUpStabilized",
            "recent recommendations were lower than current one, applying the lowest recent "
            "recommendation"};
  }
  return {recommendation, "ScaleDownStabilized",
          "recent recommendations were higher than current one, applying the highest recent "
          "recommendation"};
}

int32_t ReplicasChangePerPeriod(int32_t period_seconds, const std::vector<ScaleEvent>& events,
                                Timestamp now) {
  const Timestamp cutoff = now - Seconds(period_seconds);
  int32_t replicas = 0;
  for (const ScaleEvent& e : events) {
    if (e.timestamp > cutoff) replicas += e.replica_change;
  }
  return replicas;
}

int32_t ScaleUpLimit(int32_t current, const std::vector<ScaleEvent>& up_events,
                     const std::vector<ScaleEvent>& down_events, const ResolvedRules& rules,
                     Timestamp now) {
  if (rules.select_policy == SelectPolicy::kDisabled) return current;
  const bool min_change = rules.select_policy == SelectPolicy::kMin;
  int32_t result =
      min_change ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int32_t>::min();
  for (const ScalingPolicy& p : rules.policies) {
    const int32_t start = PeriodStart(current, p.period_seconds, up_events, down_events, now);
    int32_t proposed = 0;
    if (p.type == ScalingPolicyType::kPods) {
      proposed = start + p.value;
    } else {  // rounded up, so that a small percentage still adds a pod
      proposed = static_cast<int32_t>(
          std::ceil(static_cast<double>(start) * (1 + static_cast<double>(p.value) / 100)));
    }
    result = min_change ? std::min(result, proposed) : std::max(result, proposed);
  }
  return result;
}

int32_t ScaleDownLimit(int32_t current, const std::vector<ScaleEvent>& up_events,
                       const std::vector<ScaleEvent>& down_events, const ResolvedRules& rules,
                       Timestamp now) {
  if (rules.select_policy == SelectPolicy::kDisabled) return current;
  const bool min_change = rules.select_policy == SelectPolicy::kMin;
  int32_t result =
      min_change ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int32_t>::max();
  for (const ScalingPolicy& p : rules.policies) {
    const int32_t start = PeriodStart(current, p.period_seconds, up_events, down_events, now);
    int32_t proposed = 0;
    if (p.type == ScalingPolicyType::kPods) {
      proposed = start - p.value;
    } else {  // truncated toward zero, as Go's int32(float64)
      proposed = static_cast<int32_t>(static_cast<double>(start) *
                                      (1 - static_cast<double>(p.value) / 100));
    }
    result = min_change ? std::max(result, proposed) : std::min(result, proposed);
  }
  return result;
}

Limited ConvertDesiredReplicasWithBehaviorRate(const RateArgs& a, const ResolvedRules& up,
                                               const ResolvedRules& down,
                                               const std::vector<ScaleEvent>& up_events,
                                               const std::vector<ScaleEvent>& down_events) {
  if (a.desired > a.current) {
    // No further scale-up until old scale-up events leave their periods.
    const int32_t limit =
        std::max(ScaleUpLimit(a.current, up_events, down_events, up, a.now), a.current);
    const Limited maximum = a.max_replicas > limit
                                ? Limited{limit, "ScaleUpLimit", kUpLimitMessage}
                                : Limited{a.max_replicas, "TooManyReplicas", kTooMany};
    if (a.desired > maximum.replicas) return maximum;
  } else if (a.desired < a.current) {
    const int32_t limit =
        std::min(ScaleDownLimit(a.current, up_events, down_events, down, a.now), a.current);
    const Limited minimum = a.min_replicas < limit
                                ? Limited{limit, "ScaleDownLimit", kDownLimitMessage}
                                : Limited{a.min_replicas, "TooFewReplicas", kTooFew};
    if (a.desired < minimum.replicas) return minimum;
  }
  return {a.desired, "DesiredWithinRange", kWithinRange};
}

void StoreScaleEvent(bool has_behavior, const ResolvedRules& up, const ResolvedRules& down,
                     int32_t prev, int32_t next, Timestamp now, HpaControllerState* state) {
  if (!has_behavior) return;  // the events are used only by behavior policies
  if (next > prev) {
    Store(&state->scale_up_events, next - prev, LongestPolicyPeriod(up), now);
  } else {
    Store(&state->scale_down_events, prev - next, LongestPolicyPeriod(down), now);
  }
}

}  // namespace crescendo::hpa::internal
