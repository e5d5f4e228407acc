#include <gtest/gtest.h>

#include "crescendo/forecast/registry.h"
#include "forecast/test_series.h"

namespace crescendo::forecast {
namespace {

using std::chrono::minutes;

// Season of 10 slots; in season c the value at phase p is 10 p + c.
double Value(int64_t i) { return 10.0 * static_cast<double>(i % 10) + static_cast<double>(i / 10); }

struct Case {
  std::string spec;
  int64_t seasons;
  std::function<bool(int64_t)> skip;
  double mean0, mean7;  // the forecasts for phases 0 and 7 of the next season
};

TEST(QuantileTest, EmpiricalQuantileOfTheSamePhase) {
  const std::vector<Case> cases = {
      // Seasons 0..4 at phase 0: {0, 1, 2, 3, 4}: median 2.
      {"quantile(step=1m,season=10m,cycles=5)", 5, nullptr, 2, 72},
      // Only the last 5 of 8 seasons count: {3, ..., 7}.
      {"quantile(step=1m,season=10m,cycles=5)", 8, nullptr, 5, 75},
      // The 0.9 quantile: position 3.6 of {0, ..., 4}.
      {"quantile(step=1m,season=10m,cycles=5,quantile=0.9)", 5, nullptr, 3.6, 73.6},
      // Gaps drop out of the sample: phase 0 of seasons 1 and 3 missing: {0, 2, 4}; the 0.25
      // quantile is at position 0.5: 1.
      {"quantile(step=1m,season=10m,cycles=5,quantile=0.25)", 5,
       [](int64_t i) { return i == 10 || i == 30; }, 1, 71},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.spec);
    auto f = *CreateForecaster(c.spec);
    const int64_t n = c.seasons * 10;
    ASSERT_TRUE(Feed(*f, 0, n, minutes(1), Value, c.skip).ok());
    StatusOr<Forecast> fc = f->Forecast(TestTime(n - 1, minutes(1)), minutes(10), minutes(1));
    ASSERT_TRUE(fc.ok()) << fc.status().ToString();
    EXPECT_NEAR(fc->points[0].mean, c.mean0, 1e-9);
    EXPECT_NEAR(fc->points[7].mean, c.mean7, 1e-9);
  }
}

}  // namespace
}  // namespace crescendo::forecast
