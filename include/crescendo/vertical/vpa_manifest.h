// Reads the parts of a VerticalPodAutoscaler manifest (autoscaling.k8s.io/v1, YAML or JSON) that
// the recommender honours: spec.updatePolicy.updateMode and spec.resourcePolicy.containerPolicies
// (containerName, mode, minAllowed, maxAllowed, controlledResources, controlledValues).
// A document holding only `resourcePolicy:` (or only `containerPolicies:`) is accepted too.
// The object is decoded by format::DecodeVpaSpec (crescendo/format/vpa_object.h), the decoder
// `crescendo config import` uses too: every container policy needs a containerName, one per
// container, and updateMode must be one the VPA knows. Unsupported fields are ignored, except in
// a container policy, where an unknown field is an error (a misspelt minAllowed must not leave
// the pod unbounded).
//
// Thread safety: pure function.
#ifndef CRESCENDO_VERTICAL_VPA_MANIFEST_H_
#define CRESCENDO_VERTICAL_VPA_MANIFEST_H_

#include <string_view>

#include "crescendo/base/status.h"
#include "crescendo/model/autoscaling.h"

namespace crescendo::vertical {

// Errors: InvalidArgument "<source>:<line>: <field path>: found ..., expected ..." (the first
// problem found) for malformed YAML, an unknown updateMode / mode / resource / controlledValues,
// a quantity Kubernetes would reject, a container policy without containerName or a second one
// for the same container, or an unknown field in a container policy.
StatusOr<VerticalSpec> ParseVpaManifest(std::string_view text, std::string_view source);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_VERTICAL_VPA_MANIFEST_H_
