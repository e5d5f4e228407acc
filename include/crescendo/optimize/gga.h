// A grouping genetic algorithm for placement (placement.h), in the spirit of Falkenauer's hybrid
// grouping genetic algorithm (E. Falkenauer, "A hybrid grouping genetic algorithm for bin
// packing", Journal of Heuristics 2 (1996) 5-30):
//   - encoding: an individual is its list of nodes (groups), each with its type and pods;
//   - crossover: a run of whole nodes of the second parent is injected into the first; the
//     first parent's nodes that now hold a pod twice are dropped, and their other pods are free;
//   - local improvement by dominance (after Martello and Toth's dominance criterion, as
//     Falkenauer uses it): on each node, one or two pods are swapped for one or two free pods
//     that fill the node more (by the pods' normalized size) and still fit; the pods still free
//     are then packed first-fit decreasing into the nodes, the rest onto new nodes each filled
//     by minimum bin slack (Gupta and Ho 1999; Fleszar and Hindi 2002) with its type chosen
//     bin-centric, and every node changed to the cheapest type that holds it;
//   - mutation: the least filled node and one or two random nodes are emptied and their pods
//     reinserted as above;
//   - fitness: the cost, then, among equal costs, sum over nodes of price * fill^2 (Falkenauer's
//     fill-squared, weighted by price), so that nearly empty nodes are favoured to disappear;
//   - steady state: a child replaces the worst individual when it is better and not a copy.
// The pods' constraints (placement.h) enter as the node types each pod may use, a spread
// pod's zone included (its service's ZoneQuotas, fixed before the search), so crossover,
// reinsertion, dominance swaps and minimum-slack fills keep them all.
// The population is seeded with the given placements (the baselines) and perturbed first-fit
// orders. The search stops at `target_cost` (a lower bound reached: proven optimal), after
// `max_generations`, or once `clock` has moved `time_limit` past the start.
//
// Deterministic: the same problem, seeds, options and clock readings give the same result (with
// a SimulatedClock, or a max_generations reached first, the run is reproducible exactly).
//
// Thread safety: reentrant; `clock` is only read.
#ifndef CRESCENDO_OPTIMIZE_GGA_H_
#define CRESCENDO_OPTIMIZE_GGA_H_

#include <cstdint>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/optimize/bounds.h"
#include "crescendo/optimize/placement.h"

namespace crescendo::optimize {

struct GgaOptions {
  uint64_t seed = 1;
  Duration time_limit = std::chrono::seconds(10);
  int64_t max_generations = -1;  // < 0: no limit but the time
  int population_size = 30;      // >= 2; at most max(4, 50,000 / pods) are kept
  double target_cost = 0;        // stop when the best cost is at most this (a lower bound)
};

struct GgaResult {
  Placement best;
  int64_t generations = 0;
  int64_t improvements = 0;  // generations whose child became the new best
};

// Runs the algorithm from `seeds` (each a valid placement of `problem`; may be empty).
// Errors: those of ValidateProblem; InvalidArgument for a population_size < 2 or an invalid
// seed; ResourceExhausted when no placement within the max_counts is found.
StatusOr<GgaResult> GroupingGeneticAlgorithm(const PlacementProblem& problem,
                                             const LowerBounds& bounds,
                                             const std::vector<Placement>& seeds,
                                             const GgaOptions& options, const Clock& clock);

}  // namespace crescendo::optimize

#endif  // CRESCENDO_OPTIMIZE_GGA_H_
