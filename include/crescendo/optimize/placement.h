// Placement: which nodes, of which types, and which pod on which node, at the least cost.
//
// The problem is multi-dimensional vector bin packing with heterogeneous bins (variable-sized
// vector bin packing): every pod has a demand per resource (cpu, memory, any extended resource),
// every node type a capacity per resource, a price per hour and optionally a maximum count. A
// placement puts every pod on exactly one node so that, on every node and in every resource,
// the demands sum to at most the node's capacity; its cost is the sum of its nodes' prices.
//
// Amounts are integers in whatever unit the caller chose per resource (the CLI uses millicores
// and bytes); a pod's demand and a node type's capacity in one resource share that unit.
//
// Solvers here:
//   FirstFitDecreasing, BestFitDecreasing  the baselines (item-centric greedy heuristics).
//   SolvePlacement                         the baselines, then the grouping genetic algorithm
//                                          (gga.h), then, for small problems, the exact CBC
//                                          model (exact.h); every answer carries its lower
//                                          bound (bounds.h) and gap.
//
// Constraints (all optional; their defaults constrain nothing), as the Kubernetes scheduler
// reads them (https://kubernetes.io/docs/concepts/scheduling-eviction/):
//   node affinity      a pod's node_selector: labels its node type must carry (a type carries
//                      its `labels` and node.kubernetes.io/instance-type=<its name>);
//   taints             a node type's taints with effect NoSchedule or NoExecute repel every pod
//                      that does not tolerate them; PreferNoSchedule is a preference and ignored;
//   dedicated pools    a node type with a `tenant` takes only that tenant's pods, and a tenant
//                      that has such types runs only on them (strict isolation: a pool per
//                      tenant);
//   anti-affinity and  at most `max_per_node` pods of one `service` on a node (1 is hard
//   spread per node    anti-affinity; topology spread over hostnames with a skew bound);
//   topology spread    a service's `max_skew` over zones: a topologySpreadConstraint with
//   over zones         topologyKey topology.kubernetes.io/zone and whenUnsatisfiable
//                      DoNotSchedule (https://kubernetes.io/docs/concepts/scheduling-eviction/
//                      topology-spread-constraints/): in every eligible zone, the service's pods
//                      number at most the minimum over the eligible zones plus max_skew. A zone
//                      is eligible for the service when it offers a node type that one of its
//                      pods may use (its constraints allow it, it holds the pod, its max_count
//                      is not 0); taints count, as with nodeTaintsPolicy: Honor. As the
//                      scheduler does for a node without the topology key, a pod with a
//                      max_skew never goes on a type without a zone.
// Every solver respects them; CheckPlacement verifies them; the lower bounds ignore them (they
// stay valid, and loosen). The heuristics (FFD, BFD, the GA) fix each spread service's count
// per zone before packing (ZoneQuotas); the exact model chooses the counts itself.
//
// Thread safety: every function is reentrant; values only.
#ifndef CRESCENDO_OPTIMIZE_PLACEMENT_H_
#define CRESCENDO_OPTIMIZE_PLACEMENT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crescendo/base/status.h"

namespace crescendo::optimize {

struct Pod {
  std::string name;
  std::vector<int64_t> demand;  // one amount >= 0 per PlacementProblem::resources
  std::map<std::string, std::string> node_selector;  // labels the node type must carry
  // Taints tolerated: "key" (any value and effect) or "key=value" (any effect).
  std::vector<std::string> tolerations;
  std::string tenant;        // empty: none (then never on a dedicated pool)
  std::string service;       // the replicas of one service share it; empty: none
  int32_t max_per_node = 0;  // pods of `service` on one node at most; 0: no limit; one value
                             // for all pods of a service
  int32_t max_skew = 0;      // spread of `service` over zones (above); 0: none; one value for
                             // all pods of a service
};

struct NodeType {
  std::string name;
  std::vector<int64_t> capacity;     // one amount >= 0 per PlacementProblem::resources
  double price_per_hour = 0;         // > 0
  std::optional<int64_t> max_count;  // at most this many nodes of the type; none: unlimited
  std::map<std::string, std::string> labels;
  std::vector<std::string> taints;  // "key=value:Effect" or "key:Effect"
  std::string tenant;               // a pool dedicated to this tenant; empty: shared
  // Its zone (the label topology.kubernetes.io/zone, which `labels` may carry instead); empty:
  // none. A type offered in several zones is listed once per zone.
  std::string zone;
};

struct PlacementProblem {
  std::vector<std::string> resources;  // names, e.g. {"cpu", "memory"}; at least one
  std::vector<Pod> pods;
  std::vector<NodeType> node_types;  // at least one
};

// One node of a placement: its type (an index into node_types) and its pods (indices into pods).
struct PlacedNode {
  int type = 0;
  std::vector<int> pods;
};

struct Placement {
  std::vector<PlacedNode> nodes;
  double cost = 0;  // sum of the nodes' prices per hour
};

// The label every node type carries with its name, as Kubernetes nodes do.
inline constexpr char kInstanceTypeLabel[] = "node.kubernetes.io/instance-type";
// The label of a node's zone (NodeType::zone).
inline constexpr char kZoneLabel[] = "topology.kubernetes.io/zone";

// Returns the type's zone: `zone`, else its label topology.kubernetes.io/zone, else "".
std::string ZoneOf(const NodeType& type);

// One service spread over zones (its pods' max_skew > 0).
struct ZoneSpread {
  std::string service;
  int32_t max_skew = 0;
  std::vector<int> pods;           // indices into pods
  std::vector<std::string> zones;  // the eligible zones, sorted; may be empty
};

// Returns the spread services in order of service name; empty when no pod has a max_skew.
// REQUIRES: max_skew is 0 on pods without a service (ValidateProblem).
std::vector<ZoneSpread> ZoneSpreads(const PlacementProblem& problem);

// Returns, per spread's zone, how many of its pods go there: counts within max_skew of each
// other, each zone at most what its node types' max_count could hold of the service alone, as
// many pods as the skew allows in the zones whose types are the most cost-effective for them
// (by capacity per price; ties: the first zone). With max_skew 1, balanced: 7 pods over 3
// zones are 3/2/2.
// Errors: InvalidArgument naming the service, the zones and their room when the max_counts
// leave no counts within the skew, or when the service has no eligible zone.
StatusOr<std::vector<int64_t>> ZoneQuotas(const PlacementProblem& problem,
                                          const ZoneSpread& spread);

// Returns why pod `pod` may not run on node type `type` (its node_selector, a taint it does not
// tolerate, or a dedicated pool), or nothing when it may. Sizes are not considered.
// REQUIRES: valid indices.
std::optional<std::string> PodTypeConflict(const PlacementProblem& problem, int pod, int type);

// Returns OK when the problem is well formed: at least one resource and one node type, every
// vector of the resources' length, amounts >= 0, prices > 0 and finite, max_count >= 0, taints
// of the form key[=value]:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute,
// max_per_node >= 0 and equal within a service, max_skew >= 0, equal within a service and
// only with a service that has a type with a zone to use, no type whose zone and zone label
// disagree, every pod fits on at least one node type that may be used and that its
// constraints allow, and the max_counts leave zone counts within every max_skew (ZoneQuotas).
// Errors: InvalidArgument naming the pod or node type, the field, and what was expected.
Status ValidateProblem(const PlacementProblem& problem);

// Returns OK when `placement` is a placement of `problem`: every pod on exactly one node, no node
// over capacity in any resource, every pod on a type its constraints allow, no node with more
// than max_per_node pods of a service, no service whose pods in an eligible zone outnumber the
// minimum over its eligible zones by more than max_skew, no type used more than its max_count,
// and `cost` equal
// to the sum of the nodes' prices (to 1e-9 relative).
// Errors: FailedPrecondition naming the pod, node or type at fault.
Status CheckPlacement(const PlacementProblem& problem, const Placement& placement);

// Returns the sum of the prices of `nodes`.
double PlacementCost(const PlacementProblem& problem, const std::vector<PlacedNode>& nodes);

// First-Fit Decreasing: pods in decreasing order of their size (the sum over resources of the
// demand over the largest capacity of any type in that resource); each goes on the first open
// node where it fits; when none, a node of the most cost-effective type that holds it is opened
// (capacity valued at the resource prices of the cover LP, see bounds.h; within 1% of the
// best value per price, the larger type).
// At the end every node is changed to the cheapest type that holds its pods.
// Errors: those of ValidateProblem; ResourceExhausted when the max_counts run out.
StatusOr<Placement> FirstFitDecreasing(const PlacementProblem& problem);

// Best-Fit Decreasing: as FirstFitDecreasing, but each pod goes on the open node it leaves with
// the least normalized free capacity (summed over resources).
StatusOr<Placement> BestFitDecreasing(const PlacementProblem& problem);

}  // namespace crescendo::optimize

#endif  // CRESCENDO_OPTIMIZE_PLACEMENT_H_
