#include "crescendo/metrics/circuit_breaker.h"

namespace crescendo::metrics {

std::string_view CircuitStateName(CircuitState state) {
  switch (state) {
    case CircuitState::kClosed:
      return "closed";
    case CircuitState::kOpen:
      return "open";
    case CircuitState::kHalfOpen:
      return "half-open";
  }
  return "unknown";
}

bool CircuitBreaker::Allow(Timestamp now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!open_) return true;
  if (now < opened_at_ + options_.open_duration || trial_in_flight_) return false;
  trial_in_flight_ = true;  // half-open: this caller is the trial
  return true;
}

void CircuitBreaker::RecordSuccess() {
  std::lock_guard<std::mutex> lock(mu_);
  failures_ = 0;
  open_ = false;
  trial_in_flight_ = false;
}

void CircuitBreaker::RecordFailure(Timestamp now) {
  std::lock_guard<std::mutex> lock(mu_);
  ++failures_;
  if (trial_in_flight_ || failures_ >= options_.failure_threshold) {
    open_ = true;
    opened_at_ = now;
  }
  trial_in_flight_ = false;
}

CircuitState CircuitBreaker::state(Timestamp now) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!open_) return CircuitState::kClosed;
  if (trial_in_flight_ || now >= opened_at_ + options_.open_duration) {
    return CircuitState::kHalfOpen;
  }
  return CircuitState::kOpen;
}

int CircuitBreaker::consecutive_failures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failures_;
}

Timestamp CircuitBreaker::retry_at() const {
  std::lock_guard<std::mutex> lock(mu_);
  return opened_at_ + options_.open_duration;
}

}  // namespace crescendo::metrics
