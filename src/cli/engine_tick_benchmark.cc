// One engine tick on the simulator with 10,000 workloads and 100,000 pods.
//
// BM_SnapshotOnly is the baseline measured in the same process: the cost of the simulator
// building its snapshot, which every tick pays; BM_EngineTick is the whole tick (snapshot,
// collect, recommend, policies, arbitrate, apply, record). Their ratio is the engine's own
// overhead. The "_vertical" variants size every workload vertically too (VPA updateMode Off:
// decided, recorded, not applied, so the pods stay). BM_Checkpoint writes and reads the whole
// engine state and reports its size per workload.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <map>

#include "crescendo/engine/engine.h"
#include "crescendo/engine/strategies.h"
#include "crescendo/sim/world.h"

namespace crescendo {
namespace {

constexpr int kWorkloads = 10000;
constexpr int kPodsEach = 10;

sim::ScenarioSpec LargeScenario() {
  Timestamp start = FromUnixSeconds(1795392000);
  sim::ScenarioSpec base = sim::MusicStreamingScenario(1, start);
  sim::ScenarioSpec spec;
  spec.seed = 1;
  spec.start = start;
  for (int i = 0; i < kWorkloads; ++i) {
    sim::ServiceSpec s = base.services[static_cast<size_t>(i) % base.services.size()];
    s.id.name += "-" + std::to_string(i);
    s.initial_replicas = kPodsEach;
    s.horizontal.min_replicas = 1;
    s.horizontal.max_replicas = 1000;
    spec.services.push_back(std::move(s));
  }
  return spec;
}

// Returns the bytes of heap memory in use (glibc's count of allocated chunks).
double HeapBytesInUse() { return static_cast<double>(mallinfo2().uordblks); }

struct Fixture {
  double world_bytes = 0;  // heap the world, the engine and their state hold
  std::shared_ptr<sim::World> world;
  std::unique_ptr<SimulatedClock> clock;
  std::unique_ptr<metrics::Collector> collector;
  std::unique_ptr<Engine> engine;
  Timestamp now;
};

Fixture Make(const std::string& strategy, bool vertical = false) {
  Fixture f;
  sim::ScenarioSpec spec = LargeScenario();
  double before = HeapBytesInUse();
  f.world = std::move(sim::World::Create(spec)).value();
  f.clock = std::make_unique<SimulatedClock>(spec.start);
  metrics::CollectorOptions options;
  options.threads = 1;  // one core
  f.collector = std::move(metrics::Collector::Create(options, {f.world}, *f.clock)).value();
  const ModeStrategies plan = std::move(StrategiesForName(strategy)).value();
  std::vector<WorkloadConfig> workloads;
  for (const auto& s : spec.services) {
    std::optional<VerticalSpec> sizing;
    if (vertical) {
      sizing = VerticalSpec{};
      sizing->update_mode = "Off";
    }
    WorkloadConfig w = WorkloadFor(s.id, s.horizontal, sizing, plan, strategy);
    w.apply = false;  // keep the pod count at 100,000 across iterations
    workloads.push_back(std::move(w));
  }
  EngineOptions o;
  o.backend = f.world.get();
  o.collector = f.collector.get();
  o.bindings = BindAllTo(workloads, "sim");
  f.engine = std::move(Engine::Create(o, workloads)).value();
  f.now = spec.start + std::chrono::minutes(10);
  f.world->Advance(f.now);  // all pods started and ready
  f.clock->SleepUntil(f.now);
  (void)f.engine->RunOnce(f.now);
  f.world_bytes = HeapBytesInUse() - before;
  return f;
}

void BM_SnapshotOnly(benchmark::State& state) {
  Fixture f = Make("target-utilization");
  size_t pods = 0;
  for (auto _ : state) {
    auto snap = f.world->Snapshot();
    pods = 0;
    for (const auto& w : snap->workloads) pods += w.pods.size();
    benchmark::DoNotOptimize(snap);
  }
  state.counters["pods"] = static_cast<double>(pods);
}
BENCHMARK(BM_SnapshotOnly)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

// One tick every 15 s of simulated time, the world advanced outside the timing (the pods stay:
// nothing is applied). CPU time is the process's, the collector's worker included.
void BM_EngineTick(benchmark::State& state, const char* strategy, bool vertical) {
  Fixture f = Make(strategy, vertical);
  int64_t decisions = 0;
  for (auto _ : state) {
    state.PauseTiming();
    f.now += std::chrono::seconds(15);
    f.world->Advance(f.now);
    f.clock->SleepUntil(f.now);
    state.ResumeTiming();
    TickReport r = f.engine->RunOnce(f.now);
    decisions += static_cast<int64_t>(r.decisions.size());
    benchmark::DoNotOptimize(r);
  }
  state.counters["workloads"] = kWorkloads;
  state.counters["pods"] = kWorkloads * kPodsEach;
  state.counters["bytes/pod"] = f.world_bytes / (kWorkloads * kPodsEach);
  state.counters["decisions/s"] =
      benchmark::Counter(static_cast<double>(decisions), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_EngineTick, target_utilization, "target-utilization", false)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_EngineTick, kubernetes, "kubernetes", false)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_EngineTick, kubernetes_vertical, "kubernetes", true)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();

// A fixture whose strategy has seen `warm_up` of load at one tick a minute, so a predictive
// strategy's forecasters (Holt-Winters over a day: a day and a slot of history, then 12
// residuals) forecast. Built once per strategy: warming 10,000 workloads takes minutes.
Fixture& Warmed(const std::string& strategy, Duration warm_up) {
  static auto* fixtures = new std::map<std::string, Fixture>();
  auto it = fixtures->find(strategy);
  if (it != fixtures->end()) return it->second;
  Fixture f = Make(strategy);
  for (Timestamp end = f.now + warm_up; f.now < end;) {
    f.now += std::chrono::minutes(1);
    f.world->Advance(f.now);
    f.clock->SleepUntil(f.now);
    (void)f.engine->RunOnce(f.now);
  }
  return fixtures->emplace(strategy, std::move(f)).first->second;
}

// One tick every 15 s of simulated time, the world advanced outside the timing: the predictive
// strategy with warmed forecasters against the kubernetes strategy under the same warm-up.
void BM_EngineTickWarmed(benchmark::State& state, const char* strategy) {
  Fixture& f = Warmed(strategy, std::chrono::hours(24) + std::chrono::minutes(20));
  int64_t forecasts = 0;
  for (auto _ : state) {
    state.PauseTiming();
    f.now += std::chrono::seconds(15);
    f.world->Advance(f.now);
    f.clock->SleepUntil(f.now);
    state.ResumeTiming();
    TickReport r = f.engine->RunOnce(f.now);
    for (const Decision& d : r.decisions) {
      for (const TraceEntry& e : d.trace) {
        forecasts += e.step == "predictive" && e.reason.find("NoForecast") == std::string::npos;
      }
    }
    benchmark::DoNotOptimize(r);
  }
  state.counters["workloads"] = kWorkloads;
  state.counters["forecasting"] = benchmark::Counter(static_cast<double>(forecasts) / kWorkloads,
                                                     benchmark::Counter::kAvgIterations);
  state.counters["state_bytes/workload"] =
      static_cast<double>(f.engine->StateBytes()) / static_cast<double>(kWorkloads);
}
BENCHMARK_CAPTURE(BM_EngineTickWarmed, kubernetes, "kubernetes")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(20)
    ->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_EngineTickWarmed, predictive, "predictive")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(20)
    ->MeasureProcessCPUTime();

// Writes the engine's whole state as JSON text and reads it back into the engine, the
// kubernetes strategy with 25 ticks of history (its recommendation logs at their steady size).
void BM_Checkpoint(benchmark::State& state) {
  Fixture f = Make("kubernetes");
  for (int i = 0; i < 25; ++i) {
    f.now += std::chrono::seconds(15);
    f.world->Advance(f.now);
    f.clock->SleepUntil(f.now);
    (void)f.engine->RunOnce(f.now);
  }
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = f.engine->Checkpoint().dump();
    bytes = text.size();
    Status s = f.engine->Restore(nlohmann::json::parse(text));
    benchmark::DoNotOptimize(s);
  }
  state.counters["checkpoint_bytes/workload"] = static_cast<double>(bytes) / kWorkloads;
  state.counters["state_bytes/workload"] = static_cast<double>(f.engine->StateBytes()) / kWorkloads;
}
BENCHMARK(BM_Checkpoint)->Unit(benchmark::kMillisecond)->Iterations(5)->MeasureProcessCPUTime();

}  // namespace
}  // namespace crescendo
