// ChooseJoint: one workload's replica count and per-pod CPU request, chosen together.
//
// The problem (per workload, per tick): find replicas N and a per-pod CPU request c such that
//
//   N x c x u >= D          the pods cover the expected CPU demand D (the forecast's mean) at
//                           the HPA's target utilization u,
//   N x c >= D_upper        and the forecast's upper quantile at 100%: the headroom for the
//                           forecast's error. Both margins guard against the same thing (more
//                           demand than expected), so the larger holds, not their product
//   c >= floor              never below what the pods use now (plus VPA's 15% margin) nor the
//                           VPA's minAllowed / 25m pod minimum
//   c <= cap                never above the VPA's maxAllowed; and, below maxReplicas, never
//                           above the reference pod (the request the HPA's target was set
//                           for): there the replicas carry what the pods cannot (a soft
//                           bound: the pair is then marked not covered, and no pod is added)
//   floor_N <= N <= max     the HPA's bounds, and never fewer replicas than `replica_floor` (the
//                           predictive decision: its SLO is the one to keep)
//
// minimizing the allocated cost N x (c x cpu price + memory x memory price + pod price).
//
// Why this shape. Google's Multidimensional Pod Autoscaler (GKE, autoscaling.gke.io
// MultidimPodAutoscaler: "modifies memory requests and adds replicas so that the average CPU
// utilization of each replica matches your target utilization") and Autopilot (Rzadca et al.,
// "Autopilot: workload autoscaling at Google", EuroSys 2020: the horizontal autoscaler sizes the
// task count against the per-task limit the vertical one recommends from usage) both decide the
// count against the size. Doing it in one function, with the size it is about to set, is what
// removes the HPA/VPA conflict on CPU (vertical/coordination.h): at the chosen size the HPA's
// own rule, ceil(D / (u x c)), gives at most N.
//
// Why a replica floor. On cost alone fewer, larger pods win (each pod carries its memory and
// overhead), but a pod's throughput is bounded by its own concurrency (its workers, its queue),
// not only by its CPU: the count that serves the load is the predictive strategy's, and the
// joint choice only adds pods when the size it may set (maxAllowed) cannot cover the demand.
// Pods grow past the reference only when the replicas are exhausted (maxReplicas), as MPA hands
// over to vertical scaling there: elsewhere a larger pod buys no throughput, only slack and
// node space (on the shared traces with a node pool, pods grown to the forecast's upper bound
// cost 12% more and waited for nodes: 735 SLA seconds against predictive's 465 on crane input0).
//
// Units: CPU in millicores, memory in bytes, prices per hour. Thread safety: pure.
#ifndef CRESCENDO_SRC_ENGINE_INTELLIGENT_JOINT_H_
#define CRESCENDO_SRC_ENGINE_INTELLIGENT_JOINT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "crescendo/base/time.h"

namespace crescendo::intelligent {

// Allocated-cost prices. The defaults are the music-streaming scenario's
// (src/sim/music_streaming_scenario.cc PodFor: 0.04 per core-hour, 0.005 per GiB-hour).
struct Prices {
  double per_core_hour = 0.04;
  double per_gib_hour = 0.005;
  double per_pod_hour = 0;  // a fixed overhead per pod (sidecars, node reservations)
};

struct JointInput {
  double cpu_demand_millis = 0;        // D: the pods' expected total CPU use, >= 0
  double cpu_demand_upper_millis = 0;  // D_upper: its upper quantile (0: none)
  double target_utilization = 0.8;     // u, in (0, 1]
  int32_t min_replicas = 1;            // the HPA's bounds, min <= max
  int32_t max_replicas = 1;
  int32_t replica_floor = 0;           // never fewer (the predictive decision); 0: none
  int64_t reference_cpu_millis = 0;    // the reference pod's request; 0: none
  int64_t cpu_floor_millis = 0;        // per pod, from observed usage
  int64_t min_allowed_cpu_millis = 0;  // VPA minAllowed; 0: none
  int64_t max_allowed_cpu_millis = 0;  // VPA maxAllowed; 0: none
  int64_t memory_bytes_per_pod = 0;    // as the vertical strategy sizes it (cost only)
  Prices prices;
};

struct JointChoice {
  int32_t replicas = 0;
  int64_t cpu_millis = 0;  // per pod
  double cost_per_hour = 0;
  bool covered = false;  // replicas x cpu_millis covers D at u and D_upper at 100%
  std::string reason;    // for the trace, e.g. "4 pods x 612m cover 1.7 cores at 70%"
};

// Returns the cheapest (replicas, cpu) pair meeting the constraints above; fewer replicas on a
// tie. When no pair covers D (maxReplicas pods at maxAllowed), returns maxReplicas at the
// largest size allowed with covered = false. REQUIRES: min_replicas <= max_replicas,
// 0 < target_utilization <= 1.
JointChoice ChooseJoint(const JointInput& in);

// GuardJoint: how small the joint choice may make the pods this tick. The joint size is only
// as good as the forecast it covers, and a pod that is too small is found out on the burst the
// forecast missed, so the guard keeps the size where the evidence says it cannot be trusted:
//
//   the size did not hold      the pods used more CPU than their requests in force, within the
//   (last_miss)                last `miss_hold`: the size falls back to the reference pod, i.e.
//                              to predictive's pair (its replicas, at the size they were decided
//                              for). Autopilot trusts a recommender only while its recent cost,
//                              under-provisioning penalised most, stays low, and takes a limit
//                              whose use got close to it as the signal (Rzadca et al.,
//                              "Autopilot: workload autoscaling at Google", EuroSys 2020, sec.
//                              4.2). Use above the request is the point where, on a full node,
//                              the pod is held to its request's share.
//   the forecast rises         the peak mean over the horizon above the use now by more than
//                              `rising_tolerance` (the HPA's own 10% tolerance): the pods never
//                              shrink below their size in force. Autopilot's limits rise at once
//                              and decay slowly (its moving-window recommenders, sec. 4.1), and
//                              a resize takes a VPA run plus a startup to take effect.
// Otherwise the size may go down to the floor the caller computed. A first version took a use
// above the forecast's P90 upper bound as the miss: on a daily cycle that happens within every
// hour, and the guard then held the reference pod all the time (hpa-vpa-conflict: CPU slack
// 0.544 back to predictive's 0.598).
struct GuardInput {
  double cpu_use_millis = 0;        // the pods' total use now
  double forecast_mean_millis = 0;  // the forecast's peak mean over the horizon
  int64_t current_cpu_millis = 0;   // the template's request in force (0: unknown)
  int64_t reference_cpu_millis = 0;
  std::optional<Timestamp> last_miss;  // the last tick the pods used more than their requests
  Timestamp now;
  Duration miss_hold = hours(1);
  double rising_tolerance = 0.1;
};

struct GuardVerdict {
  int64_t min_cpu_millis = 0;  // the pods never go below this (0: no bound)
  std::string reason;          // for the trace; empty when the guard does not bind
};

GuardVerdict GuardJoint(const GuardInput& in);

}  // namespace crescendo::intelligent

#endif  // CRESCENDO_SRC_ENGINE_INTELLIGENT_JOINT_H_
