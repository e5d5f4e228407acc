// The CSV files of `crescendo optimize placement`.
//
//   PODS.csv:  header `name,<resource>,...`, then one pod per line. Optional constraint
//              columns (placement.h), anywhere after `name`, by these names:
//                node_selector  key=value;key=value  labels the node type must carry
//                tolerations    key;key=value        taints tolerated
//                tenant         the pod's tenant
//                service        the service whose replicas it is
//                max_per_node   pods of the service on one node at most (1: anti-affinity)
//                max_skew       spread of the service over zones (topology.kubernetes.io/zone,
//                               DoNotSchedule): its pods per eligible zone differ by at most this
//   NODES.csv: header `type,<resource>,...,price[,max_count][,labels][,taints][,tenant][,zone]`,
//              the same resource names in any order (columns by name, `type` first), then one
//              node type per line; price per hour > 0; max_count an integer >= 0, empty for no
//              limit;
//                labels         key=value;key=value
//                taints         key=value:Effect;key:Effect (NoSchedule, PreferNoSchedule,
//                               NoExecute)
//                tenant         a pool dedicated to this tenant
//                zone           its zone (a type offered in several zones: one line per zone)
//              Trailing optional columns may be left out of a row; an empty field is "none".
// `cpu` is a Kubernetes quantity ("500m", "2") kept in millicores, `memory` one ("512Mi",
// "1e9") kept in bytes; any other resource is a plain number (a Kubernetes quantity too, kept
// in its units, rounded up). An amount may be 0. Blank lines and lines starting with '#' are
// skipped; fields are trimmed; no quoting.
//
// Errors (InvalidArgument) name the file, the line, the column and what was expected, e.g.
//   "pods.csv:3: column \"cpu\": expected a Kubernetes quantity such as 500m or 2, found \"x\"".
//
// Thread safety: reentrant.
#ifndef CRESCENDO_OPTIMIZE_CSV_H_
#define CRESCENDO_OPTIMIZE_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "crescendo/optimize/placement.h"

namespace crescendo::optimize {

// Parses the two files' texts (`pods_path`, `nodes_path` name them in errors) into a problem
// whose resources are in the pods header's order. The result is validated (ValidateProblem,
// its errors prefixed with the file name).
StatusOr<PlacementProblem> ParsePlacementCsv(std::string_view pods_text,
                                             const std::string& pods_path,
                                             std::string_view nodes_text,
                                             const std::string& nodes_path);

// A placement as `crescendo optimize consolidate` reads it (CURRENT.csv): header
// `node,type,pods`, then one node per line: its name (unique), its node type (a name in
// problem.node_types; `<name>@<zone>` for a type listed in several zones) and its pods' names
// separated by ';' (may be empty). Every pod of the problem must appear exactly once.
struct NamedPlacement {
  Placement placement;
  std::vector<std::string> node_names;  // per placement.nodes
};

// Errors: InvalidArgument "path:line: column \"x\": expected ..., found ..."; a placement that
// breaks the problem (CheckPlacement) is an InvalidArgument prefixed with the path.
StatusOr<NamedPlacement> ParsePlacementFileCsv(std::string_view text, const std::string& path,
                                               const PlacementProblem& problem);

}  // namespace crescendo::optimize

#endif  // CRESCENDO_OPTIMIZE_CSV_H_
