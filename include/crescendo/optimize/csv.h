// The CSV files of `crescendo optimize placement`.
//
//   PODS.csv:  header `name,<resource>,...`, then one pod per line.
//   NODES.csv: header `type,<resource>,...,price[,max_count]`, the same resource names in any
//              order, then one node type per line; price per hour > 0; max_count an integer
//              >= 0, empty for no limit.
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

#include "crescendo/optimize/placement.h"

namespace crescendo::optimize {

// Parses the two files' texts (`pods_path`, `nodes_path` name them in errors) into a problem
// whose resources are in the pods header's order. The result is validated (ValidateProblem,
// its errors prefixed with the file name).
StatusOr<PlacementProblem> ParsePlacementCsv(std::string_view pods_text,
                                             const std::string& pods_path,
                                             std::string_view nodes_text,
                                             const std::string& nodes_path);

}  // namespace crescendo::optimize

#endif  // CRESCENDO_OPTIMIZE_CSV_H_
