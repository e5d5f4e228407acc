// The override variables (AUTOSCALING_MODE, SCALING_INTERVAL, MIN_REPLICAS, MAX_REPLICAS,
// TENANT_ISOLATION, COST_OPTIMIZATION) for the commands that run without a configuration:
// `run` without --config and `simulate`. With --config the configuration layer applies them
// (docs/configuration.md); here they are read with the same rules and ranges, so a value either
// changes the run or is refused. Precedence: a command-line flag, then the variable, then the
// scenario's own value, then the built-in default.
//
// Thread safety: pure functions of the captured variables.
#ifndef CRESCENDO_SRC_CLI_ENVIRONMENT_H_
#define CRESCENDO_SRC_CLI_ENVIRONMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/config/loader.h"
#include "crescendo/model/autoscaling.h"

namespace crescendo::cli {

struct EnvironmentOverrides {
  std::optional<std::string> mode;   // AUTOSCALING_MODE: kubernetes, predictive, intelligent, ...
  std::optional<Duration> interval;  // SCALING_INTERVAL, 1s to 1h
  std::optional<int32_t> min_replicas;  // MIN_REPLICAS, 0 to kMaxReplicas
  std::optional<int32_t> max_replicas;  // MAX_REPLICAS, 1 to kMaxReplicas
  // TENANT_ISOLATION: strict, soft or none (enabled/true mean soft, disabled/false none); it
  // acts through a configuration (run --config: tenant arbitration over the environment's
  // capacity); without one there are no tenants to arbitrate, so it is validated and reported.
  std::optional<config::TenantIsolation> tenant_isolation;
  // COST_OPTIMIZATION: enabled/true or disabled/false; validated and reported (the optimize
  // commands read it; the simulator's loop has no cost optimizer).
  std::optional<bool> cost_optimization;

  bool empty() const;
};

// Reads the variables set in `environment` (an empty value counts as unset).
// Errors: InvalidArgument "environment variable MIN_REPLICAS: found "abc", expected ...", and
// when MIN_REPLICAS > MAX_REPLICAS.
StatusOr<EnvironmentOverrides> ReadEnvironmentOverrides(
    const config::EnvironmentVariables& environment);

// Sets MIN_REPLICAS / MAX_REPLICAS into `spec` (as the configuration does for every service).
// Errors: InvalidArgument naming `service` and the variable when min would exceed max.
Status ApplyReplicaOverrides(const EnvironmentOverrides& o, const std::string& service,
                             HorizontalSpec& spec);

// Returns one line per variable set, "AUTOSCALING_MODE=predictive: ...", saying what it changed
// (or that it is validated but has no effect yet).
std::vector<std::string> DescribeOverrides(const EnvironmentOverrides& o);

}  // namespace crescendo::cli

#endif  // CRESCENDO_SRC_CLI_ENVIRONMENT_H_
