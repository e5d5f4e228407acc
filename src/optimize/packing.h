// The solvers' internal, flat form of a placement problem and the operations on open nodes
// (bins) that the greedy heuristics and the grouping genetic algorithm share.
#ifndef CRESCENDO_SRC_OPTIMIZE_PACKING_H_
#define CRESCENDO_SRC_OPTIMIZE_PACKING_H_

#include <cstdint>
#include <vector>

#include "crescendo/optimize/bounds.h"
#include "crescendo/optimize/placement.h"

namespace crescendo::optimize::internal {

// A problem as flat arrays. REQUIRES of the source: ValidateProblem is OK.
struct Instance {
  int dims = 0;
  int items = 0;
  int types = 0;
  std::vector<int64_t> size;       // items x dims
  std::vector<int64_t> cap;        // types x dims
  std::vector<double> price;       // per type
  std::vector<int64_t> max_count;  // per type; -1: unlimited
  std::vector<double> weight;      // per item: sum_r size / largest capacity in r
  std::vector<double> value;       // per item: size valued at the cover LP's resource prices
  std::vector<double> type_value;  // per type: capacity valued at the same prices
  // Constraints (placement.h), flattened. `allowed` is items x types (empty: every pod may go
  // on every type); a pod of a service spread over zones is allowed only the types of the zone
  // it is bound to (its service's ZoneQuotas, dealt largest pod first); `group` the item's service
  // among those with a max_per_node (-1: none); `rule_class` equal for items whose constraints are
  // equal.
  std::vector<char> allowed;
  std::vector<int> group;
  std::vector<int> group_cap;
  std::vector<int> rule_class;

  const int64_t* Size(int item) const { return &size[static_cast<size_t>(item) * dims]; }
  const int64_t* Cap(int type) const { return &cap[static_cast<size_t>(type) * dims]; }
};

Instance MakeInstance(const PlacementProblem& problem, const LowerBounds& bounds);

struct Bin {
  int type = 0;
  std::vector<int> items;
  std::vector<int64_t> load;  // per resource
  double weight = 0;          // sum of the items' weights
};

// Nodes of each type in use, per type.
using Counts = std::vector<int64_t>;

bool FitsLoad(const Instance& in, const int64_t* load, int type);
// True when the item's constraints allow `type` (sizes not considered).
inline bool AllowedOn(const Instance& in, int item, int type) {
  return in.allowed.empty() || in.allowed[static_cast<size_t>(item) * in.types + type] != 0;
}
// True when every item of `bin` may go on `type` (sizes not considered).
bool BinAllowedOn(const Instance& in, const Bin& bin, int type);
// Returns how many items of `group` the bin holds.
int GroupCount(const Instance& in, const Bin& bin, int group);
// True when the item fits `bin`: capacity, its type allowed, its service's max_per_node.
bool Fits(const Instance& in, const Bin& bin, int item);
// True when the two items' constraints are equal (so either may stand for the other).
inline bool SameRules(const Instance& in, int a, int b) {
  return in.rule_class[a] == in.rule_class[b];
}
Bin NewBin(const Instance& in, int type);
void AddItem(const Instance& in, Bin& bin, int item);
// Removes items[pos] from `bin` (order not kept).
void RemoveAt(const Instance& in, Bin& bin, size_t pos);
// Returns the mean over resources of load / capacity (resources of capacity 0 skipped).
double Fill(const Instance& in, const Bin& bin);
// True when one more node of `type` may be opened.
bool Available(const Instance& in, const Counts& counts, int type);

// Returns the cheapest type that holds `bin` (its load and its items' constraints), given that
// the node now has bin.type (which it frees); -1 when none may be used.
int CheapestTypeFor(const Instance& in, const Bin& bin, const Counts& counts);

// Changes every bin from `first` on to the cheapest type that holds it.
void RightSize(const Instance& in, std::vector<Bin>& bins, Counts& counts, size_t first = 0);

// Returns the item indices in decreasing weight (ties: by index).
std::vector<int> DecreasingOrder(const Instance& in, std::vector<int> items);

enum class FitRule { kFirst, kBest };

// Packs `items` (in the given order) into `bins` by the rule, opening nodes of the most
// cost-effective available type that holds the item. Returns false when no type may be opened
// for an item (the max_counts ran out); `bins` then holds what was placed.
bool PackItems(const Instance& in, const std::vector<int>& items, FitRule rule,
               std::vector<Bin>& bins, Counts& counts);

// As PackItems with kFirst for the existing bins, but new nodes are bin-centric: for each
// available type, a node is filled first-fit from the remaining items and the type packing the
// most value per price wins; the node then takes the largest remaining item and the subset of
// the others that leaves it the least slack (minimum bin slack, a bounded search).
bool PackItemsBinCentric(const Instance& in, const std::vector<int>& items, std::vector<Bin>& bins,
                         Counts& counts);

double BinsCost(const Instance& in, const std::vector<Bin>& bins);
Placement ToPlacement(const Instance& in, const std::vector<Bin>& bins);
Counts CountTypes(const Instance& in, const std::vector<Bin>& bins);

}  // namespace crescendo::optimize::internal

#endif  // CRESCENDO_SRC_OPTIMIZE_PACKING_H_
