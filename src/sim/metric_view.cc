#include "metric_view.h"

namespace crescendo::sim {
namespace {

double PodValue(MetricKind kind, const PodRuntime& rt) {
  switch (kind) {
    case MetricKind::kCpu:
      return rt.cpu_millis;
    case MetricKind::kMemory:
      return rt.memory_bytes;
    default:
      return rt.served_rps;
  }
}

void ReadPods(const ServiceModel& model, MetricKind kind, Timestamp now, Duration window,
              bool rename, WorkloadMetric& out) {
  const std::vector<PodState>& pods = model.state().pods;
  std::span<const PodRuntime> rt = model.runtime();
  bool ready_only = kind == MetricKind::kRequestsPerSecond;
  bool per_container = kind == MetricKind::kCpu || kind == MetricKind::kMemory;
  size_t k = 0;
  if (rename) out.pods.reserve(pods.size());
  for (size_t i = 0; i < pods.size(); ++i) {
    // A container waiting to restart has no usage sample, as metrics-server has none for it.
    if (pods[i].phase != PodPhase::kRunning || rt[i].waiting || (ready_only && !pods[i].ready)) {
      continue;
    }
    if (rename && k == out.pods.size()) out.pods.emplace_back();
    PodMetric& m = out.pods[k++];
    if (rename) {
      m.pod = pods[i].name;
      m.container = per_container ? pods[i].containers.front().name : std::string();
    }
    m.value = PodValue(kind, rt[i]);
    m.time = now;
    m.window = window;
  }
  if (rename) out.pods.resize(k);
}

}  // namespace

MetricBinding BindMetric(const ServiceSpec& service, std::string_view name) {
  if (name == "cpu") return {MetricKind::kCpu};
  if (name == "memory") return {MetricKind::kMemory};
  if (name == "requests_per_second") return {MetricKind::kRequestsPerSecond};
  if (name == "latency_ms") return {MetricKind::kLatency};
  for (size_t i = 0; i < service.business_metrics.size(); ++i) {
    if (service.business_metrics[i].name == name) return {MetricKind::kBusiness, i};
  }
  return {};
}

void ReadMetric(const ServiceModel& model, const MetricBinding& binding, Timestamp now,
                Duration window, bool rename, WorkloadMetric& out) {
  out.time = now;
  switch (binding.kind) {
    case MetricKind::kCpu:
    case MetricKind::kMemory:
      ReadPods(model, binding.kind, now, window, rename, out);
      break;
    case MetricKind::kRequestsPerSecond:
      ReadPods(model, binding.kind, now, window, rename, out);
      out.value = model.load_rps();
      break;
    case MetricKind::kLatency:
      out.value = model.latency_ms();
      break;
    case MetricKind::kBusiness:
      out.value = model.business_value(binding.business_index);
      break;
    case MetricKind::kUnknown:
      break;
  }
}

}  // namespace crescendo::sim
