// EvaluateHpa: one reconcile of Kubernetes' HPA controller for one HPA.
// Source: kubernetes pkg/controller/podautoscaler/horizontal.go reconcileAutoscaler,
// computeReplicasForMetrics, normalizeDesiredReplicas(WithBehaviors), setConditionInList,
// tolerancesForHpa.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "crescendo/horizontal/kubernetes_hpa.h"
#include "horizontal/kubernetes/evaluation.h"
#include "horizontal/kubernetes/metric_evaluator.h"
#include "horizontal/kubernetes/normalization.h"
#include "horizontal/kubernetes/replica_calculator.h"

namespace crescendo::hpa {
namespace {

using internal::EvalInput;
using internal::Limited;
using internal::ResolvedBehavior;

constexpr char kAbleToScale[] = "AbleToScale";
constexpr char kScalingActive[] = "ScalingActive";
constexpr char kScalingLimited[] = "ScalingLimited";

// setConditionInList: updates the condition of that type (appending it when absent); the
// transition time moves only when the status changes.
void SetCondition(std::vector<HpaCondition>* list, std::string_view type, ConditionStatus status,
                  std::string_view reason, std::string_view message, Timestamp now) {
  auto it = std::find_if(list->begin(), list->end(),
                         [&](const HpaCondition& c) { return c.type == type; });
  if (it == list->end()) {
    list->push_back(HpaCondition{std::string(type), ConditionStatus::kUnknown, "", "", now});
    it = list->end() - 1;
    it->last_transition_time = now;
  } else if (it->status != status) {
    it->last_transition_time = now;
  }
  it->status = status;
  it->reason = reason;
  it->message = message;
}

// tolerancesForHpa: the controller's tolerance, overridden per direction by the behavior.
internal::Tolerances TolerancesFor(const ResolvedBehavior& rules,
                                   const HpaControllerSettings& settings) {
  internal::Tolerances t{settings.tolerance, settings.tolerance};
  if (!rules.has_behavior || !settings.configurable_tolerance) return t;
  if (rules.down.tolerance.has_value()) t.scale_down = *rules.down.tolerance;
  if (rules.up.tolerance.has_value()) t.scale_up = *rules.up.tolerance;
  return t;
}

// Returns the trace step of metric `i`, "metric/<i>": a literal for the first sixteen.
TraceText MetricStep(size_t i) {
  static constexpr std::string_view kSteps[] = {"metric/0",  "metric/1",  "metric/2",  "metric/3",
                                                "metric/4",  "metric/5",  "metric/6",  "metric/7",
                                                "metric/8",  "metric/9",  "metric/10", "metric/11",
                                                "metric/12", "metric/13", "metric/14", "metric/15"};
  if (i < std::size(kSteps)) return TraceText::Static(kSteps[i]);
  return TraceText("metric/" + std::to_string(i));
}

// The evaluation's working data.
struct Reconcile {
  const EvalInput& in;
  const HpaControllerSettings& settings;
  const ResolvedBehavior& rules;
  HpaDecision& d;
  // The description of the metric with the largest proposal (set only when explaining).
  std::string_view metric;

  void Trace(TraceText step, int32_t before, int32_t after, std::string reason) {
    d.trace.push_back({std::move(step), static_cast<double>(before), static_cast<double>(after),
                       std::move(reason)});
  }
  // Sets a status condition; conditions are written only when the evaluation explains.
  void Condition(std::string_view type, ConditionStatus status, std::string_view reason,
                 std::string_view message) {
    if (in.explain) SetCondition(&d.state.conditions, type, status, reason, message, in.now);
  }
};

// computeReplicasForMetrics: the largest valid proposal; an invalid metric blocks a
// scale-down, and all metrics invalid is an error. Returns -1 on failure.
int32_t ComputeReplicasForMetrics(Reconcile& r) {
  const std::span<const MetricSpec> specs = internal::EffectiveMetricsOf(*r.in.spec);
  const internal::CalcContext calc{{},
                                   TolerancesFor(r.rules, r.settings),
                                   r.settings.cpu_initialization_period,
                                   r.settings.initial_readiness_delay,
                                   r.settings.pod_level_resources,
                                   r.in.now,
                                   r.in.pods,
                                   r.in.requests,
                                   r.in.explain};
  int32_t replicas = 0;
  std::optional<size_t> largest;  // the metric with the largest proposal
  int invalid = 0;
  const MetricEvaluation* first_invalid = nullptr;
  static const Status kNoReadingStatus = UnavailableError("no reading was provided");
  static const internal::ReadingView kNoReading{&kNoReadingStatus, {}, {}};
  r.d.metrics.reserve(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    const internal::ReadingView& reading = i < r.in.readings.size() ? r.in.readings[i] : kNoReading;
    r.d.metrics.push_back(internal::EvaluateMetric(specs[i], i, reading, r.in, calc));
    MetricEvaluation& e = r.d.metrics.back();
    if (!e.valid) {
      ++invalid;
      r.Trace(MetricStep(i), r.in.spec_replicas, r.in.spec_replicas, e.error);
      continue;
    }
    if (replicas == 0 || e.proposed_replicas > replicas) {
      replicas = e.proposed_replicas;
      largest = i;
    }
    // Without explanation nothing reads the description again: the trace takes it.
    r.Trace(MetricStep(i), r.in.spec_replicas, e.proposed_replicas,
            r.in.explain ? e.description : std::move(e.description));
  }
  for (const MetricEvaluation& e : r.d.metrics) {  // (metrics does not grow any more)
    if (!e.valid) {
      first_invalid = &e;
      break;
    }
  }
  const int n = static_cast<int>(specs.size());
  if (invalid >= n || (invalid > 0 && replicas < r.in.spec_replicas)) {
    r.Condition(first_invalid->failure.type, first_invalid->failure.status,
                first_invalid->failure.reason, first_invalid->failure.message);
    r.d.status = FailedPreconditionError(fmt::format(
        "failed to compute desired number of replicas based on listed metrics for {}/{}/{}: "
        "invalid metrics ({} invalid out of {}), first error is: {}",
        r.in.target_kind, r.in.ns, r.in.target_name, invalid, n, first_invalid->error));
    return -1;
  }
  if (r.in.explain) {
    r.metric = r.d.metrics[*largest].description;
    r.Condition(
        kScalingActive, ConditionStatus::kTrue, "ValidMetricFound",
        "the HPA was able to successfully calculate a replica count from " + std::string(r.metric));
  }
  r.d.proposed_replicas = replicas;
  return replicas;
}

void SetAbleToScale(Reconcile& r, int32_t stabilized, int32_t proposal, const Limited& s) {
  if (stabilized != proposal) {
    r.Condition(kAbleToScale, ConditionStatus::kTrue, s.reason, s.message);
    r.Trace(TraceText::Static(s.reason), proposal, stabilized, std::string(s.message));
  } else {
    r.Condition(kAbleToScale, ConditionStatus::kTrue, "ReadyForNewScale",
                "recommended size matches current size");
  }
}

void SetScalingLimited(Reconcile& r, int32_t before, const Limited& l) {
  r.Condition(kScalingLimited,
              l.replicas == before ? ConditionStatus::kFalse : ConditionStatus::kTrue, l.reason,
              l.message);
  r.Trace(TraceText::Static(l.reason), before, l.replicas, std::string(l.message));
}

// normalizeDesiredReplicas: the path without behavior.
int32_t Normalize(Reconcile& r, int32_t current, int32_t proposal, int32_t min_replicas) {
  const int32_t stabilized = internal::StabilizeRecommendation(
      &r.d.state.recommendations, proposal, r.in.now, r.settings.downscale_stabilization_window);
  SetAbleToScale(r, stabilized, proposal,
                 {stabilized, "ScaleDownStabilized",
                  "recent recommendations were higher than current one, applying the highest "
                  "recent recommendation"});
  const Limited l = internal::ConvertDesiredReplicasWithRules(
      current, stabilized, min_replicas, r.in.spec->max_replicas, r.settings.scale_up_limit_factor,
      r.settings.scale_up_limit_minimum);
  SetScalingLimited(r, stabilized, l);
  return l.replicas;
}

// normalizeDesiredReplicasWithBehaviors: the path with behavior.
int32_t NormalizeWithBehavior(Reconcile& r, int32_t current, int32_t proposal,
                              int32_t min_replicas) {
  const Limited s = internal::StabilizeRecommendationWithBehaviors(
      &r.d.state.recommendations, current, proposal, r.rules.up, r.rules.down, r.in.now);
  SetAbleToScale(r, s.replicas, proposal, s);
  const internal::RateArgs args{current, s.replicas, min_replicas, r.in.spec->max_replicas,
                                r.in.now};
  const Limited l = internal::ConvertDesiredReplicasWithBehaviorRate(
      args, r.rules.up, r.rules.down, r.d.state.scale_up_events, r.d.state.scale_down_events);
  SetScalingLimited(r, s.replicas, l);
  return l.replicas;
}

// The branch of reconcileAutoscaler that consults the metrics. Returns -1 on failure.
int32_t FromMetrics(Reconcile& r, int32_t current, int32_t min_replicas) {
  int32_t proposal = 0;
  std::string_view metric;
  if (r.in.proposed_replicas.has_value()) {
    proposal = *r.in.proposed_replicas;
    r.d.proposed_replicas = proposal;
    r.Trace(TraceText::Static("proposal"), current, proposal,
            "proposed replicas given; metrics not evaluated");
  } else {
    if (r.in.empty_selector) {
      r.Condition(kScalingActive, ConditionStatus::kFalse, "InvalidSelector",
                  "the HPA target's scale is missing a selector");
      r.d.status = FailedPreconditionError("selector is required");
      return -1;
    }
    proposal = ComputeReplicasForMetrics(r);
    if (proposal < 0) return -1;
    metric = r.metric;
  }
  if (r.in.explain && proposal > current) {
    r.d.rescale_reason = fmt::format("{} above target", metric);
  }
  if (r.in.explain && proposal < current) r.d.rescale_reason = "All metrics below target";
  return r.rules.has_behavior ? NormalizeWithBehavior(r, current, proposal, min_replicas)
                              : Normalize(r, current, proposal, min_replicas);
}

}  // namespace

std::string_view ConditionStatusName(ConditionStatus status) {
  switch (status) {
    case ConditionStatus::kTrue:
      return "True";
    case ConditionStatus::kFalse:
      return "False";
    case ConditionStatus::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

namespace internal {

// Kubernetes' default metric (autoscaling.DefaultCPUUtilization) is written once, in the model.
std::span<const MetricSpec> EffectiveMetricsOf(const HorizontalSpec& spec) {
  return crescendo::EffectiveMetrics(spec);
}

void Evaluate(const EvalInput& input, const HpaControllerSettings& settings, HpaDecision* d) {
  thread_local internal::BehaviorCache thread_behaviors;
  internal::BehaviorCache& behaviors =
      input.behaviors != nullptr ? *input.behaviors : thread_behaviors;
  const ResolvedBehavior& rules =
      behaviors.Get(input.spec->behavior, settings.downscale_stabilization_window);
  Reconcile r{input, settings, rules, *d, {}};
  r.d.trace.reserve(internal::EffectiveMetricsOf(*input.spec).size() + 3);
  const int32_t current = input.spec_replicas;
  const int32_t min_replicas = input.spec->min_replicas;
  r.d.current_replicas = current;
  r.Condition(kAbleToScale, ConditionStatus::kTrue, "SucceededGetScale",
              "the HPA controller was able to get the target's current scale");
  if (!r.d.state.initialized) {  // recordInitialRecommendation
    r.d.state.initialized = true;
    if (r.d.state.recommendations.empty()) {
      r.d.state.recommendations.push_back({current, input.now});
    }
  }

  int32_t desired = 0;
  bool rescale = true;
  if (current == 0 && min_replicas != 0) {
    rescale = false;
    r.Condition(kScalingActive, ConditionStatus::kFalse, "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero");
    r.Trace(TraceText::Static("ScalingDisabled"), current, current, "the target has zero replicas");
  } else if (current > input.spec->max_replicas) {
    desired = input.spec->max_replicas;
    r.d.rescale_reason = "Current number of replicas above Spec.MaxReplicas";
    r.Trace(TraceText::Static("bounds"), current, desired, r.d.rescale_reason);
  } else if (current < min_replicas) {
    desired = min_replicas;
    r.d.rescale_reason = "Current number of replicas below Spec.MinReplicas";
    r.Trace(TraceText::Static("bounds"), current, desired, r.d.rescale_reason);
  } else {
    desired = FromMetrics(r, current, min_replicas);
    if (desired < 0) {  // the reconcile fails; the target keeps its replicas
      r.d.desired_replicas = current;
      r.d.rescale_reason.clear();
      return;
    }
    rescale = desired != current;
  }

  if (rescale) {
    if (input.explain) {
      r.Condition(
          kAbleToScale, ConditionStatus::kTrue, "SucceededRescale",
          fmt::format("the HPA controller was able to update the target scale to {}", desired));
    }
    if (input.store_scale_event) {
      internal::StoreScaleEvent(r.rules.has_behavior, r.rules.up, r.rules.down, current, desired,
                                input.now, &r.d.state);
    }
  } else {
    desired = current;
    r.d.rescale_reason.clear();
  }
  r.d.rescale = rescale;
  r.d.desired_replicas = desired;
}

}  // namespace internal

HpaDecision EvaluateHpa(const HpaInput& input, HpaControllerState state,
                        const HpaControllerSettings& settings) {
  const std::vector<internal::PodView> pods = internal::ViewsOf(input.pods);
  const internal::HpaPodRequests requests(input.pods);
  std::vector<std::vector<internal::SampleView>> samples;
  std::vector<internal::ReadingView> readings;
  samples.reserve(input.readings.size());
  readings.reserve(input.readings.size());
  for (const MetricReading& reading : input.readings) {
    samples.push_back(internal::ViewsOf(reading.pods));
    readings.push_back({&reading.fetch_status, samples.back(), reading.values_milli});
  }
  EvalInput in;
  in.spec = input.spec;
  in.ns = input.ns;
  in.target_kind = input.scale_target.kind;
  in.target_name = input.scale_target.name;
  in.spec_replicas = input.spec_replicas;
  in.status_replicas = input.status_replicas;
  in.empty_selector = input.selector.has_value() && input.selector->empty();
  in.pods = pods;
  in.requests = &requests;
  in.readings = readings;
  in.proposed_replicas = input.proposed_replicas;
  in.now = input.now;
  HpaDecision d;
  d.state = std::move(state);
  internal::Evaluate(in, settings, &d);
  return d;
}

}  // namespace crescendo::hpa
