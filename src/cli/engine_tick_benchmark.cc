// One engine tick on the simulator with 10,000 workloads and 100,000 pods.
//
// BM_SnapshotOnly is the baseline measured in the same process: the cost of the simulator
// building its snapshot, which every tick pays; BM_EngineTick is the whole tick (snapshot,
// collect, recommend, policies, arbitrate, apply, record). Their ratio is the engine's own
// overhead. The "_vertical" variants size every workload vertically too (VPA updateMode Off:
// decided, recorded, not applied, so the pods stay). BM_VpaRunTick times only the ticks on which
// the VPA runs (one in four) and their ratio to the snapshot alone. BM_Checkpoint writes and reads
// the whole engine state and reports its size per workload.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <malloc.h>
#include <time.h>

#include <map>
#include <string_view>

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

// Moves the world and the clock `step` on (15 s: one HPA tick).
void Advance(Fixture& f, Duration step = std::chrono::seconds(15)) {
  f.now += step;
  f.world->Advance(f.now);
  f.clock->SleepUntil(f.now);
}

// Runs `ticks` ticks of 15 s outside any timing.
void RunTicks(Fixture& f, int ticks) {
  for (int i = 0; i < ticks; ++i) {
    Advance(f);
    (void)f.engine->RunOnce(f.now);
  }
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
    Advance(f);
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

// Returns the CPU time the process (every thread) has used, in seconds.
double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// FNV-1a over what a tick decided: replicas, resources, pods and every trace entry, so that an
// optimization that changes any decision or explanation changes the digest.
struct Digest {
  uint64_t h = 14695981039346656037ULL;
  void Add(const void* data, size_t n) {
    for (size_t i = 0; i < n; ++i)
      h = (h ^ static_cast<const unsigned char*>(data)[i]) * 1099511628211ULL;
  }
  template <typename T>
  void AddValue(const T& v) {
    Add(&v, sizeof(v));
  }
  void AddString(std::string_view s) {
    AddValue(s.size());
    Add(s.data(), s.size());
  }
  void AddTrace(const std::vector<TraceEntry>& trace) {
    for (const TraceEntry& e : trace) {
      AddString(e.step);
      AddValue(e.before);
      AddValue(e.after);
      AddString(e.reason);
    }
  }
  void AddTick(const TickReport& r) {
    for (size_t w = 0; w < r.decisions.size(); ++w) {
      const Decision& d = r.decisions[w];
      AddValue(d.desired_replicas);
      AddValue(d.pod_requests ? d.pod_requests->cpu_millis : -1);
      AddValue(d.pod_requests ? d.pod_requests->memory_bytes : -1);
      AddTrace(d.trace);
      if (!r.vertical[w]) continue;
      const VerticalDecision& v = *r.vertical[w];
      for (const ContainerResources& c : v.containers) {
        AddString(c.name);
        AddValue(c.requests.cpu_millis);
        AddValue(c.requests.memory_bytes);
        AddValue(c.limits.cpu_millis);
        AddValue(c.limits.memory_bytes);
      }
      for (const std::string& pod : v.pods) AddString(pod);
      AddTrace(v.trace);
    }
  }
};

// Only the ticks on which the VPA runs (once a simulated minute: the three 15 s ticks between
// runs are taken outside the timing), horizontal and vertical, the kubernetes strategy. Each
// iteration also snapshots the cluster once outside the timing, so that "x_snapshot" is the VPA
// tick's CPU time over the snapshot's in the same process (the robust figure on a shared
// machine). The label is the digest of the first four VPA-run ticks' decisions (identical before
// and after any optimization that changes no decision).
void BM_VpaRunTick(benchmark::State& state) {
  Fixture f = Make("kubernetes", /*vertical=*/true);
  ClusterSnapshot scratch;
  double tick_cpu = 0, snapshot_cpu = 0;
  int64_t ticks = 0, vpa_runs = 0;
  Digest digest;
  std::map<std::string, double> stage_ms;  // wall time per stage of the tick
  for (auto _ : state) {
    state.PauseTiming();
    RunTicks(f, 3);  // between VPA runs
    Advance(f);
    double start = ProcessCpuSeconds();
    (void)f.world->SnapshotInto(scratch);
    snapshot_cpu += ProcessCpuSeconds() - start;
    benchmark::DoNotOptimize(scratch);
    state.ResumeTiming();
    start = ProcessCpuSeconds();
    TickReport r = f.engine->RunOnce(f.now);
    tick_cpu += ProcessCpuSeconds() - start;
    state.PauseTiming();
    for (const auto& v : r.vertical) {
      for (const TraceEntry& e : v ? v->trace : std::vector<TraceEntry>{}) {
        vpa_runs += e.reason.find("between VPA runs") == std::string::npos;
        break;
      }
    }
    for (const StepTiming& step : r.timings) {
      stage_ms["stage_" + step.step] +=
          std::chrono::duration<double, std::milli>(step.elapsed).count();
    }
    if (ticks++ < 4) digest.AddTick(r);
    benchmark::DoNotOptimize(r);
    state.ResumeTiming();
  }
  state.counters["workloads"] = kWorkloads;
  state.counters["vpa_runs/tick"] = static_cast<double>(vpa_runs) / static_cast<double>(ticks);
  state.counters["snapshot_alone_ms"] = 1e3 * snapshot_cpu / static_cast<double>(ticks);
  state.counters["x_snapshot"] = tick_cpu / snapshot_cpu;
  for (const auto& [step, ms] : stage_ms) {
    state.counters[step + "_ms"] = ms / static_cast<double>(ticks);
  }
  if (ticks >= 4) state.SetLabel(fmt::format("digest={:016x}", digest.h));
}
BENCHMARK(BM_VpaRunTick)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

// A fixture whose strategy has seen `warm_up` of load at one tick a minute, so a predictive
// strategy's forecasters (Holt-Winters over a day: a day and a slot of history, then 12
// residuals) forecast. Built once per strategy: warming 10,000 workloads takes minutes.
Fixture& Warmed(const std::string& strategy, Duration warm_up) {
  static auto* fixtures = new std::map<std::string, Fixture>();
  auto it = fixtures->find(strategy);
  if (it != fixtures->end()) return it->second;
  Fixture f = Make(strategy);
  for (Timestamp end = f.now + warm_up; f.now < end;) {
    Advance(f, std::chrono::minutes(1));
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
    Advance(f);
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
  RunTicks(f, 25);
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

// The vertical share of the checkpoint: the kubernetes strategy with the VPA (updateMode Off)
// after 25 ticks (7 VPA runs), write (JSON text) and read timed apart, per whole engine.
void BM_CheckpointVertical(benchmark::State& state) {
  Fixture f = Make("kubernetes", /*vertical=*/true);
  RunTicks(f, 25);
  size_t bytes = 0;
  double write_cpu = 0, read_cpu = 0;
  for (auto _ : state) {
    double start = ProcessCpuSeconds();
    const std::string text = f.engine->Checkpoint().dump();
    write_cpu += ProcessCpuSeconds() - start;
    bytes = text.size();
    start = ProcessCpuSeconds();
    Status s = f.engine->Restore(nlohmann::json::parse(text));
    read_cpu += ProcessCpuSeconds() - start;
    benchmark::DoNotOptimize(s);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["write_ms"] = 1e3 * write_cpu / n;
  state.counters["read_ms"] = 1e3 * read_cpu / n;
  state.counters["checkpoint_bytes/workload"] = static_cast<double>(bytes) / kWorkloads;
  state.counters["state_bytes/workload"] = static_cast<double>(f.engine->StateBytes()) / kWorkloads;
}
BENCHMARK(BM_CheckpointVertical)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->MeasureProcessCPUTime();

}  // namespace
}  // namespace crescendo
