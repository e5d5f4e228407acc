// Reports of a simulation: the comparison table, the JSON document and the HTML report.
//
// The JSON document has the shape
//   {"trace": {...what was replayed...},
//    "strategies": [{"name", "elasticity": {"theta_u", "theta_o", "tau_u", "tau_o",
//                    "instability", "jitter"}, "sla": {"violation_seconds", "p95_latency_ms",
//                    "dropped_requests"}, "pod_seconds", "cost", "scaling_actions", "oom_kills"}]}
// and depends only on the inputs and the seed (no wall-clock time), so the same seed gives the
// same bytes.
//
// The HTML report is one self-contained file (inline CSS, SVG and a few lines of script; no
// network): plots of the load, each strategy's supply against the demand, latency and cumulative
// cost over time, the comparison table and, for several services, a table per service.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SIM_REPORT_H_
#define CRESCENDO_SIM_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "crescendo/sim/runner.h"
#include "crescendo/sim/trace.h"

namespace crescendo::sim {

// What was replayed: one trace, or a scenario of several services.
struct LoadDescription {
  std::string kind;  // "trace" or "scenario"
  std::string name;  // the trace path or the scenario's name
  std::string path;  // the file given on the command line
  uint64_t seed = 1;
  std::vector<WorkloadId> services;
  std::vector<TraceSummary> traces;  // the traces read (one for --trace)
  double rps_per_value = 1;          // --trace: how a value became requests/s
  double compression = 1;            // --trace
};

// Returns the comparison table, one row per strategy, aligned for a terminal.
std::string ComparisonTable(const SimulationResult& result);
// Returns a table per service and strategy (for scenarios).
std::string ServiceTable(const SimulationResult& result);
// Returns the JSON document described above, indented by two spaces.
std::string ResultJson(const SimulationResult& result, const LoadDescription& load);
// Returns the HTML report.
std::string HtmlReport(const SimulationResult& result, const LoadDescription& load);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SIM_REPORT_H_
