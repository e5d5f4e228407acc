// ClusterSnapshot: what the cluster looks like at one instant, as a ClusterBackend reports it.
//
// The fields mirror the parts of Kubernetes objects the autoscaler reads: Pods (phase,
// readiness and its transition time, start time, deletion, per-container requests and limits,
// restarts and the last termination, the in-place resize status) and the scale subresource of
// each workload (spec and status replicas), with the pod template's container resources.
#ifndef CRESCENDO_MODEL_CLUSTER_H_
#define CRESCENDO_MODEL_CLUSTER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crescendo/base/time.h"
#include "crescendo/model/ids.h"
#include "crescendo/model/resources.h"

namespace crescendo {

enum class PodPhase { kPending, kRunning, kSucceeded, kFailed, kUnknown };

// A container's resources as a pod spec holds them (spec.containers[].resources). A zero amount
// is unset: no request, or no limit.
struct ContainerResources {
  std::string name;
  Resources requests;
  Resources limits;

  friend bool operator==(const ContainerResources&, const ContainerResources&) = default;
};

struct ContainerState {
  std::string name;
  Resources requests;    // in force (status.containerStatuses[].resources once resized in place)
  Resources limits;      // in force; zero: no limit
  int32_t restarts = 0;  // restartCount
  std::optional<Timestamp> last_oom_kill;  // lastState.terminated with reason OOMKilled
};

// The in-place resize status of a pod (Kubernetes 1.33+: the PodResizePending and
// PodResizeInProgress conditions).
enum class ResizeStatus {
  kNone,        // nothing asked, or done
  kInProgress,  // PodResizeInProgress: the kubelet is applying it
  kDeferred,    // PodResizePending, reason Deferred: not possible now (node full), retried
  kInfeasible,  // PodResizePending, reason Infeasible: never possible on this node
};

struct PodState {
  std::string name;
  PodPhase phase = PodPhase::kPending;
  bool ready = false;
  bool deleting = false;                      // metadata.deletionTimestamp is set
  Timestamp start_time;                       // status.startTime
  Timestamp ready_transition_time;            // Ready condition's lastTransitionTime
  Resources requests;                         // sum over containers
  std::vector<ContainerState> containers;     // per-container requests, when known (may be empty)
  ResizeStatus resize = ResizeStatus::kNone;  // the in-place resize in progress, if any
};

struct WorkloadState {
  WorkloadId id;
  int32_t spec_replicas = 0;    // scale.spec.replicas
  int32_t status_replicas = 0;  // scale.status.replicas
  Resources pod_requests;       // per-pod requests from the pod template
  // The pod template's containers (what new pods get); may be empty when unknown.
  std::vector<ContainerResources> template_containers;
  std::vector<PodState> pods;
};

struct ClusterSnapshot {
  Timestamp time;
  std::vector<WorkloadState> workloads;
};

}  // namespace crescendo

#endif  // CRESCENDO_MODEL_CLUSTER_H_
