#include "forecast/residual_bands.h"

#include <gtest/gtest.h>

#include "forecast/stats.h"

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

// A short forecast computes only the horizons Band() reads for it, and its bands are the same.
TEST(ResidualBandsTest, QuantilesUpToAHorizonGiveTheSameBands) {
  ResidualBands bands(60, 32);  // horizons 1, 2, 4, 8, 16, 32, 60
  for (int64_t slot = 0; slot < 200; ++slot) {
    bands.Score(slot, static_cast<double>(slot % 7));
    bands.Record(slot, [slot](int64_t target) {
      return std::optional<double>(static_cast<double>((slot * 3 + target) % 5));
    });
  }
  const ResidualBands::Table all = bands.Quantiles(0.8, 1);
  for (int64_t up_to : {1, 2, 3, 5, 16, 59}) {
    const ResidualBands::Table some = bands.Quantiles(0.8, 1, up_to);
    const std::vector<int64_t> horizons = bands.Horizons();
    for (size_t i = 0; i < horizons.size(); ++i) {
      const bool needed = horizons[i] <= up_to || (i > 0 && horizons[i - 1] <= up_to);
      EXPECT_EQ(some[i].has_value(), needed) << "up to " << up_to << ", horizon " << horizons[i];
    }
    for (int64_t h = 1; h <= up_to; ++h) {
      EXPECT_EQ(bands.Band(some, h), bands.Band(all, h)) << "up to " << up_to << ", h " << h;
    }
  }
}

// The quantiles come from a sorted copy kept beside the ring; after rotations, revisions and a
// checkpoint round trip they must equal the quantiles of the ring's residuals computed afresh.
TEST(ResidualBandsTest, SortedCopyMatchesTheRing) {
  ResidualBands bands(4, 16);
  uint64_t x = 12345;
  auto next = [&x] {  // a small LCG: values in [0, 10) with many repeats
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>((x >> 33) % 40) / 4;
  };
  for (int64_t slot = 0; slot < 300; ++slot) {
    bands.Score(slot, next());
    if (slot % 3 == 0) bands.Revise(slot, next());
    bands.Record(slot, [&](int64_t) { return std::optional<double>(next()); });
    if (slot % 50 == 49) {
      ResidualBands copy(4, 16);
      ASSERT_TRUE(copy.LoadState(bands.SaveState()).ok());
      bands = copy;
    }
    const nlohmann::json state = bands.SaveState();
    const ResidualBands::Table table = bands.Quantiles(0.8, 1);
    for (size_t i = 0; i < state.size(); ++i) {
      const int count = state[i]["count"].get<int>();
      if (count == 0) continue;
      std::vector<double> ring;
      for (int k = 0; k < count; ++k) ring.push_back(state[i]["residuals"][k].get<float>());
      ASSERT_TRUE(table[i].has_value());
      std::vector<double> scratch = ring;
      EXPECT_DOUBLE_EQ(table[i]->first, QuantileInPlace(scratch, (1 - 0.8) / 2)) << "slot " << slot;
      scratch = ring;
      EXPECT_DOUBLE_EQ(table[i]->second, QuantileInPlace(scratch, (1 + 0.8) / 2))
          << "slot " << slot;
    }
  }
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
