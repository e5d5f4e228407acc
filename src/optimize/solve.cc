#include "crescendo/optimize/solve.h"

#include <algorithm>

#include "crescendo/base/random.h"
#include "crescendo/optimize/exact.h"
#include "optimize/exact_fill.h"
#include "optimize/packing.h"

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
  // One node type and a bound in nodes: when the demand leaves almost nothing to waste (every
  // node of an optimum nearly full, as in Falkenauer's triplets), the exact-fill search looks
  // for a packing into the bound's nodes first.
  if (r.placement.cost > target && problem.node_types.size() == 1 && r.bounds.nodes > 0 &&
      (!problem.node_types[0].max_count || *problem.node_types[0].max_count >= r.bounds.nodes)) {
    const internal::Instance in = internal::MakeInstance(problem, r.bounds);
    const std::optional<internal::FillWaste> fill =
        internal::ChooseFillResource(in, 0, r.bounds.nodes);
    if (fill) {
      // A perfect packing is what the search is best at (the GA seldom closes the last node
      // there); with waste allowed, the GA does better, so the search gets a tenth.
      const Duration share =
          fill->waste == 0 ? options.time_limit * 3 / 4 : options.time_limit / 10;
      Random rng(options.seed);
      std::optional<std::vector<internal::Bin>> bins =
          internal::ExactFill(in, 0, r.bounds.nodes, rng, clock, start + share);
      if (bins) {
        r.placement = internal::ToPlacement(in, *bins);
        r.method = "exact-fill";
      }
    }
  }
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
