// seasonal_naive: forecasts the value observed at the same phase one season earlier.
//
// Keeps one value per phase of the season (a phase is a slot position within the season,
// epoch-aligned). A phase missed in the last season keeps its older value; a phase never
// observed has no forecast (SlotForecaster falls back to the last value). Ready once the
// observed history spans one season.
//
// Parameters: season=24h (a whole multiple of step; 168h for weekly).
// Memory: 8 bytes per phase. Update O(1), forecast O(1) per point.
#ifndef CRESCENDO_SRC_FORECAST_SEASONAL_NAIVE_SEASONAL_NAIVE_H_
#define CRESCENDO_SRC_FORECAST_SEASONAL_NAIVE_SEASONAL_NAIVE_H_

#include <memory>

#include "forecast/params.h"
#include "forecast/point_model.h"

namespace crescendo::forecast {

StatusOr<std::unique_ptr<PointModel>> CreateSeasonalNaiveModel(Params& params,
                                                               const ModelContext& context);

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_SEASONAL_NAIVE_SEASONAL_NAIVE_H_
