#include "cli/config_sources.h"

#include <gtest/gtest.h>

#include "cli/config_scenario.h"
#include "crescendo/base/clock.h"
#include "crescendo/config/loader.h"
#include "crescendo/metrics/http_client.h"

namespace crescendo::cli {
namespace {

constexpr const char* kHead = R"(version: 1
global: {defaultTier: standard}
tiers: {standard: {priority: 100}}
environments: {prod: {mode: kubernetes}}
)";

struct Case {
  std::string name;
  std::string yaml;                 // after kHead
  std::string error;                // a fragment of the expected error; empty: none
  std::vector<std::string> wanted;  // "metric->source|query" per binding, sorted by metric
  std::vector<std::string> sources;
};

class ConfiguredMetricsTest : public ::testing::TestWithParam<Case> {};

TEST_P(ConfiguredMetricsTest, BindsEachMetricWhereTheConfigurationSays) {
  const Case& c = GetParam();
  const std::vector<config::SourceText> texts = {{"c.yaml", std::string(kHead) + c.yaml}};
  const config::LoadResult loaded = config::LoadConfig(texts, config::LoadOptions{});
  ASSERT_TRUE(loaded.ok()) << loaded.Report();
  const std::vector<WorkloadConfig> workloads = WorkloadsOf(*loaded.config, "prod");
  SimulatedClock clock(Timestamp{});
  metrics::SourceContext context;
  context.http = metrics::NewCurlHttpClient();  // building a source sends nothing
  context.clock = &clock;
  context.env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  StatusOr<ConfiguredMetrics> got =
      ConfiguredMetricsFor(*loaded.config, "prod", workloads, "kubernetes-metrics", context);
  if (!c.error.empty()) {
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.status().message().find(c.error), std::string::npos) << got.status().message();
    return;
  }
  ASSERT_TRUE(got.ok()) << got.status().message();
  std::vector<std::string> bindings, sources;
  for (const metrics::MetricBinding& b : got->bindings) {
    bindings.push_back(b.metric + "->" + b.source + "|" + b.query);
  }
  for (const auto& s : got->sources) sources.emplace_back(s->name());
  EXPECT_EQ(bindings, c.wanted);
  EXPECT_EQ(sources, c.sources);
  for (const std::string& s : c.sources) {
    ASSERT_TRUE(got->policies.contains(s));
    EXPECT_EQ(got->policies.at(s).deadline, std::chrono::seconds(2));
  }
}

constexpr const char* kSources = R"(metricSources:
  prom-eu: {type: prometheus, url: "http://127.0.0.1:9", timeout: 2s}
  sim: {type: simulator}
metrics:
  queue: {type: External, source: prom-eu, query: 'q{ns="{{namespace}}"}'}
  fake: {type: External, source: sim, query: x}
)";

INSTANTIATE_TEST_SUITE_P(
    Cases, ConfiguredMetricsTest,
    ::testing::Values(
        Case{"cpu_only_reads_the_cluster",
             "services:\n  api: {namespace: shop, horizontal: {maxReplicas: 4}}\n",
             "",
             {"cpu->kubernetes-metrics|cpu"},
             {}},
        Case{"a_catalogue_metric_reads_its_named_prometheus",
             std::string(kSources) +
                 "services:\n  api:\n    namespace: shop\n    horizontal:\n      maxReplicas: 4\n"
                 "      metrics: {queue: {averageValue: 10}}\n",
             "",
             {"queue->prom-eu|q{ns=\"{{namespace}}\"}"},
             {"prom-eu"}},
        Case{"cpu_and_a_queue_and_vertical_memory",
             std::string(kSources) +
                 "services:\n  api:\n    namespace: shop\n    horizontal:\n      maxReplicas: 4\n"
                 "      metrics: {cpu: {utilization: 70}, queue: {averageValue: 10}}\n"
                 "    vertical: {enabled: true, updateMode: \"Off\"}\n",
             "",
             {"cpu->kubernetes-metrics|cpu", "memory->kubernetes-metrics|memory",
              "queue->prom-eu|q{ns=\"{{namespace}}\"}"},
             {"prom-eu"}},
        Case{"a_simulation_only_source_is_refused_with_its_location",
             std::string(kSources) +
                 "services:\n  api:\n    namespace: shop\n    horizontal:\n      maxReplicas: 4\n"
                 "      metrics: {fake: {averageValue: 10}}\n",
             "c.yaml:7:3: metric source \"sim\" has type \"simulator\", which exists only in "
             "simulation",
             {},
             {}},
        Case{"a_setting_the_type_refuses_is_named",
             "metricSources:\n  prom: {type: prometheus, url: \"http://x\", options: {colour: "
             "red}}\nmetrics:\n  queue: {type: External, source: prom, query: q}\n"
             "services:\n  api:\n    namespace: shop\n    horizontal:\n      maxReplicas: 4\n"
             "      metrics: {queue: {averageValue: 10}}\n",
             "c.yaml:6:3: metric source \"prom\": ",
             {},
             {}}),
    [](const ::testing::TestParamInfo<Case>& param) { return param.param.name; });

}  // namespace
}  // namespace crescendo::cli
