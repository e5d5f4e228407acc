#include "crescendo/optimize/placement.h"

#include <gtest/gtest.h>

#include "crescendo/optimize/bounds.h"

namespace crescendo::optimize {
namespace {

PlacementProblem OneDim(std::vector<int64_t> sizes, int64_t capacity) {
  PlacementProblem p;
  p.resources = {"cpu"};
  p.node_types.push_back({.name = "n", .capacity = {capacity}, .price_per_hour = 1});
  for (size_t i = 0; i < sizes.size(); ++i) {
    p.pods.push_back({.name = "p" + std::to_string(i), .demand = {sizes[i]}});
  }
  return p;
}

TEST(ValidateProblemTest, NamesTheFieldAtFault) {
  struct Case {
    const char* name;
    PlacementProblem problem;
    const char* message;
  };
  PlacementProblem no_resources = OneDim({1}, 10);
  no_resources.resources.clear();
  PlacementProblem no_types = OneDim({1}, 10);
  no_types.node_types.clear();
  PlacementProblem bad_price = OneDim({1}, 10);
  bad_price.node_types[0].price_per_hour = 0;
  PlacementProblem short_demand = OneDim({1}, 10);
  short_demand.pods[0].demand.clear();
  PlacementProblem negative = OneDim({-1}, 10);
  PlacementProblem too_big = OneDim({11}, 10);
  PlacementProblem zero_max = OneDim({1}, 10);
  zero_max.node_types[0].max_count = 0;
  const Case cases[] = {
      {"no resources", no_resources, "resources: expected at least one resource"},
      {"no node types", no_types, "node_types: expected at least one node type"},
      {"price", bad_price, "node type \"n\".price: expected a finite price > 0, found 0.000000"},
      {"short", short_demand, "pod \"p0\".demand: expected 1 amounts (one per resource), found 0"},
      {"negative", negative, "pod \"p0\".demand[0]: expected an amount >= 0, found -1"},
      {"too big", too_big, "pod \"p0\": expected to fit on at least one node type, fits on none"},
      {"max 0", zero_max, "pod \"p0\": expected to fit on at least one node type, fits on none"},
  };
  for (const Case& c : cases) {
    const Status s = ValidateProblem(c.problem);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(s.message(), c.message) << c.name;
  }
}

TEST(GreedyTest, KnownPackings) {
  struct Case {
    const char* name;
    std::vector<int64_t> sizes;
    int64_t capacity;
    size_t ffd_nodes;
    size_t bfd_nodes;
  };
  const Case cases[] = {
      {"empty", {}, 10, 0, 0},
      {"one", {5}, 10, 1, 1},
      {"pairs", {6, 4, 6, 4}, 10, 2, 2},
      // FFD: {7, 3}, {5, 4}, {3, 2}.
      {"decreasing", {3, 7, 2, 5, 4, 3}, 10, 3, 3},
      {"five bins", {5, 5, 5, 5, 5, 5, 5, 5, 5, 1}, 10, 5, 5},
  };
  for (const Case& c : cases) {
    const PlacementProblem p = OneDim(c.sizes, c.capacity);
    StatusOr<Placement> ffd = FirstFitDecreasing(p);
    StatusOr<Placement> bfd = BestFitDecreasing(p);
    ASSERT_TRUE(ffd.ok() && bfd.ok()) << c.name;
    EXPECT_EQ(ffd->nodes.size(), c.ffd_nodes) << c.name;
    EXPECT_EQ(bfd->nodes.size(), c.bfd_nodes) << c.name;
    EXPECT_TRUE(CheckPlacement(p, *ffd).ok()) << c.name;
    EXPECT_TRUE(CheckPlacement(p, *bfd).ok()) << c.name;
  }
}

TEST(GreedyTest, PicksCheapTypesAndRightSizes) {
  PlacementProblem p;
  p.resources = {"cpu", "memory"};
  p.node_types = {
      {.name = "small", .capacity = {2000, 4}, .price_per_hour = 1.0},
      {.name = "large", .capacity = {8000, 16}, .price_per_hour = 3.0},  // cheaper per unit
      {.name = "memory", .capacity = {2000, 16}, .price_per_hour = 5.0},
  };
  for (int i = 0; i < 9; ++i) {
    p.pods.push_back({.name = "p" + std::to_string(i), .demand = {1000, 2}});
  }
  StatusOr<Placement> ffd = FirstFitDecreasing(p);
  ASSERT_TRUE(ffd.ok()) << ffd.status().ToString();
  EXPECT_TRUE(CheckPlacement(p, *ffd).ok());
  // One large node (8 pods, cheapest per unit) and the ninth pod right-sized onto a small one.
  EXPECT_DOUBLE_EQ(ffd->cost, 4.0);
  ASSERT_EQ(ffd->nodes.size(), 2u);
  EXPECT_EQ(p.node_types[ffd->nodes[0].type].name, "large");
  EXPECT_EQ(p.node_types[ffd->nodes[1].type].name, "small");
}

TEST(GreedyTest, MaxCountRunsOut) {
  PlacementProblem p = OneDim({6, 6, 6}, 10);
  p.node_types[0].max_count = 2;
  StatusOr<Placement> ffd = FirstFitDecreasing(p);
  EXPECT_EQ(ffd.status().code(), StatusCode::kResourceExhausted);
}

TEST(CheckPlacementTest, FindsEveryFault) {
  const PlacementProblem p = OneDim({6, 5}, 10);
  struct Case {
    const char* name;
    Placement placement;
    const char* message;
  };
  const Case cases[] = {
      {"over", {{{0, {0, 1}}}, 1}, "node 0 (n): cpu 11 over capacity 10"},
      {"twice", {{{0, {0}}, {0, {0, 1}}}, 2}, "pod \"p0\" placed twice"},
      {"missing", {{{0, {0}}}, 1}, "pod \"p1\" not placed"},
      {"cost", {{{0, {0}}, {0, {1}}}, 3}, "cost 3.000000 is not the nodes' total 2.000000"},
      {"type", {{{4, {0, 1}}}, 1}, "node 0: no node type 4"},
  };
  for (const Case& c : cases) {
    const Status s = CheckPlacement(p, c.placement);
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << c.name;
    EXPECT_EQ(s.message(), c.message) << c.name;
  }
}

TEST(BoundsTest, L1AndL2) {
  struct Case {
    const char* name;
    std::vector<int64_t> sizes;
    int64_t capacity;
    int64_t l1;
    int64_t l2;
  };
  const Case cases[] = {
      {"empty", {}, 10, 0, 0},
      {"continuous", {5, 5, 5, 5}, 10, 2, 2},
      // Three items over half: L1 = ceil(18/10) = 2, but each needs its own bin.
      {"big items", {6, 6, 6}, 10, 2, 3},
      // a = 4: J1 = {7,7} (> 6), J3 = {4,4,4} (4..5): 12 - (0 free) -> 2 + ceil(12/10) = 4.
      {"martello toth", {7, 7, 4, 4, 4}, 10, 3, 4},
      // Odd capacity: 76 > 75.5, two of them cannot share a bin of 151; 76 and 75 can.
      {"odd capacity", {76, 76, 76}, 151, 2, 3},
      {"odd capacity pairs", {76, 76, 75, 75}, 151, 2, 2},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(L1Bound(c.sizes, c.capacity), c.l1) << c.name;
    EXPECT_EQ(L2Bound(c.sizes, c.capacity), c.l2) << c.name;
  }
}

TEST(BoundsTest, CoverLpPricesResources) {
  PlacementProblem p;
  p.resources = {"cpu", "memory"};
  p.node_types = {
      {.name = "cpu-heavy", .capacity = {4, 4}, .price_per_hour = 1.0},
      {.name = "mem-heavy", .capacity = {1, 8}, .price_per_hour = 1.0},
  };
  // Demand 8 cpu, 16 memory: x1 = 12/7... solve 4a + b >= 8, 4a + 8b >= 16: a = 12/7, b = 8/7,
  // cost 20/7; per resource alone: cpu 8 * 1/4 = 2, memory 16 * 1/8 = 2.
  for (int i = 0; i < 8; ++i) p.pods.push_back({.name = "p", .demand = {1, 2}});
  const LowerBounds b = ComputeLowerBounds(p);
  EXPECT_TRUE(b.lp_feasible);
  EXPECT_NEAR(b.cost_lp, 20.0 / 7.0, 1e-9);
  EXPECT_NEAR(b.cost_per_resource, 2.0, 1e-12);
  EXPECT_NEAR(b.cost, 20.0 / 7.0, 1e-9);
  // The duals price the demand at the LP's optimum.
  EXPECT_NEAR(8 * b.resource_prices[0] + 16 * b.resource_prices[1], 20.0 / 7.0, 1e-9);
  EXPECT_TRUE(b.l2.empty());  // two types: no bin-count bound
}

TEST(BoundsTest, GapIsRelative) {
  EXPECT_DOUBLE_EQ(Gap(103, 100), 0.03);
  EXPECT_DOUBLE_EQ(Gap(100, 100), 0);
  EXPECT_DOUBLE_EQ(Gap(5, 0), 0);
}

}  // namespace
}  // namespace crescendo::optimize
