// Creating forecasters by name.
//
// Built-in forecasters (one line each in src/forecast/builtin.cc; docs/forecasting.md describes
// the algorithms and every parameter):
//
//   ensemble                     weights or picks its members by rolling backtest error
//   fft                          FFT periodicity detection and reconstruction (Crane's DSP way)
//   holt_winters_additive        level + damped trend + one or two additive seasons
//   holt_winters_multiplicative  level + damped trend + one or two multiplicative seasons
//   naive                        the last observed value (the reactive baseline)
//   quantile                     empirical quantile of the same phase over the last cycles
//   seasonal_naive               the value one season ago
//
// Parameters every forecaster takes (durations are Go-style: "5m", "24h", "168h"):
//   step=1m           the grid slot; seasons and windows must be whole multiples of it
//   interval=0.9      the prediction interval's coverage level, in (0, 1)
//   max_horizon=1h    the longest horizon whose residuals are tracked for intervals
//   residuals=128     residuals kept per tracked horizon
//   min_residuals=12  one-step residuals needed before Forecast() answers (residual intervals)
//   nonnegative=true  clamp means and bounds at zero (load is never negative)
//
// Thread safety: the functions are thread-safe.
#ifndef CRESCENDO_FORECAST_REGISTRY_H_
#define CRESCENDO_FORECAST_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/forecast/forecaster.h"

namespace crescendo {

// Returns the names of the built-in forecasters, sorted.
std::vector<std::string> ForecasterNames();

// Creates a forecaster with fresh state. Errors: NotFound for an unknown name (the message lists
// the known ones); InvalidArgument for an unknown parameter or a value that does not parse or is
// out of range (the message names the forecaster, the parameter, the value and what is expected).
StatusOr<std::unique_ptr<Forecaster>> CreateForecaster(const ForecasterSpec& spec);

// Parses `spec_text` (see ParseForecasterSpec) and creates the forecaster.
StatusOr<std::unique_ptr<Forecaster>> CreateForecaster(std::string_view spec_text);

}  // namespace crescendo

#endif  // CRESCENDO_FORECAST_REGISTRY_H_
