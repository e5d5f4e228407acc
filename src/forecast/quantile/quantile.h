// quantile: the empirical quantile of the same phase over the last `cycles` seasons.
//
// For a target slot, gathers the values observed at the same phase (slot mod season) in the
// last `cycles` seasons and returns their `quantile` (linear interpolation, Hyndman & Fan
// type 7): the median by default, or e.g. 0.9 to provision for a bad day. Gaps are simply
// absent from the sample; a phase never observed has no forecast. Ready once the history spans
// one season. The interval comes from the residuals like every other forecaster's: the spread
// of a handful of same-phase values (7 by default) is far narrower than a 90% interval (it
// covered 6% to 66% of the actual values in the backtests of docs/forecasting.md).
//
// Parameters: season=24h, cycles=7 (1..52), quantile=0.5.
// Memory: 4 bytes per phase per cycle, plus 8 per cycle. Update O(1) amortised (a row of the
// ring is cleared once per season); forecast O(cycles) per point.
#ifndef CRESCENDO_SRC_FORECAST_QUANTILE_QUANTILE_H_
#define CRESCENDO_SRC_FORECAST_QUANTILE_QUANTILE_H_

#include <memory>

#include "forecast/params.h"
#include "forecast/point_model.h"

namespace crescendo::forecast {

StatusOr<std::unique_ptr<PointModel>> CreateQuantileModel(Params& params,
                                                          const ModelContext& context);

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_QUANTILE_QUANTILE_H_
