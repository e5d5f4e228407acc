#include "crescendo/sim/oracle.h"

#include <gtest/gtest.h>

#include "test_strategies.h"

namespace crescendo::sim {
namespace {

const Timestamp kStart = FromUnixSeconds(1'800'000'000);

// 250 rps, 1,250 rps from minute 20 to 40, 250 again: demand 3, 13, 3 pods of 100 rps.
std::shared_ptr<const LoadProfile> Burst() {
  return StepLoad(kStart, {{minutes(0), 250}, {minutes(20), 1250}, {minutes(40), 250}});
}

SimService Service(DelayDistribution startup) {
  SimService s;
  s.spec.id = WorkloadId{"prod", "t", "ns", "api"};
  s.spec.horizontal.min_replicas = 1;
  s.spec.horizontal.max_replicas = 30;
  MetricSpec cpu;
  cpu.name = "cpu";
  cpu.target.average_utilization = 60;
  s.spec.horizontal.metrics = {cpu};
  s.spec.initial_replicas = 3;
  s.spec.pod.startup_distribution = startup;
  s.spec.pod.startup_delay = seconds(30);
  s.spec.pod.startup_jitter = seconds(10);
  s.source = ProfileSource(Burst());
  return s;
}

TEST(OracleTest, LookaheadIsTheLongestDelay) {
  struct Case {
    DelayDistribution startup;
    Duration want;
  };
  const Case cases[] = {
      {DelayDistribution::kFixed, seconds(30)},
      {DelayDistribution::kUniform, seconds(40)},
      {DelayDistribution::kNormal, seconds(60)},
      {DelayDistribution::kExponential, seconds(90)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, OracleLookahead(Service(c.startup).spec.pod))
        << DelayDistributionName(c.startup);
  }
}

TEST(OracleTest, NeverShortAndCheaperThanTheHpa) {
  struct Case {
    DelayDistribution startup;
  };
  for (const Case& c : {Case{DelayDistribution::kFixed}, Case{DelayDistribution::kUniform}}) {
    SCOPED_TRACE(DelayDistributionName(c.startup));
    std::vector<SimService> services;
    services.push_back(Service(c.startup));
    auto factory = [&](std::string_view name) -> StatusOr<std::unique_ptr<HorizontalRecommender>> {
      if (name != "oracle") return TestStrategies(name);
      std::vector<SimService> again;
      again.push_back(Service(c.startup));
      return NewOracleRecommender(std::move(again), kStart, seconds(15));
    };
    SimulationOptions o;
    o.start = kStart;
    o.end = kStart + hours(1);
    o.strategies = {"oracle", "fixed-13"};
    StatusOr<SimulationResult> r = RunSimulation(services, o, factory);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const Outcome& oracle_total = r->strategies[0].total;
    const Outcome& fixed = r->strategies[1].total;
    EXPECT_EQ(0, oracle_total.elasticity.tau_u);
    EXPECT_EQ(0, oracle_total.sla.violation_seconds);
    // 13 pods for 20 minutes and a lookahead, 3 the rest of the hour.
    EXPECT_LT(oracle_total.pod_seconds, 0.5 * fixed.pod_seconds);
    EXPECT_GT(oracle_total.pod_seconds, (3 * 40 + 13 * 20) * 60.0);
    EXPECT_EQ(2, oracle_total.scaling_actions);  // up once ahead of the burst, down once after
  }
}

TEST(OracleTest, UnknownWorkloadKeepsItsReplicas) {
  std::unique_ptr<HorizontalRecommender> oracle = NewOracleRecommender({}, kStart, seconds(15));
  WorkloadState w;
  w.id = WorkloadId{"prod", "t", "ns", "other"};
  w.spec_replicas = 4;
  HorizontalSpec spec;
  auto state = oracle->NewState();
  Proposal p =
      oracle->Recommend({.workload = &w, .metrics = {}, .spec = &spec, .now = kStart}, *state);
  EXPECT_EQ(4, p.desired_replicas);
  ASSERT_FALSE(p.trace.empty());
}

}  // namespace
}  // namespace crescendo::sim
