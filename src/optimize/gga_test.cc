#include "crescendo/optimize/gga.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "crescendo/base/clock.h"
#include "crescendo/optimize/instances.h"
#include "crescendo/optimize/solve.h"

namespace crescendo::optimize {
namespace {

// CRESCENDO_FALKENAUER_FULL=1 runs Falkenauer's full tables (20 instances per class, 10 s each,
// as the comparison with HGGA asks); by default 5 per class with shorter limits, so the
// suite stays quick.
bool FullFalkenauerRun() {
  const char* full = std::getenv("CRESCENDO_FALKENAUER_FULL");
  return full != nullptr && std::string(full) == "1";
}
uint64_t InstancesPerClass() { return FullFalkenauerRun() ? 20 : 5; }
Duration TimeLimitPerInstance(int default_seconds) {
  return FullFalkenauerRun() ? std::chrono::seconds(10) : std::chrono::seconds(default_seconds);
}

// Falkenauer's uniform classes (u120, u250, u500, u1000; 20 instances each in his paper), made
// again with our own generator: HGGA reached the optimum on 76 of his 80. The optimum of most
// uniform instances equals L2, so reaching L2 proves optimality; this counts those.
TEST(GgaTest, FalkenauerUniformReachesL2) {
  RealClock clock;
  int hits = 0, total = 0;
  const uint64_t per_class = InstancesPerClass();
  for (int n : {120, 250, 500, 1000}) {
    for (uint64_t seed = 1; seed <= per_class; ++seed) {
      const PlacementProblem p = FalkenauerUniform(n, seed);
      SolveOptions options{.seed = seed, .time_limit = TimeLimitPerInstance(5)};
      StatusOr<SolveResult> r = SolvePlacement(p, options, clock);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_TRUE(CheckPlacement(p, r->placement).ok());
      const bool hit = static_cast<int64_t>(r->placement.nodes.size()) == r->bounds.nodes;
      std::printf("u%d seed %d: L2 %lld, FFD %.0f, solver %zu (%s, %lld generations)\n", n,
                  static_cast<int>(seed), static_cast<long long>(r->bounds.nodes), r->ffd_cost,
                  r->placement.nodes.size(), r->method.c_str(),
                  static_cast<long long>(r->generations));
      hits += hit ? 1 : 0;
      ++total;
    }
  }
  std::printf("uniform: L2 reached on %d of %d\n", hits, total);
  // HGGA's rate, 76/80 = 95%, on our 20 instances: at least 19.
  EXPECT_GE(hits * 80, 76 * total);
}

TEST(GgaTest, FalkenauerTripletsReachThird) {
  RealClock clock;
  int hits = 0, total = 0;
  const uint64_t per_class = InstancesPerClass();
  for (int n : {60, 120, 249, 501}) {
    for (uint64_t seed = 1; seed <= per_class; ++seed) {
      const PlacementProblem p = FalkenauerTriplets(n, seed);
      SolveOptions options{.seed = seed, .time_limit = TimeLimitPerInstance(3)};
      StatusOr<SolveResult> r = SolvePlacement(p, options, clock);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_TRUE(CheckPlacement(p, r->placement).ok());
      EXPECT_EQ(static_cast<int>(r->placement.nodes.size()), n / 3) << "t" << n;
      std::printf("t%d seed %d: n/3 %d, FFD %.0f, solver %zu (%s, %lld generations)\n", n,
                  static_cast<int>(seed), n / 3, r->ffd_cost, r->placement.nodes.size(),
                  r->method.c_str(), static_cast<long long>(r->generations));
      hits += static_cast<int>(r->placement.nodes.size()) == n / 3 ? 1 : 0;
      ++total;
    }
  }
  // HGGA reached n/3 on nearly all of Falkenauer's triplets; the exact-fill search (solve.h)
  // should reach it on all.
  std::printf("triplets: n/3 reached on %d of %d\n", hits, total);
  EXPECT_EQ(hits, total);
}

TEST(GgaTest, DeterministicForASeedAndGenerations) {
  const PlacementProblem p = FalkenauerUniform(250, 9);
  SimulatedClock clock(Timestamp{});
  const LowerBounds b = ComputeLowerBounds(p);
  StatusOr<Placement> ffd = FirstFitDecreasing(p);
  ASSERT_TRUE(ffd.ok());
  GgaOptions options{.seed = 4, .max_generations = 200, .population_size = 10};
  StatusOr<GgaResult> a = GroupingGeneticAlgorithm(p, b, {*ffd}, options, clock);
  StatusOr<GgaResult> c = GroupingGeneticAlgorithm(p, b, {*ffd}, options, clock);
  ASSERT_TRUE(a.ok() && c.ok());
  EXPECT_EQ(a->generations, c->generations);
  ASSERT_EQ(a->best.nodes.size(), c->best.nodes.size());
  for (size_t k = 0; k < a->best.nodes.size(); ++k) {
    EXPECT_EQ(a->best.nodes[k].pods, c->best.nodes[k].pods);
  }
  EXPECT_LE(a->best.cost, ffd->cost);
}

TEST(GgaTest, RejectsBadOptions) {
  const PlacementProblem p = FalkenauerUniform(10, 1);
  SimulatedClock clock(Timestamp{});
  StatusOr<GgaResult> r = GroupingGeneticAlgorithm(p, ComputeLowerBounds(p), {},
                                                   GgaOptions{.population_size = 1}, clock);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  Placement wrong{{{0, {0}}}, 1};
  r = GroupingGeneticAlgorithm(p, ComputeLowerBounds(p), {wrong}, GgaOptions{}, clock);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
}

TEST(GgaTest, HeterogeneousTypesWithinMaxCount) {
  PlacementProblem p = ClusterInstance(400, 9, 3);
  p.node_types[1].max_count = 2;
  SimulatedClock clock(Timestamp{});
  SolveOptions options{.seed = 1, .max_generations = 300, .exact_max_pods = 0};
  StatusOr<SolveResult> r = SolvePlacement(p, options, clock);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(CheckPlacement(p, r->placement).ok());
  EXPECT_LE(r->placement.cost, std::min(r->ffd_cost, r->bfd_cost));
  EXPECT_GE(r->placement.cost, r->lower_bound);
  std::printf("cluster 400 pods: cost %.3f, bound %.3f, gap %.2f%%, FFD %.3f\n", r->placement.cost,
              r->lower_bound, 100 * r->gap, r->ffd_cost);
}

}  // namespace
}  // namespace crescendo::optimize
