// Scenario files: many services and tenants, their pods, autoscaling specs and loads, in YAML,
// for `crescendo simulate --scenario FILE`. The schema, with every field and its default, is in
// docs/simulation.md; examples are in examples/scenarios/.
//
// Loads are generated (constant, steps, daily cycle with bursts) or replayed from trace files
// (streamed; relative paths are relative to the scenario file; ${VAR} expands an environment
// variable). Errors name the file, the line and the field:
//   "scenario.yaml:14: services[1].pod.capacity_rps: expected a number > 0, found \"-3\"".
//
// Thread safety: LoadScenarioFile is reentrant.
#ifndef CRESCENDO_SIM_SCENARIO_FILE_H_
#define CRESCENDO_SIM_SCENARIO_FILE_H_

#include <optional>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/sim/node_pool.h"
#include "crescendo/sim/runner.h"
#include "crescendo/sim/trace.h"

namespace crescendo::sim {

struct ScenarioFile {
  std::string path;
  std::string name;  // `name:`, else the file name
  uint64_t seed = 1;
  Timestamp start;  // `start:`, else the earliest trace's first row
  Timestamp end;    // start + `duration:`, else the latest trace's end
  Duration interval = seconds(15);
  std::vector<std::string> strategies;  // `strategies:`, may be empty
  std::optional<NodePoolSpec> nodes;
  // `tenancy:` (tenants, isolation, dedicated pools); docs/tenancy.md, "In the simulator".
  std::optional<SimTenancy> tenancy;
  std::vector<SimService> services;  // load sources open, ready to run
  std::vector<TraceSummary> traces;  // one per trace-replaying service, in service order
};

// Reads and validates `path`, opening every trace it names. Generated loads are seeded from
// `seed` when given, else from the file's `seed:`.
// Errors: NotFound for a missing file; InvalidArgument with file, line and field.
StatusOr<ScenarioFile> LoadScenarioFile(const std::string& path,
                                        std::optional<uint64_t> seed = std::nullopt);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SIM_SCENARIO_FILE_H_
