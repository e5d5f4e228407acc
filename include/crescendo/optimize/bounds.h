// Lower bounds on the number of nodes and on the cost of a placement (placement.h), so that every
// answer states how far from the optimum it can at most be.
//
//   L1 (per resource, one node type): ceil(sum of demands / capacity), the continuous bound.
//   L2 (per resource, one node type): Martello and Toth's bound (S. Martello, P. Toth, "Lower
//       bounds and reduction procedures for the bin packing problem", Discrete Applied
//       Mathematics 28 (1990) 59-70, bound L2): for 0 <= a <= C/2, the items larger than C - a
//       need a bin each, those in (C/2, C - a] too, and the items in [a, C/2] fill what those
//       leave free before asking for more bins; L2 is the largest over a. An optimum of the
//       vector problem needs at least max over resources of these bins.
//   Cover LP (any types): the LP relaxation of "buy enough capacity": minimize sum_t p_t x_t
//       subject to sum_t cap_tr x_t >= sum_i d_ir for every resource r and 0 <= x_t <= max_t.
//       Its duals are prices per unit of each resource; FirstFitDecreasing uses them to pick
//       node types. With one type and no max_count it is L1 without the ceiling.
//   Per-resource cost bound: max_r sum_i d_ir * min_t (p_t / cap_tr), the cover LP of one
//       resource at a time (needs no solver).
//
// Thread safety: reentrant.
#ifndef CRESCENDO_OPTIMIZE_BOUNDS_H_
#define CRESCENDO_OPTIMIZE_BOUNDS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "crescendo/optimize/placement.h"

namespace crescendo::optimize {

struct LowerBounds {
  // One node type only (else empty / 0): per resource L1 and L2, and their maximum in nodes.
  std::vector<int64_t> l1;
  std::vector<int64_t> l2;
  int64_t nodes = 0;
  double cost_per_resource = 0;         // the per-resource cost bound
  double cost_lp = 0;                   // the cover LP's optimum; 0 when infeasible
  bool lp_feasible = false;             // false: the max_counts cannot cover the demand
  std::vector<double> resource_prices;  // the cover LP's duals, price per unit of each resource
  double cost = 0;                      // the best (largest) of the cost bounds above
};

// Returns ceil(sum(sizes) / capacity). REQUIRES: capacity > 0.
int64_t L1Bound(std::span<const int64_t> sizes, int64_t capacity);

// Returns Martello and Toth's L2 for one resource. REQUIRES: capacity > 0, every size in
// [0, capacity]. O(n log n).
int64_t L2Bound(std::vector<int64_t> sizes, int64_t capacity);

// Returns the bounds of a problem. REQUIRES: ValidateProblem(problem) is OK.
LowerBounds ComputeLowerBounds(const PlacementProblem& problem);

// Returns (cost - bound) / bound, 0 when bound <= 0 or cost <= bound.
double Gap(double cost, double bound);

}  // namespace crescendo::optimize

#endif  // CRESCENDO_OPTIMIZE_BOUNDS_H_
