// Vertical recommender costs: adding a sample, one recommendation, and memory per container at
// 100,000 containers (compact histograms against VPA's dense 2 x 176 doubles).
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <deque>
#include <vector>

#include "crescendo/base/random.h"
#include "crescendo/vertical/recommender.h"
#include "crescendo/vertical/workload_model.h"

namespace crescendo::vertical {
namespace {

const Timestamp kT0 = FromUnixSeconds(1795392000);  // 2026-11-23T00:00:00Z

// Returns 4096 usage amounts in [low, low + span].
std::vector<int64_t> RandomUsage(uint64_t seed, int64_t low, int64_t span) {
  Random random(seed);
  std::vector<int64_t> usage(4096);
  for (auto& u : usage) u = low + random.UniformInt(0, span);
  return usage;
}

void BM_AddCpuSample(benchmark::State& state) {
  AggregateContainerState aggregate;
  ContainerState container(&aggregate);
  const std::vector<int64_t> usage = RandomUsage(1, 200, 400);
  int64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(container.AddCpuSample(kT0 + seconds(60 * i), usage[i & 4095], 500));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddCpuSample);

void BM_AddMemorySample(benchmark::State& state) {
  AggregateContainerState aggregate;
  ContainerState container(&aggregate);
  const std::vector<int64_t> usage = RandomUsage(2, 500000000, 100000000);
  int64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(container.AddMemorySample(kT0 + seconds(60 * i), usage[i & 4095]));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddMemorySample);

// A week at one sample a minute for `containers` container names.
std::map<std::string, AggregateContainerState> WeekOfUsage(int containers) {
  std::map<std::string, AggregateContainerState> states;
  Random random(3);
  for (int c = 0; c < containers; ++c) {
    AggregateContainerState& s = states["c" + std::to_string(c)];
    ContainerState container(&s);
    for (int i = 0; i < 7 * 1440; ++i) {
      container.AddCpuSample(kT0 + minutes(i), 300 + random.UniformInt(0, 300), 500);
      container.AddMemorySample(kT0 + minutes(i), 400000000 + random.UniformInt(0, 200000000));
    }
  }
  return states;
}

void BM_RecommendPod(benchmark::State& state) {
  const auto states = WeekOfUsage(static_cast<int>(state.range(0)));
  const PodResourceRecommender recommender;
  VerticalSpec spec;
  spec.container_policies.push_back(
      {.container_name = "*", .max_allowed = Resources{4000, 8LL << 30}});
  for (auto _ : state) benchmark::DoNotOptimize(RecommendPod(recommender, states, &spec));
}
BENCHMARK(BM_RecommendPod)->Arg(1)->Arg(3);

// Memory at 100,000 containers: two days at one sample every 5 minutes, each container at its
// own level (0.05-4 cores +-20%, 50 MB-8 GB +-10%). Counters: bytes per container as the
// objects account for themselves (payload) and as malloc reports (heap, allocator overhead
// included), against VPA's dense histograms (2 x 176 x 8 bytes of buckets alone).
void BM_MemoryPerContainer(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    const size_t heap_before = mallinfo2().uordblks;
    std::deque<AggregateContainerState> aggregates;
    std::deque<ContainerState> containers;
    Random random(4);
    for (int c = 0; c < n; ++c) {
      aggregates.emplace_back();
      containers.emplace_back(&aggregates.back());
      const double cpu = random.Uniform(0.05, 4.0);
      const double memory = random.Uniform(5e7, 8e9);
      for (int i = 0; i < 2 * 288; ++i) {
        const Timestamp t = kT0 + minutes(5 * i);
        containers.back().AddCpuSample(t, CpuMillisFromCores(cpu * random.Uniform(0.8, 1.2)), 0);
        containers.back().AddMemorySample(
            t, ResourceAmountFromDouble(memory * random.Uniform(0.9, 1.1)));
      }
    }
    const size_t heap_after = mallinfo2().uordblks;
    size_t payload = 0;
    for (const auto& a : aggregates) payload += a.MemoryUsageBytes();
    payload += containers.size() * sizeof(ContainerState);
    state.counters["payload_bytes_per_container"] = static_cast<double>(payload) / n;
    state.counters["heap_bytes_per_container"] = static_cast<double>(heap_after - heap_before) / n;
    state.counters["vpa_dense_bucket_bytes"] =
        2.0 * HistogramOptions::DefaultCpu().num_buckets() * 8;
    state.counters["samples_per_container"] = 2 * 2 * 288;
  }
}
BENCHMARK(BM_MemoryPerContainer)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace crescendo::vertical
