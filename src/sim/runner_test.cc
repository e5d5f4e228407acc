#include "crescendo/sim/runner.h"

#include <gtest/gtest.h>

#include <cmath>

#include "downsampler.h"
#include "latency_histogram.h"
#include "sim/queueing.h"
#include "test_strategies.h"

namespace crescendo::sim {
namespace {

const Timestamp kStart = FromUnixSeconds(1'800'000'000);

// Unknown between `from` and `to` (offsets from kStart), `rps` elsewhere.
class GappyLoad final : public LoadSource {
 public:
  GappyLoad(double rps, Duration from, Duration to) : rps_(rps), from_(from), to_(to) {}
  StatusOr<std::optional<double>> RpsAt(Timestamp t) override {
    if (t > kStart + from_ && t <= kStart + to_) return std::optional<double>();
    return std::optional<double>(rps_);
  }

 private:
  double rps_;
  Duration from_, to_;
};

SimService Service(std::unique_ptr<LoadSource> source, int32_t initial) {
  SimService s;
  s.spec.id = WorkloadId{"prod", "t", "ns", "api"};
  s.spec.horizontal.min_replicas = 1;
  s.spec.horizontal.max_replicas = 20;
  MetricSpec cpu;
  cpu.name = "cpu";
  cpu.target.average_utilization = 60;
  s.spec.horizontal.metrics = {cpu};
  s.spec.initial_replicas = initial;
  s.spec.pod.startup_distribution = DelayDistribution::kFixed;
  s.spec.pod.startup_delay = seconds(30);
  s.spec.pod.cost_per_pod_hour = 0.1;
  s.source = std::move(source);
  return s;
}

SimulationOptions Options(Duration length, std::vector<std::string> strategies) {
  SimulationOptions o;
  o.start = kStart;
  o.end = kStart + length;
  o.strategies = std::move(strategies);
  return o;
}

TEST(RunnerTest, FixedSupplyAgainstConstantDemand) {
  // 250 rps, 100 rps per pod: demand 3 pods. One hour at 15 s ticks (240 ticks).
  struct Case {
    const char* strategy;
    double theta_u, theta_o, tau_u, tau_o;
    double violation_seconds;
  };
  const Case cases[] = {
      {"fixed-3", 0, 0, 0, 0, 0},
      {"fixed-2", 100.0 / 3, 0, 100, 0, 3600},  // 125 rps a pod: slower than the SLO at 100
      {"fixed-5", 0, 200.0 / 3, 0, 100, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.strategy);
    std::vector<SimService> services;
    int32_t pods = c.strategy[6] - '0';
    services.push_back(Service(ProfileSource(ConstantLoad(250)), pods));
    StatusOr<SimulationResult> r =
        RunSimulation(services, Options(hours(1), {c.strategy}), TestStrategies);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->ticks, 240);
    const Outcome& o = r->strategies[0].total;
    EXPECT_NEAR(o.elasticity.theta_u, c.theta_u, 1e-9);
    EXPECT_NEAR(o.elasticity.theta_o, c.theta_o, 1e-9);
    EXPECT_NEAR(o.elasticity.tau_u, c.tau_u, 1e-9);
    EXPECT_NEAR(o.elasticity.tau_o, c.tau_o, 1e-9);
    EXPECT_DOUBLE_EQ(o.elasticity.instability, 0);
    EXPECT_DOUBLE_EQ(o.sla.violation_seconds, c.violation_seconds);
    EXPECT_DOUBLE_EQ(o.sla.dropped_requests, 0);
    EXPECT_NEAR(o.pod_seconds, pods * 3600.0, 1e-6);
    EXPECT_NEAR(o.cost, pods * 0.1, 1e-9);
    EXPECT_EQ(o.scaling_actions, 0);
    // p95 latency: every request sees the same M/M/8 response time (2% buckets).
    double per_pod = 250.0 / pods;
    double want = *MmcResponseTimeMs(8, per_pod, 20);
    EXPECT_NEAR(o.sla.p95_latency_ms, want, want * 0.02);
  }
}

TEST(RunnerTest, ProportionalStrategyFollowsAStep) {
  std::vector<SimService> services;
  services.push_back(
      Service(ProfileSource(StepLoad(kStart, {{minutes(0), 100}, {minutes(10), 400}})), 2));
  StatusOr<SimulationResult> r =
      RunSimulation(services, Options(minutes(30), {"proportional", "fixed-2"}), TestStrategies);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const StrategyResult& follow = r->strategies[0];
  const StrategyResult& fixed = r->strategies[1];
  EXPECT_EQ(follow.name, "proportional");
  EXPECT_GT(follow.total.scaling_actions, 0);
  EXPECT_GE(follow.services[0].max_replicas, 5);  // 400 rps at 60% of 500m: about 6 pods
  EXPECT_LT(follow.total.elasticity.tau_u, fixed.total.elasticity.tau_u);
  EXPECT_LT(follow.total.sla.dropped_requests, fixed.total.sla.dropped_requests);
  EXPECT_GT(fixed.total.sla.dropped_requests, 0);  // 200 rps a pod, 160 at most
  EXPECT_EQ(follow.services[0].peak_load_rps, 400);
}

TEST(RunnerTest, GapsAreSimulatedButNotEvaluated) {
  std::vector<SimService> services;
  services.push_back(Service(std::make_unique<GappyLoad>(250, minutes(15), minutes(45)), 3));
  StatusOr<SimulationResult> r =
      RunSimulation(services, Options(hours(1), {"fixed-3"}), TestStrategies);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->gap_service_ticks, 120);
  EXPECT_EQ(r->evaluated_service_ticks, 120);
  const Outcome& o = r->strategies[0].total;
  EXPECT_NEAR(o.pod_seconds, 3 * 1800.0, 1e-6);
  EXPECT_DOUBLE_EQ(o.elasticity.seconds, 1800);
  bool plotted_gap = false;
  for (double v : r->load_rps) plotted_gap |= std::isnan(v);
  EXPECT_TRUE(plotted_gap);
}

TEST(RunnerTest, SameSeedSameResult) {
  auto run = [](uint64_t seed) {
    std::vector<SimService> services;
    for (int i = 0; i < 3; ++i) {
      SimService s = Service(ProfileSource(StepLoad(kStart, {{minutes(0), 100.0 + 50 * i},
                                                             {minutes(20), 500.0 - 50 * i}})),
                             2);
      s.spec.id.name = "svc-" + std::to_string(i);
      s.spec.pod.startup_distribution = DelayDistribution::kLogNormal;
      s.spec.pod.startup_jitter = seconds(20);
      services.push_back(std::move(s));
    }
    SimulationOptions o = Options(hours(1), {"proportional"});
    o.seed = seed;
    return RunSimulation(services, o, TestStrategies).value();
  };
  SimulationResult a = run(9), b = run(9), c = run(10);
  const Outcome& oa = a.strategies[0].total;
  const Outcome& ob = b.strategies[0].total;
  EXPECT_EQ(oa.elasticity.theta_u, ob.elasticity.theta_u);
  EXPECT_EQ(oa.pod_seconds, ob.pod_seconds);
  EXPECT_EQ(oa.sla.p95_latency_ms, ob.sla.p95_latency_ms);
  EXPECT_EQ(a.strategies[0].plots.ready_pods, b.strategies[0].plots.ready_pods);
  EXPECT_NE(oa.pod_seconds, c.strategies[0].total.pod_seconds);
}

TEST(RunnerTest, NodeProvisioningDelaysNewPods) {
  // Nodes fit two pods (1000m); the third and fourth pod wait for a node for 120 s.
  std::vector<SimService> services;
  services.push_back(Service(ProfileSource(ConstantLoad(350)), 2));
  SimulationOptions o = Options(minutes(10), {"fixed-4"});
  NodePoolSpec nodes;
  nodes.capacity = {1000, 8LL << 30};
  nodes.provisioning = {DelayDistribution::kFixed, seconds(120), {}};
  nodes.min_nodes = 1;
  nodes.cost_per_node_hour = 0.6;
  o.nodes = nodes;
  StatusOr<SimulationResult> r = RunSimulation(services, o, TestStrategies);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Ticks at 15 s: scale to 4 at 15 s; pods pending; node asked at 30 s, ready at 150 s; pods
  // scheduled at 150 s, ready 30 s later at 180 s. Demand is 4 pods: under-provisioned for the
  // ticks from 15 s to 165 s (11 ticks of 40).
  const Outcome& out = r->strategies[0].total;
  EXPECT_NEAR(out.elasticity.tau_u, 100.0 * 11 / 40, 1e-9);
  // Node-hours: one node for 600 s, a second from 30 s on (570 s).
  EXPECT_NEAR(out.cost, (600.0 + 570.0) / 3600 * 0.6, 1e-9);
}

TEST(RunnerTest, RejectsBadInput) {
  struct Case {
    const char* name;
    SimulationOptions options;
    const char* want;
  };
  SimulationOptions short_run = Options(seconds(5), {"fixed-1"});
  SimulationOptions none = Options(hours(1), {});
  SimulationOptions unknown = Options(hours(1), {"nope"});
  const Case cases[] = {
      {"too short", short_run, "at least one interval"},
      {"no strategy", none, "strategies"},
      {"unknown strategy", unknown, "unknown strategy \"nope\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<SimService> services;
    services.push_back(Service(ProfileSource(ConstantLoad(10)), 1));
    StatusOr<SimulationResult> r = RunSimulation(services, c.options, TestStrategies);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(c.want), std::string::npos) << r.status().message();
  }
}

TEST(DownsamplerTest, MergesInPairsAndKeepsMemoryBounded) {
  Downsampler d(1, 4);
  for (int i = 0; i < 8; ++i) {
    double v = i;
    d.Add(i, std::span<const double>(&v, 1));
  }
  EXPECT_EQ(d.Series(0), (std::vector<double>{0.5, 2.5, 4.5, 6.5}));
  for (int i = 8; i < 100000; ++i) {
    double v = i == 9 ? std::nan("") : i;
    d.Add(i, std::span<const double>(&v, 1));
  }
  EXPECT_LE(d.Series(0).size(), 4u);
  EXPECT_EQ(d.Times().size(), d.Series(0).size());
}

TEST(DownsamplerTest, AllMissingBucketIsNaN) {
  Downsampler d(1, 2);
  double nan = std::nan("");
  double one = 1;
  d.Add(0, std::span<const double>(&nan, 1));
  d.Add(1, std::span<const double>(&one, 1));
  std::vector<double> s = d.Series(0);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_TRUE(std::isnan(s[0]));
  EXPECT_EQ(s[1], 1);
}

TEST(LatencyHistogramTest, QuantilesWithinTwoPercent) {
  LatencyHistogram h;
  for (int ms = 1; ms <= 100; ++ms) h.Add(ms, 1);
  struct Case {
    double q;
    double want;
  };
  const Case cases[] = {{0.5, 50}, {0.95, 95}, {0.99, 99}, {0.999, 100}};
  for (const Case& c : cases) EXPECT_NEAR(h.Quantile(c.q), c.want, c.want * 0.02) << c.q;
  LatencyHistogram empty;
  EXPECT_EQ(empty.Quantile(0.95), 0);
  h.Merge(h);
  EXPECT_DOUBLE_EQ(h.total(), 200);
}

}  // namespace
}  // namespace crescendo::sim
