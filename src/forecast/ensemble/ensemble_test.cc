#include "forecast/ensemble/ensemble.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "crescendo/base/random.h"
#include "crescendo/forecast/registry.h"
#include "forecast/test_series.h"

namespace crescendo::forecast {
namespace {

using std::chrono::minutes;

TEST(EnsembleTest, SplitsMembersOutsideParentheses) {
  EXPECT_EQ(SplitMembers("naive; fft(window=24h,refit=1h) ;quantile(season=1h);"),
            (std::vector<std::string>{"naive", "fft(window=24h,refit=1h)", "quantile(season=1h)"}));
  EXPECT_EQ(SplitMembers(""), std::vector<std::string>{});
}

// A sawtooth with period 60 slots plus small noise: seasonal naive is nearly exact, naive is
// far off at a 5-step horizon.
double Sawtooth(int64_t i) { return 100.0 + static_cast<double>(i % 60); }

struct Case {
  std::string spec;
  int64_t slots;
  std::string same_as;  // a single forecaster whose forecast the ensemble must equal
};

TEST(EnsembleTest, FollowsTheMemberWithTheLowestError) {
  const std::vector<Case> cases = {
      // Picks seasonal naive once members are scored.
      {"ensemble(step=1m,mode=pick,max_horizon=5m,members=naive;seasonal_naive(season=1h))", 300,
       "seasonal_naive(step=1m,season=1h)"},
      // Weights 1/MSE: seasonal naive's error is 0, its weight dwarfs naive's.
      {"ensemble(step=1m,max_horizon=5m,members=naive;seasonal_naive(season=1h))", 300,
       "seasonal_naive(step=1m,season=1h)"},
      // Before seasonal naive is ready (60 slots), only naive takes part.
      {"ensemble(step=1m,max_horizon=5m,members=seasonal_naive(season=1h);naive)", 40,
       "naive(step=1m)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.spec);
    auto ensemble = *CreateForecaster(c.spec);
    auto single = *CreateForecaster(c.same_as);
    ASSERT_TRUE(Feed(*ensemble, 0, c.slots, minutes(1), Sawtooth).ok());
    ASSERT_TRUE(Feed(*single, 0, c.slots, minutes(1), Sawtooth).ok());
    const Timestamp now = TestTime(c.slots - 1, minutes(1));
    StatusOr<Forecast> a = ensemble->Forecast(now, minutes(30), minutes(1));
    StatusOr<Forecast> b = single->Forecast(now, minutes(30), minutes(1));
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    for (size_t i = 0; i < a->points.size(); ++i)
      EXPECT_NEAR(a->points[i].mean, b->points[i].mean, 1e-6) << i;
  }
}

TEST(EnsembleTest, JudgesEachHorizonByItsOwnErrors) {
  // A sine of period 60 on a slow ramp: one step ahead the last value is best (error about 2),
  // eight steps ahead the value one season ago is (error 6, the ramp over a season; the last
  // value is off by up to 16).
  auto value = [](int64_t i) {
    return 100 + 20 * std::sin(2 * std::numbers::pi * static_cast<double>(i) / 60) +
           0.1 * static_cast<double>(i);
  };
  auto ensemble = *CreateForecaster(
      "ensemble(step=1m,mode=pick,max_horizon=8m,members=naive;seasonal_naive(season=1h))");
  auto naive = *CreateForecaster("naive(step=1m)");
  auto seasonal = *CreateForecaster("seasonal_naive(step=1m,season=1h)");
  for (Forecaster* f : {ensemble.get(), naive.get(), seasonal.get()}) {
    ASSERT_TRUE(Feed(*f, 0, 600, minutes(1), value).ok());
  }
  const Timestamp now = TestTime(599, minutes(1));
  const Forecast e = *ensemble->Forecast(now, minutes(8), minutes(1));
  EXPECT_DOUBLE_EQ(e.points[0].mean, naive->Forecast(now, minutes(8), minutes(1))->points[0].mean);
  EXPECT_DOUBLE_EQ(e.points[7].mean,
                   seasonal->Forecast(now, minutes(8), minutes(1))->points[7].mean);
}

TEST(EnsembleTest, WeightsAreInverseMse) {
  // Two constant members are impossible to build directly, so use naive against a series that
  // alternates: naive is off by 10 every step (MSE 100) at horizon 1; seasonal naive with a
  // season of 2 steps is exact. A third member, seasonal naive with season 4, is also exact.
  // With inverse-MSE weights the exact members share the weight and the forecast is exact.
  auto f = *CreateForecaster(
      "ensemble(step=1m,max_horizon=1m,members=naive;seasonal_naive(season=2m);"
      "seasonal_naive(season=4m))");
  ASSERT_TRUE(
      Feed(*f, 0, 100, minutes(1), [](int64_t i) { return i % 2 == 0 ? 10.0 : 20.0; }).ok());
  StatusOr<Forecast> fc = f->Forecast(TestTime(99, minutes(1)), minutes(4), minutes(1));
  ASSERT_TRUE(fc.ok()) << fc.status().ToString();
  EXPECT_NEAR(fc->points[0].mean, 10.0, 1e-6);
  EXPECT_NEAR(fc->points[1].mean, 20.0, 1e-6);
}

}  // namespace
}  // namespace crescendo::forecast
