// End-to-end reconciles: metric proposals, normalization paths and the status conditions, as
// kubernetes pkg/controller/podautoscaler/horizontal_test.go checks them (its statusOk is
// AbleToScale/SucceededRescale, ScalingActive/ValidMetricFound, ScalingLimited/DesiredWithinRange).
#include <gtest/gtest.h>

#include "crescendo/horizontal/kubernetes_hpa.h"
#include "horizontal/kubernetes/hpa_test_util.h"

namespace crescendo::hpa {
namespace {

using testing::Build;
using testing::CaseName;
using testing::Kind;
using testing::kNow;
using testing::PodSpecRow;

MetricSpec CpuUtilization(int32_t percent) {
  MetricSpec m;
  m.type = MetricSourceType::kResource;
  m.name = "cpu";
  m.target.type = MetricTargetType::kUtilization;
  m.target.average_utilization = percent;
  return m;
}

MetricSpec PodsAverage(const std::string& name, int64_t milli) {
  MetricSpec m;
  m.type = MetricSourceType::kPods;
  m.name = name;
  m.target.type = MetricTargetType::kAverageValue;
  m.target.average_value = Quantity::FromMilli(milli);
  return m;
}

MetricSpec ExternalValue(const std::string& name, int64_t milli) {
  MetricSpec m;
  m.type = MetricSourceType::kExternal;
  m.name = name;
  m.selector = {{"label", "value"}};
  m.target.type = MetricTargetType::kValue;
  m.target.value = Quantity::FromMilli(milli);
  return m;
}

// A concise condition for comparisons: "Type=Status/Reason".
std::vector<std::string> Conditions(const HpaDecision& d) {
  std::vector<std::string> out;
  for (const HpaCondition& c : d.state.conditions) {
    out.push_back(c.type + "=" + std::string(ConditionStatusName(c.status)) + "/" + c.reason);
  }
  return out;
}

const std::vector<std::string> kStatusOk{"AbleToScale=True/SucceededRescale",
                                         "ScalingActive=True/ValidMetricFound",
                                         "ScalingLimited=False/DesiredWithinRange"};

struct ControllerCase {
  std::string name;
  int32_t current;
  int32_t min = 1, max = 10;
  std::vector<MetricSpec> metrics;
  std::vector<PodSpecRow> pods;
  // Readings beyond the cpu samples of `pods` (in metric order after the first).
  std::vector<MetricReading> more_readings;
  std::optional<HpaBehavior> behavior;
  std::vector<TimestampedRecommendation> log;
  int32_t want_desired;
  std::optional<int32_t> want_proposed;
  std::vector<std::string> want_conditions;
  bool want_ok = true;
  bool fresh = false;  // no memory at all: the first reconcile of this HPA
};

class ControllerTest : public ::testing::TestWithParam<ControllerCase> {};

TEST_P(ControllerTest, Reconcile) {
  const ControllerCase& c = GetParam();
  HorizontalSpec spec;
  spec.min_replicas = c.min;
  spec.max_replicas = c.max;
  spec.metrics = c.metrics;
  spec.behavior = c.behavior;
  testing::PodsAndSamples ps = Build(c.pods);
  std::vector<MetricReading> readings;
  readings.push_back(MetricReading{{}, ps.samples, {}});
  for (const MetricReading& r : c.more_readings) readings.push_back(r);
  HpaInput in;
  in.spec = &spec;
  in.spec_replicas = c.current;
  in.status_replicas = c.current;
  in.pods = ps.pods;
  in.readings = readings;
  in.now = kNow;
  HpaControllerState state;
  state.initialized = !c.fresh;
  state.recommendations = c.log;
  HpaDecision d = EvaluateHpa(in, state, HpaControllerSettings{});
  EXPECT_EQ(d.desired_replicas, c.want_desired);
  EXPECT_EQ(d.proposed_replicas, c.want_proposed);
  EXPECT_EQ(Conditions(d), c.want_conditions);
  EXPECT_EQ(d.status.ok(), c.want_ok) << d.status.ToString();
}

std::vector<PodSpecRow> Cpu(std::vector<int64_t> usage) {
  std::vector<PodSpecRow> rows;
  for (int64_t u : usage) rows.push_back({2000, u, Kind::kReady});
  return rows;
}

MetricReading Samples(std::vector<int64_t> values) {
  MetricReading r;
  for (size_t i = 0; i < values.size(); ++i)
    r.pods.push_back(testing::Sample(testing::PodName(i), values[i]));
  return r;
}

MetricReading Failed(const std::string& message) {
  return MetricReading{UnavailableError(message), {}, {}};
}

TimestampedRecommendation Rec(int32_t replicas, Duration ago) { return {replicas, kNow - ago}; }

HpaBehavior DefaultBehavior() { return HpaBehavior{ScalingRules{}, ScalingRules{}}; }

HpaBehavior WithTolerance(double up, double down) {
  HpaBehavior b = DefaultBehavior();
  b.scale_up->tolerance = up;
  b.scale_down->tolerance = down;
  return b;
}

INSTANTIATE_TEST_SUITE_P(
    Kubernetes, ControllerTest,
    ::testing::Values(
        ControllerCase{"scale up",
                       3,
                       1,
                       10,
                       {CpuUtilization(30)},
                       Cpu({600, 1000, 1400}),
                       {},
                       std::nullopt,
                       {},
                       5,
                       5,
                       kStatusOk},
        ControllerCase{"default metric is cpu at 80 percent",
                       3,
                       1,
                       10,
                       {},
                       Cpu({2000, 2000, 2000}),
                       {},
                       std::nullopt,
                       {},
                       4,
                       4,
                       kStatusOk},
        ControllerCase{"scale down",
                       5,
                       1,
                       10,
                       {CpuUtilization(50)},
                       Cpu({200, 600, 1000, 500, 500}),
                       {},
                       std::nullopt,
                       {},
                       3,
                       3,
                       kStatusOk},
        ControllerCase{"no scale within tolerance",
                       3,
                       1,
                       10,
                       {CpuUtilization(50)},
                       Cpu({1000, 1000, 1000}),
                       {},
                       std::nullopt,
                       {},
                       3,
                       3,
                       {"AbleToScale=True/ReadyForNewScale", "ScalingActive=True/ValidMetricFound",
                        "ScalingLimited=False/DesiredWithinRange"}},
        ControllerCase{
            "first reconcile cannot scale down",
            5,
            1,
            10,
            {CpuUtilization(50)},
            Cpu({200, 600, 1000, 500, 500}),
            {},
            std::nullopt,
            {},
            5,
            3,
            {"AbleToScale=True/ScaleDownStabilized", "ScalingActive=True/ValidMetricFound",
             "ScalingLimited=False/DesiredWithinRange"},
            true,
            true},
        ControllerCase{"recent higher recommendation stabilizes the scale down",
                       5,
                       1,
                       10,
                       {CpuUtilization(50)},
                       Cpu({200, 600, 1000, 500, 500}),
                       {},
                       std::nullopt,
                       {Rec(4, minutes(3))},
                       4,
                       3,
                       {"AbleToScale=True/SucceededRescale", "ScalingActive=True/ValidMetricFound",
                        "ScalingLimited=False/DesiredWithinRange"}},
        ControllerCase{"old recommendation does not stabilize",
                       5,
                       1,
                       10,
                       {CpuUtilization(50)},
                       Cpu({200, 600, 1000, 500, 500}),
                       {},
                       std::nullopt,
                       {Rec(9, minutes(6))},
                       3,
                       3,
                       kStatusOk},
        ControllerCase{"scale up limited to double",
                       2,
                       1,
                       20,
                       {CpuUtilization(10)},
                       Cpu({2000, 2000}),
                       {},
                       std::nullopt,
                       {},
                       4,
                       20,
                       {"AbleToScale=True/SucceededRescale", "ScalingActive=True/ValidMetricFound",
                        "ScalingLimited=True/ScaleUpLimit"}},
        ControllerCase{"scale up limited by max",
                       3,
                       1,
                       5,
                       {CpuUtilization(30)},
                       Cpu({2000, 2000, 2000}),
                       {},
                       std::nullopt,
                       {},
                       5,
                       10,
                       {"AbleToScale=True/SucceededRescale", "ScalingActive=True/ValidMetricFound",
                        "ScalingLimited=True/TooManyReplicas"}},
        ControllerCase{"scale down limited by min",
                       5,
                       4,
                       10,
                       {CpuUtilization(50)},
                       Cpu({100, 100, 100, 100, 100}),
                       {},
                       std::nullopt,
                       {},
                       4,
                       1,
                       {"AbleToScale=True/SucceededRescale", "ScalingActive=True/ValidMetricFound",
                        "ScalingLimited=True/TooFewReplicas"}},
        ControllerCase{"current above max goes to max",
                       12,
                       1,
                       10,
                       {CpuUtilization(50)},
                       Cpu({1000}),
                       {},
                       std::nullopt,
                       {},
                       10,
                       std::nullopt,
                       {"AbleToScale=True/SucceededRescale"}},
        ControllerCase{"current below min goes to min",
                       1,
                       3,
                       10,
                       {CpuUtilization(50)},
                       Cpu({1000}),
                       {},
                       std::nullopt,
                       {},
                       3,
                       std::nullopt,
                       {"AbleToScale=True/SucceededRescale"}},
        ControllerCase{
            "zero replicas disable scaling",
            0,
            1,
            10,
            {CpuUtilization(50)},
            {},
            {},
            std::nullopt,
            {},
            0,
            std::nullopt,
            {"AbleToScale=True/SucceededGetScale", "ScalingActive=False/ScalingDisabled"}},
        ControllerCase{
            "missing metrics fail the reconcile",
            3,
            1,
            10,
            {CpuUtilization(50)},
            {{2000, std::nullopt, Kind::kReady}},
            {},
            std::nullopt,
            {},
            3,
            std::nullopt,
            {"AbleToScale=True/SucceededGetScale", "ScalingActive=False/FailedGetResourceMetric"},
            false},
        ControllerCase{"largest proposal wins",
                       3,
                       1,
                       10,
                       {CpuUtilization(30), PodsAverage("qps", 10000)},
                       Cpu({600, 1000, 1400}),
                       {Samples({30000, 20000, 20000})},
                       std::nullopt,
                       {},
                       6,
                       7,
                       {"AbleToScale=True/SucceededRescale", "ScalingActive=True/ValidMetricFound",
                        "ScalingLimited=True/ScaleUpLimit"}},
        ControllerCase{"invalid metric does not block a scale up",
                       3,
                       1,
                       10,
                       {CpuUtilization(30), PodsAverage("qps", 10000)},
                       Cpu({600, 1000, 1400}),
                       {Failed("unable to fetch metrics from custom metrics API: boom")},
                       std::nullopt,
                       {},
                       5,
                       5,
                       kStatusOk},
        ControllerCase{
            "invalid metric blocks a scale down",
            5,
            1,
            10,
            {CpuUtilization(50), PodsAverage("qps", 10000)},
            Cpu({200, 600, 1000, 500, 500}),
            {Failed("unable to fetch metrics from custom metrics API: boom")},
            std::nullopt,
            {},
            5,
            std::nullopt,
            {"AbleToScale=True/SucceededGetScale", "ScalingActive=False/FailedGetPodsMetric"},
            false},
        ControllerCase{"behavior defaults limit a scale up",
                       3,
                       1,
                       100,
                       {CpuUtilization(10)},
                       Cpu({2000, 2000, 2000}),
                       {},
                       DefaultBehavior(),
                       {},
                       7,
                       30,
                       {"AbleToScale=True/SucceededRescale", "ScalingActive=True/ValidMetricFound",
                        "ScalingLimited=True/ScaleUpLimit"}},
        ControllerCase{
            "behavior scale down window holds",
            5,
            1,
            10,
            {CpuUtilization(50)},
            Cpu({200, 600, 1000, 500, 500}),
            {},
            DefaultBehavior(),
            {Rec(5, minutes(2))},
            5,
            3,
            {"AbleToScale=True/ScaleDownStabilized", "ScalingActive=True/ValidMetricFound",
             "ScalingLimited=False/DesiredWithinRange"}},
        ControllerCase{"behavior scale up tolerance of 1 percent",
                       3,
                       1,
                       10,
                       {CpuUtilization(100)},
                       Cpu({2100, 2100, 2100}),
                       {},
                       WithTolerance(0.01, 0.1),
                       {},
                       4,
                       4,
                       kStatusOk},
        ControllerCase{"default tolerance keeps the count at 5 percent",
                       3,
                       1,
                       10,
                       {CpuUtilization(100)},
                       Cpu({2100, 2100, 2100}),
                       {},
                       DefaultBehavior(),
                       {},
                       3,
                       3,
                       {"AbleToScale=True/ReadyForNewScale", "ScalingActive=True/ValidMetricFound",
                        "ScalingLimited=False/DesiredWithinRange"}},
        ControllerCase{"behavior scale down tolerance of 50 percent",
                       3,
                       1,
                       10,
                       {CpuUtilization(100)},
                       Cpu({1200, 1200, 1200}),
                       {},
                       WithTolerance(0.1, 0.5),
                       {},
                       3,
                       3,
                       {"AbleToScale=True/ReadyForNewScale", "ScalingActive=True/ValidMetricFound",
                        "ScalingLimited=False/DesiredWithinRange"}}),
    CaseName<ControllerCase>);

TEST(ControllerMessagesTest, KubernetesTexts) {
  HorizontalSpec spec;
  spec.metrics = {CpuUtilization(30), ExternalValue("qps", 1000)};
  testing::PodsAndSamples ps = Build(Cpu({600, 1000, 1400}));
  MetricReading external;
  external.values_milli = {3000, 500};
  std::vector<MetricReading> readings{{{}, ps.samples, {}}, external};
  HpaInput in{
      &spec,        "shop", {"Deployment", "web", "apps/v1"}, 3, 3, std::nullopt, ps.pods, readings,
      std::nullopt, kNow};
  HpaControllerState state;
  state.initialized = true;
  HpaDecision d = EvaluateHpa(in, state, HpaControllerSettings{});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  ASSERT_EQ(d.metrics.size(), 2u);
  EXPECT_EQ(d.metrics[0].description, "cpu resource utilization (percentage of request)");
  EXPECT_EQ(d.metrics[1].description,
            "external metric qps(&LabelSelector{MatchLabels:map[string]string{label: value,},"
            "MatchExpressions:[]LabelSelectorRequirement{},})");
  EXPECT_EQ(d.metrics[1].proposed_replicas, 11);  // ceil(3500/1000 x 3 ready pods)
  EXPECT_EQ(d.metrics[1].current.value_milli, 3500);
  EXPECT_EQ(d.desired_replicas, 6);  // 11, capped at max(2 x 3, 4)
  EXPECT_EQ(d.rescale_reason,
            "external metric qps(&LabelSelector{MatchLabels:map[string]string{label: value,},"
            "MatchExpressions:[]LabelSelectorRequirement{},}) above target");
  ASSERT_EQ(d.state.conditions.size(), 3u);
  EXPECT_EQ(d.state.conditions[0].message,
            "the HPA controller was able to update the target scale to 6");
  EXPECT_EQ(d.state.conditions[2].message,
            "the desired replica count is increasing faster than the maximum scale rate");
}

TEST(ControllerMessagesTest, FailureTexts) {
  HorizontalSpec spec;
  spec.metrics = {CpuUtilization(30)};
  testing::PodsAndSamples ps = Build({{2000, std::nullopt, Kind::kReady}});
  std::vector<MetricReading> readings{{}};
  HpaInput in{
      &spec,        "shop", {"Deployment", "web", "apps/v1"}, 1, 1, std::nullopt, ps.pods, readings,
      std::nullopt, kNow};
  HpaDecision d = EvaluateHpa(in, HpaControllerState{}, HpaControllerSettings{});
  ASSERT_EQ(d.state.conditions.size(), 2u);
  EXPECT_EQ(d.state.conditions[1].message,
            "the HPA was unable to compute the replica count: failed to get cpu utilization: "
            "unable to get metrics for resource cpu: no metrics returned from resource metrics "
            "API");
  EXPECT_EQ(d.status.message(),
            "failed to compute desired number of replicas based on listed metrics for "
            "Deployment/shop/web: invalid metrics (1 invalid out of 1), first error is: failed to "
            "get cpu resource metric value: failed to get cpu utilization: unable to get metrics "
            "for resource cpu: no metrics returned from resource metrics API");
}

TEST(ControllerTest, ProposedReplicasSkipTheMetrics) {
  HorizontalSpec spec;
  spec.max_replicas = 20;
  spec.behavior = DefaultBehavior();
  HpaInput in;
  in.spec = &spec;
  in.spec_replicas = 10;
  in.status_replicas = 10;
  in.proposed_replicas = 2;
  in.now = kNow;
  HpaControllerState state;
  state.initialized = true;
  state.recommendations = {Rec(6, minutes(1))};
  HpaDecision d = EvaluateHpa(in, state, HpaControllerSettings{});
  EXPECT_TRUE(d.metrics.empty());
  EXPECT_EQ(d.proposed_replicas, 2);
  EXPECT_EQ(d.desired_replicas, 6);  // the highest recommendation of the last 300 s
  ASSERT_EQ(d.state.scale_down_events.size(), 1u);
  EXPECT_EQ(d.state.scale_down_events[0].replica_change, 4);
  EXPECT_EQ(d.state.recommendations.size(), 2u);
}

TEST(ControllerTest, EmptySelectorIsInvalid) {
  HorizontalSpec spec;
  HpaInput in;
  in.spec = &spec;
  in.spec_replicas = 2;
  in.selector = "";
  in.now = kNow;
  HpaDecision d = EvaluateHpa(in, HpaControllerState{}, HpaControllerSettings{});
  EXPECT_FALSE(d.status.ok());
  ASSERT_EQ(d.state.conditions.size(), 2u);
  EXPECT_EQ(d.state.conditions[1].reason, "InvalidSelector");
  EXPECT_EQ(d.state.conditions[1].message, "the HPA target's scale is missing a selector");
}

TEST(ControllerTest, ToleranceGateOffIgnoresTheBehavior) {
  HorizontalSpec spec;
  spec.metrics = {CpuUtilization(100)};
  spec.behavior = WithTolerance(0.01, 0.1);
  testing::PodsAndSamples ps = Build(Cpu({2100, 2100, 2100}));
  std::vector<MetricReading> readings{{{}, ps.samples, {}}};
  HpaInput in{&spec, "default", {}, 3, 3, std::nullopt, ps.pods, readings, std::nullopt, kNow};
  HpaControllerSettings settings;
  settings.configurable_tolerance = false;
  HpaControllerState state;
  state.initialized = true;
  EXPECT_EQ(EvaluateHpa(in, state, settings).desired_replicas, 3);
  settings.configurable_tolerance = true;
  EXPECT_EQ(EvaluateHpa(in, state, settings).desired_replicas, 4);
}

TEST(ControllerTest, TransitionTimeMovesOnlyWithTheStatus) {
  HorizontalSpec spec;
  spec.metrics = {CpuUtilization(50)};
  testing::PodsAndSamples ps = Build(Cpu({1000, 1000}));
  std::vector<MetricReading> readings{{{}, ps.samples, {}}};
  HpaInput in{&spec, "default", {}, 2, 2, std::nullopt, ps.pods, readings, std::nullopt, kNow};
  HpaControllerState state;
  state.initialized = true;
  state.conditions = {
      {"ScalingActive", ConditionStatus::kTrue, "ValidMetricFound", "old", kNow - hours(2)},
      {"ScalingLimited", ConditionStatus::kTrue, "TooManyReplicas", "old", kNow - hours(2)}};
  HpaDecision d = EvaluateHpa(in, state, HpaControllerSettings{});
  ASSERT_EQ(d.state.conditions.size(), 3u);
  EXPECT_EQ(d.state.conditions[0].last_transition_time, kNow - hours(2));  // still True
  EXPECT_EQ(d.state.conditions[1].last_transition_time, kNow);             // True -> False
  EXPECT_EQ(d.state.conditions[2].type, "AbleToScale");                    // appended
}

}  // namespace
}  // namespace crescendo::hpa
