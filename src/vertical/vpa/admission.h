// What VPA's admission controller gives a new pod, applied to the pod template, and the
// recommendation as VPA's capping processor hands it to the admission controller and updater.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_VERTICAL_VPA_ADMISSION_H_
#define CRESCENDO_SRC_VERTICAL_VPA_ADMISSION_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "crescendo/model/autoscaling.h"
#include "crescendo/model/cluster.h"
#include "crescendo/vertical/recommender.h"

namespace crescendo::vertical {

// Returns the recommendation for a container named `container` whose limits are `limits`, as
// utils/vpa/capping.go getCappedRecommendationForContainer gives it: the policy's minAllowed
// and maxAllowed, then for RequestsOnly the target and bounds capped to the container's limit
// (capRecommendationToContainerLimit; a zero limit is none). Notes are not copied.
// Returns nullopt when `recommendation` has no entry for the container.
std::optional<ContainerRecommendation> ProcessRecommendation(
    const PodRecommendation& recommendation, std::string_view container, const Resources& limits,
    const VerticalSpec& spec);

// Returns the limit VPA sets for `new_request` (utils/vpa/limit_and_request_scaling.go
// getProportionalResourceLimit, without a LimitRange default): none (nullopt, the limit stays
// as it was) when there is no limit or no new request; the new request when the original has
// no request (Kubernetes then takes the limit as the request); else limit x new / request,
// rounded down (ProportionalLimit). Units are those of the arguments.
std::optional<int64_t> VpaProportionalLimit(int64_t request, int64_t limit, int64_t new_request);

// Returns `containers` as the admission controller sets them on a new pod
// (admission-controller/resource/pod/recommendation/recommendation_provider.go
// GetContainersResources): each container with a recommendation gets the processed target as
// its requests (a resource the target lacks keeps its request) and, for RequestsAndLimits,
// limits kept in proportion (VpaProportionalLimit); RequestsOnly keeps the limits.
std::vector<ContainerResources> AdmitContainers(std::span<const ContainerResources> containers,
                                                const PodRecommendation& recommendation,
                                                const VerticalSpec& spec);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_SRC_VERTICAL_VPA_ADMISSION_H_
