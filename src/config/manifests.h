// Converting parsed Kubernetes HPA/VPA manifests into `services:` entries (see
// include/crescendo/config/kubernetes_import.h for the mapping). The produced trees keep the
// manifests' locations, so later errors and `config show` point into the manifest files.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_CONFIG_MANIFESTS_H_
#define CRESCENDO_SRC_CONFIG_MANIFESTS_H_

#include <span>
#include <vector>

#include "config/node.h"
#include "crescendo/config/diagnostic.h"

namespace crescendo::config {

// Returns one service entry per scale target (its `key` is the service name), in the order the
// targets first appear. Errors and warnings go to `diagnostics`.
std::vector<Node> ConvertManifests(std::span<const Node* const> manifests,
                                   DiagnosticList& diagnostics);

}  // namespace crescendo::config

#endif  // CRESCENDO_SRC_CONFIG_MANIFESTS_H_
