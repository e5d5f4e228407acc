#include "horizontal/kubernetes/metric_evaluator.h"

#include <fmt/format.h>

namespace crescendo::hpa::internal {
namespace {

constexpr char kUnable[] = "the HPA was unable to compute the replica count: ";

// The outcome of one source-specific computation, before it is folded into MetricEvaluation.
struct SourceOutcome {
  CalcResult calc;
  std::string condition_error;  // the error the condition message carries
  std::string outer_error;      // the error computeReplicasForMetric returns
};

std::string FetchMessage(const ReadingView& reading, bool empty, std::string_view api) {
  if (!reading.fetch_status->ok()) return reading.fetch_status->message();
  if (empty) return fmt::format("no metrics returned from {} metrics API", api);
  return "";
}

int64_t Milli(const std::optional<Quantity>& q) { return q.has_value() ? q->MilliValue() : 0; }

// Object and External share these: a failed fetch, or the Value / AverageValue calculator.
struct FetchedValue {
  std::string fetch;        // the API's error, or "" when the value was read
  std::string fetch_error;  // the calculator's error text for a failed fetch
  int64_t usage = 0;
};

CalcResult ValueCalc(const FetchedValue& v, const std::optional<Quantity>& target,
                     const EvalInput& input, const CalcContext& calc) {
  if (!v.fetch.empty()) return CalcResult{.error = v.fetch_error};
  return ValueMetricReplicas(input.spec_replicas, v.usage, Milli(target), calc);
}

CalcResult PerPodCalc(const FetchedValue& v, const std::optional<Quantity>& target,
                      const EvalInput& input, const CalcContext& calc) {
  if (!v.fetch.empty()) return CalcResult{.error = v.fetch_error};
  return PerPodMetricReplicas(input.status_replicas, v.usage, Milli(target), calc);
}

// Resource and ContainerResource: computeStatusForResourceMetricGeneric.
SourceOutcome ResourceSource(const MetricSpec& spec, const ReadingView& reading,
                             const EvalInput& input, const CalcContext& calc, MetricEvaluation* e) {
  SourceOutcome o;
  const std::string& res = spec.name;
  const bool container = spec.type == MetricSourceType::kContainerResource;
  const std::string fetch = FetchMessage(reading, reading.pods.empty(), "resource");
  std::string what;
  if (spec.target.average_value.has_value()) {
    what = "usage";
    o.calc = fetch.empty()
                 ? PlainMetricReplicas(input.spec_replicas, Milli(spec.target.average_value), res,
                                       reading.pods, calc)
                 : CalcResult{};
    e->description = res + " resource";
    e->current.average_value_milli = o.calc.usage_milli;
  } else if (spec.target.average_utilization.has_value()) {
    what = "utilization";
    o.calc = fetch.empty()
                 ? ResourceUtilizationReplicas(
                       input.spec_replicas, *spec.target.average_utilization, res,
                       container ? std::string_view(spec.container) : "", reading.pods, calc)
                 : CalcResult{};
    e->description = res + (container ? " container resource utilization (percentage of request)"
                                      : " resource utilization (percentage of request)");
    e->current.average_utilization = o.calc.utilization;
    e->current.average_value_milli = o.calc.usage_milli;
  } else {
    o.condition_error =
        "invalid resource metric source: neither an average utilization target nor an average "
        "value (usage) target was set";
  }
  if (!what.empty() && !fetch.empty()) {
    o.calc.error = fmt::format("unable to get metrics for resource {}: {}", res, fetch);
  }
  if (!what.empty() && !o.calc.error.empty()) {
    o.condition_error = fmt::format("failed to get {} {}: {}", res, what, o.calc.error);
  }
  if (!o.condition_error.empty()) {
    o.outer_error = container ? fmt::format("failed to get {} container metric value: {}",
                                            spec.container, o.condition_error)
                              : fmt::format("failed to get {} resource metric value: {}", res,
                                            o.condition_error);
  }
  return o;
}

SourceOutcome PodsSource(const MetricSpec& spec, const ReadingView& reading, const EvalInput& input,
                         const CalcContext& calc, MetricEvaluation* e) {
  SourceOutcome o;
  e->description = "pods metric " + spec.name;
  const std::string fetch = FetchMessage(reading, reading.pods.empty(), "custom");
  if (!spec.target.average_value.has_value()) {
    o.condition_error = "invalid pods metric source: an average value target was not set";
  } else if (!fetch.empty()) {
    o.condition_error = fmt::format("unable to get metric {}: {}", spec.name, fetch);
  } else {
    o.calc = PlainMetricReplicas(input.spec_replicas, Milli(spec.target.average_value), "",
                                 reading.pods, calc);
    o.condition_error = o.calc.error;
    e->current.average_value_milli = o.calc.usage_milli;
  }
  if (!o.condition_error.empty()) {
    o.outer_error = "failed to get pods metric value: " + o.condition_error;
  }
  return o;
}

SourceOutcome ObjectSource(const MetricSpec& spec, const ReadingView& reading,
                           const EvalInput& input, const CalcContext& calc, MetricEvaluation* e) {
  SourceOutcome o;
  const MetricTarget& t = spec.target;
  const ObjectReference& obj = spec.described_object;
  FetchedValue v;
  v.fetch = FetchMessage(reading, reading.values_milli.empty(), "custom");
  // Kubernetes' format string takes its arguments in this order (replica_calculator.go).
  if (!v.fetch.empty()) {
    v.fetch_error = fmt::format("unable to get metric {}: {} on {} {}/{}", spec.name, obj.kind,
                                input.ns, obj.name, v.fetch);
  }
  v.usage = reading.values_milli.empty() ? 0 : reading.values_milli.front();
  if (t.type == MetricTargetType::kValue && t.value.has_value()) {
    e->description = fmt::format("{} metric {}", obj.kind, spec.name);
    o.calc = ValueCalc(v, t.value, input, calc);
    if (!o.calc.error.empty()) o.outer_error = "failed to get object metric value: " + o.calc.error;
    e->current.value_milli = v.usage;
  } else if (t.type == MetricTargetType::kAverageValue && t.average_value.has_value()) {
    e->description =
        fmt::format("external metric {}({})", spec.name, FormatGoSelector(spec.selector));
    o.calc = PerPodCalc(v, t.average_value, input, calc);
    if (!o.calc.error.empty()) {
      o.outer_error = fmt::format(
          "failed to get object metric value: failed to get {} object "
          "metric: {}",
          spec.name, o.calc.error);
    }
    e->current.average_value_milli = o.calc.usage_milli;
  } else {
    o.calc.error =
        "invalid object metric source: neither a value target nor an average value target was set";
    o.outer_error = "failed to get object metric value: " + o.calc.error;
  }
  o.condition_error = o.calc.error;
  return o;
}

SourceOutcome ExternalSource(const MetricSpec& spec, const ReadingView& reading,
                             const EvalInput& input, const CalcContext& calc, MetricEvaluation* e) {
  SourceOutcome o;
  const MetricTarget& t = spec.target;
  const std::string selector = FormatGoSelector(spec.selector);
  e->description = fmt::format("external metric {}({})", spec.name, selector);
  FetchedValue v;
  v.fetch = FetchMessage(reading, reading.values_milli.empty(), "external");
  if (!v.fetch.empty()) {
    v.fetch_error = fmt::format("unable to get external metric {}/{}/{}: {}", input.ns, spec.name,
                                selector, v.fetch);
  }
  std::string wrapped;
  if (t.average_value.has_value()) {
    v.usage = SumExternalPerPodValue(reading.values_milli);
    o.calc = PerPodCalc(v, t.average_value, input, calc);
    e->current.average_value_milli = o.calc.usage_milli;
    if (!o.calc.error.empty()) {
      wrapped = fmt::format("failed to get {} external metric: {}", spec.name, o.calc.error);
    }
  } else if (t.value.has_value()) {
    v.usage = SumExternalValue(reading.values_milli);
    o.calc = ValueCalc(v, t.value, input, calc);
    e->current.value_milli = v.usage;
    if (!o.calc.error.empty()) {
      wrapped = fmt::format("failed to get external metric {}: {}", spec.name, o.calc.error);
    }
  } else {
    o.calc.error = wrapped =
        "invalid external metric source: neither a value target nor an average value target was "
        "set";
  }
  o.condition_error = o.calc.error;
  if (!o.calc.error.empty()) {
    o.outer_error = fmt::format("failed to get {} external metric value: {}", spec.name, wrapped);
  }
  return o;
}

std::string_view FailureReason(MetricSourceType type) {
  switch (type) {
    case MetricSourceType::kResource:
      return "FailedGetResourceMetric";
    case MetricSourceType::kContainerResource:
      return "FailedGetContainerResourceMetric";
    case MetricSourceType::kPods:
      return "FailedGetPodsMetric";
    case MetricSourceType::kObject:
      return "FailedGetObjectMetric";
    case MetricSourceType::kExternal:
      return "FailedGetExternalMetric";
  }
  return "InvalidMetricSourceType";
}

}  // namespace

std::string_view MetricSourceTypeName(MetricSourceType type) {
  switch (type) {
    case MetricSourceType::kResource:
      return "Resource";
    case MetricSourceType::kContainerResource:
      return "ContainerResource";
    case MetricSourceType::kPods:
      return "Pods";
    case MetricSourceType::kObject:
      return "Object";
    case MetricSourceType::kExternal:
      return "External";
  }
  return "";
}

std::string FormatGoSelector(const std::map<std::string, std::string>& match_labels) {
  if (match_labels.empty()) return "nil";
  std::string labels;
  for (const auto& [k, v] : match_labels) labels += fmt::format("{}: {},", k, v);
  return fmt::format(
      "&LabelSelector{{MatchLabels:map[string]string{{{}}},MatchExpressions:[]"
      "LabelSelectorRequirement{{}},}}",
      labels);
}

MetricEvaluation EvaluateMetric(const MetricSpec& spec, size_t index, const ReadingView& reading,
                                const EvalInput& input, const CalcContext& calc) {
  MetricEvaluation e;
  e.index = index;
  SourceOutcome o;
  switch (spec.type) {
    case MetricSourceType::kResource:
    case MetricSourceType::kContainerResource:
      o = ResourceSource(spec, reading, input, calc, &e);
      break;
    case MetricSourceType::kPods:
      o = PodsSource(spec, reading, input, calc, &e);
      break;
    case MetricSourceType::kObject:
      o = ObjectSource(spec, reading, input, calc, &e);
      break;
    case MetricSourceType::kExternal:
      o = ExternalSource(spec, reading, input, calc, &e);
      break;
  }
  e.usage_ratio = o.calc.usage_ratio;
  e.adjusted_ratio = o.calc.adjusted_ratio;
  e.pod_groups = std::move(o.calc.groups);
  e.steps = std::move(o.calc.steps);
  if (!o.outer_error.empty()) {
    e.valid = false;
    e.error = o.outer_error;
    if (calc.explain) {
      e.failure = {"ScalingActive",
                   ConditionStatus::kFalse,
                   std::string(FailureReason(spec.type)),
                   kUnable + o.condition_error,
                   {}};
    }
    e.current = {};
    return e;
  }
  e.valid = true;
  e.proposed_replicas = o.calc.replicas;
  return e;
}

}  // namespace crescendo::hpa::internal
