// `crescendo hpa explain`: what Kubernetes' HPA controller decides for one cluster state, and why.
//
// A state file (YAML or JSON) holds Kubernetes objects as `kubectl get -o json` prints them:
//   hpa              autoscaling/v2 HorizontalPodAutoscaler (spec; status.conditions optional)
//   scale            {specReplicas, statusReplicas, selector?} of the target
//   pods             v1 Pods (name, deletionTimestamp, containers' and initContainers' requests,
//                    spec.resources.requests, phase, startTime, the Ready condition)
//   podMetrics       metrics.k8s.io/v1beta1 PodMetrics (timestamp, window, containers[].usage)
//   customMetrics    custom.metrics.k8s.io/v1beta2 MetricValue items (Pods and Object metrics)
//   externalMetrics  external.metrics.k8s.io/v1beta1 ExternalMetricValue items
//   history          the controller's memory: recommendations [{timestamp, replicas}],
//                    scaleUpEvents / scaleDownEvents [{timestamp, replicaChange}]; absent: none
//                    yet, so the current count is recorded as the first recommendation
//   controller       tolerance, cpuInitializationPeriod, initialReadinessDelay,
//                    downscaleStabilizationWindow, scaleUpLimitFactor, scaleUpLimitMinimum,
//                    configurableTolerance (each defaulting to Kubernetes' default)
//   now              the evaluation time (RFC 3339)
//   proposedReplicas optional: skip the metrics and normalize this proposal
//
// Thread safety: pure functions.
#ifndef CRESCENDO_HORIZONTAL_HPA_EXPLAIN_H_
#define CRESCENDO_HORIZONTAL_HPA_EXPLAIN_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/horizontal/kubernetes_hpa.h"

namespace crescendo::hpa {

// A parsed state file: everything EvaluateHpa() needs.
struct HpaState {
  std::string name;              // hpa.metadata.name
  std::string ns = "default";    // hpa.metadata.namespace
  ObjectReference scale_target;  // hpa.spec.scaleTargetRef
  HorizontalSpec spec;
  int32_t spec_replicas = 0;
  int32_t status_replicas = 0;
  std::optional<std::string> selector;
  std::vector<HpaPod> pods;
  std::vector<MetricReading> readings;  // one per EffectiveMetrics(spec), same order
  std::optional<int32_t> proposed_replicas;
  HpaControllerState memory;
  HpaControllerSettings settings;
  Timestamp now;
};

// An autoscaling/v2 HorizontalPodAutoscaler, as state files (ParseHpaState, its `hpa`) and the
// Kubernetes backend (an HPA Crescendo owns gives its workload's starting spec) read it: its spec
// goes through the one HPA decoder (format::DecodeHpaSpec, crescendo/format/hpa_object.h) that
// `config import` uses too.
struct HpaObject {
  std::string name;
  std::string ns = "default";
  ObjectReference scale_target;
  HorizontalSpec spec;
};

// Decodes `hpa` (the object as the API serves it; converted to a YamlNode tree, strings quoted
// and numbers not, for the decoder). `source` names it in errors. Fields Crescendo does not read
// are ignored, except a non-empty matchExpressions (it would change which series are read).
// Errors: InvalidArgument with the decoder's first problem, "<source>: <field path>: found <what>,
// expected <what>", e.g. for autoscaling/v1, a maxReplicas below minReplicas or an unknown metric
// type; a missing field is named by its own path: "<source>: spec.maxReplicas: found nothing,
// expected an integer".
StatusOr<HpaObject> DecodeHpa(const nlohmann::json& hpa, std::string_view source);

// Parses a state file. `source` names it in errors ("state.yaml").
// Errors: InvalidArgument in the format layer's one located form, "<source>:<line>:<column>:
// <field path>: found <what was there>, expected <what>", e.g. "state.yaml:7:40:
// pods[2].status.phase: found \"Runing\", expected one of Pending, Running, Succeeded, Failed,
// Unknown" (a missing field is placed at the nearest enclosing one; a JSON state has no
// locations, so its errors start "<source>: <field path>: ...").
StatusOr<HpaState> ParseHpaState(std::string_view text, std::string_view source);

struct HpaExplanation {
  HpaState state;
  HpaDecision decision;
};

// Returns the state with the controller's decision for it.
HpaExplanation ExplainHpa(HpaState state);

// Returns the explanation as JSON: desiredReplicas, currentReplicas, proposedReplicas (null when
// no metric was evaluated), rescale, rescaleReason, currentMetrics (autoscaling/v2
// MetricStatus), metrics (per metric: proposal, ratios, podGroups, steps, error), conditions
// [{type, status, reason, message, lastTransitionTime}], trace, error, history.
std::string ExplanationToJson(const HpaExplanation& explanation);

// Returns the explanation as text for a terminal.
std::string ExplanationToText(const HpaExplanation& explanation);

}  // namespace crescendo::hpa

#endif  // CRESCENDO_HORIZONTAL_HPA_EXPLAIN_H_
