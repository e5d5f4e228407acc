#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "crescendo/base/quantity.h"

// Throughput of Quantity::Parse and Quantity::ToString over the shapes seen in Kubernetes
// manifests: CPU in millicores, memory in binary suffixes, plain integers, and the slower
// shapes (fractional binary, decimal exponents, sub-nano rounding).

namespace crescendo {
namespace {

const std::vector<std::string>& Inputs(int shape) {
  static const std::vector<std::vector<std::string>> kShapes = {
      {"250m", "100m", "1500m", "2", "4", "500m", "750m", "8"},                       // cpu
      {"512Mi", "1Gi", "256Mi", "2Gi", "1536Mi", "64Mi", "4Gi", "128Ki"},             // memory
      {"1.5", "0.5Gi", "1e3", "1.2e-3", "100.035Ki", "0.0001", "3.001n", "10.035M"},  // mixed
  };
  return kShapes[static_cast<size_t>(shape)];
}

void BM_QuantityParse(benchmark::State& state) {
  const std::vector<std::string>& inputs = Inputs(static_cast<int>(state.range(0)));
  size_t i = 0;
  for (auto _ : state) {
    StatusOr<Quantity> q = Quantity::Parse(inputs[i++ % inputs.size()]);
    benchmark::DoNotOptimize(q);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QuantityParse)->ArgName("shape")->Arg(0)->Arg(1)->Arg(2);

// Values built by arithmetic (no remembered text), so ToString does the canonical formatting.
void BM_QuantityToString(benchmark::State& state) {
  std::vector<Quantity> values;
  switch (state.range(0)) {
    case 0:
      for (int64_t milli : {250, 100, 1500, 2000, 4000, 500, 750, 8000}) {
        values.push_back(Quantity::FromMilli(milli));
      }
      break;
    case 1:
      for (int64_t mib : {512, 1024, 256, 2048, 1536, 64, 4096, 1}) {
        values.push_back(Quantity::FromInt(mib << 20, Quantity::Format::kBinarySI));
      }
      break;
    default:
      values = {Quantity::FromScaled(15, -1),
                Quantity::FromScaled(1, 3, Quantity::Format::kDecimalExponent),
                Quantity::FromScaled(12, -4, Quantity::Format::kDecimalExponent),
                Quantity::FromScaled(102435840, -3, Quantity::Format::kBinarySI),
                Quantity::FromScaled(1, -4),
                Quantity::FromScaled(4, -9),
                Quantity::FromScaled(10035, 3),
                Quantity::FromScaled(5, -1, Quantity::Format::kBinarySI)};
  }
  size_t i = 0;
  for (auto _ : state) {
    std::string s = values[i++ % values.size()].ToString();
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QuantityToString)->ArgName("shape")->Arg(0)->Arg(1)->Arg(2);

}  // namespace
}  // namespace crescendo
