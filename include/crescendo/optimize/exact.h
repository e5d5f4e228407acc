// The exact placement model, solved by CBC (COIN-OR Branch and Cut), for small problems.
//
// Variables: y_tk = 1 when node k of type t is used (k < K_t, K_t = the nodes of type t the
// start placement uses plus the extra ones that may help, capped at max_count), x_itk = 1 when
// pod i is on that node. Minimize sum p_t y_tk subject to: each pod on one node; on each node
// and resource, sum_i d_ir x_itk <= cap_tr y_tk; x_itk <= y_tk; y_t,k+1 <= y_tk (symmetry);
// x_itk = 0 where the pod's constraints bar type t; on each node, sum over a service's pods of
// x_itk <= its max_per_node; per service spread over zones, a continuous m_s and, per eligible
// zone z, 0 <= sum of its pods' x_itk over the zone's types - m_s <= max_skew (its counts per
// zone within max_skew of each other; the model chooses the counts, the heuristics fix them).
// The start placement is given to CBC as its first incumbent.
//
// Thread safety: reentrant.
#ifndef CRESCENDO_OPTIMIZE_EXACT_H_
#define CRESCENDO_OPTIMIZE_EXACT_H_

#include "crescendo/base/time.h"
#include "crescendo/optimize/placement.h"

namespace crescendo::optimize {

struct ExactResult {
  Placement placement;     // the best found: the start placement or better
  double lower_bound = 0;  // CBC's best bound on the cost
  bool proven_optimal = false;
};

// Solves the model for at most `time_limit` (CBC's own timer, in CPU seconds).
// REQUIRES: CheckPlacement(problem, start) is OK.
// Errors: those of ValidateProblem; Internal if CBC returns an assignment that is not a
// placement.
StatusOr<ExactResult> SolveExact(const PlacementProblem& problem, const Placement& start,
                                 Duration time_limit);

}  // namespace crescendo::optimize

#endif  // CRESCENDO_OPTIMIZE_EXACT_H_
