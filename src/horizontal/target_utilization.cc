#include "crescendo/horizontal/target_utilization.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>

namespace crescendo {
namespace {

// Returns usage/target as a ratio for one metric, or nullopt when it cannot be computed.
std::optional<double> UsageRatio(const MetricSpec& spec, const WorkloadMetric& metric,
                                 const WorkloadState& workload, std::string* why) {
  if (!metric.status.ok()) {
    *why = metric.status.ToString();
    return std::nullopt;
  }
  const MetricTarget& target = spec.target;
  if (target.type == MetricTargetType::kValue) {
    if (!metric.value || !target.value) return std::nullopt;
    return *metric.value / target.value->AsDouble();
  }
  if (metric.pods.empty()) {
    *why = "no pod samples";
    return std::nullopt;
  }
  double sum = 0;
  for (const PodMetric& p : metric.pods) sum += p.value;
  double mean = sum / static_cast<double>(metric.pods.size());
  if (target.type == MetricTargetType::kAverageValue) {
    if (!target.average_value) return std::nullopt;
    double want = spec.type == MetricSourceType::kResource && spec.name == "cpu"
                      ? static_cast<double>(target.average_value->MilliValue())
                      : target.average_value->AsDouble();
    return want > 0 ? std::optional<double>(mean / want) : std::nullopt;
  }
  // Utilization: mean usage over per-pod request.
  double request = spec.name == "memory" ? static_cast<double>(workload.pod_requests.memory_bytes)
                                         : static_cast<double>(workload.pod_requests.cpu_millis);
  int32_t pct = target.average_utilization.value_or(80);
  if (request <= 0 || pct <= 0) {
    *why = "no requests or target for " + spec.name;
    return std::nullopt;
  }
  return (mean / request * 100.0) / pct;
}

}  // namespace

Proposal TargetUtilizationRecommender::Decide(const HorizontalContext& ctx) const {
  const WorkloadState& workload = *ctx.workload;
  Proposal proposal;
  proposal.current_replicas = workload.spec_replicas;
  proposal.desired_replicas = workload.spec_replicas;
  std::optional<int32_t> best;
  std::string best_reason = "no usable metric; keeping current replicas";
  const std::span<const MetricSpec> specs = EffectiveMetrics(*ctx.spec);
  for (size_t i = 0; i < specs.size() && i < ctx.metrics.size(); ++i) {
    std::string why;
    std::optional<double> ratio = UsageRatio(specs[i], ctx.metrics[i], workload, &why);
    if (!ratio) {
      best_reason += "; " + specs[i].name + ": " + why;
      continue;
    }
    int32_t base = std::max(workload.spec_replicas, 1);
    auto desired = static_cast<int32_t>(std::ceil(base * *ratio - 1e-9));
    if (!best || desired > *best) {
      best = desired;
      best_reason = fmt::format("{} at {:.0f}% of target", specs[i].name, *ratio * 100);
    }
  }
  proposal.Record("recommend", best.value_or(workload.spec_replicas), best_reason);
  return proposal;
}

}  // namespace crescendo
