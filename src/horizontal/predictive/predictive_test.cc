// The predictive core: scale ahead of the forecast peak, the reactive floor, fallbacks when the
// forecast is missing or uncertain, flash crowds, conservative scale-down; the load signal and
// the quantile conversion.
#include "crescendo/horizontal/predictive.h"

#include <gtest/gtest.h>

namespace crescendo::predictive {
namespace {

const Timestamp kNow = FromUnixSeconds(1'700'000'000);

// Quantile 0.95 is the upper bound of the forecasts' 90% intervals below.
PredictiveSettings Settings() {
  PredictiveSettings s;
  s.quantile = 0.95;
  s.scale_down_stabilization = minutes(5);
  return s;
}

// The band bound a 90% interval's `bound` (mean + half) gives at band_quantile 0.995, margin 5%.
double BandUpper(double mean, double half) {
  return (mean + half * NormalQuantile(0.995) / NormalQuantile(0.95)) * 1.05;
}

// A forecast of one point per entry {mean, lower, upper}, 15 s apart from kNow + 15 s.
Forecast MakeForecast(std::vector<std::array<double, 3>> points, double level = 0.9) {
  Forecast f;
  f.interval_level = level;
  for (size_t i = 0; i < points.size(); ++i) {
    f.points.push_back(
        {kNow + seconds(15) * static_cast<int>(i + 1), points[i][0], points[i][1], points[i][2]});
  }
  return f;
}

struct DecideCase {
  std::string name;
  int32_t current = 4;
  int32_t reactive = 4;
  std::optional<double> observed = 380;
  std::optional<Forecast> forecast;
  PredictiveMemory memory;
  int32_t want_replicas = 0;
  PredictiveMode want_mode = PredictiveMode::kScaleAhead;
  std::optional<int32_t> want_forecast_replicas;
  bool below_allowed = true;
};

PredictiveMemory WithPrediction(double lower, double upper) {
  PredictiveMemory m;
  m.pending.push_back({kNow - seconds(10), static_cast<float>(lower), static_cast<float>(upper)});
  return m;
}

PredictiveMemory WithProposal(Duration ago, int32_t replicas) {
  PredictiveMemory m;
  m.proposals.push_back({kNow - ago, replicas});
  return m;
}

class DecideTest : public testing::TestWithParam<DecideCase> {};

TEST_P(DecideTest, Decides) {
  const DecideCase& c = GetParam();
  PredictiveInput in{.now = kNow,
                     .current_replicas = c.current,
                     .reactive_replicas = c.reactive,
                     .below_reactive_allowed = c.below_allowed,
                     .min_replicas = 1,
                     .max_replicas = 20,
                     .observed_load = c.observed,
                     .load_per_replica = 100,
                     .no_forecast_reason = "warming up: 3 of 12"};
  if (c.forecast) in.forecast = &*c.forecast;
  PredictiveDecision d = DecidePredictive(in, c.memory, Settings());
  EXPECT_EQ(d.desired_replicas, c.want_replicas);
  EXPECT_EQ(PredictiveModeName(d.mode), PredictiveModeName(c.want_mode));
  EXPECT_EQ(d.forecast_replicas, c.want_forecast_replicas);
  ASSERT_FALSE(d.trace.empty());
  EXPECT_EQ(d.trace[0].step, "predictive");
  EXPECT_EQ(d.trace[0].before, c.reactive);
  EXPECT_NE(d.trace[0].reason.find(PredictiveModeName(c.want_mode)), std::string::npos)
      << d.trace[0].reason;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DecideTest,
    testing::Values(
        DecideCase{.name = "PeakAboveReactiveScalesAhead",
                   .forecast = MakeForecast({{500, 450, 560}, {600, 550, 650}}),
                   .want_replicas = 7,
                   .want_forecast_replicas = 7},
        // The load now (380) needs 4: the HPA's 6 (held by its stabilization) is not needed.
        DecideCase{.name = "PeakBelowReactiveScalesDownAhead",
                   .reactive = 6,
                   .forecast = MakeForecast({{220, 200, 250}}),
                   .want_replicas = 4,
                   .want_mode = PredictiveMode::kScaleDownAhead,
                   .want_forecast_replicas = 4},
        // Another metric or the owner's scale-down behavior may be why the HPA wants 6: kept.
        DecideCase{.name = "BelowReactiveOnlyWhenAllowed",
                   .reactive = 6,
                   .forecast = MakeForecast({{220, 200, 250}}),
                   .want_replicas = 6,
                   .want_mode = PredictiveMode::kReactiveFloor,
                   .want_forecast_replicas = 4,
                   .below_allowed = false},
        // 430 is 1.075 times what 4 replicas carry: within the tolerance, the count stays.
        DecideCase{.name = "PeakWithinToleranceKeepsTheCount",
                   .forecast = MakeForecast({{400, 380, 430}}),
                   .want_replicas = 4,
                   .want_mode = PredictiveMode::kReactiveFloor,
                   .want_forecast_replicas = 4},
        // 470 is 1.175 times what 4 replicas carry: beyond the tolerance, 5 are needed.
        DecideCase{.name = "PeakBeyondToleranceScalesAhead",
                   .forecast = MakeForecast({{420, 380, 470}}),
                   .want_replicas = 5,
                   .want_forecast_replicas = 5},
        DecideCase{.name = "WideIntervalIsUncertain",
                   .reactive = 5,
                   .forecast = MakeForecast({{300, 0, 900}}),
                   .want_replicas = 5,
                   .want_mode = PredictiveMode::kUncertain},
        DecideCase{.name = "WarmingUpIsReactive",
                   .reactive = 5,
                   .want_replicas = 5,
                   .want_mode = PredictiveMode::kNoForecast},
        DecideCase{.name = "NoLoadSignalIsReactive",
                   .reactive = 5,
                   .observed = std::nullopt,
                   .forecast = MakeForecast({{900, 850, 950}}),
                   .want_replicas = 5,
                   .want_mode = PredictiveMode::kNoForecast},
        // 600 is 1.43 times the band's upper bound: 600 x 1.43 needs 9 replicas.
        DecideCase{.name = "FlashCrowdScalesUpForTheSurprise",
                   .observed = 600,
                   .forecast = MakeForecast({{400, 350, 450}}),
                   .memory = WithPrediction(300, 420),
                   .want_replicas = 9,
                   .want_mode = PredictiveMode::kFlashCrowd},
        // 450 is 5 times the upper bound; the growth is capped at 2: 900 needs 9 replicas.
        DecideCase{.name = "FlashCrowdGrowthIsCapped",
                   .observed = 450,
                   .forecast = MakeForecast({{400, 350, 450}}),
                   .memory = WithPrediction(50, 90),
                   .want_replicas = 9,
                   .want_mode = PredictiveMode::kFlashCrowd},
        DecideCase{.name = "FlashCrowdNeverBelowReactive",
                   .reactive = 12,
                   .observed = 600,
                   .forecast = MakeForecast({{400, 350, 450}}),
                   .memory = WithPrediction(300, 420),
                   .want_replicas = 12,
                   .want_mode = PredictiveMode::kFlashCrowd},
        DecideCase{.name = "BelowBandIsReactive",
                   .reactive = 3,
                   .observed = 200,
                   .forecast = MakeForecast({{600, 550, 650}}),
                   .memory = WithPrediction(500, 700),
                   .want_replicas = 3,
                   .want_mode = PredictiveMode::kBelowBand},
        DecideCase{.name = "InsideBandScalesAhead",
                   .observed = 450,
                   .forecast = MakeForecast({{600, 550, 650}}),
                   .memory = WithPrediction(400, 500),
                   .want_replicas = 7,
                   .want_forecast_replicas = 7},
        DecideCase{.name = "StalePredictionIsNotABand",
                   .observed = 900,
                   .forecast = MakeForecast({{600, 550, 650}}),
                   .memory =
                       [] {
                         PredictiveMemory m;
                         m.pending.push_back({kNow - minutes(6), 300, 420});
                         return m;
                       }(),
                   .want_replicas = 9,
                   .want_forecast_replicas = 9},
        DecideCase{.name = "ScaleDownFollowsALowerForecast",
                   .current = 8,
                   .reactive = 3,
                   .forecast = MakeForecast({{400, 380, 450}}),
                   .want_replicas = 5,
                   .want_forecast_replicas = 5},
        DecideCase{.name = "ScaleDownIsStabilized",
                   .current = 8,
                   .reactive = 3,
                   .forecast = MakeForecast({{400, 380, 450}}),
                   .memory = WithProposal(minutes(2), 7),
                   .want_replicas = 7,
                   .want_forecast_replicas = 5},
        DecideCase{.name = "StabilizationForgetsOldProposals",
                   .current = 8,
                   .reactive = 3,
                   .forecast = MakeForecast({{400, 380, 450}}),
                   .memory = WithProposal(minutes(6), 8),
                   .want_replicas = 5,
                   .want_forecast_replicas = 5},
        DecideCase{.name = "StabilizationNeverScalesUp",
                   .current = 6,
                   .reactive = 3,
                   .forecast = MakeForecast({{400, 380, 450}}),
                   .memory = WithProposal(minutes(1), 9),
                   .want_replicas = 6,
                   .want_forecast_replicas = 5},
        DecideCase{.name = "ForecastClampedAtMax",
                   .forecast = MakeForecast({{4000, 3500, 4500}}),
                   .want_replicas = 20,
                   .want_forecast_replicas = 20}),
    [](const testing::TestParamInfo<DecideCase>& p) { return p.param.name; });

TEST(DecideTest, FlashCrowdHoldsThenTrustsTheForecastAgain) {
  PredictiveSettings settings = Settings();
  settings.flash_hold = minutes(2);
  PredictiveInput in{.now = kNow,
                     .current_replicas = 4,
                     .reactive_replicas = 4,
                     .min_replicas = 1,
                     .max_replicas = 20,
                     .observed_load = 600,
                     .load_per_replica = 100};
  Forecast f = MakeForecast({{600, 550, 650}});
  in.forecast = &f;
  PredictiveDecision d = DecidePredictive(in, WithPrediction(300, 420), settings);
  EXPECT_EQ(d.mode, PredictiveMode::kFlashCrowd);
  EXPECT_EQ(d.desired_replicas, 9);
  EXPECT_EQ(d.memory.flash_until, kNow + minutes(2));

  // One minute later the load is inside its band: still held, reactive, stabilized at 9.
  in.now = kNow + minutes(1);
  in.current_replicas = 9;
  d = DecidePredictive(in, d.memory, settings);
  EXPECT_EQ(d.mode, PredictiveMode::kFlashCrowd);
  EXPECT_EQ(d.desired_replicas, 9);

  // After the hold the forecast decides again (7 replicas), stabilized down from 9 only once
  // the window's proposals are all lower.
  in.now = kNow + minutes(6) + seconds(1);
  in.observed_load = 600;
  f.points[0].time = in.now + seconds(15);
  d = DecidePredictive(in, d.memory, settings);
  EXPECT_EQ(d.mode, PredictiveMode::kScaleAhead);
  EXPECT_EQ(d.desired_replicas, 7);
}

TEST(DecideTest, WithoutScaleDownAheadTheReactiveCountHolds) {
  PredictiveSettings settings = Settings();
  settings.scale_down_ahead = false;
  PredictiveInput in{.now = kNow,
                     .current_replicas = 4,
                     .reactive_replicas = 6,
                     .below_reactive_allowed = true,
                     .min_replicas = 1,
                     .max_replicas = 20,
                     .observed_load = 380,
                     .load_per_replica = 100};
  Forecast f = MakeForecast({{220, 200, 250}});
  in.forecast = &f;
  PredictiveDecision d = DecidePredictive(in, {}, settings);
  EXPECT_EQ(d.mode, PredictiveMode::kReactiveFloor);
  EXPECT_EQ(d.desired_replicas, 6);
  EXPECT_EQ(d.forecast_replicas, 4);
}

// The next slot counts even when it starts after now + horizon: otherwise the phase of the tick
// within the slot would decide whether its load is provisioned for.
TEST(DecideTest, TheNextSlotIsAlwaysDue) {
  PredictiveInput in{.now = kNow,
                     .current_replicas = 4,
                     .reactive_replicas = 4,
                     .min_replicas = 1,
                     .max_replicas = 20,
                     .observed_load = 380,
                     .load_per_replica = 100,
                     .horizon = seconds(5)};
  Forecast f = MakeForecast({{600, 550, 650}, {900, 850, 950}});
  in.forecast = &f;
  PredictiveDecision d = DecidePredictive(in, {}, Settings());
  EXPECT_EQ(d.mode, PredictiveMode::kScaleAhead);
  EXPECT_EQ(d.desired_replicas, 7);  // 650 (the first point), not 950 (the second, not due)
}

TEST(DecideTest, RemembersForecastPointsAsTheNextBand) {
  PredictiveSettings settings = Settings();
  PredictiveInput in{.now = kNow,
                     .current_replicas = 4,
                     .reactive_replicas = 4,
                     .min_replicas = 1,
                     .max_replicas = 20,
                     .observed_load = 380,
                     .load_per_replica = 100};
  Forecast f = MakeForecast({{400, 350, 450}, {420, 360, 480}});
  in.forecast = &f;
  PredictiveDecision d = DecidePredictive(in, {}, settings);
  ASSERT_EQ(d.memory.pending.size(), 2u);
  EXPECT_EQ(d.memory.pending[1].time, kNow + seconds(30));
  EXPECT_NEAR(d.memory.pending[1].upper, BandUpper(420, 60), 1e-3);

  // 15 s later: the first point is the band of now (600 > 502: above it).
  in.now = kNow + seconds(15);
  in.observed_load = 600;
  in.forecast = nullptr;
  d = DecidePredictive(in, d.memory, settings);
  EXPECT_EQ(d.mode, PredictiveMode::kFlashCrowd);
  EXPECT_EQ(d.desired_replicas, 8);  // ceil(600 x 600 / 502 / 100)
  ASSERT_EQ(d.memory.pending.size(), 1u);
  EXPECT_EQ(d.memory.pending[0].time, kNow + seconds(30));
}

struct QuantileCase {
  double p;
  double want;
};

class NormalQuantileTest : public testing::TestWithParam<QuantileCase> {};

TEST_P(NormalQuantileTest, MatchesTables) {
  EXPECT_NEAR(NormalQuantile(GetParam().p), GetParam().want, 1e-9);
}

// Values of Phi^-1 from standard tables (Abramowitz & Stegun 26.2), to 10 digits.
INSTANTIATE_TEST_SUITE_P(
    Tables, NormalQuantileTest,
    testing::Values(QuantileCase{0.5, 0.0}, QuantileCase{0.9, 1.2815515655},
                    QuantileCase{0.95, 1.6448536270}, QuantileCase{0.975, 1.9599639845},
                    QuantileCase{0.99, 2.3263478740}, QuantileCase{0.999, 3.0902323062},
                    QuantileCase{0.01, -2.3263478740}, QuantileCase{0.1, -1.2815515655}));

TEST(ForecastQuantileTest, ScalesTheIntervalByNormalQuantiles) {
  const ForecastPoint p{kNow, 500, 400, 628.155};
  EXPECT_NEAR(ForecastQuantile(p, 0.8, 0.9), 628.155, 1e-6);  // the upper bound itself
  EXPECT_NEAR(ForecastQuantile(p, 0.8, 0.5), 500, 1e-9);      // the mean
  EXPECT_NEAR(ForecastQuantile(p, 0.8, 0.95), 500 + 128.155 * 1.6448536270 / 1.2815515655, 1e-6);
  EXPECT_NEAR(ForecastQuantile(p, 0.8, 0.1), 400, 1e-6);  // the lower bound
}

TEST(PredictiveSettingsTest, ValidateNamesTheField) {
  struct Case {
    void (*mutate)(PredictiveSettings&);
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](PredictiveSettings& s) { s.quantile = 0.5; }, "quantile"},
      {[](PredictiveSettings& s) { s.quantile = 1; }, "quantile"},
      {[](PredictiveSettings& s) { s.max_relative_width = 0; }, "max_relative_width"},
      {[](PredictiveSettings& s) { s.band_margin = -0.1; }, "band_margin"},
      {[](PredictiveSettings& s) { s.band_quantile = 1; }, "band_quantile"},
      {[](PredictiveSettings& s) { s.flash_max_growth = 0.9; }, "flash_max_growth"},
      {[](PredictiveSettings& s) { s.flash_hold = -seconds(1); }, "flash_hold"},
      {[](PredictiveSettings& s) { s.tolerance = -0.1; }, "tolerance"},
      {[](PredictiveSettings& s) { s.tolerance = 1; }, "tolerance"},
      {[](PredictiveSettings& s) { s.scale_down_stabilization = -seconds(1); },
       "scale_down_stabilization"},
  };
  EXPECT_TRUE(PredictiveSettings{}.Validate().ok());
  for (const Case& c : cases) {
    PredictiveSettings s;
    c.mutate(s);
    Status status = s.Validate();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_NE(status.message().find(c.field), std::string::npos) << status.message();
  }
}

}  // namespace
}  // namespace crescendo::predictive
