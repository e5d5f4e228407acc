// Expectations ported from kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender/model
// (container_test.go, aggregate_container_state_test.go). VPA's tests check the calls made on
// mocked histograms; these check the resulting histograms against ones built with those calls.
#include "crescendo/vertical/aggregate_state.h"

#include <gtest/gtest.h>

#include <cmath>

namespace crescendo::vertical {
namespace {

constexpr int64_t kMb = 1024 * 1024;
const Timestamp kTest = *ParseRfc3339("2017-04-18T17:35:05Z");
const Duration kInterval = hours(24);
constexpr int64_t kRequestCpuMillis = 2300;

DecayingHistogram MemoryHistogram() {
  return DecayingHistogram(&HistogramOptions::DefaultMemory(), hours(24));
}

TEST(ResourceAmountTest, ConversionsTruncateAndClamp) {
  EXPECT_EQ(3140, CpuMillisFromCores(3.14));
  EXPECT_EQ(0, CpuMillisFromCores(-1));
  EXPECT_EQ(kMaxResourceAmount, CpuMillisFromCores(1e12));
  EXPECT_EQ(0, ResourceAmountFromDouble(std::nan("")));
  EXPECT_EQ(314, ScaleResource(3140, 0.1));
  EXPECT_EQ(12, ScaleResource(25, 0.5));
}

TEST(ContainerStateTest, AggregatesUsageSamples) {
  AggregateContainerState aggregate;
  ContainerState c(&aggregate);
  const Duration step = kInterval / 2;
  EXPECT_TRUE(c.AddCpuSample(kTest, 3140, kRequestCpuMillis));
  EXPECT_TRUE(c.AddMemorySample(kTest, 5));
  EXPECT_TRUE(c.AddCpuSample(kTest + step, 6280, kRequestCpuMillis));
  EXPECT_TRUE(c.AddMemorySample(kTest + step, 10));
  EXPECT_TRUE(c.AddCpuSample(kTest + 2 * step, 1570, kRequestCpuMillis));
  EXPECT_TRUE(c.AddMemorySample(kTest + 2 * step, 2));
  // Discarded: out of order, negative usage.
  EXPECT_FALSE(c.AddCpuSample(kTest + 2 * step, 1000, kRequestCpuMillis));
  EXPECT_FALSE(c.AddCpuSample(kTest + 4 * step, -1000, kRequestCpuMillis));
  EXPECT_FALSE(c.AddMemorySample(kTest + 4 * step, -1000));
  EXPECT_FALSE(c.AddMemorySample(kTest, 7));  // before the previous memory sample

  // CPU samples weighted by the request (2.3 cores).
  DecayingHistogram cpu(&HistogramOptions::DefaultCpu(), hours(24));
  cpu.AddSample(3.14, 2.3, kTest);
  cpu.AddSample(6.28, 2.3, kTest + step);
  cpu.AddSample(1.57, 2.3, kTest + 2 * step);
  EXPECT_TRUE(cpu.Equals(aggregate.cpu()));
  EXPECT_EQ(3, aggregate.total_samples_count());
  EXPECT_EQ(kTest, aggregate.first_sample_start());
  EXPECT_EQ(kTest + 2 * step, aggregate.last_sample_start());

  // One peak per interval: 5 replaced by 10 in the first, 2 in the second.
  DecayingHistogram memory = MemoryHistogram();
  memory.AddSample(5, 1, kTest + kInterval);
  memory.SubtractSample(5, 1, kTest + kInterval);
  memory.AddSample(10, 1, kTest + kInterval);
  memory.AddSample(2, 1, kTest + 2 * kInterval);
  EXPECT_TRUE(memory.Equals(aggregate.memory_peaks()));
  EXPECT_EQ(kTest + 2 * kInterval, c.window_end());
}

TEST(ContainerStateTest, CpuWeightIsAtLeastMinSampleWeight) {
  AggregateContainerState aggregate;
  ContainerState c(&aggregate);
  ASSERT_TRUE(c.AddCpuSample(kTest, 500, 0));
  DecayingHistogram cpu(&HistogramOptions::DefaultCpu(), hours(24));
  cpu.AddSample(0.5, 0.1, kTest);
  EXPECT_TRUE(cpu.Equals(aggregate.cpu()));
}

// Each case records OOMs (after optional usage samples) and lists the peaks the memory histogram
// must end up with.
struct OomCase {
  const char* name;
  std::vector<std::pair<Duration, int64_t>> usage;  // offset from kTest, bytes
  std::vector<std::pair<Duration, int64_t>> ooms;   // offset, memory at the kill
  std::vector<std::pair<Duration, int64_t>> peaks;  // window end offset, bytes
};

TEST(ContainerStateTest, RecordOom) {
  const OomCase cases[] = {
      {"bumped by 20%", {}, {{Duration(0), 1000 * kMb}}, {{kInterval, 1200 * kMb}}},
      {"bumped by at least 100 MiB", {}, {{Duration(0), 1 * kMb}}, {{kInterval, 101 * kMb}}},
      {"smaller OOMs do not run away",
       {},
       {{Duration(0), 1000 * kMb}, {Duration(0), 999 * kMb}, {Duration(0), 999 * kMb}},
       {{kInterval, 1200 * kMb}}},
      {"a larger OOM raises the peak",
       {},
       {{Duration(0), 1000 * kMb}, {Duration(0), 2000 * kMb}},
       {{kInterval, 2400 * kMb}}},
      {"maxed with the known usage peak",
       {{Duration(0), 3000 * kMb}},
       {{Duration(0), 1000 * kMb}},
       {{kInterval, 3600 * kMb}}},
      {"in a new interval",
       {{Duration(0), 2000 * kMb}},
       {{2 * kInterval, 1000 * kMb}},
       {{kInterval, 2000 * kMb}, {3 * kInterval, 2400 * kMb}}},
  };
  for (const OomCase& c : cases) {
    AggregateContainerState aggregate;
    ContainerState container(&aggregate);
    for (auto [offset, bytes] : c.usage)
      ASSERT_TRUE(container.AddMemorySample(kTest + offset, bytes));
    for (auto [offset, bytes] : c.ooms)
      EXPECT_TRUE(container.RecordOom(kTest + offset, bytes).ok()) << c.name;
    DecayingHistogram expected = MemoryHistogram();
    for (auto [offset, bytes] : c.peaks)
      expected.AddSample(static_cast<double>(bytes), 1, kTest + offset);
    EXPECT_TRUE(expected.Equals(aggregate.memory_peaks())) << c.name;
  }
}

TEST(ContainerStateTest, RecordOomDiscardsStaleOom) {
  AggregateContainerState aggregate;
  ContainerState c(&aggregate);
  ASSERT_TRUE(c.AddMemorySample(kTest, 1000 * kMb));
  Status s = c.RecordOom(kTest - hours(30), 1000 * kMb);
  EXPECT_EQ(StatusCode::kFailedPrecondition, s.code());
  EXPECT_NE(std::string::npos, s.message().find("2017-04-17T11:35:05Z")) << s.message();
  DecayingHistogram expected = MemoryHistogram();
  expected.AddSample(1000.0 * kMb, 1, kTest + kInterval);
  EXPECT_TRUE(expected.Equals(aggregate.memory_peaks()));
}

TEST(ContainerStateTest, OpenPeak) {
  AggregateContainerState aggregate;
  ContainerState c(&aggregate);
  EXPECT_FALSE(c.OpenPeakAt(kTest).has_value());
  ASSERT_TRUE(c.AddMemorySample(kTest, 300 * kMb));
  auto peak = c.OpenPeakAt(kTest + hours(1));
  ASSERT_TRUE(peak.has_value());
  EXPECT_EQ(kTest + kInterval, peak->window_end);
  EXPECT_EQ(300 * kMb, peak->bytes);
  EXPECT_FALSE(c.OpenPeakAt(kTest + kInterval).has_value());
}

// TestAggregateStateByContainerName: two pods' "app-A" containers aggregate together.
TEST(AggregateContainerStateTest, MergesContainersWithOneName) {
  AggregateContainerState a1, a2, merged;
  ContainerState c1(&a1), c2(&a2);
  ASSERT_TRUE(c1.AddCpuSample(kTest, 1000, 3140));
  ASSERT_TRUE(c2.AddCpuSample(kTest, 3000, 3140));
  ASSERT_TRUE(c1.AddMemorySample(kTest, 2000000000));
  ASSERT_TRUE(c2.AddMemorySample(kTest, 4000000000));
  merged.Merge(a1);
  merged.Merge(a2);
  EXPECT_EQ(2, merged.total_samples_count());
  DecayingHistogram cpu(&HistogramOptions::DefaultCpu(), hours(24));
  cpu.Merge(a1.cpu());
  cpu.Merge(a2.cpu());
  EXPECT_TRUE(cpu.Equals(merged.cpu()));
  DecayingHistogram memory = MemoryHistogram();
  memory.AddSample(2e9, 1, *c1.window_end());
  memory.AddSample(4e9, 1, *c2.window_end());
  EXPECT_TRUE(memory.Equals(merged.memory_peaks()));
}

TEST(AggregateContainerStateTest, MergeKeepsEarliestFirstAndLatestLast) {
  AggregateContainerState a, b;
  a.AddCpuSample(kTest + hours(2), 100, 0);
  b.AddCpuSample(kTest, 100, 0);
  b.AddCpuSample(kTest + hours(5), 100, 0);
  a.Merge(b);
  EXPECT_EQ(kTest, a.first_sample_start());
  EXPECT_EQ(kTest + hours(5), a.last_sample_start());
  EXPECT_EQ(3, a.total_samples_count());
}

TEST(AggregateContainerStateTest, IsExpired) {
  AggregateContainerState s;
  EXPECT_FALSE(s.IsExpired(kTest + hours(24 * 100)));
  s.AddCpuSample(kTest, 100, 0);
  EXPECT_FALSE(s.IsExpired(kTest + hours(7 * 24)));
  EXPECT_TRUE(s.IsExpired(kTest + hours(8 * 24)));
}

TEST(AggregateContainerStateTest, LeanState) {
  // A week of one sample a minute at 0.2-0.4 cores and 200-260 MB stays under 1 KiB.
  AggregateContainerState aggregate;
  ContainerState c(&aggregate);
  for (int i = 0; i < 7 * 24 * 60; ++i) {
    const Timestamp t = kTest + minutes(i);
    c.AddCpuSample(t, 200 + (i * 37) % 200, 250);
    c.AddMemorySample(t, 200000000 + (i * 7919) % 60000000);
  }
  EXPECT_LT(aggregate.MemoryUsageBytes() + sizeof(ContainerState), 1024u);
}

}  // namespace
}  // namespace crescendo::vertical
