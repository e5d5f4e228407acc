// Forecast: predicted values at future times, with uncertainty.
#ifndef CRESCENDO_MODEL_FORECAST_H_
#define CRESCENDO_MODEL_FORECAST_H_

#include <vector>

#include "crescendo/base/time.h"

namespace crescendo {

struct ForecastPoint {
  Timestamp time;
  double mean = 0;
  double lower = 0;  // lower bound of the prediction interval
  double upper = 0;  // upper bound of the prediction interval
};

struct Forecast {
  std::vector<ForecastPoint> points;  // in time order
  double interval_level = 0.9;        // e.g. 0.9: [lower, upper] is a 90% interval
};

}  // namespace crescendo

#endif  // CRESCENDO_MODEL_FORECAST_H_
