// Tables for the Pods, Resource AverageValue, Object and External calculators and for pod
// requests. Scenarios and expected values follow Kubernetes' documented behavior and kubernetes
// pkg/controller/podautoscaler/replica_calculator_test.go (values are milli-units).
#include <gtest/gtest.h>

#include <limits>

#include "horizontal/kubernetes/hpa_test_util.h"
#include "horizontal/kubernetes/replica_calculator.h"

namespace crescendo::hpa::internal {
namespace {

using testing::Build;
using testing::CaseName;
using testing::Context;
using testing::Kind;
using testing::kNow;
using testing::PodSpecRow;

using testing::kMaxInt32;
using testing::kMaxInt64;

PodSpecRow V(int64_t value, Kind kind = Kind::kReady) { return {1000, value, kind}; }
PodSpecRow NoValue(Kind kind = Kind::kReady) { return {1000, std::nullopt, kind}; }

// ---------------------------------------------------------------------------------------------
// Pods metrics and Resource AverageValue (calcPlainMetricReplicas)

struct PlainCase {
  std::string name;
  int32_t current;
  std::vector<PodSpecRow> pods;
  int64_t target;
  int32_t want_replicas;
  int64_t want_usage;
  std::string resource = "";
  Tolerances tolerances = {};
  std::vector<PodSample> extra = {};
  std::string want_error = "";
};

class PlainMetricTest : public ::testing::TestWithParam<PlainCase> {};

TEST_P(PlainMetricTest, Replicas) {
  const PlainCase& c = GetParam();
  testing::PodsAndSamples ps = Build(c.pods);
  for (const PodSample& s : c.extra) ps.samples.push_back(s);
  CalcResult r = PlainMetricReplicas(c.current, c.target, c.resource, ps.samples,
                                     Context(ps.pods, c.tolerances));
  testing::ExpectCalc(r, c.want_error, c.want_replicas, c.want_usage);
}

INSTANTIATE_TEST_SUITE_P(
    Kubernetes, PlainMetricTest,
    ::testing::Values(
        PlainCase{"scale up", 3, {V(20000), V(10000), V(30000)}, 15000, 4, 20000},
        PlainCase{"unready pods count for custom metrics",
                  3,
                  {V(50000), V(10000), V(30000, Kind::kUnready)},
                  15000,
                  6,
                  30000},
        PlainCase{"hot pods count for custom metrics",
                  3,
                  {V(50000, Kind::kHot), V(15000), V(30000, Kind::kHot)},
                  15000,
                  7,
                  31666},
        PlainCase{
            "scale down", 5, {V(12000), V(12000), V(12000), V(12000), V(12000)}, 20000, 3, 12000},
        PlainCase{"within default tolerance", 3, {V(20000), V(21000), V(21000)}, 20000, 3, 20666},
        PlainCase{"outside a 1% scale-up tolerance",
                  3,
                  {V(20000), V(21000), V(21000)},
                  20000,
                  4,
                  20666,
                  "",
                  {0.1, 0.01}},
        PlainCase{"missing pods at a ratio of exactly one keep the count",
                  5,
                  {V(20000), V(19000), V(21000), NoValue(), NoValue()},
                  20000,
                  5,
                  20000},
        PlainCase{"rolling update surge pod without a sample keeps the count",
                  2,
                  {V(10000), V(10000), NoValue()},
                  17000,
                  2,
                  10000},
        PlainCase{"missing pods at the target on scale down",
                  4,
                  {V(1000), V(1000), NoValue(), NoValue()},
                  10000,
                  3,
                  1000},
        PlainCase{"pending pod counted at zero on scale up",
                  2,
                  {V(30000), V(30000), NoValue(Kind::kPending)},
                  15000,
                  4,
                  30000},
        PlainCase{"missing pod counted at zero on scale up",
                  2,
                  {V(45000), V(45000), NoValue()},
                  15000,
                  6,
                  45000},
        PlainCase{"cpu average value fills an unready pod at zero",
                  3,
                  {V(1000), V(1000), V(1000, Kind::kUnready)},
                  500,
                  4,
                  1000,
                  "cpu"},
        PlainCase{"cpu average value within tolerance", 2, {V(520), V(530)}, 500, 2, 525, "cpu"},
        PlainCase{"memory average value ignores readiness",
                  2,
                  {V(2000), V(2000, Kind::kUnready)},
                  1000,
                  4,
                  2000,
                  "memory"},
        PlainCase{"superfluous samples are counted",
                  2,
                  {V(10000), V(10000)},
                  10000,
                  4,
                  20000,
                  "",
                  {},
                  {testing::Sample("old-pod", 40000)}},
        PlainCase{"no pods",
                  1,
                  {},
                  1000,
                  0,
                  0,
                  "",
                  {},
                  {},
                  "no pods returned by selector while calculating replica count"},
        PlainCase{"only pending pods",
                  2,
                  {NoValue(Kind::kPending), NoValue(Kind::kPending)},
                  1000,
                  0,
                  0,
                  "",
                  {},
                  {},
                  "did not receive metrics for targeted pods (pods might be unready)"}),
    CaseName<PlainCase>);

// ---------------------------------------------------------------------------------------------
// Object and External values (GetObjectMetricReplicas, GetExternalMetricReplicas)

struct ValueCase {
  std::string name;
  int32_t current;
  std::vector<Kind> pods;
  std::vector<int64_t> series;  // summed as an External metric
  int64_t target;
  int32_t want_replicas;
  int64_t want_usage;
  Tolerances tolerances = {};
  std::string want_error = "";
};

class ValueMetricTest : public ::testing::TestWithParam<ValueCase> {};

TEST_P(ValueMetricTest, Replicas) {
  const ValueCase& c = GetParam();
  std::vector<PodSpecRow> rows;
  for (Kind k : c.pods) rows.push_back(NoValue(k));
  testing::PodsAndSamples ps = Build(rows);
  const int64_t usage = SumExternalValue(c.series);
  CalcResult r = ValueMetricReplicas(c.current, usage, c.target, Context(ps.pods, c.tolerances));
  testing::ExpectCalc(r, c.want_error, c.want_replicas, c.want_usage);
}

const std::vector<Kind> kThree{Kind::kReady, Kind::kReady, Kind::kReady};
const std::vector<Kind> kFive{Kind::kReady, Kind::kReady, Kind::kReady, Kind::kReady, Kind::kReady};

INSTANTIATE_TEST_SUITE_P(
    Kubernetes, ValueMetricTest,
    ::testing::Values(
        ValueCase{"object scale up", 3, kThree, {20000}, 15000, 4, 20000},
        ValueCase{"object saturates at the int32 maximum",
                  3,
                  kThree,
                  {kMaxInt64},
                  1,
                  kMaxInt32,
                  kMaxInt64},
        ValueCase{"object counts ready pods only",
                  3,
                  {Kind::kUnready, Kind::kReady, Kind::kUnready},
                  {50000},
                  10000,
                  5,
                  50000},
        ValueCase{"object scale down", 5, kFive, {12000}, 20000, 3, 12000},
        ValueCase{"object within default tolerance", 3, kThree, {20666}, 20000, 3, 20666},
        ValueCase{
            "object outside a 1% tolerance", 3, kThree, {20666}, 20000, 4, 20666, {0.1, 0.01}},
        ValueCase{"from zero replicas the ratio alone decides", 0, {}, {25000}, 10000, 3, 25000},
        ValueCase{"zero stays zero", 0, {}, {0}, 10000, 0, 0},
        ValueCase{"external ignores unready pods",
                  3,
                  {Kind::kUnready, Kind::kReady, Kind::kUnready},
                  {8600},
                  4400,
                  2,
                  8600},
        ValueCase{"external scale down", 5, kFive, {8600}, 14334, 3, 8600},
        ValueCase{"external within default tolerance", 3, kThree, {8600}, 8888, 3, 8600},
        ValueCase{"external outside a 1% tolerance", 3, kThree, {8900}, 8800, 4, 8900, {0.1, 0.01}},
        ValueCase{"external series are summed", 3, kThree, {3000, 5600}, 4300, 6, 8600},
        ValueCase{"external sum saturates at the int64 maximum",
                  3,
                  kThree,
                  {kMaxInt64 / 2 + 1, kMaxInt64 / 2 + 1},
                  kMaxInt64,
                  3,
                  kMaxInt64},
        ValueCase{"pending pods are not ready",
                  2,
                  {Kind::kReady, Kind::kPending},
                  {40000},
                  10000,
                  4,
                  40000},
        ValueCase{"no pods outside tolerance",
                  2,
                  {},
                  {40000},
                  10000,
                  0,
                  0,
                  {},
                  "unable to calculate ready pods: no pods returned by selector while "
                  "calculating replica count"}),
    CaseName<ValueCase>);

// ---------------------------------------------------------------------------------------------
// Object and External average values (Get{Object,External}PerPodMetricReplicas)

struct PerPodCase {
  std::string name;
  int32_t status_replicas;
  std::vector<int64_t> series;
  int64_t target_per_pod;
  int32_t want_replicas;
  int64_t want_usage;
  Tolerances tolerances = {};
};

class PerPodMetricTest : public ::testing::TestWithParam<PerPodCase> {};

TEST_P(PerPodMetricTest, Replicas) {
  const PerPodCase& c = GetParam();
  CalcResult r = PerPodMetricReplicas(c.status_replicas, SumExternalPerPodValue(c.series),
                                      c.target_per_pod, Context({}, c.tolerances));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.replicas, c.want_replicas);
  EXPECT_EQ(r.usage_milli, c.want_usage);
}

INSTANTIATE_TEST_SUITE_P(
    Kubernetes, PerPodMetricTest,
    ::testing::Values(
        PerPodCase{"object scale up", 3, {20000}, 5000, 4, 6667},
        PerPodCase{"object scale down", 5, {6000}, 2000, 3, 1200},
        PerPodCase{"object within default tolerance", 4, {20166}, 5000, 4, 5042},
        PerPodCase{"object outside a 1% tolerance", 4, {20208}, 5000, 5, 5052, {0.1, 0.01}},
        PerPodCase{"external replicas saturate at the int32 maximum",
                   1,
                   {kMaxInt64},
                   1,
                   kMaxInt32,
                   kMaxInt64},
        PerPodCase{"external huge target keeps the count", 1, {kMaxInt64}, kMaxInt64, 1, kMaxInt64},
        PerPodCase{"external scale up", 3, {8600}, 2150, 4, 2867},
        PerPodCase{"external scale down", 5, {8600}, 2867, 3, 1720},
        PerPodCase{"external within default tolerance", 3, {8600}, 2900, 3, 2867},
        PerPodCase{"external outside a 1% tolerance", 3, {8600}, 2800, 4, 2867, {0.1, 0.01}},
        PerPodCase{
            "external series overflow saturates", 2, {kMaxInt64, 1}, kMaxInt64, 1, kMaxInt64},
        PerPodCase{"external series are summed", 2, {1000, 3000}, 1000, 4, 2000}),
    CaseName<PerPodCase>);

// ---------------------------------------------------------------------------------------------
// Pod requests (calculateRequests)

struct RequestsCase {
  std::string name;
  HpaPod pod;
  std::string container;
  bool pod_level;
  int64_t want;
  std::string want_error;
};

HpaPod TwoContainers(bool first_has_request, std::optional<int64_t> pod_level) {
  HpaPod p;
  p.name = "test-pod";
  p.containers.push_back({"container1", {}});
  if (first_has_request) p.containers[0].requests_milli["cpu"] = 100;
  p.containers.push_back({"container2", {{"cpu", 50}}});
  if (pod_level.has_value())
    p.pod_requests_milli = std::map<std::string, int64_t>{{"cpu", *pod_level}};
  return p;
}

class RequestsTest : public ::testing::TestWithParam<RequestsCase> {};

TEST_P(RequestsTest, Requests) {
  const RequestsCase& c = GetParam();
  std::vector<HpaPod> pods{c.pod};
  std::vector<int64_t> requests;
  std::string error = CalculateRequests(pods, c.container, "cpu", c.pod_level, &requests);
  EXPECT_EQ(error, c.want_error);
  if (c.want_error.empty()) {
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0], c.want);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Kubernetes, RequestsTest,
    ::testing::Values(
        RequestsCase{"containers are summed", TwoContainers(true, std::nullopt), "", true, 150, ""},
        RequestsCase{"pod level requests win", TwoContainers(true, 800), "", true, 800, ""},
        RequestsCase{"pod level requests ignored when the gate is off", TwoContainers(true, 800),
                     "", false, 150, ""},
        RequestsCase{"a container without a request fails", TwoContainers(false, std::nullopt), "",
                     true, 0, "missing request for cpu in container container1 of Pod test-pod"},
        RequestsCase{"pod level requests cover a missing container request",
                     TwoContainers(false, 800), "", true, 800, ""},
        RequestsCase{"a named container alone", TwoContainers(true, std::nullopt), "container1",
                     true, 100, ""},
        RequestsCase{"a named container ignores pod level requests", TwoContainers(true, 800),
                     "container1", true, 100, ""},
        RequestsCase{"an absent named container fails", TwoContainers(true, std::nullopt),
                     "non-existent-container", true, 0,
                     "container non-existent-container not found in Pod test-pod"}),
    CaseName<RequestsCase>);

TEST(ToleranceTest, BandIsInclusive) {
  const Tolerances t{0.1, 0.1};
  EXPECT_TRUE(t.IsWithin(0.9));
  EXPECT_TRUE(t.IsWithin(1.1));
  EXPECT_FALSE(t.IsWithin(0.89));
  EXPECT_FALSE(t.IsWithin(1.11));
  const Tolerances asymmetric{0.5, 0.0};
  EXPECT_TRUE(asymmetric.IsWithin(0.5));
  EXPECT_FALSE(asymmetric.IsWithin(1.001));
}

TEST(SaturatingCeilTest, Bounds) {
  EXPECT_EQ(SaturatingCeil(2.01), 3);
  EXPECT_EQ(SaturatingCeil(-0.5), 0);
  EXPECT_EQ(SaturatingCeil(1e300), kMaxInt32);
  EXPECT_EQ(SaturatingCeil(std::numeric_limits<double>::quiet_NaN()), 0);
}

}  // namespace
}  // namespace crescendo::hpa::internal
