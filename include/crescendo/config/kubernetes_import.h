// Importing Kubernetes autoscaler manifests as Crescendo services.
//
// HorizontalPodAutoscaler (autoscaling/v2) and VerticalPodAutoscaler (autoscaling.k8s.io/v1)
// documents, one or many per file, become entries of `services:`: the scale target's name is the
// service name; its namespace, kind, min/max replicas, metrics, behavior, update mode and
// container policies become the service's settings; an HPA and a VPA of the same target become
// one service. The label `crescendo.io/tenant` names the tenant (else the service is shared) and
// the annotation `crescendo.io/environments` ("prod,staging") the environments (else all).
// Fields Crescendo does not support (status, metadata other than name, namespace, labels and
// annotations, matchExpressions, VPA minReplicas, evictionRequirements, recommenders,
// oomBumpUpRatio, ...) are reported as warnings naming their location, never dropped silently.
// Manifests are also accepted directly in a configuration tree (loader.h).
//
// Thread safety: pure functions.
#ifndef CRESCENDO_CONFIG_KUBERNETES_IMPORT_H_
#define CRESCENDO_CONFIG_KUBERNETES_IMPORT_H_

#include <span>
#include <string>
#include <vector>

#include "crescendo/config/diagnostic.h"
#include "crescendo/config/loader.h"

namespace crescendo::config {

struct ImportResult {
  // A Crescendo configuration document (`services:`), empty when diagnostics hold an error.
  std::string yaml;
  // Errors (malformed manifests) and warnings (unsupported fields), sorted by location.
  std::vector<Diagnostic> diagnostics;
  bool ok() const;
};

// Converts every HPA and VPA manifest of `sources`; other kinds are reported and skipped.
ImportResult ImportKubernetesManifests(std::span<const SourceText> sources);

}  // namespace crescendo::config

#endif  // CRESCENDO_CONFIG_KUBERNETES_IMPORT_H_
