// LatencyHistogram: request latencies in log-spaced buckets (2% wide, 0.01 ms to 10^6 ms), so a
// quantile over millions of requests costs constant memory and is within 2% of the exact value.
//
// Thread safety: not thread-safe.
#ifndef CRESCENDO_SRC_SIM_LATENCY_HISTOGRAM_H_
#define CRESCENDO_SRC_SIM_LATENCY_HISTOGRAM_H_

#include <vector>

namespace crescendo::sim {

class LatencyHistogram {
 public:
  LatencyHistogram();
  // Adds `requests` requests (may be fractional) of `latency_ms` each.
  void Add(double latency_ms, double requests);
  // Adds every request of `other`.
  void Merge(const LatencyHistogram& other);
  // Returns the q-quantile (0 < q < 1) in ms: the upper edge of the bucket holding it, capped at
  // the largest latency added; 0 when empty.
  double Quantile(double q) const;
  double total() const { return total_; }

 private:
  std::vector<double> counts_;
  double total_ = 0;
  double max_ms_ = 0;
};

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_LATENCY_HISTOGRAM_H_
