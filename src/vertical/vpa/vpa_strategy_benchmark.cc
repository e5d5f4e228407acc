// The vertical strategies' per-workload costs in the engine's tick: Recommend on a workload of
// 10 pods with a warmed state (8 days of one sample a minute), CopyFrom (the engine's scratch
// copy, every tick for every workload), ToJson and RestoreState (the per-tick checkpoint), and
// the state's bytes per workload.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "crescendo/base/random.h"
#include "crescendo/vertical/strategy.h"
#include "vertical/vpa/test_workload.h"

namespace crescendo::vertical {
namespace {

using testing::kT0;

constexpr int kPods = 10;
constexpr int kWarmTicks = 8 * 1440;
constexpr int64_t kMi = 1024 * 1024;

// One workload of 10 pods and its strategy, its state warmed with 8 days of usage.
struct Warmed {
  explicit Warmed(const char* strategy_name)
      : strategy(*NewVerticalStrategy(strategy_name)),
        state(strategy->NewState()),
        workload(testing::MakeWorkload(kPods, {250, 256 * kMi}, {500, 512 * kMi})) {
    spec.update_mode = "Recreate";
    Random random(11);
    for (auto& u : usage) {
      u = {static_cast<double>(random.UniformInt(150, 450)),
           static_cast<double>(random.UniformInt(200, 300) * kMi)};
    }
    for (int i = 0; i < kWarmTicks; ++i) Tick(*state, i);
  }
  // Records tick `tick` (one a minute from kT0) in `s`.
  VerticalProposal Tick(StrategyState& s, int64_t tick) {
    const Timestamp t = kT0 + minutes(tick);
    const int64_t offset = tick * kPods;
    auto [cpu, memory] = testing::UsageAt(workload, t, [&](size_t pod) {
      return usage[static_cast<size_t>(offset + static_cast<int64_t>(pod)) % usage.size()];
    });
    return strategy->Recommend({&workload, &cpu, &memory, &spec, nullptr, t, nullptr}, s);
  }

  std::unique_ptr<VerticalRecommender> strategy;
  std::unique_ptr<StrategyState> state;
  WorkloadState workload;
  VerticalSpec spec;
  std::vector<testing::PodUsage> usage = std::vector<testing::PodUsage>(4093);
};

Warmed& WarmedVpa() {
  static Warmed* warmed = new Warmed("vpa");
  return *warmed;
}

Warmed& WarmedSpikeAware() {
  static Warmed* warmed = new Warmed("spike-aware");
  return *warmed;
}

void ReportState(benchmark::State& state, const StrategyState& s) {
  state.counters["state_bytes_per_workload"] = static_cast<double>(s.Bytes());
  state.counters["checkpoint_json_bytes"] = static_cast<double>(s.ToJson().dump().size());
}

// One tick of one workload: the usage of 10 pods recorded, the recommendation, the template and
// the updater's choice.
void BM_Recommend10Pods(benchmark::State& state, Warmed& (*warmed)()) {
  Warmed& w = warmed();
  std::unique_ptr<StrategyState> s = w.strategy->NewState();
  s->CopyFrom(*w.state);
  int64_t tick = kWarmTicks;
  for (auto _ : state) benchmark::DoNotOptimize(w.Tick(*s, tick++));
  state.SetItemsProcessed(state.iterations());
  ReportState(state, *s);
}
BENCHMARK_CAPTURE(BM_Recommend10Pods, vpa, WarmedVpa);
BENCHMARK_CAPTURE(BM_Recommend10Pods, spike_aware, WarmedSpikeAware);

// The engine's scratch copy: into a state that held last tick's (storage reused), and into a
// fresh one.
void BM_CopyFrom(benchmark::State& state) {
  Warmed& w = WarmedVpa();
  const bool reuse = state.range(0) == 1;
  std::unique_ptr<StrategyState> scratch = w.strategy->NewState();
  scratch->CopyFrom(*w.state);
  for (auto _ : state) {
    if (!reuse) {
      state.PauseTiming();
      scratch = w.strategy->NewState();
      state.ResumeTiming();
    }
    scratch->CopyFrom(*w.state);
    benchmark::ClobberMemory();
  }
  state.SetLabel(reuse ? "into last tick's state" : "into a fresh state");
  ReportState(state, *w.state);
}
BENCHMARK(BM_CopyFrom)->Arg(1)->Arg(0);

void BM_ToJson(benchmark::State& state) {
  Warmed& w = WarmedVpa();
  for (auto _ : state) benchmark::DoNotOptimize(w.state->ToJson());
  ReportState(state, *w.state);
}
BENCHMARK(BM_ToJson);

void BM_ToJsonText(benchmark::State& state) {
  Warmed& w = WarmedVpa();
  for (auto _ : state) benchmark::DoNotOptimize(w.state->ToJson().dump());
  ReportState(state, *w.state);
}
BENCHMARK(BM_ToJsonText);

void BM_RestoreState(benchmark::State& state) {
  Warmed& w = WarmedVpa();
  const nlohmann::json json = w.state->ToJson();
  for (auto _ : state) benchmark::DoNotOptimize(w.strategy->RestoreState(json));
  ReportState(state, *w.state);
}
BENCHMARK(BM_RestoreState);

// What the engine does per workload per tick: copy, recommend, checkpoint.
void BM_EngineTickPerWorkload(benchmark::State& state) {
  Warmed& w = WarmedVpa();
  std::unique_ptr<StrategyState> committed = w.strategy->NewState();
  committed->CopyFrom(*w.state);
  std::unique_ptr<StrategyState> scratch = w.strategy->NewState();
  int64_t tick = kWarmTicks;
  for (auto _ : state) {
    scratch->CopyFrom(*committed);
    VerticalProposal p = w.Tick(*scratch, tick);
    w.strategy->Commit(*scratch, p, true, kT0 + minutes(tick++));
    std::swap(committed, scratch);
    benchmark::DoNotOptimize(committed->ToJson());
  }
  ReportState(state, *committed);
}
BENCHMARK(BM_EngineTickPerWorkload);

}  // namespace
}  // namespace crescendo::vertical
