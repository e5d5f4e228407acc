// Metric values of a simulated service, as a metrics API would report them (see world.h for the
// catalogue). Shared by World::Read and the strategy runner, which reuses its buffers.
#ifndef CRESCENDO_SRC_SIM_METRIC_VIEW_H_
#define CRESCENDO_SRC_SIM_METRIC_VIEW_H_

#include <string_view>

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

// Writes the metric's values at `now` into `out`, reusing its storage. "cpu" and "memory" list
// each Running pod whose container runs, with PodMetric::container set to its container's name
// (a pod has one); "requests_per_second" lists Ready pods, per pod (container empty). Pod and
// container names are written when `rename` is true; otherwise `out` must hold the same pods as
// the last renamed call (true while ServiceModel::version() is unchanged). `out.metric` and
// `out.status` are not touched.
void ReadMetric(const ServiceModel& model, const MetricBinding& binding, Timestamp now,
                Duration window, bool rename, WorkloadMetric& out);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_METRIC_VIEW_H_
