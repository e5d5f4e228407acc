// Small statistics helpers shared by the forecasters and the backtest.
#ifndef CRESCENDO_SRC_FORECAST_STATS_H_
#define CRESCENDO_SRC_FORECAST_STATS_H_

#include <span>

namespace crescendo::forecast {

// Returns the q-quantile of `values` with linear interpolation between order statistics
// (Hyndman & Fan type 7, the default of R and NumPy). Reorders `values`. O(n).
// REQUIRES: !values.empty(), 0 <= q <= 1, no NaN.
double QuantileInPlace(std::span<double> values, double q);

// Returns the q-quantile of `sorted` (ascending) with the interpolation of QuantileInPlace.
// REQUIRES: !sorted.empty(), 0 <= q <= 1.
double QuantileOfSorted(std::span<const float> sorted, double q);

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_STATS_H_
