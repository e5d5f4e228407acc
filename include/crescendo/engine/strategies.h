// Horizontal strategies by name: the one place that maps a name to a recommender.
//
//   "kubernetes"          the Kubernetes-exact HPA (autoscaling/v2), the baseline
//   "predictive"          the HPA as a floor, scaled ahead of forecast load
//   (predictive_strategy.h);
//                         takes parameters: "predictive(quantile=0.9,flash_hold=5m)"
//   "target-utilization"  the plain proportional rule, without tolerance or stabilization
//
// Later strategies add one line to src/engine/strategies.cc, kept alphabetical.
#ifndef CRESCENDO_ENGINE_STRATEGIES_H_
#define CRESCENDO_ENGINE_STRATEGIES_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/horizontal/recommender.h"

namespace crescendo {

// Returns a new recommender for `name` ("name" or "name(key=value,...)"). Errors: NotFound
// listing the known names; InvalidArgument for a parameter the strategy does not take or a value
// out of range.
StatusOr<std::unique_ptr<HorizontalRecommender>> NewHorizontalStrategy(std::string_view name);

// Returns the known strategy names, alphabetical.
std::vector<std::string> HorizontalStrategyNames();

}  // namespace crescendo

#endif  // CRESCENDO_ENGINE_STRATEGIES_H_
