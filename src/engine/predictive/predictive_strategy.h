// The `predictive` strategy: the Kubernetes HPA as a floor, scaled ahead of forecast load.
//
// A HorizontalRecommender named "predictive" composed of three parts:
//   - the Kubernetes-exact HPA (hpa::NewKubernetesHpaRecommender), whose proposal is the
//     reactive floor;
//   - per workload, an online Forecaster (from the forecast registry) fed, every tick, the
//     workload's load signal (predictive::ReadLoadSignal: a replica-independent load such as
//     total CPU usage or the workload's requests per second), then asked for the forecast over
//     the provisioning horizon;
//   - predictive::DecidePredictive, which combines the two.
// The provisioning horizon is the pod startup delay plus the scaling interval. The startup
// delay is `startup_delay` when set, else learnt from the workload's pods (the largest
// readiness time after start among its ready pods, at most 10 minutes; `default_startup_delay`
// until a pod shows one); the scaling interval is the time since the previous tick for the
// workload (`default_interval` on the first).
//
// Forecaster spec: the text of `forecaster` (see forecast/registry.h). Unless it sets
// `interval`, the strategy sets interval = 2 x quantile - 1, so the interval's upper bound is
// the quantile the strategy provisions for. Its grid `step` (default 1m) should not exceed the
// horizon, so that the forecast's first slot starts within it.
//
// Memory per workload: the forecaster's state (StateBytes(), fixed), the HPA's controller state
// and the core's memory (a few hundred bytes); the state's Bytes() reports the total.
//
// Thread safety: as HorizontalRecommender: Recommend() may run concurrently for different states.
#ifndef CRESCENDO_ENGINE_PREDICTIVE_PREDICTIVE_STRATEGY_H_
#define CRESCENDO_ENGINE_PREDICTIVE_PREDICTIVE_STRATEGY_H_

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/horizontal/kubernetes_hpa.h"
#include "crescendo/horizontal/predictive.h"
#include "crescendo/horizontal/recommender.h"

namespace crescendo {

// How the load is fed to the forecaster. Load noise grows with the load (counts are Poisson,
// usage is multiplicative), while residual intervals are one width for the whole history; in
// log space the width fits low and high load alike. kLog feeds y = ln(1 + load / L), L the load
// of one replica, and maps the forecast's mean and bounds back with L (e^y - 1) (bounds are
// quantiles, which a monotone map keeps; the mean becomes the median). kNone is the default: on
// the traces of docs/predictive.md it held the same under-provisioning for 4-6% fewer pods.
enum class LoadTransform { kNone, kLog };

struct PredictiveStrategyOptions {
  // The forecaster every workload gets (a fresh one each), as registry spec text.
  // The last value and a daily Holt-Winters, weighted by their rolling errors (docs/predictive.md:
  // on the non-periodic traces the last value wins, on the periodic ones the season).
  std::string forecaster = "ensemble(step=1m,members=naive;holt_winters_additive(season=24h))";
  LoadTransform transform = LoadTransform::kNone;
  predictive::PredictiveSettings decision;
  std::optional<Duration> startup_delay;         // unset: learnt from the pods
  Duration default_startup_delay = seconds(30);  // until a pod shows its own
  Duration default_interval = seconds(15);       // before a second tick shows the interval
  hpa::HpaControllerSettings hpa;                // the reactive floor's controller settings
};

// The strategy. Its state per workload (StrategyState, owned by the engine) holds the HPA's
// controller state, the forecaster and the core's memory; Bytes() reports them.
class PredictiveStrategy : public HorizontalRecommender {};

// Returns the strategy. Errors: InvalidArgument for settings out of range, a forecaster spec
// that does not parse or names an unknown forecaster or parameter (the registry's message), or
// durations that are not positive.
StatusOr<std::unique_ptr<PredictiveStrategy>> NewPredictiveStrategy(
    const PredictiveStrategyOptions& options);

// Returns the strategy with default options (the "predictive" entry of NewHorizontalStrategy).
std::unique_ptr<HorizontalRecommender> NewDefaultPredictiveStrategy();

// Returns the default options changed by `params`, the parameters of a strategy spec such as
// "predictive(quantile=0.9,forecaster=ensemble(step=1m),flash_hold=5m)": quantile,
// max_relative_width, band_quantile, band_margin, flash_max_growth (numbers); flash_hold,
// below_band_hold, scale_down_stabilization, startup_delay, default_startup_delay,
// default_interval (Go durations); forecaster (a forecaster spec); transform (log | none);
// scale_down_ahead (true | false).
// Errors: InvalidArgument naming the parameter, the value and what was expected.
StatusOr<PredictiveStrategyOptions> PredictiveOptionsFromParams(
    const std::map<std::string, std::string>& params);

}  // namespace crescendo

#endif  // CRESCENDO_ENGINE_PREDICTIVE_PREDICTIVE_STRATEGY_H_
