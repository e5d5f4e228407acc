#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/command.h"

namespace crescendo::cli {
namespace {

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

Result RunVpa(std::vector<std::string> args) {
  std::ostringstream out, err;
  CommandContext ctx{out, err};
  CLI::App app{"test", "crescendo"};
  RegisterVpaCommands(app, ctx);
  std::vector<const char*> argv = {"crescendo"};
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return {2, out.str(), e.what()};
  }
  return {ctx.exit_code, out.str(), err.str()};
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
                ":2: cpu: found \"x\", expected a finite number from 0 to 1e+06, or nothing\n",
            r.err);
  Result now =
      RunVpa({"vpa", "recommend", "--samples", Example("inference-samples.csv"), "--now", "soon"});
  EXPECT_EQ(2, now.exit_code);
  EXPECT_NE(std::string::npos, now.err.find("--now: found \"soon\"")) << now.err;
}

}  // namespace
}  // namespace crescendo::cli
