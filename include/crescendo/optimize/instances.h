// Generated bin-packing instances for tests and benchmarks, each from an explicit seed.
//
//   Uniform (Falkenauer 1996, class "u"): n integer items uniform in [20, 100], bins of 150.
//   Triplets (Falkenauer 1996, class "t"): bins of 1000, each cut into three items (the first
//       uniform in [380, 490], the second in [250, (1000 - first) / 2], the third the rest), so
//       an optimal packing fills n/3 bins exactly.
//   Cluster: pods with cpu and memory requests of common sizes and node types of three families
//       (compute, general, memory: 2, 4, 8 GiB per vCPU) in sizes of 2 to 64 vCPU, priced
//       proportionally to vCPU and memory with a family discount; a benchmark of realistic shape.
//
// Thread safety: reentrant.
#ifndef CRESCENDO_OPTIMIZE_INSTANCES_H_
#define CRESCENDO_OPTIMIZE_INSTANCES_H_

#include <cstdint>
#include <vector>

#include "crescendo/optimize/placement.h"

namespace crescendo::optimize {

// One resource ("size"), one node type ("bin", price 1, unlimited), items "i0", "i1", ...
PlacementProblem OneDimensional(const std::vector<int64_t>& sizes, int64_t capacity);
PlacementProblem FalkenauerUniform(int items, uint64_t seed);
// REQUIRES: items % 3 == 0.
PlacementProblem FalkenauerTriplets(int items, uint64_t seed);
// Resources {"cpu" (millicores), "memory" (bytes)}; `types` node types (<= 21), unlimited.
PlacementProblem ClusterInstance(int pods, int types, uint64_t seed);
// ClusterInstance with every node type offered in each of `zones` zones "zone-a", "zone-b", ...
// (one type per zone, same price) and the pods grouped into services of `replicas` consecutive
// pods ("svc-0", ...), the replicas of a service with the demand of its first pod and the
// given max_skew (0: no spread; the same pods, for comparison). REQUIRES: 1 <= zones <= 26,
// replicas >= 1.
PlacementProblem ZonedClusterInstance(int pods, int types, int zones, int replicas,
                                      int32_t max_skew, uint64_t seed);

}  // namespace crescendo::optimize

#endif  // CRESCENDO_OPTIMIZE_INSTANCES_H_
