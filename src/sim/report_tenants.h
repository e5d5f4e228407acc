// The tenants' parts of a simulation's reports (report.h): the text table, the JSON value and
// the HTML section, for strategies run with tenancy (StrategyResult::tenancy).
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_SIM_REPORT_TENANTS_H_
#define CRESCENDO_SRC_SIM_REPORT_TENANTS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crescendo/sim/runner.h"

namespace crescendo::sim {

// Returns the "tenancy" value of a strategy in the JSON document: isolation, ticks, Jain's index
// (min, mean, and the series at `plot_seconds`, null where nothing was arbitrated) and the
// tenants. REQUIRES: s.tenancy set.
nlohmann::ordered_json TenancyJson(const StrategyResult& s,
                                   const std::vector<double>& plot_seconds);
// Returns the HTML section of the tenants of every strategy with tenancy ("" when none).
std::string TenancyHtml(const SimulationResult& result);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_REPORT_TENANTS_H_
