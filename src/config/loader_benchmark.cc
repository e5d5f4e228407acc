// How long a (re)load of the example tree takes, and a reload's diff.
//
//   build/src/config/config_benchmark --benchmark_filter=Config
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "crescendo/config/loader.h"
#include "crescendo/config/watcher.h"

namespace crescendo::config {
namespace {

std::vector<SourceText> ExampleSources() {
  const char* dir = std::getenv("CRESCENDO_SOURCE_DIR");
  std::string root = std::string(dir != nullptr ? dir : ".") + "/examples/";
  LocalConfigFiles files;
  std::vector<SourceText> sources;
  StatusOr<std::vector<std::string>> paths = files.Expand({root + "config", root + "manifests"});
  if (!paths.ok()) return sources;
  for (const std::string& path : *paths) sources.push_back({path, *files.Read(path)});
  return sources;
}

void BM_ConfigLoadExamples(benchmark::State& state) {
  std::vector<SourceText> sources = ExampleSources();
  if (sources.empty()) {
    state.SkipWithError("examples not found: run from the repository or set CRESCENDO_SOURCE_DIR");
    return;
  }
  LoadOptions options;
  options.environment = {{"MIN_REPLICAS", "2"}};
  size_t services = 0;
  for (auto _ : state) {
    LoadResult result = LoadConfig(sources, options);
    if (!result.ok()) {
      state.SkipWithError("the examples do not validate");
      return;
    }
    services = result.config->services.size();
    benchmark::DoNotOptimize(result);
  }
  state.counters["services"] = static_cast<double>(services);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(services));
}
BENCHMARK(BM_ConfigLoadExamples)->Unit(benchmark::kMillisecond);

void BM_ConfigDiffExamples(benchmark::State& state) {
  std::vector<SourceText> sources = ExampleSources();
  LoadResult before = LoadConfig(sources, LoadOptions{});
  LoadResult after = LoadConfig(sources, LoadOptions{{{"AUTOSCALING_MODE", "recommend"}}});
  if (!before.ok() || !after.ok()) {
    state.SkipWithError("examples not found or invalid");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(DiffConfigs(*before.config, *after.config));
}
BENCHMARK(BM_ConfigDiffExamples)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace crescendo::config
