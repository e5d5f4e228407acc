// Clock: the only way Crescendo code learns the time.
//
// Only RealClock reads the system time. SimulatedClock advances when told, so the simulator and
// every test are reproducible. Pure code never holds a Clock: it receives `now` as a parameter.
//
// Thread safety: RealClock is thread-safe; SimulatedClock is thread-safe.
#ifndef CRESCENDO_BASE_CLOCK_H_
#define CRESCENDO_BASE_CLOCK_H_

#include <atomic>

#include "crescendo/base/time.h"

namespace crescendo {

class Clock {
 public:
  virtual ~Clock() = default;
  // Returns the current time.
  virtual Timestamp Now() const = 0;
  // Returns once Now() >= deadline. A simulated clock jumps to `deadline` at once.
  virtual void SleepUntil(Timestamp deadline) = 0;
};

// The system clock.
class RealClock final : public Clock {
 public:
  Timestamp Now() const override;
  void SleepUntil(Timestamp deadline) override;
};

// A clock that moves only when Advance(), Set() or SleepUntil() is called.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(Timestamp start) : now_ns_(start.time_since_epoch().count()) {}
  Timestamp Now() const override { return Timestamp(Duration(now_ns_.load())); }
  void SleepUntil(Timestamp deadline) override;
  // Moves the clock forward by `d`. REQUIRES: d >= 0.
  void Advance(Duration d);

 private:
  std::atomic<int64_t> now_ns_;
};

}  // namespace crescendo

#endif  // CRESCENDO_BASE_CLOCK_H_
