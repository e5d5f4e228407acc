// Topology spread over zones (placement.h, max_skew): the eligible zones, the quotas, the
// checks of ValidateProblem and CheckPlacement, every solver and consolidation keeping the skew.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/optimize/consolidation.h"
#include "crescendo/optimize/csv.h"
#include "crescendo/optimize/exact.h"
#include "crescendo/optimize/instances.h"
#include "crescendo/optimize/placement.h"
#include "crescendo/optimize/solve.h"

namespace crescendo::optimize {
namespace {

// Zones a, b, c, each offering a node type of 4 cpu at 1/h, and 7 replicas of "web" (1 cpu)
// with max_skew 1.
PlacementProblem SevenReplicas() {
  PlacementProblem p;
  p.resources = {"cpu"};
  for (const char* zone : {"a", "b", "c"}) {
    p.node_types.push_back(
        {.name = std::string("n-") + zone, .capacity = {4}, .price_per_hour = 1, .zone = zone});
  }
  for (int i = 0; i < 7; ++i) {
    p.pods.push_back(
        {.name = "web-" + std::to_string(i), .demand = {1}, .service = "web", .max_skew = 1});
  }
  return p;
}

// The pods of `service` per zone of `zones` (those of no listed zone under "").
std::map<std::string, int> CountPerZone(const PlacementProblem& p, const Placement& placement,
                                        const std::string& service) {
  std::map<std::string, int> count;
  for (const char* zone : {"a", "b", "c"}) count[zone] = 0;
  for (const PlacedNode& node : placement.nodes) {
    for (int pod : node.pods) {
      if (p.pods[pod].service == service) ++count[ZoneOf(p.node_types[node.type])];
    }
  }
  return count;
}

std::vector<int> Sorted(const std::map<std::string, int>& count) {
  std::vector<int> v;
  for (const auto& [zone, n] : count) v.push_back(n);
  std::sort(v.begin(), v.end());
  return v;
}

// Runs FFD, BFD, the GA (through SolvePlacement, no exact model) and CBC from FFD's placement.
std::map<std::string, Placement> EverySolver(const PlacementProblem& p,
                                             Duration cbc_limit = std::chrono::seconds(20)) {
  std::map<std::string, Placement> out;
  StatusOr<Placement> ffd = FirstFitDecreasing(p);
  StatusOr<Placement> bfd = BestFitDecreasing(p);
  EXPECT_TRUE(ffd.ok()) << ffd.status().ToString();
  EXPECT_TRUE(bfd.ok()) << bfd.status().ToString();
  if (!ffd.ok() || !bfd.ok()) return out;
  out["ffd"] = *ffd;
  out["bfd"] = *bfd;
  SimulatedClock clock(Timestamp{});
  StatusOr<SolveResult> gga = SolvePlacement(
      p, {.seed = 5, .max_generations = 200, .population_size = 8, .exact_max_pods = 0}, clock);
  EXPECT_TRUE(gga.ok()) << gga.status().ToString();
  if (gga.ok()) out["gga"] = gga->placement;
  StatusOr<ExactResult> cbc = SolveExact(p, *ffd, cbc_limit);
  EXPECT_TRUE(cbc.ok()) << cbc.status().ToString();
  if (cbc.ok()) out["cbc"] = cbc->placement;
  return out;
}

TEST(ZonesTest, EverySolverKeepsTheSkew) {
  struct Case {
    const char* name;
    std::function<void(PlacementProblem&)> edit;
    std::vector<std::string> eligible;
    std::vector<int> counts;  // sorted, over zones a, b, c
    double cost;              // the optimum (CBC proves it)
    bool forced;              // no other counts within the skew cost as little (CBC's too)
  };
  const Case cases[] = {
      {"7 replicas, max_skew 1: 3/2/2",
       [](PlacementProblem&) {},
       {"a", "b", "c"},
       {2, 2, 3},
       3,
       true},
      // Zone c's type lacks the label three of the replicas select: they go to a and b.
      {"replicas that differ are dealt to zones that take them",
       [](PlacementProblem& p) {
         p.node_types[0].labels = p.node_types[1].labels = {{"disk", "ssd"}};
         for (int i = 0; i < 3; ++i) p.pods[i].node_selector = {{"disk", "ssd"}};
       },
       {"a", "b", "c"},
       {2, 2, 3},
       3,
       true},
      {"a zone whose type the pods may not use is not eligible",
       [](PlacementProblem& p) { p.node_types[2].taints = {"dedicated=db:NoSchedule"}; },
       {"a", "b"},
       {0, 3, 4},
       2,
       true},
      {"a zone whose type cannot hold a pod is not eligible",
       [](PlacementProblem& p) { p.node_types[2].capacity = {0}; },
       {"a", "b"},
       {0, 3, 4},
       2,
       true},
      // Zone c is the cheapest but holds one node of one pod: a and b take 3 each (at most
      // c's 1 + max_skew 2), on nodes opened there.
      {"a full zone sends the pods elsewhere within the skew",
       [](PlacementProblem& p) {
         p.node_types[2] = {
             .name = "n-c", .capacity = {1}, .price_per_hour = 0.2, .max_count = 1, .zone = "c"};
         for (Pod& pod : p.pods) pod.max_skew = 2;
       },
       {"a", "b", "c"},
       {1, 3, 3},
       2.2,
       true},
      {"max_skew 2: the first zones take the most",
       [](PlacementProblem& p) {
         for (Pod& pod : p.pods) pod.max_skew = 2;
       },
       {"a", "b", "c"},
       {1, 3, 3},
       3,
       false},
  };
  for (const Case& c : cases) {
    PlacementProblem p = SevenReplicas();
    c.edit(p);
    ASSERT_TRUE(ValidateProblem(p).ok()) << c.name << ": " << ValidateProblem(p).ToString();
    const std::vector<ZoneSpread> spreads = ZoneSpreads(p);
    ASSERT_EQ(spreads.size(), 1u) << c.name;
    EXPECT_EQ(spreads[0].zones, c.eligible) << c.name;
    for (const auto& [solver, placement] : EverySolver(p)) {
      EXPECT_TRUE(CheckPlacement(p, placement).ok())
          << c.name << ", " << solver << ": " << CheckPlacement(p, placement).ToString();
      const std::map<std::string, int> count = CountPerZone(p, placement, "web");
      // CBC may choose other counts of the same cost where the skew leaves a choice.
      if (solver != "cbc" || c.forced) {
        EXPECT_EQ(Sorted(count), c.counts) << c.name << ", " << solver;
      }
      if (solver == "cbc") {
        EXPECT_NEAR(placement.cost, c.cost, 1e-9) << c.name;
      }
      EXPECT_GE(placement.cost, c.cost - 1e-9) << c.name << ", " << solver;
    }
  }
}

TEST(ZonesTest, QuotasBalanceAndPreferTheCheapZones) {
  struct Case {
    const char* name;
    int pods;
    int32_t max_skew;
    double price_c;  // zone c's price (a and b: 1)
    std::vector<int64_t> quotas;
  };
  const Case cases[] = {
      {"7 over 3, skew 1", 7, 1, 1, {3, 2, 2}},
      {"6 over 3, skew 1", 6, 1, 1, {2, 2, 2}},
      {"2 over 3, skew 1: one zone empty", 2, 1, 1, {1, 1, 0}},
      {"7 over 3, skew 2, c cheapest", 7, 2, 0.5, {3, 1, 3}},
      {"7 over 3, skew 5, c cheapest", 7, 5, 0.5, {2, 0, 5}},
  };
  for (const Case& c : cases) {
    PlacementProblem p = SevenReplicas();
    p.pods.resize(static_cast<size_t>(c.pods));
    for (Pod& pod : p.pods) pod.max_skew = c.max_skew;
    p.node_types[2].price_per_hour = c.price_c;
    const std::vector<ZoneSpread> spreads = ZoneSpreads(p);
    ASSERT_EQ(spreads.size(), 1u);
    StatusOr<std::vector<int64_t>> quotas = ZoneQuotas(p, spreads[0]);
    ASSERT_TRUE(quotas.ok()) << c.name << ": " << quotas.status().ToString();
    EXPECT_EQ(*quotas, c.quotas) << c.name;
  }
}

TEST(ZonesTest, ValidateProblemRejectsInconsistentSpread) {
  struct Case {
    const char* name;
    std::function<void(PlacementProblem&)> edit;
    const char* message;
  };
  const Case cases[] = {
      {"max_skew differs", [](PlacementProblem& p) { p.pods[3].max_skew = 2; },
       "pod \"web-3\".max_skew: expected 1 as for the other pods of service \"web\", found 2"},
      {"negative", [](PlacementProblem& p) { p.pods[0].max_skew = -1; },
       "pod \"web-0\".max_skew: expected a skew >= 0, found -1"},
      {"without service",
       [](PlacementProblem& p) {
         for (Pod& pod : p.pods) pod.service.clear();
       },
       "pod \"web-0\".max_skew: expected a service to spread, found none"},
      {"no type has a zone",
       [](PlacementProblem& p) {
         for (NodeType& t : p.node_types) t.zone.clear();
       },
       "pod \"web-0\".max_skew: expected a node type with a zone that the pods of service "
       "\"web\" may use, found none"},
      {"zone and label disagree",
       [](PlacementProblem& p) {
         p.node_types[1].labels = {{kZoneLabel, "z"}};
       },
       "node type \"n-b\".zone: expected the zone of its label topology.kubernetes.io/zone (z), "
       "found b"},
      {"max_count leaves no counts within the skew",
       [](PlacementProblem& p) {
         p.node_types[2].capacity = {1};
         p.node_types[2].max_count = 1;
       },
       "service \"web\": max_skew 1 over zones a, b, c: zone c holds at most 1 of its pods (the "
       "max_count of its node types), so the zones hold at most 5 of its 7 pods within the "
       "skew"},
  };
  for (const Case& c : cases) {
    PlacementProblem p = SevenReplicas();
    c.edit(p);
    const Status s = ValidateProblem(p);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(s.message().find(c.message), std::string::npos) << c.name << ": " << s.message();
  }
}

TEST(ZonesTest, TypesWithoutZoneAndZoneSelectors) {
  PlacementProblem p = SevenReplicas();
  p.node_types.push_back({.name = "zoneless", .capacity = {8}, .price_per_hour = 0.1});
  p.node_types[1].zone.clear();
  p.node_types[1].labels = {{kZoneLabel, "b"}};  // the zone given as a label
  Pod pinned{.name = "pinned", .demand = {1}, .node_selector = {{kZoneLabel, "b"}}};
  p.pods.push_back(pinned);
  ASSERT_TRUE(ValidateProblem(p).ok()) << ValidateProblem(p).ToString();
  EXPECT_EQ(PodTypeConflict(p, 0, 3).value_or(""),
            "it spreads over zones (max_skew 1) and the type has no zone");
  EXPECT_FALSE(PodTypeConflict(p, 7, 1).has_value());
  EXPECT_TRUE(PodTypeConflict(p, 7, 0).has_value());
  EXPECT_EQ(ZoneSpreads(p)[0].zones, (std::vector<std::string>{"a", "b", "c"}));
  for (const auto& [solver, placement] : EverySolver(p)) {
    EXPECT_TRUE(CheckPlacement(p, placement).ok())
        << solver << ": " << CheckPlacement(p, placement).ToString();
    EXPECT_EQ(Sorted(CountPerZone(p, placement, "web")), (std::vector<int>{2, 2, 3})) << solver;
  }
}

TEST(ZonesTest, CheckPlacementNamesServiceZonesAndCounts) {
  const PlacementProblem p = SevenReplicas();
  // 5 pods in a, 1 in b, 1 in c.
  Placement bad{.nodes = {{0, {0, 1, 2, 3}}, {0, {4}}, {1, {5}}, {2, {6}}}, .cost = 4};
  const Status s = CheckPlacement(p, bad);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "service \"web\": 5 pods in zone a, 1 in zone b: more than max_skew 1 apart "
            "(eligible zones a, b, c)");
  Placement good{.nodes = {{0, {0, 1, 2}}, {1, {3, 4}}, {2, {5, 6}}}, .cost = 3};
  EXPECT_TRUE(CheckPlacement(p, good).ok()) << CheckPlacement(p, good).ToString();
}

TEST(ZonesTest, CsvReadsZoneAndMaxSkew) {
  const std::string pods =
      "name,cpu,service,max_skew\n"
      "web-0,1,web,1\n"
      "web-1,1,web,1\n"
      "job-0,1\n";
  const std::string nodes =
      "type,cpu,price,zone\n"
      "n,4,1,eu-1a\n"
      "n,4,1,eu-1b\n";
  StatusOr<PlacementProblem> p = ParsePlacementCsv(pods, "pods.csv", nodes, "nodes.csv");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->pods[1].max_skew, 1);
  EXPECT_EQ(p->pods[2].max_skew, 0);
  EXPECT_EQ(p->node_types[1].zone, "eu-1b");
  // In a current placement, a type listed in several zones is named <type>@<zone>.
  StatusOr<NamedPlacement> current = ParsePlacementFileCsv(
      "node,type,pods\nx,n@eu-1a,web-0;job-0\ny,n@eu-1b,web-1\n", "current.csv", *p);
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  EXPECT_EQ(current->placement.nodes[1].type, 1);
  StatusOr<NamedPlacement> ambiguous =
      ParsePlacementFileCsv("node,type,pods\nx,n,web-0;web-1;job-0\n", "current.csv", *p);
  EXPECT_EQ(ambiguous.status().message(),
            "current.csv:2: column \"type\": expected one node type, found \"n\", which the nodes "
            "file offers in several zones (name it n@<zone>)");
}

// Random zoned clusters: services of 2 to 7 replicas, every other one spread with max_skew 1
// or 2, zone c missing the memory family for some seeds, a capped type; every solver's
// placement passes CheckPlacement (which checks the skew).
TEST(ZonesTest, RandomProblemsEverySolverPassesCheckPlacement) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const int pods = 12 + static_cast<int>(seed % 4) * 4;
    const int zones = 2 + static_cast<int>(seed % 2);
    const int replicas = 2 + static_cast<int>(seed % 6);
    PlacementProblem p =
        ZonedClusterInstance(pods, 6, zones, replicas, static_cast<int32_t>(1 + seed % 2), seed);
    for (size_t i = 0; i < p.pods.size(); ++i) {
      if ((i / static_cast<size_t>(replicas)) % 2 == 1) p.pods[i].max_skew = 0;
    }
    if (seed % 3 == 0 && zones == 3) {
      std::erase_if(p.node_types, [](const NodeType& t) {
        return t.zone == "zone-c" && t.name.starts_with("memory");
      });
    }
    p.node_types[1].max_count = 2;
    ASSERT_TRUE(ValidateProblem(p).ok()) << seed << ": " << ValidateProblem(p).ToString();
    for (const auto& [solver, placement] : EverySolver(p, std::chrono::seconds(1))) {
      EXPECT_TRUE(CheckPlacement(p, placement).ok())
          << "seed " << seed << ", " << solver << ": " << CheckPlacement(p, placement).ToString();
    }
  }
}

// Replays `plan` and returns the largest skew of `service` at the end of any wave.
int MaxSkewAtWaves(const PlacementProblem& p, const ConsolidationInput& in,
                   const ConsolidationPlan& plan, const std::string& service) {
  std::vector<int> node_of(p.pods.size());
  for (size_t k = 0; k < in.current.nodes.size(); ++k) {
    for (int pod : in.current.nodes[k].pods) node_of[pod] = static_cast<int>(k);
  }
  const std::vector<ZoneSpread> spreads = ZoneSpreads(p);
  int worst = 0;
  for (const auto& wave : plan.waves) {
    for (const PodMove& m : wave) node_of[m.pod] = m.to;
    std::map<std::string, int> count;
    for (const std::string& zone : spreads[0].zones) count[zone] = 0;
    for (size_t i = 0; i < p.pods.size(); ++i) {
      if (p.pods[i].service == service) ++count[ZoneOf(p.node_types[plan.nodes[node_of[i]].type])];
    }
    const auto [low, high] =
        std::minmax_element(count.begin(), count.end(),
                            [](const auto& a, const auto& b) { return a.second < b.second; });
    worst = std::max(worst, high->second - low->second);
  }
  return worst;
}

TEST(ZonesTest, ConsolidationKeepsTheSkewAtEveryWave) {
  const PlacementProblem p = SevenReplicas();
  // Current: one pod per node, 3 in c, 2 in b, 2 in a; the target: FFD's 3/2/2 on 3 nodes.
  Placement current;
  const int zone_of[] = {2, 2, 2, 1, 1, 0, 0};
  for (int i = 0; i < 7; ++i) current.nodes.push_back({.type = zone_of[i], .pods = {i}});
  current.cost = PlacementCost(p, current.nodes);
  StatusOr<Placement> target = FirstFitDecreasing(p);
  ASSERT_TRUE(target.ok());
  for (int32_t budget : {1, 2, 7}) {
    ConsolidationInput in{.problem = &p,
                          .current = current,
                          .target = *target,
                          .pod_group = std::vector<std::string>(7, "web"),
                          .budgets = {{.group = "web", .max_unavailable = budget}}};
    StatusOr<ConsolidationPlan> plan = PlanConsolidation(in);
    ASSERT_TRUE(plan.ok()) << budget << ": " << plan.status().ToString();
    EXPECT_TRUE(VerifyPlan(in, *plan).ok()) << budget << ": " << VerifyPlan(in, *plan).ToString();
    EXPECT_LE(MaxSkewAtWaves(p, in, *plan, "web"), 1) << budget;
    EXPECT_NEAR(plan->cost_after, 3, 1e-9);
    // The target's replicas trade places so that they stay in their zones: one pod crosses
    // zones (c has 3 and will have 2, a the reverse), 4 move in all.
    int across = 0;
    for (const auto& wave : plan->waves) {
      for (const PodMove& m : wave) {
        across += ZoneOf(p.node_types[plan->nodes[m.from].type]) !=
                  ZoneOf(p.node_types[plan->nodes[m.to].type]);
      }
    }
    EXPECT_EQ(across, 1) << budget;
    EXPECT_EQ(plan->evictions, 4) << budget;
  }
  // A hand-made plan moving a pod from c to a (3/2/2 to 4/2/1) breaks the skew.
  Placement from{.nodes = {{0, {0, 1, 2}}, {1, {3, 4}}, {2, {5, 6}}}, .cost = 3};
  ConsolidationInput in{.problem = &p,
                        .current = from,
                        .target = from,
                        .pod_group = std::vector<std::string>(7),
                        .budgets = {}};
  ConsolidationPlan bad{.nodes = {{0, true}, {1, true}, {2, true}},
                        .added = {},
                        .waves = {{{.pod = 5, .from = 2, .to = 0}}},
                        .removed = {}};
  EXPECT_EQ(VerifyPlan(in, bad).message(),
            "wave 0: service \"web\" would count 4 pods in zone a while zone c has 1, more than "
            "max_skew 1 apart");
}

TEST(ZonesTest, ConsolidationAcrossZonesOnRandomProblems) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const PlacementProblem p = ZonedClusterInstance(30, 6, 3, 5, 1, seed);
    // Current: BFD's placement; target: the GA's.
    StatusOr<Placement> current = BestFitDecreasing(p);
    ASSERT_TRUE(current.ok());
    SimulatedClock clock(Timestamp{});
    StatusOr<SolveResult> target = SolvePlacement(
        p, {.seed = seed, .max_generations = 100, .population_size = 8, .exact_max_pods = 0},
        clock);
    ASSERT_TRUE(target.ok());
    ConsolidationInput in{.problem = &p,
                          .current = *current,
                          .target = target->placement,
                          .pod_group = std::vector<std::string>(p.pods.size()),
                          .budgets = {}};
    for (size_t i = 0; i < p.pods.size(); ++i) in.pod_group[i] = p.pods[i].service;
    std::set<std::string> services;
    for (const Pod& pod : p.pods) services.insert(pod.service);
    for (const std::string& s : services) in.budgets.push_back({.group = s, .max_unavailable = 1});
    StatusOr<ConsolidationPlan> plan = PlanConsolidation(in);
    ASSERT_TRUE(plan.ok()) << seed << ": " << plan.status().ToString();
    EXPECT_TRUE(VerifyPlan(in, *plan).ok()) << seed << ": " << VerifyPlan(in, *plan).ToString();
  }
}

}  // namespace
}  // namespace crescendo::optimize
