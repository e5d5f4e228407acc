// Seeded randomness. Every random choice in Crescendo flows from an explicit seed, so every
// simulation and test is reproducible.
//
// Thread safety: a Random is not thread-safe; give each thread its own (see Fork()).
#ifndef CRESCENDO_BASE_RANDOM_H_
#define CRESCENDO_BASE_RANDOM_H_

#include <cstdint>
#include <random>

namespace crescendo {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  // Returns a uniform double in [0, 1).
  double Uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }
  // Returns a uniform double in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Returns a uniform integer in [lo, hi].
  int64_t UniformInt(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(engine_);
  }
  // Returns a normal variate.
  double Normal(double mean, double stddev) {
    return std::normal_distribution<double>(mean, stddev)(engine_);
  }
  // Returns an exponential variate with the given mean.
  double Exponential(double mean) {
    return std::exponential_distribution<double>(1.0 / mean)(engine_);
  }
  // Returns a new generator seeded from this one and `stream`, for independent streams.
  Random Fork(uint64_t stream) { return Random(engine_() ^ (stream * 0x9E3779B97F4A7C15ULL)); }
  uint64_t Next() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace crescendo

#endif  // CRESCENDO_BASE_RANDOM_H_
