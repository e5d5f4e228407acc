#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/command.h"
#include "cli/command_test_util.h"

namespace crescendo::cli {
namespace {

using Result = testing::CommandResult;

Result RunVpa(const std::vector<std::string>& args) {
  return testing::RunCommands({&RegisterVpaCommands}, args);
}

std::string Example(const char* name) {
  const char* source = std::getenv("CRESCENDO_SOURCE_DIR");
  return std::string(source ? source : ".") + "/examples/vpa/" + name;
}

std::string TempFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(VpaCommandTest, RecommendPrintsStatusRecommendation) {
  Result r = RunVpa({"vpa", "recommend", "--samples", Example("inference-samples.csv"), "--policy",
                     Example("inference-vpa.yaml"), "--explain"});
  ASSERT_EQ(0, r.exit_code) << r.err;
  EXPECT_NE(std::string::npos, r.out.find("\"containerRecommendations\"")) << r.out;
  EXPECT_NE(std::string::npos, r.out.find("\"containerName\": \"model-server\"")) << r.out;
  EXPECT_NE(std::string::npos, r.out.find("\"uncappedTarget\"")) << r.out;
  EXPECT_NE(std::string::npos, r.err.find("model-server: memory sized for a spike")) << r.err;
  // model-server: the 3 GB reload spike (days 1 and 5) sized with 15% margin.
  EXPECT_NE(std::string::npos, r.out.find(R"("target": {
        "cpu": "627m",
        "memory": "3449999999"
      })"))
      << r.out;
  // log-shipper: its upper bound capped to the "*" policy's maxAllowed 256Mi.
  EXPECT_NE(std::string::npos, r.out.find(R"("upperBound": {
        "cpu": "176m",
        "memory": "268435456"
      })"))
      << r.out;
}

TEST(VpaCommandTest, CheckpointExportThenImport) {
  const std::string out = ::testing::TempDir() + "cp.json";
  Result e = RunVpa({"vpa", "checkpoint", "export", "--samples", Example("inference-samples.csv"),
                     "--vpa", "infer", "--namespace", "ml", "-o", out});
  ASSERT_EQ(0, e.exit_code) << e.err;
  Result i = RunVpa({"vpa", "checkpoint", "import", "--checkpoint", out, "--plain-vpa"});
  ASSERT_EQ(0, i.exit_code) << i.err;
  EXPECT_NE(std::string::npos, i.err.find("imported infer-model-server: container model-server"))
      << i.err;
  EXPECT_NE(std::string::npos, i.out.find("\"containerName\": \"log-shipper\"")) << i.out;
}

// Export then import reproduces the plain VPA recommendation: the checkpoint keeps the
// still-open interval's memory peaks, and the example's bucket weights survive VPA's rounding
// to 10000 exactly (docs/vertical.md, Checkpoints).
TEST(VpaCommandTest, CheckpointRoundTripRecommendsAsTheSamples) {
  const std::string out = ::testing::TempDir() + "round-trip.json";
  Result direct =
      RunVpa({"vpa", "recommend", "--samples", Example("inference-samples.csv"), "--plain-vpa"});
  ASSERT_EQ(0, direct.exit_code) << direct.err;
  Result e = RunVpa({"vpa", "checkpoint", "export", "--samples", Example("inference-samples.csv"),
                     "--vpa", "infer", "-o", out});
  ASSERT_EQ(0, e.exit_code) << e.err;
  Result i = RunVpa({"vpa", "checkpoint", "import", "--checkpoint", out, "--plain-vpa"});
  ASSERT_EQ(0, i.exit_code) << i.err;
  EXPECT_EQ(direct.out, i.out);
  Result spike = RunVpa({"vpa", "checkpoint", "import", "--checkpoint", out});
  ASSERT_EQ(0, spike.exit_code) << spike.err;
  EXPECT_NE(std::string::npos, spike.err.find("spike sizing starts afresh")) << spike.err;
}

TEST(VpaCommandTest, ErrorsNameTheFileAndLine) {
  const std::string bad =
      TempFile("bad.csv", "timestamp,pod,container,cpu,memory,event\n0,p,c,x,1,\n");
  Result r = RunVpa({"vpa", "recommend", "--samples", bad});
  EXPECT_EQ(2, r.exit_code);
  EXPECT_EQ("crescendo vpa recommend: " + bad +
                ":2:7: cpu: found \"x\", expected a finite number from 0 to 1e+06, or nothing\n",
            r.err);
  Result now =
      RunVpa({"vpa", "recommend", "--samples", Example("inference-samples.csv"), "--now", "soon"});
  EXPECT_EQ(2, now.exit_code);
  EXPECT_NE(std::string::npos, now.err.find("--now: found \"soon\"")) << now.err;
}

// Three days of 5-minute samples for two pods; `requests` adds the fixed allocation columns.
std::string EvaluationSamples(bool requests) {
  std::string csv = std::string("timestamp,pod,container,cpu,memory,event") +
                    (requests ? ",cpu_request,memory_request" : "") + "\n";
  for (int64_t t = 0; t < 3 * 86400; t += 300) {
    for (const char* pod : {"a", "b"}) {
      csv += std::to_string(1795000000 + t) + "," + pod + ",app,0.5,1000000000," +
             (requests ? ",2,4000000000" : "") + "\n";
    }
  }
  return csv;
}

TEST(VpaCommandTest, EvaluateSamplesPerStrategy) {
  struct Case {
    const char* name;
    bool requests;
    bool has_fixed;
  };
  for (const Case& c : {Case{"with requests", true, true}, Case{"without", false, false}}) {
    SCOPED_TRACE(c.name);
    const std::string samples = TempFile("eval.csv", EvaluationSamples(c.requests));
    const std::string json = ::testing::TempDir() + "eval.json";
    Result r = RunVpa({"vpa", "evaluate", "--samples", samples, "--json", json});
    ASSERT_EQ(0, r.exit_code) << r.err;
    EXPECT_NE(std::string::npos, r.out.find(": 2 series")) << r.out;
    // 0.5 cores against 2: slack 300%, never above.
    EXPECT_EQ(c.has_fixed, r.out.find("| fixed | 300.0% | 300.0% | 0.00% | 0.000% | 1152 |") !=
                               std::string::npos)
        << r.out;
    EXPECT_NE(std::string::npos, r.out.find("| vpa |")) << r.out;
    EXPECT_NE(std::string::npos, r.out.find("| crescendo |")) << r.out;
    std::ifstream in(json);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(std::string::npos, text.str().find("\"cpu_over\"")) << text.str();
    EXPECT_NE(std::string::npos, text.str().find("\"memory_over\"")) << text.str();
    EXPECT_EQ(c.has_fixed, text.str().find("\"strategy\": \"fixed\"") != std::string::npos);
  }
}

TEST(VpaCommandTest, EvaluateErrorsAreLocated) {
  const std::string partial =
      TempFile("partial.csv",
               "timestamp,pod,container,cpu,memory,event,cpu_request,memory_request\n"
               "0,p,c,0.1,100,,1,1000\n60,p,c,0.1,100,,,1000\n");
  const std::string good = TempFile("good.csv", EvaluationSamples(false));
  struct Case {
    const char* name;
    std::vector<std::string> args;
    std::string error;
  };
  const Case cases[] = {
      {"a row without the request",
       {"--samples", partial},
       partial + ":3: cpu_request: empty, expected cores (the fixed allocation)"},
      {"two inputs",
       {"--samples", good, "--trace", "borg"},
       "give exactly one of --samples FILE and --trace"},
      {"no input", {}, "give exactly one of --samples FILE and --trace"},
      {"no series left", {"--samples", good, "--series", "x/y"}, "no series left to replay"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<std::string> args = {"vpa", "evaluate"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    Result r = RunVpa(args);
    EXPECT_EQ(2, r.exit_code);
    EXPECT_NE(std::string::npos, r.err.find(c.error)) << r.err;
  }
}

}  // namespace
}  // namespace crescendo::cli
