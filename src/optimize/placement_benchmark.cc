// 10,000 pods on up to 1,000 nodes of 20 types: the plan's gap to the lower bound and its time.
// Counters: cost, lower_bound, gap_pct (to the cover-LP bound), nodes, ffd_gap_pct, ffd_cost.
// BM_SolveZonedPlacement: the same solve on 1,000 pods in services of 5 replicas over 3 zones,
// without spread (max_skew 0) and with max_skew 1 and 2: what the constraint costs.
//
// The solver's 10 s limit is read from the thread's CPU time, so that the figure is that of
// "10 s on one core" however loaded the machine is (the wall time shows the load).
#include <benchmark/benchmark.h>
#include <time.h>

#include "crescendo/base/clock.h"
#include "crescendo/optimize/instances.h"
#include "crescendo/optimize/solve.h"

namespace crescendo::optimize {
namespace {

// A clock that reads the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID).
class ThreadCpuClock final : public Clock {
 public:
  Timestamp Now() const override {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return Timestamp(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
  }
  void SleepUntil(Timestamp deadline) override {
    while (Now() < deadline) {
    }
  }
};

// Solves `p` once with a 10 s limit of the thread's CPU time and reports the counters.
void SolveOnce(benchmark::State& state, const PlacementProblem& p) {
  ThreadCpuClock clock;
  SolveResult last;
  for (auto _ : state) {
    StatusOr<SolveResult> r = SolvePlacement(
        p, {.seed = 1, .time_limit = std::chrono::seconds(10), .exact_max_pods = 0}, clock);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    last = std::move(*r);
  }
  state.counters["nodes"] = static_cast<double>(last.placement.nodes.size());
  state.counters["cost"] = last.placement.cost;
  state.counters["lower_bound"] = last.lower_bound;
  state.counters["gap_pct"] = 100 * last.gap;
  state.counters["ffd_gap_pct"] = 100 * Gap(last.ffd_cost, last.lower_bound);
  state.counters["ffd_cost"] = last.ffd_cost;
}

void BM_SolveClusterPlacement(benchmark::State& state) {
  SolveOnce(state, ClusterInstance(static_cast<int>(state.range(0)),
                                   static_cast<int>(state.range(1)), /*seed=*/11));
}
BENCHMARK(BM_SolveClusterPlacement)
    ->Args({1000, 20})
    ->Args({10000, 20})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// The cost of topology spread over zones: ZonedClusterInstance(1000 pods, 20 types in each of
// 3 zones, services of 5 replicas) with max_skew state.range(1) (0: no spread, the same pods).
void BM_SolveZonedPlacement(benchmark::State& state) {
  SolveOnce(state, ZonedClusterInstance(static_cast<int>(state.range(0)), 20, 3, 5,
                                        static_cast<int32_t>(state.range(1)), 11));
}
BENCHMARK(BM_SolveZonedPlacement)
    ->Args({1000, 0})
    ->Args({1000, 1})
    ->Args({1000, 2})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

void BM_FirstFitDecreasing(benchmark::State& state) {
  const PlacementProblem p = ClusterInstance(static_cast<int>(state.range(0)), 20, 11);
  for (auto _ : state) benchmark::DoNotOptimize(FirstFitDecreasing(p));
}
BENCHMARK(BM_FirstFitDecreasing)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace crescendo::optimize
