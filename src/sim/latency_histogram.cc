#include "latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace crescendo::sim {
namespace {

constexpr double kMinMs = 0.01;
constexpr double kGrowth = 1.02;
const double kLogGrowth = std::log(kGrowth);
constexpr size_t kBuckets = 931;  // ceil(ln(1e6 / 0.01) / ln(1.02)) + 1

size_t BucketOf(double ms) {
  if (ms <= kMinMs) return 0;
  auto i = static_cast<size_t>(std::ceil(std::log(ms / kMinMs) / kLogGrowth));
  return std::min(i, kBuckets - 1);
}

double UpperEdge(size_t bucket) { return kMinMs * std::pow(kGrowth, static_cast<double>(bucket)); }

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kBuckets, 0.0) {}

void LatencyHistogram::Add(double latency_ms, double requests) {
  if (!(requests > 0)) return;
  counts_[BucketOf(latency_ms)] += requests;
  total_ += requests;
  max_ms_ = std::max(max_ms_, latency_ms);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  max_ms_ = std::max(max_ms_, other.max_ms_);
}

double LatencyHistogram::Quantile(double q) const {
  if (total_ <= 0) return 0;
  double rank = q * total_;
  double seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(UpperEdge(i), max_ms_);
  }
  return max_ms_;
}

}  // namespace crescendo::sim
