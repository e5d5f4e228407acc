// ClusterSnapshot: what the cluster looks like at one instant, as a ClusterBackend reports it.
//
// The fields mirror the parts of Kubernetes objects the autoscaler reads: Pods (phase,
// readiness and its transition time, start time, deletion, requests) and the scale
// subresource of each workload (spec and status replicas).
#ifndef CRESCENDO_MODEL_CLUSTER_H_
#define CRESCENDO_MODEL_CLUSTER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "crescendo/base/time.h"
#include "crescendo/model/ids.h"
#include "crescendo/model/resources.h"

namespace crescendo {

enum class PodPhase { kPending, kRunning, kSucceeded, kFailed, kUnknown };

struct ContainerState {
  std::string name;
  Resources requests;
};

struct PodState {
  std::string name;
  PodPhase phase = PodPhase::kPending;
  bool ready = false;
  bool deleting = false;               // metadata.deletionTimestamp is set
  Timestamp start_time;                // status.startTime
  Timestamp ready_transition_time;     // Ready condition's lastTransitionTime
  Resources requests;                  // sum over containers
  std::vector<ContainerState> containers;  // per-container requests, when known (may be empty)
};

struct WorkloadState {
  WorkloadId id;
  int32_t spec_replicas = 0;    // scale.spec.replicas
  int32_t status_replicas = 0;  // scale.status.replicas
  Resources pod_requests;       // per-pod requests from the pod template
  std::vector<PodState> pods;
};

struct ClusterSnapshot {
  Timestamp time;
  std::vector<WorkloadState> workloads;
};

}  // namespace crescendo

#endif  // CRESCENDO_MODEL_CLUSTER_H_
