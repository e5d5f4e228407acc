// `crescendo simulate` with the intelligent mode beside predictive: never worse on the SLO, and
// cheaper in CPU slack where the VPA may size CPU (the report's own figures).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/command_test_util.h"

namespace crescendo::cli {
namespace {

std::string SourcePath(const std::string& relative) {
  const char* source = std::getenv("CRESCENDO_SOURCE_DIR");
  return std::string(source ? source : ".") + "/" + relative;
}

// Returns ../shared/traces (or $CRESCENDO_SHARED_DIR/traces) as an absolute path (a scenario
// reads its traces relative to its own folder), or "" when absent.
std::string SharedTraces() {
  namespace fs = std::filesystem;
  const char* shared = std::getenv("CRESCENDO_SHARED_DIR");
  const fs::path dir =
      (shared != nullptr ? fs::path(shared) : fs::path(SourcePath("..")) / "shared") / "traces";
  return fs::is_directory(dir) ? fs::absolute(dir).lexically_normal().string() : "";
}

// Runs simulate over `input` (--scenario) for predictive and intelligent; returns the report.
nlohmann::json Simulate(const std::string& input, const std::string& name,
                        const std::string& seed = "") {
  const std::string json = ::testing::TempDir() + "intelligent_" + name + ".json";
  std::vector<std::string> args = {
      "simulate",      "--scenario", input, "--strategies", "predictive,intelligent",
      "--no-progress", "--json",     json};
  if (!seed.empty()) args.insert(args.end(), {"--seed", seed});
  testing::CommandResult r = testing::RunCommands({RegisterSimulateCommand}, args);
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
  // The service model's OOM kills (a container over its memory limit), which the vertical
  // summary does not count.
  EXPECT_LE(Strategy(report, "intelligent").at("oom_kills").get<double>(),
            Strategy(report, "predictive").at("oom_kills").get<double>());
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

// The held-back NASA-HTTP 1995 trace (Internet Traffic Archive; per-minute counts from Guruge &
// Priyadarshana, Front. Comput. Sci. 7:1509165, 2025), its first 14 days, behind the
// hpa-vpa-conflict pod: an HPA on CPU at 70% and a VPA on cpu and memory. Before the updater's
// choice left CPU out (src/vertical/intelligent/), intelligent lost pods' memory updates to
// CPU-only candidates here: on seeds 1 and 3, 13 and 20 OOM kills against predictive's 4 and 10,
// and 56,759 and 79,370 dropped requests against 22,481 and 55,593.
TEST(SimulateIntelligentTest, NasaWithVpaOnCpuNeverWorseThanPredictive) {
  const std::string traces = SharedTraces();
  if (traces.empty()) {
    GTEST_SKIP() << "\n\n*** ../shared/traces NOT FOUND (set CRESCENDO_SHARED_DIR): intelligent "
                    "NOT checked against predictive on the NASA trace ***\n";
  }
  const std::string scenario = ::testing::TempDir() + "intelligent_nasa.yaml";
  std::ofstream(scenario) << R"(name: nasa-vpa-cpu
duration: 336h
interval: 15s
services:
  - id: prod/nasa/web/ksc-www
    min_replicas: 2
    max_replicas: 40
    target_cpu_utilization: 70
    pod: {capacity_rps: 50, cpu_request: 1000m, memory_request: 1Gi, cpu_per_request_millis: 15,
          cpu_base_millis: 50, memory_base: 600Mi, memory_per_request: 4Mi, memory_limit: 1536Mi,
          service_time_ms: 80, workers: 8, startup: {distribution: normal, mean: 40s, spread: 10s}}
    vertical: {update_mode: Auto, controlled_resources: [cpu, memory]}
    load:
      trace: {path: ")" << traces
                          << R"(/nasa-http-1995-per-minute/nasa.csv", time_column: minute,
              value_column: count, peak_pods: 20}
)";
  for (const std::string seed : {"1", "3"}) {  // the seeds main failed on
    SCOPED_TRACE("seed " + seed);
    const nlohmann::json report = Simulate(scenario, "nasa" + seed, seed);
    ExpectSloNotWorse(report);
    EXPECT_LT(Strategy(report, "intelligent").at("vertical").at("cpu_slack").get<double>(),
              Strategy(report, "predictive").at("vertical").at("cpu_slack").get<double>());
  }
}

}  // namespace
}  // namespace crescendo::cli
