// Proposal and Decision: what each step of the tick proposes for a workload, and why.
//
// Every step of the pipeline appends one TraceEntry (step, value before, value after, reason),
// so every decision can be explained by the CLI and the API.
//
// Thread safety: value types.
#ifndef CRESCENDO_MODEL_DECISION_H_
#define CRESCENDO_MODEL_DECISION_H_

#include <optional>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/model/ids.h"
#include "crescendo/model/resources.h"

namespace crescendo {

struct TraceEntry {
  std::string step;    // e.g. "recommend", "bounds", "ScaleDownStabilized"
  double before = 0;   // replicas (or the step's value) before the step
  double after = 0;    // after the step
  std::string reason;  // human-readable, e.g. "cpu 180% of target 70%"
};

// A proposal for one workload, refined by each step of the tick.
struct Proposal {
  int32_t current_replicas = 0;
  int32_t desired_replicas = 0;
  std::optional<Resources> pod_requests;  // vertical proposal, when any
  // The forecast of the scaling metric's load at the provisioning horizon the recommender used,
  // in the metric's unit (requests/s, cpu millicores, ...); set only by forecasting strategies
  // (predictive, intelligent) when they had a forecast this tick.
  std::optional<double> forecast_load;
  std::vector<TraceEntry> trace;

  // Sets desired_replicas to `replicas` and records the step.
  void Record(std::string step, int32_t replicas, std::string reason);
};

// The outcome of one tick for one workload.
struct Decision {
  WorkloadId workload;
  Timestamp time;
  int32_t current_replicas = 0;
  int32_t desired_replicas = 0;
  std::optional<Resources> pod_requests;
  bool applied = false;  // true when the backend accepted the change
  Status status;         // non-OK when a step failed; the workload kept its replicas
  // The proposal's forecast_load: the scaling metric's forecast load at the horizon used, in the
  // metric's unit; empty when the strategy made no forecast.
  std::optional<double> forecast_load;
  std::vector<TraceEntry> trace;

  // Returns a one-line explanation, e.g. "3 -> 5: recommend(3->6: ...), bounds(6->5: max 5)".
  std::string Explain() const;
};

}  // namespace crescendo

#endif  // CRESCENDO_MODEL_DECISION_H_
