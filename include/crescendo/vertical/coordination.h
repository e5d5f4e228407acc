// Coordination of vertical with horizontal scaling.
//
// The rule: a resource that drives horizontal scaling is not scaled vertically. A Resource metric
// ("cpu" or "memory", any target type) of the workload's HorizontalSpec removes that resource
// from every container's vertical recommendation; a ContainerResource metric removes it from the
// named container only. An HPA without metrics scales on 80% average CPU utilization, so it
// removes CPU. Pods, Object and External metrics (requests per second, queue length...) leave
// both resources to vertical scaling: that is the supported way to run both on one workload.
//
// Why not decide both jointly: the HPA's utilization is usage divided by the request. When the
// vertical recommender raises the request, utilization falls and the HPA removes replicas, which
// raises per-pod usage, which raises the next vertical recommendation: the two loops chase each
// other, and neither Kubernetes controller models the other. Excluding the resource keeps each
// decision explainable by one controller, as the VPA documentation advises.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_VERTICAL_COORDINATION_H_
#define CRESCENDO_VERTICAL_COORDINATION_H_

#include <string_view>

#include "crescendo/model/autoscaling.h"
#include "crescendo/vertical/recommender.h"

namespace crescendo::vertical {

// Returns the resources vertical scaling may control for `container` given the workload's
// horizontal spec (all when `horizontal` is null: no HPA).
ResourceSelection VerticallyControllable(const HorizontalSpec* horizontal,
                                         std::string_view container);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_VERTICAL_COORDINATION_H_
