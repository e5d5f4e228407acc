// holt_winters_additive / holt_winters_multiplicative: exponential smoothing with a damped
// additive trend and one or two seasons (daily, or daily and weekly).
//
// With one season this is Holt-Winters (Winters 1960) with Gardner & McKenzie's damped trend;
// with two it is Taylor's double-seasonal Holt-Winters (J. W. Taylor, "Short-term electricity
// demand forecasting using double seasonal exponential smoothing", JORS 54(8), 2003), which
// smooths a level l, a trend b and two seasonal index arrays s1 (period m1) and s2 (period m2):
//
//   additive:        yhat(t+h) = l + (phi + ... + phi^h) b + s1[t+h] + s2[t+h]
//   multiplicative:  yhat(t+h) = (l + (phi + ... + phi^h) b) * s1[t+h] * s2[t+h]
//
// On each observed y (additive; the multiplicative form divides where this subtracts):
//   l'    = alpha (y - s1 - s2) + (1 - alpha)(l + phi b)
//   b'    = beta (l' - l) + (1 - beta) phi b
//   s1'   = gamma (y - l' - s2) + (1 - gamma) s1
//   s2'   = gamma2 (y - l' - s1) + (1 - gamma2) s2
//
// Warm-up: the first m2 slots (m1 with one season) are stored; on the first slot after them
// the level is their mean, s1 the mean deviation (ratio) per phase, s2 what s1 leaves, and the
// trend 0. Gaps: k skipped slots advance l by b (phi + ... + phi^k) and damp b by phi^k; the
// seasonal indices of skipped phases keep their values. Memory: 8 bytes per phase of each
// season (m1 + m2 values). Update O(1); forecast O(1) per point.
//
// Parameters: season=24h, second_season (none; e.g. 168h, longer than season), alpha=0.2,
// beta=0.01, gamma=0.2, gamma2=0.2, damping=0.98 (phi; 1 = undamped), all in [0, 1].
// The multiplicative model rejects negative samples; its indices are kept in [1e-3, 1e3].
#ifndef CRESCENDO_SRC_FORECAST_HOLT_WINTERS_HOLT_WINTERS_H_
#define CRESCENDO_SRC_FORECAST_HOLT_WINTERS_HOLT_WINTERS_H_

#include <memory>

#include "forecast/params.h"
#include "forecast/point_model.h"

namespace crescendo::forecast {

StatusOr<std::unique_ptr<PointModel>> CreateHoltWintersAdditiveModel(Params& params,
                                                                     const ModelContext& context);
StatusOr<std::unique_ptr<PointModel>> CreateHoltWintersMultiplicativeModel(
    Params& params, const ModelContext& context);

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_HOLT_WINTERS_HOLT_WINTERS_H_
