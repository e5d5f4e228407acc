// The "kubernetes" HorizontalRecommender across engine ticks: unit conversion from the engine's
// metrics, and the controller's memory (recommendations, scale events) kept per workload.
#include <gtest/gtest.h>

#include "crescendo/horizontal/kubernetes_hpa.h"
#include "horizontal/kubernetes/hpa_test_util.h"

namespace crescendo::hpa {
namespace {

using testing::kNow;

WorkloadState Workload(const std::string& name, int32_t replicas, int64_t cpu_request_millis) {
  WorkloadState w;
  w.id = {"prod", "acme", "shop", name};
  w.spec_replicas = replicas;
  w.status_replicas = replicas;
  for (int32_t i = 0; i < replicas; ++i) {
    PodState p;
    p.name = name + "-" + std::to_string(i);
    p.phase = PodPhase::kRunning;
    p.ready = true;
    p.start_time = kNow - hours(2);
    p.ready_transition_time = kNow - hours(2);
    p.requests.cpu_millis = cpu_request_millis;
    p.requests.memory_bytes = 1 << 30;
    w.pods.push_back(p);
  }
  return w;
}

WorkloadMetric PerPod(const WorkloadState& w, const std::string& metric, double value,
                      Timestamp now) {
  WorkloadMetric m;
  m.metric = metric;
  for (const PodState& p : w.pods) m.pods.push_back({p.name, value, now - seconds(15), {}});
  return m;
}

HorizontalSpec CpuSpec(int32_t percent, bool behavior) {
  HorizontalSpec spec;
  spec.max_replicas = 100;
  MetricSpec cpu;
  cpu.name = "cpu";
  cpu.target.average_utilization = percent;
  spec.metrics = {cpu};
  if (behavior) spec.behavior = HpaBehavior{};
  return spec;
}

Proposal Tick(HorizontalRecommender& r, const WorkloadState& w, const HorizontalSpec& spec,
              const std::vector<WorkloadMetric>& metrics, Timestamp now) {
  HorizontalContext ctx;
  ctx.workload = &w;
  ctx.metrics = metrics;
  ctx.spec = &spec;
  ctx.now = now;
  return r.Recommend(ctx);
}

TEST(KubernetesRecommenderTest, NameAndCpuMillicores) {
  auto r = NewKubernetesHpaRecommender();
  EXPECT_EQ(r->name(), "kubernetes");
  const HorizontalSpec spec = CpuSpec(50, false);
  const WorkloadState w = Workload("web", 4, 500);
  // 400m of 500m is 80% against 50%: ceil(1.6 x 4) = 7, capped at 2 x 4 = 8: 7.
  Proposal p = Tick(*r, w, spec, {PerPod(w, "cpu", 400, kNow)}, kNow);
  EXPECT_EQ(p.current_replicas, 4);
  EXPECT_EQ(p.desired_replicas, 7);
  EXPECT_FALSE(p.trace.empty());
}

TEST(KubernetesRecommenderTest, ScaleDownWaitsForTheStabilizationWindow) {
  auto r = NewKubernetesHpaRecommender();
  const HorizontalSpec spec = CpuSpec(50, false);
  const WorkloadState w = Workload("web", 4, 1000);
  const std::vector<WorkloadMetric> low{PerPod(w, "cpu", 100, kNow)};
  EXPECT_EQ(Tick(*r, w, spec, low, kNow).desired_replicas, 4);  // first sight: stabilized
  EXPECT_EQ(Tick(*r, w, spec, low, kNow + minutes(4)).desired_replicas, 4);
  // After 5 minutes the initial recommendation (4) leaves the window; 0.2 x 4 -> 1.
  EXPECT_EQ(Tick(*r, w, spec, low, kNow + minutes(5) + seconds(15)).desired_replicas, 1);
}

TEST(KubernetesRecommenderTest, WorkloadsKeepSeparateMemory) {
  auto r = NewKubernetesHpaRecommender();
  const HorizontalSpec spec = CpuSpec(50, false);
  const WorkloadState a = Workload("a", 4, 1000);
  const WorkloadState b = Workload("b", 4, 1000);
  Tick(*r, a, spec, {PerPod(a, "cpu", 100, kNow)}, kNow);
  // b is seen for the first time ten minutes later: its own initial recommendation holds it.
  EXPECT_EQ(Tick(*r, b, spec, {PerPod(b, "cpu", 100, kNow)}, kNow + minutes(10)).desired_replicas,
            4);
  EXPECT_EQ(Tick(*r, a, spec, {PerPod(a, "cpu", 100, kNow)}, kNow + minutes(10)).desired_replicas,
            1);
}

TEST(KubernetesRecommenderTest, ScaleEventsRateLimitLaterTicks) {
  auto r = NewKubernetesHpaRecommender();
  const HorizontalSpec spec = CpuSpec(10, true);  // default behavior: +max(4 pods, 100%) / 15 s
  WorkloadState w = Workload("web", 4, 1000);
  const std::vector<WorkloadMetric> hot{PerPod(w, "cpu", 1000, kNow)};
  EXPECT_EQ(Tick(*r, w, spec, hot, kNow).desired_replicas, 8);
  w = Workload("web", 8, 1000);  // the engine applied 8
  const std::vector<WorkloadMetric> hot8{PerPod(w, "cpu", 1000, kNow)};
  // 5 s later the 15 s period still holds the +4: the period started at 4 pods.
  EXPECT_EQ(Tick(*r, w, spec, hot8, kNow + seconds(5)).desired_replicas, 8);
  EXPECT_EQ(Tick(*r, w, spec, hot8, kNow + seconds(20)).desired_replicas, 16);
}

TEST(KubernetesRecommenderTest, MemoryBytesAndFailedReads) {
  auto r = NewKubernetesHpaRecommender();
  HorizontalSpec spec;
  spec.max_replicas = 10;
  MetricSpec mem;
  mem.name = "memory";
  mem.target.type = MetricTargetType::kAverageValue;
  mem.target.average_value = Quantity::FromInt(512 << 20);
  spec.metrics = {mem};
  const WorkloadState w = Workload("web", 2, 1000);
  // 1 GiB per pod against 512 MiB: ratio 2 -> 4 replicas.
  EXPECT_EQ(Tick(*r, w, spec, {PerPod(w, "memory", 1 << 30, kNow)}, kNow).desired_replicas, 4);
  WorkloadMetric failed;
  failed.status = UnavailableError("prometheus is down");
  Proposal p = Tick(*r, w, spec, {failed}, kNow + seconds(15));
  EXPECT_EQ(p.desired_replicas, 2);
  ASSERT_FALSE(p.trace.empty());
  EXPECT_NE(p.trace.back().reason.find("prometheus is down"), std::string::npos);
}

TEST(KubernetesRecommenderTest, ExternalValueInUnits) {
  auto r = NewKubernetesHpaRecommender();
  HorizontalSpec spec;
  spec.max_replicas = 10;
  MetricSpec queue;
  queue.type = MetricSourceType::kExternal;
  queue.name = "queue_length";
  queue.target.type = MetricTargetType::kAverageValue;
  queue.target.average_value = Quantity::FromInt(30);
  spec.metrics = {queue};
  const WorkloadState w = Workload("worker", 2, 1000);
  WorkloadMetric m;
  m.value = 150.1;                                              // 150100m / 30000m = 5.0033 -> 6
  EXPECT_EQ(Tick(*r, w, spec, {m}, kNow).desired_replicas, 4);  // capped at 2 x 2
  m.value = 0.1;  // 100m, not 101m: ceil(100/30000) = 1
  EXPECT_EQ(Tick(*r, w, spec, {m}, kNow + minutes(6)).desired_replicas, 1);
}

}  // namespace
}  // namespace crescendo::hpa
