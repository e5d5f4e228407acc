// naive: forecasts the last observed value for every horizon (random-walk forecast).
//
// The reactive baseline: what a purely reactive autoscaler assumes. No parameters. O(1).
#ifndef CRESCENDO_SRC_FORECAST_NAIVE_NAIVE_H_
#define CRESCENDO_SRC_FORECAST_NAIVE_NAIVE_H_

#include <memory>

#include "forecast/params.h"
#include "forecast/point_model.h"

namespace crescendo::forecast {

StatusOr<std::unique_ptr<PointModel>> CreateNaiveModel(Params& params, const ModelContext& context);

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_NAIVE_NAIVE_H_
