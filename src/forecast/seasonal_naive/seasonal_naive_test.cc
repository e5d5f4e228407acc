#include <gtest/gtest.h>

#include "crescendo/forecast/registry.h"
#include "forecast/test_series.h"

namespace crescendo::forecast {
namespace {

using std::chrono::minutes;

// A pattern that changes every season: value = 1000 * season + 10 * phase.
double Pattern(int64_t i) {
  return 1000.0 * static_cast<double>(i / 12) + 10.0 * static_cast<double>(i % 12);
}

struct Case {
  std::string name;
  std::function<bool(int64_t)> skip;  // gaps in the 36 fed slots (3 seasons of 12)
  std::vector<double> want;           // the next season's 12 forecasts
};

TEST(SeasonalNaiveTest, ReproducesTheLastSeason) {
  const std::vector<Case> cases = {
      {"no gaps",
       nullptr,
       {2000, 2010, 2020, 2030, 2040, 2050, 2060, 2070, 2080, 2090, 2100, 2110}},
      // Phase 3 missing in the last season: the season before fills in.
      {"gap in last season",
       [](int64_t i) { return i == 27; },
       {2000, 2010, 2020, 1030, 2040, 2050, 2060, 2070, 2080, 2090, 2100, 2110}},
      // Phase 5 never observed: the last observed value (2110) stands in.
      {"phase never observed",
       [](int64_t i) { return i % 12 == 5; },
       {2000, 2010, 2020, 2030, 2040, 2110, 2060, 2070, 2080, 2090, 2100, 2110}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto f = *CreateForecaster("seasonal_naive(step=5m,season=1h,min_residuals=1)");
    ASSERT_TRUE(Feed(*f, 0, 36, minutes(5), Pattern, c.skip).ok());
    StatusOr<Forecast> fc =
        f->Forecast(TestTime(35, minutes(5)), std::chrono::hours(2), minutes(5));
    ASSERT_TRUE(fc.ok()) << fc.status().ToString();
    ASSERT_EQ(fc->points.size(), 24u);
    for (size_t i = 0; i < 12; ++i) {
      EXPECT_EQ(fc->points[i].mean, c.want[i]) << i;
      EXPECT_EQ(fc->points[i + 12].mean, c.want[i]) << i + 12;  // and repeats it
    }
  }
}

TEST(SeasonalNaiveTest, WarmsUpForOneSeason) {
  auto f = *CreateForecaster("seasonal_naive(step=5m,season=1h,min_residuals=1)");
  ASSERT_TRUE(Feed(*f, 0, 11, minutes(5), Pattern).ok());
  StatusOr<Forecast> fc = f->Forecast(TestTime(10, minutes(5)), minutes(5), minutes(5));
  ASSERT_FALSE(fc.ok());
  EXPECT_NE(fc.status().message().find("warming up: history spans 11 of 12 slots"),
            std::string::npos)
      << fc.status().message();
}

}  // namespace
}  // namespace crescendo::forecast
