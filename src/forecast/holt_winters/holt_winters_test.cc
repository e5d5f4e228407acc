#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "crescendo/forecast/registry.h"
#include "forecast/test_series.h"

namespace crescendo::forecast {
namespace {

using std::chrono::hours;

constexpr double kPi = std::numbers::pi;

struct Case {
  std::string spec;                      // step=1h
  std::function<double(int64_t)> value;  // per hour
  int64_t hours_fed;
  std::function<bool(int64_t)> skip;
  double tolerance;  // largest |forecast - truth| over the next 48 hours
};

double TrendAndDay(int64_t t) {
  return 100 + 0.5 * static_cast<double>(t) + 20 * std::sin(2 * kPi * static_cast<double>(t) / 24);
}
double TrendTimesDay(int64_t t) {
  return (100 + 0.5 * static_cast<double>(t)) *
         (1 + 0.3 * std::sin(2 * kPi * static_cast<double>(t) / 24));
}
// Daily swing plus a weekend drop of 30 (days 5 and 6 of each week).
double DayAndWeek(int64_t t) {
  const bool weekend = (t / 24) % 7 >= 5;
  return 200 + 40 * std::sin(2 * kPi * static_cast<double>(t) / 24) - (weekend ? 30 : 0);
}

TEST(HoltWintersTest, ConvergesOnTrendAndSeason) {
  const std::string tuned = ",alpha=0.1,beta=0.1,gamma=0.3,gamma2=0.3,damping=1)";
  const std::vector<Case> cases = {
      {"holt_winters_additive(step=1h,season=24h" + tuned, TrendAndDay, 24 * 30, nullptr, 0.05},
      {"holt_winters_multiplicative(step=1h,season=24h" + tuned, TrendTimesDay, 24 * 30, nullptr,
       0.5},
      // Gaps (a 10-hour outage and every 13th hour missing) only slow it down.
      {"holt_winters_additive(step=1h,season=24h" + tuned, TrendAndDay, 24 * 30,
       [](int64_t t) { return (t >= 400 && t < 410) || t % 13 == 0; }, 0.05},
      {"holt_winters_additive(step=1h,season=24h,second_season=168h" + tuned, DayAndWeek,
       24 * 7 * 8, nullptr, 0.5},
      {"holt_winters_multiplicative(step=1h,season=24h,second_season=168h" + tuned, DayAndWeek,
       24 * 7 * 8, nullptr, 0.5},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.spec);
    auto f = *CreateForecaster(c.spec);
    ASSERT_TRUE(Feed(*f, 0, c.hours_fed, hours(1), c.value, c.skip).ok());
    StatusOr<Forecast> fc = f->Forecast(TestTime(c.hours_fed - 1, hours(1)), hours(48), hours(1));
    ASSERT_TRUE(fc.ok()) << fc.status().ToString();
    double worst = 0;
    for (size_t h = 0; h < fc->points.size(); ++h) {
      worst = std::max(
          worst, std::abs(fc->points[h].mean - c.value(c.hours_fed + static_cast<int64_t>(h))));
    }
    EXPECT_LT(worst, c.tolerance);
  }
}

struct DampingCase {
  double damping;
  double last_season_rise;  // forecast at h = 100 minus forecast at h = 96 (same phase)
  double tolerance;
};

TEST(HoltWintersTest, DampedTrendLevelsOff) {
  // On a ramp of slope 2 an undamped trend settles at 2 and the forecast rises by 8 over one
  // more season. A damped one settles at b = 2 beta / (1 - (1 - beta) phi) = 1.818 and the
  // forecast rises by only b (0.9^97 + ... + 0.9^100) = 1.818 * 1.25e-4.
  const std::vector<DampingCase> cases = {{1.0, 8.0, 0.05}, {0.9, 1.818 * 1.25e-4, 2e-5}};
  for (const DampingCase& c : cases) {
    SCOPED_TRACE(c.damping);
    auto f =
        *CreateForecaster("holt_winters_additive(step=1h,season=4h,alpha=0.5,beta=0.5,damping=" +
                          std::to_string(c.damping) + ")");
    ASSERT_TRUE(Feed(*f, 0, 400, hours(1), [](int64_t t) {
                  return 1000.0 + 2.0 * static_cast<double>(t);
                }).ok());
    StatusOr<Forecast> fc = f->Forecast(TestTime(399, hours(1)), hours(100), hours(1));
    ASSERT_TRUE(fc.ok()) << fc.status().ToString();
    EXPECT_NEAR(fc->points[99].mean - fc->points[95].mean, c.last_season_rise, c.tolerance);
  }
}

TEST(HoltWintersTest, WarmsUpForTheLongestSeason) {
  auto f = *CreateForecaster("holt_winters_additive(step=1h,season=24h,second_season=168h)");
  ASSERT_TRUE(Feed(*f, 0, 168, hours(1), DayAndWeek).ok());
  StatusOr<Forecast> fc = f->Forecast(TestTime(167, hours(1)), hours(1), hours(1));
  ASSERT_FALSE(fc.ok());
  EXPECT_NE(fc.status().message().find("warming up: history spans 168 of 169 slots"),
            std::string::npos)
      << fc.status().message();
}

}  // namespace
}  // namespace crescendo::forecast
