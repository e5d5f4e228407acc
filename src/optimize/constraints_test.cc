// The placement model's constraints (placement.h): node affinity, taints and tolerations,
// dedicated tenant pools, and a per-node cap on a service's pods (anti-affinity), checked by
// CheckPlacement and respected by every solver.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <string>

#include "crescendo/base/clock.h"
#include "crescendo/optimize/consolidation.h"
#include "crescendo/optimize/csv.h"
#include "crescendo/optimize/exact.h"
#include "crescendo/optimize/placement.h"
#include "crescendo/optimize/solve.h"

namespace crescendo::optimize {
namespace {

Pod MakePod(std::string name, int64_t cpu) { return Pod{.name = std::move(name), .demand = {cpu}}; }

// Four node types, one per kind of constraint, and pods that need each of them.
PlacementProblem Cluster() {
  PlacementProblem p;
  p.resources = {"cpu"};
  p.node_types = {
      {.name = "general", .capacity = {8}, .price_per_hour = 1, .labels = {{"pool", "general"}}},
      {.name = "gpu",
       .capacity = {8},
       .price_per_hour = 1.5,
       .labels = {{"accel", "gpu"}},
       .taints = {"gpu=true:NoSchedule"}},
      // The cheapest per cpu, but only for tenant acme.
      {.name = "acme-pool", .capacity = {8}, .price_per_hour = 0.5, .tenant = "acme"},
      // Cheaper per cpu than general, for pods that tolerate spot interruptions.
      {.name = "spot", .capacity = {16}, .price_per_hour = 1.2, .taints = {"spot:NoExecute"}},
  };
  for (int i = 0; i < 6; ++i) {
    Pod pod = MakePod("web-" + std::to_string(i), 5);
    pod.service = "web";
    pod.max_per_node = 1;
    p.pods.push_back(pod);
  }
  for (int i = 0; i < 4; ++i) {
    Pod pod = MakePod("batch-" + std::to_string(i), 4);
    pod.tolerations = {"spot"};
    p.pods.push_back(pod);
  }
  for (int i = 0; i < 2; ++i) {
    Pod pod = MakePod("ml-" + std::to_string(i), 3);
    pod.node_selector = {{"accel", "gpu"}};
    pod.tolerations = {"gpu=true"};
    p.pods.push_back(pod);
  }
  for (int i = 0; i < 3; ++i) {
    Pod pod = MakePod("acme-" + std::to_string(i), 2);
    pod.tenant = "acme";
    p.pods.push_back(pod);
  }
  Pod globex = MakePod("globex-0", 1);
  globex.tenant = "globex";
  p.pods.push_back(globex);
  return p;
}

// Checks the constraints directly (not through CheckPlacement).
void ExpectConstraintsHold(const PlacementProblem& p, const Placement& placement,
                           const std::string& solver) {
  for (const PlacedNode& node : placement.nodes) {
    const std::string type = p.node_types[node.type].name;
    std::map<std::string, int> services;
    for (int i : node.pods) {
      const Pod& pod = p.pods[i];
      const std::string name = pod.name;
      const std::string at = solver + " " + name + " on " + type;
      EXPECT_EQ(name.starts_with("ml-"), type == "gpu") << at;
      EXPECT_EQ(name.starts_with("acme-"), type == "acme-pool") << at;
      if (type == "spot") {
        EXPECT_TRUE(name.starts_with("batch-")) << at;
      }
      if (!pod.service.empty()) {
        EXPECT_LE(++services[pod.service], 1) << at;
      }
    }
  }
}

TEST(ConstraintsTest, EverySolverRespectsThem) {
  const PlacementProblem p = Cluster();
  ASSERT_TRUE(ValidateProblem(p).ok()) << ValidateProblem(p).ToString();
  SimulatedClock clock(Timestamp{});
  StatusOr<Placement> ffd = FirstFitDecreasing(p);
  StatusOr<Placement> bfd = BestFitDecreasing(p);
  ASSERT_TRUE(ffd.ok() && bfd.ok());
  StatusOr<SolveResult> gga = SolvePlacement(
      p, {.seed = 3, .max_generations = 300, .population_size = 10, .exact_max_pods = 0}, clock);
  ASSERT_TRUE(gga.ok()) << gga.status().ToString();
  StatusOr<ExactResult> exact = SolveExact(p, *ffd, std::chrono::seconds(20));
  ASSERT_TRUE(exact.ok()) << exact.status().ToString();
  const std::map<std::string, Placement> results = {
      {"ffd", *ffd}, {"bfd", *bfd}, {"gga", gga->placement}, {"cbc", exact->placement}};
  for (const auto& [solver, placement] : results) {
    EXPECT_TRUE(CheckPlacement(p, placement).ok())
        << solver << ": " << CheckPlacement(p, placement).ToString();
    ExpectConstraintsHold(p, placement, solver);
  }
  // The optimum, by hand: the 6 web pods (5 cpu) on 6 distinct general nodes (6), one of which
  // takes the globex pod; the batch pods (4 cpu, too large for the 3 cpu left beside a web pod)
  // on one spot node (1.2, less than two general nodes); ml on one gpu node (1.5); acme on one
  // acme-pool node (0.5). Total 9.2.
  EXPECT_TRUE(exact->proven_optimal);
  EXPECT_NEAR(exact->placement.cost, 9.2, 1e-9);
  EXPECT_LE(gga->placement.cost, ffd->cost + 1e-9);
}

TEST(ConstraintsTest, CheckPlacementNamesTheBrokenConstraint) {
  const PlacementProblem p = Cluster();
  auto index = [&](const std::string& name) {
    for (size_t i = 0; i < p.pods.size(); ++i) {
      if (p.pods[i].name == name) return static_cast<int>(i);
    }
    return -1;
  };
  struct Case {
    const char* name;
    int type;
    std::vector<std::string> pods;
    const char* message;
  };
  const Case cases[] = {
      {"selector", 0, {"ml-0"}, "its node_selector accel=gpu does not match"},
      {"taint", 1, {"web-0"}, "it does not tolerate the taint gpu=true:NoSchedule"},
      {"taint NoExecute", 3, {"web-0"}, "it does not tolerate the taint spot:NoExecute"},
      {"other tenant's pool", 2, {"globex-0"}, "the type is dedicated to tenant acme"},
      {"tenant off its pool", 0, {"acme-0"}, "tenant acme runs only on its dedicated pool"},
      {"anti-affinity", 0, {"web-0", "web-1"}, "more than 1 pods of service \"web\""},
  };
  for (const Case& c : cases) {
    // The case's node, and every other pod alone on a node of a type it may use.
    Placement placement;
    PlacedNode node{.type = c.type, .pods = {}};
    std::set<int> on_it;
    for (const std::string& name : c.pods) {
      node.pods.push_back(index(name));
      on_it.insert(index(name));
    }
    placement.nodes.push_back(node);
    for (int i = 0; i < static_cast<int>(p.pods.size()); ++i) {
      if (on_it.count(i)) continue;
      for (int t = 0; t < static_cast<int>(p.node_types.size()); ++t) {
        if (!PodTypeConflict(p, i, t)) {
          placement.nodes.push_back({.type = t, .pods = {i}});
          break;
        }
      }
    }
    placement.cost = PlacementCost(p, placement.nodes);
    const Status s = CheckPlacement(p, placement);
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << c.name;
    EXPECT_NE(s.message().find(c.message), std::string::npos) << c.name << ": " << s.message();
  }
}

TEST(ConstraintsTest, ValidateProblemRejectsBadConstraints) {
  struct Case {
    const char* name;
    std::function<void(PlacementProblem&)> edit;
    const char* message;
  };
  const Case cases[] = {
      {"taint effect", [](PlacementProblem& p) { p.node_types[1].taints = {"gpu=true:Maybe"}; },
       "node type \"gpu\".taints: expected the effect NoSchedule, PreferNoSchedule or NoExecute, "
       "found \"Maybe\""},
      {"taint without effect", [](PlacementProblem& p) { p.node_types[1].taints = {"gpu"}; },
       "expected key[=value]:Effect, found \"gpu\""},
      {"max_per_node differs", [](PlacementProblem& p) { p.pods[1].max_per_node = 2; },
       "pod \"web-1\".max_per_node: expected 1 as for the other pods of service \"web\", found 2"},
      {"max_per_node without service", [](PlacementProblem& p) { p.pods[6].max_per_node = 1; },
       "pod \"batch-0\".max_per_node: expected a service to count, found none"},
      {"allowed nowhere", [](PlacementProblem& p) { p.pods[10].tolerations.clear(); },
       "pod \"ml-0\": expected to fit on at least one node type, fits on none allowed (on "
       "\"general\": its node_selector accel=gpu does not match)"},
  };
  for (const Case& c : cases) {
    PlacementProblem p = Cluster();
    c.edit(p);
    const Status s = ValidateProblem(p);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(s.message().find(c.message), std::string::npos) << c.name << ": " << s.message();
  }
}

TEST(ConstraintsTest, PreferNoScheduleAndInstanceTypeLabel) {
  PlacementProblem p;
  p.resources = {"cpu"};
  p.node_types = {{.name = "a", .capacity = {4}, .price_per_hour = 1},
                  {.name = "b",
                   .capacity = {4},
                   .price_per_hour = 2,
                   .taints = {"maintenance:PreferNoSchedule"}}};
  Pod pinned = MakePod("pinned", 1);
  pinned.node_selector = {{std::string(kInstanceTypeLabel), "b"}};
  p.pods = {pinned, MakePod("free", 1)};
  ASSERT_TRUE(ValidateProblem(p).ok()) << ValidateProblem(p).ToString();
  EXPECT_FALSE(PodTypeConflict(p, 0, 1).has_value());  // a preference only
  EXPECT_TRUE(PodTypeConflict(p, 0, 0).has_value());
  StatusOr<Placement> ffd = FirstFitDecreasing(p);
  ASSERT_TRUE(ffd.ok());
  // The pinned pod opens a b node and the free pod joins it: one node.
  ASSERT_EQ(ffd->nodes.size(), 1u);
  EXPECT_EQ(ffd->nodes[0].type, 1);
}

TEST(ConstraintsTest, CsvReadsTheOptionalColumns) {
  const std::string pods =
      "name,cpu,service,max_per_node,node_selector,tolerations,tenant\n"
      "web-0,1,web,1,,,\n"
      "web-1,1,web,1\n"
      "ml-0,2,,,accel=gpu;zone=a,gpu=true;spot,\n"
      "acme-0,1,,,,,acme\n";
  const std::string nodes =
      "type,cpu,price,max_count,labels,taints,tenant\n"
      "general,4,1,,,,\n"
      "gpu,4,2,,accel=gpu;zone=a,gpu=true:NoSchedule,\n"
      "acme,4,0.5,,,,acme\n";
  StatusOr<PlacementProblem> p = ParsePlacementCsv(pods, "pods.csv", nodes, "nodes.csv");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->resources, std::vector<std::string>{"cpu"});
  EXPECT_EQ(p->pods[1].service, "web");
  EXPECT_EQ(p->pods[1].max_per_node, 1);
  EXPECT_EQ(p->pods[2].node_selector.at("zone"), "a");
  EXPECT_EQ(p->pods[2].tolerations, (std::vector<std::string>{"gpu=true", "spot"}));
  EXPECT_EQ(p->pods[3].tenant, "acme");
  EXPECT_EQ(p->node_types[1].taints, std::vector<std::string>{"gpu=true:NoSchedule"});
  EXPECT_EQ(p->node_types[1].labels.at("accel"), "gpu");
  EXPECT_EQ(p->node_types[2].tenant, "acme");

  struct Case {
    const char* name;
    std::string pods;
    std::string nodes;
    const char* message;
  };
  const Case errors[] = {
      {"selector", "name,cpu,node_selector\na,1,accel\n", "type,cpu,price\nn,4,1\n",
       "pods.csv:2: column \"node_selector\": expected key=value pairs separated by ';', found "
       "\"accel\""},
      {"max_per_node", "name,cpu,service,max_per_node\na,1,web,x\n", "type,cpu,price\nn,4,1\n",
       "pods.csv:2: column \"max_per_node\": expected an integer >= 0 or nothing, found \"x\""},
      {"unknown node column", "name,cpu\na,1\n", "type,cpu,price,colour\nn,4,1,red\n",
       "nodes.csv:1: column \"colour\": expected a resource of the pods file or one of price, "
       "max_count, labels, taints, tenant, zone"},
      {"max_skew", "name,cpu,service,max_skew\na,1,web,-1\n", "type,cpu,price,zone\nn,4,1,z\n",
       "pods.csv:2: column \"max_skew\": expected an integer >= 0 or nothing, found \"-1\""},
      {"spread without zones", "name,cpu,service,max_skew\na,1,web,1\n", "type,cpu,price\nn,4,1\n",
       "pod \"a\".max_skew: expected a node type with a zone"},
      {"taint", "name,cpu\na,1\n", "type,cpu,price,taints\nn,4,1,x:Never\nm,4,1,\n",
       "expected the effect NoSchedule, PreferNoSchedule or NoExecute, found \"Never\""},
      {"only rules", "name,tenant\na,acme\n", "type,price\nn,1\n",
       "pods.csv:1: expected at least one resource column, found none"},
  };
  for (const Case& c : errors) {
    StatusOr<PlacementProblem> bad = ParsePlacementCsv(c.pods, "pods.csv", c.nodes, "nodes.csv");
    ASSERT_FALSE(bad.ok()) << c.name;
    EXPECT_NE(bad.status().message().find(c.message), std::string::npos)
        << c.name << ": " << bad.status().message();
  }
}

TEST(ConstraintsTest, ConsolidationMovesOnlyToAllowedTypes) {
  const PlacementProblem p = Cluster();
  // Current: every pod alone on a node of the first type it may use; target: the solver's.
  Placement current;
  for (int i = 0; i < static_cast<int>(p.pods.size()); ++i) {
    for (int t = 0; t < static_cast<int>(p.node_types.size()); ++t) {
      if (!PodTypeConflict(p, i, t)) {
        current.nodes.push_back({.type = t, .pods = {i}});
        break;
      }
    }
  }
  current.cost = PlacementCost(p, current.nodes);
  StatusOr<Placement> target = BestFitDecreasing(p);
  ASSERT_TRUE(target.ok());
  ConsolidationInput in{.problem = &p,
                        .current = current,
                        .target = *target,
                        .pod_group = std::vector<std::string>(p.pods.size()),
                        .budgets = {}};
  for (size_t i = 0; i < p.pods.size(); ++i) in.pod_group[i] = p.pods[i].service;
  in.budgets = {{.group = "web", .max_unavailable = 1}};
  StatusOr<ConsolidationPlan> plan = PlanConsolidation(in);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(VerifyPlan(in, *plan).ok()) << VerifyPlan(in, *plan).ToString();
  // Replays the plan: arrivals land before departures leave, and no node ever holds two web
  // replicas (max_per_node 1) nor a pod on a type it may not use.
  std::vector<std::multiset<std::string>> on(plan->nodes.size());
  for (size_t k = 0; k < current.nodes.size(); ++k) {
    for (int i : current.nodes[k].pods) on[k].insert(p.pods[i].service);
  }
  for (const auto& wave : plan->waves) {
    for (const PodMove& m : wave) {
      EXPECT_FALSE(PodTypeConflict(p, m.pod, plan->nodes[m.to].type).has_value())
          << p.pods[m.pod].name;
      on[m.to].insert(p.pods[m.pod].service);
    }
    for (const auto& services : on) EXPECT_LE(services.count("web"), 1u);
    for (const PodMove& m : wave) on[m.from].erase(on[m.from].find(p.pods[m.pod].service));
  }
  EXPECT_LT(plan->cost_after, plan->cost_before);
}

}  // namespace
}  // namespace crescendo::optimize
