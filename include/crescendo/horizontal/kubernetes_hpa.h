// The Kubernetes horizontal pod autoscaler, decision for decision.
//
// EvaluateHpa() is one reconcile of Kubernetes' HPA controller (autoscaling/v2, Kubernetes 1.32
// and later, pkg/controller/podautoscaler) for one HorizontalPodAutoscaler: the replica
// calculator for every metric type, the largest proposal across metrics, the path without
// `behavior` (stabilization over the recommendation log, scale-up capped at
// max(2 x current, 4)) and the path with it (stabilization windows, Pods/Percent rate policies,
// selectPolicy), the min/max clamps, and the status conditions with the reasons and messages
// Kubernetes writes. It is pure: the pods, the metric readings, the controller's memory for this
// HPA (HpaControllerState) and `now` come in; the decision and the updated memory go out.
//
// NewKubernetesHpaRecommender() wraps it as the HorizontalRecommender named "kubernetes" (the
// engine's `kubernetes` mode and the simulator's baseline); it keeps one HpaControllerState per
// workload.
//
// Units: every metric value and request is an integer in milli-units, as Kubernetes computes
// with resource.Quantity.MilliValue(): cpu in millicores, memory in milli-bytes (bytes x 1000),
// other metrics in thousandths of their unit.
//
// Thread safety: the functions are pure and reentrant; see the recommender for its own rules.
#ifndef CRESCENDO_HORIZONTAL_KUBERNETES_HPA_H_
#define CRESCENDO_HORIZONTAL_KUBERNETES_HPA_H_

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/horizontal/recommender.h"
#include "crescendo/model/autoscaling.h"
#include "crescendo/model/cluster.h"
#include "crescendo/model/decision.h"

namespace crescendo::hpa {

// kube-controller-manager's settings of the HPA controller; the defaults are Kubernetes'.
struct HpaControllerSettings {
  double tolerance = 0.1;                                // --horizontal-pod-autoscaler-tolerance
  Duration cpu_initialization_period = minutes(5);       // ...-cpu-initialization-period
  Duration initial_readiness_delay = seconds(30);        // ...-initial-readiness-delay
  Duration downscale_stabilization_window = minutes(5);  // ...-downscale-stabilization
  double scale_up_limit_factor = 2.0;   // scaleUpLimitFactor (path without behavior)
  double scale_up_limit_minimum = 4.0;  // scaleUpLimitMinimum (path without behavior)
  bool configurable_tolerance = true;   // feature gate HPAConfigurableTolerance
  bool pod_level_resources = true;      // feature gate PodLevelResources
};

// A Kubernetes condition status.
enum class ConditionStatus { kTrue, kFalse, kUnknown };
// Returns "True", "False" or "Unknown".
std::string_view ConditionStatusName(ConditionStatus status);

// A container of a pod, as far as the HPA reads it.
struct HpaContainer {
  std::string name;
  std::map<std::string, int64_t> requests_milli;  // resource name -> request, milli-units
};

// A pod selected by the HPA's target, as far as the HPA reads it (a v1 Pod).
struct HpaPod {
  std::string name;
  PodPhase phase = PodPhase::kRunning;
  bool deleting = false;                 // metadata.deletionTimestamp is set
  std::optional<Timestamp> start_time;   // status.startTime
  std::optional<ConditionStatus> ready;  // the Ready condition's status; unset: no condition
  Timestamp ready_transition_time;       // the Ready condition's lastTransitionTime
  // spec.containers followed by the restartable (sidecar) init containers.
  std::vector<HpaContainer> containers;
  // spec.resources.requests (pod-level resources), when set.
  std::optional<std::map<std::string, int64_t>> pod_requests_milli;
};

// One sample of a per-pod metric (metrics.k8s.io PodMetrics or a custom.metrics.k8s.io
// MetricValue of a Pod). For ContainerResource metrics the value is the named container's.
struct PodSample {
  std::string pod;
  int64_t value_milli = 0;
  Timestamp timestamp;
  Duration window = minutes(1);
};

// What the metrics APIs returned for one metric of the HPA.
struct MetricReading {
  // Non-OK when the metrics API call failed; the message is the API client's error text.
  Status fetch_status;
  std::vector<PodSample> pods;        // Resource, ContainerResource, Pods
  std::vector<int64_t> values_milli;  // Object: the object's value; External: one per series
};

// The HPA's view of its target and the world at one instant.
struct HpaInput {
  const HorizontalSpec* spec = nullptr;  // REQUIRES: non-null
  std::string ns = "default";            // the HPA's namespace (used in messages)
  // spec.scaleTargetRef, for messages ("Deployment/ns/name").
  ObjectReference scale_target = {"Deployment", "", "apps/v1"};
  int32_t spec_replicas = 0;    // scale.spec.replicas: the current replica count
  int32_t status_replicas = 0;  // scale.status.replicas
  // scale.status.selector: "" gives InvalidSelector; unset means the pods below are selected.
  std::optional<std::string> selector;
  std::span<const HpaPod> pods;
  // One reading per metric of EffectiveMetrics(*spec), same order; missing ones count as failed.
  std::span<const MetricReading> readings;
  // When set, the metrics are not evaluated and this is the proposal that goes to normalization.
  std::optional<int32_t> proposed_replicas;
  Timestamp now;
};

struct TimestampedRecommendation {
  int32_t replicas = 0;
  Timestamp timestamp;
};

struct ScaleEvent {
  int32_t replica_change = 0;  // absolute value of the change
  Timestamp timestamp;
  bool outdated = false;  // older than the longest policy period: slot for reuse
};

// A HorizontalPodAutoscalerCondition.
struct HpaCondition {
  std::string type;  // AbleToScale, ScalingActive, ScalingLimited
  ConditionStatus status = ConditionStatus::kUnknown;
  std::string reason;
  std::string message;
  Timestamp last_transition_time;

  friend bool operator==(const HpaCondition&, const HpaCondition&) = default;
};

// The controller's memory for one HPA, carried from one evaluation to the next.
struct HpaControllerState {
  // False until the first evaluation, which records the current replica count as the first
  // recommendation (so nothing scales down within the first stabilization window).
  bool initialized = false;
  std::vector<TimestampedRecommendation> recommendations;  // unstabilized proposals
  std::vector<ScaleEvent> scale_up_events;                 // recorded only for HPAs with behavior
  std::vector<ScaleEvent> scale_down_events;
  std::vector<HpaCondition> conditions;  // status.conditions
};

// Pod names by the replica calculator's groups, each sorted.
struct PodGroups {
  std::vector<std::string> ready;
  std::vector<std::string> unready;  // pending, or unready CPU samples
  std::vector<std::string> missing;  // no metric sample
  std::vector<std::string> ignored;  // being deleted, or failed
};

// autoscaling/v2 MetricValueStatus, in milli-units.
struct MetricValueStatus {
  std::optional<int64_t> value_milli;
  std::optional<int64_t> average_value_milli;
  std::optional<int32_t> average_utilization;
};

// One metric's part of the decision.
struct MetricEvaluation {
  size_t index = 0;  // position in EffectiveMetrics(spec)
  bool valid = false;
  int32_t proposed_replicas = 0;
  std::string description;               // as Kubernetes names it, e.g. "pods metric qps"
  MetricValueStatus current;             // status.currentMetrics[index].<source>.current
  std::optional<double> usage_ratio;     // current / target, as first computed
  std::optional<double> adjusted_ratio;  // after missing/unready pods were filled in
  PodGroups pod_groups;
  std::string error;               // Kubernetes' error text, when !valid
  HpaCondition failure;            // the condition Kubernetes proposes, when !valid
  std::vector<std::string> steps;  // how the proposal was reached, in words
};

struct HpaDecision {
  int32_t current_replicas = 0;
  int32_t desired_replicas = 0;  // what the controller writes to scale.spec.replicas
  // The largest metric proposal (or HpaInput::proposed_replicas) before stabilization, rate
  // limits and bounds; unset when no metric was evaluated.
  std::optional<int32_t> proposed_replicas;
  bool rescale = false;
  std::string rescale_reason;
  std::vector<MetricEvaluation> metrics;
  std::vector<TraceEntry> trace;
  // Non-OK when the reconcile failed (e.g. no valid metric); the replica count is kept.
  Status status;
  HpaControllerState state;  // updated memory, conditions included
};

// Returns one reconcile of the HPA controller for `input`, from the memory `state`.
// Never fails as a function: a failure of the reconcile is HpaDecision::status.
HpaDecision EvaluateHpa(const HpaInput& input, HpaControllerState state,
                        const HpaControllerSettings& settings);

// Returns the controller's memory as JSON (without conditions, which the engine's recommender
// does not keep): {"initialized":true,"recommendations":[[replicas,unix_nanos],...],
// "scale_up_events":[[change,unix_nanos,outdated],...],"scale_down_events":[...]}. Exact:
// HpaStateFromJson(HpaStateToJson(s)) equals s, conditions aside.
nlohmann::json HpaStateToJson(const HpaControllerState& state);
// Errors: InvalidArgument naming the field that is missing or malformed.
StatusOr<HpaControllerState> HpaStateFromJson(const nlohmann::json& json);

// Returns the HorizontalRecommender "kubernetes". It converts the engine's context as follows:
// ctx.metrics[i] feeds EffectiveMetrics(*ctx.spec)[i]; Resource cpu values are per-pod
// millicores, memory bytes, other metrics in their unit; WorkloadMetric::value is the Object
// value or the External value; a non-OK WorkloadMetric::status is a failed read. Pods come from
// ctx.workload->pods (the Ready condition taken as present, per-container requests from
// PodState::containers when given, else one container with PodState::requests, or
// WorkloadState::pod_requests when those are zero). Its state (StrategyState) is the workload's
// HpaControllerState; Recommend() records the recommendation as the controller does on every
// reconcile, Commit() the scale event of the change the engine applied (the controller stores
// one after a successful scale update). Its proposals (replica counts and trace, word for word)
// are EvaluateHpa()'s for that input; it reads the engine's pods and samples in place and skips
// what only an explanation shows (status conditions, per-metric steps, pod group names, the
// rescale reason), so the kept state carries no conditions. Cost: about 2 us per call for a
// workload of 10 pods (hpa_benchmark.cc, BM_SteadyTick10000Hpas10Pods).
// Thread safety: the methods are const; Recommend() may run concurrently for different states.
std::unique_ptr<HorizontalRecommender> NewKubernetesHpaRecommender(
    HpaControllerSettings settings = {});

}  // namespace crescendo::hpa

#endif  // CRESCENDO_HORIZONTAL_KUBERNETES_HPA_H_
