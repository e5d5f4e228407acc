// The Collector's own cost per sample: scheduling, retries bookkeeping, staleness filtering and
// scaling, with a source that answers instantly from memory.
#include <benchmark/benchmark.h>

#include "crescendo/metrics/collector.h"

namespace crescendo::metrics {
namespace {

class MemorySource final : public MetricSource {
 public:
  explicit MemorySource(int pods_per_workload) : pods_(pods_per_workload) {
    for (int p = 0; p < pods_; ++p) names_.push_back(store_->Add("pod-" + std::to_string(p)));
  }
  std::string_view name() const override { return "memory"; }
  StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) override {
    std::vector<WorkloadMetric> out(request.workloads.size());
    for (size_t w = 0; w < out.size(); ++w) {
      out[w].time = request.now;
      out[w].names = store_;
      for (int p = 0; p < pods_; ++p) {
        out[w].pods.push_back(
            {names_[static_cast<size_t>(p)], 1.0 + p, request.now, request.window});
      }
    }
    return out;
  }

 private:
  int pods_;
  std::shared_ptr<NameStore> store_ = std::make_shared<NameStore>();  // the pod names, interned
  std::vector<std::string_view> names_;
};

void BM_CollectPerSample(benchmark::State& state) {
  const int workloads_count = static_cast<int>(state.range(0));
  const int pods = 10;
  const int metrics = 4;
  SimulatedClock clock(Timestamp(std::chrono::seconds(1700000000)));
  CollectorOptions options;
  options.threads = 2;
  auto collector =
      Collector::Create(options, {std::make_shared<MemorySource>(pods)}, clock).value();
  std::vector<WorkloadId> workloads;
  for (int w = 0; w < workloads_count; ++w) {
    workloads.push_back({"prod", "t", "ns", "w" + std::to_string(w)});
  }
  std::vector<MetricBinding> bindings;
  for (int m = 0; m < metrics; ++m) {
    bindings.push_back({"m" + std::to_string(m), "memory", "q", std::chrono::minutes(1), 1000.0});
  }
  for (auto _ : state) {
    CollectResult result = collector->Collect(bindings, workloads, clock.Now());
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * workloads_count * pods * metrics);
}
BENCHMARK(BM_CollectPerSample)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()  // the workers' CPU counts too
    ->UseRealTime();

}  // namespace
}  // namespace crescendo::metrics
