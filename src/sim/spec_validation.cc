#include "spec_validation.h"

#include <set>
#include <string>

namespace crescendo::sim {
namespace {

Status Bad(std::string_view where, std::string_view field, std::string_view what) {
  return InvalidArgumentError(std::string(where) + ": " + std::string(field) + ": " +
                              std::string(what));
}

std::string Num(double v) { return std::to_string(v); }

}  // namespace

Status ValidatePodModel(const PodModel& pod, std::string_view where) {
  if (!(pod.capacity_rps > 0))
    return Bad(where, "capacity_rps", "expected > 0, found " + Num(pod.capacity_rps));
  if (pod.container_name.empty()) return Bad(where, "container_name", "expected a name");
  if (pod.requests.cpu_millis <= 0 || pod.requests.memory_bytes <= 0) {
    return Bad(where, "requests", "expected cpu and memory > 0");
  }
  if (pod.cpu_millis_per_request < 0 || pod.cpu_base_millis < 0 ||
      pod.memory_bytes_per_request < 0 || pod.memory_base_bytes < 0) {
    return Bad(where, "cpu/memory per request and base", "expected >= 0");
  }
  if (pod.startup_delay.count() < 0 || pod.startup_jitter.count() < 0 ||
      pod.scheduling_delay.count() < 0 || pod.scheduling_jitter.count() < 0) {
    return Bad(where, "startup/scheduling delay", "expected durations >= 0");
  }
  if (pod.cpu_limit_millis < 0 || pod.memory_limit_bytes < 0) {
    return Bad(where, "limits", "expected >= 0 (0: no limit)");
  }
  if (pod.cpu_limit_millis > 0 && pod.cpu_limit_millis <= pod.cpu_base_millis) {
    return Bad(where, "cpu_limit_millis",
               "expected above cpu_base_millis " + Num(pod.cpu_base_millis));
  }
  if (pod.latency_curve.empty() && (!(pod.service_time_ms > 0) || pod.workers_per_pod < 1)) {
    return Bad(where, "service_time_ms/workers_per_pod",
               "expected service_time_ms > 0 and workers_per_pod >= 1");
  }
  for (size_t i = 1; i < pod.latency_curve.size(); ++i) {
    if (!(pod.latency_curve[i].utilization > pod.latency_curve[i - 1].utilization)) {
      return Bad(where, "latency_curve[" + std::to_string(i) + "]",
                 "expected utilization ascending, found " + Num(pod.latency_curve[i].utilization) +
                     " after " + Num(pod.latency_curve[i - 1].utilization));
    }
  }
  if (!(pod.request_timeout_ms > 0)) return Bad(where, "request_timeout_ms", "expected > 0");
  if (pod.cost_per_pod_hour < 0) return Bad(where, "cost_per_pod_hour", "expected >= 0");
  return Status::Ok();
}

Status ValidateService(const ServiceSpec& s, std::string_view where) {
  if (s.id.environment.empty() || s.id.tenant.empty() || s.id.ns.empty() || s.id.name.empty()) {
    return Bad(
        where, "id",
        "expected environment, tenant, namespace and name, found \"" + s.id.ToString() + "\"");
  }
  const HorizontalSpec& h = s.horizontal;
  if (h.min_replicas < 0 || h.max_replicas < 1 || h.min_replicas > h.max_replicas) {
    return Bad(where, "horizontal",
               "expected 0 <= min_replicas <= max_replicas, max >= 1, found " +
                   std::to_string(h.min_replicas) + ".." + std::to_string(h.max_replicas));
  }
  if (s.initial_replicas < 0) {
    return Bad(where, "initial_replicas",
               "expected >= 0, found " + std::to_string(s.initial_replicas));
  }
  if (s.load == nullptr) return Bad(where, "load", "expected a load profile, found none");
  for (const BusinessMetricSpec& m : s.business_metrics) {
    if (m.name.empty()) return Bad(where, "business_metrics", "expected a name");
  }
  return ValidatePodModel(s.pod, where);
}

Status ValidateFitsNode(const PodModel& pod, const NodePoolSpec& nodes, std::string_view where) {
  if (pod.requests.cpu_millis > nodes.capacity.cpu_millis ||
      pod.requests.memory_bytes > nodes.capacity.memory_bytes) {
    return Bad(where, "requests",
               "cpu " + std::to_string(pod.requests.cpu_millis) + "m, memory " +
                   std::to_string(pod.requests.memory_bytes) +
                   " bytes exceed a node's capacity (cpu " +
                   std::to_string(nodes.capacity.cpu_millis) + "m, memory " +
                   std::to_string(nodes.capacity.memory_bytes) + " bytes)");
  }
  return Status::Ok();
}

Status ValidateScenario(const ScenarioSpec& spec) {
  if (spec.nodes) CRESCENDO_RETURN_IF_ERROR(spec.nodes->Validate());
  std::set<WorkloadId> seen;
  for (size_t i = 0; i < spec.services.size(); ++i) {
    const ServiceSpec& s = spec.services[i];
    std::string where = "services[" + std::to_string(i) + "] (" + s.id.ToString() + ")";
    CRESCENDO_RETURN_IF_ERROR(ValidateService(s, where));
    if (!seen.insert(s.id).second) return Bad(where, "id", "duplicate workload id");
    if (spec.nodes) CRESCENDO_RETURN_IF_ERROR(ValidateFitsNode(s.pod, *spec.nodes, where));
  }
  return Status::Ok();
}

}  // namespace crescendo::sim
