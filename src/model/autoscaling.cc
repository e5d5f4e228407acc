#include "crescendo/model/autoscaling.h"

namespace crescendo {
namespace {

MetricSpec DefaultCpuMetric() {
  MetricSpec cpu;
  cpu.type = MetricSourceType::kResource;
  cpu.name = "cpu";
  cpu.target.type = MetricTargetType::kUtilization;
  cpu.target.average_utilization = 80;
  return cpu;
}

}  // namespace

std::span<const MetricSpec> EffectiveMetrics(const HorizontalSpec& spec) {
  static const MetricSpec kDefault = DefaultCpuMetric();
  if (!spec.metrics.empty()) return spec.metrics;
  return {&kDefault, 1};
}

}  // namespace crescendo
