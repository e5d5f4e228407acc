// Rolling-origin backtest of a forecaster on a recorded series.
//
// Procedure (docs/forecasting.md gives the reasoning):
//  1. A fresh forecaster of `spec` is fed the series sample by sample, in time order, exactly
//     as it would be online; it never sees a sample before its time.
//  2. Every `origin_stride`-th observed slot after the warm-up is a forecast origin: right after
//     that slot's samples are fed, Forecast(now = origin time, horizon_steps * step, step) is
//     asked for the next horizon_steps slots.
//  3. Each forecast point whose slot has an observation (the mean of its samples) is scored.
//     Slots without samples are gaps and are not scored.
//  4. When the forecaster cannot answer at an origin (warming up, no period found), the last
//     observed value stands in for it, as a reactive autoscaler would; `answered` reports the
//     share of origins where the forecaster itself answered.
// Metrics over all scored points:
//   MASE  = mean |y - yhat| / mean |y_t - y_{t-1}|, the denominator being the in-sample
//           one-step naive error over the warm-up (consecutive observed slots only)
//           (Hyndman & Koehler, "Another look at measures of forecast accuracy", IJF 2006);
//   sMAPE = 100% * mean 2|y - yhat| / (|y| + |yhat|), points with y = yhat = 0 counting 0;
//   coverage = share of actual values inside [lower, upper] (answered points only).
//
// Thread safety: pure function.
#ifndef CRESCENDO_FORECAST_BACKTEST_H_
#define CRESCENDO_FORECAST_BACKTEST_H_

#include <span>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/forecast/forecaster.h"
#include "crescendo/model/time_series.h"

namespace crescendo {

struct BacktestOptions {
  Duration step = std::chrono::minutes(5);       // the grid; set on the spec when it has none
  Duration warmup = std::chrono::hours(24 * 7);  // from the first sample to the first origin
  int horizon_steps = 12;                        // each origin forecasts slots 1..horizon_steps
  int origin_stride = 1;                         // every n-th observed slot is an origin
};

struct BacktestResult {
  std::string forecaster;               // canonical spec
  double mase = 0;                      // all horizons
  std::vector<double> mase_by_horizon;  // [h-1] for h in 1..horizon_steps
  double smape_percent = 0;
  double coverage = 0;  // in [0, 1]
  double answered = 0;  // share of origins answered, in [0, 1]
  size_t origins = 0;
  size_t scored_points = 0;
};

// Runs the procedure above. `series` must be in time order. Errors: InvalidArgument when the
// spec's step differs from options.step, when options are not positive, when the series has
// fewer than two observed slots in the warm-up or none after it; errors of CreateForecaster
// and Update.
StatusOr<BacktestResult> RunBacktest(const ForecasterSpec& spec, std::span<const Sample> series,
                                     const BacktestOptions& options);

// Returns a Markdown table of `results`: forecaster, MASE, MASE at h=1 and h=max, sMAPE,
// interval coverage, answered origins.
std::string FormatBacktestTable(std::span<const BacktestResult> results);

}  // namespace crescendo

#endif  // CRESCENDO_FORECAST_BACKTEST_H_
