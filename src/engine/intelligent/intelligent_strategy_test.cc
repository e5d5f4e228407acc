// The intelligent horizontal strategy: the joint plan it proposes, what it leaves alone, the
// reference view that keeps a resize from moving the replicas, and its checkpoint.
#include "engine/intelligent/intelligent_strategy.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "crescendo/engine/strategies.h"

namespace crescendo {
namespace {

const Timestamp kStart = FromUnixSeconds(1'700'000'000 - 1'700'000'000 % 600);

// A workload of `replicas` pods of one container "app" (1000m, 1 GiB) sharing the CPU load
// equally; the HPA targets 70% CPU, the VPA controls cpu and memory.
struct FakeWorkload {
  WorkloadState state;
  HorizontalSpec spec;
  VerticalSpec vertical;

  explicit FakeWorkload(int32_t replicas = 4) {
    state.id = {"prod", "acme", "music", "recommendations"};
    state.pod_requests = {1000, 1LL << 30};
    state.template_containers = {{"app", state.pod_requests, {}}};
    spec.min_replicas = 2;
    spec.max_replicas = 40;
    MetricSpec cpu;
    cpu.name = "cpu";
    cpu.target.average_utilization = 70;
    spec.metrics = {cpu};
    Resize(replicas);
  }

  void Resize(int32_t replicas) {
    state.spec_replicas = state.status_replicas = replicas;
    while (static_cast<int32_t>(state.pods.size()) > replicas) state.pods.pop_back();
    while (static_cast<int32_t>(state.pods.size()) < replicas) {
      PodState p;
      p.name = "rec-" + std::to_string(state.pods.size());
      p.phase = PodPhase::kRunning;
      p.ready = true;
      p.start_time = kStart - hours(1);
      p.ready_transition_time = p.start_time + seconds(30);
      p.requests = state.pod_requests;
      p.containers = {{"app", state.pod_requests, {}, 0, std::nullopt}};
      state.pods.push_back(p);
    }
  }

  // Every pod's CPU request set to `millis` (as a vertical resize leaves them).
  void SetCpuRequests(int64_t millis) {
    state.pod_requests.cpu_millis = millis;
    state.template_containers[0].requests.cpu_millis = millis;
    for (PodState& p : state.pods) {
      p.requests.cpu_millis = millis;
      p.containers[0].requests.cpu_millis = millis;
    }
  }

  std::vector<WorkloadMetric> Metrics(double load_millis, Timestamp now) const {
    WorkloadMetric m;
    m.metric = "cpu";
    m.time = now;
    auto names = std::make_shared<NameStore>();
    m.names = names;
    for (const PodState& p : state.pods) {
      m.pods.push_back({names->Add(p.name), load_millis / static_cast<double>(state.pods.size()),
                        now, seconds(60)});
    }
    return {m};
  }

  HorizontalContext Context(const std::vector<WorkloadMetric>& metrics, Timestamp now,
                            bool sized = true) const {
    return {&state, metrics, &spec, now, nullptr, sized ? &vertical : nullptr};
  }
};

std::unique_ptr<HorizontalRecommender> Strategy() { return NewDefaultIntelligentStrategy(); }

// Runs `ticks` ticks of 15 s at a steady `load_millis`, applying each proposal's replicas.
Proposal Steady(const HorizontalRecommender& r, StrategyState& state, FakeWorkload& w,
                double load_millis, int ticks, Timestamp* now) {
  Proposal p;
  for (int i = 0; i < ticks; ++i) {
    std::vector<WorkloadMetric> m = w.Metrics(load_millis, *now);
    p = r.Recommend(w.Context(m, *now), state);
    r.Commit(state, w.state.spec_replicas, p.desired_replicas, *now);
    w.Resize(p.desired_replicas);
    *now += seconds(15);
  }
  return p;
}

TEST(IntelligentStrategyTest, RegisteredAndTheModeRunsIt) {
  auto s = NewHorizontalStrategy("intelligent");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->name(), "intelligent");
  StatusOr<ModeStrategies> mode = StrategiesForMode("intelligent");
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(mode->horizontal, "intelligent");
  EXPECT_EQ(mode->vertical, "intelligent");
  EXPECT_TRUE(mode->apply);
}

TEST(IntelligentStrategyTest, RejectsBadOptions) {
  struct Case {
    const char* name;
    void (*adjust)(IntelligentStrategyOptions&);
    const char* mentions;
  };
  const Case cases[] = {
      {"quantile", [](IntelligentStrategyOptions& o) { o.quantile = 1.2; }, "quantile"},
      {"horizon", [](IntelligentStrategyOptions& o) { o.horizon = Duration::zero(); }, "horizon"},
      {"forecaster", [](IntelligentStrategyOptions& o) { o.demand_forecaster = "naive(step=1m"; },
       "naive(step=1m"},
      {"predictive", [](IntelligentStrategyOptions& o) { o.predictive.decision.quantile = 2; },
       "quantile"},
  };
  for (const Case& c : cases) {
    IntelligentStrategyOptions o;
    c.adjust(o);
    auto s = NewIntelligentStrategy(o);
    ASSERT_FALSE(s.ok()) << c.name;
    EXPECT_NE(s.status().message().find(c.mentions), std::string::npos)
        << c.name << ": " << s.status().message();
  }
}

// The table: what the joint plan does for each kind of input, after 10 minutes at 2800m.
TEST(IntelligentStrategyTest, PlansThePodSizeWithTheReplicas) {
  struct Case {
    const char* name;
    void (*adjust)(FakeWorkload&);
    bool sized;              // the workload has a VerticalSpec
    bool planned;            // a pod size is proposed
    const char* trace_says;  // in the "joint" entry, when there is one
  };
  const Case cases[] = {
      {"planned", [](FakeWorkload&) {}, true, true, "cover"},
      {"not sized vertically", [](FakeWorkload&) {}, false, false, nullptr},
      {"policy leaves cpu to the hpa",
       [](FakeWorkload& w) {
         ContainerResourcePolicy p;
         p.controlled_resources = {"memory"};
         w.vertical.container_policies = {p};
       },
       true, false, "does not control cpu"},
      {"hpa on another metric",
       [](FakeWorkload& w) {
         w.spec.metrics[0].type = MetricSourceType::kPods;
         w.spec.metrics[0].name = "rps";
         w.spec.metrics[0].target.type = MetricTargetType::kAverageValue;
         w.spec.metrics[0].target.average_value = Quantity::FromMilli(10000);
       },
       true, false, "cpu utilization"},
  };
  for (const Case& c : cases) {
    FakeWorkload w;
    c.adjust(w);
    auto r = Strategy();
    auto state = r->NewState();
    Timestamp now = kStart;
    Proposal p;
    for (int i = 0; i < 40; ++i) {
      std::vector<WorkloadMetric> m = w.Metrics(2800, now);
      p = r->Recommend(w.Context(m, now, c.sized), *state);
      r->Commit(*state, w.state.spec_replicas, p.desired_replicas, now);
      w.Resize(p.desired_replicas);
      now += seconds(15);
    }
    EXPECT_EQ(p.pod_requests.has_value(), c.planned) << c.name;
    const TraceEntry* joint = nullptr;
    for (const TraceEntry& e : p.trace) {
      if (e.step == "joint") joint = &e;
    }
    if (c.trace_says == nullptr) {
      EXPECT_EQ(joint, nullptr) << c.name;
      continue;
    }
    ASSERT_NE(joint, nullptr) << c.name;
    EXPECT_NE(joint->reason.find(c.trace_says), std::string::npos)
        << c.name << ": " << joint->reason;
    if (c.planned) {
      // At the planned size the HPA's rule at 70% asks for no more replicas than proposed.
      EXPECT_GE(p.desired_replicas * p.pod_requests->cpu_millis * 0.7, 2800) << joint->reason;
      EXPECT_LE(p.pod_requests->cpu_millis, 1000) << joint->reason;
      EXPECT_EQ(p.pod_requests->memory_bytes, 1LL << 30);
    }
  }
}

// At the trough, minReplicas pods are far below the target: the plan shrinks them (the case the
// HPA alone cannot help), while the replicas stay those of predictive.
TEST(IntelligentStrategyTest, ShrinksPodsHeldAtMinReplicas) {
  FakeWorkload w(2);
  auto r = Strategy();
  auto predictive = NewHorizontalStrategy("predictive");
  ASSERT_TRUE(predictive.ok());
  auto state = r->NewState();
  auto pstate = (*predictive)->NewState();
  Timestamp now = kStart;
  Proposal p, q;
  for (int i = 0; i < 40; ++i) {
    std::vector<WorkloadMetric> m = w.Metrics(300, now);
    p = r->Recommend(w.Context(m, now), *state);
    q = (*predictive)->Recommend(w.Context(m, now), *pstate);
    r->Commit(*state, w.state.spec_replicas, p.desired_replicas, now);
    (*predictive)->Commit(*pstate, w.state.spec_replicas, q.desired_replicas, now);
    now += seconds(15);
  }
  EXPECT_EQ(p.desired_replicas, 2);
  EXPECT_EQ(p.desired_replicas, q.desired_replicas);
  ASSERT_TRUE(p.pod_requests.has_value());
  // 300m over 2 pods at 70% is 215m a pod; the busiest pod uses 150m (+15%: 173m).
  EXPECT_GE(p.pod_requests->cpu_millis, 215);
  EXPECT_LT(p.pod_requests->cpu_millis, 400);
}

// Pods already resized (to 500m) read utilization against the reference pod (1000m): the
// replicas are those of an unresized workload, not twice as many.
TEST(IntelligentStrategyTest, ResizedPodsDoNotMoveTheReplicas) {
  auto r = Strategy();
  FakeWorkload a, b;
  auto sa = r->NewState(), sb = r->NewState();
  Timestamp ta = kStart, tb = kStart;
  Steady(*r, *sa, a, 2800, 4, &ta);
  Steady(*r, *sb, b, 2800, 4, &tb);  // both learn the 1000m reference
  b.SetCpuRequests(500);
  const Proposal pa = Steady(*r, *sa, a, 2800, 20, &ta);
  const Proposal pb = Steady(*r, *sb, b, 2800, 20, &tb);
  EXPECT_EQ(pa.desired_replicas, pb.desired_replicas);
  EXPECT_EQ(pa.pod_requests, pb.pod_requests);
  EXPECT_EQ(pb.trace.front().step, "reference");
}

// A failed CPU read: no pod size, and no scale-down (the replicas stay).
TEST(IntelligentStrategyTest, MissingMetricsNeverScaleDown) {
  FakeWorkload w(6);
  auto r = Strategy();
  auto state = r->NewState();
  Timestamp now = kStart;
  Steady(*r, *state, w, 2800, 8, &now);
  const int32_t before = w.state.spec_replicas;
  for (int i = 0; i < 40; ++i) {
    std::vector<WorkloadMetric> m = w.Metrics(0, now);
    m[0].pods.clear();
    m[0].status = UnavailableError("metrics server down");
    Proposal p = r->Recommend(w.Context(m, now), *state);
    EXPECT_GE(p.desired_replicas, before) << i;
    EXPECT_FALSE(p.pod_requests.has_value()) << i;
    r->Commit(*state, w.state.spec_replicas, p.desired_replicas, now);
    now += seconds(15);
  }
}

// The guard (joint.h GuardJoint): once the pods used more CPU than their requests, the plan is
// the reference pod (predictive's pair) for an hour; after it the size may shrink again. The
// checkpoint carries the miss; one written before the guard restores without it.
TEST(IntelligentStrategyTest, GuardHoldsTheReferenceAfterPodsOutgrewTheirRequests) {
  FakeWorkload w(2);
  auto r = Strategy();
  auto state = r->NewState();
  Timestamp now = kStart;
  Proposal p = Steady(*r, *state, w, 300, 40, &now);
  ASSERT_TRUE(p.pod_requests.has_value());
  const int64_t shrunk = p.pod_requests->cpu_millis;
  ASSERT_LT(shrunk, 400);
  w.SetCpuRequests(shrunk);  // the vertical strategy applied the plan
  EXPECT_EQ(state->ToJson()["last_miss_unix_ns"], nullptr);

  p = Steady(*r, *state, w, 1200, 1, &now);  // 600m a pod over a request of ~250m
  ASSERT_TRUE(p.pod_requests.has_value());
  EXPECT_EQ(p.pod_requests->cpu_millis, 1000);
  const auto guard = std::find_if(p.trace.begin(), p.trace.end(),
                                  [](const TraceEntry& e) { return e.step == "guard"; });
  ASSERT_NE(guard, p.trace.end());
  EXPECT_NE(guard->reason.find("the reference pod, 1000m"), std::string::npos) << guard->reason;
  EXPECT_NE(state->ToJson()["last_miss_unix_ns"], nullptr);

  p = Steady(*r, *state, w, 300, 4 * 50, &now);  // 50 minutes back at the trough: held
  EXPECT_EQ(p.pod_requests->cpu_millis, 1000);
  p = Steady(*r, *state, w, 300, 4 * 60, &now);  // an hour more: free to shrink
  EXPECT_LT(p.pod_requests->cpu_millis, 1000);

  nlohmann::json old = state->ToJson();
  old.erase("last_miss_unix_ns");
  auto restored = r->RestoreState(old);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ((*restored)->ToJson()["last_miss_unix_ns"], nullptr);
  old["last_miss_unix_ns"] = "yesterday";
  EXPECT_FALSE(r->RestoreState(old).ok());
}

// ToJson -> RestoreState gives a state that decides as the original: same proposal, same JSON.
TEST(IntelligentStrategyTest, CheckpointRoundTrip) {
  auto r = Strategy();
  FakeWorkload w;
  auto state = r->NewState();
  Timestamp now = kStart;
  Steady(*r, *state, w, 2800, 30, &now);
  w.SetCpuRequests(800);
  Steady(*r, *state, w, 3500, 10, &now);

  const nlohmann::json saved = state->ToJson();
  auto restored = r->RestoreState(saved);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ((*restored)->ToJson(), saved);
  auto copy = r->NewState();
  copy->CopyFrom(*state);
  EXPECT_EQ(copy->ToJson(), saved);

  FakeWorkload w2 = w;
  Timestamp now2 = now;
  const Proposal a = Steady(*r, *state, w, 4200, 12, &now);
  const Proposal b = Steady(*r, **restored, w2, 4200, 12, &now2);
  EXPECT_EQ(a.desired_replicas, b.desired_replicas);
  EXPECT_EQ(a.pod_requests, b.pod_requests);
  EXPECT_EQ(state->ToJson(), (*restored)->ToJson());
  EXPECT_GT(state->Bytes(), 0u);

  for (const char* field : {"predictive", "demand"}) {
    nlohmann::json bad = saved;
    bad.erase(field);
    auto s = r->RestoreState(bad);
    ASSERT_FALSE(s.ok()) << field;
    EXPECT_NE(s.status().message().find(field), std::string::npos) << s.status().message();
  }
  nlohmann::json bad = saved;
  bad["reference_cpu_millis"] = "1000m";
  EXPECT_FALSE(r->RestoreState(bad).ok());
}

}  // namespace
}  // namespace crescendo
