#include "crescendo/model/time_series.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace crescendo {
namespace {

using ::testing::HasSubstr;

Timestamp T(int64_t unix_seconds) { return Timestamp(seconds(unix_seconds)); }

std::vector<Sample> All(const TimeSeries& series) {
  std::vector<Sample> out;
  for (size_t i = 0; i < series.size(); ++i) out.push_back(series.at(i));
  return out;
}

struct RingCase {
  size_t capacity;
  std::vector<Sample> appended;
  std::vector<Sample> kept;  // oldest first
};

TEST(TimeSeriesTest, KeepsTheNewestCapacitySamplesOldestFirst) {
  const std::vector<RingCase> cases = {
      {3, {}, {}},
      {3, {{T(1), 10}}, {{T(1), 10}}},
      {3, {{T(1), 10}, {T(2), 20}, {T(3), 30}}, {{T(1), 10}, {T(2), 20}, {T(3), 30}}},
      // Wrapping: the oldest sample goes first.
      {3, {{T(1), 10}, {T(2), 20}, {T(3), 30}, {T(4), 40}}, {{T(2), 20}, {T(3), 30}, {T(4), 40}}},
      {3,
       {{T(1), 1}, {T(2), 2}, {T(3), 3}, {T(4), 4}, {T(5), 5}, {T(6), 6}, {T(7), 7}},
       {{T(5), 5}, {T(6), 6}, {T(7), 7}}},
      {1, {{T(1), 1}, {T(2), 2}, {T(3), 3}}, {{T(3), 3}}},
      // A sample at the time of the newest replaces it, wrapped or not.
      {3, {{T(1), 1}, {T(1), 9}}, {{T(1), 9}}},
      {2, {{T(1), 1}, {T(2), 2}, {T(3), 3}, {T(3), 33}}, {{T(2), 2}, {T(3), 33}}},
  };
  for (size_t n = 0; n < cases.size(); ++n) {
    const RingCase& c = cases[n];
    TimeSeries series(c.capacity);
    for (const Sample& s : c.appended) ASSERT_TRUE(series.Append(s.time, s.value).ok());
    EXPECT_EQ(All(series), c.kept) << "case " << n;
    EXPECT_EQ(series.size(), c.kept.size()) << "case " << n;
    EXPECT_EQ(series.capacity(), c.capacity) << "case " << n;
    EXPECT_EQ(series.empty(), c.kept.empty()) << "case " << n;
    const std::optional<Sample> latest = series.Latest();
    EXPECT_EQ(latest.has_value(), !c.kept.empty()) << "case " << n;
    if (latest) {
      EXPECT_EQ(*latest, c.kept.back()) << "case " << n;
    }
  }
}

TEST(TimeSeriesTest, RejectsAnOlderSampleAndKeepsTheSeries) {
  TimeSeries series(4);
  ASSERT_TRUE(series.Append(T(1795802400), 1).ok());
  ASSERT_TRUE(series.Append(T(1795802460), 2).ok());
  const Status status = series.Append(T(1795802430), 3);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("2026-11-27T18:00:30Z"));
  EXPECT_THAT(status.message(), HasSubstr("older than the newest sample at 2026-11-27T18:01:00Z"));
  EXPECT_EQ(All(series), (std::vector<Sample>{{T(1795802400), 1}, {T(1795802460), 2}}));
}

TEST(TimeSeriesTest, RejectsAnOlderSampleAfterWrapping) {
  TimeSeries series(2);
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(series.Append(T(i), i).ok());
  EXPECT_FALSE(series.Append(T(4), 0).ok());
  EXPECT_FALSE(series.Append(T(1), 0).ok());
  EXPECT_EQ(All(series), (std::vector<Sample>{{T(4), 4}, {T(5), 5}}));
}

struct WindowCase {
  int64_t from;
  int64_t to;
  std::vector<Sample> range;
  std::optional<double> max;
};

TEST(TimeSeriesTest, RangeAndMaxInIncludeBothEnds) {
  // Capacity 4 after six appends: T(30)..T(60) remain, stored wrapped in the ring.
  TimeSeries series(4);
  const std::vector<Sample> appended = {{T(10), 100}, {T(20), 200}, {T(30), 5},
                                        {T(40), 9},   {T(50), -1},  {T(60), 7}};
  for (const Sample& s : appended) ASSERT_TRUE(series.Append(s.time, s.value).ok());
  const std::vector<WindowCase> cases = {
      {0, 100, {{T(30), 5}, {T(40), 9}, {T(50), -1}, {T(60), 7}}, 9},
      {30, 30, {{T(30), 5}}, 5},
      {31, 49, {{T(40), 9}}, 9},
      {45, 60, {{T(50), -1}, {T(60), 7}}, 7},
      {50, 50, {{T(50), -1}}, -1},  // negative values are values, not "missing"
      {10, 20, {}, std::nullopt},   // dropped by the ring
      {61, 90, {}, std::nullopt},
      {40, 30, {}, std::nullopt},  // an empty window
  };
  for (const WindowCase& c : cases) {
    EXPECT_EQ(series.Range(T(c.from), T(c.to)), c.range) << c.from << ".." << c.to;
    EXPECT_EQ(series.MaxIn(T(c.from), T(c.to)), c.max) << c.from << ".." << c.to;
  }
}

TEST(TimeSeriesTest, EmptySeriesHasNoLatestRangeOrMax) {
  const TimeSeries series(8);
  EXPECT_FALSE(series.Latest().has_value());
  EXPECT_TRUE(series.Range(T(0), T(100)).empty());
  EXPECT_FALSE(series.MaxIn(T(0), T(100)).has_value());
}

}  // namespace
}  // namespace crescendo
