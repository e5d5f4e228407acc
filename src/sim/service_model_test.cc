#include "service_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "crescendo/sim/node_pool.h"
#include "metric_view.h"
#include "sim/queueing.h"

namespace crescendo::sim {
namespace {

const Timestamp kStart = FromUnixSeconds(1'800'000'000);
constexpr int64_t kMi = 1LL << 20;

// One service, pods Ready 30 s after they run, default PodModel otherwise: 8 workers at 50 ms
// (a queue of 160 requests/s), CPU 20m + 4m per request/s, requests 500m and 512Mi, no limits.
ServiceSpec Spec(int32_t replicas) {
  ServiceSpec s;
  s.id = WorkloadId{"prod", "t", "ns", "api"};
  s.horizontal.max_replicas = 20;
  s.initial_replicas = replicas;
  s.load = ConstantLoad(0);
  s.pod.startup_delay = seconds(30);
  s.pod.startup_jitter = seconds(0);
  s.pod.startup_distribution = DelayDistribution::kFixed;
  return s;
}

Timestamp At(int64_t s) { return kStart + seconds(s); }

// Steps `model` (and `nodes`, when given, as World::Advance does) each second of (from, to].
void StepEachSecond(ServiceModel& model, int64_t from, int64_t to, double load_rps,
                    NodePool* nodes = nullptr) {
  for (int64_t t = from + 1; t <= to; ++t) {
    if (nodes != nullptr) nodes->Advance(At(t));
    model.Step(At(t), load_rps);
    if (nodes != nullptr) nodes->Reconcile();
  }
}

const PodState* FindPod(const ServiceModel& model, const std::string& name) {
  for (const PodState& p : model.state().pods) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

ContainerResources Container(Resources requests, Resources limits = {}) {
  return {"app", requests, limits};
}

ResourceUpdate Update(ContainerResources c, ResizeMethod method, std::vector<std::string> pods) {
  return {{std::move(c)}, method, std::move(pods)};
}

TEST(ServeReadyPodTest, ThrottlesAboveTheCpuLimit) {
  // Service rate 20/s per worker, 8 workers: the queue serves 160 requests/s at most.
  auto mmc = [](double rps) { return *MmcResponseTimeMs(8, rps, 20); };
  struct Case {
    const char* name;
    double cpu_base, cpu_per_request;
    int64_t limit;
    double offered;
    double want_served, want_latency, want_cpu;
    bool want_throttled;
  };
  const double s1 = 220.0 / 120;  // demand 20 + 4 * 50 against a 120m limit
  const double s2 = 660.0 / 120;  // demand 20 + 4 * 160 (what the queue takes in) against 120m
  const Case cases[] = {
      {"no limit", 20, 4, 0, 50, 50, mmc(50), 220, false},
      {"limit above demand", 20, 4, 1000, 50, 50, mmc(50), 220, false},
      {"limit at demand", 20, 4, 220, 50, 50, mmc(50), 220, false},
      {"no limit, queue saturated", 20, 4, 0, 200, 160, 10000, 660, false},
      // (120 - 20) / 4 = 25 requests/s paid for, each s times slower.
      {"throttled", 20, 4, 120, 50, 25, s1 * mmc(25 * s1), 120, true},
      {"throttled beyond the queue", 20, 4, 120, 500, 25, s2 * mmc(25 * s2), 120, true},
      // Requests need no CPU, the base alone is throttled: all taken in, 2x slower, and the
      // stretched queue saturates at 160 / 2 requests/s.
      {"base throttled, queue fits", 200, 0, 100, 50, 50, 2 * mmc(100), 100, true},
      {"base throttled, queue saturated", 200, 0, 100, 100, 80, 10000, 100, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    PodModel pod;
    pod.cpu_base_millis = c.cpu_base;
    pod.cpu_millis_per_request = c.cpu_per_request;
    PodLoad got = ServeReadyPod(pod, c.limit, c.offered);
    EXPECT_DOUBLE_EQ(got.served_rps, c.want_served);
    EXPECT_DOUBLE_EQ(got.latency_ms, c.want_latency);
    EXPECT_DOUBLE_EQ(got.cpu_millis, c.want_cpu);
    EXPECT_EQ(got.throttled, c.want_throttled);
  }
}

TEST(ServiceModelTest, ThrottlingDropsWhatTheLimitCannotPayForAndSlowsTheRest) {
  struct Case {
    const char* name;
    int64_t cpu_limit;
    int64_t cpu_request;
    double want_served_per_pod;
    bool want_throttled;
  };
  const Case cases[] = {
      {"no limit", 0, 500, 50, false},
      {"request alone never throttles", 0, 100, 50, false},
      {"limit above demand", 500, 500, 50, false},
      {"low limit", 120, 100, 25, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ServiceSpec spec = Spec(2);
    spec.pod.requests.cpu_millis = c.cpu_request;
    spec.pod.cpu_limit_millis = c.cpu_limit;
    ServiceModel model(spec, 1, kStart);
    StepEachSecond(model, 0, 60, 100);
    PodLoad want = ServeReadyPod(spec.pod, c.cpu_limit, 50);
    ASSERT_EQ(model.ready_pods(), 2);
    EXPECT_DOUBLE_EQ(model.runtime()[0].served_rps, c.want_served_per_pod);
    EXPECT_DOUBLE_EQ(model.dropped_rps(), 100 - 2 * c.want_served_per_pod);
    EXPECT_DOUBLE_EQ(model.latency_ms(), want.latency_ms);
    if (c.want_throttled) {
      EXPECT_GT(model.latency_ms(), PodLatencyMs(spec.pod, 25));
    }
    EXPECT_DOUBLE_EQ(model.stats().throttled_seconds, c.want_throttled ? 2 * 60 : 0);
    WorkloadMetric cpu;
    ReadMetric(model, BindMetric(spec, "cpu"), At(60), seconds(60), cpu);
    ASSERT_EQ(cpu.pods.size(), 2u);
    EXPECT_DOUBLE_EQ(cpu.pods[0].value, c.want_throttled ? c.cpu_limit : 220);
  }
}

TEST(ServiceModelTest, OomKillsRestartAfterTheKubeletsBackOff) {
  // 150 requests/s at ~130 ms: ~20 requests in flight, 120Mi against a 110Mi limit. Ready at
  // once, each restart is killed again as soon as it is Ready (30 s later).
  ServiceSpec spec = Spec(1);
  spec.pod.memory_base_bytes = 100 * kMi;
  spec.pod.memory_bytes_per_request = 1 * kMi;
  spec.pod.memory_limit_bytes = 110 * kMi;
  ServiceModel model(spec, 1, kStart);
  // pkg/kubelet: no wait after the first crash, then 10 s doubling up to 5 min.
  const std::vector<int64_t> want_delays = {0, 10, 20, 40, 80, 160, 300, 300};
  std::vector<int64_t> delays;
  int64_t restarts_before = 0;
  for (int64_t t = 1; delays.size() < want_delays.size(); ++t) {
    int64_t kills = model.stats().oom_kills;
    model.Step(At(t), 150);
    const PodState& pod = model.state().pods[0];
    const ContainerState& c = pod.containers[0];
    if (model.stats().oom_kills == kills) continue;
    SCOPED_TRACE("kill " + std::to_string(delays.size() + 1));
    EXPECT_EQ(c.last_oom_kill, At(t));
    EXPECT_EQ(pod.phase, PodPhase::kRunning);
    EXPECT_FALSE(pod.ready);
    int64_t delay = (model.runtime()[0].running_at - At(t)) / seconds(1);
    delays.push_back(delay);
    // Restarted at once, or waiting: then no usage and no metric until it restarts.
    EXPECT_EQ(c.restarts, restarts_before + (delay == 0 ? 1 : 0));
    WorkloadMetric memory;
    ReadMetric(model, BindMetric(spec, "memory"), At(t), seconds(15), memory);
    EXPECT_EQ(memory.pods.size(), delay == 0 ? 1u : 0u);
    if (delay > 0) {
      StepEachSecond(model, t, t + delay - 1, 150);
      EXPECT_TRUE(model.runtime()[0].waiting);
      EXPECT_EQ(model.runtime()[0].cpu_millis, 0);
      EXPECT_EQ(model.runtime()[0].memory_bytes, 0);
      StepEachSecond(model, t + delay - 1, t + delay, 150);
      EXPECT_FALSE(model.runtime()[0].waiting);
      t += delay;
      ReadMetric(model, BindMetric(spec, "memory"), At(t), seconds(15), memory);
      ASSERT_EQ(memory.pods.size(), 1u);
      EXPECT_EQ(memory.pods[0].container, "app");
      EXPECT_DOUBLE_EQ(memory.pods[0].value, 100 * kMi);
    }
    restarts_before = model.state().pods[0].containers[0].restarts;
  }
  EXPECT_EQ(delays, want_delays);
  EXPECT_EQ(model.stats().oom_kills, 8);
  EXPECT_EQ(model.stats().restarts, 8);
  EXPECT_EQ(model.state().pods[0].containers[0].restarts, 8);
}

TEST(ServiceModelTest, BackOffResetsAfterTenMinutesOfRunning) {
  // Killed at 1 s (restarted at once) and 31 s (restarted at 41 s, back-off now 20 s); at
  // 10 requests/s it then runs quietly until 150 requests/s kill it again.
  struct Case {
    int64_t quiet_until;  // seconds
    int64_t want_delay;   // seconds
  };
  const Case cases[] = {
      {630, 20},  // killed 590 s after its last restart: still backing off
      {660, 0},   // killed 620 s after: more than twice the maximum back-off, reset
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.quiet_until);
    ServiceSpec spec = Spec(1);
    spec.pod.memory_base_bytes = 100 * kMi;
    spec.pod.memory_bytes_per_request = 1 * kMi;
    spec.pod.memory_limit_bytes = 110 * kMi;
    ServiceModel model(spec, 1, kStart);
    StepEachSecond(model, 0, 40, 150);
    StepEachSecond(model, 40, c.quiet_until, 10);
    ASSERT_EQ(model.stats().oom_kills, 2);
    ASSERT_TRUE(model.state().pods[0].ready);
    StepEachSecond(model, c.quiet_until, c.quiet_until + 1, 150);
    ASSERT_EQ(model.stats().oom_kills, 3);
    EXPECT_EQ(model.runtime()[0].running_at - At(c.quiet_until + 1), seconds(c.want_delay));
  }
}

TEST(ServiceModelTest, RecreateEvictsAndReplacesFromTheTemplate) {
  ServiceSpec spec = Spec(3);
  ServiceModel model(spec, 1, kStart);
  StepEachSecond(model, 0, 1, 150);
  ASSERT_EQ(model.ready_pods(), 3);
  ContainerResources bigger = Container({800, 768 * kMi}, {1600, 1024 * kMi});
  ASSERT_TRUE(
      model.ApplyResources(Update(bigger, ResizeMethod::kRecreate, {"api-00000", "nope"}), At(1))
          .ok());

  // The named pod is gone, a Pending replacement has the template; the others are untouched.
  EXPECT_EQ(FindPod(model, "api-00000"), nullptr);
  const PodState* fresh = FindPod(model, "api-00003");
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(fresh->phase, PodPhase::kPending);
  EXPECT_EQ(fresh->requests, bigger.requests);
  EXPECT_EQ(fresh->containers[0].limits, bigger.limits);
  EXPECT_EQ(FindPod(model, "api-00001")->requests, spec.pod.requests);
  EXPECT_EQ(model.state().template_containers[0], bigger);
  EXPECT_EQ(model.state().pod_requests, bigger.requests);
  EXPECT_EQ(model.state().pods.size(), 3u);
  EXPECT_EQ(model.stats().recreations, 1);

  // Capacity drops until the replacement is Ready, 30 s after it runs.
  struct Step {
    int64_t at;
    int32_t want_ready;
  };
  const Step steps[] = {{2, 2}, {30, 2}, {31, 3}};
  int64_t t = 1;
  for (const Step& s : steps) {
    SCOPED_TRACE(s.at);
    StepEachSecond(model, t, s.at, 150);
    t = s.at;
    EXPECT_EQ(model.ready_pods(), s.want_ready);
  }
  // A pod already at the template is not recreated.
  ASSERT_TRUE(
      model.ApplyResources(Update(bigger, ResizeMethod::kRecreate, {"api-00003"}), At(t)).ok());
  EXPECT_NE(FindPod(model, "api-00003"), nullptr);
  EXPECT_EQ(model.stats().recreations, 1);
}

TEST(ServiceModelTest, TemplateOnlyChangesNewPodsOnly) {
  ServiceModel model(Spec(2), 1, kStart);
  StepEachSecond(model, 0, 1, 50);
  ContainerResources smaller = Container({250, 256 * kMi});
  ASSERT_TRUE(
      model.ApplyResources(Update(smaller, ResizeMethod::kTemplateOnly, {"api-00000"}), At(1))
          .ok());
  ASSERT_TRUE(model.SetReplicas(3, At(1)).ok());
  EXPECT_EQ(FindPod(model, "api-00000")->requests, (Resources{500, 512 * kMi}));
  EXPECT_EQ(FindPod(model, "api-00002")->requests, smaller.requests);
  EXPECT_EQ(model.state().pod_requests, smaller.requests);
  EXPECT_EQ(model.stats().recreations + model.stats().resizes, 0);
}

TEST(ServiceModelTest, InPlaceResizeOrFallBackToRecreate) {
  const Resources requests{500, 512 * kMi};
  const Resources limits{1000, 1024 * kMi};
  struct Case {
    const char* name;
    ContainerResources to;
    bool want_in_place;
  };
  const Case cases[] = {
      {"cpu up", Container({800, 512 * kMi}, limits), true},
      {"cpu down", Container({300, 512 * kMi}, {600, 1024 * kMi}), true},
      {"memory up", Container({500, 768 * kMi}, {1000, 1536 * kMi}), true},
      {"memory request down", Container({500, 256 * kMi}, limits), true},
      {"memory limit down", Container(requests, {1000, 768 * kMi}), false},
      {"cpu limit removed", Container(requests, {0, 1024 * kMi}), false},
      {"Burstable to Guaranteed", Container(limits, limits), false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ServiceSpec spec = Spec(2);
    spec.pod.requests = requests;
    spec.pod.cpu_limit_millis = limits.cpu_millis;
    spec.pod.memory_limit_bytes = limits.memory_bytes;
    ServiceModel model(spec, 1, kStart);
    StepEachSecond(model, 0, 1, 50);
    ASSERT_TRUE(
        model.ApplyResources(Update(c.to, ResizeMethod::kInPlaceOrRecreate, {"api-00000"}), At(1))
            .ok());
    if (!c.want_in_place) {
      EXPECT_EQ(FindPod(model, "api-00000"), nullptr);
      EXPECT_EQ(FindPod(model, "api-00002")->containers[0].requests, c.to.requests);
      EXPECT_EQ(model.stats().recreations, 1);
      continue;
    }
    // In progress until the next step, which puts it in force without a restart.
    EXPECT_EQ(model.runtime()[0].resize, ResizeStatus::kInProgress);
    EXPECT_EQ(model.state().pods[0].containers[0].requests, requests);
    StepEachSecond(model, 1, 2, 50);
    const PodState& pod = model.state().pods[0];
    EXPECT_EQ(pod.name, "api-00000");
    EXPECT_EQ(model.runtime()[0].resize, ResizeStatus::kNone);
    EXPECT_EQ(pod.containers[0].requests, c.to.requests);
    EXPECT_EQ(pod.containers[0].limits, c.to.limits);
    EXPECT_EQ(pod.requests, c.to.requests);
    EXPECT_TRUE(pod.ready);
    EXPECT_EQ(pod.containers[0].restarts, 0);
    EXPECT_EQ(model.state().pods[1].containers[0].requests, requests);  // not named
    EXPECT_EQ(model.stats().resizes, 1);
    EXPECT_EQ(model.stats().recreations, 0);
  }
}

// Two pods of 600m on a 2000m node, a third (600m) placed at the first step: 1800m used.
struct NodeFixture {
  NodeFixture() : nodes(NodeSpec(), 1, kStart), model(PodSpec(), 1, kStart, &nodes) {
    EXPECT_TRUE(model.SetReplicas(3, kStart).ok());
    StepEachSecond(model, 0, 1, 60, &nodes);
  }
  static NodePoolSpec NodeSpec() {
    NodePoolSpec n;
    n.capacity = {2000, 8192 * kMi};
    n.min_nodes = 1;
    n.max_nodes = 1;
    return n;
  }
  static ServiceSpec PodSpec() {
    ServiceSpec s = Spec(2);
    s.pod.requests = {600, 512 * kMi};
    return s;
  }
  Status Resize(int64_t cpu_millis, int64_t at) {
    return model.ApplyResources(
        Update(Container({cpu_millis, 512 * kMi}), ResizeMethod::kInPlaceOrRecreate, {"api-00000"}),
        At(at));
  }
  NodePool nodes;
  ServiceModel model;
};

TEST(ServiceModelTest, InPlaceResizeNeedsRoomOnItsNode) {
  struct Case {
    const char* name;
    int64_t to_cpu;
    ResizeStatus want_status;
    bool want_recreated;  // at the next step
  };
  const Case cases[] = {
      {"fits", 800, ResizeStatus::kInProgress, false},     // 1800 - 600 + 800 = 2000
      {"node full", 900, ResizeStatus::kDeferred, false},  // 2100 > 2000
      {"above allocatable", 2500, ResizeStatus::kInfeasible, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    NodeFixture f;
    ASSERT_EQ(f.model.state().pods[2].phase, PodPhase::kRunning);
    ASSERT_TRUE(f.Resize(c.to_cpu, 1).ok());
    EXPECT_EQ(f.model.runtime()[0].resize, c.want_status);
    StepEachSecond(f.model, 1, 2, 60, &f.nodes);
    EXPECT_EQ(FindPod(f.model, "api-00000") == nullptr, c.want_recreated);
    EXPECT_EQ(f.model.stats().recreations, c.want_recreated ? 1 : 0);
    if (c.want_recreated) {  // the replacement fits no node: it waits, Pending
      EXPECT_EQ(f.model.state().pods.back().phase, PodPhase::kPending);
      EXPECT_EQ(f.model.state().pods.back().requests.cpu_millis, c.to_cpu);
    } else {
      const int64_t want_cpu = c.want_status == ResizeStatus::kInProgress ? c.to_cpu : 600;
      EXPECT_EQ(f.model.state().pods[0].containers[0].requests.cpu_millis, want_cpu);
    }
  }
}

TEST(ServiceModelTest, DeferredResizeAppliesWhenRoomFreesUp) {
  NodeFixture f;
  ASSERT_TRUE(f.Resize(900, 1).ok());
  StepEachSecond(f.model, 1, 10, 60, &f.nodes);
  ASSERT_EQ(f.model.runtime()[0].resize, ResizeStatus::kDeferred);
  ASSERT_TRUE(f.model.SetReplicas(2, At(10)).ok());  // the newest pod goes: 1200m used
  ASSERT_EQ(FindPod(f.model, "api-00002"), nullptr);
  StepEachSecond(f.model, 10, 11, 60, &f.nodes);
  EXPECT_EQ(f.model.runtime()[0].resize, ResizeStatus::kInProgress);
  StepEachSecond(f.model, 11, 12, 60, &f.nodes);
  EXPECT_EQ(f.model.runtime()[0].resize, ResizeStatus::kNone);
  EXPECT_EQ(f.model.state().pods[0].requests.cpu_millis, 900);
  EXPECT_EQ(f.model.stats().resizes, 1);
}

TEST(ServiceModelTest, DeferredTooLongFallsBackToRecreate) {
  NodeFixture f;
  ASSERT_TRUE(f.Resize(900, 2).ok());
  StepEachSecond(f.model, 1, 302, 60, &f.nodes);  // deferred for 5 min: still waiting
  ASSERT_NE(FindPod(f.model, "api-00000"), nullptr);
  EXPECT_EQ(f.model.runtime()[0].resize, ResizeStatus::kDeferred);
  StepEachSecond(f.model, 302, 303, 60, &f.nodes);  // longer: evicted, as the VPA updater does
  EXPECT_EQ(FindPod(f.model, "api-00000"), nullptr);
  EXPECT_EQ(f.model.stats().recreations, 1);
  EXPECT_EQ(f.model.stats().resizes, 0);
}

TEST(ServiceModelTest, VerticalStatisticsIntegrateRunningPods) {
  struct Case {
    const char* name;
    int64_t cpu_limit;
    int32_t pending;  // extra pods that never run
    double want_cpu_used;
    double want_throttled_seconds;
  };
  // Two Ready pods of 500m and 512Mi share 100 requests/s for an hour; each uses 20m + 4m x 50
  // and 200Mi (no memory per request).
  const Case cases[] = {
      {"no limit", 0, 0, 2 * 220.0 * 3600, 0},
      {"pending pods count nothing", 0, 2, 2 * 220.0 * 3600, 0},
      {"throttled", 120, 0, 2 * 120.0 * 3600, 2 * 3600.0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ServiceSpec spec = Spec(2);
    spec.pod.cpu_limit_millis = c.cpu_limit;
    spec.pod.scheduling_delay = hours(2);
    ServiceModel model(spec, 1, kStart);
    ASSERT_TRUE(model.SetReplicas(2 + c.pending, kStart).ok());
    for (int64_t t = 15; t <= 3600; t += 15) model.Step(At(t), 100);
    const ServiceStats& s = model.stats();
    EXPECT_NEAR(s.cpu_allocated_millis_seconds, 2 * 500.0 * 3600, 1e-6);
    EXPECT_NEAR(s.cpu_used_millis_seconds, c.want_cpu_used, 1e-6);
    EXPECT_NEAR(s.memory_allocated_byte_seconds, 2 * 512.0 * kMi * 3600, 1);
    EXPECT_NEAR(s.memory_used_byte_seconds, 2 * 200.0 * kMi * 3600, 1);
    EXPECT_NEAR(s.throttled_seconds, c.want_throttled_seconds, 1e-9);
    EXPECT_EQ(s.oom_kills + s.restarts + s.recreations + s.resizes, 0);
  }
}

TEST(ServiceModelTest, ApplyResourcesRejectsBadContainersAndChangesNothing) {
  struct Case {
    const char* name;
    ContainerResources c;
    StatusCode want;
  };
  const Case cases[] = {
      {"unknown container", {"sidecar", {100, kMi}, {}}, StatusCode::kNotFound},
      {"zero cpu request", Container({0, kMi}), StatusCode::kInvalidArgument},
      {"negative memory request", Container({100, -1}), StatusCode::kInvalidArgument},
      {"negative limit", Container({100, kMi}, {-1, 0}), StatusCode::kInvalidArgument},
      {"cpu limit below request", Container({100, kMi}, {50, 0}), StatusCode::kInvalidArgument},
      {"memory limit below request", Container({100, 2 * kMi}, {0, kMi}),
       StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ServiceModel model(Spec(1), 1, kStart);
    ResourceUpdate update = Update(Container({200, kMi}), ResizeMethod::kRecreate, {"api-00000"});
    update.containers.push_back(c.c);  // the first is fine: the update is applied whole or not
    Status status = model.ApplyResources(update, At(0));
    EXPECT_EQ(status.code(), c.want) << status.ToString();
    EXPECT_NE(status.message().find("prod/t/ns/api"), std::string::npos);
    EXPECT_EQ(model.state().template_containers[0], Spec(1).pod.Container());
    EXPECT_NE(FindPod(model, "api-00000"), nullptr);
  }
}

TEST(ServiceModelTest, NoVerticalChangeLeavesResultsIdentical) {
  // A twin given no-op updates (the same template, pods already at it) matches bit for bit.
  ServiceSpec spec = Spec(3);
  spec.pod.memory_limit_bytes = 1024 * kMi;
  spec.pod.memory_bytes_per_request = 8 * kMi;
  ServiceModel plain(spec, 9, kStart);
  ServiceModel twin(spec, 9, kStart);
  for (int64_t t = 15; t <= 7200; t += 15) {
    double load = 100 + 60 * std::sin(static_cast<double>(t) / 600);
    if (t % 900 == 0) {
      auto replicas = static_cast<int32_t>(2 + (t / 900) % 3);
      ASSERT_TRUE(plain.SetReplicas(replicas, At(t)).ok());
      ASSERT_TRUE(twin.SetReplicas(replicas, At(t)).ok());
      std::vector<std::string> names;
      for (const PodState& p : twin.state().pods) names.push_back(p.name);
      for (ResizeMethod m : {ResizeMethod::kTemplateOnly, ResizeMethod::kRecreate,
                             ResizeMethod::kInPlaceOrRecreate}) {
        ASSERT_TRUE(twin.ApplyResources({{spec.pod.Container()}, m, names}, At(t)).ok());
      }
      twin.SetPodRequests(spec.pod.requests);
    }
    plain.Step(At(t), load);
    twin.Step(At(t), load);
    ASSERT_EQ(plain.latency_ms(), twin.latency_ms());
    ASSERT_EQ(plain.dropped_rps(), twin.dropped_rps());
  }
  const ServiceStats& a = plain.stats();
  const ServiceStats& b = twin.stats();
  EXPECT_EQ(a.dropped_requests, b.dropped_requests);
  EXPECT_EQ(a.pod_hours, b.pod_hours);
  EXPECT_EQ(a.memory_used_byte_seconds, b.memory_used_byte_seconds);
  EXPECT_EQ(a.oom_kills, b.oom_kills);
  EXPECT_EQ(b.recreations + b.resizes, 0);
}

}  // namespace
}  // namespace crescendo::sim
