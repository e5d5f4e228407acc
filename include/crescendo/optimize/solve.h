// SolvePlacement: the placement solver behind `crescendo optimize placement`.
//
// Steps, each recorded in the result: the lower bounds (bounds.h); the baselines First-Fit and
// Best-Fit Decreasing (placement.h); the grouping genetic algorithm seeded by them (gga.h), for
// the time left; and, when the problem is small (at most `exact_max_pods` pods) and no bound
// proved the best placement optimal, the exact model solved by CBC (exact.h), which may improve
// the placement, prove it optimal, or raise the lower bound. Every answer states its gap to the
// best lower bound.
//
// Before the GA, with one node type whose demand leaves at most half a node of waste in some
// resource (every node of an optimum nearly full, as in Falkenauer's triplets), an exact-fill
// search (src/optimize/exact_fill.h) looks for a packing into the bound's number of nodes, for
// up to three quarters of the time when no waste is allowed (a perfect packing), else a tenth
// (method "exact-fill").
//
// Thread safety: reentrant; `clock` is only read (to stop at the time limit).
#ifndef CRESCENDO_OPTIMIZE_SOLVE_H_
#define CRESCENDO_OPTIMIZE_SOLVE_H_

#include <string>

#include "crescendo/base/clock.h"
#include "crescendo/optimize/bounds.h"
#include "crescendo/optimize/gga.h"
#include "crescendo/optimize/placement.h"

namespace crescendo::optimize {

struct SolveOptions {
  uint64_t seed = 1;
  Duration time_limit = std::chrono::seconds(10);  // for the whole solve
  int64_t max_generations = -1;                    // of the GA; < 0: time only
  int population_size = 30;
  int exact_max_pods = 40;  // 0: never run the exact model
};

struct SolveResult {
  Placement placement;
  LowerBounds bounds;
  double lower_bound = 0;  // the best bound on the cost (bounds.cost, or CBC's)
  double gap = 0;          // Gap(placement.cost, lower_bound)
  bool proven_optimal = false;
  double ffd_cost = 0;
  double bfd_cost = 0;
  std::string method;  // which step found it: "ffd", "bfd", "exact-fill", "gga" or "cbc"
  int64_t generations = 0;
};

// Errors: those of ValidateProblem; ResourceExhausted when the max_counts leave no room.
StatusOr<SolveResult> SolvePlacement(const PlacementProblem& problem, const SolveOptions& options,
                                     const Clock& clock);

}  // namespace crescendo::optimize

#endif  // CRESCENDO_OPTIMIZE_SOLVE_H_
