// CircuitBreaker: stops calling a metric source that keeps failing, and tries it again later.
//
//   closed     calls pass; `failure_threshold` consecutive failures open the circuit.
//   open       calls are refused until `open_duration` has passed since it opened.
//   half-open  one trial call passes; success closes the circuit, failure opens it again.
//
// Time is passed in (`now`), never read. Thread safety: thread-safe.
#ifndef CRESCENDO_METRICS_CIRCUIT_BREAKER_H_
#define CRESCENDO_METRICS_CIRCUIT_BREAKER_H_

#include <mutex>
#include <string_view>

#include "crescendo/base/time.h"

namespace crescendo::metrics {

struct CircuitBreakerOptions {
  int failure_threshold = 5;  // consecutive failures that open the circuit
  Duration open_duration = std::chrono::seconds(30);
};

enum class CircuitState { kClosed, kOpen, kHalfOpen };
// Returns "closed", "open" or "half-open".
std::string_view CircuitStateName(CircuitState state);

class CircuitBreaker {
 public:
  explicit CircuitBreaker(CircuitBreakerOptions options) : options_(options) {}

  // Returns true when a call may be made at `now`. In half-open state only the first caller gets
  // true until that trial is recorded.
  bool Allow(Timestamp now);
  void RecordSuccess();
  void RecordFailure(Timestamp now);

  CircuitState state(Timestamp now) const;
  int consecutive_failures() const;
  // Returns when the open circuit admits its trial call (meaningful when open).
  Timestamp retry_at() const;

 private:
  const CircuitBreakerOptions options_;
  mutable std::mutex mu_;
  int failures_ = 0;   // consecutive, guarded by mu_
  bool open_ = false;  // guarded by mu_
  bool trial_in_flight_ = false;
  Timestamp opened_at_{};
};

}  // namespace crescendo::metrics

#endif  // CRESCENDO_METRICS_CIRCUIT_BREAKER_H_
