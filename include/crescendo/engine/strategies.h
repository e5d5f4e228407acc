// Horizontal strategies by name: the one place that maps a name to a recommender.
//
//   "kubernetes"          the Kubernetes-exact HPA (autoscaling/v2), the baseline
//   "predictive"          the HPA as a floor, scaled ahead of forecast load (a plug-in:
//                         src/engine/predictive/); takes parameters, e.g.
//                         "predictive(quantile=0.9,flash_hold=5m)"
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

// What a mode (AUTOSCALING_MODE, a service's `mode`) runs:
//   kubernetes   the HPA ("kubernetes") and the VPA ("vpa"), each as Kubernetes runs it, neither
//                aware of the other (their known conflict on a resource both act on included);
//   predictive   the predictive strategy and the spike-aware vertical strategy, which leaves the
//                resources that drive the HPA to it;
//   intelligent  for now the same as predictive (policies, arbitration and cost join it as they
//                land; docs/architecture.md);
//   recommend    as kubernetes, decided and recorded but never applied.
struct ModeStrategies {
  std::string horizontal;
  std::string vertical;
  bool apply = true;
};
// Errors: NotFound naming the known modes.
StatusOr<ModeStrategies> StrategiesForMode(std::string_view mode);
// Returns the known modes: intelligent, kubernetes, predictive, recommend.
std::vector<std::string> ModeNames();

// Returns what a `crescendo simulate --strategies` entry runs: a mode by its name, else the
// horizontal strategy `name` (with parameters) with the vertical strategy of the mode of the same
// base name ("predictive(quantile=0.9)" sizes pods as predictive does; any other, as kubernetes).
// Errors: those of NewHorizontalStrategy.
StatusOr<ModeStrategies> StrategiesForName(std::string_view name);

}  // namespace crescendo

#endif  // CRESCENDO_ENGINE_STRATEGIES_H_
