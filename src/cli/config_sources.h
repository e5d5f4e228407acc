// The metric sources a configuration names, built for a real cluster.
//
// On a real cluster (`run --backend kubernetes --config`), a catalogue metric is read where the
// configuration says: the cluster's own source (metrics.k8s.io) for metrics whose source is
// "cluster" (cpu, memory, and any the catalogue gives to it), and the configured Prometheus,
// InfluxDB or CloudWatch source otherwise, each built once by the metrics registry
// (crescendo/metrics/registry.h) from its `metricSources:` entry and named by its key there.
// The engine binds one query per metric name (the query templates carry the workload through
// {{namespace}}, {{workload}}, {{tenant}}...), so services that read one metric from different
// sources or with different queries are refused, as are sources that exist only in simulation
// ("simulator", "trace").
#ifndef CRESCENDO_CLI_CONFIG_SOURCES_H_
#define CRESCENDO_CLI_CONFIG_SOURCES_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/config/config.h"
#include "crescendo/engine/engine.h"
#include "crescendo/metrics/collector.h"
#include "crescendo/metrics/metric_source.h"
#include "crescendo/metrics/registry.h"

namespace crescendo::cli {

struct ConfiguredMetrics {
  // The configured sources the workloads read (not the cluster's own), each named by its key.
  std::vector<std::shared_ptr<MetricSource>> sources;
  // One per metric name the workloads need: cpu and memory included.
  std::vector<metrics::MetricBinding> bindings;
  // Per configured source: its `timeout` as the collector's deadline.
  std::map<std::string, metrics::SourcePolicy> policies;
};

// Returns the sources and bindings for `workloads` (of `config`'s environment `environment`),
// with `cluster_source` (e.g. "kubernetes-metrics") answering the "cluster" metrics with the
// metric's name as query. Errors: InvalidArgument "file:line:col: ..." naming the source or
// service whose entry cannot be used (an unknown or simulation-only type, a setting the
// source's type refuses, two services reading one metric differently).
StatusOr<ConfiguredMetrics> ConfiguredMetricsFor(const config::Config& config,
                                                 const std::string& environment,
                                                 const std::vector<WorkloadConfig>& workloads,
                                                 const std::string& cluster_source,
                                                 const metrics::SourceContext& context);

}  // namespace crescendo::cli

#endif  // CRESCENDO_CLI_CONFIG_SOURCES_H_
