#include "crescendo/engine/engine.h"

#include <gtest/gtest.h>

#include <map>

#include "crescendo/engine/strategies.h"

namespace crescendo {
namespace {

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
      for (int i = 0; i < cluster->replicas_[id]; ++i) {
        m.pods.push_back({id.name + "-" + std::to_string(i), cpu_millis[id.name], request.now});
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
  void SetUp() override {
    metrics_.cluster = &cluster_;
    recommender_ = *NewHorizontalStrategy("target-utilization");
  }
  std::unique_ptr<Engine> Make(std::vector<WorkloadConfig> workloads, bool apply = true) {
    for (const auto& w : workloads) cluster_.replicas_[w.id] = 2;
    EngineOptions o;
    o.backend = &cluster_;
    o.metrics = &metrics_;
    o.recommender = recommender_.get();
    o.apply = apply;
    auto engine = Engine::Create(o, std::move(workloads));
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    return std::move(engine).value();
  }
  FakeCluster cluster_;
  FakeMetrics metrics_;
  std::unique_ptr<HorizontalRecommender> recommender_;
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
  metrics_.cpu_millis["api"] = c.cpu_millis;
  TickReport r = engine->RunOnce(Timestamp{});
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
  TickReport r = engine->RunOnce(Timestamp{});
  std::vector<std::string> steps;
  for (const StepTiming& t : r.timings) steps.push_back(t.step);
  EXPECT_EQ(steps, (std::vector<std::string>{"snapshot", "metrics", "recommend", "policies",
                                             "apply", "record"}));
}

TEST_F(EngineTest, OneFailingWorkloadDoesNotStopOthers) {
  auto engine = Make({Workload("api", 1, 10), Workload("search", 1, 10)});
  metrics_.cpu_millis = {{"api", 1600}, {"search", 1600}};
  cluster_.fail_set.insert("api");
  TickReport r = engine->RunOnce(Timestamp{});
  EXPECT_EQ(r.errors, 1);
  EXPECT_EQ(r.scaled, 1);
  EXPECT_EQ(r.decisions[0].status.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(r.decisions[1].status.ok());
  EXPECT_EQ(cluster_.replicas_[r.decisions[1].workload], 4);
}

TEST_F(EngineTest, UnavailableMetricsNeverScaleDown) {
  auto engine = Make({Workload("api", 1, 10)});
  metrics_.status = UnavailableError("prometheus down");
  TickReport r = engine->RunOnce(Timestamp{});
  EXPECT_EQ(r.decisions[0].desired_replicas, 2);
  EXPECT_EQ(cluster_.replicas_[r.decisions[0].workload], 2);
}

TEST_F(EngineTest, SnapshotFailureKeepsEverything) {
  auto engine = Make({Workload("api", 1, 10)});
  cluster_.snapshot_status = UnavailableError("api server unreachable");
  TickReport r = engine->RunOnce(Timestamp{});
  EXPECT_EQ(r.status.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(r.decisions.empty());
}

TEST_F(EngineTest, RecommendModeNeverApplies) {
  auto engine = Make({Workload("api", 1, 10)}, /*apply=*/false);
  metrics_.cpu_millis["api"] = 1600;
  TickReport r = engine->RunOnce(Timestamp{});
  EXPECT_EQ(r.decisions[0].desired_replicas, 4);
  EXPECT_FALSE(r.decisions[0].applied);
  EXPECT_EQ(cluster_.replicas_[r.decisions[0].workload], 2);
}

TEST_F(EngineTest, ReadsEachMetricOncePerTick) {
  auto engine = Make({Workload("a", 1, 10), Workload("b", 1, 10), Workload("c", 1, 10)});
  (void)engine->RunOnce(Timestamp{});
  EXPECT_EQ(metrics_.reads, 1);
}

TEST_F(EngineTest, MissingWorkloadIsReportedNotFatal) {
  auto engine = Make({Workload("api", 1, 10)});
  cluster_.replicas_.clear();
  TickReport r = engine->RunOnce(Timestamp{});
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

TEST(StrategiesTest, UnknownNameListsKnownOnes) {
  auto s = NewHorizontalStrategy("psychic");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
  EXPECT_NE(s.status().message().find("target-utilization"), std::string::npos);
}

}  // namespace
}  // namespace crescendo
