#include "forecast/stats.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace crescendo::forecast {

double QuantileInPlace(std::span<double> values, double q) {
  assert(!values.empty() && q >= 0 && q <= 1);
  const double position = q * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(position));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lo), values.end());
  const double lo_value = values[lo];
  if (lo + 1 >= values.size()) return lo_value;
  const double hi_value =
      *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1, values.end());
  return lo_value + (position - static_cast<double>(lo)) * (hi_value - lo_value);
}

double QuantileOfSorted(std::span<const float> sorted, double q) {
  assert(!sorted.empty() && q >= 0 && q <= 1);
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(position));
  const double lo_value = sorted[lo];
  if (lo + 1 >= sorted.size()) return lo_value;
  return lo_value + (position - static_cast<double>(lo)) * (sorted[lo + 1] - lo_value);
}

}  // namespace crescendo::forecast
