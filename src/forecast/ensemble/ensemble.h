// ensemble: combines member forecasters, weighted or picked by their rolling backtest error.
//
// Every member sees every sample. The ensemble runs a rolling-origin backtest of its members
// online: after each observed slot it records each ready member's forecasts for the tracked
// horizons h = 1, 2, 4, ... and max_horizon (as the residual intervals do); when a slot is
// observed, each member's squared error at each horizon updates its exponentially weighted mean
// squared error at that horizon (half-life `half_life`). A forecast h slots ahead then uses the
// errors of the longest tracked horizon not beyond h. Members whose MSE there exceeds `within`
// times the best member's take no part (a trimmed combination: a bad member cannot drag the
// mean), nor do members with fewer than `min_scored` scored forecasts while any member has
// enough. Of the rest:
//   mode=weight  the mean of their forecasts weighted by 1/MSE (inverse-MSE weights: Bates &
//                Granger, "The combination of forecasts", 1969);
//   mode=pick    the forecast of the one with the lowest MSE.
// Until some member has `min_scored` scores the ready members are averaged with equal weights.
// Members not ready (warming up, or fft without a period) are skipped. Intervals come from the
// ensemble's own residuals, like any other forecaster's.
//
// Parameters: members (specs separated by ';', without the common parameters, which members
// inherit; default: kDefaultEnsembleMembers below), mode=weight, half_life=6h, within=2,
// min_scored=12. The defaults of half_life and within were chosen on the backtests of
// docs/forecasting.md (6h against 24h and 72h; 2 against 1.5, 4 and no trimming).
// Memory and cost: the sum of the members', plus per member 16 bytes per pending forecast (the
// sum of the tracked horizons, about 2 max_horizon) and one forecast per tracked horizon per
// update.
#ifndef CRESCENDO_SRC_FORECAST_ENSEMBLE_ENSEMBLE_H_
#define CRESCENDO_SRC_FORECAST_ENSEMBLE_ENSEMBLE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "forecast/params.h"
#include "forecast/point_model.h"

namespace crescendo::forecast {

inline constexpr std::string_view kDefaultEnsembleMembers =
    "naive;seasonal_naive(season=24h);seasonal_naive(season=168h);"
    "holt_winters_additive(season=24h);"
    "holt_winters_additive(season=24h,second_season=168h);fft;quantile(season=24h)";

// Splits `text` at the semicolons outside parentheses.
std::vector<std::string> SplitMembers(std::string_view text);

StatusOr<std::unique_ptr<PointModel>> CreateEnsembleModel(Params& params,
                                                          const ModelContext& context);

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_ENSEMBLE_ENSEMBLE_H_
