// ServiceModel: one simulated service's pods, the load they serve, and its statistics.
//
// The World holds one per service; the strategy runner holds one per service and strategy.
// The model keeps its WorkloadState (the form the engine and recommenders read) up to date in
// place, so reading it costs nothing per tick; pod names are made once, when a pod is created.
//
// Thread safety: not thread-safe.
#ifndef CRESCENDO_SRC_SIM_SERVICE_MODEL_H_
#define CRESCENDO_SRC_SIM_SERVICE_MODEL_H_

#include <cstdint>
#include <span>
#include <vector>

#include "crescendo/base/random.h"
#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/model/cluster.h"
#include "crescendo/sim/world.h"

namespace crescendo::sim {

class NodePool;

// What the model knows of a pod beyond its PodState.
struct PodRuntime {
  Timestamp created;
  Timestamp running_at;   // when the pod runs (its start_time); valid once scheduled
  Duration startup{};     // Running to Ready, drawn at creation (and at each restart)
  Duration scheduling{};  // creation to Running when no node pool decides it
  bool scheduled = false;
  int32_t node = -1;  // index in the node pool, -1 without one
  int32_t restarts = 0;
  double cpu_millis = 0;
  double memory_bytes = 0;
  double served_rps = 0;
};

// Returns the mean response time in ms of a ready pod of `pod` serving `rps_per_pod` (the M/M/c
// queue or the latency curve of PodModel), capped at the request timeout.
double PodLatencyMs(const PodModel& pod, double rps_per_pod);

class ServiceModel {
 public:
  // Creates the service with spec.initial_replicas pods, Running and Ready at `start` (an
  // existing deployment). `nodes` (optional, not owned, must outlive the model) places pods.
  ServiceModel(const ServiceSpec& spec, uint64_t seed, Timestamp start, NodePool* nodes = nullptr);

  // Sets the desired replica count at `now`, creating Pending pods or deleting pods in the order
  // a ReplicaSet does. Errors: InvalidArgument for a negative count.
  Status SetReplicas(int32_t replicas, Timestamp now);
  // Sets the per-pod requests of pods created from now on.
  void SetPodRequests(const Resources& requests) { state_.pod_requests = requests; }

  // Advances the pods to `now` and serves `load_rps` over the interval since the previous step.
  // REQUIRES: now >= the previous step's time; load_rps >= 0.
  void Step(Timestamp now, double load_rps);

  const WorkloadState& state() const { return state_; }
  std::span<const PodRuntime> runtime() const { return runtime_; }
  const ServiceStats& stats() const { return stats_; }
  double load_rps() const { return load_rps_; }
  double latency_ms() const { return latency_ms_; }
  int32_t ready_pods() const { return ready_pods_; }
  // Requests/s the last step could not serve.
  double dropped_rps() const { return dropped_rps_; }
  // Returns the value of the i-th business metric of the spec.
  double business_value(size_t i) const { return business_values_[i]; }
  const PodModel& pod_model() const { return pod_; }
  // Changes whenever a pod is created or deleted, starts running, or gains or loses readiness:
  // while it holds, the pods a metric lists (and their names) are the same.
  uint64_t version() const { return version_; }

  // Returns what one ready pod can serve at most, in requests/s (queue throughput, CPU limit).
  double MaxRpsPerPod() const { return max_rps_per_pod_; }
  // Returns the mean response time in ms when each ready pod serves `rps_per_pod`.
  double LatencyMs(double rps_per_pod) const { return PodLatencyMs(pod_, rps_per_pod); }

 private:
  void CreatePod(Timestamp now);
  void DeletePods(int32_t count);
  void AdvancePods(Timestamp now);
  void Serve(Timestamp now);
  void OomKill(size_t i, Timestamp now);
  void Accumulate(double dt_seconds);

  PodModel pod_;
  std::vector<BusinessMetricSpec> business_;
  NodePool* nodes_;
  Random rng_;
  WorkloadState state_;
  std::vector<PodRuntime> runtime_;  // parallel to state_.pods
  ServiceStats stats_;
  Timestamp now_;
  int64_t next_pod_ = 0;
  uint64_t version_ = 0;
  int32_t ready_pods_ = 0;
  double max_rps_per_pod_ = 0;
  double load_rps_ = 0;
  double latency_ms_ = 0;
  double dropped_rps_ = 0;
  double lost_in_flight_ = 0;  // requests lost with OOM-killed containers this step
  std::vector<double> business_values_;
};

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_SERVICE_MODEL_H_
