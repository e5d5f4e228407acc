// Expectations ported from kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender/util
// (histogram_options_test.go, histogram_test.go, decaying_histogram_test.go), plus the compact
// storage of this implementation.
#include "crescendo/vertical/histogram.h"

#include <gtest/gtest.h>

#include <cmath>

namespace crescendo::vertical {
namespace {

constexpr double kWeightEpsilon = 1e-15;
const Timestamp kAnyTime = FromUnixSeconds(0);
const Timestamp kStart = FromUnixSeconds(1234567890);

const HistogramOptions& TestOptions() {  // linear, 11 buckets of 1.0
  static const HistogramOptions o = *HistogramOptions::Linear(10.0, 1.0, kWeightEpsilon);
  return o;
}

void ExpectNear(double expected, double actual) {
  EXPECT_NEAR(expected, actual, std::abs(expected) * 1e-15) << "expected " << expected;
}

TEST(HistogramOptionsTest, Linear) {
  auto o = HistogramOptions::Linear(5.0, 0.3, 0.001);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(0.001, o->epsilon());
  EXPECT_EQ(18, o->num_buckets());
  EXPECT_EQ(0.0, o->BucketStart(0));
  EXPECT_EQ(5.1, o->BucketStart(17));
  struct Case {
    double value;
    int bucket;
  };
  for (Case c : {Case{-1.0, 0}, {0.0, 0}, {1.3, 4}, {100.0, 17}}) {
    EXPECT_EQ(c.bucket, o->FindBucket(c.value)) << c.value;
  }
}

TEST(HistogramOptionsTest, Exponential) {
  auto o = HistogramOptions::Exponential(500.0, 40.0, 1.5, 0.001);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(6, o->num_buckets());
  const double starts[] = {0.0, 40.0, 100.0, 190.0, 325.0, 527.5};
  for (int b = 0; b < 6; ++b) EXPECT_EQ(starts[b], o->BucketStart(b)) << b;
  struct Case {
    double value;
    int bucket;
  };
  for (Case c : {Case{-1.0, 0}, {39.99, 0}, {40.0, 1}, {100.0, 2}, {900.0, 5}}) {
    EXPECT_EQ(c.bucket, o->FindBucket(c.value)) << c.value;
  }
}

TEST(HistogramOptionsTest, VpaDefaults) {
  const HistogramOptions& cpu = HistogramOptions::DefaultCpu();
  const HistogramOptions& memory = HistogramOptions::DefaultMemory();
  EXPECT_EQ(176, cpu.num_buckets());
  EXPECT_EQ(176, memory.num_buckets());
  EXPECT_EQ(1e-4, cpu.epsilon());
  ExpectNear(0.01, cpu.BucketStart(1));
  ExpectNear(0.0205, cpu.BucketStart(2));
  ExpectNear(1e7, memory.BucketStart(1));
  EXPECT_EQ(25, cpu.FindBucket(0.5));
  EXPECT_EQ(175, cpu.FindBucket(5000.0));
  EXPECT_EQ(0, memory.FindBucket(9.99e6));
}

TEST(HistogramOptionsTest, RejectsInvalid) {
  EXPECT_FALSE(HistogramOptions::Exponential(0, 1, 1.5, 1).ok());
  EXPECT_FALSE(HistogramOptions::Exponential(1, 1, 1.0, 1).ok());
  EXPECT_FALSE(HistogramOptions::Linear(1, 0, 1).ok());
  EXPECT_FALSE(HistogramOptions::Linear(1, 1, 0).ok());
}

TEST(HistogramTest, PercentilesOfEmptyHistogramAreZero) {
  Histogram h(&TestOptions());
  for (double p : {-0.5, 0.0, 0.5, 1.0, 1.5}) EXPECT_EQ(0.0, h.Percentile(p));
}

TEST(HistogramTest, Percentiles) {
  Histogram h(&TestOptions());
  for (int i = 1; i <= 4; ++i) h.AddSample(i, i);
  struct Case {
    double p;
    double value;
  };
  for (Case c : {Case{0.0, 2},
                 {0.1, 2},
                 {0.2, 3},
                 {0.3, 3},
                 {0.4, 4},
                 {0.5, 4},
                 {0.6, 4},
                 {0.7, 5},
                 {0.8, 5},
                 {0.9, 5},
                 {1.0, 5}}) {
    EXPECT_DOUBLE_EQ(c.value, h.Percentile(c.p)) << c.p;
  }
}

TEST(HistogramTest, PercentileOutOfBounds) {
  auto options = *HistogramOptions::Linear(1.0, 0.1, kWeightEpsilon);
  Histogram h(&options);
  h.AddSample(0.1, 0.1);
  h.AddSample(0.2, 0.2);
  ExpectNear(0.2, h.Percentile(-0.1));
  ExpectNear(0.3, h.Percentile(1.1));
  h.AddSample(0.0, 0.1);
  h.AddSample(1.0, 0.2);
  ExpectNear(0.1, h.Percentile(-0.1));
  ExpectNear(1.0, h.Percentile(1.1));
}

TEST(HistogramTest, EmptyBelowEpsilon) {
  auto options = *HistogramOptions::Linear(1.0, 0.1, kWeightEpsilon);
  Histogram h(&options);
  EXPECT_TRUE(h.IsEmpty());
  h.AddSample(0.1, kWeightEpsilon * 2.5);
  EXPECT_FALSE(h.IsEmpty());
  h.SubtractSample(0.1, kWeightEpsilon);
  EXPECT_FALSE(h.IsEmpty());
  h.SubtractSample(0.1, kWeightEpsilon);
  EXPECT_TRUE(h.IsEmpty());
}

TEST(HistogramTest, NonEmptyOnEpsilonAddition) {
  auto options = *HistogramOptions::Linear(1.0, 0.1, kWeightEpsilon);
  Histogram h(&options);
  h.AddSample(9.9, kWeightEpsilon * 3);
  EXPECT_FALSE(h.IsEmpty());
  h.AddSample(0.1, kWeightEpsilon * 0.3);
  EXPECT_FALSE(h.IsEmpty());
  h.AddSample(999.9, kWeightEpsilon * 0.3);
  EXPECT_FALSE(h.IsEmpty());
}

TEST(HistogramTest, Merge) {
  Histogram h1(&TestOptions()), h2(&TestOptions()), expected(&TestOptions());
  h1.AddSample(1, 1);
  h1.AddSample(2, 1);
  h2.AddSample(2, 1);
  h2.AddSample(3, 1);
  for (double v : {1, 2, 2, 3}) expected.AddSample(v, 1);
  h1.Merge(h2);
  EXPECT_TRUE(h1.Equals(expected));
  EXPECT_EQ(4.0, h1.total_weight());
}

TEST(HistogramTest, SaveToCheckpoint) {
  struct Case {
    const char* name;
    std::vector<std::pair<double, double>> samples;  // value, weight
    double total;
    std::map<int, uint32_t> buckets;
  };
  const Case cases[] = {
      {"empty", {}, 0.0, {}},
      {"one sample", {{1, 1}}, 1.0, {{1, 10000}}},
      {"drops relatively small values", {{1, 1}, {2, 100000}}, 100001.0, {{2, 10000}}},
      {"multiple values", {{1, 1}, {2, 10000}, {3, 50}}, 10051.0, {{1, 1}, {2, 10000}, {3, 50}}},
  };
  for (const Case& c : cases) {
    Histogram h(&TestOptions());
    for (auto [v, w] : c.samples) h.AddSample(v, w);
    HistogramCheckpoint s = h.SaveToCheckpoint();
    EXPECT_EQ(c.total, s.total_weight) << c.name;
    EXPECT_EQ(c.buckets, s.bucket_weights) << c.name;
  }
}

TEST(HistogramTest, LoadFromCheckpoint) {
  Histogram h(&TestOptions());
  ASSERT_TRUE(h.LoadFromCheckpoint({std::nullopt, {{0, 1}, {1, 2}}, 6.0}).ok());
  EXPECT_EQ(6.0, h.total_weight());
  EXPECT_EQ(2.0, h.BucketWeight(0));
  EXPECT_EQ(4.0, h.BucketWeight(1));
}

TEST(HistogramTest, LoadFromCheckpointErrors) {
  struct Case {
    const char* name;
    HistogramCheckpoint checkpoint;
  };
  const Case cases[] = {
      {"negative bucket", {std::nullopt, {{-1, 1}}, 1.0}},
      {"bucket past the end", {std::nullopt, {{99, 1}}, 1.0}},
      {"negative total weight", {std::nullopt, {}, -1.0}},
  };
  for (const Case& c : cases) {
    Histogram h(&TestOptions());
    Status s = h.LoadFromCheckpoint(c.checkpoint);
    EXPECT_EQ(StatusCode::kInvalidArgument, s.code()) << c.name;
  }
}

TEST(HistogramTest, StoresOnlyTheOccupiedWindow) {
  Histogram h(&HistogramOptions::DefaultCpu());
  const size_t empty = h.MemoryUsageBytes();
  EXPECT_LE(empty, 32u);
  h.AddSample(0.5, 1.0);  // bucket 25
  h.AddSample(0.6, 1.0);  // bucket 28
  EXPECT_EQ(empty + 4 * sizeof(double), h.MemoryUsageBytes());
  EXPECT_EQ(25, h.min_bucket());
  EXPECT_EQ(28, h.max_bucket());
  h.SubtractSample(0.6, 1.0);
  EXPECT_EQ(empty + 1 * sizeof(double), h.MemoryUsageBytes());
  EXPECT_EQ(25, h.max_bucket());
  Histogram copy = h;
  EXPECT_TRUE(copy.Equals(h));
}

TEST(RoundTimeTest, RoundsLikeGo) {
  struct Case {
    const char* in;
    Duration d;
    const char* out;
  };
  const Case cases[] = {
      {"2018-01-02T03:04:05Z", hours(24), "2018-01-02T00:00:00Z"},
      {"2018-01-02T12:00:00Z", hours(24), "2018-01-03T00:00:00Z"},  // halfway rounds up
      {"2018-01-02T11:59:59Z", hours(24), "2018-01-02T00:00:00Z"},
      {"2009-02-13T23:31:30Z", hours(1), "2009-02-14T00:00:00Z"},
      {"2009-02-13T23:29:59Z", hours(1), "2009-02-13T23:00:00Z"},
      {"2009-02-13T23:31:30Z", hours(7), "2009-02-13T23:00:00Z"},  // multiples of 7h from year 1
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.out, FormatRfc3339(RoundTime(*ParseRfc3339(c.in), c.d))) << c.in;
  }
}

TEST(DecayingHistogramTest, PercentilesOfEmptyAreZero) {
  DecayingHistogram h(&TestOptions(), hours(1));
  for (double p : {-0.5, 0.0, 0.5, 1.0, 1.5}) EXPECT_EQ(0.0, h.Percentile(p));
}

TEST(DecayingHistogramTest, SimpleDecay) {
  DecayingHistogram h(&TestOptions(), hours(1));
  h.AddSample(2, 1000, kStart);
  h.AddSample(1, 1, kStart + hours(20));  // 2^20 * 0.001 > 1000 times heavier
  ExpectNear(2, h.Percentile(0.999));
  ExpectNear(3, h.Percentile(1.0));
}

TEST(DecayingHistogramTest, LongtermDecay) {
  DecayingHistogram h(&TestOptions(), hours(1));
  h.AddSample(2, 1, kStart);
  h.AddSample(1, 1, kStart + hours(101));  // past 2^maxDecayExponent: renormalized
  ExpectNear(2, h.Percentile(1.0));
}

TEST(DecayingHistogramTest, Percentiles) {
  DecayingHistogram h(&TestOptions(), hours(1));
  Timestamp t = kStart;
  for (int i = 1; i <= 4; ++i, t += hours(1)) h.AddSample(i, i, t);
  // weights: 1*2^-3, 2*2^-2, 3*2^-1, 4*2^0 in buckets 1..4.
  struct Case {
    double p;
    double value;
  };
  for (Case c : {Case{0.00, 2},
                 {0.02, 2},
                 {0.03, 3},
                 {0.10, 3},
                 {0.11, 4},
                 {0.34, 4},
                 {0.35, 5},
                 {1.00, 5}}) {
    ExpectNear(c.value, h.Percentile(c.p));
  }
}

TEST(DecayingHistogramTest, NoDecayAtFixedTime) {
  DecayingHistogram h(&TestOptions(), hours(1));
  for (int i = 1; i <= 4; ++i) h.AddSample(i, i, kStart);
  struct Case {
    double p;
    double value;
  };
  for (Case c : {Case{0.0, 2},
                 {0.1, 2},
                 {0.2, 3},
                 {0.3, 3},
                 {0.4, 4},
                 {0.5, 4},
                 {0.6, 4},
                 {0.7, 5},
                 {0.8, 5},
                 {0.9, 5},
                 {1.0, 5}}) {
    ExpectNear(c.value, h.Percentile(c.p));
  }
}

TEST(DecayingHistogramTest, Merge) {
  DecayingHistogram h1(&TestOptions(), hours(1)), h2(&TestOptions(), hours(1));
  DecayingHistogram expected(&TestOptions(), hours(1));
  h1.AddSample(1, 1, kStart);
  h1.AddSample(2, 1, kStart + hours(1));
  h2.AddSample(2, 1, kStart + hours(2));
  h2.AddSample(3, 1, kStart + hours(1));
  expected.AddSample(2, 1, kStart + hours(2));
  expected.AddSample(2, 1, kStart + hours(1));
  expected.AddSample(3, 1, kStart + hours(1));
  expected.AddSample(1, 1, kStart);
  h1.Merge(h2);
  EXPECT_TRUE(h1.Equals(expected));
}

TEST(DecayingHistogramTest, SaveToCheckpoint) {
  DecayingHistogram h(&TestOptions(), hours(1));
  EXPECT_FALSE(h.reference_timestamp().has_value());
  h.AddSample(2, 1, kStart + hours(100));
  ASSERT_TRUE(h.reference_timestamp().has_value());
  HistogramCheckpoint c = h.SaveToCheckpoint();
  EXPECT_EQ(h.reference_timestamp(), c.reference_timestamp);
  EXPECT_FALSE(c.bucket_weights.empty());
  EXPECT_NE(0.0, c.total_weight);
}

TEST(DecayingHistogramTest, LoadFromCheckpoint) {
  const Timestamp t = *ParseRfc3339("2018-01-02T03:04:05Z");
  DecayingHistogram h(&TestOptions(), hours(1));
  ASSERT_TRUE(h.LoadFromCheckpoint({t, {{0, 1}}, 6.0}).ok());
  EXPECT_FALSE(h.IsEmpty());
  EXPECT_EQ(t, h.reference_timestamp());
}

TEST(DecayingHistogramTest, ReferenceIsAMultipleOfTheHalfLife) {
  DecayingHistogram h(&HistogramOptions::DefaultCpu(), hours(24));
  h.AddSample(0.5, 1.0, *ParseRfc3339("2026-11-27T18:30:00Z"));
  EXPECT_EQ("2026-11-28T00:00:00Z", FormatRfc3339(*h.reference_timestamp()));
  // The sample is 5.5 h before the reference: its weight is 2^(-5.5/24).
  ExpectNear(std::exp2(-(5.5 / 24.0)), h.histogram().total_weight());
}

}  // namespace
}  // namespace crescendo::vertical
