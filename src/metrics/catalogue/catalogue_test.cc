#include "crescendo/metrics/catalogue.h"

#include <gtest/gtest.h>

namespace crescendo::metrics {
namespace {

TEST(MetricCatalogue, ExampleFileDefinesTheStandardMetrics) {
  auto catalogue = MetricCatalogue::LoadFile("examples/metrics/catalogue.yaml");
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().ToString();
  EXPECT_TRUE(catalogue->CheckStandard().ok()) << catalogue->CheckStandard().ToString();
  EXPECT_EQ(catalogue->metrics().size(), 11u);
  EXPECT_EQ(catalogue->metrics().front().name, "cpu");  // file order kept

  const MetricDefinition* cpu = catalogue->Find("cpu");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->kind, MetricKind::kSystem);
  EXPECT_EQ(cpu->unit, "millicores");
  EXPECT_EQ(cpu->window, std::chrono::minutes(2));
  EXPECT_EQ(cpu->queries.size(), 3u);
  const MetricDefinition* latency = catalogue->Find("ml_inference_latency");
  ASSERT_NE(latency, nullptr);
  EXPECT_EQ(latency->kind, MetricKind::kBusiness);
  EXPECT_EQ(latency->unit, "milliseconds");

  auto binding = catalogue->Bind("cpu", "prometheus");
  ASSERT_TRUE(binding.ok()) << binding.status().ToString();
  EXPECT_EQ(binding->metric, "cpu");
  EXPECT_EQ(binding->source, "prometheus");
  EXPECT_EQ(binding->scale, 1000.0);
  EXPECT_EQ(binding->window, std::chrono::minutes(2));
  EXPECT_NE(binding->query.find("container_cpu_usage_seconds_total"), std::string::npos);

  auto missing = catalogue->Bind("disk_write", "cloudwatch");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("it has queries for prometheus"), std::string::npos);

  const std::vector<std::string> preference = {"cloudwatch", "prometheus"};
  const auto bindings = catalogue->BindAll(preference);
  ASSERT_EQ(bindings.size(), 11u);
  EXPECT_EQ(bindings[0].source, "cloudwatch");  // cpu
  EXPECT_EQ(bindings[5].metric, "disk_write");
  EXPECT_EQ(bindings[5].source, "prometheus");
}

struct BadCase {
  std::string name;
  std::string yaml;
  std::string message_part;
};

TEST(MetricCatalogue, ErrorsNameFileLineAndField) {
  const std::string good_queries = "    queries: {prometheus: 'up'}\n";
  const std::vector<BadCase> cases = {
      {"not yaml", "metrics: [1, 2", "c.yaml:1:1: found invalid YAML"},
      {"no metrics", "other: 1\n",
       "c.yaml:1:1: metrics: found a map, expected a top-level mapping"},
      {"bad kind", "metrics:\n  cpu:\n    kind: magic\n    unit: bytes\n" + good_queries,
       "c.yaml:3:11: metrics.cpu.kind: found \"magic\", expected system or business"},
      {"bad unit", "metrics:\n  cpu:\n    kind: system\n    unit: furlongs\n" + good_queries,
       "c.yaml:4:11: metrics.cpu.unit: found \"furlongs\", expected one of millicores"},
      {"unknown field",
       "metrics:\n  cpu:\n    kind: system\n    unit: bytes\n    colour: red\n" + good_queries,
       "c.yaml:5:5: metrics.cpu.colour: found unknown field, expected one of"},
      {"bad window",
       "metrics:\n  cpu:\n    kind: system\n    unit: bytes\n    window: soon\n" + good_queries,
       "metrics.cpu.window: found \"soon\", expected a positive duration"},
      {"no queries", "metrics:\n  cpu:\n    kind: system\n    unit: bytes\n",
       "metrics.cpu.queries: found nothing, expected a mapping of source name to query"},
      {"zero scale",
       "metrics:\n  cpu:\n    kind: system\n    unit: bytes\n    queries:\n"
       "      prometheus: {query: up, scale: 0}\n",
       "metrics.cpu.queries.prometheus.scale: found \"0\", expected a non-zero number"},
      {"typo placeholder",
       "metrics:\n  cpu:\n    kind: system\n    unit: bytes\n    queries:\n"
       "      prometheus: 'up{{{selectr}}}'\n",
       "metrics.cpu.queries.prometheus.query: found query template: unknown placeholder "
       "{{selectr}}"},
      {"missing kind", "metrics:\n  cpu:\n    unit: bytes\n" + good_queries,
       "c.yaml:3:5: metrics.cpu.kind: found nothing, expected a text value"},
  };
  for (const BadCase& c : cases) {
    auto catalogue = MetricCatalogue::Parse(c.yaml, "c.yaml");
    ASSERT_FALSE(catalogue.ok()) << c.name;
    EXPECT_EQ(catalogue.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(catalogue.status().message().find(c.message_part), std::string::npos)
        << c.name << ": " << catalogue.status().ToString();
  }
}

TEST(MetricCatalogue, MissingStandardMetricsAreListed) {
  auto catalogue = MetricCatalogue::Parse(
      "metrics:\n  cpu:\n    kind: system\n    unit: millicores\n    queries: {prometheus: up}\n",
      "c.yaml");
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().ToString();
  const Status status = catalogue->CheckStandard();
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_NE(status.message().find("memory, network_receive"), std::string::npos);
  EXPECT_EQ(MetricCatalogue::LoadFile("/nonexistent/c.yaml").status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace crescendo::metrics

namespace crescendo::metrics {
namespace {

// `sensitive` decides which metrics the control plane stores encrypted: business metrics are
// sensitive unless they say otherwise, system metrics are not unless they say so.
TEST(MetricCatalogue, SensitiveDefaultsByKindAndCanBeSet) {
  const std::string q = "    queries: {prometheus: up}\n";
  struct Case {
    std::string fields;
    bool sensitive;
  };
  const std::vector<Case> cases = {
      {"    kind: business\n    unit: count\n", true},
      {"    kind: business\n    unit: count\n    sensitive: false\n", false},
      {"    kind: system\n    unit: bytes\n", false},
      {"    kind: system\n    unit: bytes\n    sensitive: true\n", true},
  };
  for (const Case& c : cases) {
    auto catalogue = MetricCatalogue::Parse("metrics:\n  m:\n" + c.fields + q, "c.yaml");
    ASSERT_TRUE(catalogue.ok()) << c.fields << catalogue.status().ToString();
    EXPECT_EQ(catalogue->Find("m")->sensitive, c.sensitive) << c.fields;
  }
  auto bad = MetricCatalogue::Parse(
      "metrics:\n  m:\n    kind: business\n    unit: count\n    sensitive: maybe\n" + q, "c.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("c.yaml:5:16: metrics.m.sensitive"), std::string::npos)
      << bad.status().message();
  EXPECT_NE(bad.status().message().find("true or false"), std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace crescendo::metrics
