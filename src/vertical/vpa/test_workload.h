// Test helpers: workloads, pods and per-tick usage for the vertical strategies' tests and
// benchmarks. Header-only; not part of the library.
#ifndef CRESCENDO_SRC_VERTICAL_VPA_TEST_WORKLOAD_H_
#define CRESCENDO_SRC_VERTICAL_VPA_TEST_WORKLOAD_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "crescendo/base/time.h"
#include "crescendo/model/cluster.h"
#include "crescendo/model/metrics.h"

namespace crescendo::vertical::testing {

inline const Timestamp kT0 = FromUnixSeconds(1795392000);  // 2026-11-23T00:00:00Z

// A running pod with one container "app", started at `start`.
inline PodState RunningPod(std::string name, Resources requests, Resources limits,
                           Timestamp start) {
  PodState pod;
  pod.name = std::move(name);
  pod.phase = PodPhase::kRunning;
  pod.ready = true;
  pod.start_time = start;
  pod.ready_transition_time = start;
  pod.requests = requests;
  pod.containers.push_back({"app", requests, limits, 0, std::nullopt});
  return pod;
}

// A workload of `pods` running pods "web-0", "web-1", ... whose container "app" has `requests`
// and `limits`, as its template does.
inline WorkloadState MakeWorkload(int pods, Resources requests, Resources limits = {},
                                  Timestamp start = kT0) {
  WorkloadState w;
  w.id = WorkloadId{"prod", "acme", "default", "web"};
  w.spec_replicas = pods;
  w.status_replicas = pods;
  w.pod_requests = requests;
  w.template_containers.push_back({"app", requests, limits});
  for (int i = 0; i < pods; ++i) {
    w.pods.push_back(RunningPod("web-" + std::to_string(i), requests, limits, start));
  }
  return w;
}

struct PodUsage {
  double cpu_millis = 0;
  double memory_bytes = 0;
};

// The cpu and memory metrics of one tick at `t`: usage(i) for each pod i of `w`.
inline std::pair<WorkloadMetric, WorkloadMetric> UsageAt(
    const WorkloadState& w, Timestamp t, const std::function<PodUsage(size_t pod)>& usage) {
  WorkloadMetric cpu;
  cpu.metric = "cpu";
  cpu.time = t;
  WorkloadMetric memory;
  memory.metric = "memory";
  memory.time = t;
  auto names = std::make_shared<NameStore>();
  cpu.names = memory.names = names;
  for (size_t i = 0; i < w.pods.size(); ++i) {
    const PodUsage u = usage(i);
    cpu.pods.push_back({.pod = names->Add(w.pods[i].name),
                        .value = u.cpu_millis,
                        .time = t,
                        .window = minutes(1)});
    memory.pods.push_back({.pod = names->Add(w.pods[i].name),
                           .value = u.memory_bytes,
                           .time = t,
                           .window = minutes(1)});
  }
  return {std::move(cpu), std::move(memory)};
}

}  // namespace crescendo::vertical::testing

#endif  // CRESCENDO_SRC_VERTICAL_VPA_TEST_WORKLOAD_H_
