// Reports of a simulation: the comparison table, the JSON document and the HTML report.
//
// The JSON document has the shape
//   {"trace": {...what was replayed...},
//    "strategies": [{"name", "elasticity": {"theta_u", "theta_o", "tau_u", "tau_o",
//                    "instability", "jitter"}, "sla": {"violation_seconds", "p95_latency_ms",
//                    "dropped_requests"}, "pod_seconds", "cost", "scaling_actions", "oom_kills",
//                    "tenancy" (with tenants): {"isolation", "arbitrated_ticks",
//                    "over_capacity_ticks", "jain_index": {"min", "mean", "series": [{"seconds",
//                    "jain_index"}]}, "tenants": [{"name", "tier", "pool", "weight", "guarantee",
//                    "demand", "allocation", "dominant_share", "entitlement_share", "cut_ticks",
//                    "below_guarantee_ticks", "sla_violation_seconds",
//                    "quota_refused_pod_seconds"}]}}]}
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
#include <optional>
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

// The HPA's own cost/under-provisioning frontier: the `kubernetes` strategy run at several target
// utilizations (`crescendo simulate --sweep-target`), and where every strategy lies against it.
// A strategy that merely sits on the frontier adds nothing a lower or higher target would not
// give; one below it (less under-provisioning at the same pod-seconds) does.
struct FrontierPoint {
  int32_t target_utilization = 0;  // percent
  double pod_seconds = 0;
  double tau_u = 0;  // percent of the evaluated time
  double sla_violation_seconds = 0;
  int64_t scaling_actions = 0;
};

struct FrontierPlacement {
  std::string strategy;
  double pod_seconds = 0;
  double tau_u = 0;
  // The HPA's tau_U interpolated linearly at `pod_seconds` between the two frontier points
  // around it; unset outside the swept pod-seconds.
  std::optional<double> hpa_tau_u;
  // Distance to the oracle, when one ran: pod-seconds above its own (fraction of the oracle's),
  // and tau_U above its own (percentage points).
  std::optional<double> oracle_extra_pod_seconds;
  std::optional<double> oracle_extra_tau_u;
};

struct Frontier {
  std::vector<FrontierPoint> hpa;  // by pod-seconds, ascending
  std::vector<FrontierPlacement> strategies;
};

// Returns the HPA's tau_U interpolated at `pod_seconds` on `hpa` (any order), unset outside the
// range the points span or with fewer than two points.
std::optional<double> InterpolateTauU(std::vector<FrontierPoint> hpa, double pod_seconds);
// Places every strategy of `result` against `hpa`; the strategy named "oracle", when present, is
// the reference for the distances.
Frontier PlaceOnFrontier(std::vector<FrontierPoint> hpa, const SimulationResult& result);
// Returns the frontier and the placements as aligned text tables.
std::string FrontierTable(const Frontier& frontier);

// Returns the comparison table, one row per strategy, aligned for a terminal.
std::string ComparisonTable(const SimulationResult& result);
// Returns, for each strategy run with tenants, a line (isolation; Jain's index min and mean over
// the arbitrated ticks; ticks over capacity) and a table per tenant: tier, pool, weight, replicas
// asked and given (time mean and peak), CPU asked and given (mean cores), dominant share (mean,
// max) against the weighted entitlement, ticks cut, ticks below the guarantee, SLA violation
// seconds and pod-seconds its quota refused. Empty without tenants.
std::string TenantTable(const SimulationResult& result);
// Returns a table per service and strategy (for scenarios).
std::string ServiceTable(const SimulationResult& result);
// Returns the JSON document described above, indented by two spaces; with a frontier, also
//   "frontier": {"hpa": [{"target_utilization", "pod_seconds", "tau_u", "sla_violation_seconds",
//                "scaling_actions"}], "strategies": [{"name", "pod_seconds", "tau_u",
//                "hpa_tau_u" (null outside the sweep), "tau_u_ratio" (tau_u / hpa_tau_u; null
//                likewise or where hpa_tau_u is 0), "below_frontier" (null outside the sweep),
//                "oracle_extra_pod_seconds", "oracle_extra_tau_u" (null without an oracle)}]}
std::string ResultJson(const SimulationResult& result, const LoadDescription& load,
                       const Frontier* frontier = nullptr);
// Returns the HTML report; with a frontier, also its tables.
std::string HtmlReport(const SimulationResult& result, const LoadDescription& load,
                       const Frontier* frontier = nullptr);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SIM_REPORT_H_
