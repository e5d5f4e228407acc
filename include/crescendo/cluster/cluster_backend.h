// ClusterBackend: where decisions are applied. Implemented by the Kubernetes adapter and by the
// simulator, so the same engine runs on both.
//
// Errors: Unavailable when the cluster cannot be reached (the engine retries next tick);
// NotFound for an unknown workload; InvalidArgument for a request the cluster rejects.
//
// Thread safety: Snapshot() and the setters may be called from the engine thread only.
#ifndef CRESCENDO_CLUSTER_CLUSTER_BACKEND_H_
#define CRESCENDO_CLUSTER_CLUSTER_BACKEND_H_

#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/model/cluster.h"
#include "crescendo/model/ids.h"
#include "crescendo/model/resources.h"

namespace crescendo {

// How running pods take new resources (the VPA's updateMode, as the engine carries it out).
enum class ResizeMethod {
  kTemplateOnly,      // only pods created from now on (updateMode Initial)
  kRecreate,          // evict pods that differ; their replacements get the template (Recreate)
  kInPlaceOrRecreate  // patch the pods' `resize` subresource; a pod whose resize is Infeasible
                      // is evicted instead (InPlaceOrRecreate)
};

struct ResourceUpdate {
  // The pod template's new container resources; containers not named keep theirs.
  std::vector<ContainerResources> containers;
  ResizeMethod method = ResizeMethod::kTemplateOnly;
  // Running pods to bring to the template now, by `method` (ignored for kTemplateOnly). The
  // caller has already limited them to its disruption budget; unknown names are skipped.
  std::vector<std::string> pods;
};

class ClusterBackend {
 public:
  virtual ~ClusterBackend() = default;
  virtual std::string_view name() const = 0;
  // Returns the current state of every managed workload and its pods.
  virtual StatusOr<ClusterSnapshot> Snapshot() = 0;
  // Makes `out` what Snapshot() would return, reusing its storage: the engine keeps one snapshot
  // across ticks, so a backend that overrides this (the simulator does) copies into buffers it
  // allocated on earlier ticks. On error `out` is unspecified. The default calls Snapshot().
  virtual Status SnapshotInto(ClusterSnapshot& out) {
    StatusOr<ClusterSnapshot> snapshot = Snapshot();
    if (!snapshot.ok()) return snapshot.status();
    out = *std::move(snapshot);
    return Status::Ok();
  }
  // Sets the desired replica count of `workload` (scale.spec.replicas).
  virtual Status SetReplicas(const WorkloadId& workload, int32_t replicas) = 0;
  // Sets the containers' requests and limits of `workload`'s pod template (new pods get them)
  // and acts on running pods as `update` says. Containers not named keep theirs.
  // Errors: NotFound for an unknown workload or container; InvalidArgument for an amount the
  // cluster rejects (a request above its limit, a non-positive request).
  virtual Status SetResources(const WorkloadId& workload, const ResourceUpdate& update) = 0;
};

}  // namespace crescendo

#endif  // CRESCENDO_CLUSTER_CLUSTER_BACKEND_H_
