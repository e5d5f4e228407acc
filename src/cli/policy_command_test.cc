#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "cli/command_test_util.h"

namespace crescendo::cli {
namespace {

using Result = testing::CommandResult;

Result RunPolicy(const std::vector<std::string>& args) {
  return testing::RunCommands({&RegisterPolicyCommands, &RegisterConfigCommands}, args);
}

std::string Source(const std::string& relative) {
  const char* source = std::getenv("CRESCENDO_SOURCE_DIR");
  return std::string(source ? source : ".") + "/" + relative;
}

std::string TempFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

struct EvalCase {
  const char* name;
  std::string input;
  int32_t replicas;
  std::vector<std::string> policies;  // the trace's policies, in order
};

TEST(PolicyEvalTest, EvaluatesTheExamples) {
  EvalCase cases[] = {
      {"release_friday",
       "examples/policies/release-friday.json",
       20,
       {"queue-formula", "release-friday"}},
      {"budget_exhausted", "examples/policies/budget-exhausted.json", 5, {"monthly"}},
      {"latency_burn", "examples/policies/latency-burn.json", 12, {"p95-latency"}},
  };
  for (const EvalCase& c : cases) {
    Result r = RunPolicy({"policy", "eval", "--config", Source("examples/policies/config"),
                          "--input", Source(c.input), "--ignore-env"});
    ASSERT_EQ(r.exit_code, 0) << c.name << ": " << r.err;
    nlohmann::json out = nlohmann::json::parse(r.out);
    EXPECT_EQ(out["replicas"], c.replicas) << c.name;
    std::vector<std::string> policies;
    for (const auto& e : out["trace"]) {
      policies.push_back(e["policy"]);
      EXPECT_NE(e["source"].get<std::string>().find("services.yaml:"), std::string::npos);
      EXPECT_TRUE(e.contains("before") && e.contains("after") && e.contains("reason"));
    }
    EXPECT_EQ(policies, c.policies) << c.name;
  }
}

TEST(PolicyEvalTest, FreezeAndRateLimitWithHistory) {
  // 02:30 Paris (00:30Z in summer): the nightly import freezes scale-down.
  std::string input = TempFile("freeze.json", R"({
    "service": "audio-pipeline", "environment": "prod", "time": "2026-06-10T00:30:00Z",
    "proposal": {"replicas": 2}, "current": {"replicas": 9},
    "metrics": {"audio_queue_length": 10}})");
  Result r = RunPolicy({"policy", "eval", "--config", Source("examples/policies/config"), "--input",
                        input, "--ignore-env"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["replicas"], 9);
  // At noon the gentle rate limit allows 10% of 40 down from the window's highest count.
  input = TempFile("rate.json", R"({
    "service": "audio-pipeline", "environment": "prod", "time": "2026-06-10T12:00:00Z",
    "proposal": {"replicas": 2}, "current": {"replicas": 30},
    "history": [{"time": "2026-06-10T11:57:00Z", "replicas": 40},
                {"time": "2026-06-10T11:59:00Z", "replicas": 30}],
    "metrics": {"audio_queue_length": 10}})");
  r = RunPolicy({"policy", "eval", "--config", Source("examples/policies/config"), "--input", input,
                 "--ignore-env"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["replicas"], 30);
  EXPECT_EQ(out["trace"][0]["policy"], "gentle");
}

struct BadInput {
  const char* name;
  const char* json;
  const char* message;
};

TEST(PolicyEvalTest, RejectsBadInputNamingTheField) {
  BadInput cases[] = {
      {"not_json", "{", "not valid JSON"},
      {"no_time", R"({"service": "api", "environment": "prod", "proposal": {"replicas": 1},
        "current": {"replicas": 1}})",
       "time: found nothing, expected a string"},
      {"bad_time", R"({"service": "api", "environment": "prod", "time": "friday",
        "proposal": {"replicas": 1}, "current": {"replicas": 1}})",
       "time: found \"friday\", expected an RFC 3339 time"},
      {"negative", R"({"service": "api", "environment": "prod", "time": "2026-01-01T00:00:00Z",
        "proposal": {"replicas": -1}, "current": {"replicas": 1}})",
       "proposal.replicas: found -1"},
      {"bad_cpu", R"({"service": "api", "environment": "prod", "time": "2026-01-01T00:00:00Z",
        "proposal": {"replicas": 1, "cpu": "lots"}, "current": {"replicas": 1}})",
       "proposal.cpu: found \"lots\""},
      {"metric_text", R"({"service": "api", "environment": "prod", "time": "2026-01-01T00:00:00Z",
        "proposal": {"replicas": 1}, "current": {"replicas": 1}, "metrics": {"x": "high"}})",
       "metrics.x: found \"high\", expected a number"},
      {"unknown_field", R"({"service": "api", "environment": "prod", "time": "2026-01-01T00:00:00Z",
        "proposal": {"replicas": 1}, "current": {"replicas": 1}, "metric": {}})",
       "metric: found {}, expected no such field"},
      {"unknown_service", R"({"service": "nope", "environment": "prod",
        "time": "2026-01-01T00:00:00Z", "proposal": {"replicas": 1}, "current": {"replicas": 1}})",
       "no service \"nope\" in environment \"prod\""},
  };
  for (const BadInput& c : cases) {
    std::string input = TempFile(std::string(c.name) + ".json", c.json);
    Result r = RunPolicy({"policy", "eval", "--config", Source("examples/policies/config"),
                          "--input", input, "--ignore-env"});
    EXPECT_EQ(r.exit_code, 2) << c.name;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(input), std::string::npos) << c.name << ": " << r.err;
  }
}

TEST(PolicyValidateTest, ReportsEveryPolicyErrorAtOnceWithFileLineColumn) {
  std::string dir = ::testing::TempDir() + "policy-errors/";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "platform.yaml") << R"(global: {defaultTier: gold}
tiers: {gold: {priority: 500}}
environments: {prod: {}}
metrics:
  queue: {type: External, source: prom, query: q, unit: messages}
metricSources: {prom: {type: prometheus, url: "http://127.0.0.1:9090"}}
)";
  std::ofstream(dir + "services.yaml") << R"(services:
  api:
    policies:
      formula:
        kind: expression
        replicas: int(metrics.queue) + metrics.nope
      typed:
        kind: expression
        replicas: metrics.queue / 2
      never:
        kind: schedule
        timeZone: UTC
        windows:
          - {start: "0 0 31 2 *", duration: 1h, minReplicas: 3}
      release:
        kind: schedule
        timeZone: Europe/Paris
        windows:
          - {start: "0 18 * * 5", duration: 6h, minReplicas: 20}
      night:
        kind: schedule
        timeZone: UTC
        windows:
          - {start: "0 20 * * *", duration: 4h, maxReplicas: 5}
      money:
        kind: budget
        amount: 100
        period: day
        pricePerReplicaHour: 1
      latency:
        kind: slo
        metric: latency_p95
        objective: 200
)";
  Result r = RunPolicy({"config", "validate", dir, "--ignore-env"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const char* want[] = {
      "services.yaml:6:48: error: services.api.policies.formula.replicas: found at column 30 of "
      "the expression: unknown metric \"nope\"",
      "services.yaml:9:19: error: services.api.policies.typed.replicas: found an expression of "
      "type double",
      "services.yaml:14:21: error: services.api.policies.never.windows[0].start: found \"0 0 31 2 "
      "*\", a cron expression that never fires",
      "services.yaml:24:13: error: services.api.policies.night.windows[0]: found a window that "
      "overlaps services.api.policies.release.windows[0]",
      "services.yaml:26:9: error: services.api.policies.money: found a budget without currency",
      "services.yaml:32:17: error: services.api.policies.latency.metric: found unknown metric "
      "\"latency_p95\"",
  };
  EXPECT_NE(r.err.find("6 errors, 0 warnings"), std::string::npos) << r.err;
  for (const char* line : want)
    EXPECT_NE(r.err.find(line), std::string::npos) << line << "\n" << r.err;
}

}  // namespace
}  // namespace crescendo::cli
