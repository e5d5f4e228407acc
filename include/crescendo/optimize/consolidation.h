// Consolidation: from the current placement to a cheaper target placement (solve.h), a plan of
// pod moves with few evictions that never breaks a PodDisruptionBudget and never leaves a pod
// without a place.
//
// The plan: first the target's new nodes are added; then moves run in waves. In a wave, each
// moved pod is evicted from its node and started on its destination; the destination must hold
// it while every pod still on it stays (room is reserved before anything leaves, so capacity
// never dips below demand), and the pods moved of one PDB group number at most its
// max_unavailable. Last, the nodes the target no longer uses, now empty, are removed.
//
// Evictions are kept few by matching each target node to the current node of the same type that
// shares the most pods with it (greedy, largest overlap first): the pods already there stay. When
// moves wait on each other in a cycle (every destination full until another pod leaves), one pod
// of the cycle goes to any node with room for the time being (one extra eviction); when no node
// has room, a temporary node of the largest type allowed is added for the waves and removed at
// the end. Pods move only onto node types their constraints allow (placement.h), and never onto
// a node that holds (or is receiving) max_per_node pods of their service already, so
// anti-affinity holds at every step.
//
// Topology spread over zones (placement.h, max_skew) holds at every wave too, as the scheduler
// admits a pod under whenUnsatisfiable DoNotSchedule, with the wave's in-flight pods counted
// conservatively: every pod moved in a wave is evicted before any replacement is scheduled, so
// a zone that receives pods counts all of its arrivals and is compared with the minimum over
// the eligible zones counting none of the departures; the counts at the end of the wave keep
// the skew as well. A move that would break it waits for a later wave; a pod parked to break a
// cycle stays in its zone. Before planning, interchangeable pods of a spread service (same
// demand, rules and group) trade places in the target so that as many as possible stay in
// their current zone (the heuristics bind pods to zones without knowing where they run).
//
// Thread safety: reentrant.
#ifndef CRESCENDO_OPTIMIZE_CONSOLIDATION_H_
#define CRESCENDO_OPTIMIZE_CONSOLIDATION_H_

#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/optimize/placement.h"

namespace crescendo::optimize {

struct DisruptionBudget {
  std::string group;            // the pods' PDB selector, e.g. the service
  int32_t max_unavailable = 1;  // >= 1 (a budget of 0 forbids moving the group at all)
};

struct ConsolidationInput {
  const PlacementProblem* problem = nullptr;
  Placement current;
  Placement target;
  std::vector<std::string> pod_group;     // per pod: its PDB group, empty: none
  std::vector<DisruptionBudget> budgets;  // per group
};

struct PlanNode {
  int type = 0;
  bool existing = false;  // in the current placement (else added by the plan)
};

struct PodMove {
  int pod = 0;
  int from = 0;  // index into ConsolidationPlan::nodes
  int to = 0;
};

struct ConsolidationPlan {
  std::vector<PlanNode> nodes;  // current nodes first (same order), then added ones
  std::vector<int> added;       // nodes added before the first wave
  std::vector<std::vector<PodMove>> waves;
  std::vector<int> removed;  // nodes removed after the last wave (empty by then)
  int64_t evictions = 0;
  double cost_before = 0;
  double cost_after = 0;
};

// Errors: InvalidArgument for a missing problem, a pod_group of the wrong length, a budget < 1
// or a placement that fails CheckPlacement; FailedPrecondition when a group whose pods must move
// has a budget of 0.
StatusOr<ConsolidationPlan> PlanConsolidation(const ConsolidationInput& input);

// Replays `plan` from input.current and returns OK when: added nodes come first, each wave moves
// at most max_unavailable pods of a group, every destination holds what is on it plus what
// arrives before anything leaves (capacity, the pods' constraints and max_per_node), every
// wave keeps each service's max_skew over zones (the check above), removed nodes are empty,
// and the end state places every pod.
// Errors: FailedPrecondition naming the wave, pod or node at fault.
Status VerifyPlan(const ConsolidationInput& input, const ConsolidationPlan& plan);

}  // namespace crescendo::optimize

#endif  // CRESCENDO_OPTIMIZE_CONSOLIDATION_H_
