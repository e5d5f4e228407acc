// Benchmarks of the Kubernetes HPA: one decision over 1,000 pods, one engine tick of 10,000
// HPAs through the "kubernetes" recommender (state kept across ticks, as in the engine), and the
// engine-like tick of 10,000 HPAs x 10 pods with a behavior under steady load, against a trivial
// proportional recommender over the same inputs.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>

#include "crescendo/horizontal/kubernetes_hpa.h"
#include "horizontal/kubernetes/hpa_test_util.h"

namespace crescendo::hpa {
namespace {

using testing::kNow;

MetricSpec Cpu(int32_t percent) {
  MetricSpec m;
  m.name = "cpu";
  m.target.average_utilization = percent;
  return m;
}

void BM_DecisionOver1000Pods(benchmark::State& st) {
  std::vector<testing::PodSpecRow> rows;
  for (int i = 0; i < 1000; ++i) {
    const testing::Kind kind = i % 50 == 0 ? testing::Kind::kUnready : testing::Kind::kReady;
    rows.push_back({500, 300 + (i % 7) * 20, kind});
  }
  rows.push_back({500, std::nullopt, testing::Kind::kReady});  // one missing sample
  const testing::PodsAndSamples ps = testing::Build(rows);
  HorizontalSpec spec;
  spec.max_replicas = 5000;
  spec.metrics = {Cpu(50)};
  spec.behavior = HpaBehavior{};
  const std::vector<MetricReading> readings{{{}, ps.samples, {}}};
  HpaInput in{&spec,   "bench",  {"Deployment", "web", "apps/v1"},
              1001,    1001,     std::nullopt,
              ps.pods, readings, std::nullopt,
              kNow};
  HpaControllerState state;
  state.initialized = true;
  for (auto _ : st) {
    HpaDecision d = EvaluateHpa(in, state, HpaControllerSettings{});
    benchmark::DoNotOptimize(d.desired_replicas);
  }
  st.SetItemsProcessed(st.iterations() * 1001);  // pods
}
BENCHMARK(BM_DecisionOver1000Pods)->Unit(benchmark::kMicrosecond);

struct Fleet {
  std::vector<WorkloadState> workloads;
  std::vector<std::vector<WorkloadMetric>> metrics;
  HorizontalSpec spec;
};

// `hpas` workloads of `pods_each` ready pods with CPU Utilization 60%. Steady: Kubernetes-style
// pod names, a behavior, and usage within the tolerance, so that most calls change nothing;
// otherwise usage from 40% to 90% of requests.
Fleet MakeFleet(int hpas, int pods_each, bool steady = false) {
  Fleet f;
  f.spec.max_replicas = 50;
  f.spec.metrics = {Cpu(60)};
  if (steady) f.spec.behavior = HpaBehavior{};
  for (int w = 0; w < hpas; ++w) {
    WorkloadState ws;
    ws.id = {"prod", "t" + std::to_string(w % 100), "ns", "svc-" + std::to_string(w)};
    ws.spec_replicas = ws.status_replicas = pods_each;
    ws.pod_requests = {500, 1 << 29};
    WorkloadMetric cpu;
    cpu.metric = "cpu";
    auto names = std::make_shared<NameStore>();
    cpu.names = names;
    for (int p = 0; p < pods_each; ++p) {
      PodState pod;
      pod.name = ws.id.name +
                 (steady ? "-7d4b9c8f6d-x2k" + std::to_string(10 + p) : "-" + std::to_string(p));
      pod.phase = PodPhase::kRunning;
      pod.ready = true;
      pod.start_time = kNow - hours(1);
      pod.ready_transition_time = kNow - hours(1);
      pod.requests = {500, 1 << 29};
      ws.pods.push_back(pod);
      const int spread = (w * 37 + p * 11) % (steady ? 40 : 250);
      cpu.pods.push_back(
          {names->Add(pod.name), (steady ? 280.0 : 200.0) + spread, kNow, seconds(30)});
    }
    f.workloads.push_back(std::move(ws));
    f.metrics.push_back({cpu});
  }
  return f;
}

// A trivial recommender over the same inputs: the ready pods' mean CPU against the target, one
// trace entry. It stands for the engine's cost floor per call.
class ProportionalRecommender final : public StatelessHorizontalRecommender {
 public:
  std::string_view name() const override { return "proportional"; }
  Proposal Decide(const HorizontalContext& ctx) const override {
    const WorkloadState& w = *ctx.workload;
    double usage = 0;
    for (const PodMetric& m : ctx.metrics[0].pods) usage += m.value;
    const double request = static_cast<double>(w.pod_requests.cpu_millis);
    const double ratio = usage / (request * static_cast<double>(w.pods.size())) * 100.0 /
                         *ctx.spec->metrics[0].target.average_utilization;
    Proposal p;
    p.current_replicas = w.spec_replicas;
    p.desired_replicas = std::abs(ratio - 1.0) <= 0.1
                             ? w.spec_replicas
                             : static_cast<int32_t>(std::ceil(ratio * w.spec_replicas));
    p.trace.push_back({"proportional", static_cast<double>(p.current_replicas),
                       static_cast<double>(p.desired_replicas), "cpu utilization"});
    return p;
  }
};

// The recommender's memory per workload, owned here as the engine owns it.
struct States {
  States(const HorizontalRecommender& r, size_t n) {
    for (size_t i = 0; i < n; ++i) all.push_back(r.NewState());
  }
  std::vector<std::unique_ptr<StrategyState>> all;
};

// Returns the seconds one tick over `fleet` takes, the replicas summed into `total`.
double Tick(const HorizontalRecommender& r, States& states, const Fleet& fleet, Timestamp now,
            int64_t* total) {
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < fleet.workloads.size(); ++i) {
    HorizontalContext ctx;
    ctx.workload = &fleet.workloads[i];
    ctx.metrics = fleet.metrics[i];
    ctx.spec = &fleet.spec;
    ctx.now = now;
    const Proposal p = r.Recommend(ctx, *states.all[i]);
    r.Commit(*states.all[i], p.current_replicas, p.current_replicas, now);  // the fleet is fixed
    *total += p.desired_replicas;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void BM_EngineTick10000Hpas(benchmark::State& st) {
  const Fleet fleet = MakeFleet(10000, 4);
  auto recommender = NewKubernetesHpaRecommender();
  States states(*recommender, fleet.workloads.size());
  Timestamp now = kNow;
  int64_t total = 0;
  for (auto _ : st) {
    now += seconds(15);
    Tick(*recommender, states, fleet, now, &total);
  }
  benchmark::DoNotOptimize(total);
  st.SetItemsProcessed(st.iterations() * 10000);  // HPA decisions
}
BENCHMARK(BM_EngineTick10000Hpas)->Unit(benchmark::kMillisecond);

// Reports the kubernetes recommender's time per Recommend() (the benchmark's time is one tick
// of 10,000 calls), the proportional baseline's, measured in the same iterations, and their
// ratio.
void BM_SteadyTick10000Hpas10Pods(benchmark::State& st) {
  const Fleet fleet = MakeFleet(10000, 10, /*steady=*/true);
  auto kubernetes = NewKubernetesHpaRecommender();
  ProportionalRecommender proportional;
  States k8s_states(*kubernetes, fleet.workloads.size());
  States proportional_states(proportional, fleet.workloads.size());
  Timestamp now = kNow;
  int64_t total = 0;
  // Warm up past the 5-minute stabilization window, so that the recommendation logs have their
  // steady size, as in an engine that has been running for a while.
  for (int i = 0; i < 25; ++i) {
    now += seconds(15);
    Tick(*kubernetes, k8s_states, fleet, now, &total);
  }
  double kubernetes_seconds = 0, proportional_seconds = 0;
  for (auto _ : st) {
    now += seconds(15);
    const double k = Tick(*kubernetes, k8s_states, fleet, now, &total);
    const double p = Tick(proportional, proportional_states, fleet, now, &total);
    kubernetes_seconds += k;
    proportional_seconds += p;
    st.SetIterationTime(k);
  }
  benchmark::DoNotOptimize(total);
  const double calls = static_cast<double>(st.iterations()) * 10000;
  st.counters["k8s_us_per_call"] = kubernetes_seconds / calls * 1e6;
  st.counters["baseline_us_per_call"] = proportional_seconds / calls * 1e6;
  st.counters["ratio"] = kubernetes_seconds / proportional_seconds;
}
BENCHMARK(BM_SteadyTick10000Hpas10Pods)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace crescendo::hpa
