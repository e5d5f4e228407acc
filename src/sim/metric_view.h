// Metric values of a simulated service, as a metrics API would report them (see world.h for the
// catalogue). Shared by World::Read and the strategy runner, which reuses its buffers.
#ifndef CRESCENDO_SRC_SIM_METRIC_VIEW_H_
#define CRESCENDO_SRC_SIM_METRIC_VIEW_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "crescendo/model/metrics.h"
#include "service_model.h"

namespace crescendo::sim {

enum class MetricKind { kCpu, kMemory, kRequestsPerSecond, kLatency, kBusiness, kUnknown };

struct MetricBinding {
  MetricKind kind = MetricKind::kUnknown;
  size_t business_index = 0;  // kBusiness: index in ServiceSpec::business_metrics
};

// Returns what `name` means for `service`; kUnknown when it defines no such metric.
MetricBinding BindMetric(const ServiceSpec& service, std::string_view name);

// The names of a model's pods, interned once per pod lifetime: views into `store`, parallel to
// the model's state().pods. PodMetrics the simulator reads view them and share `store`, so a read
// copies no name. Thread safety: Refresh() from one thread, not while a read uses the names.
struct PodNames {
  uint64_t version = ~uint64_t{0};  // the model's version() the names were taken at
  std::shared_ptr<const NameStore> store;
  std::vector<std::string_view> pods;        // per pod, its name
  std::vector<std::string_view> containers;  // per pod, its (first) container's name
  // The pods each metric lists, as indices in state().pods (they change only with the version):
  std::vector<uint32_t> running;  // Running, their container not waiting to restart (usage)
  std::vector<uint32_t> ready;    // those of `running` that are Ready (requests served)

  // Brings the names and lists up to `model`'s pods: nothing when its version is unchanged, a
  // new store only when a pod came or went (reads that still hold the old one keep it alive).
  void Refresh(const ServiceModel& model);
};

// Writes the metric's values at `now` into `out`, reusing its storage. "cpu" and "memory" list
// each Running pod whose container runs, with PodMetric::container set to its container's name
// (a pod has one); "requests_per_second" lists Ready pods, per pod (container empty). The pod and
// container names view `names`, which out.names then shares. REQUIRES: `names` is refreshed for
// `model` (PodNames::Refresh) since the model last changed. `out.metric` and `out.status` are not
// touched.
void ReadMetric(const ServiceModel& model, const PodNames& names, const MetricBinding& binding,
                Timestamp now, Duration window, WorkloadMetric& out);

// As above with names interned for this read alone (for tests and one-off reads).
void ReadMetric(const ServiceModel& model, const MetricBinding& binding, Timestamp now,
                Duration window, WorkloadMetric& out);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_METRIC_VIEW_H_
