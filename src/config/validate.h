// Rules that relate several values of one service's effective settings, or several services.
//
// Single values were checked when decoded (settings.h). These rules need the merged result:
//   replicas     minReplicas <= maxReplicas; minReplicas 0 needs an Object or External metric
//                (Kubernetes' HPAScaleToZero rule);
//   metrics      exactly one target per metric, of a kind its type allows (Resource and
//                ContainerResource: utilization or averageValue; Pods: averageValue; Object and
//                External: value or averageValue); Resource metrics are cpu or memory;
//                ContainerResource needs `container`, Object needs `describedObject`; the
//                cluster source serves only Resource and ContainerResource metrics;
//   vertical     minAllowed <= maxAllowed per resource; controlledValues RequestsAndLimits may not
//                be set with mode Off (as the VPA admission controller);
//   conflicts    a resource (cpu, memory) may not drive both the horizontal scaler (a Resource or
//                ContainerResource metric) and the vertical one (a container policy controlling it
//                with mode Auto and an updateMode other than Off): the classic HPA/VPA conflict;
//   tiers        maxReplicas and vertical maxAllowed within the tier's quota; the sum of the
//                minReplicas of a tenant's services in one environment within the quota;
//   timing       scalingInterval >= global.tickInterval;
//   identity     no two services scale the same workload.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_CONFIG_VALIDATE_H_
#define CRESCENDO_SRC_CONFIG_VALIDATE_H_

#include <map>
#include <span>
#include <string>

#include "config/settings.h"
#include "crescendo/config/config.h"
#include "crescendo/config/diagnostic.h"

namespace crescendo::config {

// Checks the rules above that concern `service` alone. `config` supplies tiers and globals.
void ValidateService(const ServiceConfig& service, const EntryLocations& entries,
                     const Config& config, DiagnosticList& diagnostics);

// Checks the rules that concern several services (identity, tenant quota of minReplicas).
// `declared_at` gives where each service (by its key) was declared.
void ValidateServices(const Config& config, const std::map<std::string, Location>& declared_at,
                      DiagnosticList& diagnostics);

}  // namespace crescendo::config

#endif  // CRESCENDO_SRC_CONFIG_VALIDATE_H_
