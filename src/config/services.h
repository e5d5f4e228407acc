// Expanding `services:` into effective per-environment, per-tenant settings.
//
// Each service runs in every environment (or those of its `environments:` list) and for its
// tenant (`tenant:`), each of its tenants (`tenants:`, one instance per tenant), or as a shared
// service (neither: tenant "shared"); a tenant's own `environments:` list restricts further.
// For each (environment, tenant) the layers are merged (merge.h), least specific first:
//   defaults -> environments.<env> -> tenants.<tenant> (not for shared services) -> the service
//   -> the service's perEnvironment.<env>
// then the environment-variable overrides are applied (overrides.h), the result is decoded
// (settings.h) and validated (validate.h).
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_CONFIG_SERVICES_H_
#define CRESCENDO_SRC_CONFIG_SERVICES_H_

#include <span>

#include "config/overrides.h"
#include "config/sections.h"
#include "crescendo/config/config.h"

namespace crescendo::config {

// Checks every layer on its own (so errors in layers no service uses are found too), builds
// config.services (sorted by id) and checks the rules across services.
void BuildServices(const Registry& registry, std::span<const Override> overrides, Config& config,
                   DiagnosticList& diagnostics);

}  // namespace crescendo::config

#endif  // CRESCENDO_SRC_CONFIG_SERVICES_H_
