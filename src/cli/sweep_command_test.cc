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

Outcome Sweep(std::vector<std::string> args) {
  args.insert(args.begin(), "sweep");
  return testing::RunCommands({&RegisterSweepCommands}, args);
}

Outcome Simulate(std::vector<std::string> args) {
  args.insert(args.begin(), "simulate");
  return testing::RunCommands({&RegisterSimulateCommand}, args);
}

class SweepCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("crescendo_sweep_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    // An hour of a per-minute trace that rises and falls.
    std::ofstream trace(Path("load.csv"));
    trace << "minute,count\n";
    for (int m = 0; m < 60; ++m) {
      trace << "2020-01-01 00:" << (m < 10 ? "0" : "") << m << ":00,"
            << (m < 30 ? 100 + 30 * m : 1000 - 20 * (m - 30)) << "\n";
    }
    trace.close();
    Write("sweep.yaml",
          "cases:\n"
          "  - name: music\n"
          "    simulate:\n"
          "      scenario: music-streaming\n"
          "      duration: 1h\n"
          "      strategies: [kubernetes, predictive]\n"
          "  - name: trace-target-50\n"
          "    simulate:\n"
          "      trace: " +
              Path("load.csv") +
              "\n"
              "      time-column: minute\n"
              "      value-column: count\n"
              "      target-utilization: 50\n"
              "  - simulate:\n"
              "      trace: " +
              Path("load.csv") +
              "\n"
              "      time-column: minute\n"
              "      value-column: count\n"
              "      strategies: kubernetes\n"
              "      per-service: true\n"
              "      seed: 7\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name)) << text;
  }
  nlohmann::json ReadJson(const std::string& path) const {
    std::ifstream in(path);
    return nlohmann::json::parse(in, nullptr, false);
  }

  fs::path dir_;
};

// The sweep's promise: every index run on its own and merged equals the cases run one by one.
TEST_F(SweepCommandTest, EveryIndexThenMergeEqualsTheCasesRunOneByOne) {
  const std::vector<std::vector<std::string>> one_by_one = {
      {"--scenario", "music-streaming", "--duration", "1h", "--strategies",
       "kubernetes,predictive"},
      {"--trace", Path("load.csv"), "--time-column", "minute", "--value-column", "count",
       "--target-utilization", "50"},
      {"--trace", Path("load.csv"), "--time-column", "minute", "--value-column", "count",
       "--strategies", "kubernetes", "--per-service", "--seed", "7"},
  };
  for (size_t i = 0; i < one_by_one.size(); ++i) {
    Outcome run =
        Sweep({"run", Path("sweep.yaml"), "--index", std::to_string(i), "--out", Path("results")});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(fs::exists(Path("results/case-" + std::to_string(i) + ".json")));
    EXPECT_FALSE(fs::exists(Path("results/case-" + std::to_string(i) + ".json.partial")));
  }
  Outcome merged =
      Sweep({"merge", Path("sweep.yaml"), "--dir", Path("results"), "--json", Path("merged.json")});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  const nlohmann::json doc = ReadJson(Path("merged.json"));
  ASSERT_EQ(doc["cases"].size(), one_by_one.size());
  for (size_t i = 0; i < one_by_one.size(); ++i) {
    std::vector<std::string> args = one_by_one[i];
    const std::string alone = Path("alone-" + std::to_string(i) + ".json");
    args.insert(args.end(), {"--json", alone, "--no-progress"});
    Outcome o = Simulate(args);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(doc["cases"][i]["index"], i);
    EXPECT_EQ(doc["cases"][i]["result"], ReadJson(alone)) << "case " << i;
  }
  EXPECT_EQ(doc["cases"][0]["name"], "music");
  EXPECT_EQ(doc["cases"][2]["name"], "case-2");
  // One table row per case and strategy: 2 + 1 + 1 and the header.
  EXPECT_EQ(std::count(merged.out.begin(), merged.out.end(), '\n'), 5) << merged.out;
  EXPECT_NE(merged.out.find("trace-target-50"), std::string::npos) << merged.out;
  EXPECT_NE(merged.out.find("predictive"), std::string::npos) << merged.out;
}

TEST_F(SweepCommandTest, IndexComesFromJobCompletionIndex) {
  ::setenv("JOB_COMPLETION_INDEX", "1", 1);
  Outcome run = Sweep({"run", Path("sweep.yaml"), "--out", Path("env")});
  ::unsetenv("JOB_COMPLETION_INDEX");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(fs::exists(Path("env/case-1.json")));
  EXPECT_FALSE(fs::exists(Path("env/case-0.json")));
}

TEST_F(SweepCommandTest, ErrorsNameTheFileTheFieldAndWhatIsExpected) {
  Write("bad-key.yaml", "cases:\n  - simulate:\n      scenario: music-streaming\n      json: x\n");
  Write("no-cases.yaml", "name: x\n");
  Write("bad-value.yaml", "cases:\n  - simulate:\n      strategies: {a: 1}\n");
  Write("unknown-field.yaml", "cases:\n  - simulat:\n      scenario: music-streaming\n");
  Write("bad-flag.yaml",
        "cases:\n  - simulate:\n      scenario: music-streaming\n      magic: 1\n");
  struct Case {
    const char* name;
    std::vector<std::string> args;
    int exit_code;
    std::string err;
  };
  const Case cases[] = {
      {"reserved flag",
       {"run", Path("bad-key.yaml"), "--index", "0", "--out", Path("o")},
       2,
       "bad-key.yaml:4:7: cases[0].simulate.json: found \"json\", expected a flag other than json"},
      {"no cases",
       {"run", Path("no-cases.yaml"), "--index", "0", "--out", Path("o")},
       2,
       "expected a non-empty sequence of cases"},
      {"map value",
       {"run", Path("bad-value.yaml"), "--index", "0", "--out", Path("o")},
       2,
       "bad-value.yaml:3:19: cases[0].simulate.strategies: found a map, expected a scalar"},
      {"unknown field",
       {"run", Path("unknown-field.yaml"), "--index", "0", "--out", Path("o")},
       2,
       "unknown-field.yaml:2:5: cases[0].simulat: found \"simulat\", expected name or simulate"},
      {"out of range",
       {"run", Path("sweep.yaml"), "--index", "3", "--out", Path("o")},
       2,
       "index 3: " + Path("sweep.yaml") + " has 3 cases, expected 0 to 2"},
      {"no index",
       {"run", Path("sweep.yaml"), "--out", Path("o")},
       2,
       "--index: not given and JOB_COMPLETION_INDEX is not set"},
      {"simulate refuses",
       {"run", Path("bad-flag.yaml"), "--index", "0", "--out", Path("o")},
       2,
       "bad-flag.yaml: case 0 (case-0): crescendo simulate: The following argument"},
      {"missing results",
       {"merge", Path("sweep.yaml"), "--dir", Path("none")},
       2,
       "no result for case 0, 1, 2"},
  };
  for (const Case& c : cases) {
    Outcome o = Sweep(c.args);
    EXPECT_EQ(o.exit_code, c.exit_code) << c.name << ": " << o.err;
    EXPECT_NE(o.err.find(c.err), std::string::npos) << c.name << ": " << o.err;
  }
}

}  // namespace
}  // namespace crescendo::cli
