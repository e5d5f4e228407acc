// Conversions between the Kubernetes API's JSON objects and Crescendo's model (pure).
//
// Shapes: apps/v1 Deployment, StatefulSet and ReplicaSet (the fields they share), core/v1 Pod
// (status.conditions PodResizePending and PodResizeInProgress, Kubernetes 1.33+), autoscaling/v1
// Scale, events.k8s.io/v1 Event, as the API reference documents them
// (https://kubernetes.io/docs/reference/kubernetes-api/).
#ifndef CRESCENDO_KUBERNETES_OBJECTS_H_
#define CRESCENDO_KUBERNETES_OBJECTS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crescendo/base/time.h"
#include "crescendo/model/cluster.h"

namespace crescendo::kubernetes {

using Json = nlohmann::json;

// Returns requests or limits ({"cpu":"250m","memory":"64Mi"}); unparsable amounts count as 0.
Resources ResourcesOf(const Json& amounts);
// Returns {"cpu":"250m","memory":"67108864"} with zero amounts left out.
Json AmountsJson(const Resources& r);

// Returns the pod's state as the snapshot holds it.
PodState PodStateOf(const Json& pod);
// Returns spec and status replicas and the template's containers of a Deployment, StatefulSet or
// ReplicaSet; id and pods are left empty.
WorkloadState WorkloadStateOf(const Json& workload);

// Whether `labels` satisfy a LabelSelector's matchLabels and matchExpressions (In, NotIn,
// Exists, DoesNotExist). An empty selector matches nothing, as for a Deployment.
bool SelectorMatches(const Json& selector, const Json& labels);

// The scale subresource's body for a PUT: the read Scale with spec.replicas replaced.
Json ScaleWithReplicas(const Json& scale, int32_t replicas);

// The strategic merge patch of containers' resources ({"spec":{"containers":[...]}}), for a
// pod's `resize` subresource; WrapInTemplate puts it under spec.template for a Deployment.
Json ContainersPatch(const std::vector<ContainerResources>& containers);
Json WrapInTemplate(const Json& pod_patch);

struct EventFields {
  std::string ns, name, uid;  // the workload
  std::string kind;           // Deployment, StatefulSet, ReplicaSet
  std::string reason;         // ScaledUp, ScaledDown, Resized, ResizedInPlace, Evicted
  std::string action;         // Scale, Resize
  std::string note;
  std::string instance;  // reportingInstance
  Timestamp time;
};
// An events.k8s.io/v1 Event about a workload, with a unique name.
Json EventOf(const EventFields& f);

// Formats a MicroTime ("2026-11-27T18:00:00.000000Z").
std::string FormatMicroTime(Timestamp t);

}  // namespace crescendo::kubernetes

#endif  // CRESCENDO_KUBERNETES_OBJECTS_H_
