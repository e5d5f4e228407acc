// `crescendo simulate` with the intelligent mode beside predictive: never worse on the SLO, and
// cheaper in CPU slack where the VPA may size CPU (the report's own figures).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command.h"
#include "cli/command_test_util.h"

namespace crescendo::cli {
namespace {

std::string SourcePath(const std::string& relative) {
  const char* source = std::getenv("CRESCENDO_SOURCE_DIR");
  return std::string(source ? source : ".") + "/" + relative;
}

// Runs simulate over `input` (--scenario) for predictive and intelligent; returns the report.
nlohmann::json Simulate(const std::string& input, const std::string& name) {
  const std::string json = ::testing::TempDir() + "intelligent_" + name + ".json";
  testing::CommandResult r = testing::RunCommands(
      {RegisterSimulateCommand}, {"simulate", "--scenario", input, "--strategies",
                                  "predictive,intelligent", "--no-progress", "--json", json});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(json);
  return nlohmann::json::parse(in);
}

const nlohmann::json& Strategy(const nlohmann::json& report, const std::string& name) {
  for (const nlohmann::json& s : report.at("strategies")) {
    if (s.at("name") == name) return s;
  }
  ADD_FAILURE() << name << " missing from the report";
  return report;
}

void ExpectSloNotWorse(const nlohmann::json& report) {
  const nlohmann::json& p = Strategy(report, "predictive").at("sla");
  const nlohmann::json& i = Strategy(report, "intelligent").at("sla");
  EXPECT_LE(i.at("violation_seconds").get<double>(), p.at("violation_seconds").get<double>());
  EXPECT_LE(i.at("p95_latency_ms").get<double>(), p.at("p95_latency_ms").get<double>() + 1e-9);
  EXPECT_LE(i.at("dropped_requests").get<double>(), p.at("dropped_requests").get<double>());
  EXPECT_LE(Strategy(report, "intelligent").at("vertical").at("oom_kills").get<double>(),
            Strategy(report, "predictive").at("vertical").at("oom_kills").get<double>());
}

// The built-in scenario: every service's VPA controls memory only, so CPU stays the HPA's and
// the joint choice has no size to set: the decisions must be predictive's.
TEST(SimulateIntelligentTest, MusicStreamingNeverWorseThanPredictive) {
  const nlohmann::json report = Simulate("music-streaming", "music");
  ExpectSloNotWorse(report);
  EXPECT_LE(Strategy(report, "intelligent").at("pod_seconds").get<double>(),
            Strategy(report, "predictive").at("pod_seconds").get<double>());
}

// An HPA on CPU beside a VPA that controls CPU: the joint size cuts CPU slack at the same SLO.
TEST(SimulateIntelligentTest, HpaVpaConflictCheaperAtTheSameSlo) {
  const nlohmann::json report =
      Simulate(SourcePath("examples/scenarios/hpa-vpa-conflict.yaml"), "conflict");
  ExpectSloNotWorse(report);
  const double predictive =
      Strategy(report, "predictive").at("vertical").at("cpu_slack").get<double>();
  const double intelligent =
      Strategy(report, "intelligent").at("vertical").at("cpu_slack").get<double>();
  EXPECT_LT(intelligent, predictive * 0.95);
  EXPECT_LE(Strategy(report, "intelligent").at("pod_seconds").get<double>(),
            Strategy(report, "predictive").at("pod_seconds").get<double>());
}

}  // namespace
}  // namespace crescendo::cli
