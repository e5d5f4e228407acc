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

void ReadPods(const ServiceModel& model, const PodNames& names, MetricKind kind, Timestamp now,
              Duration window, WorkloadMetric& out) {
  std::span<const PodRuntime> rt = model.runtime();
  const bool per_container = kind == MetricKind::kCpu || kind == MetricKind::kMemory;
  const std::vector<uint32_t>& listed =
      kind == MetricKind::kRequestsPerSecond ? names.ready : names.running;
  out.pods.clear();
  out.pods.reserve(listed.size());
  for (const uint32_t i : listed) {
    out.pods.push_back({names.pods[i], PodValue(kind, rt[i]), now, window,
                        per_container ? names.containers[i] : std::string_view()});
  }
  out.names = names.store;
}

// Returns the name of the pod's container (a simulated pod has one); empty when unknown.
std::string_view ContainerOf(const PodState& pod) {
  return pod.containers.empty() ? std::string_view() : pod.containers.front().name;
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

void PodNames::Refresh(const ServiceModel& model) {
  if (version == model.version()) return;
  version = model.version();
  const std::vector<PodState>& state = model.state().pods;
  std::span<const PodRuntime> rt = model.runtime();
  running.clear();
  ready.clear();
  for (size_t i = 0; i < state.size(); ++i) {
    // A container waiting to restart has no usage sample, as metrics-server has none for it.
    if (state[i].phase != PodPhase::kRunning || rt[i].waiting) continue;
    running.push_back(static_cast<uint32_t>(i));
    if (state[i].ready) ready.push_back(static_cast<uint32_t>(i));
  }
  bool same = store != nullptr && pods.size() == state.size();
  for (size_t i = 0; same && i < state.size(); ++i) {
    same = pods[i] == state[i].name && containers[i] == ContainerOf(state[i]);
  }
  if (same) return;  // a pod changed phase or readiness: the names stand
  auto fresh = std::make_shared<NameStore>();
  pods.clear();
  containers.clear();
  for (const PodState& p : state) {
    pods.push_back(fresh->Add(p.name));
    const std::string_view container = ContainerOf(p);
    containers.push_back(!containers.empty() && containers.back() == container
                             ? containers.back()
                             : fresh->Add(container));
  }
  store = std::move(fresh);
}

void ReadMetric(const ServiceModel& model, const PodNames& names, const MetricBinding& binding,
                Timestamp now, Duration window, WorkloadMetric& out) {
  out.time = now;
  switch (binding.kind) {
    case MetricKind::kCpu:
    case MetricKind::kMemory:
      ReadPods(model, names, binding.kind, now, window, out);
      break;
    case MetricKind::kRequestsPerSecond:
      ReadPods(model, names, binding.kind, now, window, out);
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

void ReadMetric(const ServiceModel& model, const MetricBinding& binding, Timestamp now,
                Duration window, WorkloadMetric& out) {
  PodNames names;
  names.Refresh(model);
  ReadMetric(model, names, binding, now, window, out);
}

}  // namespace crescendo::sim
