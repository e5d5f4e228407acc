// DecodeHpaSpec: the one decoder of an autoscaling/v2 HorizontalPodAutoscaler's spec.
//
// `crescendo hpa` state files and the Kubernetes backend (hpa::DecodeHpa, into a HorizontalSpec)
// and `crescendo config import` (config's manifest conversion, into a configuration tree) read
// the same object through it, so they accept the same objects, report the same problems at the
// same places, and keep every field's location. It reads what the HPA controller honours
// (kubernetes/api autoscaling/v2 types.go):
//   scaleTargetRef            {apiVersion, kind, name} (read as written; its meaning is the
//   caller's) minReplicas               an integer >= 0 (0 needs Kubernetes' HPAScaleToZero gate)
//   maxReplicas               required; an integer >= 1 and >= minReplicas
//   metrics[]                 type Resource | ContainerResource | Pods | Object | External and the
//                             map of that type: resource/containerResource {name, container,
//                             target}, pods/external {metric {name, selector}, target}, object
//                             {describedObject {apiVersion, kind, name}, metric, target}
//   target                    {type Utilization | Value | AverageValue, averageUtilization (> 0),
//                             value, averageValue (Kubernetes quantities)}
//   behavior.scaleUp/Down     stabilizationWindowSeconds, selectPolicy (Max, Min, Disabled),
//                             policies [{type Pods | Percent, value > 0, periodSeconds 1..1800}],
//                             tolerance (a quantity or number; Kubernetes 1.33's
//                             HPAConfigurableTolerance)
// Integers are unquoted (Kubernetes refuses "5" for an int32 field); a JSON object converted to a
// YamlNode tree keeps strings quoted and numbers unquoted, so it decodes the same.
//
// Problems, each in the one located form (crescendo/format/location.h):
//   - malformed: the value is reported at its node and left out (its Located stays empty); a
//     metric or a policy with a malformed field is left out whole;
//   - missing: a required field is reported at its parent map, found `no "KEY"` (`key` and
//     `value` say which field and what it must hold, for callers that name the field itself);
//   - unsupported: a field Crescendo does not read, reported at its key and ignored; whether that
//     is an error is the caller's choice. A target's value field that is not its type's (e.g.
//     averageValue on a Utilization target) is unsupported too, yet decoded: Kubernetes' controller
//     uses whichever is set, and hpa::DecodeHpa keeps it. `changes_result` marks an ignored field
//     that would change what the controller computes (a selector's matchExpressions).
//
// Ownership: the decoded spec points into the YamlNode tree it was decoded from, which must
// outlive it. Thread safety: pure functions.
#ifndef CRESCENDO_FORMAT_HPA_OBJECT_H_
#define CRESCENDO_FORMAT_HPA_OBJECT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crescendo/base/quantity.h"
#include "crescendo/format/vpa_object.h"  // Located
#include "crescendo/format/yaml.h"

namespace crescendo::format {

enum class HpaMetricType { kResource, kContainerResource, kPods, kObject, kExternal };
enum class HpaTargetType { kUtilization, kValue, kAverageValue };
enum class HpaSelectPolicy { kMax, kMin, kDisabled };
enum class HpaPolicyType { kPods, kPercent };

struct HpaTarget {
  const YamlNode* node = nullptr;  // the target map
  Located<HpaTargetType> type;
  Located<int32_t> average_utilization;
  Located<Quantity> value;
  Located<Quantity> average_value;
};

struct HpaMetric {
  const YamlNode* node = nullptr;  // the list item
  Located<HpaMetricType> type;
  const YamlNode* source = nullptr;  // the type's map: resource, containerResource, pods, ...
  Located<std::string> name;         // the resource's name, or metric.name
  Located<std::string> container;    // ContainerResource
  const YamlNode* described_object = nullptr;  // Object
  Located<std::string> described_api_version, described_kind, described_name;
  Located<std::map<std::string, std::string>> match_labels;  // metric.selector.matchLabels
  HpaTarget target;
};

struct HpaPolicy {
  const YamlNode* node = nullptr;  // the list item
  HpaPolicyType type = HpaPolicyType::kPods;
  int32_t value = 0;
  int32_t period_seconds = 0;
};

struct HpaRules {
  const YamlNode* node = nullptr;  // the scaleUp or scaleDown map
  Located<int32_t> stabilization_window_seconds;
  Located<HpaSelectPolicy> select_policy;
  const YamlNode* policies_node = nullptr;  // the list, when it is one
  std::vector<HpaPolicy> policies;          // the well-formed items, in order
  Located<double> tolerance;
};

struct HpaSpec {
  const YamlNode* scale_target_ref = nullptr;
  Located<std::string> target_api_version, target_kind, target_name;  // scalars only
  Located<int32_t> min_replicas;
  Located<int32_t> max_replicas;
  const YamlNode* metrics_node = nullptr;  // the list, when it is one
  std::vector<HpaMetric> metrics;          // the well-formed items, in order
  const YamlNode* behavior = nullptr;      // the map, when it is one
  std::optional<HpaRules> scale_up, scale_down;
};

struct HpaProblem {
  enum class Kind { kMalformed, kMissing, kUnsupported };
  YamlProblem problem;  // location, field path, found, expected
  Kind kind = Kind::kMalformed;
  std::string key;              // kMissing, kUnsupported: the field's key
  std::string value;            // kMissing: what the field must hold, e.g. "an integer"
  bool changes_result = false;  // kUnsupported: ignoring it changes the controller's result

  bool unsupported() const { return kind == Kind::kUnsupported; }
};

// Decodes `spec`, the map under an HPA's `spec:` (field paths are the nodes' own, e.g.
// "spec.metrics[0].resource.target.averageUtilization"). A null `spec` reads as an empty map
// (so maxReplicas is reported missing at it). Problems are appended to `problems` in document
// order; a problem never stops the rest of the object from being read.
HpaSpec DecodeHpaSpec(const YamlNode& spec, std::vector<HpaProblem>& problems);

// Returns the scalar as a problem's "found" text: numbers and booleans written unquoted as they
// are (3600, true), other scalars in quotes ("Fastest"); Describe() for the rest.
std::string DescribeValue(const YamlNode& node);

}  // namespace crescendo::format

#endif  // CRESCENDO_FORMAT_HPA_OBJECT_H_
