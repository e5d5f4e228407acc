// Benchmarks of the Kubernetes HPA: one decision over 1,000 pods, and one engine tick of 10,000
// HPAs through the "kubernetes" recommender (state kept across ticks, as in the engine).
#include <benchmark/benchmark.h>

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
  HpaInput in{&spec, "bench", {"Deployment", "web", "apps/v1"}, 1001, 1001, std::nullopt,
              ps.pods, readings, std::nullopt, kNow};
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

Fleet MakeFleet(int hpas, int pods_each) {
  Fleet f;
  f.spec.max_replicas = 50;
  f.spec.metrics = {Cpu(60)};
  for (int w = 0; w < hpas; ++w) {
    WorkloadState ws;
    ws.id = {"prod", "t" + std::to_string(w % 100), "ns", "svc-" + std::to_string(w)};
    ws.spec_replicas = ws.status_replicas = pods_each;
    WorkloadMetric cpu;
    cpu.metric = "cpu";
    for (int p = 0; p < pods_each; ++p) {
      PodState pod;
      pod.name = ws.id.name + "-" + std::to_string(p);
      pod.phase = PodPhase::kRunning;
      pod.ready = true;
      pod.start_time = kNow - hours(1);
      pod.ready_transition_time = kNow - hours(1);
      pod.requests = {500, 1 << 29};
      ws.pods.push_back(pod);
      cpu.pods.push_back({pod.name, 200.0 + (w * 37 + p * 11) % 250, kNow, seconds(30)});
    }
    f.workloads.push_back(std::move(ws));
    f.metrics.push_back({cpu});
  }
  return f;
}

void BM_EngineTick10000Hpas(benchmark::State& st) {
  const Fleet fleet = MakeFleet(10000, 4);
  auto recommender = NewKubernetesHpaRecommender();
  Timestamp now = kNow;
  for (auto _ : st) {
    now += seconds(15);
    int64_t total = 0;
    for (size_t i = 0; i < fleet.workloads.size(); ++i) {
      HorizontalContext ctx;
      ctx.workload = &fleet.workloads[i];
      ctx.metrics = fleet.metrics[i];
      ctx.spec = &fleet.spec;
      ctx.now = now;
      total += recommender->Recommend(ctx).desired_replicas;
    }
    benchmark::DoNotOptimize(total);
  }
  st.SetItemsProcessed(st.iterations() * 10000);  // HPA decisions
}
BENCHMARK(BM_EngineTick10000Hpas)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace crescendo::hpa
