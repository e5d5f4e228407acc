#include "downsampler.h"

#include <cmath>
#include <limits>

namespace crescendo::sim {

Downsampler::Downsampler(size_t channels, size_t capacity)
    : channels_(channels), capacity_(capacity + capacity % 2), cells_(channels + 1) {
  for (std::vector<Cell>& c : cells_) c.reserve(capacity);
}

void Downsampler::Add(double seconds, std::span<const double> values) {
  if (cells_[0].empty() || in_last_ == width_) {
    if (cells_[0].size() == capacity_) Compact();
    for (std::vector<Cell>& c : cells_) c.emplace_back();
    in_last_ = 0;
  }
  for (size_t i = 0; i <= channels_; ++i) {
    double v = i < channels_ ? values[i] : seconds;
    if (std::isnan(v)) continue;
    cells_[i].back().sum += v;
    cells_[i].back().count += 1;
  }
  ++in_last_;
}

void Downsampler::Compact() {
  for (std::vector<Cell>& c : cells_) {
    size_t out = 0;
    for (size_t i = 0; i < c.size(); i += 2, ++out) {
      Cell merged = c[i];
      if (i + 1 < c.size()) {
        merged.sum += c[i + 1].sum;
        merged.count += c[i + 1].count;
      }
      c[out] = merged;
    }
    c.resize(out);
  }
  width_ *= 2;  // every point, the last included, now holds a full pair
}

std::vector<double> Downsampler::Series(size_t channel) const {
  std::vector<double> out;
  out.reserve(cells_[channel].size());
  for (const Cell& c : cells_[channel]) {
    out.push_back(c.count > 0 ? c.sum / c.count : std::numeric_limits<double>::quiet_NaN());
  }
  return out;
}

}  // namespace crescendo::sim
