// End-to-end tests of `crescendo run` on the embedded simulator.
#include "cli/run_command.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crescendo/cli/cli.h"
#include "crescendo/engine/strategies.h"
#include "crescendo/sim/runner.h"

namespace crescendo::cli {
namespace {

RunOptions Options(uint64_t seed, const std::string& strategy) {
  RunOptions o;
  o.duration = std::chrono::hours(48);
  o.interval = std::chrono::seconds(30);
  o.seed = seed;
  o.strategy = strategy;
  return o;
}

class RunEndToEndTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RunEndToEndTest, ReplicasStayWithinBoundsAndFollowThePeak) {
  RunOptions o = Options(7, GetParam());
  StatusOr<RunSummary> summary = RunOnSimulator(o, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_EQ(summary->ticks, 48 * 120);
  sim::ScenarioSpec scenario = sim::MusicStreamingScenario(7, Timestamp{});
  ASSERT_EQ(summary->services.size(), scenario.services.size());
  ASSERT_GE(scenario.services.size(), 3u);
  for (size_t s = 0; s < scenario.services.size(); ++s) {
    const HorizontalSpec& spec = scenario.services[s].horizontal;
    const std::vector<int32_t>& replicas = summary->replicas[s];
    const std::vector<double>& load = summary->load_rps[s];
    SCOPED_TRACE(scenario.services[s].id.ToString());
    // Never outside [min, max].
    EXPECT_GE(*std::min_element(replicas.begin(), replicas.end()), spec.min_replicas);
    EXPECT_LE(*std::max_element(replicas.begin(), replicas.end()), spec.max_replicas);
    // Within 20 ticks (10 minutes) of the peak load, replicas reach 90% of their maximum.
    size_t peak = static_cast<size_t>(std::max_element(load.begin(), load.end()) - load.begin());
    int32_t overall_max = *std::max_element(replicas.begin(), replicas.end());
    size_t end = std::min(replicas.size(), peak + 21);
    int32_t near_peak = *std::max_element(replicas.begin() + static_cast<long>(peak),
                                          replicas.begin() + static_cast<long>(end));
    // They carry the peak load at the pods' capacity.
    EXPECT_GE(near_peak, std::ceil(load[peak] / scenario.services[s].pod.capacity_rps))
        << "peak at tick " << peak;
    // A reactive strategy runs its most replicas at the peak; a predictive one may hold more
    // earlier (ahead of a rise, or after a surprise), so only the reactive ones are held to it.
    if (GetParam() != "predictive") {
      EXPECT_GE(near_peak, 0.9 * overall_max) << "peak at tick " << peak;
    }
    // At the quietest hour of the second day, fewer replicas run than at the peak.
    size_t day2 = replicas.size() / 2;
    size_t trough = static_cast<size_t>(
        std::min_element(load.begin() + static_cast<long>(day2), load.end()) - load.begin());
    EXPECT_LT(replicas[trough], near_peak) << "trough at tick " << trough;
    // Load is served most of the time.
    EXPECT_LT(summary->services[s].seconds_over_target, 0.1 * 48 * 3600);
  }
}

INSTANTIATE_TEST_SUITE_P(Strategies, RunEndToEndTest,
                         ::testing::Values("target-utilization", "kubernetes", "predictive"));

// `crescendo run` and `crescendo simulate` drive the same Engine over the same simulated cluster:
// on one world (the generated scenario, one seed) each strategy makes the same decisions either
// way, service by service (scaling actions, pod-seconds, the replica range, OOM kills).
class RunSimulateParityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RunSimulateParityTest, SameWorldSameDecisions) {
  RunOptions o = Options(5, GetParam());
  o.duration = std::chrono::hours(12);
  StatusOr<RunSummary> run = RunOnSimulator(o, nullptr);
  ASSERT_TRUE(run.ok()) << run.status().ToString();

  const Timestamp start = FromUnixSeconds(1795392000);  // run's scenario start
  std::vector<sim::SimService> services = sim::ServicesOf(sim::MusicStreamingScenario(5, start));
  sim::SimulationOptions options;
  options.start = start;
  options.end = start + o.duration;
  options.interval = o.interval;
  options.seed = 5;
  options.strategies = {GetParam()};
  options.resolve = StrategiesForName;
  StatusOr<sim::SimulationResult> simulated =
      sim::RunSimulation(services, options, NewHorizontalStrategy);
  ASSERT_TRUE(simulated.ok()) << simulated.status().ToString();
  const sim::StrategyResult& r = simulated->strategies[0];
  ASSERT_EQ(r.services.size(), run->services.size());
  int64_t actions = 0;
  for (size_t i = 0; i < r.services.size(); ++i) {
    SCOPED_TRACE(r.services[i].id.ToString());
    const sim::ServiceStats& a = run->services[i];
    const sim::ServiceOutcome& b = r.services[i];
    EXPECT_EQ(a.scaling_actions, b.outcome.scaling_actions);
    EXPECT_NEAR(a.pod_hours * 3600, b.outcome.pod_seconds, 1e-6 * b.outcome.pod_seconds);
    EXPECT_EQ(a.max_replicas, b.max_replicas);
    EXPECT_EQ(a.oom_kills, b.outcome.oom_kills);
    actions += b.outcome.scaling_actions;
  }
  EXPECT_GT(actions, 20);  // the day makes both scale, not a trivially idle world
}

INSTANTIATE_TEST_SUITE_P(Strategies, RunSimulateParityTest,
                         ::testing::Values("kubernetes", "predictive"));

TEST(RunTest, SameSeedSameResultOtherSeedOtherResult) {
  RunOptions o = Options(11, "kubernetes");
  o.duration = std::chrono::hours(12);
  auto a = RunOnSimulator(o, nullptr);
  auto b = RunOnSimulator(o, nullptr);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(SummaryJson(*a), SummaryJson(*b));
  EXPECT_EQ(a->replicas, b->replicas);
  o.seed = 12;
  auto c = RunOnSimulator(o, nullptr);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->load_rps, c->load_rps);
}

struct CliCase {
  std::vector<const char*> args;
  const char* env_interval;  // SCALING_INTERVAL, or nullptr
  int want_exit;
  const char* want_text;  // expected in stdout (exit 0) or stderr (otherwise)
};

class RunCliTest : public ::testing::TestWithParam<CliCase> {};

TEST_P(RunCliTest, ExitCodeAndMessage) {
  const CliCase& c = GetParam();
  if (c.env_interval) {
    setenv("SCALING_INTERVAL", c.env_interval, 1);
  } else {
    unsetenv("SCALING_INTERVAL");
  }
  std::vector<const char*> argv = {"crescendo"};
  argv.insert(argv.end(), c.args.begin(), c.args.end());
  std::ostringstream out, err;
  int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
  unsetenv("SCALING_INTERVAL");
  EXPECT_EQ(code, c.want_exit) << out.str() << err.str();
  const std::string& text = c.want_exit == 0 ? out.str() : err.str();
  EXPECT_NE(text.find(c.want_text), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, RunCliTest,
    ::testing::Values(
        CliCase{{"run", "--duration", "2h", "--no-progress"}, nullptr, 0, "240 ticks of 30s"},
        CliCase{{"run", "--duration", "2h", "--no-progress"}, "1m", 0, "120 ticks of 1m0s"},
        CliCase{{"run", "--duration", "2h", "--interval", "15s", "--no-progress"},
                "1m",
                0,
                "480 ticks of 15s"},
        CliCase{{"run", "--duration", "2h", "--no-progress"}, "fast", 2, "SCALING_INTERVAL"},
        CliCase{{"run", "--duration", "2 days", "--no-progress"}, nullptr, 2, "--duration"},
        CliCase{{"run", "--interval", "0s", "--no-progress"}, nullptr, 2, "--interval"},
        CliCase{{"run", "--strategy", "psychic", "--no-progress"},
                nullptr,
                2,
                "unknown strategy \"psychic\""},
        CliCase{{"run", "--backend", "mesos"}, nullptr, 2, "--backend"},
        CliCase{{"frobnicate"}, nullptr, 2, "frobnicate"},
        CliCase{{"run", "--duration", "1h", "--no-progress", "--metrics-listen", "999.1.1.1:x"},
                nullptr,
                2,
                "--metrics-listen"}));

TEST(RunCliMetricsTest, WritesOwnMetrics) {
  std::string path = ::testing::TempDir() + "/crescendo-run-metrics.txt";
  std::vector<const char*> argv = {"crescendo",     "run",           "--duration", "1h",
                                   "--no-progress", "--metrics-out", path.c_str()};
  std::ostringstream out, err;
  ASSERT_EQ(RunCli(static_cast<int>(argv.size()), argv.data(), out, err), 0) << err.str();
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("crescendo_tick_duration_seconds_count 120"), std::string::npos) << text;
  EXPECT_NE(text.find("crescendo_decisions_total"), std::string::npos) << text;
}

}  // namespace
}  // namespace crescendo::cli

namespace crescendo::cli {
namespace {

std::string SourceDir() {
  const char* dir = std::getenv("CRESCENDO_SOURCE_DIR");
  return dir ? dir : ".";
}

TEST(RunConfigTest, RunsEachConfiguredServiceWithItsEffectiveSettings) {
  RunOptions o = Options(3, "kubernetes");
  o.duration = std::chrono::hours(6);
  o.config_paths = {SourceDir() + "/examples/config"};
  auto summary = RunOnSimulator(o, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_FALSE(summary->services.empty());
  for (size_t s = 0; s < summary->services.size(); ++s) {
    EXPECT_EQ(summary->services[s].id.environment, "prod");
    EXPECT_EQ(summary->replicas[s].size(), static_cast<size_t>(summary->ticks));
  }
  // public-api has minReplicas 4, maxReplicas 80 in prod
  // (examples/config/services/public-api.yaml).
  bool found = false;
  for (size_t s = 0; s < summary->services.size(); ++s) {
    if (summary->services[s].id.name != "public-api") continue;
    found = true;
    EXPECT_GE(*std::min_element(summary->replicas[s].begin(), summary->replicas[s].end()), 4);
    EXPECT_LE(*std::max_element(summary->replicas[s].begin(), summary->replicas[s].end()), 80);
  }
  EXPECT_TRUE(found);
}

TEST(RunConfigTest, InvalidConfigurationIsRejectedWithItsLocation) {
  std::string dir = ::testing::TempDir() + "/crescendo-bad-config";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/bad.yaml") << "services:\n  api:\n    horizontal:\n      minReplicas: 9\n"
                                      "      maxReplicas: 3\n";
  RunOptions o = Options(3, "kubernetes");
  o.config_paths = {dir};
  auto summary = RunOnSimulator(o, nullptr);
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.status().message().find("bad.yaml:"), std::string::npos)
      << summary.status().message();
}

TEST(RunConfigTest, HotReloadAppliesValidChangesAndKeepsTheLastValidOne) {
  namespace fs = std::filesystem;
  std::string dir = ::testing::TempDir() + "/crescendo-reload-config";
  fs::remove_all(dir);
  fs::copy(SourceDir() + "/examples/config", dir, fs::copy_options::recursive);
  std::string api = dir + "/services/public-api.yaml";
  std::ifstream in(api);
  std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string text = original;
    text.replace(text.find(from), from.size(), to);
    std::ofstream(api, std::ios::trunc) << text;
  };
  RunOptions o = Options(3, "kubernetes");
  o.duration = std::chrono::hours(2);
  o.config_paths = {dir};
  o.reload_every = 5;
  std::ostringstream log;
  o.log = &log;
  auto summary = RunOnSimulator(o, [&](int64_t k, int64_t) {
    if (k == 12) replace("maxReplicas: 80", "maxReplicas: 5");   // valid: applied
    if (k == 52) replace("maxReplicas: 80", "maxReplicas: -5");  // invalid: rejected
  });
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->config_reloads, 1) << log.str();
  EXPECT_EQ(summary->config_rejections, 1) << log.str();
  EXPECT_NE(log.str().find("public-api"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("keeping the last valid"), std::string::npos) << log.str();
  for (size_t s = 0; s < summary->services.size(); ++s) {
    if (summary->services[s].id.name != "public-api") continue;
    // From the tick after the reload on, maxReplicas 5 holds, also after the rejected change.
    for (size_t k = 16; k < summary->replicas[s].size(); ++k) {
      EXPECT_LE(summary->replicas[s][k], 5) << "tick " << k;
    }
  }
}

}  // namespace
}  // namespace crescendo::cli
