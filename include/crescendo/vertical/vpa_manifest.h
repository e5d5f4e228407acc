// Reads the parts of a VerticalPodAutoscaler manifest (autoscaling.k8s.io/v1, YAML or JSON) that
// the recommender honours: spec.updatePolicy.updateMode and spec.resourcePolicy.containerPolicies
// (containerName, mode, minAllowed, maxAllowed, controlledResources, controlledValues).
// A document holding only `resourcePolicy:` (or only `containerPolicies:`) is accepted too.
//
// Thread safety: pure function.
#ifndef CRESCENDO_VERTICAL_VPA_MANIFEST_H_
#define CRESCENDO_VERTICAL_VPA_MANIFEST_H_

#include <string_view>

#include "crescendo/base/status.h"
#include "crescendo/model/autoscaling.h"

namespace crescendo::vertical {

// Errors: InvalidArgument "<source>:<line>: <field path>: found ..., expected ..." for malformed
// YAML, an unknown mode / resource / controlledValues, or a quantity Kubernetes would reject.
StatusOr<VerticalSpec> ParseVpaManifest(std::string_view text, std::string_view source);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_VERTICAL_VPA_MANIFEST_H_
