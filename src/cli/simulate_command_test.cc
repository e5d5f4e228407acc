#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "cli/command_test_util.h"

namespace crescendo::cli {
namespace {

namespace fs = std::filesystem;

using Outcome = testing::CommandResult;

Outcome Simulate(std::vector<std::string> args) {
  args.insert(args.begin(), "simulate");
  return testing::RunCommands({&RegisterSimulateCommand}, args);
}

class SimulateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("crescendo_simulate_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    // Two hours of a per-minute trace with a rise, a fall and a 10-minute hole.
    std::ofstream trace(Path("load.csv"));
    trace << "minute,count\n";
    for (int m = 0; m < 120; ++m) {
      if (m >= 50 && m < 60) continue;
      int hh = m / 60, mm = m % 60;
      trace << "2020-01-01 0" << hh << ":" << (mm < 10 ? "0" : "") << mm << ":00,"
            << (m < 40 ? 100 + 20 * m : 900 - 5 * (m - 40)) << "\n";
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::string Read(const std::string& name) const {
    std::ifstream in(Path(name));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir_;
};

TEST_F(SimulateCommandTest, TraceRunPrintsTheTableAndWritesJsonAndReport) {
  Outcome o =
      Simulate({"--trace", Path("load.csv"), "--time-column", "minute", "--value-column", "count",
                "--peak-pods", "10", "--strategies", "kubernetes,target-utilization", "--seed", "3",
                "--json", Path("a.json"), "--report", Path("a.html"), "--no-progress"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find(": 110 rows (0 duplicates), 1 gaps"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\nkubernetes "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\ntarget-utilization "), std::string::npos) << o.out;
  nlohmann::json doc = nlohmann::json::parse(Read("a.json"));
  ASSERT_EQ(doc["strategies"].size(), 2u);
  EXPECT_EQ(doc["strategies"][0]["name"], "kubernetes");
  EXPECT_EQ(doc["trace"]["rows"], 110);
  EXPECT_EQ(doc["trace"]["gaps"], 1);
  EXPECT_GT(doc["strategies"][0]["scaling_actions"].get<int>(), 0);
  EXPECT_NE(Read("a.html").find("data-plot=\"supply\""), std::string::npos);

  Outcome again =
      Simulate({"--trace", Path("load.csv"), "--time-column", "minute", "--value-column", "count",
                "--peak-pods", "10", "--strategies", "kubernetes,target-utilization", "--seed", "3",
                "--json", Path("b.json"), "--no-progress"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Read("a.json"), Read("b.json"));  // same seed, same bytes
}

TEST_F(SimulateCommandTest, BuiltinScenarioOfCrescendoRun) {
  Outcome o = Simulate({"--scenario", "music-streaming", "--duration", "1h", "--strategies",
                        "target-utilization", "--json", Path("m.json"), "--no-progress"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  nlohmann::json doc = nlohmann::json::parse(Read("m.json"));
  EXPECT_EQ(doc["trace"]["kind"], "scenario");
  EXPECT_EQ(doc["trace"]["services"].size(), 8u);
  EXPECT_EQ(doc["trace"]["ticks"], 240);
  EXPECT_NE(o.out.find("prod/enterprise/music/audio-analysis / target-utilization"),
            std::string::npos);
}

TEST_F(SimulateCommandTest, SweepPlacesStrategiesOnTheHpaFrontier) {
  Outcome o =
      Simulate({"--trace", Path("load.csv"), "--time-column", "minute", "--value-column", "count",
                "--peak-pods", "10", "--strategies", "kubernetes,oracle", "--sweep-target",
                "50,70,90", "--json", Path("f.json"), "--report", Path("f.html"), "--no-progress"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("HPA target"), std::string::npos) << o.out;
  nlohmann::json doc = nlohmann::json::parse(Read("f.json"));
  ASSERT_EQ(doc["frontier"]["hpa"].size(), 3u);
  // By pod-seconds: a lower target keeps more pods.
  EXPECT_EQ(doc["frontier"]["hpa"][0]["target_utilization"], 90);
  EXPECT_EQ(doc["frontier"]["hpa"][2]["target_utilization"], 50);
  EXPECT_LT(doc["frontier"]["hpa"][0]["pod_seconds"].get<double>(),
            doc["frontier"]["hpa"][2]["pod_seconds"].get<double>());
  const auto& placed = doc["frontier"]["strategies"];
  ASSERT_EQ(placed.size(), 2u);
  // kubernetes at its default 70% sits on the frontier: the 70% point itself.
  EXPECT_NEAR(placed[0]["hpa_tau_u"].get<double>(), placed[0]["tau_u"].get<double>(), 1e-9);
  EXPECT_EQ(placed[1]["name"], "oracle");
  EXPECT_EQ(placed[1]["tau_u"].get<double>(), 0.0);
  EXPECT_LT(doc["strategies"][1]["pod_seconds"].get<double>(),
            doc["strategies"][0]["pod_seconds"].get<double>());
  EXPECT_GT(placed[0]["oracle_extra_pod_seconds"].get<double>(), 0.0);
  EXPECT_NE(Read("f.html").find("Against the HPA"), std::string::npos);

  Outcome bad = Simulate({"--trace", Path("load.csv"), "--time-column", "minute", "--value-column",
                          "count", "--sweep-target", "50,0", "--no-progress"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--sweep-target: found \"0\", expected an integer from 1 to 100"),
            std::string::npos)
      << bad.err;
}

TEST_F(SimulateCommandTest, BadInputExitsTwoWithTheReason) {
  struct Case {
    const char* name;
    std::vector<std::string> args;
    const char* want;
  };
  const Case cases[] = {
      {"neither",
       {"--no-progress"},
       "give exactly one of --trace PATH, --scenario FILE and --config PATH..."},
      {"both",
       {"--trace", Path("load.csv"), "--scenario", "music-streaming"},
       "give exactly one of"},
      {"no column",
       {"--trace", Path("load.csv"), "--value-column", "requests"},
       "load.csv:1: value column \"requests\" not found"},
      {"missing file", {"--trace", Path("none.csv")}, "none.csv: no such file"},
      {"unknown strategy",
       {"--trace", Path("load.csv"), "--strategies", "magic"},
       "unknown strategy \"magic\""},
      {"bad interval", {"--trace", Path("load.csv"), "--interval", "soon"}, "--interval"},
      {"interval below 1s",
       {"--trace", Path("load.csv"), "--interval", "1ns"},
       "expected a Go duration >= 1s"},
      {"duplicate strategy",
       {"--trace", Path("load.csv"), "--strategies", "kubernetes,kubernetes"},
       "\"kubernetes\" twice"},
      {"utilization out of range",
       {"--trace", Path("load.csv"), "--target-utilization", "0"},
       "expected an integer from 1 to 100"},
      {"min replicas on a scenario",
       {"--scenario", "music-streaming", "--min-replicas", "2"},
       "--min-replicas applies to --trace"},
      {"output is a directory",
       {"--trace", Path("load.csv"), "--json", dir_.string()},
       "is a directory"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Outcome o = Simulate(c.args);
    EXPECT_EQ(o.exit_code, 2);
    EXPECT_NE(o.err.find(c.want), std::string::npos) << o.err;
  }
}

// The tenant-crunch scenario: TENANT_ISOLATION picks the isolation, the report shows the tenants
// (text and JSON), and --spare-capacity lifts the pools' maximum.
TEST_F(SimulateCommandTest, TenantScenarioReportsTenantsPerIsolation) {
  const char* source = std::getenv("CRESCENDO_SOURCE_DIR");
  const std::string scenario =
      (fs::path(source != nullptr ? source : ".") / "examples/scenarios/tenant-crunch.yaml")
          .string();
  if (!fs::exists(scenario)) GTEST_SKIP() << scenario << " not found";
  ::setenv("TENANT_ISOLATION", "strict", 1);
  Outcome strict = Simulate({"--scenario", scenario, "--duration", "30m", "--json",
                             Path("strict.json"), "--no-progress"});
  ::unsetenv("TENANT_ISOLATION");
  ASSERT_EQ(strict.exit_code, 0) << strict.err;
  EXPECT_NE(strict.err.find("TENANT_ISOLATION=strict: the isolation of the scenario's tenants"),
            std::string::npos)
      << strict.err;
  EXPECT_NE(strict.out.find("tenants / kubernetes (isolation strict): Jain's index min"),
            std::string::npos)
      << strict.out;
  EXPECT_NE(strict.out.find("\nnightowl "), std::string::npos) << strict.out;
  nlohmann::json doc = nlohmann::json::parse(Read("strict.json"));
  const nlohmann::json& tenancy = doc["strategies"][0]["tenancy"];
  EXPECT_EQ(tenancy["isolation"], "strict");
  EXPECT_EQ(tenancy["arbitrated_ticks"], 60);
  EXPECT_EQ(tenancy["tenants"].size(), 5u);
  EXPECT_EQ(tenancy["tenants"][2]["name"], "nightowl");
  EXPECT_EQ(tenancy["tenants"][2]["pool"], "paid");
  EXPECT_FALSE(tenancy["jain_index"]["series"].empty());
  EXPECT_TRUE(tenancy["tenants"][0].contains("sla_violation_seconds"));

  Outcome spare = Simulate({"--scenario", scenario, "--duration", "30m", "--spare-capacity",
                            "--json", Path("spare.json"), "--no-progress"});
  ASSERT_EQ(spare.exit_code, 0) << spare.err;
  nlohmann::json lifted = nlohmann::json::parse(Read("spare.json"));
  EXPECT_EQ(lifted["strategies"][0]["tenancy"]["isolation"], "soft");  // the scenario's own
  EXPECT_TRUE(lifted["strategies"][0]["tenancy"]["tenants"][2]["pool"].is_null());
}

}  // namespace
}  // namespace crescendo::cli
