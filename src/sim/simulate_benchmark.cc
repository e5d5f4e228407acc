// One simulated week at 15 s ticks for 1,000 services (40,320 ticks, 40.3 million service-ticks)
// through one strategy: the target is under 60 s on one core. Run:
//   build/src/sim/sim_benchmark --benchmark_filter=Week
// Counters: service_ticks/s, and seconds per service-tick.
#include <benchmark/benchmark.h>

#include <cmath>

#include "crescendo/engine/strategies.h"
#include "crescendo/sim/runner.h"
#include "test_strategies.h"

namespace crescendo::sim {
namespace {

const Timestamp kStart = FromUnixSeconds(1'795'392'000);  // 2026-11-23T00:00:00Z, a Monday

// The engine's strategies, and "proportional" (test_strategies.h): the runner's own cost with a
// recommender that does almost nothing.
StatusOr<std::unique_ptr<HorizontalRecommender>> Strategies(std::string_view name) {
  if (name == "proportional") return TestStrategies(name);
  return NewHorizontalStrategy(name);
}

std::vector<SimService> Services(int count) {
  std::vector<SimService> services;
  for (int i = 0; i < count; ++i) {
    SimService s;
    s.spec.id =
        WorkloadId{"prod", "tenant-" + std::to_string(i % 3), "bench", "svc-" + std::to_string(i)};
    s.spec.horizontal.min_replicas = 1;
    s.spec.horizontal.max_replicas = 50;
    MetricSpec cpu;
    cpu.name = "cpu";
    cpu.target.average_utilization = 70;
    s.spec.horizontal.metrics = {cpu};
    s.spec.pod.startup_distribution = DelayDistribution::kLogNormal;
    s.spec.pod.startup_jitter = seconds(10);
    DailyCycleSpec day;
    day.start = kStart;
    day.peak_rps = 200 + 15 * (i % 60);  // 2 to 11 pods at the peak
    day.seed = static_cast<uint64_t>(i) + 1;
    if (i % 10 == 0) day.bursts.push_back({hours(30 + i % 48), 3});
    s.source = ProfileSource(DailyCycleLoad(day));
    s.initial_replicas_from_load = true;
    services.push_back(std::move(s));
  }
  return services;
}

void BM_SimulateWeek(benchmark::State& state, const char* strategy) {
  const int services_count = static_cast<int>(state.range(0));
  const Duration length = hours(24 * 7);
  int64_t service_ticks = 0;
  for (auto _ : state) {
    std::vector<SimService> services = Services(services_count);
    SimulationOptions options;
    options.start = kStart;
    options.end = kStart + length;
    options.strategies = {strategy};
    StatusOr<SimulationResult> result = RunSimulation(services, options, Strategies);
    if (!result.ok()) {
      state.SkipWithError(result.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(result->strategies[0].total.pod_seconds);
    service_ticks += result->ticks * services_count;
  }
  state.counters["service_ticks/s"] =
      benchmark::Counter(static_cast<double>(service_ticks), benchmark::Counter::kIsRate);
  state.counters["s/service_tick"] =
      benchmark::Counter(static_cast<double>(service_ticks),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK_CAPTURE(BM_SimulateWeek, kubernetes, "kubernetes")
    ->Arg(1000)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_SimulateWeek, target_utilization, "target-utilization")
    ->Arg(1000)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_SimulateWeek, runner_only, "proportional")
    ->Arg(1000)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();
// A day for 100 services: a quick figure for `make bench`.
void BM_SimulateDay(benchmark::State& state, const char* strategy) {
  int64_t service_ticks = 0;
  for (auto _ : state) {
    std::vector<SimService> services = Services(100);
    SimulationOptions options;
    options.start = kStart;
    options.end = kStart + hours(24);
    options.strategies = {strategy};
    StatusOr<SimulationResult> result = RunSimulation(services, options, Strategies);
    if (!result.ok()) {
      state.SkipWithError(result.status().ToString().c_str());
      return;
    }
    service_ticks += result->ticks * 100;
  }
  state.counters["service_ticks/s"] =
      benchmark::Counter(static_cast<double>(service_ticks), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_SimulateDay, kubernetes, "kubernetes")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SimulateDay, runner_only, "proportional")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace crescendo::sim
