#include "crescendo/base/clock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace crescendo {
namespace {

Timestamp At(int64_t unix_seconds) { return Timestamp(seconds(unix_seconds)); }

TEST(SimulatedClockTest, StartsWhereToldAndMovesOnlyWhenTold) {
  SimulatedClock clock(At(1795802400));
  EXPECT_EQ(clock.Now(), At(1795802400));
  EXPECT_EQ(clock.Now(), At(1795802400));  // reading does not move it
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2026-11-27T18:00:00Z");
}

struct Step {
  enum Kind { kAdvance, kSleepUntil } kind;
  Duration amount;  // Advance by, or SleepUntil start + amount
  Duration want;    // Now() - start afterwards
};

TEST(SimulatedClockTest, AdvanceAddsAndSleepUntilJumpsForwardOnly) {
  const Timestamp start = At(1000);
  const std::vector<Step> steps = {
      {Step::kAdvance, seconds(30), seconds(30)},
      {Step::kAdvance, Duration(0), seconds(30)},
      {Step::kAdvance, milliseconds(1500), milliseconds(31500)},
      {Step::kSleepUntil, minutes(2), minutes(2)},
      {Step::kSleepUntil, minutes(1), minutes(2)},  // a past deadline leaves the clock alone
      {Step::kSleepUntil, minutes(2), minutes(2)},  // the present too
      {Step::kAdvance, hours(24), hours(24) + minutes(2)},
      {Step::kAdvance, Duration(1), hours(24) + minutes(2) + Duration(1)},
  };
  SimulatedClock clock(start);
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    if (s.kind == Step::kAdvance) {
      clock.Advance(s.amount);
    } else {
      clock.SleepUntil(start + s.amount);
    }
    EXPECT_EQ(clock.Now() - start, s.want) << "step " << i;
  }
}

TEST(SimulatedClockTest, IsUsableThroughTheClockInterface) {
  SimulatedClock simulated(At(0));
  Clock& clock = simulated;
  clock.SleepUntil(At(60));
  EXPECT_EQ(clock.Now(), At(60));
}

TEST(SimulatedClockTest, ConcurrentAdvancesAllCount) {
  SimulatedClock clock(At(0));
  constexpr int kThreads = 4;
  constexpr int kAdvancesPerThread = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < kAdvancesPerThread; ++i) clock.Advance(Duration(1));
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(clock.Now(), At(0) + Duration(kThreads * kAdvancesPerThread));
}

TEST(SimulatedClockTest, ConcurrentSleepUntilKeepsTheLatestDeadline) {
  SimulatedClock clock(At(0));
  std::vector<std::thread> threads;
  for (int t = 1; t <= 8; ++t) {
    threads.emplace_back([&clock, t] {
      for (int i = 0; i < 1000; ++i) clock.SleepUntil(At(t * 1000 + i));
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(clock.Now(), At(8 * 1000 + 999));
}

TEST(RealClockTest, SleepUntilAPastDeadlineReturnsAtOnceAndTimeMovesForward) {
  RealClock clock;
  const Timestamp before = clock.Now();
  clock.SleepUntil(before - seconds(10));
  clock.SleepUntil(before + milliseconds(2));
  EXPECT_GE(clock.Now(), before + milliseconds(2));
  // The real clock reads the system time: well after 2020-01-01.
  EXPECT_GT(before, At(1577836800));
}

}  // namespace
}  // namespace crescendo
