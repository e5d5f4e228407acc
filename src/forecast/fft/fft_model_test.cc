#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "crescendo/forecast/registry.h"
#include "forecast/test_series.h"

namespace crescendo::forecast {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr double kPi = std::numbers::pi;

struct Case {
  std::string name;
  std::string spec;
  int64_t slots;  // of 5 minutes
  std::function<double(int64_t)> value;
  std::function<bool(int64_t)> skip;
  double tolerance;  // on the next 24 hours; negative: expect "no periodicity"
};

double SineOf3Hours(int64_t i) { return 50 + 20 * std::sin(2 * kPi * static_cast<double>(i) / 36); }

TEST(FftForecasterTest, ReconstructsDetectedPeriodicity) {
  const std::vector<Case> cases = {
      {"daily load", "fft(step=5m)", 288 * 7 + 1,
       [](int64_t i) { return DailyLoad(i, minutes(5)); }, nullptr, 0.5},
      {"3-hour sine in a 1-day window", "fft(step=5m,window=24h,search=true)", 288 + 1,
       SineOf3Hours, nullptr, 1e-6},
      // A 30-minute gap is interpolated (max_fill=1h).
      {"3-hour sine with a short gap", "fft(step=5m,window=24h,search=true)", 288 + 1, SineOf3Hours,
       [](int64_t i) { return i >= 100 && i < 106; }, 1.0},
      // A 2-hour gap drops the history before it: 13 hours left, 4 whole cycles: still found.
      {"3-hour sine after a long gap", "fft(step=5m,window=24h,search=true)", 288 + 1, SineOf3Hours,
       [](int64_t i) { return i >= 108 && i < 132; }, 1e-6},
      // The same gap with min_cycles=5: not enough history after it.
      {"too few cycles after a long gap", "fft(step=5m,window=24h,min_cycles=5,search=true)",
       288 + 1, SineOf3Hours, [](int64_t i) { return i >= 108 && i < 132; }, -1},
      {"a ramp has no period", "fft(step=5m,window=24h,search=true)", 288 + 1,
       [](int64_t i) { return static_cast<double>(i); }, nullptr, -1},
      // By default only daily and weekly cycles count: the 3-hour sine is declined.
      {"3-hour sine without search", "fft(step=5m,window=24h)", 288 + 1, SineOf3Hours, nullptr, -1},
      {"daily load, candidates only", "fft(step=5m,candidates=24h,search=false)", 288 * 7 + 1,
       [](int64_t i) { return DailyLoad(i, minutes(5)); }, nullptr, 0.5},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto f = *CreateForecaster(c.spec);
    ASSERT_TRUE(Feed(*f, 0, c.slots, minutes(5), c.value, c.skip).ok());
    StatusOr<Forecast> fc = f->Forecast(TestTime(c.slots - 1, minutes(5)), hours(24), minutes(5));
    if (c.tolerance < 0) {
      ASSERT_FALSE(fc.ok());
      EXPECT_NE(fc.status().message().find("no periodicity with"), std::string::npos)
          << fc.status().message();
      continue;
    }
    ASSERT_TRUE(fc.ok()) << fc.status().ToString();
    double worst = 0;
    for (size_t h = 0; h < fc->points.size(); ++h) {
      worst = std::max(worst,
                       std::abs(fc->points[h].mean - c.value(c.slots + static_cast<int64_t>(h))));
    }
    EXPECT_LT(worst, c.tolerance);
  }
}

TEST(FftForecasterTest, WaitsForTheFirstFit) {
  auto f = *CreateForecaster("fft(step=5m,refit=2h)");
  ASSERT_TRUE(Feed(*f, 0, 20, minutes(5), SineOf3Hours).ok());
  StatusOr<Forecast> fc = f->Forecast(TestTime(19, minutes(5)), hours(1), minutes(5));
  ASSERT_FALSE(fc.ok());
  EXPECT_NE(fc.status().message().find("warming up: first fit after 24 slots"), std::string::npos)
      << fc.status().message();
}

}  // namespace
}  // namespace crescendo::forecast
