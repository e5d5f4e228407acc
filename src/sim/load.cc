#include "crescendo/sim/load.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace crescendo::sim {
namespace {

class Constant final : public LoadProfile {
 public:
  explicit Constant(double rps) : rps_(rps) {}
  std::optional<double> RpsAt(Timestamp) const override { return rps_; }

 private:
  double rps_;
};

class Steps final : public LoadProfile {
 public:
  Steps(Timestamp start, std::vector<LoadStep> steps) : start_(start), steps_(std::move(steps)) {}
  std::optional<double> RpsAt(Timestamp t) const override {
    Duration offset = t - start_;
    auto after = std::upper_bound(steps_.begin(), steps_.end(), offset,
                                  [](Duration o, const LoadStep& s) { return o < s.offset; });
    return after == steps_.begin() ? steps_.front().rps : (after - 1)->rps;
  }

 private:
  Timestamp start_;
  std::vector<LoadStep> steps_;
};

class Scaled final : public LoadProfile {
 public:
  Scaled(std::shared_ptr<const LoadProfile> base, double factor)
      : base_(std::move(base)), factor_(factor) {}
  std::optional<double> RpsAt(Timestamp t) const override {
    std::optional<double> rps = base_->RpsAt(t);
    if (rps) *rps *= factor_;
    return rps;
  }

 private:
  std::shared_ptr<const LoadProfile> base_;
  double factor_;
};

// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014):
// a stateless hash of (seed, index) to 64 uniform bits.
uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

double UnitInterval(uint64_t bits) { return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53; }

// Returns a standard normal variate that depends only on (seed, index) (Box-Muller).
double HashNormal(uint64_t seed, int64_t index) {
  uint64_t h = SplitMix64(seed ^ SplitMix64(static_cast<uint64_t>(index)));
  double u1 = UnitInterval(h);
  double u2 = UnitInterval(SplitMix64(h));
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}

double Logistic(double x) { return 1 / (1 + std::exp(-x)); }

// Returns the distance between two hours of the day on the 24-hour circle.
double HourDistance(double a, double b) {
  double d = std::fabs(a - b);
  return std::min(d, 24 - d);
}

double Bump(double hour, double center, double width_hours) {
  double z = HourDistance(hour, center) / width_hours;
  return std::exp(-0.5 * z * z);
}

class DailyCycle final : public LoadProfile {
 public:
  explicit DailyCycle(DailyCycleSpec spec) : spec_(std::move(spec)) {}

  std::optional<double> RpsAt(Timestamp t) const override {
    double unix_s = ToUnixSeconds(t);
    double hour = std::fmod(unix_s / 3600, 24);
    if (hour < 0) hour += 24;
    auto day = static_cast<int64_t>(std::floor(unix_s / 86400));
    int weekday = static_cast<int>(((day + 4) % 7 + 7) % 7);  // 0 Sunday; 1970-01-01 a Thursday
    double rps = spec_.peak_rps * DayShape(hour) * WeekFactor(hour, weekday) * BurstFactor(t);
    int64_t period = (t - spec_.start) / std::max(spec_.noise_period, Duration(1));
    rps *= 1 + spec_.noise_fraction * HashNormal(spec_.seed, period);
    return std::max(rps, 0.0);
  }

 private:
  // A night trough, a morning bump, a daytime plateau (07:00-23:00) and an evening peak.
  double DayShape(double hour) const {
    double evening = Bump(hour, spec_.evening_peak_hour, 2.5);
    double morning = spec_.morning_fraction * Bump(hour, spec_.morning_hour, 1.5);
    double daytime = 0.45 * Logistic(hour - 7) * Logistic(23 - hour);
    return spec_.trough_fraction +
           (1 - spec_.trough_fraction) * std::max({evening, morning, daytime});
  }

  double WeekFactor(double hour, int weekday) const {
    if (weekday == 0 || weekday == 6) {
      return 1 + (spec_.weekend_factor - 1) * Logistic(hour - 9) * Logistic(19 - hour);
    }
    if (weekday == 5) {
      return 1 + (spec_.friday_evening_factor - 1) * Bump(hour, spec_.evening_peak_hour, 2.5);
    }
    return 1;
  }

  double BurstFactor(Timestamp t) const {
    double factor = 1;
    for (const BurstSpec& b : spec_.bursts) {
      Timestamp onset = spec_.start + b.offset;
      if (t < onset) continue;
      double excess = b.multiplier - 1;
      if (t < onset + b.ramp) {
        factor += excess * ToSeconds(t - onset) / ToSeconds(b.ramp);
      } else if (b.half_life.count() > 0) {
        factor += excess * std::exp2(-ToSeconds(t - onset - b.ramp) / ToSeconds(b.half_life));
      }
    }
    return factor;
  }

  DailyCycleSpec spec_;
};

}  // namespace

std::shared_ptr<const LoadProfile> ConstantLoad(double rps) {
  return std::make_shared<Constant>(rps);
}

std::shared_ptr<const LoadProfile> StepLoad(Timestamp start, std::vector<LoadStep> steps) {
  return std::make_shared<Steps>(start, std::move(steps));
}

std::shared_ptr<const LoadProfile> DailyCycleLoad(DailyCycleSpec spec) {
  return std::make_shared<DailyCycle>(std::move(spec));
}

std::shared_ptr<const LoadProfile> ScaledLoad(std::shared_ptr<const LoadProfile> base,
                                              double factor) {
  return std::make_shared<Scaled>(std::move(base), factor);
}

}  // namespace crescendo::sim
