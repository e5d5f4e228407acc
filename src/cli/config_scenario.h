// Builds the simulated world of `crescendo run --config`: the configuration's services, in one
// environment, each scaled with its effective settings, carrying the load and pod behaviour of
// the generated music streaming scenario.
#ifndef CRESCENDO_CLI_CONFIG_SCENARIO_H_
#define CRESCENDO_CLI_CONFIG_SCENARIO_H_

#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/config/config.h"
#include "crescendo/engine/engine.h"
#include "crescendo/sim/world.h"

namespace crescendo::cli {

// Returns the scenario: one simulated service per configured service of `environment` that
// scales horizontally. Latency and request-rate metrics are bound to the simulator's own
// ("latency_ms", "requests_per_second"). Each takes the load profile and pod model of the music
// streaming service whose name it contains (else the next one in turn), its own HorizontalSpec, and
// the business metrics its spec names (a metric whose name contains "queue" is a backlog, others
// grow with the load). Errors: NotFound when `environment` has no horizontally scaled service.
StatusOr<sim::ScenarioSpec> ScenarioFromConfig(const config::Config& config,
                                               const std::string& environment, uint64_t seed,
                                               Timestamp start);

// Returns the strategy a service's mode runs: "kubernetes" for kubernetes and recommend,
// "predictive" for predictive and intelligent (when that strategy exists; else "kubernetes").
std::string StrategyForMode(config::AutoscalingMode mode);

// Returns the workloads of `environment` in `config` whose mode maps to `strategy` and whose
// apply flag (false for recommend) equals `apply`, with their metrics bound to the simulator's.
std::vector<WorkloadConfig> WorkloadsForStrategy(const config::Config& config,
                                                 const std::string& environment,
                                                 const std::string& strategy, bool apply);

}  // namespace crescendo::cli

#endif  // CRESCENDO_CLI_CONFIG_SCENARIO_H_
