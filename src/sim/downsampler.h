// Downsampler: several series sampled at every tick, kept as at most `capacity` points each.
//
// Each point is the mean of a bucket of consecutive ticks (NaN samples, i.e. missing data, are
// left out of the mean; a bucket of only NaN is NaN). When the points fill up, neighbouring
// points merge in pairs and buckets become twice as wide, so memory never grows with the run.
//
// Thread safety: not thread-safe.
#ifndef CRESCENDO_SRC_SIM_DOWNSAMPLER_H_
#define CRESCENDO_SRC_SIM_DOWNSAMPLER_H_

#include <cstdint>
#include <span>
#include <vector>

namespace crescendo::sim {

class Downsampler {
 public:
  // REQUIRES: channels >= 1, capacity >= 2 (an odd capacity is rounded up).
  Downsampler(size_t channels, size_t capacity);
  // Adds one tick: one value per channel, at `seconds` since the start.
  void Add(double seconds, std::span<const double> values);
  // Returns the points of `channel` (the last one may cover a partial bucket).
  std::vector<double> Series(size_t channel) const;
  // Returns the mean time of each point.
  std::vector<double> Times() const { return Series(channels_); }

 private:
  struct Cell {
    double sum = 0;
    double count = 0;
  };
  void Compact();

  size_t channels_;
  size_t capacity_;
  int64_t width_ = 1;                     // ticks per point
  int64_t in_last_ = 0;                   // ticks in the last point
  std::vector<std::vector<Cell>> cells_;  // per channel (plus time), per point
};

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_DOWNSAMPLER_H_
