// ServiceModel: one simulated service's pods, the load they serve, and its statistics.
//
// The World holds one per service; the strategy runner holds one per service and strategy.
// The model keeps its WorkloadState (the form the engine and recommenders read) up to date in
// place, so reading it costs nothing per tick; pod names are made once, when a pod is created.
//
// Each pod has one container (PodModel::container_name) whose requests and limits are the pod's
// own: taken from the pod template when the pod is created, changed only by an in-place resize
// (ApplyResources). PodState::containers[0] holds them with the container's restarts and last
// OOM kill; PodState::requests is their sum; WorkloadState::template_containers and
// pod_requests hold the template.
//
// CPU (CFS quota). A Ready pod is offered an equal share r of the load (a Service's round robin
// does not weigh pods by size). It takes in at most what its queue serves, q (workers *
// 1000 / service_time_ms, or capacity_rps at the latency curve's last utilization), so its CPU
// demand is D = cpu_base_millis + cpu_millis_per_request * min(r, q).
//   - No CPU limit, or D <= limit L: not throttled. It uses D, serves min(r, q) with the queue's
//     latency (PodLatencyMs), or the request timeout when r > q (the queue grows without bound).
//     A request without a limit never throttles: the pod uses spare CPU on its node.
//   - D > L: throttled. It uses L, takes in what L pays for, (L - cpu_base_millis) /
//     cpu_millis_per_request, and drops the rest (those requests time out). Its CPU is L/D of
//     what it wants, so every request runs s = D/L times slower: its queue is the queue with
//     service times stretched by s, whose mean response time at x requests/s is s * W(s * x)
//     (W the unstretched latency; an M/M/c queue with rate mu/s is the one with rate mu at s
//     times the arrivals, seen in s times slower time). When s * x reaches q the stretched queue
//     saturates: it serves q/s and its latency is the timeout.
// A pod still starting uses cpu_base_millis (throttled to L when that is above it).
//
// Memory. A Ready pod's working set is memory_base_bytes + memory_bytes_per_request * its
// requests in flight (served rps * its latency, Little's law); a starting container uses the
// base. Above its memory limit the container is OOM-killed: its requests in flight are lost, the
// pod stays Running and loses readiness, and ContainerState::last_oom_kill records the kill. The
// kubelet restarts the container after its CrashLoopBackOff delay: none after the first crash,
// then 10 s doubling per restart up to 5 min, and none again once the container ran 10 min (twice
// the maximum) since its last restart (kubernetes/kubernetes pkg/kubelet/kubelet.go
// backOffPeriod and MaxContainerBackOff; pkg/kubelet/kuberuntime/kuberuntime_manager.go
// doBackOff; client-go util/flowcontrol/backoff.go IsInBackOffSince, Next and hasExpired).
// While it waits the container uses nothing and reports no metric; ContainerState::restarts and
// ServiceStats::restarts count when it starts again, one startup draw before it is Ready.
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
  Timestamp running_at;   // when the container runs: the pod's start, or its latest restart
  Duration startup{};     // running to Ready, drawn at creation (and at each OOM kill)
  Duration scheduling{};  // creation to Running when no node pool decides it
  bool scheduled = false;
  bool waiting = false;  // OOM-killed, waiting in CrashLoopBackOff to restart at running_at
  int32_t node = -1;     // index in the node pool, -1 without one
  Resources allocated;   // what the pod's node holds for it (a resize's, once admitted)
  // The kubelet's back-off for the container's restarts (a flowcontrol.Backoff entry): the
  // delay after its next crash, and when it last restarted. Zero: no crash yet.
  Duration backoff{};
  Timestamp backoff_updated;
  // An in-place resize: its status (Kubernetes reports it in the PodResizePending and
  // PodResizeInProgress conditions), the resources asked for and when.
  ResizeStatus resize = ResizeStatus::kNone;
  ContainerResources resize_to;
  Timestamp resize_requested;
  bool throttled = false;  // CPU demand above the limit at the last step
  double cpu_millis = 0;   // usage at the last step
  double memory_bytes = 0;
  double served_rps = 0;
};

// Returns the mean response time in ms of a ready pod of `pod` serving `rps_per_pod` (the M/M/c
// queue or the latency curve of PodModel), unthrottled, capped at the request timeout.
double PodLatencyMs(const PodModel& pod, double rps_per_pod);

// What a Ready pod does with the requests/s it is offered (see the CPU model above).
struct PodLoad {
  double served_rps = 0;
  double latency_ms = 0;  // mean response time of what it serves, capped at the request timeout
  double cpu_millis = 0;  // used
  bool throttled = false;
};
// Returns what a Ready pod of `pod` with the CPU limit `cpu_limit_millis` (0: none) does when
// offered `offered_rps`. REQUIRES: offered_rps >= 0.
PodLoad ServeReadyPod(const PodModel& pod, int64_t cpu_limit_millis, double offered_rps);

class ServiceModel {
 public:
  // Creates the service with spec.initial_replicas pods, Running and Ready at `start` (an
  // existing deployment). `nodes` (optional, not owned, must outlive the model) places pods.
  ServiceModel(const ServiceSpec& spec, uint64_t seed, Timestamp start, NodePool* nodes = nullptr);

  // Sets the desired replica count at `now`, creating Pending pods or deleting pods in the order
  // a ReplicaSet does. Errors: InvalidArgument for a negative count.
  Status SetReplicas(int32_t replicas, Timestamp now);

  // Sets the pod template's container resources (pods created from now on get them) and brings
  // the named Running pods whose resources differ to the template by `update.method`:
  //   kTemplateOnly       nothing more (the VPA's updateMode Initial).
  //   kRecreate           the pod is evicted (deleted, its node room freed) and a replacement is
  //                       created Pending from the template: capacity drops until it is Ready.
  //                       Counts ServiceStats::recreations.
  //   kInPlaceOrRecreate  the pod is resized in place as the kubelet does with the default
  //                       resizePolicy, NotRequired for cpu and memory (Kubernetes 1.33,
  //                       KEP-1287): no restart. It is kInProgress until the next Step, which
  //                       puts the new resources in force (kNone; counts ServiceStats::resizes).
  //                       A resize Kubernetes 1.33 refuses in place is evicted and recreated
  //                       instead, as the VPA's InPlaceOrRecreate falls back (vertical-pod-
  //                       autoscaler/docs/features.md, in-place updates): a memory limit
  //                       decrease (KEP-1287 "Memory Limit Decreases": disallowed for
  //                       NotRequired in the beta, by API validation), a limit removed, or a
  //                       change of QoS class (KEP-1287 "QOS Class"; kubernetes/kubernetes
  //                       test/e2e/common/node/pod_resize.go, doPodResizeErrorTests, lists the
  //                       three refusals). With a node pool the pod's node
  //                       must hold the new requests (the kubelet's check: pkg/kubelet/
  //                       allocation/allocation_manager.go canResizePod): above a node's
  //                       allocatable it is kInfeasible and recreated at the next Step; while its
  //                       node lacks room it is kDeferred, retried every Step, and recreated once
  //                       deferred for more than 5 min (kubernetes/autoscaler vertical-pod-
  //                       autoscaler/pkg/updater/restriction/pods_inplace_restriction.go
  //                       CanEvictInPlacingPod, DeferredResizeUpdateTimeout).
  // Pods not named, not Running, or unknown are untouched. A new resize of a pod replaces a
  // pending one (the latest desired state wins); one in progress completes first.
  // Errors (nothing changes): NotFound for a container the pod does not have; InvalidArgument
  // for a request that is not > 0, a negative limit, or a limit below its request.
  Status ApplyResources(const ResourceUpdate& update, Timestamp now);
  // Sets the template's requests, keeping its limits (ApplyResources with kTemplateOnly).
  // REQUIRES: requests > 0, within the template's limits (otherwise nothing changes).
  void SetPodRequests(const Resources& requests);

  // Advances the pods to `now` and serves `load_rps` over the interval since the previous step.
  // REQUIRES: now >= the previous step's time; load_rps >= 0.
  void Step(Timestamp now, double load_rps);

  const WorkloadState& state() const { return state_; }
  // Parallel to state().pods.
  std::span<const PodRuntime> runtime() const { return runtime_; }
  const ServiceStats& stats() const { return stats_; }
  double load_rps() const { return load_rps_; }
  double latency_ms() const { return latency_ms_; }
  // Ready pods at the last step (pods deleted since are still counted).
  int32_t ready_pods() const { return ready_pods_; }
  // Requests/s the last step could not serve.
  double dropped_rps() const { return dropped_rps_; }
  // Returns the value of the i-th business metric of the spec.
  double business_value(size_t i) const { return business_values_[i]; }
  // The spec's pod model; its requests and limits are the template's.
  const PodModel& pod_model() const { return pod_; }
  // Changes whenever a pod is created or deleted, starts running, gains or loses readiness, or
  // its container is killed or restarts: while it holds, the pods a metric lists (and their
  // names) are the same.
  uint64_t version() const { return version_; }

  // Returns what one ready pod of the template can serve at most, in requests/s (its queue's
  // throughput and what its CPU limit pays for).
  double MaxRpsPerPod() const { return max_rps_per_pod_; }
  // Returns the mean response time in ms when each ready pod serves `rps_per_pod`, unthrottled.
  double LatencyMs(double rps_per_pod) const { return PodLatencyMs(pod_, rps_per_pod); }

 private:
  // Ready pods that share a CPU limit serve alike; Serve() computes each group once.
  struct ReadyGroup {
    int64_t cpu_limit_millis = 0;
    PodLoad load;
    double memory_bytes = 0;
    double max_rps = 0;
    int32_t pods = 0;
    int32_t killed = 0;  // OOM-killed this step
  };
  // Per-step sums over Running pods, for the vertical statistics.
  struct Usage {
    double cpu_allocated_millis = 0;
    double cpu_used_millis = 0;
    double memory_allocated_bytes = 0;
    double memory_used_bytes = 0;
    int32_t throttled_pods = 0;
  };

  Status CheckContainer(const ContainerResources& c) const;
  void SetTemplate(const ContainerResources& c);
  void CreatePod(Timestamp now);
  void RemovePod(size_t i);
  void DeletePods(int32_t count);
  void Recreate(size_t i, Timestamp now);
  void ResizeInPlace(size_t i, Timestamp now);
  ResizeStatus AdmitResize(size_t i);
  void CompleteResize(size_t i);
  void ProgressResizes(Timestamp now);
  void AdvancePods(Timestamp now);
  ReadyGroup& GroupFor(int64_t cpu_limit_millis, double share);
  void Serve(Timestamp now);
  void ServeServiceLevel(int32_t ready, double share);
  void OomKill(size_t i, double in_flight, Timestamp now);
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
  double lost_in_flight_ = 0;      // requests lost with OOM-killed containers this step
  double ready_capacity_rps_ = 0;  // what the Ready pods can serve at most, after OOM kills
  Usage usage_;
  std::vector<ReadyGroup> groups_;  // reused every step
  std::vector<size_t> recreate_;    // reused every step
  std::vector<double> business_values_;
};

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_SERVICE_MODEL_H_
