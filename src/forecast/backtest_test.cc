#include "crescendo/forecast/backtest.h"

#include <gtest/gtest.h>

#include "forecast/test_series.h"

namespace crescendo {
namespace {

using forecast::TestTime;
using std::chrono::hours;
using std::chrono::minutes;

std::vector<Sample> Series(int64_t slots, Duration step,
                           const std::function<double(int64_t)>& value,
                           const std::function<bool(int64_t)>& skip = nullptr) {
  std::vector<Sample> out;
  for (int64_t i = 0; i < slots; ++i) {
    if (!skip || !skip(i)) out.push_back({TestTime(i, step), value(i)});
  }
  return out;
}

struct Case {
  std::string name;
  std::string spec;
  std::vector<Sample> series;
  BacktestOptions options;
  double mase;
  std::vector<double> mase_by_horizon;
  double answered;
  size_t origins, scored_points;
};

TEST(BacktestTest, KnownAnswers) {
  const auto ramp = [](int64_t i) { return static_cast<double>(i); };
  const auto saw = [](int64_t i) { return 10.0 + static_cast<double>(i % 12); };
  const BacktestOptions options{.step = minutes(5), .warmup = hours(2), .horizon_steps = 3};
  const std::vector<Case> cases = {
      // Naive on a ramp of slope 1: the h-step error is h, the in-sample naive error 1.
      // Origins are slots 24..99; horizon h is scored for origins up to 99 - h.
      {"naive on a ramp",
       "naive",
       Series(100, minutes(5), ramp),
       options,
       (75 * 1 + 74 * 2 + 73 * 3) / 222.0,
       {1, 2, 3},
       1.0,
       76,
       75 + 74 + 73},
      // Seasonal naive on an exact sawtooth (season 1h = 12 slots): no error at all.
      {"seasonal naive on its season",
       "seasonal_naive(season=1h)",
       Series(100, minutes(5), saw),
       options,
       0.0,
       {0, 0, 0},
       1.0,
       76,
       75 + 74 + 73},
      // Gaps are not scored and not origins: slots 50..59 missing.
      // Origin o scores h when o and o + h are observed: 64, 62 and 60 points.
      {"gaps are skipped",
       "naive",
       Series(100, minutes(5), ramp, [](int64_t i) { return i >= 50 && i < 60; }),
       options,
       (64 * 1 + 62 * 2 + 60 * 3) / 186.0,
       {1, 2, 3},
       1.0,
       66,
       64 + 62 + 60},
      // A forecaster that cannot answer (one week of warm-up) is replaced by the last value,
      // i.e. scores exactly as naive, with 0% answered.
      {"unanswered origins fall back to the last value",
       "holt_winters_additive(season=168h)",
       Series(100, minutes(5), ramp),
       options,
       (75 * 1 + 74 * 2 + 73 * 3) / 222.0,
       {1, 2, 3},
       0.0,
       76,
       75 + 74 + 73},
      // Every 4th origin only.
      {"origin stride",
       "naive",
       Series(100, minutes(5), ramp),
       BacktestOptions{
           .step = minutes(5), .warmup = hours(2), .horizon_steps = 3, .origin_stride = 4},
       2.0,
       {1, 2, 3},
       1.0,
       19,
       19 * 3},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    StatusOr<BacktestResult> r = RunBacktest(*ParseForecasterSpec(c.spec), c.series, c.options);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->forecaster, c.spec);
    EXPECT_NEAR(r->mase, c.mase, 1e-9);
    ASSERT_EQ(r->mase_by_horizon.size(), c.mase_by_horizon.size());
    for (size_t h = 0; h < c.mase_by_horizon.size(); ++h)
      EXPECT_NEAR(r->mase_by_horizon[h], c.mase_by_horizon[h], 1e-9);
    EXPECT_DOUBLE_EQ(r->answered, c.answered);
    EXPECT_EQ(r->origins, c.origins);
    EXPECT_EQ(r->scored_points, c.scored_points);
  }
}

TEST(BacktestTest, SmapeAndCoverage) {
  // Seasonal naive on a sawtooth with one spike: slot 88 is 10% high, so its forecast (14) is
  // off by 1.4 and outside the (so far zero-width) interval; every other forecast is exact.
  const auto value = [](int64_t i) {
    return (10.0 + static_cast<double>(i % 12)) * (i == 88 ? 1.1 : 1.0);
  };
  const BacktestOptions options{.step = minutes(5), .warmup = hours(2), .horizon_steps = 1};
  StatusOr<BacktestResult> r =
      RunBacktest(*ParseForecasterSpec("seasonal_naive(season=1h,min_residuals=1)"),
                  Series(100, minutes(5), value), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->scored_points, 75u);
  EXPECT_NEAR(r->smape_percent, 100.0 * (2 * 1.4 / (15.4 + 14)) / 75.0, 1e-9);
  EXPECT_NEAR(r->coverage, 74.0 / 75.0, 1e-9);
}

TEST(BacktestTest, RejectsBadInput) {
  const auto ramp = [](int64_t i) { return static_cast<double>(i); };
  const BacktestOptions options{.step = minutes(5), .warmup = hours(2), .horizon_steps = 3};
  EXPECT_NE(
      RunBacktest(*ParseForecasterSpec("naive(step=1m)"), Series(100, minutes(5), ramp), options)
          .status()
          .message()
          .find("step=1m differs from the series step 5m0s"),
      std::string::npos);
  EXPECT_NE(RunBacktest(*ParseForecasterSpec("naive"), Series(20, minutes(5), ramp), options)
                .status()
                .message()
                .find("no observed slot after the warm-up"),
            std::string::npos);
  EXPECT_NE(RunBacktest(*ParseForecasterSpec("naive"),
                        Series(100, minutes(5), [](int64_t) { return 1.0; }), options)
                .status()
                .message()
                .find("MASE needs a non-zero in-sample naive error"),
            std::string::npos);
  EXPECT_EQ(RunBacktest(*ParseForecasterSpec("naive"), {}, options).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(BacktestTest, FormatsAMarkdownTable) {
  BacktestResult r{.forecaster = "naive",
                   .mase = 1.23456,
                   .mase_by_horizon = {0.5, 2.5},
                   .smape_percent = 12.345,
                   .coverage = 0.9,
                   .answered = 1.0};
  const std::vector<BacktestResult> results = {r};
  EXPECT_EQ(FormatBacktestTable(results),
            "| forecaster | MASE | MASE h=1 | MASE h=2 | sMAPE % | coverage % | answered % |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            "| `naive` | 1.235 | 0.500 | 2.500 | 12.35 | 90.0 | 100.0 |\n");
}

}  // namespace
}  // namespace crescendo
