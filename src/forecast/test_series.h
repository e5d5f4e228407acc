// Synthetic series for the forecast layer's tests and benchmarks.
#ifndef CRESCENDO_SRC_FORECAST_TEST_SERIES_H_
#define CRESCENDO_SRC_FORECAST_TEST_SERIES_H_

#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/forecast/forecaster.h"

namespace crescendo::forecast {

// A start well after the epoch, at midnight UTC on a Monday (2024-01-01), so daily and weekly
// phases start at slot offsets of 0.
inline Timestamp TestStart() { return FromUnixSeconds(1704067200); }

// The time of the i-th step after TestStart().
inline Timestamp TestTime(int64_t i, Duration step) { return TestStart() + step * i; }

// Feeds value(i) at TestTime(i, step) for i in [from, to); skip(i) true leaves a gap.
inline Status Feed(Forecaster& f, int64_t from, int64_t to, Duration step,
                   const std::function<double(int64_t)>& value,
                   const std::function<bool(int64_t)>& skip = nullptr) {
  for (int64_t i = from; i < to; ++i) {
    if (skip && skip(i)) continue;
    CRESCENDO_RETURN_IF_ERROR(f.Update(TestTime(i, step), value(i)));
  }
  return Status::Ok();
}

// A daily load shape: base 100, a day/night swing of 60, an evening peak, per slot of `step`.
inline double DailyLoad(int64_t i, Duration step) {
  const double day_fraction =
      std::fmod(ToSeconds(step * i), 86400.0) / 86400.0;  // 0 at midnight UTC
  return 100 + 60 * std::sin(2 * std::numbers::pi * (day_fraction - 0.25)) +
         30 * std::exp(-std::pow((day_fraction - 0.83) / 0.04, 2));
}

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_TEST_SERIES_H_
