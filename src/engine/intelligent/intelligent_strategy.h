// The `intelligent` horizontal strategy: replicas and pod size decided together.
//
// Each tick, for one workload:
//   1. The reference pod. The HPA's CPU target was set for the pod template's CPU request as
//      the strategy first saw it (kept in the state): utilization is read against that
//      reference, so resizing the pods never moves the replica count by itself (the HPA/VPA
//      conflict, vertical/coordination.h).
//   2. The replica floor: the `predictive` strategy (src/engine/predictive/) on that view, its
//      forecast, flash hold and HPA floor included. The joint choice never goes below it, so its
//      SLO is the one kept.
//   3. The joint choice (joint.h), when the workload has a VerticalSpec whose container
//      policies let it control every container's CPU and the HPA scales on CPU utilization:
//      the demand D is the upper bound of a forecast of the pods' total CPU use over `horizon`
//      (the interval at `quantile`, never below the use now), the floor per pod what the
//      busiest pod uses now plus VPA's 15% margin. The proposal's replicas are the choice's,
//      and its pod_requests the per-pod size they were decided against (memory: the template's),
//      which the `intelligent` vertical strategy (src/vertical/intelligent/) sets in the same
//      tick through VerticalContext::horizontal_proposal. The guard (joint.h GuardJoint) bounds
//      the size from below: the reference pod for `miss_hold` after the pods used more CPU
//      than their requests, the size in force while the forecast rises.
// Without the CPU usage this tick (a failed read) no size is planned and the replicas are the
// predictive ones, which never scale down on missing data.
//
// State per workload: the predictive state, the demand forecaster, the reference request, the
// last tick the pods used more than their requests;
// ToJson/RestoreState round-trip it exactly.
//
// Thread safety: as HorizontalRecommender: Recommend() may run concurrently for different states.
#ifndef CRESCENDO_SRC_ENGINE_INTELLIGENT_INTELLIGENT_STRATEGY_H_
#define CRESCENDO_SRC_ENGINE_INTELLIGENT_INTELLIGENT_STRATEGY_H_

#include <memory>
#include <string>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/horizontal/recommender.h"
#include "engine/intelligent/joint.h"
#include "engine/predictive/predictive_strategy.h"

namespace crescendo {

struct IntelligentStrategyOptions {
  PredictiveStrategyOptions predictive;  // the replica floor
  // The forecaster of the pods' total CPU use (millicores), as registry spec text; its interval
  // is set from `quantile` (2q - 1) as the predictive strategy sets its own.
  std::string demand_forecaster =
      "ensemble(step=1m,members=naive;holt_winters_additive(season=24h))";
  double quantile = 0.9;  // the demand covered: the forecast's upper bound at this quantile
  // How far ahead a size must hold: a VPA run (1 min) plus a new pod's startup, with margin.
  Duration horizon = minutes(5);
  // VPA's --recommendation-margin-fraction (logic/recommender.go), over the busiest pod's use.
  double usage_margin = 0.15;
  // VPA's --pod-recommendation-min-cpu-millicores (logic/recommender.go).
  int64_t pod_min_cpu_millis = 25;
  // The guard (joint.h GuardJoint): how long after a miss (use above the requests) the pods stay at
  // the reference size, and by how much a rising forecast must exceed the use now to hold the size.
  Duration miss_hold = hours(1);
  double rising_tolerance = 0.1;  // the HPA's --horizontal-pod-autoscaler-tolerance
  intelligent::Prices prices;
};

// Returns the strategy, named "intelligent". Errors: InvalidArgument for options out of range
// (quantile outside (0.5, 1), a horizon that is not positive, a negative margin) or a forecaster
// spec the registry refuses (its message), and those of NewPredictiveStrategy.
StatusOr<std::unique_ptr<HorizontalRecommender>> NewIntelligentStrategy(
    const IntelligentStrategyOptions& options);

// Returns the strategy with default options (the "intelligent" entry of NewHorizontalStrategy).
std::unique_ptr<HorizontalRecommender> NewDefaultIntelligentStrategy();

}  // namespace crescendo

#endif  // CRESCENDO_SRC_ENGINE_INTELLIGENT_INTELLIGENT_STRATEGY_H_
