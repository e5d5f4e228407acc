// Queueing formulas for latency under load.
//
// The M/M/c queue: Poisson arrivals at rate lambda, c servers each serving at rate mu
// (exponential service times). With offered load a = lambda / mu and utilization
// rho = a / c < 1, the probability that an arrival waits is Erlang's C formula
//   C(c, a) = (a^c / c!) / ((1 - rho) * sum_{k<c} a^k / k! + a^c / c!),
// the mean wait in the queue is Wq = C(c, a) / (c * mu - lambda), and the mean response time is
// W = Wq + 1 / mu (Kleinrock, Queueing Systems vol. 1, section 3.5; Gross and Harris,
// Fundamentals of Queueing Theory, section 2.3). C is computed through Erlang's B recursion
//   B(0) = 1, B(k) = a * B(k-1) / (k + a * B(k-1)),  C = c * B / (c - a * (1 - B)),
// which is numerically stable for thousands of servers.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SIM_QUEUEING_H_
#define CRESCENDO_SIM_QUEUEING_H_

#include <cstdint>
#include <optional>
#include <span>

#include "crescendo/sim/world.h"

namespace crescendo::sim {

// Returns Erlang's C probability of waiting for `servers` servers and `offered_load` erlangs.
// Returns 1 when the queue is unstable (offered_load >= servers) and 0 for no load.
// REQUIRES: servers >= 1, offered_load >= 0.
double ErlangC(int64_t servers, double offered_load);

// Returns the mean response time (queueing plus service) of an M/M/c queue in milliseconds, or
// nullopt when the queue is unstable (arrival_rps >= servers * service_rps) or has no server.
// REQUIRES: arrival_rps >= 0, service_rps > 0.
std::optional<double> MmcResponseTimeMs(int64_t servers, double arrival_rps, double service_rps);

// Returns the curve's latency at `utilization`. REQUIRES: points non-empty, ascending utilization.
double CurveLatencyMs(std::span<const LatencyPoint> points, double utilization);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SIM_QUEUEING_H_
