// Validation of simulated service and scenario specs, shared by World::Create and the runner.
#ifndef CRESCENDO_SRC_SIM_SPEC_VALIDATION_H_
#define CRESCENDO_SRC_SIM_SPEC_VALIDATION_H_

#include "crescendo/base/status.h"
#include "crescendo/sim/world.h"

namespace crescendo::sim {

// Errors: InvalidArgument naming the service ("services[2] (prod/free/music/search)") and the
// field that is wrong, what was found and what is expected.
Status ValidatePodModel(const PodModel& pod, std::string_view where);
Status ValidateService(const ServiceSpec& service, std::string_view where);
// Rejects pod requests no node of `nodes` can hold.
Status ValidateFitsNode(const PodModel& pod, const NodePoolSpec& nodes, std::string_view where);
// Also rejects duplicate workload ids, and pods that fit no node.
Status ValidateScenario(const ScenarioSpec& spec);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_SPEC_VALIDATION_H_
