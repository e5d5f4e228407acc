// Environment-variable overrides.
//
// Precedence, highest first (docs/configuration.md, "Precedence"):
//   environment variables > service.perEnvironment > service > tenant > environment > defaults
//   > built-in defaults.
// A variable applies to every service (it is process-wide): AUTOSCALING_MODE sets `mode`,
// SCALING_INTERVAL `scalingInterval`, MIN_REPLICAS `horizontal.minReplicas`, MAX_REPLICAS
// `horizontal.maxReplicas` (not for services with `horizontal.enabled: false`),
// TENANT_ISOLATION `tenantIsolation`, COST_OPTIMIZATION `costOptimization`. An invalid value,
// an empty one included, is an error that names the variable.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_CONFIG_OVERRIDES_H_
#define CRESCENDO_SRC_CONFIG_OVERRIDES_H_

#include <span>
#include <string>
#include <vector>

#include "config/node.h"
#include "crescendo/config/diagnostic.h"
#include "crescendo/config/loader.h"

namespace crescendo::config {

struct Override {
  std::string variable;  // e.g. "MIN_REPLICAS"
  std::string setting;   // settings-relative path, e.g. "horizontal.minReplicas"
  Node value;            // a scalar located at the variable
};

// Returns the valid overrides set in `environment`; adds one error per invalid variable.
std::vector<Override> ParseOverrides(const EnvironmentVariables& environment,
                                     DiagnosticList& diagnostics);

// Sets every override into `settings` (a merged settings tree), creating maps as needed.
void ApplyOverrides(std::span<const Override> overrides, Node& settings);

}  // namespace crescendo::config

#endif  // CRESCENDO_SRC_CONFIG_OVERRIDES_H_
