// ChoosePods: which running pods VPA's updater brings to the recommendation in one loop
// (updater/logic/updater.go RunOnce) for one VerticalPodAutoscaler whose pods have one owner.
//
// A pod is a candidate (updater/priority/update_priority_calculator.go AddPod) when, for its
// recommendation as capped for it (ProcessRecommendation):
//   - some container's request of a recommended resource is outside [lowerBound, upperBound],
//     or unset; or
//   - a container was OOM-killed less than --evict-after-oom-threshold (10 min) after it
//     started (quick OOM), unless its resources would not change; or
//   - the pod has lived --in-recommendation-bounds-eviction-lifetime-threshold (12 h) and the
//     relative difference between its total requests and the recommendation, summed over
//     resources, is at least --pod-update-threshold (0.1)
//     (updater/priority/priority_processor.go GetUpdatePriority).
// A pod already at the template (what it would get) is never a candidate. Candidates that
// want to grow come first, then by larger difference (PodPriority.Less); ties keep the
// snapshot's order. Every candidate is admitted: the spec has no evictionRequirements
// (priority/scaling_direction_pod_eviction_admission.go).
//
// The disruption budget (updater/restriction/pods_restriction_factory.go GetCreatorMaps,
// singleGroupStats.isPodDisruptable): live pods are those neither deleting nor Succeeded or
// Failed (logic/updater.go filterDeletedPods and the pod lister's field selector); nothing is
// disrupted while fewer than spec.min_replicas are live; with configured = spec replicas and
// tolerance = floor(configured x eviction_tolerance), a running pod is disrupted only while
// (running - disrupted) > configured - tolerance, or when nothing was disrupted yet and
// tolerance is 0 with every configured pod running. Recreate: pending pods are always evicted
// and not counted (pods_eviction_restriction.go CanEvict). InPlaceOrRecreate: pending pods wait
// (pods_inplace_restriction.go CanInPlaceUpdate).
//
// A pod resizing in place (PodState::resize) waits in either mode, unless its resize failed
// (CanEvictInPlacingPod): Infeasible, Deferred for more than DeferredResizeUpdateTimeout (5 min)
// or in progress for more than InProgressResizeUpdateTimeout (1 h) since it was first seen
// resizing (PodWatch::resize_seen). Such a pod is evicted, within the budget, after the
// in-place candidates (logic/updater.go RunOnce appends it to podsForEviction).
//
// Thread safety: pure function.
#ifndef CRESCENDO_SRC_VERTICAL_VPA_UPDATER_H_
#define CRESCENDO_SRC_VERTICAL_VPA_UPDATER_H_

#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "crescendo/model/autoscaling.h"
#include "crescendo/model/cluster.h"
#include "crescendo/model/decision.h"
#include "crescendo/vertical/recommender.h"
#include "crescendo/vertical/strategy.h"
#include "vertical/vpa/vpa_state.h"

namespace crescendo::vertical {

// The updater's defaults (updater/config/config.go DefaultUpdaterConfig).
inline constexpr double kPodUpdateThreshold = 0.1;                  // --pod-update-threshold
inline constexpr Duration kPodLifetimeUpdateThreshold = hours(12);  // --in-recommendation-...
// updater/restriction/pods_inplace_restriction.go DeferredResizeUpdateTimeout and
// InProgressResizeUpdateTimeout.
inline constexpr Duration kDeferredResizeUpdateTimeout = minutes(5);
inline constexpr Duration kInProgressResizeUpdateTimeout = hours(1);

// updater/priority/update_priority_calculator.go PodPriority.
struct PodPriority {
  bool outside_recommended_range = false;  // some request outside [lowerBound, upperBound]
  bool scale_up = false;                   // some container wants more
  double resource_diff = 0;  // sum over resources of |request - recommended| / request
};

// Returns the pod's priority (priority_processor.go GetUpdatePriority) for `containers` (the
// pod's, requests and limits in force) against `recommendation` processed per container.
PodPriority UpdatePriority(std::span<const PodContainerState> containers,
                           const PodRecommendation& recommendation, const VerticalSpec& spec);

// Returns the pod's containers: PodState::containers, or when they are unknown and the
// template has one container, that container with the pod's requests and no limits.
std::vector<PodContainerState> PodContainers(
    const PodState& pod, std::span<const ContainerResources> template_containers);

// Returns true when every container of `template_containers` is among `containers` with the
// same requests and, when `compare_limits`, the same limits (false for the containers
// PodContainers made up, whose limits are unknown).
bool AtTemplate(std::span<const PodContainerState> containers,
                std::span<const ContainerResources> template_containers, bool compare_limits);

struct UpdaterInput {
  const WorkloadState* workload = nullptr;                  // REQUIRES: non-null
  const PodRecommendation* recommendation = nullptr;        // REQUIRES: non-null
  std::span<const ContainerResources> template_containers;  // what a new or resized pod gets
  const VerticalSpec* spec = nullptr;                       // REQUIRES: non-null
  VerticalUpdate update = VerticalUpdate::kRecreate;        // kRecreate or kInPlaceOrRecreate
  Timestamp now;
  // What the strategy saw of each pod (quick OOMs, since when it resizes); null: nothing.
  const std::map<std::string, PodWatch, std::less<>>* watches = nullptr;
};

struct UpdaterChoice {
  std::vector<std::string> pods;  // in the order the updater takes them
  std::vector<TraceEntry> trace;  // step "updater": one entry per chosen pod, and the budget
};

UpdaterChoice ChoosePods(const UpdaterInput& input);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_SRC_VERTICAL_VPA_UPDATER_H_
