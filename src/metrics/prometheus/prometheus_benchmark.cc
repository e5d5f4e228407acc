// Parsing a Prometheus answer of many series, and reading it through the Source (parse + split
// by workload). Bytes/s is the JSON body throughput.
#include <benchmark/benchmark.h>

#include <string>

#include "metrics/common/fake_http_client.h"
#include "metrics/prometheus/prometheus.h"

namespace crescendo::metrics::prometheus {
namespace {

// A vector answer shaped like cAdvisor's: `series` pods spread over `series / 10` workloads in
// 20 namespaces.
std::string VectorBody(int series) {
  std::string body = R"({"status":"success","data":{"resultType":"vector","result":[)";
  for (int i = 0; i < series; ++i) {
    if (i > 0) body += ",";
    body += R"({"metric":{"__name__":"container_cpu_usage_seconds_total","container":"app",)"
            R"("instance":"10.0.)" +
            std::to_string(i % 250) + "." + std::to_string(i % 200) +
            R"(:10250","job":"kubelet","namespace":"ns-)" + std::to_string(i % 20) +
            R"(","pod":"workload-)" + std::to_string(i / 10) + "-7d9f8b-" +
            std::to_string(10000 + i) + R"("},"value":[1700000000.123,")" +
            std::to_string(0.001 * i) + R"("]})";
  }
  body += "]}}";
  return body;
}

std::string MatrixBody(int series, int points) {
  std::string body = R"({"status":"success","data":{"resultType":"matrix","result":[)";
  for (int i = 0; i < series; ++i) {
    if (i > 0) body += ",";
    body += R"({"metric":{"namespace":"ns","pod":"p-)" + std::to_string(i) + R"("},"values":[)";
    for (int p = 0; p < points; ++p) {
      body += (p > 0 ? "," : "") + std::string("[") + std::to_string(1700000000 + 15 * p) +
              R"(,")" + std::to_string(p * 0.5) + R"("])";
    }
    body += "]}";
  }
  body += "]}}";
  return body;
}

void BM_ParseVector(benchmark::State& state) {
  const std::string body = VectorBody(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto result = ParseQueryResponse(body);
    if (!result.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["body_MB"] = static_cast<double>(body.size()) / 1e6;
}
BENCHMARK(BM_ParseVector)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ParseMatrix(benchmark::State& state) {
  const std::string body = MatrixBody(static_cast<int>(state.range(0)), 20);
  for (auto _ : state) {
    auto result = ParseQueryResponse(body);
    if (!result.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0) * 20);
  state.counters["body_MB"] = static_cast<double>(body.size()) / 1e6;
}
BENCHMARK(BM_ParseMatrix)->Arg(10000)->Unit(benchmark::kMillisecond);

// The whole Source::Read for 10,000 workloads (100,000 pods): render, parse, split by pod.
void BM_SourceReadSplitByPod(benchmark::State& state) {
  const int series = static_cast<int>(state.range(0));
  auto http = std::make_shared<FakeHttpClient>();
  const std::string body = VectorBody(series);
  http->SetHandler([&](const HttpRequest&) {
    HttpResponse response;
    response.status = 200;
    response.body = body;
    return StatusOr<HttpResponse>(response);
  });
  std::vector<WorkloadId> workloads;
  for (int w = 0; w < series / 10; ++w) {
    workloads.push_back(
        {"prod", "t", "ns-" + std::to_string((w * 10) % 20), "workload-" + std::to_string(w)});
  }
  SourceOptions options;
  options.client.base_url = "http://fake";
  options.max_workloads_per_query = workloads.size();
  Source source(http, options);
  MetricRequest request{"cpu", "up{{{selector}}}", workloads,
                        Timestamp(std::chrono::seconds(1700000000))};
  for (auto _ : state) {
    auto result = source.Read(request);
    if (!result.ok()) state.SkipWithError(result.status().ToString().c_str());
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * series);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_SourceReadSplitByPod)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace crescendo::metrics::prometheus
