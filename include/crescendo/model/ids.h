// Identifiers: a workload is named by environment, tenant, namespace and name.
//
// Thread safety: value types.
#ifndef CRESCENDO_MODEL_IDS_H_
#define CRESCENDO_MODEL_IDS_H_

#include <compare>
#include <functional>
#include <string>

#include "crescendo/base/status.h"

namespace crescendo {

struct WorkloadId {
  std::string environment;  // e.g. "prod"
  std::string tenant;       // e.g. "acme"
  std::string ns;           // Kubernetes namespace
  std::string name;         // Deployment / StatefulSet name

  // Returns "environment/tenant/namespace/name".
  std::string ToString() const;
  // Parses the form ToString() writes. Errors: InvalidArgument naming the part that is missing.
  static StatusOr<WorkloadId> Parse(std::string_view text);

  friend auto operator<=>(const WorkloadId&, const WorkloadId&) = default;
  friend bool operator==(const WorkloadId&, const WorkloadId&) = default;
};

struct WorkloadIdHash {
  size_t operator()(const WorkloadId& id) const;
};

}  // namespace crescendo

#endif  // CRESCENDO_MODEL_IDS_H_
