// RunController: `crescendo run --backend kubernetes`, the engine's loop over a real cluster.
//
// Connects (KubernetesCluster), manages the workloads named in `configured` and those annotated
// `crescendo.io/mode` (their strategies from the mode, their bounds from
// crescendo.io/min-replicas and crescendo.io/max-replicas, Kubernetes' default metric), skips and
// reports those under a foreign HPA or VPA, and runs Engine::RunOnce every `interval` on the
// real clock, reading cpu and memory from metrics.k8s.io. With `leases`, it acts only on the
// workloads of the shards it holds (ShardLeases), reconciled every lease_duration / 3; with
// `shard_holder` instead, on those another ShardHolder holds (PostgreSQL advisory locks,
// store::ShardLocks), reconciled every `shard_round`. It logs
// a workload's decision when a change is applied, a step fails, or the explanation changes.
//
// Errors: InvalidArgument when both `leases` and `shard_holder` are set; those of Connect(),
// ShardLeases::Create(), `shard_holder` and Engine::Create(); a tick's failures are
// logged and counted, never fatal.
#ifndef CRESCENDO_KUBERNETES_CONTROLLER_H_
#define CRESCENDO_KUBERNETES_CONTROLLER_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "crescendo/engine/engine.h"
#include "crescendo/kubernetes/kubernetes.h"
#include "crescendo/kubernetes/shards.h"
#include "crescendo/metrics/collector.h"
#include "crescendo/metrics/metric_source.h"

namespace crescendo::kubernetes {

struct ControllerOptions {
  KubernetesOptions cluster;
  Duration interval = std::chrono::seconds(30);
  Duration duration{0};                    // 0: until `stop` becomes true
  std::vector<WorkloadConfig> configured;  // from the configuration; ids match by ns and name
  std::optional<LeaseOptions> leases;      // unset: one replica acts on every workload
  // Instead of `leases`: builds the shard holder with the controller's clock (it must outlive
  // nothing else: the controller owns the result and stops its renewals before returning).
  std::function<StatusOr<std::unique_ptr<ShardHolder>>(Clock*)> shard_holder;
  Duration shard_round = std::chrono::seconds(5);  // how often `shard_holder` is reconciled
  std::ostream* log = nullptr;                     // one line per applied change and per error
  const std::atomic<bool>* stop = nullptr;
  // The configuration's own metric sources (Prometheus, InfluxDB, CloudWatch, built by the
  // metrics registry; see src/cli/config_sources.h), how each metric is read, and each source's
  // deadline. A metric bound to none of them is read from metrics.k8s.io ("kubernetes-metrics"),
  // and so are cpu and memory usage unless bound here.
  std::vector<std::shared_ptr<MetricSource>> sources;
  std::vector<metrics::MetricBinding> bindings;
  std::map<std::string, metrics::SourcePolicy> source_policies;
};

struct ControllerSummary {
  int64_t ticks = 0;
  int64_t scaled = 0;
  int64_t resized = 0;
  int64_t errors = 0;
  int64_t workloads = 0;  // managed at the last tick
  int64_t foreign = 0;    // skipped: under an HPA or VPA Crescendo does not own
  ClientStats client;
};

StatusOr<ControllerSummary> RunController(const ControllerOptions& options);

}  // namespace crescendo::kubernetes

#endif  // CRESCENDO_KUBERNETES_CONTROLLER_H_
