// ReadLoadSignal: the workload's load, independent of its replica count, and its conversion to
// replicas through the metric target.
#include <fmt/format.h>

#include "crescendo/horizontal/kubernetes_hpa.h"
#include "crescendo/horizontal/predictive.h"

namespace crescendo::predictive {
namespace {

bool IsResource(const MetricSpec& spec) {
  return spec.type == MetricSourceType::kResource ||
         spec.type == MetricSourceType::kContainerResource;
}

// Returns the cpu request, in millicores, of the container the metric names, or of the pod.
int64_t CpuRequestMillis(const MetricSpec& spec, const WorkloadState& w) {
  if (spec.type != MetricSourceType::kContainerResource) return w.pod_requests.cpu_millis;
  for (const PodState& pod : w.pods) {
    for (const ContainerState& c : pod.containers) {
      if (c.name == spec.container) return c.requests.cpu_millis;
    }
  }
  return 0;
}

// Returns the load one replica carries at the target of `spec`.
// Errors: FailedPrecondition saying why the metric cannot be read as a load.
StatusOr<double> LoadPerReplica(const MetricSpec& spec, const WorkloadState& w) {
  const MetricTarget& target = spec.target;
  if (IsResource(spec) && spec.name != "cpu") {
    return FailedPreconditionError(spec.name + ": a per-pod base dominates it, not a load");
  }
  if (target.type == MetricTargetType::kValue) {
    return FailedPreconditionError(spec.name + ": a Value target is a ratio, not a load");
  }
  double per_replica = 0;
  if (target.type == MetricTargetType::kUtilization) {
    if (!IsResource(spec)) {
      return FailedPreconditionError(spec.name + ": Utilization needs a Resource metric");
    }
    per_replica = static_cast<double>(CpuRequestMillis(spec, w)) *
                  target.average_utilization.value_or(0) / 100.0;
  } else if (target.average_value) {
    per_replica = IsResource(spec) ? static_cast<double>(target.average_value->MilliValue())
                                   : target.average_value->AsDouble();
  }
  if (!(per_replica > 0)) {
    return FailedPreconditionError(spec.name + ": no positive target per replica (request " +
                                   "or average value missing)");
  }
  return per_replica;
}

// True when the metric's load is a workload-level value rather than a sum over pods.
bool WorkloadLevel(const MetricSpec& spec, const WorkloadMetric& m) {
  if (spec.type == MetricSourceType::kObject || spec.type == MetricSourceType::kExternal) {
    return true;
  }
  return spec.type == MetricSourceType::kPods && m.value.has_value();
}

// Returns the signal of metric i. Errors: FailedPrecondition (never usable as a load),
// Unavailable (not readable this time).
StatusOr<LoadSignal> SignalOf(const MetricSpec& spec, const WorkloadMetric& m, size_t i,
                              const WorkloadState& w) {
  CRESCENDO_ASSIGN_OR_RETURN(double per_replica, LoadPerReplica(spec, w));
  if (!m.status.ok()) return UnavailableError(spec.name + ": " + m.status.ToString());
  LoadSignal s{.metric_index = i, .load_per_replica = per_replica};
  if (WorkloadLevel(spec, m)) {
    if (!m.value) return UnavailableError(spec.name + ": no workload value");
    s.load = *m.value;
    return s;
  }
  if (m.pods.empty()) return UnavailableError(spec.name + ": no pod samples");
  for (const PodMetric& p : m.pods) s.load += p.value;
  s.pods_summed = m.pods.size();
  return s;
}

}  // namespace

StatusOr<LoadSignal> ReadLoadSignal(const HorizontalContext& ctx,
                                    std::optional<size_t> metric_index) {
  // The spec's own metrics, or Kubernetes' default when none (no copy).
  const std::span<const MetricSpec> specs = EffectiveMetrics(*ctx.spec);
  const size_t n = std::min(specs.size(), ctx.metrics.size());
  if (metric_index) {
    if (*metric_index >= n) {
      return UnavailableError(fmt::format("metric #{} was not read", *metric_index));
    }
    return SignalOf(specs[*metric_index], ctx.metrics[*metric_index], *metric_index, *ctx.workload);
  }
  std::string skipped;
  bool unavailable = false;  // some metric could be a load but was not read
  for (bool workload_level : {true, false}) {
    for (size_t i = 0; i < n; ++i) {
      if (WorkloadLevel(specs[i], ctx.metrics[i]) != workload_level) continue;
      StatusOr<LoadSignal> s = SignalOf(specs[i], ctx.metrics[i], i, *ctx.workload);
      if (s.ok()) return s;
      unavailable |= s.status().code() == StatusCode::kUnavailable;
      skipped += (skipped.empty() ? "" : "; ") + s.status().message();
    }
  }
  std::string message = "no metric usable as a load signal" +
                        (skipped.empty() ? std::string() : " (" + skipped + ")");
  return unavailable ? UnavailableError(message) : FailedPreconditionError(message);
}

}  // namespace crescendo::predictive
