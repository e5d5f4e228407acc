#include "forecast/residual_bands.h"

#include <gtest/gtest.h>

namespace crescendo::forecast {
namespace {

// Records a forecast of 0 from every origin and observes `value(slot)`, so each horizon's
// residuals are the observed values.
void ScoreValues(ResidualBands& bands, int64_t slots, const std::function<double(int64_t)>& value) {
  for (int64_t slot = 0; slot < slots; ++slot) {
    bands.Score(slot, value(slot));
    bands.Record(slot, [](int64_t) { return std::optional<double>(0.0); });
  }
}

TEST(ResidualBandsTest, TracksDoublingHorizons) {
  EXPECT_EQ(ResidualBands(12, 8).Horizons(), (std::vector<int64_t>{1, 2, 4, 8, 12}));
  EXPECT_EQ(ResidualBands(1, 8).Horizons(), (std::vector<int64_t>{1}));
  EXPECT_EQ(ResidualBands(4, 8).Horizons(), (std::vector<int64_t>{1, 2, 4}));
}

TEST(ResidualBandsTest, QuantilesOfTheLastResiduals) {
  ResidualBands bands(1, 5);
  ScoreValues(bands, 11, [](int64_t slot) { return static_cast<double>(slot); });
  // Slots 1..10 scored; the ring keeps the last 5 residuals: 6..10.
  EXPECT_EQ(bands.one_step_count(), 5);
  const ResidualBands::Table table = bands.Quantiles(0.5, 1);
  ASSERT_TRUE(table[0].has_value());
  EXPECT_DOUBLE_EQ(table[0]->first, 7);   // 25%
  EXPECT_DOUBLE_EQ(table[0]->second, 9);  // 75%
  EXPECT_FALSE(bands.Quantiles(0.5, 6)[0].has_value());
}

TEST(ResidualBandsTest, ScoresEachHorizonAgainstItsOwnForecasts) {
  // The forecast from origin o for o + h is -h and every value is 0: the h-step residual is h.
  ResidualBands bands(2, 16);
  for (int64_t slot = 0; slot < 40; ++slot) {
    bands.Score(slot, 0.0);
    bands.Record(slot, [slot](int64_t target) {
      return std::optional<double>(-1.0 * static_cast<double>(target - slot));
    });
  }
  const ResidualBands::Table table = bands.Quantiles(0.9, 1);
  EXPECT_DOUBLE_EQ(table[0]->first, 1);
  EXPECT_DOUBLE_EQ(table[0]->second, 1);
  EXPECT_DOUBLE_EQ(table[1]->first, 2);
  EXPECT_DOUBLE_EQ(table[1]->second, 2);
}

struct BandCase {
  int64_t h;
  std::optional<std::pair<double, double>> want;
};

TEST(ResidualBandsTest, InterpolatesBetweenHorizonsAndWidensWhenMissing) {
  ResidualBands bands(8, 4);  // horizons 1, 2, 4, 8
  const ResidualBands::Table table = {std::make_pair(-1.0, 1.0), std::make_pair(-2.0, 2.0),
                                      std::nullopt, std::make_pair(-8.0, 8.0)};
  const std::vector<BandCase> cases = {
      {1, std::make_pair(-1.0, 1.0)},
      {2, std::make_pair(-2.0, 2.0)},
      // 4 has no residuals: 2's band widened by sqrt(3 / 2) and sqrt(4 / 2).
      {3, std::make_pair(-2.0 * std::sqrt(1.5), 2.0 * std::sqrt(1.5))},
      {4, std::make_pair(-2.0 * std::sqrt(2.0), 2.0 * std::sqrt(2.0))},
      {8, std::make_pair(-8.0, 8.0)},
      {20, std::make_pair(-8.0, 8.0)},  // past the longest horizon: its band
  };
  for (const BandCase& c : cases) {
    SCOPED_TRACE(c.h);
    const auto band = bands.Band(table, c.h);
    ASSERT_EQ(band.has_value(), c.want.has_value());
    EXPECT_DOUBLE_EQ(band->first, c.want->first);
    EXPECT_DOUBLE_EQ(band->second, c.want->second);
  }
  const ResidualBands::Table interpolated = {std::make_pair(-1.0, 1.0), std::make_pair(-2.0, 2.0),
                                             std::make_pair(-4.0, 6.0), std::nullopt};
  EXPECT_EQ(bands.Band(interpolated, 3), std::make_pair(-3.0, 4.0));
  const ResidualBands::Table empty(4);
  EXPECT_EQ(bands.Band(empty, 3), std::nullopt);
}

TEST(ResidualBandsTest, ReviseReplacesTheNewestResidual) {
  ResidualBands bands(1, 4);
  ScoreValues(bands, 4, [](int64_t slot) { return static_cast<double>(slot); });  // 1, 2, 3
  bands.Revise(3, 30.0);
  const ResidualBands::Table table = bands.Quantiles(0.999, 1);
  EXPECT_NEAR(table[0]->second, 30.0, 0.1);
  EXPECT_EQ(bands.one_step_count(), 3);
}

}  // namespace
}  // namespace crescendo::forecast
