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
#include "crescendo/engine/tenant_arbiter.h"
#include "crescendo/sim/world.h"

namespace crescendo::cli {

// Returns the scenario: one simulated service per configured service of `environment` that
// scales horizontally. Each takes the load profile and pod model of the music streaming service
// whose name it contains (else the next one in turn), its own HorizontalSpec and VerticalSpec,
// and the business metrics its spec names (a metric whose name contains "queue" is a backlog,
// others grow with the load); latency and request-rate metrics are the simulator's own (see
// SimQueryFor). Errors: NotFound when `environment` has no horizontally scaled service.
StatusOr<sim::ScenarioSpec> ScenarioFromConfig(const config::Config& config,
                                               const std::string& environment, uint64_t seed,
                                               Timestamp start);

// Returns the workloads of `environment` in `config`: each configured service that scales
// horizontally, with its effective specs and the strategies of its mode (StrategiesForMode).
std::vector<WorkloadConfig> WorkloadsOf(const config::Config& config,
                                        const std::string& environment);

// Returns the tenant arbitration of `environment`: the configuration's tenants (tier, weight,
// guarantee, quota: the tenant's own, else its tier's), the isolation its services carry
// (TENANT_ISOLATION; the strictest where they differ), the environment's `capacity`, and each
// service's shape (its simulated pod's requests, its priority). nullopt when the environment
// sets no capacity: there is nothing to share out. `note`, when given, says which it was.
std::optional<TenantArbiterOptions> TenancyOf(const config::Config& config,
                                              const std::string& environment,
                                              const sim::ScenarioSpec& scenario,
                                              std::string* note = nullptr);

// A budget policy of a service, as configured: what `run` reports its spending against.
struct BudgetOfService {
  WorkloadId workload;
  std::string name;  // the policy's name (its engine account's)
  std::string step;  // its trace step, "name@file:line"
  double amount = 0;
  std::string currency;
  std::string period;  // month | day
};

// Returns the budget policies of the services of `environment` that WorkloadsOf runs, in
// configuration order. The loader validated them: an unreadable amount reads as 0.
std::vector<BudgetOfService> BudgetsOf(const config::Config& config,
                                       const std::string& environment);

// Returns the simulator's query for a catalogue metric: a latency metric reads the simulated
// mean latency ("latency_ms"), a request-rate metric "requests_per_second", any other its own
// name (cpu, memory, and the business metrics the scenario defines).
std::string SimQueryFor(const std::string& metric);

// Returns the collector bindings of `workloads` when the simulator stands for every metric
// source of `config`: one per metric name (cpu and memory included), source "sim", the
// simulator's query (SimQueryFor), the window the configuration's catalogue gives the metric.
std::vector<metrics::MetricBinding> SimBindings(const config::Config* config,
                                                const std::vector<WorkloadConfig>& workloads);

}  // namespace crescendo::cli

#endif  // CRESCENDO_CLI_CONFIG_SCENARIO_H_
