#include "optimize/exact_fill.h"

#include <gtest/gtest.h>

#include "crescendo/optimize/bounds.h"
#include "crescendo/optimize/instances.h"

namespace crescendo::optimize::internal {
namespace {

TEST(ExactFillTest, SmallCases) {
  struct Case {
    const char* name;
    std::vector<int64_t> sizes;
    int64_t capacity;
    int64_t nodes;
    bool found;
  };
  const Case cases[] = {
      // 5 + 5 + 5 + 5 + 4 = 24 = 2 x 12, but no subset sums to 12: no perfect packing, and the
      // search says so by exhausting its tree (the simulated clock never moves).
      {"no subset fills a node", {5, 5, 5, 5, 4}, 12, 2, false},
      {"perfect pairs", {7, 5, 8, 4, 9, 3}, 12, 3, true},
      // One unit may be wasted: {6, 5}, {6, 4} and 11 + 10 = 21 <= 2 x 11.
      {"waste allowed", {6, 6, 5, 4}, 11, 2, true},
      {"too much demand", {6, 6, 6}, 11, 1, false},
  };
  for (const Case& c : cases) {
    const PlacementProblem p = OneDimensional(c.sizes, c.capacity);
    const Instance in = MakeInstance(p, ComputeLowerBounds(p));
    SimulatedClock clock(Timestamp{});
    Random rng(1);
    std::optional<std::vector<Bin>> bins =
        ExactFill(in, 0, c.nodes, rng, clock, clock.Now() + std::chrono::seconds(1));
    ASSERT_EQ(bins.has_value(), c.found) << c.name;
    if (!bins) continue;
    Placement placement = ToPlacement(in, *bins);
    EXPECT_TRUE(CheckPlacement(p, placement).ok()) << c.name;
    EXPECT_EQ(static_cast<int64_t>(placement.nodes.size()), c.nodes) << c.name;
  }
}

TEST(ExactFillTest, TripletsPackPerfectly) {
  for (int n : {60, 120, 249, 501}) {
    const PlacementProblem p = FalkenauerTriplets(n, 7);
    const Instance in = MakeInstance(p, ComputeLowerBounds(p));
    RealClock clock;
    Random rng(1);
    std::optional<std::vector<Bin>> bins =
        ExactFill(in, 0, n / 3, rng, clock, clock.Now() + std::chrono::seconds(10));
    ASSERT_TRUE(bins.has_value()) << "t" << n;
    Placement placement = ToPlacement(in, *bins);
    EXPECT_TRUE(CheckPlacement(p, placement).ok()) << "t" << n;
    EXPECT_EQ(static_cast<int>(placement.nodes.size()), n / 3);
  }
}

}  // namespace
}  // namespace crescendo::optimize::internal
