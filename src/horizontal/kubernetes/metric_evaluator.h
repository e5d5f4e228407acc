// One metric of an HPA: the replica calculator for its source and target type, with the
// description, status, error text and condition Kubernetes' controller writes for it.
// Source: kubernetes pkg/controller/podautoscaler/horizontal.go computeReplicasForMetric and
// computeStatusFor{Object,Pods,ResourceGeneric,Resource,ContainerResource,External}Metric.
#ifndef CRESCENDO_SRC_HORIZONTAL_KUBERNETES_METRIC_EVALUATOR_H_
#define CRESCENDO_SRC_HORIZONTAL_KUBERNETES_METRIC_EVALUATOR_H_

#include <map>
#include <string>

#include "crescendo/horizontal/kubernetes_hpa.h"
#include "horizontal/kubernetes/evaluation.h"
#include "horizontal/kubernetes/replica_calculator.h"

namespace crescendo::hpa::internal {

// Returns the evaluation of `spec` (the `index`-th metric) from `reading`. With calc.explain
// false, MetricEvaluation::failure, steps and pod_groups stay empty.
MetricEvaluation EvaluateMetric(const MetricSpec& spec, size_t index, const ReadingView& reading,
                                const EvalInput& input, const CalcContext& calc);

// Returns a label selector as Go's "%+v" prints a *metav1.LabelSelector: "nil" when empty,
// else "&LabelSelector{MatchLabels:map[string]string{k: v,},MatchExpressions:[]...{},}".
std::string FormatGoSelector(const std::map<std::string, std::string>& match_labels);

// Returns the MetricSourceType's Kubernetes name ("Resource", "Pods", ...).
std::string_view MetricSourceTypeName(MetricSourceType type);

}  // namespace crescendo::hpa::internal

#endif  // CRESCENDO_SRC_HORIZONTAL_KUBERNETES_METRIC_EVALUATOR_H_
