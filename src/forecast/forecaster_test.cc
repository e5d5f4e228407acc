// Behaviour every forecaster shares (SlotForecaster): binning, validation, warm-up, intervals,
// gaps, checkpoints.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "crescendo/base/random.h"
#include "crescendo/forecast/registry.h"
#include "forecast/test_series.h"

namespace crescendo::forecast {
namespace {

using std::chrono::minutes;

std::unique_ptr<Forecaster> Make(std::string_view spec) {
  StatusOr<std::unique_ptr<Forecaster>> f = CreateForecaster(spec);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? std::move(f).value() : nullptr;
}

TEST(ForecasterTest, SamplesInOneSlotAreAveraged) {
  auto f = Make("naive(step=1m,min_residuals=1)");
  const Timestamp t = TestStart();
  ASSERT_TRUE(f->Update(t - minutes(1), 5).ok());  // one residual for the interval
  ASSERT_TRUE(f->Update(t, 10).ok());
  ASSERT_TRUE(f->Update(t + std::chrono::seconds(20), 20).ok());
  ASSERT_TRUE(f->Update(t + std::chrono::seconds(40), 60).ok());
  StatusOr<Forecast> fc = f->Forecast(t + std::chrono::seconds(40), minutes(3), minutes(1));
  ASSERT_TRUE(fc.ok()) << fc.status().ToString();
  ASSERT_EQ(fc->points.size(), 3u);
  EXPECT_DOUBLE_EQ(fc->points[0].mean, 30);
  EXPECT_EQ(fc->points[0].time, t + std::chrono::seconds(100));
  EXPECT_EQ(fc->points[2].time, t + std::chrono::seconds(220));
  EXPECT_DOUBLE_EQ(fc->interval_level, 0.9);
}

struct UpdateErrorCase {
  std::string spec;
  Duration offset;
  double value;
  std::string message_part;
};

TEST(ForecasterTest, RejectsInvalidSamplesAndKeepsState) {
  const std::vector<UpdateErrorCase> cases = {
      {"naive", minutes(5), std::nan(""), "has value nan; expected a finite number"},
      {"naive", minutes(5), std::numeric_limits<double>::infinity(), "expected a finite number"},
      {"naive", -minutes(2), 1.0, "is older than the newest sample's slot starting at"},
      {"holt_winters_multiplicative", minutes(5), -1.0, "expected a value >= 0.000000"},
  };
  for (const UpdateErrorCase& c : cases) {
    SCOPED_TRACE(c.spec + " " + std::to_string(c.value));
    auto f = Make(c.spec);
    ASSERT_TRUE(f->Update(TestStart(), 7).ok());
    const std::string before = f->Checkpoint();
    Status s = f->Update(TestStart() + c.offset, c.value);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(c.message_part), std::string::npos) << s.message();
    EXPECT_EQ(f->Checkpoint(), before);
  }
}

struct ForecastErrorCase {
  int samples;
  Duration now_offset, horizon, step;
  StatusCode code;
  std::string message_part;
};

TEST(ForecasterTest, ForecastArgumentsAndWarmUp) {
  const std::vector<ForecastErrorCase> cases = {
      {0, minutes(0), minutes(5), minutes(1), StatusCode::kFailedPrecondition,
       "warming up: no sample observed yet"},
      {20, minutes(19), minutes(0), minutes(1), StatusCode::kInvalidArgument,
       "expected both positive"},
      {20, minutes(19), minutes(5), -minutes(1), StatusCode::kInvalidArgument,
       "expected both positive"},
      {20, minutes(19), std::chrono::hours(1000), std::chrono::seconds(1),
       StatusCode::kInvalidArgument, "expected at most 100000"},
      {20, minutes(3), minutes(5), minutes(1), StatusCode::kInvalidArgument,
       "is before the newest sample's slot"},
      {5, minutes(4), minutes(5), minutes(1), StatusCode::kFailedPrecondition,
       "warming up: 4 of 12 one-step residuals needed for the interval"},
  };
  for (const ForecastErrorCase& c : cases) {
    SCOPED_TRACE(c.message_part);
    auto f = Make("naive");
    ASSERT_TRUE(Feed(*f, 0, c.samples, minutes(1), [](int64_t i) { return 1.0 * i; }).ok());
    StatusOr<Forecast> fc = f->Forecast(TestStart() + c.now_offset, c.horizon, c.step);
    ASSERT_FALSE(fc.ok());
    EXPECT_EQ(fc.status().code(), c.code);
    EXPECT_NE(fc.status().message().find(c.message_part), std::string::npos)
        << fc.status().message();
    EXPECT_NE(fc.status().message().find("naive"), std::string::npos);
  }
}

TEST(ForecasterTest, ResidualIntervalsHaveTheirNominalCoverage) {
  // Seasonal naive on season + N(0, 1) noise: errors are N(0, 2), so a 90% interval is
  // +-1.645 * sqrt(2) = +-2.33 wide and covers about 90% of the next values.
  auto f = Make("seasonal_naive(step=1m,season=1h,residuals=2000,max_horizon=1m)");
  Random random(7);
  auto value = [&](int64_t i) {
    return 100 + 20 * std::sin(static_cast<double>(i) * 2 * std::numbers::pi / 60) +
           random.Normal(0, 1);
  };
  ASSERT_TRUE(Feed(*f, 0, 60 * 40, minutes(1), value).ok());
  int covered = 0, n = 0;
  double width = 0;
  for (int64_t i = 60 * 40; i < 60 * 80; ++i) {
    StatusOr<Forecast> fc = f->Forecast(TestTime(i - 1, minutes(1)), minutes(1), minutes(1));
    ASSERT_TRUE(fc.ok()) << fc.status().ToString();
    const double y = value(i);
    covered += y >= fc->points[0].lower && y <= fc->points[0].upper;
    width += fc->points[0].upper - fc->points[0].lower;
    ++n;
    ASSERT_TRUE(f->Update(TestTime(i, minutes(1)), y).ok());
  }
  EXPECT_NEAR(static_cast<double>(covered) / n, 0.9, 0.03);
  EXPECT_NEAR(width / n, 2 * 2.33, 0.25);
}

TEST(ForecasterTest, GapsAreNotZeros) {
  // Constant load 50 with a 3-hour outage: no model may drift toward zero across it.
  const std::vector<std::string> specs = {
      "naive(step=5m)",
      "seasonal_naive(step=5m,season=1h)",
      "holt_winters_additive(step=5m,season=1h)",
      "holt_winters_multiplicative(step=5m,season=1h)",
      "quantile(step=5m,season=1h)",
      "ensemble(step=5m,members=naive;seasonal_naive(season=1h))"};
  for (const std::string& spec : specs) {
    SCOPED_TRACE(spec);
    auto f = Make(spec);
    auto outage = [](int64_t i) { return i >= 100 && i < 136; };
    ASSERT_TRUE(Feed(
                    *f, 0, 140, minutes(5), [](int64_t) { return 50.0; }, outage)
                    .ok());
    StatusOr<Forecast> fc = f->Forecast(TestTime(139, minutes(5)), minutes(30), minutes(5));
    ASSERT_TRUE(fc.ok()) << fc.status().ToString();
    for (const ForecastPoint& p : fc->points) {
      EXPECT_NEAR(p.mean, 50, 1e-6);
      EXPECT_LE(p.lower, p.mean);
      EXPECT_GE(p.upper, p.mean);
    }
  }
}

TEST(ForecasterTest, ClampsAtZeroUnlessAskedNotTo) {
  for (bool nonnegative : {true, false}) {
    auto f = Make(std::string("holt_winters_additive(step=1m,season=10m,beta=0.5,damping=1,") +
                  "nonnegative=" + (nonnegative ? "true" : "false") + ")");
    ASSERT_TRUE(Feed(*f, 0, 60, minutes(1), [](int64_t i) { return 60.0 - i; }).ok());
    StatusOr<Forecast> fc = f->Forecast(TestTime(59, minutes(1)), minutes(10), minutes(1));
    ASSERT_TRUE(fc.ok()) << fc.status().ToString();
    EXPECT_EQ(fc->points.back().mean >= 0, nonnegative) << fc->points.back().mean;
    if (nonnegative) {
      EXPECT_EQ(fc->points.back().mean, 0);
    }
  }
}

// Every forecaster, with parameters small enough to be ready within the test series.
const std::vector<std::string>& AllSpecs() {
  static const std::vector<std::string> specs = {
      "naive(step=5m)",
      "seasonal_naive(step=5m,season=24h)",
      "holt_winters_additive(step=5m,season=24h)",
      "holt_winters_additive(step=5m,season=6h,second_season=24h)",
      "holt_winters_multiplicative(step=5m,season=24h)",
      "holt_winters_multiplicative(step=5m,season=6h,second_season=24h)",
      "quantile(step=5m,season=24h,cycles=3)",
      "fft(step=5m,window=72h,refit=2h)",
      "ensemble(step=5m,members=naive;seasonal_naive(season=24h);fft(window=72h))",
      "ensemble(step=5m,mode=pick,members=naive;holt_winters_additive(season=24h))",
  };
  return specs;
}

double TestLoad(int64_t i) {
  return DailyLoad(i, minutes(5)) + 5 * std::sin(static_cast<double>(i) * 0.37);
}
bool TestGap(int64_t i) { return (i >= 500 && i < 510) || i % 97 == 0; }

TEST(ForecasterTest, CheckpointRestoreGivesIdenticalForecasts) {
  for (const std::string& spec : AllSpecs()) {
    SCOPED_TRACE(spec);
    auto original = Make(spec);
    ASSERT_TRUE(Feed(*original, 0, 288 * 4, minutes(5), TestLoad, TestGap).ok());
    auto restored = Make(spec);
    ASSERT_TRUE(restored->Restore(original->Checkpoint()).ok());
    EXPECT_EQ(restored->Checkpoint(), original->Checkpoint());
    // Both continue with the same samples and must agree bit for bit.
    ASSERT_TRUE(Feed(*original, 288 * 4, 288 * 5, minutes(5), TestLoad, TestGap).ok());
    ASSERT_TRUE(Feed(*restored, 288 * 4, 288 * 5, minutes(5), TestLoad, TestGap).ok());
    StatusOr<Forecast> a =
        original->Forecast(TestTime(288 * 5 - 1, minutes(5)), std::chrono::hours(6), minutes(5));
    StatusOr<Forecast> b =
        restored->Forecast(TestTime(288 * 5 - 1, minutes(5)), std::chrono::hours(6), minutes(5));
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    ASSERT_EQ(a->points.size(), 72u);
    for (size_t i = 0; i < a->points.size(); ++i) {
      EXPECT_EQ(a->points[i].mean, b->points[i].mean);
      EXPECT_EQ(a->points[i].lower, b->points[i].lower);
      EXPECT_EQ(a->points[i].upper, b->points[i].upper);
    }
  }
}

TEST(ForecasterTest, RevisingASlotEqualsObservingItsMean) {
  // Values on a 1/1024 grid, so v - 4 and v + 4 average to exactly v.
  auto value = [](int64_t i) { return std::round(TestLoad(i) * 1024) / 1024; };
  for (const std::string& spec : AllSpecs()) {
    SCOPED_TRACE(spec);
    auto once = Make(spec);
    auto twice = Make(spec);
    ASSERT_TRUE(Feed(*once, 0, 288 * 3, minutes(5), value, TestGap).ok());
    // `twice` gets each slot as two samples whose mean is the same value.
    for (int64_t i = 0; i < 288 * 3; ++i) {
      if (TestGap(i)) continue;
      ASSERT_TRUE(twice->Update(TestTime(i, minutes(5)), value(i) - 4).ok());
      ASSERT_TRUE(twice->Update(TestTime(i, minutes(5)) + minutes(2), value(i) + 4).ok());
    }
    const Timestamp now = TestTime(288 * 3 - 1, minutes(5));
    StatusOr<Forecast> a = once->Forecast(now, std::chrono::hours(2), minutes(5));
    StatusOr<Forecast> b = twice->Forecast(now, std::chrono::hours(2), minutes(5));
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    for (size_t i = 0; i < a->points.size(); ++i) {
      EXPECT_EQ(a->points[i].mean, b->points[i].mean) << i;
      EXPECT_EQ(a->points[i].lower, b->points[i].lower) << i;
      EXPECT_EQ(a->points[i].upper, b->points[i].upper) << i;
    }
  }
}

struct RestoreErrorCase {
  std::string checkpoint_spec;  // forecaster the checkpoint is taken from
  std::string edit_from, edit_to;
  std::string message_part;
};

TEST(ForecasterTest, RestoreRejectsForeignOrDamagedCheckpoints) {
  const std::string spec = "seasonal_naive(step=5m,season=1h)";
  const std::vector<RestoreErrorCase> cases = {
      {"seasonal_naive(step=5m,season=2h)", "", "",
       "the checkpoint is of forecaster 'seasonal_naive(season=2h,step=5m)'"},
      {spec, "crescendo.forecast.v1", "something.else", "expected a checkpoint of format"},
      {spec, "\"values\":[", "\"values\":[1.0,",
       "checkpoint field 'values': expected an array of 12 values, found 13"},
      {spec, "\"newest_slot\"", "\"newest_slut\"", "malformed checkpoint"},
  };
  for (const RestoreErrorCase& c : cases) {
    SCOPED_TRACE(c.message_part);
    auto source = Make(c.checkpoint_spec);
    ASSERT_TRUE(Feed(*source, 0, 30, minutes(5), TestLoad).ok());
    std::string text = source->Checkpoint();
    if (!c.edit_from.empty()) {
      const size_t at = text.find(c.edit_from);
      ASSERT_NE(at, std::string::npos);
      text.replace(at, c.edit_from.size(), c.edit_to);
    }
    auto target = Make(spec);
    ASSERT_TRUE(Feed(*target, 0, 3, minutes(5), TestLoad).ok());
    const std::string before = target->Checkpoint();
    Status s = target->Restore(text);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(c.message_part), std::string::npos) << s.message();
    EXPECT_EQ(target->Checkpoint(), before);
  }
  EXPECT_EQ(Make(spec)->Restore("{not json").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crescendo::forecast
