// ReadLoadSignal: which metric is the load, its total, and the load one replica carries.
#include <gtest/gtest.h>

#include "crescendo/horizontal/predictive.h"

namespace crescendo::predictive {
namespace {

const Timestamp kNow = FromUnixSeconds(1'700'000'000);

WorkloadState Workload(int32_t pods) {
  WorkloadState w;
  w.id = {"prod", "acme", "shop", "api"};
  w.spec_replicas = pods;
  w.pod_requests = {500, 1LL << 30};
  for (int32_t i = 0; i < pods; ++i) {
    PodState p;
    p.name = "api-" + std::to_string(i);
    p.phase = PodPhase::kRunning;
    p.ready = true;
    p.requests = w.pod_requests;
    p.containers = {{"app", {400, 1LL << 30}}, {"sidecar", {100, 0}}};
    w.pods.push_back(p);
  }
  return w;
}

MetricSpec Spec(MetricSourceType type, std::string name, MetricTargetType target_type,
                double target) {
  MetricSpec m;
  m.type = type;
  m.name = std::move(name);
  m.target.type = target_type;
  if (target_type == MetricTargetType::kUtilization) {
    m.target.average_utilization = static_cast<int32_t>(target);
  } else if (target_type == MetricTargetType::kAverageValue) {
    m.target.average_value = Quantity::FromMilli(static_cast<int64_t>(target * 1000));
  } else {
    m.target.value = Quantity::FromMilli(static_cast<int64_t>(target * 1000));
  }
  if (type == MetricSourceType::kContainerResource) m.container = "app";
  return m;
}

WorkloadMetric PerPod(std::vector<double> values, std::optional<double> total = std::nullopt) {
  WorkloadMetric m;
  auto names = std::make_shared<NameStore>();
  m.names = names;
  for (size_t i = 0; i < values.size(); ++i) {
    m.pods.push_back({names->Add("api-" + std::to_string(i)), values[i], kNow, seconds(60)});
  }
  m.value = total;
  return m;
}

WorkloadMetric Value(double v) {
  WorkloadMetric m;
  m.value = v;
  return m;
}

WorkloadMetric Failed() {
  WorkloadMetric m;
  m.status = UnavailableError("prometheus: connection refused");
  return m;
}

struct SignalCase {
  std::string name;
  std::vector<MetricSpec> specs;
  std::vector<WorkloadMetric> metrics;
  std::optional<size_t> pinned;
  StatusCode want_code = StatusCode::kOk;
  size_t want_index = 0;
  double want_load = 0;
  double want_per_replica = 0;
};

class LoadSignalTest : public testing::TestWithParam<SignalCase> {};

TEST_P(LoadSignalTest, Reads) {
  const SignalCase& c = GetParam();
  const WorkloadState w = Workload(3);
  HorizontalSpec spec;
  spec.max_replicas = 50;
  spec.metrics = c.specs;
  HorizontalContext ctx{&w, c.metrics, &spec, kNow, nullptr};
  StatusOr<LoadSignal> s = ReadLoadSignal(ctx, c.pinned);
  ASSERT_EQ(s.status().code(), c.want_code) << s.status().ToString();
  if (!s.ok()) return;
  EXPECT_EQ(s->metric_index, c.want_index);
  EXPECT_DOUBLE_EQ(s->load, c.want_load);
  EXPECT_DOUBLE_EQ(s->load_per_replica, c.want_per_replica);
  const WorkloadMetric& m = c.metrics[s->metric_index];
  EXPECT_EQ(s->pods_summed, m.value ? 0u : m.pods.size());
}

const MetricSpec kCpu70 =
    Spec(MetricSourceType::kResource, "cpu", MetricTargetType::kUtilization, 70);
const MetricSpec kRps80 =
    Spec(MetricSourceType::kPods, "requests_per_second", MetricTargetType::kAverageValue, 80);

INSTANTIATE_TEST_SUITE_P(
    Cases, LoadSignalTest,
    testing::Values(
        SignalCase{"CpuUtilizationSumsThePods",
                   {kCpu70},
                   {PerPod({300, 320, 310})},
                   {},
                   StatusCode::kOk,
                   0,
                   930,
                   350},
        SignalCase{"NoMetricsMeansCpuAt80Percent",
                   {},
                   {PerPod({100, 200})},
                   {},
                   StatusCode::kOk,
                   0,
                   300,
                   400},
        SignalCase{
            "CpuAverageValue",
            {Spec(MetricSourceType::kResource, "cpu", MetricTargetType::kAverageValue, 0.25)},
            {PerPod({100, 200})},
            {},
            StatusCode::kOk,
            0,
            300,
            250},
        SignalCase{
            "ContainerCpuUsesTheContainerRequest",
            {Spec(MetricSourceType::kContainerResource, "cpu", MetricTargetType::kUtilization, 50)},
            {PerPod({150, 150, 150})},
            {},
            StatusCode::kOk,
            0,
            450,
            200},
        SignalCase{"WorkloadValuePreferredOverPodSums",
                   {kCpu70, kRps80},
                   {PerPod({300, 320, 310}), PerPod({90, 95, 85}, 400)},
                   {},
                   StatusCode::kOk,
                   1,
                   400,
                   80},
        SignalCase{"PodsMetricWithoutValueIsSummed",
                   {kRps80},
                   {PerPod({90, 95, 85})},
                   {},
                   StatusCode::kOk,
                   0,
                   270,
                   80},
        SignalCase{"ExternalAverageValue",
                   {Spec(MetricSourceType::kExternal, "queue_length",
                         MetricTargetType::kAverageValue, 50)},
                   {Value(500)},
                   {},
                   StatusCode::kOk,
                   0,
                   500,
                   50},
        SignalCase{"PinnedMetricIsKept",
                   {kCpu70, kRps80},
                   {PerPod({300, 320, 310}), PerPod({90, 95, 85}, 400)},
                   0,
                   StatusCode::kOk,
                   0,
                   930,
                   350},
        SignalCase{
            "MemoryIsNotALoad",
            {Spec(MetricSourceType::kResource, "memory", MetricTargetType::kUtilization, 80)},
            {PerPod({1e9, 1e9})},
            {},
            StatusCode::kFailedPrecondition},
        SignalCase{"ValueTargetIsNotALoad",
                   {Spec(MetricSourceType::kObject, "latency_ms", MetricTargetType::kValue, 200)},
                   {Value(250)},
                   {},
                   StatusCode::kFailedPrecondition},
        SignalCase{"FailedReadIsUnavailable", {kCpu70}, {Failed()}, {}, StatusCode::kUnavailable},
        SignalCase{"FailedPinnedReadIsUnavailable",
                   {kCpu70, kRps80},
                   {PerPod({300}), Failed()},
                   1,
                   StatusCode::kUnavailable},
        SignalCase{
            "NoPodSamplesIsUnavailable", {kCpu70}, {PerPod({})}, {}, StatusCode::kUnavailable},
        SignalCase{"OtherMetricUsedWhenTheFirstFails",
                   {kCpu70, kRps80},
                   {Failed(), PerPod({90, 95, 85})},
                   {},
                   StatusCode::kOk,
                   1,
                   270,
                   80}),
    [](const testing::TestParamInfo<SignalCase>& p) { return p.param.name; });

}  // namespace
}  // namespace crescendo::predictive
