#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"

namespace crescendo::cli {
namespace {

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

Result RunOptimize(std::vector<std::string> args) {
  std::ostringstream out, err;
  CommandContext ctx{out, err};
  CLI::App app{"test", "crescendo"};
  RegisterOptimizeCommands(app, ctx);
  std::vector<const char*> argv = {"crescendo"};
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return {2, out.str(), e.what()};
  }
  return {ctx.exit_code, out.str(), err.str()};
}

std::string TempFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(OptimizePlacementTest, PlacesPodsAndWritesJson) {
  const std::string pods = TempFile("pods.csv",
                                    "name,cpu,memory\n"
                                    "a,1500m,1Gi\nb,1500m,1Gi\nc,500m,3Gi\nd,0.5,3Gi\n");
  const std::string nodes = TempFile("nodes.csv",
                                     "type,memory,cpu,price,max_count\n"
                                     "small,4Gi,2,0.10,\n"
                                     "large,16Gi,4,0.30,1\n");
  const std::string json = ::testing::TempDir() + "placement.json";
  Result r = RunOptimize({"optimize", "placement", "--pods", pods, "--nodes", nodes, "--time-limit",
                          "2s", "--json", json});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(json);
  const nlohmann::json j = nlohmann::json::parse(in);
  // Each small node holds one 1500m pod and one 3Gi pod: two smalls (0.20) beat a large (0.30).
  EXPECT_EQ(j["node_count"], 2);
  EXPECT_NEAR(j["cost"].get<double>(), 0.20, 1e-9);
  EXPECT_GE(j["cost"].get<double>(), j["lower_bound"].get<double>() - 1e-9);
  EXPECT_GE(j["gap"].get<double>(), 0);
  ASSERT_EQ(j["nodes"].size(), 2u);
  size_t pods_placed = 0;
  for (const auto& n : j["nodes"]) {
    EXPECT_EQ(n["type"], "small");
    pods_placed += n["pods"].size();
  }
  EXPECT_EQ(pods_placed, 4u);
  EXPECT_NE(r.out.find("placement      0.2000 on 2 nodes"), std::string::npos) << r.out;
}

TEST(OptimizePlacementTest, LocatedErrors) {
  struct Case {
    const char* name;
    const char* pods;
    const char* nodes;
    const char* time_limit;
    const char* error;
  };
  const Case cases[] = {
      {"pods header", "pod,cpu\na,1\n", "type,cpu,price\nn,2,1\n", "1s",
       "pods.csv:1: expected the header `name,<resource>,...`, found \"pod,...\""},
      {"bad cpu", "name,cpu\na,1\nb,lots\n", "type,cpu,price\nn,2,1\n", "1s",
       "pods.csv:3: column \"cpu\": expected a Kubernetes quantity such as 500m or 2, found "
       "\"lots\""},
      {"width", "name,cpu,memory\n# comment\na,1\n", "type,cpu,memory,price\nn,2,1Gi,1\n", "1s",
       "pods.csv:3: expected 3 columns as in the header, found 2"},
      {"nodes header", "name,cpu\na,1\n", "type,memory,price\nn,2,1\n", "1s",
       "nodes.csv:1: expected a column \"cpu\" as in the pods file, found none"},
      {"price", "name,cpu\na,1\n", "type,cpu,price\nn,2,free\n", "1s",
       "nodes.csv:2: column \"price\": expected a price per hour > 0, found \"free\""},
      {"max_count", "name,cpu\na,1\n", "type,cpu,price,max_count\nn,2,1,-2\n", "1s",
       "nodes.csv:2: column \"max_count\": expected an integer >= 0 or nothing, found \"-2\""},
      {"negative", "name,cpu\na,-1\n", "type,cpu,price\nn,2,1\n", "1s",
       "pods.csv:2: column \"cpu\": expected an amount >= 0, found \"-1\""},
      {"too big", "name,cpu\na,3\n", "type,cpu,price\nn,2,1\n", "1s",
       "pod \"a\": expected to fit on at least one node type, fits on none"},
      {"time limit", "name,cpu\na,1\n", "type,cpu,price\nn,2,1\n", "ten",
       "--time-limit: expected a duration > 0 such as 10s or 500ms, found \"ten\""},
  };
  for (const Case& c : cases) {
    const std::string pods = TempFile("pods.csv", c.pods);
    const std::string nodes = TempFile("nodes.csv", c.nodes);
    Result r = RunOptimize(
        {"optimize", "placement", "--pods", pods, "--nodes", nodes, "--time-limit", c.time_limit});
    EXPECT_EQ(r.exit_code, 2) << c.name;
    EXPECT_NE(r.err.find(c.error), std::string::npos) << c.name << ": " << r.err;
  }
  Result missing = RunOptimize({"optimize", "placement", "--pods", "/nonexistent/pods.csv",
                                "--nodes", "/nonexistent/nodes.csv"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/pods.csv: cannot open for reading"), std::string::npos);
}

}  // namespace
}  // namespace crescendo::cli

namespace crescendo::cli {
namespace {

std::string SourcePath(const std::string& relative) {
  const char* source = std::getenv("CRESCENDO_SOURCE_DIR");
  return std::string(source ? source : ".") + "/" + relative;
}

TEST(OptimizeCostTest, MusicStreamingOnThreeProviders) {
  const std::string json = ::testing::TempDir() + "bills.json";
  Result r = RunOptimize({"optimize", "cost", "--scenario",
                          SourcePath("examples/scenarios/music-streaming.yaml"), "--catalogue",
                          SourcePath("data/prices/catalogue.csv"), "--time-limit", "300ms",
                          "--json", json});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* want : {"== aws us-east-1", "== gcp us-central1", "== azure eastus",
                           "generated 2026-07-20", "generated 2026-07-30", "2025-06-28",
                           "prod/free/music/public-api", "tenant premium", "spot advice saves"}) {
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
  }
  std::ifstream in(json);
  const nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_EQ(j["providers"].size(), 3u);
  for (const auto& b : j["providers"]) {
    double services = 0;
    for (const auto& s : b["services"]) services += s["cost_per_hour"].get<double>();
    // The services' shares and the idle cost add up to the nodes' price.
    EXPECT_NEAR(services + b["idle_per_hour"].get<double>(), b["cost_per_hour"].get<double>(),
                1e-6);
    EXPECT_GE(b["cost_per_hour"].get<double>(), b["lower_bound"].get<double>() - 1e-9);
  }
}

TEST(OptimizeCostTest, BadCatalogueAndProvider) {
  const std::string bad = TempFile("catalogue.csv", "provider,region\n");
  Result r =
      RunOptimize({"optimize", "cost", "--scenario",
                   SourcePath("examples/scenarios/music-streaming.yaml"), "--catalogue", bad});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("catalogue.csv:1: expected the header `provider,region,instance_type"),
            std::string::npos)
      << r.err;
  r = RunOptimize({"optimize", "cost", "--scenario", "x.yaml", "--provider", "ibm"});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace crescendo::cli
