// The "kubernetes" HorizontalRecommender across engine ticks: unit conversion from the engine's
// metrics, and the controller's memory (recommendations, scale events) kept per workload.
#include <gtest/gtest.h>

#include <map>
#include <memory>

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
  auto names = std::make_shared<NameStore>();
  m.names = names;
  for (const PodState& p : w.pods) {
    m.pods.push_back({names->Add(p.name), value, now - seconds(15), {}});
  }
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

// Drives a recommender as the engine does: one state per workload, each proposal applied
// (Recommend, then Commit of the proposed count).
class Driver {
 public:
  Driver() : r_(NewKubernetesHpaRecommender()) {}
  const HorizontalRecommender& recommender() const { return *r_; }
  Proposal Tick(const WorkloadState& w, const HorizontalSpec& spec,
                const std::vector<WorkloadMetric>& metrics, Timestamp now) {
    std::unique_ptr<StrategyState>& state = states_[w.id.name];
    if (state == nullptr) state = r_->NewState();
    HorizontalContext ctx;
    ctx.workload = &w;
    ctx.metrics = metrics;
    ctx.spec = &spec;
    ctx.now = now;
    Proposal p = r_->Recommend(ctx, *state);
    r_->Commit(*state, p.current_replicas, p.desired_replicas, now);
    return p;
  }
  StrategyState& state(const std::string& name) { return *states_.at(name); }

 private:
  std::unique_ptr<HorizontalRecommender> r_;
  std::map<std::string, std::unique_ptr<StrategyState>> states_;
};

TEST(KubernetesRecommenderTest, NameAndCpuMillicores) {
  Driver r;
  EXPECT_EQ(r.recommender().name(), "kubernetes");
  const HorizontalSpec spec = CpuSpec(50, false);
  const WorkloadState w = Workload("web", 4, 500);
  // 400m of 500m is 80% against 50%: ceil(1.6 x 4) = 7, capped at 2 x 4 = 8: 7.
  Proposal p = r.Tick(w, spec, {PerPod(w, "cpu", 400, kNow)}, kNow);
  EXPECT_EQ(p.current_replicas, 4);
  EXPECT_EQ(p.desired_replicas, 7);
  EXPECT_FALSE(p.trace.empty());
}

TEST(KubernetesRecommenderTest, ScaleDownWaitsForTheStabilizationWindow) {
  Driver r;
  const HorizontalSpec spec = CpuSpec(50, false);
  const WorkloadState w = Workload("web", 4, 1000);
  const std::vector<WorkloadMetric> low{PerPod(w, "cpu", 100, kNow)};
  EXPECT_EQ(r.Tick(w, spec, low, kNow).desired_replicas, 4);  // first sight: stabilized
  EXPECT_EQ(r.Tick(w, spec, low, kNow + minutes(4)).desired_replicas, 4);
  // After 5 minutes the initial recommendation (4) leaves the window; 0.2 x 4 -> 1.
  EXPECT_EQ(r.Tick(w, spec, low, kNow + minutes(5) + seconds(15)).desired_replicas, 1);
}

TEST(KubernetesRecommenderTest, WorkloadsKeepSeparateMemory) {
  Driver r;
  const HorizontalSpec spec = CpuSpec(50, false);
  const WorkloadState a = Workload("a", 4, 1000);
  const WorkloadState b = Workload("b", 4, 1000);
  r.Tick(a, spec, {PerPod(a, "cpu", 100, kNow)}, kNow);
  // b is seen for the first time ten minutes later: its own initial recommendation holds it.
  EXPECT_EQ(r.Tick(b, spec, {PerPod(b, "cpu", 100, kNow)}, kNow + minutes(10)).desired_replicas, 4);
  EXPECT_EQ(r.Tick(a, spec, {PerPod(a, "cpu", 100, kNow)}, kNow + minutes(10)).desired_replicas, 1);
}

TEST(KubernetesRecommenderTest, ScaleEventsRateLimitLaterTicks) {
  Driver r;
  const HorizontalSpec spec = CpuSpec(10, true);  // default behavior: +max(4 pods, 100%) / 15 s
  WorkloadState w = Workload("web", 4, 1000);
  const std::vector<WorkloadMetric> hot{PerPod(w, "cpu", 1000, kNow)};
  EXPECT_EQ(r.Tick(w, spec, hot, kNow).desired_replicas, 8);
  w = Workload("web", 8, 1000);  // the engine applied 8
  const std::vector<WorkloadMetric> hot8{PerPod(w, "cpu", 1000, kNow)};
  // 5 s later the 15 s period still holds the +4: the period started at 4 pods.
  EXPECT_EQ(r.Tick(w, spec, hot8, kNow + seconds(5)).desired_replicas, 8);
  EXPECT_EQ(r.Tick(w, spec, hot8, kNow + seconds(20)).desired_replicas, 16);
}

TEST(KubernetesRecommenderTest, MemoryBytesAndFailedReads) {
  Driver r;
  HorizontalSpec spec;
  spec.max_replicas = 10;
  MetricSpec mem;
  mem.name = "memory";
  mem.target.type = MetricTargetType::kAverageValue;
  mem.target.average_value = Quantity::FromInt(512 << 20);
  spec.metrics = {mem};
  const WorkloadState w = Workload("web", 2, 1000);
  // 1 GiB per pod against 512 MiB: ratio 2 -> 4 replicas.
  EXPECT_EQ(r.Tick(w, spec, {PerPod(w, "memory", 1 << 30, kNow)}, kNow).desired_replicas, 4);
  WorkloadMetric failed;
  failed.status = UnavailableError("prometheus is down");
  Proposal p = r.Tick(w, spec, {failed}, kNow + seconds(15));
  EXPECT_EQ(p.desired_replicas, 2);
  ASSERT_FALSE(p.trace.empty());
  EXPECT_NE(p.trace.back().reason.find("prometheus is down"), std::string::npos);
}

TEST(KubernetesRecommenderTest, ExternalValueInUnits) {
  Driver r;
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
  m.value = 150.1;                                            // 150100m / 30000m = 5.0033 -> 6
  EXPECT_EQ(r.Tick(w, spec, {m}, kNow).desired_replicas, 4);  // capped at 2 x 2
  m.value = 0.1;                                              // 100m, not 101m: ceil(100/30000) = 1
  EXPECT_EQ(r.Tick(w, spec, {m}, kNow + minutes(6)).desired_replicas, 1);
}

}  // namespace
}  // namespace crescendo::hpa

namespace crescendo::hpa {
namespace {

// The scale event is the change the engine applied, not the one proposed: a proposal that was
// clamped (or only recommended) leaves the rate limits as they were.
TEST(KubernetesRecommenderTest, CommitRecordsTheAppliedChange) {
  auto r = NewKubernetesHpaRecommender();
  HorizontalSpec spec = CpuSpec(50, true);  // with behavior: scale events are recorded
  const WorkloadState w = Workload("web", 4, 500);
  const std::vector<WorkloadMetric> hot = {PerPod(w, "cpu", 400, kNow)};
  HorizontalContext ctx{&w, hot, &spec, kNow, nullptr};
  auto state = r->NewState();
  Proposal p = r->Recommend(ctx, *state);
  ASSERT_GT(p.desired_replicas, 4);
  r->Commit(*state, 4, 4, kNow);  // nothing applied
  EXPECT_TRUE(state->ToJson()["scale_up_events"].empty());
  r->Commit(*state, 4, 6, kNow);  // two replicas applied
  ASSERT_EQ(state->ToJson()["scale_up_events"].size(), 1u);
  EXPECT_EQ(state->ToJson()["scale_up_events"][0][0], 2);
}

// A state restored from its JSON makes the same decisions as the one it was taken from.
TEST(KubernetesRecommenderTest, StateRoundTripsExactly) {
  auto r = NewKubernetesHpaRecommender();
  HorizontalSpec spec = CpuSpec(50, true);
  WorkloadState w = Workload("web", 4, 500);
  auto live = r->NewState();
  std::unique_ptr<StrategyState> restored;
  for (int tick = 0; tick < 40; ++tick) {
    const Timestamp now = kNow + seconds(15 * tick);
    const double cpu = tick < 20 ? 400 : 50;
    const std::vector<WorkloadMetric> m = {PerPod(w, "cpu", cpu, now)};
    HorizontalContext ctx{&w, m, &spec, now, nullptr};
    if (tick == 25) {
      StatusOr<std::unique_ptr<StrategyState>> s =
          r->RestoreState(nlohmann::json::parse(live->ToJson().dump()));
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      restored = *std::move(s);
    }
    Proposal a = r->Recommend(ctx, *live);
    r->Commit(*live, a.current_replicas, a.desired_replicas, now);
    if (restored != nullptr) {
      Proposal b = r->Recommend(ctx, *restored);
      r->Commit(*restored, b.current_replicas, b.desired_replicas, now);
      ASSERT_EQ(a.desired_replicas, b.desired_replicas) << "tick " << tick;
      ASSERT_EQ(live->ToJson(), restored->ToJson()) << "tick " << tick;
    }
    w = Workload("web", a.desired_replicas, 500);
  }
}

TEST(KubernetesRecommenderTest, RestoreRejectsMalformedState) {
  auto r = NewKubernetesHpaRecommender();
  for (
      const char* text :
      {R"([])", R"({"initialized":true})",
       R"({"initialized":1,"recommendations":[],"scale_up_events":[],"scale_down_events":[]})",
       R"({"initialized":true,"recommendations":[[1]],"scale_up_events":[],"scale_down_events":[]})",
       R"({"initialized":true,"recommendations":[],"scale_up_events":[[1,2]],"scale_down_events":[]})"}) {
    StatusOr<std::unique_ptr<StrategyState>> s = r->RestoreState(nlohmann::json::parse(text));
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << text;
  }
}

}  // namespace
}  // namespace crescendo::hpa
