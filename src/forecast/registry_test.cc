#include "crescendo/forecast/registry.h"

#include <gtest/gtest.h>

namespace crescendo {
namespace {

TEST(ForecasterRegistryTest, ListsBuiltinsSorted) {
  EXPECT_EQ(ForecasterNames(), (std::vector<std::string>{"ensemble", "fft", "holt_winters_additive",
                                                         "holt_winters_multiplicative", "naive",
                                                         "quantile", "seasonal_naive"}));
}

TEST(ForecasterRegistryTest, CreatesEveryBuiltinWithDefaults) {
  for (const std::string& name : ForecasterNames()) {
    SCOPED_TRACE(name);
    StatusOr<std::unique_ptr<Forecaster>> f = CreateForecaster(ForecasterSpec{name, {}});
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_EQ((*f)->spec(), name);
    EXPECT_GT((*f)->StateBytes(), 0u);
  }
}

struct StateBytesCase {
  std::string spec;
  size_t at_least;  // bytes the seasonal arrays alone need
  size_t at_most;
};

TEST(ForecasterRegistryTest, StateSizeFollowsTheSeason) {
  const std::vector<StateBytesCase> cases = {
      {"naive(step=5m)", 0, 4096},
      {"seasonal_naive(step=5m,season=24h)", 288 * 8, 288 * 8 + 4096},
      {"seasonal_naive(step=5m,season=168h)", 2016 * 8, 2016 * 8 + 4096},
      {"holt_winters_additive(step=5m,season=24h,second_season=168h)", (288 + 2016) * 8,
       (288 + 2016) * 8 + 4096},
      {"quantile(step=5m,season=24h,cycles=7)", 7 * 288 * 4, 7 * 288 * 4 + 4096},
      {"fft(step=5m,window=168h)", 2016 * 8, 2016 * 8 * 2 + 4096},
  };
  for (const StateBytesCase& c : cases) {
    SCOPED_TRACE(c.spec);
    StatusOr<std::unique_ptr<Forecaster>> f = CreateForecaster(std::string_view(c.spec));
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    // Plus the residual tracker: 5 tracked horizons of 128 floats at max_horizon=1h, step 5m.
    const size_t residuals = 5 * 128 * 4;
    EXPECT_GE((*f)->StateBytes(), c.at_least + residuals);
    EXPECT_LE((*f)->StateBytes(), c.at_most + residuals + 512);
  }
}

struct ErrorCase {
  std::string spec;
  StatusCode code;
  std::string message_part;
};

TEST(ForecasterRegistryTest, RejectsBadSpecsWithExactMessages) {
  const std::vector<ErrorCase> cases = {
      {"prophet", StatusCode::kNotFound,
       "unknown forecaster 'prophet'; known: ensemble, fft, holt_winters_additive"},
      {"naive(sesaon=24h)", StatusCode::kInvalidArgument, "naive: unknown parameter(s) sesaon"},
      {"seasonal_naive(season=1d)", StatusCode::kInvalidArgument,
       "seasonal_naive: parameter season=1d: expected a duration such as 5m or 24h"},
      {"seasonal_naive(step=7m)", StatusCode::kInvalidArgument,
       "seasonal_naive: parameter season=24h0m0s: expected a whole multiple of step=7m0s"},
      {"naive(interval=1.5)", StatusCode::kInvalidArgument,
       "naive: parameter interval=1.5: expected a number in [0.010000, 0.999000]"},
      {"holt_winters_additive(season=24h,second_season=12h)", StatusCode::kInvalidArgument,
       "second_season=12h: expected a season longer than season"},
      {"holt_winters_multiplicative(alpha=x)", StatusCode::kInvalidArgument,
       "parameter alpha=x: expected a number"},
      {"ensemble(members=naive;seasonal_naive(step=5m))", StatusCode::kInvalidArgument,
       "ensemble member 'seasonal_naive(step=5m)' (step, interval and the residual parameters "
       "are set on the ensemble itself): seasonal_naive: unknown parameter(s) step"},
      {"ensemble(mode=vote)", StatusCode::kInvalidArgument,
       "ensemble: parameter mode=vote: expected weight or pick"},
      {"ensemble(members=ensemble)", StatusCode::kInvalidArgument, "ensembles do not nest"},
      {"fft(window=1h,step=1m,min_cycles=2,max_period=2h)", StatusCode::kInvalidArgument,
       "parameter max_period=2h: expected at least min_period and at most window / min_cycles"},
      {"quantile(cycles=60)", StatusCode::kInvalidArgument,
       "quantile: parameter cycles=60: expected an integer in [1, 52]"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.spec);
    StatusOr<std::unique_ptr<Forecaster>> f = CreateForecaster(std::string_view(c.spec));
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().code(), c.code) << f.status().ToString();
    EXPECT_NE(f.status().message().find(c.message_part), std::string::npos) << f.status().message();
  }
}

}  // namespace
}  // namespace crescendo
