#include "crescendo/sim/elasticity.h"

#include <gtest/gtest.h>

#include <vector>

namespace crescendo::sim {
namespace {

struct Case {
  const char* name;
  std::vector<double> demand;
  std::vector<double> supply;
  ElasticityMetrics want;  // hand-computed, 60 s samples (T = 60 s * samples)
};

// The sums are written out so each figure can be checked by hand.
const Case kCases[] = {
    {"exact supply",
     {2, 3, 3, 2},
     {2, 3, 3, 2},
     {.theta_u = 0, .theta_o = 0, .tau_u = 0, .tau_o = 0, .instability = 0, .jitter = 0}},
    {"under, then over",
     // theta_U = 100/300 * (1/2 + 2/3) * 60 = 23.33; theta_O = 100/300 * (1/2 * 60) = 10
     // tau_U = 100/300 * 120 = 40; tau_O = 100/300 * 60 = 20
     // instability: (t1: s down, d flat) (t2: d up) (t3: s up 2) (t4: d down) -> 4 of 4 = 100
     // jitter: E_S = 2 (t1, t3), E_D = 2 (t2, t4) -> 0 per minute
     {2, 2, 3, 3, 2},
     {2, 1, 1, 3, 3},
     {.theta_u = 100.0 / 300 * (0.5 + 2.0 / 3) * 60,
      .theta_o = 10,
      .tau_u = 40,
      .tau_o = 20,
      .instability = 100,
      .jitter = 0}},
    {"supply follows in step, late down",
     // t1: both up (0); t2: both flat (0); t3: d down, s flat (1); t4: s down, d flat (1)
     // instability = 100 * 120 / 240 = 50; theta_O = 100/300 * (1/2) * 60 = 10 (t3)
     {2, 3, 3, 2, 2},
     {2, 3, 3, 3, 2},
     {.theta_u = 0, .theta_o = 10, .tau_u = 0, .tau_o = 20, .instability = 50, .jitter = 0}},
    {"oscillating supply",
     // E_S = 4, E_D = 0 over 5 minutes: jitter 0.8 per minute; over-provisioned 2 of 5 samples
     {2, 2, 2, 2, 2},
     {2, 3, 2, 3, 2},
     {.theta_u = 0,
      .theta_o = 100.0 / 300 * 2 * 0.5 * 60,
      .tau_u = 0,
      .tau_o = 40,
      .instability = 100,
      .jitter = 0.8}},
    {"zero demand counts as one",
     // d = 0 -> denominator 1: theta_O = 100/120 * (2/1) * 60 = 100
     {0, 0},
     {0, 2},
     {.theta_u = 0, .theta_o = 100, .tau_u = 0, .tau_o = 50, .instability = 100, .jitter = 0.5}},
};

TEST(ElasticityTest, HandComputedSeries) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    ElasticityMetrics m = ComputeElasticity(c.demand, c.supply, 60);
    EXPECT_NEAR(m.theta_u, c.want.theta_u, 1e-9);
    EXPECT_NEAR(m.theta_o, c.want.theta_o, 1e-9);
    EXPECT_NEAR(m.tau_u, c.want.tau_u, 1e-9);
    EXPECT_NEAR(m.tau_o, c.want.tau_o, 1e-9);
    EXPECT_NEAR(m.instability, c.want.instability, 1e-9);
    EXPECT_NEAR(m.jitter, c.want.jitter, 1e-9);
    EXPECT_DOUBLE_EQ(m.seconds, 60.0 * static_cast<double>(c.demand.size()));
  }
}

TEST(ElasticityTest, GapsBreakTheCurves) {
  // Two runs of two samples; no difference is taken across the break, so the supply step at the
  // break is neither an adaptation nor instability.
  ElasticityAccumulator acc;
  acc.Add(2, 2, 60);
  acc.Add(2, 2, 60);
  acc.Break();
  acc.Add(2, 5, 60);
  acc.Add(2, 5, 60);
  ElasticityMetrics m = acc.Result();
  EXPECT_DOUBLE_EQ(m.seconds, 240);
  EXPECT_DOUBLE_EQ(m.instability, 0);
  EXPECT_EQ(m.supply_adaptations, 0);
  EXPECT_DOUBLE_EQ(m.theta_o, 100.0 / 240 * 2 * 1.5 * 60);  // (5-2)/2 over two samples
}

TEST(ElasticityTest, CombineWeightsByTime) {
  ElasticityMetrics a{
      .theta_u = 10, .tau_u = 20, .jitter = 1, .seconds = 300, .supply_adaptations = 3};
  ElasticityMetrics b{
      .theta_u = 40, .tau_u = 50, .jitter = -1, .seconds = 100, .supply_adaptations = 1};
  std::vector<ElasticityMetrics> both = {a, b};
  ElasticityMetrics c = CombineElasticity(both);
  EXPECT_DOUBLE_EQ(c.theta_u, 0.75 * 10 + 0.25 * 40);
  EXPECT_DOUBLE_EQ(c.tau_u, 0.75 * 20 + 0.25 * 50);
  EXPECT_DOUBLE_EQ(c.jitter, 0.5);
  EXPECT_DOUBLE_EQ(c.seconds, 400);
  EXPECT_EQ(c.supply_adaptations, 4);
}

}  // namespace
}  // namespace crescendo::sim
