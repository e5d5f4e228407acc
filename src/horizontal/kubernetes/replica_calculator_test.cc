// Tables for the replica calculator. The scenarios and expected values follow Kubernetes'
// documented HPA algorithm and the expectations of kubernetes
// pkg/controller/podautoscaler/replica_calculator_test.go (pods here carry one container, so a
// Kubernetes fixture of two containers at 1.0 CPU each is one container at 2000m).
#include "horizontal/kubernetes/replica_calculator.h"

#include <gtest/gtest.h>

#include <limits>

#include "horizontal/kubernetes/hpa_test_util.h"

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

// ---------------------------------------------------------------------------------------------
// groupPods

struct GroupCase {
  std::string name;
  std::vector<HpaPod> pods;
  std::vector<PodSample> samples;
  std::string resource;
  int ready_count;
  std::vector<std::string> unready, missing, ignored;
};

HpaPod CpuPod(std::string name, std::optional<ConditionStatus> ready, Duration started_ago,
              Duration transition_ago, PodPhase phase = PodPhase::kRunning) {
  HpaPod p;
  p.name = std::move(name);
  p.phase = phase;
  p.ready = ready;
  p.start_time = kNow - started_ago;
  p.ready_transition_time = kNow - transition_ago;
  return p;
}

PodSample At(std::string pod, Duration ago, Duration window) {
  return PodSample{std::move(pod), 1, kNow - ago, window};
}

class GroupPodsTest : public ::testing::TestWithParam<GroupCase> {};

TEST_P(GroupPodsTest, Groups) {
  const GroupCase& c = GetParam();
  int ready = -1;
  PodGroups g = GroupPods(c.pods, c.samples, c.resource, Context(c.pods), &ready);
  EXPECT_EQ(ready, c.ready_count);
  EXPECT_EQ(g.unready, c.unready);
  EXPECT_EQ(g.missing, c.missing);
  EXPECT_EQ(g.ignored, c.ignored);
}

HpaPod Deleted() {
  HpaPod p = CpuPod("deleted", std::nullopt, hours(1), hours(1), PodPhase::kPending);
  p.deleting = true;
  return p;
}

INSTANTIATE_TEST_SUITE_P(
    Kubernetes, GroupPodsTest,
    ::testing::Values(
        GroupCase{"void", {}, {}, "cpu", 0, {}, {}, {}},
        GroupCase{"memory sample counts whatever the readiness",
                  {CpuPod("bentham", std::nullopt, hours(1), hours(1), PodPhase::kSucceeded)},
                  {At("bentham", seconds(0), minutes(1))},
                  "memory",
                  1,
                  {},
                  {},
                  {}},
        GroupCase{"cpu pod without a ready condition is unready",
                  {CpuPod("lucretius", std::nullopt, seconds(0), seconds(0))},
                  {At("lucretius", seconds(0), minutes(1))},
                  "cpu",
                  0,
                  {"lucretius"},
                  {},
                  {}},
        GroupCase{"cpu pod without a start time is unready",
                  {[] {
                    HpaPod p = CpuPod("p", ConditionStatus::kTrue, hours(1), hours(1));
                    p.start_time.reset();
                    return p;
                  }()},
                  {At("p", seconds(0), minutes(1))},
                  "cpu",
                  0,
                  {"p"},
                  {},
                  {}},
        GroupCase{"ready pod with a fresh sample during initialization counts",
                  {CpuPod("bentham", ConditionStatus::kTrue, minutes(1), seconds(30))},
                  {At("bentham", seconds(0), seconds(30))},
                  "cpu",
                  1,
                  {},
                  {},
                  {}},
        GroupCase{"ready pod with a sample older than one window after readiness is unready",
                  {CpuPod("bentham", ConditionStatus::kTrue, minutes(1), seconds(30))},
                  {At("bentham", seconds(0), seconds(60))},
                  "cpu",
                  0,
                  {"bentham"},
                  {},
                  {}},
        GroupCase{"unready pod during initialization is unready",
                  {CpuPod("lucretius", ConditionStatus::kFalse, minutes(2), minutes(1))},
                  {At("lucretius", seconds(0), minutes(1))},
                  "cpu",
                  0,
                  {"lucretius"},
                  {},
                  {}},
        GroupCase{"ready pod after initialization counts even with a stale sample",
                  {CpuPod("bentham", ConditionStatus::kTrue, minutes(10), minutes(10))},
                  {At("bentham", minutes(8), minutes(1))},
                  "cpu",
                  1,
                  {},
                  {},
                  {}},
        GroupCase{"unready pod that had been ready after initialization counts",
                  {CpuPod("lucretius", ConditionStatus::kFalse, minutes(10), minutes(9))},
                  {At("lucretius", seconds(0), minutes(1))},
                  "cpu",
                  1,
                  {},
                  {},
                  {}},
        GroupCase{
            "unready pod that never became ready after initialization is unready",
            {CpuPod("lucretius", ConditionStatus::kFalse, minutes(10), minutes(10) - seconds(29))},
            {At("lucretius", seconds(0), minutes(1))},
            "cpu",
            0,
            {"lucretius"},
            {},
            {}},
        GroupCase{
            "transition exactly at the readiness delay counts the pod",
            {CpuPod("lucretius", ConditionStatus::kFalse, minutes(10), minutes(10) - seconds(30))},
            {At("lucretius", seconds(0), minutes(1))},
            "cpu",
            1,
            {},
            {},
            {}},
        GroupCase{"unknown readiness after initialization counts",
                  {CpuPod("p", ConditionStatus::kUnknown, minutes(10), minutes(10))},
                  {At("p", seconds(0), minutes(1))},
                  "cpu",
                  1,
                  {},
                  {},
                  {}},
        GroupCase{"a pod without a sample is missing",
                  {CpuPod("epicurus", ConditionStatus::kTrue, minutes(3), minutes(3))},
                  {},
                  "cpu",
                  0,
                  {},
                  {"epicurus"},
                  {}},
        GroupCase{"several pods",
                  {CpuPod("lucretius", std::nullopt, seconds(0), seconds(0)),
                   CpuPod("niccolo", ConditionStatus::kTrue, minutes(10), minutes(10)),
                   CpuPod("epicurus", std::nullopt, minutes(3), minutes(3))},
                  {At("lucretius", seconds(0), minutes(1)), At("niccolo", seconds(0), minutes(1))},
                  "cpu",
                  1,
                  {"lucretius"},
                  {"epicurus"},
                  {}},
        GroupCase{"pending pods are unready",
                  {CpuPod("unscheduled", std::nullopt, seconds(0), seconds(0), PodPhase::kPending)},
                  {},
                  "cpu",
                  0,
                  {"unscheduled"},
                  {},
                  {}},
        GroupCase{"pods being deleted are ignored",
                  {Deleted()},
                  {At("deleted", seconds(0), minutes(1))},
                  "cpu",
                  0,
                  {},
                  {},
                  {"deleted"}},
        GroupCase{
            "failed pods are ignored",
            {CpuPod("failed", ConditionStatus::kFalse, hours(1), hours(1), PodPhase::kFailed)},
            {At("failed", seconds(0), minutes(1))},
            "cpu",
            0,
            {},
            {},
            {"failed"}},
        GroupCase{"custom metrics ignore the cpu readiness rules",
                  {CpuPod("p", ConditionStatus::kFalse, seconds(5), seconds(5))},
                  {At("p", seconds(0), minutes(1))},
                  "",
                  1,
                  {},
                  {},
                  {}}),
    CaseName<GroupCase>);

// ---------------------------------------------------------------------------------------------
// Resource with a Utilization target

struct ResourceCase {
  std::string name;
  int32_t current;
  std::vector<PodSpecRow> pods;
  int32_t target;
  int32_t want_replicas;
  int32_t want_utilization;
  int64_t want_raw;
  Tolerances tolerances = {};
  std::vector<PodSample> extra_samples = {};
  std::string want_error = "";
};

class ResourceUtilizationTest : public ::testing::TestWithParam<ResourceCase> {};

TEST_P(ResourceUtilizationTest, Replicas) {
  const ResourceCase& c = GetParam();
  testing::PodsAndSamples ps = Build(c.pods);
  for (const PodSample& s : c.extra_samples) ps.samples.push_back(s);
  CalcResult r = ResourceUtilizationReplicas(c.current, c.target, "cpu", "", ps.samples,
                                             Context(ps.pods, c.tolerances));
  testing::ExpectCalc(r, c.want_error, c.want_replicas, c.want_raw);
  if (c.want_error.empty()) {
    EXPECT_EQ(r.utilization, c.want_utilization);
  }
}

PodSpecRow R(int64_t usage, Kind kind = Kind::kReady, int64_t request = 2000) {
  return {request, usage, kind};
}
PodSpecRow NoSample(Kind kind = Kind::kReady, int64_t request = 2000) {
  return {request, std::nullopt, kind};
}

const Tolerances kDefault{0.1, 0.1};
const std::vector<PodSpecRow> kMixed(int64_t a, int64_t b, int64_t c) {
  return {R(a, Kind::kReady, 1800), R(b, Kind::kReady, 2000), R(c, Kind::kReady, 2200)};
}

INSTANTIATE_TEST_SUITE_P(
    Kubernetes, ResourceUtilizationTest,
    ::testing::Values(
        ResourceCase{"scale up", 3, {R(600), R(1000), R(1400)}, 30, 5, 50, 1000},
        ResourceCase{"unready pod scales less",
                     3,
                     {R(600, Kind::kUnready), R(1000), R(1400)},
                     30,
                     4,
                     60,
                     1200},
        ResourceCase{
            "hot cpu pod scales less", 3, {R(600, Kind::kHot), R(1000), R(1400)}, 30, 4, 60, 1200},
        ResourceCase{"unready pods filled at zero flip the direction",
                     3,
                     {R(800), R(1000, Kind::kUnready), R(1400, Kind::kUnready)},
                     30,
                     3,
                     40,
                     800},
        ResourceCase{"hot cpu pods filled at zero flip the direction",
                     3,
                     {R(800), R(1000, Kind::kHot), R(1400, Kind::kHot)},
                     30,
                     3,
                     40,
                     800},
        ResourceCase{"failed pods ignored on scale up",
                     2,
                     {R(1000), R(1400), NoSample(Kind::kFailed), NoSample(Kind::kFailed)},
                     30,
                     4,
                     60,
                     1200},
        ResourceCase{"pods being deleted ignored on scale up",
                     2,
                     {R(1000), R(1400), NoSample(Kind::kDeleting), NoSample(Kind::kDeleting)},
                     30,
                     4,
                     60,
                     1200},
        ResourceCase{"scale down", 5, {R(200), R(600), R(1000), R(500), R(500)}, 50, 3, 28, 560},
        ResourceCase{"scale down excludes unready pods",
                     5,
                     {R(200), R(600), R(1000), R(500, Kind::kUnready), R(500, Kind::kUnready)},
                     50,
                     2,
                     30,
                     600},
        ResourceCase{"scale down excludes pending pods",
                     5,
                     {R(200), NoSample(Kind::kPending), NoSample(Kind::kPending),
                      NoSample(Kind::kPending), NoSample(Kind::kPending)},
                     50,
                     1,
                     10,
                     200},
        ResourceCase{"scale down ignores hot cpu pods",
                     5,
                     {R(200), R(600), R(1000), R(500, Kind::kHot), R(500, Kind::kHot)},
                     50,
                     2,
                     30,
                     600},
        ResourceCase{"failed pods ignored on scale down",
                     5,
                     {R(200), R(600), R(1000), R(500), R(500), NoSample(Kind::kFailed),
                      NoSample(Kind::kFailed)},
                     50,
                     3,
                     28,
                     560},
        ResourceCase{"pods being deleted ignored on scale down",
                     5,
                     {R(200), R(600), R(1000), R(500), R(500), R(900, Kind::kDeleting),
                      R(900, Kind::kDeleting)},
                     50,
                     3,
                     28,
                     560},
        ResourceCase{"within default tolerance", 3, kMixed(2020, 2060, 2040), 100, 3, 102, 2040},
        ResourceCase{
            "outside a zero tolerance", 3, kMixed(1818, 2020, 2222), 100, 4, 101, 2020, {0, 0}},
        ResourceCase{"within a 200% scale-up tolerance",
                     3,
                     kMixed(3780, 3820, 3800),
                     100,
                     3,
                     190,
                     3800,
                     {0.1, 2.0}},
        ResourceCase{"outside an 8% scale-up tolerance",
                     3,
                     kMixed(2200, 2160, 2180),
                     100,
                     4,
                     109,
                     2180,
                     {2.0, 0.08}},
        ResourceCase{"within a 36% scale-down tolerance",
                     3,
                     kMixed(1320, 1280, 1300),
                     100,
                     3,
                     65,
                     1300,
                     {0.36, 0.1}},
        ResourceCase{"outside a 34% scale-down tolerance",
                     3,
                     kMixed(1320, 1280, 1300),
                     100,
                     2,
                     65,
                     1300,
                     {0.34, 0.1}},
        ResourceCase{
            "tolerance band is inclusive at 1.1", 2, {R(2200), R(2200)}, 100, 2, 110, 2200},
        ResourceCase{"percentage truncated before the ratio",
                     2,
                     {R(2239), R(2239)},
                     100,
                     2,
                     111,
                     2239,
                     {0.1, 0.115}},
        ResourceCase{"superfluous samples are not counted against requests",
                     4,
                     {R(8000), R(19000), R(6000), R(14000)},
                     100,
                     24,
                     587,
                     11750,
                     kDefault,
                     {testing::Sample("gone-1", 6400), testing::Sample("gone-2", 4000)}},
        ResourceCase{"missing pods count at 100% on scale down",
                     4,
                     {R(800), R(190), NoSample(), NoSample()},
                     100,
                     3,
                     24,
                     495},
        ResourceCase{"metric equal to target with a missing pod",
                     2,
                     {R(2000), NoSample()},
                     100,
                     2,
                     100,
                     2000},
        ResourceCase{"missing pod at zero brings a scale up within tolerance",
                     2,
                     {R(3800), NoSample()},
                     100,
                     2,
                     190,
                     3800},
        ResourceCase{"missing pod at 100% keeps a small scale down",
                     2,
                     {R(1200), NoSample()},
                     100,
                     2,
                     60,
                     1200},
        ResourceCase{"missing pod at 100% flips an unready scale down",
                     3,
                     {R(200, Kind::kUnready), R(900), NoSample()},
                     50,
                     3,
                     45,
                     900},
        ResourceCase{"unready pod and missing pod at zero on scale up",
                     3,
                     {R(200, Kind::kUnready), R(4000), NoSample()},
                     50,
                     4,
                     200,
                     4000},
        ResourceCase{"hot pod and missing pod at zero on scale up",
                     3,
                     {R(200, Kind::kHot), R(4000), NoSample()},
                     50,
                     4,
                     200,
                     4000},
        ResourceCase{"unready pod not filled on scale down",
                     4,
                     {R(200, Kind::kUnready), R(200), R(200), NoSample()},
                     50,
                     3,
                     10,
                     200},
        ResourceCase{"missing pod at the target when the target is above 100%",
                     4,
                     {R(400, Kind::kUnready, 2000), R(200, Kind::kReady, 2000),
                      R(200, Kind::kReady, 4000), NoSample(Kind::kReady, 4000)},
                     300,
                     2,
                     6,
                     200},
        ResourceCase{"rolling update surge pod without a sample keeps the count",
                     2,
                     {R(200), R(200), NoSample()},
                     50,
                     2,
                     10,
                     200},
        ResourceCase{"disjoint pod and sample names",
                     1,
                     {NoSample()},
                     100,
                     0,
                     0,
                     0,
                     kDefault,
                     {testing::Sample("an-older-pod-name", 200)},
                     "no metrics returned matched known pods"},
        ResourceCase{"only unready pods have samples",
                     2,
                     {R(200, Kind::kUnready), R(200, Kind::kPending)},
                     50,
                     0,
                     0,
                     0,
                     kDefault,
                     {},
                     "did not receive metrics for targeted pods (pods might be unready)"},
        ResourceCase{"zero request",
                     1,
                     {R(200, Kind::kReady, 0)},
                     100,
                     0,
                     0,
                     0,
                     kDefault,
                     {},
                     "no metrics returned matched known pods"},
        ResourceCase{"no pods",
                     1,
                     {},
                     100,
                     0,
                     0,
                     0,
                     kDefault,
                     {},
                     "no pods returned by selector while calculating replica count"}),
    CaseName<ResourceCase>);

TEST(ResourceUtilizationTest, ComputedToleranceBoundary) {
  // Kubernetes' TestReplicaCalcComputedToleranceAlgImplementation: 10 pods using 150m of about
  // 300m requested (50%); a target just past 1/(2 x 0.9) scales down, one just inside does not.
  std::vector<PodSpecRow> rows;
  for (int64_t delta : {100, -100, 10, -10, 2, -2, 1, -1, 0, 0}) {
    rows.push_back(R(150, Kind::kReady, 300 + delta));
  }
  testing::PodsAndSamples ps = Build(rows);
  const double base = 1.0 / (2.0 * (1 - 0.1));
  CalcResult scaled = ResourceUtilizationReplicas(10, static_cast<int32_t>((base + .01) * 100),
                                                  "cpu", "", ps.samples, Context(ps.pods));
  EXPECT_EQ(scaled.replicas, 9);  // ceil(50/56 x 10)
  CalcResult kept = ResourceUtilizationReplicas(10, static_cast<int32_t>((base + .004) * 100),
                                                "cpu", "", ps.samples, Context(ps.pods));
  EXPECT_EQ(kept.replicas, 10);
}

TEST(ResourceUtilizationTest, ContainerRequestsAndSamples) {
  std::vector<HpaPod> pods;
  std::vector<PodSample> samples;
  for (int i = 0; i < 3; ++i) {
    HpaPod p = testing::MakePod(testing::PodName(i), 1000, Kind::kReady);
    p.containers.push_back({"sidecar", {{"cpu", 1000}}});
    pods.push_back(p);
    samples.push_back(testing::Sample(p.name, 300 + 200 * i));  // the app container's usage
  }
  CalcResult r = ResourceUtilizationReplicas(3, 30, "cpu", "app", samples, Context(pods));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.utilization, 50);
  EXPECT_EQ(r.usage_milli, 500);
  EXPECT_EQ(r.replicas, 5);
  CalcResult missing = ResourceUtilizationReplicas(3, 30, "cpu", "web", samples, Context(pods));
  EXPECT_EQ(missing.error, "container web not found in Pod pod-0");
}

TEST(ResourceUtilizationTest, MemoryIgnoresReadiness) {
  testing::PodsAndSamples ps =
      Build({R(900, Kind::kUnready, 1000), R(900, Kind::kReady, 1000), R(900, Kind::kHot, 1000)},
            "memory");
  CalcResult r = ResourceUtilizationReplicas(3, 50, "memory", "", ps.samples, Context(ps.pods));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.utilization, 90);
  EXPECT_EQ(r.replicas, 6);  // ceil(1.8 x 3): unready memory samples count
  EXPECT_EQ(r.groups.ready.size(), 3u);
}

}  // namespace
}  // namespace crescendo::hpa::internal
