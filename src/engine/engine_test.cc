#include "crescendo/engine/engine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>

#include "crescendo/engine/strategies.h"

namespace crescendo {
namespace {

// A Monday at midnight UTC: samples stamped at the epoch would read as never taken.
const Timestamp kT0 = FromUnixSeconds(1795392000);

// A cluster whose workloads have `replicas` ready pods of 1000m each.
class FakeCluster : public ClusterBackend {
 public:
  std::string_view name() const override { return "fake"; }
  StatusOr<ClusterSnapshot> Snapshot() override {
    if (!snapshot_status.ok()) return snapshot_status;
    ClusterSnapshot snap;
    for (const auto& [id, replicas] : replicas_) {
      WorkloadState w;
      w.id = id;
      w.spec_replicas = w.status_replicas = replicas;
      w.pod_requests = {1000, 1 << 30};
      for (int i = 0; i < replicas; ++i) {
        PodState p;
        p.name = id.name + "-" + std::to_string(i);
        p.phase = PodPhase::kRunning;
        p.ready = true;
        p.requests = w.pod_requests;
        w.pods.push_back(p);
      }
      snap.workloads.push_back(std::move(w));
    }
    return snap;
  }
  Status SetReplicas(const WorkloadId& id, int32_t replicas) override {
    if (fail_set.count(id.name) > 0) return UnavailableError("scale of " + id.name + " refused");
    replicas_[id] = replicas;
    return Status::Ok();
  }
  Status SetResources(const WorkloadId&, const ResourceUpdate&) override { return Status::Ok(); }

  std::map<WorkloadId, int32_t> replicas_;
  std::set<std::string> fail_set;
  Status snapshot_status;
};

// Reports, for each workload, every pod at `cpu_millis[name]` of CPU.
class FakeMetrics : public MetricSource {
 public:
  std::string_view name() const override { return "fake"; }
  StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) override {
    ++reads;
    if (!status.ok()) return status;
    std::vector<WorkloadMetric> out;
    for (const WorkloadId& id : request.workloads) {
      WorkloadMetric m;
      m.metric = request.metric;
      auto names = std::make_shared<NameStore>();
      m.names = names;
      for (int i = 0; i < cluster->replicas_[id]; ++i) {
        m.pods.push_back(
            {names->Add(id.name + "-" + std::to_string(i)), cpu_millis[id.name], request.now});
      }
      out.push_back(std::move(m));
    }
    return out;
  }
  FakeCluster* cluster = nullptr;
  std::map<std::string, double> cpu_millis;
  Status status;
  int reads = 0;
};

WorkloadConfig Workload(const std::string& name, int32_t min, int32_t max) {
  WorkloadConfig w;
  w.id = {"prod", "acme", "music", name};
  w.horizontal.min_replicas = min;
  w.horizontal.max_replicas = max;
  return w;  // no metrics: the engine adds Kubernetes' default, 80% CPU
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { metrics_->cluster = &cluster_; }
  std::unique_ptr<Engine> Make(std::vector<WorkloadConfig> workloads, bool apply = true,
                               const std::string& strategy = "target-utilization") {
    for (auto& w : workloads) {
      cluster_.replicas_[w.id] = 2;
      w.horizontal_strategy = strategy;
      w.apply = apply;
    }
    auto collector = metrics::Collector::Create({}, {metrics_}, clock_);
    EXPECT_TRUE(collector.ok()) << collector.status().ToString();
    collector_ = *std::move(collector);
    EngineOptions o;
    o.backend = &cluster_;
    o.collector = collector_.get();
    o.bindings = BindAllTo(workloads, "fake");
    auto engine = Engine::Create(o, std::move(workloads));
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    return std::move(engine).value();
  }
  FakeCluster cluster_;
  std::shared_ptr<FakeMetrics> metrics_ = std::make_shared<FakeMetrics>();
  SimulatedClock clock_{kT0};
  std::unique_ptr<metrics::Collector> collector_;
};

struct TickCase {
  double cpu_millis;  // per pod, pods request 1000m, target 80%
  int32_t min, max;
  int32_t want;
  const char* last_step;
};

class EngineTickTest : public EngineTest, public ::testing::WithParamInterface<TickCase> {};

TEST_P(EngineTickTest, ScalesToTargetWithinBounds) {
  const TickCase& c = GetParam();
  auto engine = Make({Workload("api", c.min, c.max)});
  metrics_->cpu_millis["api"] = c.cpu_millis;
  TickReport r = engine->RunOnce(kT0);
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.decisions.size(), 1u);
  const Decision& d = r.decisions[0];
  EXPECT_EQ(d.current_replicas, 2);
  EXPECT_EQ(d.desired_replicas, c.want) << d.Explain();
  EXPECT_EQ(cluster_.replicas_[d.workload], c.want);
  ASSERT_FALSE(d.trace.empty());
  EXPECT_EQ(d.trace.back().step, c.last_step);
}

INSTANTIATE_TEST_SUITE_P(
    Table, EngineTickTest,
    ::testing::Values(TickCase{800, 1, 10, 2, "recommend"},    // exactly at target
                      TickCase{1600, 1, 10, 4, "recommend"},   // twice the target
                      TickCase{400, 1, 10, 1, "recommend"},    // half
                      TickCase{4000, 1, 6, 6, "bounds"},       // capped by max
                      TickCase{100, 2, 10, 2, "bounds"},       // raised to min
                      TickCase{810, 1, 10, 3, "recommend"}));  // any excess rounds up

TEST_F(EngineTest, TimesEveryStep) {
  auto engine = Make({Workload("api", 1, 10)});
  TickReport r = engine->RunOnce(kT0);
  std::vector<std::string> steps;
  for (const StepTiming& t : r.timings) steps.push_back(t.step);
  EXPECT_EQ(steps, (std::vector<std::string>{"snapshot", "collect", "recommend", "policies",
                                             "arbitrate", "apply", "record"}));
}

TEST_F(EngineTest, OneFailingWorkloadDoesNotStopOthers) {
  auto engine = Make({Workload("api", 1, 10), Workload("search", 1, 10)});
  metrics_->cpu_millis = {{"api", 1600}, {"search", 1600}};
  cluster_.fail_set.insert("api");
  TickReport r = engine->RunOnce(kT0);
  EXPECT_EQ(r.errors, 1);
  EXPECT_EQ(r.scaled, 1);
  EXPECT_EQ(r.decisions[0].status.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(r.decisions[1].status.ok());
  EXPECT_EQ(cluster_.replicas_[r.decisions[1].workload], 4);
}

TEST_F(EngineTest, UnavailableMetricsNeverScaleDown) {
  auto engine = Make({Workload("api", 1, 10)});
  metrics_->status = UnavailableError("prometheus down");
  TickReport r = engine->RunOnce(kT0);
  EXPECT_EQ(r.decisions[0].desired_replicas, 2);
  EXPECT_EQ(cluster_.replicas_[r.decisions[0].workload], 2);
}

TEST_F(EngineTest, SnapshotFailureKeepsEverything) {
  auto engine = Make({Workload("api", 1, 10)});
  cluster_.snapshot_status = UnavailableError("api server unreachable");
  TickReport r = engine->RunOnce(kT0);
  EXPECT_EQ(r.status.code(), StatusCode::kUnavailable);
  ASSERT_EQ(r.decisions.size(), 1u);
  EXPECT_EQ(r.decisions[0].status.code(), StatusCode::kUnavailable);
  EXPECT_FALSE(r.decisions[0].applied);
  EXPECT_EQ(r.errors, 1);
}

TEST_F(EngineTest, RecommendModeNeverApplies) {
  auto engine = Make({Workload("api", 1, 10)}, /*apply=*/false);
  metrics_->cpu_millis["api"] = 1600;
  TickReport r = engine->RunOnce(kT0);
  EXPECT_EQ(r.decisions[0].desired_replicas, 4);
  EXPECT_FALSE(r.decisions[0].applied);
  EXPECT_EQ(cluster_.replicas_[r.decisions[0].workload], 2);
}

TEST_F(EngineTest, ReadsEachMetricOncePerTick) {
  auto engine = Make({Workload("a", 1, 10), Workload("b", 1, 10), Workload("c", 1, 10)});
  (void)engine->RunOnce(kT0);
  EXPECT_EQ(metrics_->reads, 1);
}

TEST_F(EngineTest, MissingWorkloadIsReportedNotFatal) {
  auto engine = Make({Workload("api", 1, 10)});
  cluster_.replicas_.clear();
  TickReport r = engine->RunOnce(kT0);
  EXPECT_EQ(r.decisions[0].status.code(), StatusCode::kNotFound);
  EXPECT_EQ(r.errors, 1);
}

struct BadConfigCase {
  std::vector<WorkloadConfig> workloads;
  const char* message_part;
};

TEST_F(EngineTest, RejectsBadWorkloadsAllOrNothing) {
  auto engine = Make({Workload("api", 1, 10)});
  std::vector<BadConfigCase> cases = {
      {{Workload("a", 5, 2)}, "minReplicas 5 is above maxReplicas 2"},
      {{Workload("a", 1, 2), Workload("a", 1, 3)}, "configured twice"},
  };
  for (auto& c : cases) {
    Status s = engine->UpdateWorkloads(c.workloads);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(c.message_part), std::string::npos) << s.message();
    ASSERT_EQ(engine->workloads().size(), 1u);
    EXPECT_EQ(engine->workloads()[0].id.name, "api");
  }
}

// The kubernetes strategy with a scale-up policy of 1 pod per minute: its rate limit reads the
// scale events, which only an applied change records.
WorkloadConfig LimitedWorkload(const std::string& name) {
  WorkloadConfig w = Workload(name, 1, 20);
  HpaBehavior behavior;
  behavior.scale_up = ScalingRules{};
  behavior.scale_up->stabilization_window_seconds = 0;
  behavior.scale_up->policies = {{ScalingPolicyType::kPods, 1, 60}};
  w.horizontal.behavior = behavior;
  return w;
}

TEST_F(EngineTest, RecommendModeCommitsNoScaleEvent) {
  auto engine = Make({LimitedWorkload("api")}, /*apply=*/false, "kubernetes");
  metrics_->cpu_millis["api"] = 2000;  // 250% of target: wants 7, the policy allows 2 + 1
  for (int tick = 0; tick < 3; ++tick) {
    TickReport r = engine->RunOnce(kT0 + seconds(15 * tick));
    // Nothing was applied, so no scale event limits the next proposal: always 2 + 1.
    EXPECT_EQ(r.decisions[0].desired_replicas, 3) << r.decisions[0].Explain();
    EXPECT_FALSE(r.decisions[0].applied);
  }
  EXPECT_TRUE(
      engine->Checkpoint()["workloads"][0]["horizontal"]["state"]["scale_up_events"].empty());
}

TEST_F(EngineTest, AppliedChangesAreCommitted) {
  auto engine = Make({LimitedWorkload("api")}, /*apply=*/true, "kubernetes");
  metrics_->cpu_millis["api"] = 2000;
  TickReport first = engine->RunOnce(kT0);
  EXPECT_EQ(first.decisions[0].desired_replicas, 3);
  TickReport second = engine->RunOnce(kT0 + seconds(15));
  // The applied event of 1 pod within the last minute holds the count.
  EXPECT_EQ(second.decisions[0].desired_replicas, 3) << second.decisions[0].Explain();
  EXPECT_EQ(engine->Checkpoint()["workloads"][0]["horizontal"]["state"]["scale_up_events"].size(),
            1u);
}

// An engine restored from a checkpoint decides exactly as the one that wrote it.
TEST_F(EngineTest, RestoredEngineDecidesAsTheOriginal) {
  std::vector<WorkloadConfig> workloads = {LimitedWorkload("api"), Workload("search", 1, 10)};
  auto a = Make(workloads, true, "kubernetes");
  FakeCluster cluster_b;
  auto metrics_b = std::make_shared<FakeMetrics>();
  metrics_b->cluster = &cluster_b;
  SimulatedClock clock_b{kT0};
  auto collector_b = *metrics::Collector::Create({}, {metrics_b}, clock_b);
  std::unique_ptr<Engine> b;
  for (int tick = 0; tick < 60; ++tick) {
    const double cpu = 400 + 300 * std::sin(tick / 6.0) + 300;
    metrics_->cpu_millis = {{"api", cpu}, {"search", cpu / 2}};
    metrics_b->cpu_millis = metrics_->cpu_millis;
    const Timestamp now = kT0 + seconds(15 * tick);
    if (tick == 30) {
      cluster_b.replicas_ = cluster_.replicas_;
      EngineOptions o;
      o.backend = &cluster_b;
      o.collector = collector_b.get();
      std::vector<WorkloadConfig> configured = workloads;
      for (auto& w : configured) w.horizontal_strategy = "kubernetes";
      o.bindings = BindAllTo(configured, "fake");
      b = *Engine::Create(o, configured);
      ASSERT_TRUE(b->Restore(nlohmann::json::parse(a->Checkpoint().dump())).ok());
    }
    TickReport ra = a->RunOnce(now);
    if (b == nullptr) continue;
    TickReport rb = b->RunOnce(now);
    for (size_t w = 0; w < ra.decisions.size(); ++w) {
      ASSERT_EQ(ra.decisions[w].desired_replicas, rb.decisions[w].desired_replicas)
          << "tick " << tick << " " << ra.decisions[w].Explain();
    }
    ASSERT_EQ(a->Checkpoint(), b->Checkpoint()) << "tick " << tick;
  }
}

TEST_F(EngineTest, RestoreRejectsMalformedCheckpointsWhole) {
  auto engine = Make({Workload("api", 1, 10)}, true, "kubernetes");
  (void)engine->RunOnce(kT0);
  const nlohmann::json before = engine->Checkpoint();
  for (
      const char* text :
      {R"({})", R"({"version":2,"workloads":[]})", R"({"version":1,"workloads":[7]})",
       R"({"version":1,"workloads":[{"id":{"environment":"prod"}}]})",
       R"({"version":1,"workloads":[{"id":{"environment":"prod","tenant":"acme","namespace":"music","name":"api"},"horizontal":{"strategy":"kubernetes","state":{"initialized":"yes"}}}]})"}) {
    Status s = engine->Restore(nlohmann::json::parse(text));
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(engine->Checkpoint(), before) << text;
  }
}

TEST_F(EngineTest, WorkloadsThatLeaveLoseTheirState) {
  auto engine = Make({LimitedWorkload("api"), Workload("search", 1, 10)}, true, "kubernetes");
  metrics_->cpu_millis = {{"api", 2000}, {"search", 2000}};
  (void)engine->RunOnce(kT0);
  std::vector<WorkloadConfig> kept = {LimitedWorkload("api")};
  kept[0].horizontal_strategy = "kubernetes";
  ASSERT_TRUE(engine->UpdateWorkloads(kept).ok());
  const nlohmann::json c = engine->Checkpoint();
  ASSERT_EQ(c["workloads"].size(), 1u);
  EXPECT_EQ(c["workloads"][0]["id"]["name"], "api");
  EXPECT_EQ(c["workloads"][0]["horizontal"]["state"]["scale_up_events"].size(), 1u);  // kept
}

// A budget-like policy that caps at 10 - spent and records what it saw; the spend is one unit
// per replica-hour. Lets the test see what the engine hands policies.
class SpyPolicy final : public Policy {
 public:
  std::string_view name() const override { return "spy"; }
  Proposal Apply(Proposal p, const PolicyContext& ctx) const override {
    const double* spent = PolicyContext::Find(ctx.spent, "spy");
    const double* load = PolicyContext::Find(ctx.metrics, "queue");
    seen_spent.push_back(spent ? *spent : -1);
    seen_metric.push_back(load ? *load : -1);
    seen_history.push_back(ctx.history.size());
    seen_tier = std::string(ctx.tier);
    const int32_t cap = static_cast<int32_t>(10 - (spent ? *spent : 0));
    if (p.desired_replicas > cap) p.Record("spy@policies.yaml:3", cap, "spent");
    return p;
  }
  bool Accrue(SpendAccount& a, int32_t replicas, const std::optional<Resources>&, Timestamp from,
              Timestamp to) const override {
    a.spent += replicas * ToSeconds(to - from) / 3600.0;
    return true;
  }
  mutable std::vector<double> seen_spent, seen_metric;
  mutable std::vector<size_t> seen_history;
  mutable std::string seen_tier;
};

// Reports the workload-level value `queue` for each workload.
class QueueMetric : public MetricSource {
 public:
  std::string_view name() const override { return "queue-source"; }
  StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) override {
    std::vector<WorkloadMetric> out;
    for (size_t i = 0; i < request.workloads.size(); ++i) {
      WorkloadMetric m;
      m.metric = request.metric;
      m.value = 42;
      m.time = request.now;
      out.push_back(std::move(m));
    }
    return out;
  }
};

TEST_F(EngineTest, ConfiguredPoliciesSeeMetricsSpendingAndHistoryAndCheckpointThem) {
  auto chain = std::make_shared<PolicyChain>();
  chain->Add(std::make_unique<BoundsPolicy>());
  auto spy_owned = std::make_unique<SpyPolicy>();
  const SpyPolicy* spy = spy_owned.get();
  chain->Add(std::move(spy_owned));
  WorkloadConfig w = Workload("api", 1, 50);
  w.policies = chain;
  w.policy_metrics = {"queue"};
  w.tier = "premium";
  auto queue = std::make_shared<QueueMetric>();
  cluster_.replicas_[w.id] = 2;
  w.horizontal_strategy = "target-utilization";
  auto collector = *metrics::Collector::Create({}, {metrics_, queue}, clock_);
  EngineOptions o;
  o.backend = &cluster_;
  o.collector = collector.get();
  o.bindings = BindAllTo({w}, "fake");
  for (metrics::MetricBinding& b : o.bindings) {
    if (b.metric == "queue") b.source = "queue-source";
  }
  ASSERT_EQ(o.bindings.size(), 2u);  // cpu for the HPA, queue for the policy
  auto engine = *Engine::Create(o, {w});
  metrics_->cpu_millis = {{"api", 4000}};  // 4x the request: the HPA wants far more than 10
  // Ticks an hour apart: 2 replicas for the first hour, then whatever was applied.
  std::vector<int32_t> desired;
  for (int h = 0; h < 4; ++h) {
    TickReport r = engine->RunOnce(kT0 + std::chrono::hours(h));
    desired.push_back(r.decisions[0].desired_replicas);
  }
  // Spent: nothing yet; then the 10 replicas applied ran for an hour (10); the cap 10 - 10 = 0
  // is raised to minReplicas 1 by the bounds, which run last; then 1 a hour.
  EXPECT_EQ(spy->seen_spent, (std::vector<double>{0, 10, 11, 12}));
  EXPECT_EQ(desired, (std::vector<int32_t>{10, 1, 1, 1}));
  EXPECT_EQ(spy->seen_metric, (std::vector<double>{42, 42, 42, 42}));
  EXPECT_EQ(spy->seen_history, (std::vector<size_t>{0, 1, 2, 2}));  // two changes applied
  EXPECT_EQ(spy->seen_tier, "premium");

  // The accounts and history are checkpointed and restored exactly.
  const nlohmann::json c = engine->Checkpoint();
  const nlohmann::json& policies = c["workloads"][0]["policies"];
  ASSERT_EQ(policies["accounts"].size(), 1u);
  EXPECT_EQ(policies["accounts"][0]["policy"], "spy");
  EXPECT_EQ(policies["accounts"][0]["spent"], 12.0);
  EXPECT_EQ(policies["history"].size(), 2u);
  // Account() reads the same numbers without serializing; only configured policies have one.
  ASSERT_TRUE(engine->Account(0, "spy").has_value());
  EXPECT_EQ(engine->Account(0, "spy")->spent, 12.0);
  EXPECT_EQ(engine->Account(0, "spy")->period_start.time_since_epoch().count(),
            policies["accounts"][0]["period_start"].get<int64_t>());
  EXPECT_FALSE(engine->Account(0, "nobody").has_value());
  EXPECT_FALSE(engine->Account(1, "spy").has_value());
  auto restored = *Engine::Create(o, {w});
  ASSERT_TRUE(restored->Restore(nlohmann::json::parse(c.dump())).ok());
  EXPECT_EQ(restored->Checkpoint(), c);

  // A malformed record is refused whole, naming where.
  nlohmann::json bad = c;
  bad["workloads"][0]["policies"]["history"][1] = {"soon", 3};
  Status s = restored->Restore(bad);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("workloads[0].policies.history[1]"), std::string::npos) << s.message();
  EXPECT_EQ(restored->Checkpoint(), c);
}

TEST(StrategiesTest, ModesMapToStrategies) {
  EXPECT_EQ(StrategiesForMode("kubernetes")->vertical, "vpa");
  EXPECT_EQ(StrategiesForMode("predictive")->horizontal, "predictive");
  EXPECT_FALSE(StrategiesForMode("recommend")->apply);
  EXPECT_EQ(StrategiesForMode("psychic").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(StrategiesForName("predictive(quantile=0.9)")->vertical, "spike-aware");
  EXPECT_EQ(StrategiesForName("target-utilization")->vertical, "vpa");
}

TEST(StrategiesTest, UnknownNameListsKnownOnes) {
  auto s = NewHorizontalStrategy("psychic");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
  EXPECT_NE(s.status().message().find("target-utilization"), std::string::npos);
}

}  // namespace
}  // namespace crescendo
