#include "crescendo/optimize/solve.h"

#include <algorithm>

#include "crescendo/optimize/exact.h"

namespace crescendo::optimize {

StatusOr<SolveResult> SolvePlacement(const PlacementProblem& problem, const SolveOptions& options,
                                     const Clock& clock) {
  const Timestamp start = clock.Now();
  CRESCENDO_RETURN_IF_ERROR(ValidateProblem(problem));
  SolveResult r;
  r.bounds = ComputeLowerBounds(problem);
  r.lower_bound = r.bounds.cost;
  CRESCENDO_ASSIGN_OR_RETURN(Placement ffd, FirstFitDecreasing(problem));
  CRESCENDO_ASSIGN_OR_RETURN(Placement bfd, BestFitDecreasing(problem));
  r.ffd_cost = ffd.cost;
  r.bfd_cost = bfd.cost;
  r.method = bfd.cost < ffd.cost - 1e-9 ? "bfd" : "ffd";
  r.placement = r.method == "bfd" ? bfd : ffd;
  const double target = r.lower_bound * (1 + 1e-9);
  const bool small = static_cast<int>(problem.pods.size()) <= options.exact_max_pods;
  if (r.placement.cost > target) {
    GgaOptions gga{.seed = options.seed,
                   .time_limit = options.time_limit - (clock.Now() - start),
                   .max_generations = options.max_generations,
                   .population_size = options.population_size,
                   .target_cost = r.lower_bound};
    // A small problem keeps half of the time for the exact model.
    if (small) gga.time_limit /= 2;
    CRESCENDO_ASSIGN_OR_RETURN(GgaResult g,
                               GroupingGeneticAlgorithm(problem, r.bounds, {ffd, bfd}, gga, clock));
    r.generations = g.generations;
    if (g.best.cost < r.placement.cost - 1e-9) {
      r.placement = std::move(g.best);
      r.method = "gga";
    }
  }
  if (r.placement.cost > target && small) {
    const Duration left = options.time_limit - (clock.Now() - start);
    CRESCENDO_ASSIGN_OR_RETURN(ExactResult e,
                               SolveExact(problem, r.placement, std::max(left, Duration(0))));
    if (e.placement.cost < r.placement.cost - 1e-9) {
      r.placement = std::move(e.placement);
      r.method = "cbc";
    }
    r.lower_bound = std::max(r.lower_bound, e.lower_bound);
    r.proven_optimal = e.proven_optimal;
  }
  if (r.placement.cost <= r.lower_bound * (1 + 1e-9)) r.proven_optimal = true;
  r.gap = Gap(r.placement.cost, r.lower_bound);
  return r;
}

}  // namespace crescendo::optimize
