// ClusterBackend: where decisions are applied. Implemented by the Kubernetes adapter and by the
// simulator, so the same engine runs on both.
//
// Errors: Unavailable when the cluster cannot be reached (the engine retries next tick);
// NotFound for an unknown workload; InvalidArgument for a request the cluster rejects.
//
// Thread safety: Snapshot() and the setters may be called from the engine thread only.
#ifndef CRESCENDO_CLUSTER_CLUSTER_BACKEND_H_
#define CRESCENDO_CLUSTER_CLUSTER_BACKEND_H_

#include <string_view>

#include "crescendo/base/status.h"
#include "crescendo/model/cluster.h"
#include "crescendo/model/ids.h"
#include "crescendo/model/resources.h"

namespace crescendo {

class ClusterBackend {
 public:
  virtual ~ClusterBackend() = default;
  virtual std::string_view name() const = 0;
  // Returns the current state of every managed workload and its pods.
  virtual StatusOr<ClusterSnapshot> Snapshot() = 0;
  // Sets the desired replica count of `workload` (scale.spec.replicas).
  virtual Status SetReplicas(const WorkloadId& workload, int32_t replicas) = 0;
  // Sets the per-pod requests of `workload`; new pods get them (running pods are resized when
  // the backend supports in-place resize).
  virtual Status SetResources(const WorkloadId& workload, const Resources& pod_requests) = 0;
};

}  // namespace crescendo

#endif  // CRESCENDO_CLUSTER_CLUSTER_BACKEND_H_
