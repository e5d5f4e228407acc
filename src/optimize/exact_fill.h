// Exact-fill search: a packing into a given number of nodes of one type when the demand leaves
// (almost) no room to waste, as in Falkenauer's triplet instances where every node of an optimal
// packing is exactly full.
//
// When the lower bound asks for L nodes of capacity C and the pods' demand in some resource r
// sums to L * C - W, a packing into L nodes wastes at most W of r over all its nodes. The
// search builds the nodes one at a time, each completed by a depth-first subset-sum search over
// the free pods (decreasing in r, skipping pods identical to one just tried, and leaving either
// no more than the waste still allowed or room for one more pod); a node is closed when its
// waste fits in what is left of W.
//   W > 0: each node starts with the largest free pod; the search restarts with a randomized
//          choice of each node's second pod and a growing node budget.
//   W = 0: a perfect packing test: every node must be exactly full in r. Each node starts with
//          the free pod that has the fewest ways to be completed exactly (counted up to 2; the
//          most constrained first, as in exact-cover search), and a pod with none ends the
//          branch. When the first search runs out of budget, a large neighbourhood search
//          takes over from its deepest partial packing: the pods of 2 to 12 random full nodes
//          and the pods still free are packed exactly again by a small search, and the result
//          is kept when it leaves no more pods free than before.
// Runs until the clock passes the deadline; it fails without an answer, never with a wrong
// one (and answers "none" early when a search exhausts its whole tree).
//
// Thread safety: reentrant; `clock` is only read.
#ifndef CRESCENDO_SRC_OPTIMIZE_EXACT_FILL_H_
#define CRESCENDO_SRC_OPTIMIZE_EXACT_FILL_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/base/random.h"
#include "crescendo/base/time.h"
#include "optimize/packing.h"

namespace crescendo::optimize::internal {

// The resource that guides the search: the one whose waste allowance W (in its units) is the
// smallest relative to the capacity.
struct FillWaste {
  int resource = 0;
  int64_t waste = 0;
  double relative = 0;  // W / C
};

// Returns the guiding resource, or nothing when the demand exceeds `nodes` nodes in some
// resource or every W exceeds C / 2 (the search is then of no use).
std::optional<FillWaste> ChooseFillResource(const Instance& in, int type, int64_t nodes);

// Returns `nodes` bins of `type` holding every item, or nothing when the search ran out of time
// or when no resource's waste allowance is small enough to guide it (W > C / 2: the greedy
// heuristics and the GA do better there). REQUIRES: the type may be used `nodes` times.
std::optional<std::vector<Bin>> ExactFill(const Instance& in, int type, int64_t nodes, Random& rng,
                                          const Clock& clock, Timestamp deadline);

}  // namespace crescendo::optimize::internal

#endif  // CRESCENDO_SRC_OPTIMIZE_EXACT_FILL_H_
