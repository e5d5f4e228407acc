#include "crescendo/optimize/consolidation.h"

#include <gtest/gtest.h>

#include "crescendo/base/clock.h"
#include "crescendo/optimize/instances.h"
#include "crescendo/optimize/solve.h"

namespace crescendo::optimize {
namespace {

PlacementProblem FourPods() {
  PlacementProblem p;
  p.resources = {"cpu"};
  p.node_types = {{.name = "n", .capacity = {10}, .price_per_hour = 1}};
  for (const char* name : {"a1", "a2", "b1", "b2"}) p.pods.push_back({name, {5}});
  return p;
}

TEST(ConsolidationTest, SwapBetweenFullNodesParksOnATemporaryNode) {
  const PlacementProblem p = FourPods();
  ConsolidationInput in{.problem = &p,
                        .current = {{{0, {0, 1}}, {0, {2, 3}}}, 2},
                        .target = {{{0, {0, 2}}, {0, {1, 3}}}, 2},
                        .pod_group = {"a", "a", "b", "b"},
                        .budgets = {{"a", 1}, {"b", 1}}};
  StatusOr<ConsolidationPlan> plan = PlanConsolidation(in);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(VerifyPlan(in, *plan).ok()) << VerifyPlan(in, *plan).ToString();
  // Node 0 keeps a1, node 1 keeps b2; a2 and b1 swap through a temporary node.
  EXPECT_EQ(plan->added.size(), 1u);
  EXPECT_EQ(plan->removed, std::vector<int>{2});
  EXPECT_EQ(plan->evictions, 3);
}

TEST(ConsolidationTest, BudgetsAndErrors) {
  const PlacementProblem p = FourPods();
  struct Case {
    const char* name;
    std::vector<DisruptionBudget> budgets;
    std::vector<std::string> groups;
    StatusCode code;
  };
  const Case cases[] = {
      {"group may not move", {{"a", 0}}, {"a", "a", "b", "b"}, StatusCode::kFailedPrecondition},
      {"groups of wrong length", {}, {"a"}, StatusCode::kInvalidArgument},
      {"negative budget", {{"a", -1}}, {"a", "a", "b", "b"}, StatusCode::kInvalidArgument},
      {"no budget: ok", {}, {"", "", "", ""}, StatusCode::kOk},
  };
  for (const Case& c : cases) {
    ConsolidationInput in{.problem = &p,
                          .current = {{{0, {0}}, {0, {1}}, {0, {2}}, {0, {3}}}, 4},
                          .target = {{{0, {0, 1}}, {0, {2, 3}}}, 2},
                          .pod_group = c.groups,
                          .budgets = c.budgets};
    StatusOr<ConsolidationPlan> plan = PlanConsolidation(in);
    EXPECT_EQ(plan.status().code(), c.code) << c.name << ": " << plan.status().ToString();
    if (plan.ok()) {
      EXPECT_TRUE(VerifyPlan(in, *plan).ok()) << c.name;
      EXPECT_EQ(plan->removed.size(), 2u) << c.name;
      EXPECT_EQ(plan->evictions, 2) << c.name;
    }
  }
}

TEST(ConsolidationTest, VerifyCatchesABrokenBudgetAndAFullNode) {
  const PlacementProblem p = FourPods();
  ConsolidationInput in{.problem = &p,
                        .current = {{{0, {0}}, {0, {1}}, {0, {2, 3}}}, 3},
                        .target = {{{0, {0, 1}}, {0, {2, 3}}}, 2},
                        .pod_group = {"a", "a", "b", "b"},
                        .budgets = {{"b", 1}}};
  ConsolidationPlan both_b{.nodes = {{0, true}, {0, true}, {0, true}},
                           .waves = {{{2, 2, 0}, {3, 2, 1}}}};
  EXPECT_EQ(VerifyPlan(in, both_b).message(),
            "wave 0: group \"b\" loses more than its max_unavailable 1");
  ConsolidationPlan overfull{.nodes = {{0, true}, {0, true}, {0, true}}, .waves = {{{0, 0, 2}}}};
  EXPECT_EQ(VerifyPlan(in, overfull).message(), "wave 0: node 2 has no room for pod \"a1\"");
}

// From a poor placement (first fit in arrival order, on every type) to the solver's: every plan
// respects the budgets, never over-fills a node, and ends in the target.
TEST(ConsolidationTest, RandomClustersReachTheTargetSafely) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const PlacementProblem p = ClusterInstance(300, 6, seed);
    Placement current;
    for (size_t i = 0; i < p.pods.size(); ++i) {  // one general node type, arrival order
      bool placed = false;
      for (PlacedNode& n : current.nodes) {
        int64_t cpu = p.pods[i].demand[0], mem = p.pods[i].demand[1];
        for (int pod : n.pods) cpu += p.pods[pod].demand[0], mem += p.pods[pod].demand[1];
        if (cpu <= p.node_types[n.type].capacity[0] && mem <= p.node_types[n.type].capacity[1]) {
          n.pods.push_back(static_cast<int>(i));
          placed = true;
          break;
        }
      }
      if (!placed) current.nodes.push_back({4, {static_cast<int>(i)}});
    }
    current.cost = PlacementCost(p, current.nodes);
    SimulatedClock clock(Timestamp{});
    StatusOr<SolveResult> target =
        SolvePlacement(p, {.seed = seed, .max_generations = 50, .exact_max_pods = 0}, clock);
    ASSERT_TRUE(target.ok());
    ConsolidationInput in{.problem = &p, .current = current, .target = target->placement};
    for (size_t i = 0; i < p.pods.size(); ++i)
      in.pod_group.push_back("svc" + std::to_string(i % 7));
    for (int g = 0; g < 7; ++g) in.budgets.push_back({"svc" + std::to_string(g), 1 + g % 2});
    StatusOr<ConsolidationPlan> plan = PlanConsolidation(in);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    EXPECT_TRUE(VerifyPlan(in, *plan).ok())
        << "seed " << seed << ": " << VerifyPlan(in, *plan).ToString();
    EXPECT_LT(plan->cost_after, plan->cost_before) << "seed " << seed;
    EXPECT_LE(plan->evictions, static_cast<int64_t>(p.pods.size()) * 2);
  }
}

}  // namespace
}  // namespace crescendo::optimize
