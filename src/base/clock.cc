#include "crescendo/base/clock.h"

#include <cassert>
#include <thread>

namespace crescendo {

Timestamp RealClock::Now() const {
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

void RealClock::SleepUntil(Timestamp deadline) { std::this_thread::sleep_until(deadline); }

void SimulatedClock::SleepUntil(Timestamp deadline) {
  int64_t target = deadline.time_since_epoch().count();
  int64_t current = now_ns_.load();
  while (current < target && !now_ns_.compare_exchange_weak(current, target)) {
  }
}

void SimulatedClock::Advance(Duration d) {
  assert(d.count() >= 0);
  now_ns_.fetch_add(d.count());
}

}  // namespace crescendo
