#include "forecast/fft/fft.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "crescendo/base/random.h"
#include "forecast/fft/periodicity.h"

namespace crescendo::forecast {
namespace {

constexpr double kPi = std::numbers::pi;

std::vector<Complex> NaiveDft(const std::vector<Complex>& x, bool inverse) {
  const size_t n = x.size();
  std::vector<Complex> out(n);
  for (size_t k = 0; k < n; ++k) {
    for (size_t t = 0; t < n; ++t) {
      const double angle =
          (inverse ? 2 : -2) * kPi * static_cast<double>(k * t % n) / static_cast<double>(n);
      out[k] += x[t] * Complex(std::cos(angle), std::sin(angle));
    }
  }
  return out;
}

TEST(FftTest, MatchesTheDefinitionForEveryLength) {
  Random random(1);
  for (size_t n : {1u, 2u, 3u, 5u, 8u, 12u, 17u, 64u, 100u, 288u, 1009u}) {
    SCOPED_TRACE(n);
    std::vector<Complex> x(n);
    for (Complex& c : x) c = Complex(random.Uniform(-1, 1), random.Uniform(-1, 1));
    for (bool inverse : {false, true}) {
      const std::vector<Complex> want = NaiveDft(x, inverse);
      const std::vector<Complex> got = Dft(x, inverse);
      ASSERT_EQ(got.size(), n);
      for (size_t k = 0; k < n; ++k)
        EXPECT_LT(std::abs(got[k] - want[k]), 1e-9 * static_cast<double>(n));
    }
  }
}

TEST(FftTest, RealTransformsMatchTheDefinition) {
  Random random(2);
  // Odd lengths and those under 4 take the complex path, even ones the packed real one.
  for (size_t n : {1u, 2u, 3u, 4u, 6u, 9u, 10u, 64u, 100u, 2016u}) {
    SCOPED_TRACE(n);
    std::vector<double> x(n);
    std::vector<Complex> c(n);
    for (size_t i = 0; i < n; ++i) c[i] = x[i] = random.Uniform(-1, 1);
    const std::vector<Complex> want = NaiveDft(c, false);
    const std::vector<Complex> got = DftReal(x);
    ASSERT_EQ(got.size(), n);
    for (size_t k = 0; k < n; ++k)
      EXPECT_LT(std::abs(got[k] - want[k]), 1e-9 * static_cast<double>(n));
    const std::vector<double> back = InverseDftReal(got);
    ASSERT_EQ(back.size(), n);
    for (size_t i = 0; i < n; ++i) EXPECT_NEAR(back[i], x[i], 1e-12 * static_cast<double>(n));
  }
}

TEST(FftTest, AutocorrelationMatchesTheDefinition) {
  const std::vector<double> x = {1, 3, 2, 5, 4, 6, 2, 1};
  double mean = 0;
  for (double v : x) mean += v / 8;
  double r0 = 0;
  for (double v : x) r0 += (v - mean) * (v - mean);
  const std::vector<double> r = Autocorrelation(x);
  ASSERT_EQ(r.size(), 8u);
  for (size_t k = 0; k < 8; ++k) {
    double want = 0;
    for (size_t t = 0; t + k < 8; ++t) want += (x[t] - mean) * (x[t + k] - mean);
    EXPECT_NEAR(r[k], want / r0, 1e-12) << k;
  }
  EXPECT_EQ(Autocorrelation(std::vector<double>(10, 4.2)), std::vector<double>(10, 0.0));
}

TEST(FftTest, LaggedCorrelationIsOneAtThePeriod) {
  // A period-7 pattern over 40 samples (not whole cycles): exactly 1 at lags 7, 14, ...
  const std::vector<double> pattern = {1, 4, 2, 8, 5, 7, 3};
  std::vector<double> x(40);
  for (size_t t = 0; t < x.size(); ++t) x[t] = pattern[t % 7];
  const std::vector<double> c = LaggedCorrelation(x);
  EXPECT_NEAR(c[0], 1, 1e-12);
  EXPECT_NEAR(c[7], 1, 1e-12);
  EXPECT_NEAR(c[14], 1, 1e-12);
  for (size_t k : {1u, 3u, 6u, 8u}) EXPECT_LT(c[k], 0.9) << k;
  // Direct check of one lag.
  const size_t k = 5, m = x.size() - k;
  double ma = 0, mb = 0;
  for (size_t t = 0; t < m; ++t) ma += x[t] / m, mb += x[t + k] / m;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t t = 0; t < m; ++t) {
    sab += (x[t] - ma) * (x[t + k] - mb);
    saa += (x[t] - ma) * (x[t] - ma);
    sbb += (x[t + k] - mb) * (x[t + k] - mb);
  }
  EXPECT_NEAR(c[k], sab / std::sqrt(saa * sbb), 1e-9);
}

struct PeriodCase {
  std::string name;
  size_t n;
  std::function<double(size_t)> value;
  PeriodSearch search;
  std::optional<int64_t> want;
};

TEST(PeriodicityTest, DetectsTheDominantPeriod) {
  Random random(3);
  std::vector<double> noise(5000);
  for (double& v : noise) v = random.Normal(0, 1);
  auto sine = [](double period) {
    return [period](size_t t) { return std::sin(2 * kPi * static_cast<double>(t) / period); };
  };
  const std::vector<PeriodCase> cases = {
      // 96 does not divide 1000: the bins say 100 and 90, the ACF refinement finds 96.
      {"pure sine, period 96", 1000, sine(96), {}, 96},
      {"pure sine, period 24", 24 * 14, sine(24), {}, 24},
      {"sine 24 plus noise",
       24 * 14,
       [&](size_t t) { return 3 * std::sin(2 * kPi * static_cast<double>(t) / 24) + noise[t]; },
       {},
       24},
      {"daily load with harmonics, 5-minute slots",
       2016,
       [&](size_t t) {
         const double d = static_cast<double>(t % 288) / 288;
         return 100 + 60 * std::sin(2 * kPi * d) + 30 * std::exp(-std::pow((d - 0.83) / 0.04, 2)) +
                2 * noise[t];
       },
       {},
       288},
      {"period 50 on a linear trend",
       600,
       [](size_t t) {
         return 0.01 * static_cast<double>(t) + std::sin(2 * kPi * static_cast<double>(t) / 50);
       },
       {},
       50},
      {"white noise", 2000, [&](size_t t) { return noise[t]; }, {}, std::nullopt},
      {"constant", 500, [](size_t) { return 7.0; }, {}, std::nullopt},
      {"period 96 outside [10, 80]",
       1000,
       sine(96),
       {.min_period = 10, .max_period = 80},
       std::nullopt},
  };
  for (const PeriodCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<double> x(c.n);
    for (size_t t = 0; t < c.n; ++t) x[t] = c.value(t);
    EXPECT_EQ(DetectPeriod(x, c.search), c.want);
  }
}

struct CycleCase {
  std::string name;
  size_t n;
  std::function<double(size_t)> value;
  int64_t period;
  bool want;
};

TEST(PeriodicityTest, HasCycleFollowsCranesTest) {
  Random random(5);
  std::vector<double> noise(3000);
  for (double& v : noise) v = random.Normal(0, 1);
  auto daily = [&](size_t t) {
    return 10 * std::sin(2 * kPi * static_cast<double>(t) / 288) + noise[t];
  };
  const std::vector<CycleCase> cases = {
      {"daily sine, 7 days", 2016, daily, 288, true},
      {"daily sine on a steep ramp", 2016,
       [&](size_t t) { return daily(t) + 0.5 * static_cast<double>(t); }, 288, true},
      {"weekly cycle asked of a daily sine", 2016 * 2, [&](size_t t) { return daily(t % 2016); },
       2016, false},
      // A slow cycle twice as long dominates: the daily bin is not the strongest slower one.
      {"2-day cycle dominates", 2016,
       [&](size_t t) { return daily(t) + 30 * std::sin(2 * kPi * static_cast<double>(t) / 576); },
       288, false},
      {"noise", 2016, [&](size_t t) { return noise[t]; }, 288, false},
      {"fewer than two cycles", 500, daily, 288, false},
  };
  for (const CycleCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<double> x(c.n);
    for (size_t t = 0; t < c.n; ++t) x[t] = c.value(t);
    EXPECT_EQ(HasCycle(x, c.period), c.want);
  }
}

TEST(PeriodicityTest, PeakTestFollowsTheSlopes) {
  const std::vector<double> acf = {1, 0.5, 0, 0.3, 0.8, 0.4, 0.1, 0.2};
  EXPECT_TRUE(IsAcfPeak(acf, 4, 2));
  EXPECT_FALSE(IsAcfPeak(acf, 2, 2));
  EXPECT_FALSE(IsAcfPeak(acf, 7, 2));  // no right side
}

TEST(PeriodicityTest, ReconstructsTheLastCycle) {
  // Five cycles of period 20 built from the DC and two harmonics: the reconstruction keeps them
  // and is exact; with max_components=1 only the strongest harmonic and the slow bins remain.
  auto value = [](size_t t) {
    const double phase = 2 * kPi * static_cast<double>(t) / 20;
    return 3 + std::sin(phase) + 0.5 * std::cos(3 * phase);
  };
  std::vector<double> x(107);  // 5 whole cycles plus 7 leading samples that are dropped
  for (size_t t = 0; t < x.size(); ++t) x[t] = value(t);
  const std::vector<double> cycle =
      ReconstructLastCycle(x, 20, {.keep_period = 1000, .max_components = 2});
  ASSERT_EQ(cycle.size(), 20u);
  for (size_t j = 0; j < 20; ++j) EXPECT_NEAR(cycle[j], value(87 + j), 1e-9) << j;
  const std::vector<double> strongest =
      ReconstructLastCycle(x, 20, {.keep_period = 1000, .max_components = 1});
  for (size_t j = 0; j < 20; ++j) {
    EXPECT_NEAR(strongest[j], 3 + std::sin(2 * kPi * static_cast<double>(87 + j) / 20), 1e-9) << j;
  }
}

}  // namespace
}  // namespace crescendo::forecast
