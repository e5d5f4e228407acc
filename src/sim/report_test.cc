#include "crescendo/sim/report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_strategies.h"

namespace crescendo::sim {
namespace {

const Timestamp kStart = FromUnixSeconds(1'800'000'000);

SimulationResult Simulate(uint64_t seed) {
  std::vector<SimService> services;
  for (int i = 0; i < 2; ++i) {
    SimService s;
    s.spec.id =
        WorkloadId{"prod", i == 0 ? "free" : "premium", "music", "api-" + std::to_string(i)};
    s.spec.horizontal.max_replicas = 20;
    MetricSpec cpu;
    cpu.name = "cpu";
    cpu.target.average_utilization = 60;
    s.spec.horizontal.metrics = {cpu};
    s.spec.pod.startup_distribution = DelayDistribution::kLogNormal;
    s.spec.pod.startup_jitter = seconds(15);
    s.initial_replicas_from_load = true;
    s.source = ProfileSource(StepLoad(kStart, {{minutes(0), 100.0 * (i + 1)}, {minutes(20), 600}}));
    services.push_back(std::move(s));
  }
  SimulationOptions o;
  o.start = kStart;
  o.end = kStart + hours(1);
  o.seed = seed;
  o.strategies = {"proportional", "fixed-3"};
  o.plot_points = 50;
  return RunSimulation(services, o, TestStrategies).value();
}

LoadDescription Scenario() {
  LoadDescription d;
  d.kind = "scenario";
  d.name = "two <services>";
  d.path = "s.yaml";
  d.seed = 4;
  d.services = {WorkloadId{"prod", "free", "music", "api-0"},
                WorkloadId{"prod", "premium", "music", "api-1"}};
  return d;
}

TEST(ReportTest, JsonHasTheIssueShape) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(ResultJson(Simulate(4), Scenario()));
  std::vector<std::string> top;
  for (const auto& [key, value] : doc.items()) top.push_back(key);
  EXPECT_EQ(top, (std::vector<std::string>{"trace", "strategies"}));
  ASSERT_EQ(doc["strategies"].size(), 2u);
  const nlohmann::ordered_json& s = doc["strategies"][0];
  std::vector<std::string> keys;
  for (const auto& [key, value] : s.items()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"cost", "elasticity", "name", "oom_kills", "pod_seconds",
                                      "scaling_actions", "services", "sla", "vertical"}));
  std::vector<std::string> elasticity, sla;
  for (const auto& [key, value] : s["elasticity"].items()) elasticity.push_back(key);
  for (const auto& [key, value] : s["sla"].items()) sla.push_back(key);
  EXPECT_EQ(elasticity, (std::vector<std::string>{"theta_u", "theta_o", "tau_u", "tau_o",
                                                  "instability", "jitter"}));
  EXPECT_EQ(sla,
            (std::vector<std::string>{"violation_seconds", "p95_latency_ms", "dropped_requests"}));
  EXPECT_EQ(s["name"], "proportional");
  EXPECT_TRUE(s["pod_seconds"].is_number());
  EXPECT_TRUE(s["scaling_actions"].is_number_integer());
  EXPECT_EQ(doc["trace"]["ticks"], 240);
  EXPECT_EQ(doc["trace"]["services"][1], "prod/premium/music/api-1");
}

TEST(ReportTest, SameSeedSameBytes) {
  EXPECT_EQ(ResultJson(Simulate(4), Scenario()), ResultJson(Simulate(4), Scenario()));
  EXPECT_EQ(HtmlReport(Simulate(4), Scenario()), HtmlReport(Simulate(4), Scenario()));
  EXPECT_NE(ResultJson(Simulate(4), Scenario()), ResultJson(Simulate(5), Scenario()));
}

TEST(ReportTest, HtmlIsSelfContainedWithFourPlots) {
  std::string html = HtmlReport(Simulate(4), Scenario());
  size_t figures = 0;
  for (size_t at = html.find("<figure class=\"plot\""); at != std::string::npos;
       at = html.find("<figure class=\"plot\"", at + 1)) {
    ++figures;
  }
  EXPECT_EQ(figures, 4u);
  for (const char* plot : {"data-plot=\"load\"", "data-plot=\"supply\"", "data-plot=\"latency\"",
                           "data-plot=\"cost\""}) {
    EXPECT_NE(html.find(plot), std::string::npos) << plot;
  }
  EXPECT_NE(html.find("<polyline"), std::string::npos);
  EXPECT_NE(html.find("two &lt;services&gt;"), std::string::npos);  // escaped
  EXPECT_EQ(html.find("two <services>"), std::string::npos);
  for (const char* remote : {"http://", "https://", "src=\"", "<link"}) {
    size_t at = html.find(remote);
    // The only URL allowed is the SVG namespace, which is not fetched.
    while (at != std::string::npos && html.compare(at, 26, "http://www.w3.org/2000/svg") == 0) {
      at = html.find(remote, at + 1);
    }
    EXPECT_EQ(at, std::string::npos) << remote;
  }
  EXPECT_NE(html.find("Per service"), std::string::npos);
}

TEST(ReportTest, TablesHaveARowPerStrategyAndService) {
  SimulationResult r = Simulate(4);
  std::string table = ComparisonTable(r);
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 3);
  EXPECT_EQ(table.rfind("strategy", 0), 0u);
  EXPECT_NE(table.find("\nproportional "), std::string::npos);
  std::string services = ServiceTable(r);
  EXPECT_EQ(std::count(services.begin(), services.end(), '\n'), 5);
  EXPECT_NE(services.find("prod/premium/music/api-1 / fixed-3"), std::string::npos);
}

}  // namespace
}  // namespace crescendo::sim
