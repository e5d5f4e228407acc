#include "sim/queueing.h"

#include <algorithm>

namespace crescendo::sim {

double ErlangC(int64_t servers, double offered_load) {
  if (offered_load <= 0) return 0;
  if (offered_load >= static_cast<double>(servers)) return 1;
  double b = 1;  // Erlang B with 0 servers
  for (int64_t k = 1; k <= servers; ++k)
    b = offered_load * b / (static_cast<double>(k) + offered_load * b);
  double c = static_cast<double>(servers);
  return c * b / (c - offered_load * (1 - b));
}

std::optional<double> MmcResponseTimeMs(int64_t servers, double arrival_rps, double service_rps) {
  if (servers < 1) return std::nullopt;
  double capacity = static_cast<double>(servers) * service_rps;
  if (arrival_rps >= capacity) return std::nullopt;
  double wait_s = ErlangC(servers, arrival_rps / service_rps) / (capacity - arrival_rps);
  return (wait_s + 1.0 / service_rps) * 1000.0;
}

double CurveLatencyMs(std::span<const LatencyPoint> points, double utilization) {
  if (utilization <= points.front().utilization) return points.front().latency_ms;
  auto upper = std::upper_bound(points.begin(), points.end(), utilization,
                                [](double u, const LatencyPoint& p) { return u < p.utilization; });
  if (upper == points.end()) return points.back().latency_ms;
  const LatencyPoint& hi = *upper;
  const LatencyPoint& lo = *(upper - 1);
  double f = (utilization - lo.utilization) / (hi.utilization - lo.utilization);
  return lo.latency_ms + f * (hi.latency_ms - lo.latency_ms);
}

}  // namespace crescendo::sim
