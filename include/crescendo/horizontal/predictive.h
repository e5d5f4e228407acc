// Predictive replica decisions: scale ahead of forecast load, never below the reactive rule.
//
// DecidePredictive() is the pure core of the `predictive` strategy (docs/predictive.md). Given
// the observed load, the reactive rule's proposal (the Kubernetes HPA's), a Forecast of the load
// over the provisioning horizon (pod startup delay plus the scaling interval) and its own memory
// for the workload, it decides the replica count:
//
//   1. Band check. The predictions the previous forecasts made for `now` are looked up: each
//      is a band, the central interval of coverage 2 x band_quantile - 1 of the predicted load,
//      widened by band_margin. When the observed load is above it, the load has left what
//      history contains (a flash crowd): the forecast is distrusted for `flash_hold` after the
//      last tick above the band, the reactive rule decides, and, while above, the count is
//      raised at once for the observed load times its surprise (observed / upper bound, at most
//      `flash_max_growth`): the crowd is assumed to keep growing as fast for one more horizon.
//      Below the band, the forecast is distrusted for `below_band_hold` (the reactive rule
//      decides).
//   2. Trust. Without a forecast (warming up, or the load signal could not be read), or with an
//      uncertain one (at some point of the horizon the spread between the quantile provisioned
//      for and its mirror, Q(q) - Q(1 - q), exceeds max_relative_width x max(mean, the load of
//      one replica)), the reactive proposal is the answer.
//   3. Follow the forecast. Otherwise the peak load over the horizon, the larger of the load now
//      and the forecast at `quantile` of the points due within the horizon (later points need no
//      pods yet), is converted to replicas through the metric target (ceil(peak /
//      load_per_replica)). Above the reactive proposal, that count is proposed (ScaleAhead).
//      Below it, with scale_down_ahead and when the input allows it (one metric, no explicit
//      scale-down behavior), it is proposed too (ScaleDownAhead): the reactive proposal then
//      holds pods only through the HPA's default scale-down stabilization, while the count
//      proposed still covers the load now at the target (what the reactive rule demands) and
//      the forecast peak until new pods could be ready.
//   4. Scale down conservatively. A proposal below the current count is replaced by the highest
//      proposal of the last `scale_down_stabilization` (never above the current count), so the
//      count follows the forecast down only once every proposal of the window was lower.
// Whenever the forecast is not trusted (steps 1 and 2) the reactive proposal decides as it is;
// when it is, the count is never below the load now at the target. Forecast-based counts are
// clamped to [min_replicas, max_replicas].
//
// The load signal (ReadLoadSignal) must not depend on the replica count: a workload-level value
// (External or Object AverageValue, or a Pods metric carrying the workload total in
// WorkloadMetric::value, such as requests_per_second) or the sum of a per-pod metric over the
// pods (total CPU usage). It becomes replicas through the metric's target: the load one replica
// carries at the target (target utilization x request, or the target average value).
//
// Units: load in the signal's unit (cpu millicores, requests/s, ...); replicas are counts.
// Thread safety: the functions are pure and reentrant.
#ifndef CRESCENDO_HORIZONTAL_PREDICTIVE_H_
#define CRESCENDO_HORIZONTAL_PREDICTIVE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/horizontal/recommender.h"
#include "crescendo/model/decision.h"
#include "crescendo/model/forecast.h"

namespace crescendo::predictive {

// The load of one workload, read from one of its metrics, and its conversion to replicas.
struct LoadSignal {
  size_t metric_index = 0;      // index in ctx.metrics (and in the effective metric specs)
  double load = 0;              // observed total load, in the metric's unit
  double load_per_replica = 0;  // load one replica carries at the metric target; > 0
  size_t pods_summed = 0;       // pods whose values were summed; 0 for a workload-level value
};

// Returns the load signal of ctx: among the effective metrics (hpa::EffectiveMetrics), the first
// one with a workload-level load value, else the first per-pod metric that can be summed (cpu
// Resource/ContainerResource Utilization or AverageValue; Pods AverageValue). Memory and Value
// targets are never used (memory carries a large per-pod base; a Value target is a ratio, not a
// load). When `metric_index` is set only that metric is considered, so the series a forecaster
// learnt keeps its meaning.
// Errors: FailedPrecondition when no metric is usable as a load (the message lists why each was
// skipped); Unavailable when the metric that would be used failed to read or has no samples.
StatusOr<LoadSignal> ReadLoadSignal(const HorizontalContext& ctx,
                                    std::optional<size_t> metric_index = std::nullopt);

// Returns the standard normal quantile function Phi^-1(p). REQUIRES: 0 < p < 1.
double NormalQuantile(double p);

// Returns the q-quantile of a forecast point whose [lower, upper] is a central interval of
// coverage `interval_level`, assuming a distribution symmetric in shape on each side of the
// mean: mean + (upper - mean) * z_q / z_u for q >= 0.5, where z_u = Phi^-1((1 + level) / 2),
// and the mirror image below the mean. q = (1 + level) / 2 gives `upper` exactly.
// REQUIRES: 0 < q < 1, 0 < interval_level < 1.
double ForecastQuantile(const ForecastPoint& point, double interval_level, double q);

struct PredictiveSettings {
  // The quantile of the forecast load to provision for, in (0.5, 1).
  double quantile = 0.85;
  // When the forecast is trusted and its peak over the horizon (never below the load now) needs
  // fewer replicas than the reactive proposal, follow it down rather than hold the reactive
  // count: the HPA's scale-down stabilization keeps the highest count of the last 5 minutes,
  // which a trusted forecast makes unnecessary (the forecast scales up again in time). Only
  // where PredictiveInput::below_reactive_allowed.
  bool scale_down_ahead = true;
  // A forecast peak within this fraction of what the current count carries at the target keeps
  // the count (the HPA's tolerance band, inclusive; Kubernetes' default 0.1), in [0, 1).
  double tolerance = 0.1;
  // A forecast whose spread Q(q) - Q(1 - q) exceeds this times max(mean, load_per_replica) at
  // some point of the horizon is uncertain: the reactive proposal decides.
  double max_relative_width = 1.5;
  // The band of a prediction: its central interval of coverage 2 x band_quantile - 1, widened
  // by band_margin (a fraction of each bound), in (0.5, 1) and >= 0.
  double band_quantile = 0.995;
  double band_margin = 0.05;
  // Above its band: provision observed x min(observed / upper bound, flash_max_growth) at once,
  // and distrust the forecast for flash_hold after the last tick above the band.
  double flash_max_growth = 2;
  Duration flash_hold = minutes(2);
  // Below its band: distrust the forecast for this long (0: for this tick only).
  Duration below_band_hold = Duration::zero();
  // Scale-down stabilization window over this recommender's own proposals. Two minutes keep
  // minute-to-minute noise from flapping the count (NASA: 37% fewer scaling actions than none).
  Duration scale_down_stabilization = minutes(2);

  // Returns InvalidArgument naming the first field out of range.
  Status Validate() const;
};

// What the pure core is given at one tick.
struct PredictiveInput {
  Timestamp now;
  int32_t current_replicas = 0;
  int32_t reactive_replicas = 0;  // the reactive rule's proposal: the floor
  // True when the reactive proposal can exceed what the load signal needs only through the
  // reactive rule's default scale-down hold: the workload scales on this one metric and sets no
  // behavior.scaleDown of its own. Only then may a trusted forecast go below the proposal
  // (another metric may need more; an explicit scale-down behavior is the owner's choice).
  bool below_reactive_allowed = false;
  int32_t min_replicas = 1;
  int32_t max_replicas = 1;  // forecast-based counts are clamped to [min, max]
  // The observed load and its conversion; nullopt when the signal could not be read.
  std::optional<double> observed_load;
  double load_per_replica = 0;  // REQUIRES: > 0 when observed_load is set
  // The provisioning horizon: pods asked for now are ready by now + horizon. REQUIRES: > 0.
  Duration horizon = seconds(45);
  // The load forecast, points in time order; null when none. A point predicts the load from
  // its time until the next point's. Points after now + horizon are not provisioned for yet
  // (pods asked for later are still ready in time) but are remembered as bands.
  const Forecast* forecast = nullptr;
  // Why there is no forecast or no load signal (e.g. the forecaster's "warming up" message).
  std::string no_forecast_reason;
};

// The band a past forecast predicted for the load from one instant on.
struct PendingPrediction {
  Timestamp time;
  float lower = 0;
  float upper = 0;
};

struct TimestampedReplicas {
  Timestamp time;
  int32_t replicas = 0;
};

// The core's memory for one workload, carried from one tick to the next (about 300 bytes).
struct PredictiveMemory {
  std::vector<PendingPrediction> pending;      // time order, at most kMaxPending
  std::vector<TimestampedReplicas> proposals;  // within the stabilization window
  Timestamp flash_until;                       // forecast distrusted before this (above its band)
  int32_t flash_replicas = 0;  // the count raised for the flash crowd, held until flash_until
  Timestamp distrust_until;    // forecast distrusted before this (below its band)

  static constexpr size_t kMaxPending = 16;
};

// Which rule decided.
enum class PredictiveMode {
  kScaleAhead,      // the forecast peak needs more than the reactive proposal
  kReactiveFloor,   // the forecast is trusted and needs what the reactive proposal gives
  kScaleDownAhead,  // the forecast is trusted and needs fewer than the reactive proposal holds
  kNoForecast,      // no forecast or no load signal: reactive
  kUncertain,       // the forecast interval is too wide: reactive
  kFlashCrowd,      // above its band, or within flash_hold of it: reactive, aggressive up
  kBelowBand,       // below its band, or within below_band_hold of it: reactive
};

// Returns "ScaleAhead", "ReactiveFloor", "ScaleDownAhead", "NoForecast", "Uncertain", "FlashCrowd",
// "BelowBand".
std::string_view PredictiveModeName(PredictiveMode mode);

struct PredictiveDecision {
  int32_t desired_replicas = 0;
  PredictiveMode mode = PredictiveMode::kNoForecast;
  std::optional<double> peak_load;           // forecast peak at the quantile, when computed
  std::optional<int32_t> forecast_replicas;  // ceil(peak_load / load_per_replica), clamped
  std::vector<TraceEntry> trace;             // "predictive", then "ScaleDownStabilized"
  PredictiveMemory memory;                   // updated
};

// Returns the decision for `input` from `memory` (see the top of this file).
// REQUIRES: settings.Validate().ok().
PredictiveDecision DecidePredictive(const PredictiveInput& input, PredictiveMemory memory,
                                    const PredictiveSettings& settings);

}  // namespace crescendo::predictive

#endif  // CRESCENDO_HORIZONTAL_PREDICTIVE_H_
