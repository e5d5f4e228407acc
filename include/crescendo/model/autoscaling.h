// Autoscaling specifications shared by configuration, the recommenders and the engine.
//
// HorizontalSpec mirrors the spec of a Kubernetes HorizontalPodAutoscaler (autoscaling/v2):
// metrics with their targets, min/max replicas and behavior. VerticalSpec mirrors the parts of a
// VerticalPodAutoscaler (autoscaling.k8s.io/v1) the recommender honours. Optional fields stay
// unset when the user did not give them, so Kubernetes' defaults apply where Kubernetes applies
// them (see the horizontal and vertical layers).
#ifndef CRESCENDO_MODEL_AUTOSCALING_H_
#define CRESCENDO_MODEL_AUTOSCALING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crescendo/base/quantity.h"
#include "crescendo/model/resources.h"

namespace crescendo {

// autoscaling/v2 MetricSourceType.
enum class MetricSourceType { kResource, kContainerResource, kPods, kObject, kExternal };
// autoscaling/v2 MetricTargetType.
enum class MetricTargetType { kUtilization, kValue, kAverageValue };

struct MetricTarget {
  MetricTargetType type = MetricTargetType::kUtilization;
  std::optional<int32_t> average_utilization;  // percent of requests (Utilization)
  std::optional<Quantity> value;               // Value
  std::optional<Quantity> average_value;       // AverageValue
};

// autoscaling/v2 CrossVersionObjectReference (Object metrics).
struct ObjectReference {
  std::string kind;
  std::string name;
  std::string api_version;
};

struct MetricSpec {
  MetricSourceType type = MetricSourceType::kResource;
  // Resource/ContainerResource: the resource name ("cpu", "memory").
  // Pods/Object/External: the metric name (a catalogue name such as "audio_queue_length" or a
  // source-specific name).
  std::string name;
  std::string container;                        // ContainerResource only
  std::map<std::string, std::string> selector;  // metric.selector.matchLabels
  ObjectReference described_object;             // Object only
  MetricTarget target;
};

enum class ScalingPolicyType { kPods, kPercent };
enum class SelectPolicy { kMax, kMin, kDisabled };

struct ScalingPolicy {
  ScalingPolicyType type = ScalingPolicyType::kPods;
  int32_t value = 0;
  int32_t period_seconds = 0;
};

// autoscaling/v2 HPAScalingRules; unset fields take Kubernetes' defaults.
struct ScalingRules {
  std::optional<int32_t> stabilization_window_seconds;
  std::optional<SelectPolicy> select_policy;
  std::vector<ScalingPolicy> policies;  // empty: Kubernetes' default policies
  std::optional<double> tolerance;      // behavior.scale{Up,Down}.tolerance (Kubernetes 1.33+)
};

struct HpaBehavior {
  std::optional<ScalingRules> scale_up;
  std::optional<ScalingRules> scale_down;
};

struct HorizontalSpec {
  int32_t min_replicas = 1;
  int32_t max_replicas = 10;
  std::vector<MetricSpec> metrics;      // empty: Kubernetes' default, 80% average CPU utilization
  std::optional<HpaBehavior> behavior;  // unset: the path without behavior
};

// Returns spec.metrics, or Kubernetes' default when it names none: one Resource metric "cpu" with
// a target of 80% average utilization (pkg/controller/podautoscaler, the HPA's default). The one
// place that default is written; the engine, the HPA and the simulator all read it here.
std::span<const MetricSpec> EffectiveMetrics(const HorizontalSpec& spec);

enum class ControlledValues { kRequestsAndLimits, kRequestsOnly };
enum class ContainerScalingMode { kAuto, kOff };

// autoscaling.k8s.io/v1 ContainerResourcePolicy.
struct ContainerResourcePolicy {
  std::string container_name = "*";
  ContainerScalingMode mode = ContainerScalingMode::kAuto;
  std::optional<Resources> min_allowed;  // unset fields are 0 (no bound)
  std::optional<Resources> max_allowed;  // unset fields are 0 (no bound)
  std::vector<std::string> controlled_resources = {"cpu", "memory"};
  ControlledValues controlled_values = ControlledValues::kRequestsAndLimits;
};

struct VerticalSpec {
  std::string update_mode = "Auto";  // Off | Initial | Recreate | InPlaceOrRecreate | Auto
  // The VPA updater's disruption rules (its --min-replicas and --eviction-tolerance flags):
  // no pod is evicted or resized while fewer than `min_replicas` pods are alive, and at most
  // max(1, eviction_tolerance x replicas) pods are disrupted at once.
  int32_t min_replicas = 2;
  double eviction_tolerance = 0.5;
  std::vector<ContainerResourcePolicy> container_policies;
};

}  // namespace crescendo

#endif  // CRESCENDO_MODEL_AUTOSCALING_H_
