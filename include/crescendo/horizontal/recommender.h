// HorizontalRecommender: decides a replica count for one workload.
//
// Input: the workload's state, its current metrics, its HorizontalSpec and `now` (and a forecast
// for predictive recommenders). Output: a Proposal whose trace explains each step.
// Recommenders that need memory across ticks (the Kubernetes HPA's recommendation log and scale
// events) keep it per workload inside the recommender; all the logic on it is pure.
//
// Thread safety: Recommend() may be called concurrently for different workloads, never for the
// same workload at once.
#ifndef CRESCENDO_HORIZONTAL_RECOMMENDER_H_
#define CRESCENDO_HORIZONTAL_RECOMMENDER_H_

#include <span>
#include <string_view>

#include "crescendo/base/time.h"
#include "crescendo/model/autoscaling.h"
#include "crescendo/model/cluster.h"
#include "crescendo/model/decision.h"
#include "crescendo/model/forecast.h"
#include "crescendo/model/metrics.h"

namespace crescendo {

struct HorizontalContext {
  const WorkloadState* workload = nullptr;  // REQUIRES: non-null
  std::span<const WorkloadMetric> metrics;  // one per metric in spec->metrics, same order
  const HorizontalSpec* spec = nullptr;     // REQUIRES: non-null
  Timestamp now;
  const Forecast* forecast = nullptr;  // optional
};

class HorizontalRecommender {
 public:
  virtual ~HorizontalRecommender() = default;
  // Returns the recommender's name, e.g. "kubernetes".
  virtual std::string_view name() const = 0;
  // Returns the proposal for ctx.workload. Never fails: a metric it cannot use is recorded in
  // the trace and the proposal keeps the current replica count.
  virtual Proposal Recommend(const HorizontalContext& ctx) = 0;
};

}  // namespace crescendo

#endif  // CRESCENDO_HORIZONTAL_RECOMMENDER_H_
