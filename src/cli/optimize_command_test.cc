#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "cli/command_test_util.h"

namespace crescendo::cli {
namespace {

using Result = testing::CommandResult;

Result RunOptimize(const std::vector<std::string>& args) {
  return testing::RunCommands({&RegisterOptimizeCommands}, args);
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
  EXPECT_NE(missing.err.find("/nonexistent/pods.csv: no such file"), std::string::npos);
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

namespace crescendo::cli {
namespace {

TEST(OptimizeCostTest, ConfigPricesItsServicesInTwoPools) {
  const std::string json = ::testing::TempDir() + "config-bills.json";
  const std::vector<std::string> args = {
      "optimize",     "cost",  "--config",    SourcePath("examples/config"),
      "--provider",   "aws",   "--catalogue", SourcePath("data/prices/catalogue.csv"),
      "--time-limit", "200ms", "--json",      json};
  ::unsetenv("COST_OPTIMIZATION");
  Result r = RunOptimize(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* want : {"configuration ", "environment prod", "== aws us-east-1",
                           "cost optimization: on for ", "pool", "spot advice saves"}) {
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
  }
  nlohmann::json j = nlohmann::json::parse(std::ifstream(json));
  ASSERT_EQ(j["providers"].size(), 1u);
  const size_t services = j["providers"][0]["services"].size();
  ASSERT_GT(services, 0u);

  // COST_OPTIMIZATION=enabled overrides every service's costOptimization: one optimized pool.
  ::setenv("COST_OPTIMIZATION", "enabled", 1);
  r = RunOptimize(args);
  ::unsetenv("COST_OPTIMIZATION");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string all = "on for " + std::to_string(services) + " of " + std::to_string(services);
  EXPECT_NE(r.out.find(all), std::string::npos) << r.out;
  j = nlohmann::json::parse(std::ifstream(json));
  for (const auto& s : j["providers"][0]["services"]) EXPECT_TRUE(s["cost_optimization"]);
  const double optimized = j["providers"][0]["cost_per_hour"].get<double>();

  ::setenv("COST_OPTIMIZATION", "disabled", 1);
  r = RunOptimize(args);
  ::unsetenv("COST_OPTIMIZATION");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("on for 0 of"), std::string::npos) << r.out;
  j = nlohmann::json::parse(std::ifstream(json));
  for (const auto& s : j["providers"][0]["services"]) EXPECT_FALSE(s["cost_optimization"]);
  // The fixed pool costs at least what the optimized placement costs, up to the solver's gap.
  EXPECT_GE(j["providers"][0]["cost_per_hour"].get<double>() * 1.05, optimized);
}

TEST(OptimizeCostTest, ScenarioOrConfigNotBoth) {
  Result r = RunOptimize({"optimize", "cost"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("expected exactly one of --scenario FILE and --config DIR, found neither"),
            std::string::npos)
      << r.err;
  r = RunOptimize({"optimize", "cost", "--scenario", "a.yaml", "--config", "dir"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("found both"), std::string::npos) << r.err;
}

const char kConsolidatePods[] =
    "name,cpu,memory,service\n"
    "web-0,1,1Gi,web\nweb-1,1,1Gi,web\nweb-2,1,1Gi,web\nweb-3,1,1Gi,web\n"
    "db-0,2,4Gi,db\nworker-0,500m,512Mi,\n";
const char kConsolidateNodes[] =
    "type,cpu,memory,price\n"
    "small,2,4Gi,0.10\n"
    "large,8,16Gi,0.30\n";
// Every pod alone on a node: 5 small and 1 large, 0.80/h; all fit on one large node (0.30/h).
const char kConsolidateCurrent[] =
    "node,type,pods\n"
    "n1,small,web-0\nn2,small,web-1\nn3,small,web-2\nn4,small,web-3\n"
    "n5,large,db-0\nn6,small,worker-0\n";

TEST(OptimizeConsolidateTest, PlansWithinThePdb) {
  const std::string pods = TempFile("c-pods.csv", kConsolidatePods);
  const std::string nodes = TempFile("c-nodes.csv", kConsolidateNodes);
  const std::string current = TempFile("c-current.csv", kConsolidateCurrent);
  const std::string json = ::testing::TempDir() + "plan.json";
  Result r = RunOptimize({"optimize", "consolidate", "--pods", pods, "--nodes", nodes,
                          "--placement", current, "--pdb", "web=1", "--pdb", "db=0", "--time-limit",
                          "1s", "--json", json});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const nlohmann::json j = nlohmann::json::parse(std::ifstream(json));
  EXPECT_NEAR(j["cost_before"].get<double>(), 0.80, 1e-9);
  EXPECT_NEAR(j["cost_after"].get<double>(), 0.30, 1e-9);
  int64_t moves = 0;
  for (const auto& wave : j["waves"]) {
    int web = 0;
    for (const auto& m : wave) {
      const std::string pod = m["pod"];
      EXPECT_NE(pod, "db-0") << "db has a budget of 0 and needs not move";
      web += pod.starts_with("web-") ? 1 : 0;
      ++moves;
    }
    EXPECT_LE(web, 1) << wave.dump();
  }
  EXPECT_EQ(j["evictions"].get<int64_t>(), moves);
  // The large node that holds db-0 stays; the five small ones go.
  EXPECT_EQ(j["removed"].size(), 5u);
  EXPECT_NE(r.out.find("remove   n1 (small)"), std::string::npos) << r.out;
}

TEST(OptimizeConsolidateTest, BadInput) {
  const std::string pods = TempFile("c-pods.csv", kConsolidatePods);
  const std::string nodes = TempFile("c-nodes.csv", kConsolidateNodes);
  struct Case {
    const char* name;
    std::string current;
    std::string pdb;
    const char* error;
  };
  const Case cases[] = {
      {"pdb", kConsolidateCurrent, "web", "--pdb: expected SERVICE=MAX_UNAVAILABLE"},
      {"header", "node,pods\n", "web=1", "current.csv:1: expected the header `node,type,pods`"},
      {"type", "node,type,pods\nn1,huge,web-0\n", "web=1",
       "current.csv:2: column \"type\": expected a node type of the nodes file, found \"huge\""},
      {"unknown pod", "node,type,pods\nn1,large,web-9\n", "web=1",
       "current.csv:2: column \"pods\": expected pods of the pods file, found \"web-9\""},
      {"twice", "node,type,pods\nn1,large,web-0;web-0\n", "web=1",
       "current.csv:2: column \"pods\": pod \"web-0\" already on line 2"},
      {"missing", "node,type,pods\nn1,large,web-0\n", "web=1",
       "current.csv: pod \"web-1\" is on no node"},
      {"over capacity", "node,type,pods\nn1,small,web-0;web-1;web-2;web-3;db-0;worker-0\n", "web=1",
       "current.csv: node 0 (small): cpu 6500 over capacity 2000"},
  };
  for (const Case& c : cases) {
    const std::string current = TempFile("current.csv", c.current);
    Result r = RunOptimize({"optimize", "consolidate", "--pods", pods, "--nodes", nodes,
                            "--placement", current, "--pdb", c.pdb, "--time-limit", "200ms"});
    EXPECT_EQ(r.exit_code, 2) << c.name;
    EXPECT_NE(r.err.find(c.error), std::string::npos) << c.name << ": " << r.err;
  }
}

}  // namespace
}  // namespace crescendo::cli
