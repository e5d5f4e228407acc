// The simulated world: a cluster, its load and the metrics it emits, advanced by a simulated
// clock. It implements ClusterBackend and MetricSource, so the engine drives it exactly as it
// drives a real cluster.
//
// Determinism: the same ScenarioSpec (seed included) and the same sequence of calls give the
// same results, bit for bit.
//
// Thread safety: not thread-safe; owned and driven by one thread (metric reads may come from the
// engine's collector threads only while Advance() is not running).
#ifndef CRESCENDO_SIM_WORLD_H_
#define CRESCENDO_SIM_WORLD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/cluster/cluster_backend.h"
#include "crescendo/metrics/metric_source.h"
#include "crescendo/model/autoscaling.h"
#include "crescendo/model/cluster.h"
#include "crescendo/model/ids.h"
#include "crescendo/sim/distribution.h"
#include "crescendo/sim/load.h"
#include "crescendo/sim/node_pool.h"

namespace crescendo::sim {

// A configured latency curve: response time as a function of utilization (load divided by ready
// capacity), linearly interpolated between points and held constant beyond the last one.
struct LatencyPoint {
  double utilization = 0;  // load / (ready pods * capacity_rps)
  double latency_ms = 0;
};

// How a service's pods behave.
//
// Life of a pod: created Pending by SetReplicas(); Running (start_time set, not Ready) after the
// scheduling delay; Ready after the startup delay counted from creation (a startup draw shorter
// than the scheduling draw makes the pod Ready as soon as it runs). An OOM kill restarts the
// container after the kubelet's CrashLoopBackOff delay: the pod stays Running, loses readiness,
// and is Ready again one startup draw after the restart.
//
// A pod has one container, `container_name`. `requests` and the two limits are the pod
// template's; each pod takes them when it is created and keeps them until it is resized in place
// (see ServiceModel::ApplyResources).
struct PodModel {
  double capacity_rps = 100;             // requests per second one ready pod serves at target
  std::string container_name = "app";    // the pod's one container
  Resources requests{500, 512LL << 20};  // per-pod requests
  double cpu_millis_per_request = 4;     // CPU used per request/s, plus the base
  double cpu_base_millis = 20;
  double memory_bytes_per_request = 0;  // memory used per request/s in flight
  double memory_base_bytes = 200LL << 20;
  Duration startup_delay = std::chrono::seconds(30);   // creation to Ready (mean)
  Duration startup_jitter = std::chrono::seconds(10);  // spread of the startup delay
  DelayDistribution startup_distribution = DelayDistribution::kUniform;
  Duration scheduling_delay{};  // creation to Running (mean)
  Duration scheduling_jitter{};
  DelayDistribution scheduling_distribution = DelayDistribution::kFixed;
  // CPU demand above the limit is throttled (0: no limit, never throttled). Memory above the
  // limit OOM-kills the container (0: no limit, never killed). See ServiceModel for the models.
  int64_t cpu_limit_millis = 0;
  int64_t memory_limit_bytes = 0;
  // Latency: an M/M/c queue with `workers_per_pod` servers per ready pod, each serving one
  // request in `service_time_ms` on average (src/sim/queueing.h); or, when `latency_curve` is not
  // empty, that curve of latency against utilization. Requests that cannot be served (no ready
  // pod, or load beyond what the pods can serve) wait `request_timeout_ms` and are dropped.
  double service_time_ms = 50;
  int32_t workers_per_pod = 8;
  std::vector<LatencyPoint> latency_curve;
  double request_timeout_ms = 10000;
  double cost_per_pod_hour = 0.05;  // currency units per pod-hour (all pods, ready or not)

  // Returns the template's container: its name, requests and limits.
  ContainerResources Container() const {
    return {container_name, requests, {cpu_limit_millis, memory_limit_bytes}};
  }
  DelaySpec StartupDelay() const { return {startup_distribution, startup_delay, startup_jitter}; }
  DelaySpec SchedulingDelay() const {
    return {scheduling_distribution, scheduling_delay, scheduling_jitter};
  }
};

// A business metric the scenario defines for a service, served by Read() as a workload value.
struct BusinessMetricSpec {
  enum class Kind {
    kPerRequest,  // value = per_rps * load (e.g. active sessions)
    kBacklog,     // requests not yet served: grows with load beyond ready capacity, drains
                  // at the spare capacity (e.g. a work queue's length); scaled by per_rps
  };
  std::string name;  // catalogue name, e.g. "audio_queue_length"
  Kind kind = Kind::kPerRequest;
  double per_rps = 1;
};

// One simulated service: its id, its autoscaling spec and its load.
struct ServiceSpec {
  WorkloadId id;
  HorizontalSpec horizontal;
  PodModel pod;
  int32_t initial_replicas = 1;
  // Load in requests per second, sampled at each Advance() (see load.h). REQUIRES: non-null.
  std::shared_ptr<const LoadProfile> load;
  std::string load_profile;  // a label for the load: a generated profile's name or a trace path
  std::vector<BusinessMetricSpec> business_metrics;
  // Vertical sizing of its pods (the VPA's spec); unset: its requests never change.
  std::optional<VerticalSpec> vertical;
};

struct ScenarioSpec {
  uint64_t seed = 1;
  Timestamp start;
  std::vector<ServiceSpec> services;
  // Nodes pods must fit on (scheduling waits for room, new nodes take a provisioning delay).
  // Unset: unlimited room.
  std::optional<NodePoolSpec> nodes;
};

// Per-service statistics accumulated over a run (see World::Stats()).
struct ServiceStats {
  WorkloadId id;
  double peak_load_rps = 0;
  int32_t min_replicas = 0;
  int32_t max_replicas = 0;
  double seconds_over_target = 0;  // time where load exceeded ready capacity
  double pod_hours = 0;
  double cost = 0;              // pod_hours * cost_per_pod_hour
  double dropped_requests = 0;  // requests no ready pod could serve
  int64_t oom_kills = 0;
  int64_t scaling_actions = 0;  // SetReplicas() calls that changed the replica count
  // Vertical figures over Running pods, summed over time. Allocated is the request in force,
  // used the usage (a container waiting to restart uses nothing); the caller computes slack as
  // (allocated - used) / used.
  double cpu_allocated_millis_seconds = 0;
  double cpu_used_millis_seconds = 0;
  double memory_allocated_byte_seconds = 0;
  double memory_used_byte_seconds = 0;
  double throttled_seconds = 0;  // pod-seconds with CPU demand above the limit
  int64_t restarts = 0;          // container restarts after OOM kills
  int64_t recreations = 0;       // pods evicted and replaced to take new resources
  int64_t resizes = 0;           // pods resized in place
};

// The simulated cluster and its metric source.
//
// Read() serves, for each requested workload, at the time of the last Advance():
//   "cpu"                  per Running pod, millicores used: cpu_base_millis +
//                          cpu_millis_per_request * requests/s served (capped at the CPU limit);
//                          pods still starting use the base only; Pending pods report nothing,
//                          as metrics-server reports no sample for a pod that is not running;
//   "memory"               per Running pod, bytes: memory_base_bytes + memory_bytes_per_request *
//                          requests in flight (Little's law: served rps * response time);
//   "requests_per_second"  per Ready pod, the requests/s it serves; workload value: the load;
//   "latency_ms"           workload value: the mean response time of served requests;
//   a business metric      workload value, for services whose ScenarioSpec defines it.
// A metric no service knows fails the whole request with NotFound; an unknown workload, or a
// business metric its service does not define, sets that WorkloadMetric's status to NotFound.
// Values are instantaneous at the last Advance(); request.window is echoed, not applied.
//
// Load: each ready pod serves an equal share, up to what it can serve (its queue's throughput
// and CPU limit); the rest is dropped. A gap in the load profile holds the last known load.
class World : public ClusterBackend, public MetricSource {
 public:
  // Builds the world. Errors: InvalidArgument naming the service and field that is wrong.
  static StatusOr<std::unique_ptr<World>> Create(const ScenarioSpec& spec);
  ~World() override = default;

  // Advances the world to `now` (pods start, become ready, load changes, stats accumulate).
  // Stats for the interval since the previous call use the state reached at `now`.
  // REQUIRES: now >= the previous call's time.
  virtual void Advance(Timestamp now) = 0;
  // Returns the load of `workload` at the last Advance() in requests per second.
  virtual double LoadRps(const WorkloadId& workload) const = 0;
  // Returns the accumulated statistics per service, in scenario order.
  virtual std::vector<ServiceStats> Stats() const = 0;
  // Returns the time of the last Advance() (the scenario's start before the first).
  virtual Timestamp Now() const = 0;
};

// Returns the generated music streaming scenario of `crescendo run`: eight services in
// environment "prod", namespace "music", across three tenants ("free", "premium",
// "enterprise", each its own subscription tier), a daily cycle (UTC) with an evening peak, a
// weekly shape, multiplicative noise and a release-day burst that starts `release_offset` after
// `start` (it triples the catalogue and search load within 10 minutes, decaying with a
// 45-minute half-life). Each service scales on CPU utilization (Resource cpu, Utilization).
// Initial replicas fit the load at `start`. Deterministic for `seed`.
struct MusicStreamingOptions {
  uint64_t seed = 1;
  Timestamp start;
  Duration release_offset = std::chrono::hours(1);
};
ScenarioSpec MusicStreamingScenario(const MusicStreamingOptions& options);
ScenarioSpec MusicStreamingScenario(uint64_t seed, Timestamp start);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SIM_WORLD_H_
