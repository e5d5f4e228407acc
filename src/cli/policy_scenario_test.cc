// The policies scenario of docs/policies.md, "In the simulator": examples/policies/release-day
// run for 40 days from 2027-03-15 (Europe/Paris), across the spring-forward change of 2027-03-28
// and the month boundary. Checks, from the run's JSON and its replicas per tick, that the budget
// is never exceeded, that the protected SLO floor is never cut, and that the release-Friday
// floor holds in each of its windows and acts only there, in Paris local time on both sides of
// the change.
#include <cctz/civil_time.h>
#include <cctz/time_zone.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "cli/command.h"
#include "cli/command_test_util.h"
#include "cli/run_command.h"

namespace crescendo::cli {
namespace {

using Json = nlohmann::json;

// The scenario's configured values (examples/policies/release-day/services.yaml).
constexpr int32_t kReleaseFloor = 20;  // release-friday: minReplicas
constexpr int kReleaseHour = 18;       // release-friday: "0 18 * * fri", duration 6h
constexpr int32_t kSloFloor = 4;       // p95-latency: floor, protected
constexpr Duration kInterval = std::chrono::minutes(5);

std::string SourceDir() {
  const char* dir = std::getenv("CRESCENDO_SOURCE_DIR");
  return dir ? dir : ".";
}

cctz::time_zone Paris() {
  cctz::time_zone zone;
  EXPECT_TRUE(cctz::load_time_zone("Europe/Paris", &zone));
  return zone;
}

cctz::civil_second Local(Timestamp t, const cctz::time_zone& zone) {
  return cctz::convert(std::chrono::floor<std::chrono::seconds>(t), zone);
}

// Whether `t` lies in a release window: a Friday from 18:00 to midnight, Paris time.
bool InReleaseWindow(Timestamp t, const cctz::time_zone& zone) {
  cctz::civil_second local = Local(t, zone);
  return cctz::get_weekday(cctz::civil_day(local)) == cctz::weekday::friday &&
         local.hour() >= kReleaseHour;
}

Timestamp Parse(const std::string& text) {
  StatusOr<Timestamp> t = ParseRfc3339(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.value_or(Timestamp{});
}

// The entry of `object` whose key starts with `prefix` ("name@").
const Json& Starting(const Json& object, const std::string& prefix) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it.key().rfind(prefix, 0) == 0) return it.value();
  }
  static const Json kNone = Json::array();
  ADD_FAILURE() << "no entry " << prefix << " in " << object.dump();
  return kNone;
}

class ReleaseDayScenarioTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    RunOptions o;
    o.config_paths = {SourceDir() + "/examples/policies/release-day"};
    o.start = Parse("2027-03-15T00:00:00+01:00");
    o.duration = std::chrono::hours(40 * 24);
    o.interval = kInterval;
    o.seed = 1;
    StatusOr<RunSummary> run = RunOnSimulator(o, nullptr);
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    summary_ = new RunSummary(*std::move(run));
    json_ = new Json(Json::parse(SummaryJson(*summary_)));
  }
  static void TearDownTestSuite() {
    delete summary_;
    delete json_;
  }

  // The replicas of service `name` after each tick.
  static const std::vector<int32_t>& Replicas(const std::string& name) {
    for (size_t s = 0; s < summary_->services.size(); ++s) {
      if (summary_->services[s].id.name == name) return summary_->replicas[s];
    }
    static const std::vector<int32_t> kNone;
    ADD_FAILURE() << "no service " << name;
    return kNone;
  }
  static Timestamp TickTime(size_t k) { return summary_->start + kInterval * (k + 1); }

  static RunSummary* summary_;
  static Json* json_;
};

RunSummary* ReleaseDayScenarioTest::summary_ = nullptr;
Json* ReleaseDayScenarioTest::json_ = nullptr;

TEST_F(ReleaseDayScenarioTest, TheBudgetRunsOutMidMonthAndIsNeverExceeded) {
  const Json& budgets = json_->at("budgets");
  ASSERT_EQ(budgets.size(), 1u);
  const Json& b = budgets[0];
  EXPECT_EQ(b["currency"], "EUR");
  const double amount = b["amount"].get<double>();
  ASSERT_GT(amount, 0);
  EXPECT_LE(b["max_spent"].get<double>(), amount);
  std::set<std::string> events;
  double last = 0;
  for (const Json& s : b["samples"]) {
    const std::string event = s["event"];
    events.insert(event);
    const double spent = s["spent"].get<double>();
    EXPECT_LE(spent, amount) << s.dump();
    if (event == "reset") {
      // The period starts at midnight, Paris time, on the first of the month: 22:00Z in summer.
      EXPECT_EQ(s["time"], "2027-03-31T22:00:00Z");
      EXPECT_LT(spent, last);
    } else if (event == "exhausted") {
      cctz::civil_second local = Local(Parse(s["time"]), Paris());
      EXPECT_EQ(local.month(), 4);
      EXPECT_GE(local.day(), 10) << "not mid-month: " << s.dump();
      EXPECT_LE(local.day(), 20) << "not mid-month: " << s.dump();
      EXPECT_GT(spent, 0);
    } else if (event != "period_end") {
      EXPECT_GE(spent, last) << "spending within a period never falls: " << s.dump();
    }
    last = spent;
  }
  EXPECT_EQ(events,
            (std::set<std::string>{"start", "day", "period_end", "reset", "exhausted", "end"}));
  // From its exhaustion on, the budget cut every decision it saw (the campaign asks for more).
  const Json& cuts = Starting(json_->at("policy_timeline"), "monthly@");
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_GT(cuts[0]["ticks"].get<int64_t>(), 24 * 12);
  EXPECT_LT(cuts[0]["after"].get<double>(), cuts[0]["before"].get<double>());
}

TEST_F(ReleaseDayScenarioTest, TheProtectedSloFloorIsNeverCut) {
  const std::vector<int32_t>& replicas = Replicas("recommendations");
  ASSERT_EQ(replicas.size(), static_cast<size_t>(summary_->ticks));
  for (size_t k = 0; k < replicas.size(); ++k) {
    ASSERT_GE(replicas[k], kSloFloor) << "tick " << k;
  }
  // The budget's cuts never went below the floor either.
  for (const Json& run : Starting(json_->at("policy_timeline"), "monthly@")) {
    EXPECT_GE(run["after"].get<double>(), kSloFloor) << run.dump();
  }
  // The objective acted (raising the replicas on latency) in this run.
  EXPECT_FALSE(Starting(json_->at("policy_timeline"), "p95-latency@").empty());
}

TEST_F(ReleaseDayScenarioTest, TheReleaseFloorHoldsInItsWindowsOnly) {
  const cctz::time_zone paris = Paris();
  const std::vector<int32_t>& replicas = Replicas("audio-analysis");
  ASSERT_EQ(replicas.size(), static_cast<size_t>(summary_->ticks));
  int64_t window_ticks = 0;
  for (size_t k = 0; k < replicas.size(); ++k) {
    if (!InReleaseWindow(TickTime(k), paris)) continue;
    ++window_ticks;
    EXPECT_GE(replicas[k], kReleaseFloor) << FormatRfc3339(TickTime(k));
  }
  EXPECT_EQ(window_ticks, 6 * 6 * 12);  // six Fridays in 40 days, 6 h of 5-minute ticks
  // Every run of ticks in which the schedule acted lies inside one window.
  std::set<std::string> opened;
  for (const Json& run : Starting(json_->at("policy_timeline"), "release-friday@")) {
    const Timestamp from = Parse(run["from"]), to = Parse(run["to"]);
    EXPECT_TRUE(InReleaseWindow(from, paris)) << run.dump();
    EXPECT_TRUE(InReleaseWindow(to, paris)) << run.dump();
    EXPECT_EQ(cctz::civil_day(Local(from, paris)), cctz::civil_day(Local(to, paris)));
    EXPECT_EQ(run["ticks"].get<int64_t>(), (to - from) / kInterval + 1);
    opened.insert(run["from"].get<std::string>());
  }
  // 18:00 in Paris is 17:00Z before the change of 2027-03-28 and 16:00Z after it; the floor
  // acted from the window's first tick (18:00) on both sides.
  EXPECT_TRUE(opened.count("2027-03-26T17:00:00Z")) << json_->at("policy_timeline").dump();
  EXPECT_TRUE(opened.count("2027-04-02T16:00:00Z")) << json_->at("policy_timeline").dump();
  EXPECT_EQ(opened.size(), 6u);
}

// The same scenario in `crescendo simulate --config`: the same engine, policies and load, each
// strategy on its own simulated cluster; read back from the command's JSON.
class ReleaseDaySimulateTest : public ReleaseDayScenarioTest {
 protected:
  static void SetUpTestSuite() {
    ReleaseDayScenarioTest::SetUpTestSuite();
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("release_day_simulate_" + std::to_string(::getpid()) + ".json"))
                                 .string();
    testing::CommandResult r = testing::RunCommands(
        {RegisterSimulateCommand},
        {"simulate", "--config", SourceDir() + "/examples/policies/release-day", "--start",
         "2027-03-15T00:00:00+01:00", "--duration", "960h", "--no-progress", "--json", path});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    output_ = new std::string(r.out);
    std::ifstream in(path);
    simulated_ = new Json(Json::parse(in));
    std::filesystem::remove(path);
  }
  static void TearDownTestSuite() {
    ReleaseDayScenarioTest::TearDownTestSuite();
    delete simulated_;
    delete output_;
  }
  static const Json& Strategy() { return simulated_->at("strategies").at(0); }

  static Json* simulated_;
  static std::string* output_;
};

Json* ReleaseDaySimulateTest::simulated_ = nullptr;
std::string* ReleaseDaySimulateTest::output_ = nullptr;

TEST_F(ReleaseDaySimulateTest, RunsEachServiceInItsModeWithItsPolicies) {
  EXPECT_EQ(Strategy()["name"], "configured");
  EXPECT_EQ(simulated_->at("trace")["interval_seconds"], 300.0);  // the configuration's tick
  EXPECT_EQ(simulated_->at("trace")["ticks"], 40 * 24 * 12);
  // The policies changed the same decisions as in `crescendo run` (same engine and load).
  EXPECT_EQ(Strategy()["policy_actions"], json_->at("policy_actions"));
  EXPECT_NE(output_->find("policy release-friday@"), std::string::npos) << *output_;
  EXPECT_NE(output_->find("budget monthly@"), std::string::npos) << *output_;
}

TEST_F(ReleaseDaySimulateTest, TheBudgetIsNeverExceededAndTheSloFloorNeverCut) {
  const Json& budgets = Strategy()["budgets"];
  ASSERT_EQ(budgets.size(), 1u);
  const double amount = budgets[0]["amount"].get<double>();
  EXPECT_LE(budgets[0]["max_spent"].get<double>(), amount);
  std::set<std::string> events;
  for (const Json& sample : budgets[0]["samples"]) {
    EXPECT_LE(sample["spent"].get<double>(), amount) << sample.dump();
    events.insert(sample["event"].get<std::string>());
    if (sample["event"] == "reset") {
      EXPECT_EQ(sample["time"], "2027-03-31T22:00:00Z");
    }
  }
  EXPECT_TRUE(events.count("exhausted"));
  for (const Json& run : Starting(Strategy()["policy_timeline"], "monthly@")) {
    EXPECT_GE(run["after"].get<double>(), kSloFloor) << run.dump();
  }
  EXPECT_FALSE(Starting(Strategy()["policy_timeline"], "p95-latency@").empty());
  // The simulated cluster never held fewer pods than the protected floor.
  bool found = false;
  for (const Json& service : Strategy()["services"]) {
    if (service["id"] != "prod/freebird/freebird/recommendations") continue;
    found = true;
    EXPECT_GE(service["min_pods"].get<int32_t>(), kSloFloor) << service.dump();
  }
  EXPECT_TRUE(found);
}

TEST_F(ReleaseDaySimulateTest, TheSchedulesActInTheirWindowsOnlyAcrossTheChange) {
  const cctz::time_zone paris = Paris();
  std::set<std::string> opened;
  for (const Json& run : Starting(Strategy()["policy_timeline"], "release-friday@")) {
    const Timestamp from = Parse(run["from"]), to = Parse(run["to"]);
    EXPECT_TRUE(InReleaseWindow(from, paris)) << run.dump();
    EXPECT_TRUE(InReleaseWindow(to, paris)) << run.dump();
    EXPECT_EQ(run["ticks"], 6 * 12) << "the floor held through the window: " << run.dump();
    EXPECT_EQ(run["after"].get<double>(), kReleaseFloor) << run.dump();
    opened.insert(run["from"].get<std::string>());
  }
  EXPECT_EQ(opened.size(), 6u);
  EXPECT_TRUE(opened.count("2027-03-26T17:00:00Z"));  // 18:00 Paris before the change
  EXPECT_TRUE(opened.count("2027-04-02T16:00:00Z"));  // and after it
  // The nightly freeze acts only for the two hours of elapsed time from 02:00 Paris time; on the
  // spring-forward night 02:00 does not exist and the window opens at the change (01:00Z), as
  // docs/policies.md says.
  int64_t freezes = 0;
  for (const Json& run : Starting(Strategy()["policy_timeline"], "nightly-import@")) {
    const Timestamp from = Parse(run["from"]), to = Parse(run["to"]);
    const cctz::civil_day day(Local(from, paris));
    const cctz::time_zone::civil_lookup at =
        paris.lookup(cctz::civil_second(day.year(), day.month(), day.day(), 2, 0, 0));
    const auto opens = at.kind == cctz::time_zone::civil_lookup::SKIPPED ? at.trans : at.pre;
    const Timestamp open(std::chrono::duration_cast<Duration>(opens.time_since_epoch()));
    EXPECT_GE(from, open) << run.dump();
    EXPECT_LT(to, open + std::chrono::hours(2)) << run.dump();
    ++freezes;
  }
  EXPECT_GT(freezes, 30);
}

struct StartCase {
  std::vector<std::string> args;
  int exit_code;
  std::string message;  // in stderr
};

class RunStartFlagTest : public ::testing::TestWithParam<StartCase> {};

TEST_P(RunStartFlagTest, ExitCodeAndMessage) {
  std::vector<std::string> args = {"run", "--no-progress", "--duration", "1h", "--interval", "5m"};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  testing::CommandResult r = testing::RunCommands({RegisterRunCommand}, args);
  EXPECT_EQ(r.exit_code, GetParam().exit_code) << r.err;
  EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Table, RunStartFlagTest,
    ::testing::Values(
        StartCase{{"--start", "2027-03-28T01:00:00+01:00"}, 0, ""},
        StartCase{{"--start", "2027-03-28 01:00"}, 2, "--start"},
        StartCase{{"--start", "1969-12-31T23:00:00Z"}, 2, "from 1970-01-01T00:00:00Z on"},
        StartCase{{"--start", "2199-12-31T23:30:00Z"}, 2, "before 2200-01-01T00:00:00Z"},
        StartCase{{"--backend", "kubernetes", "--start", "2027-03-15T00:00:00Z"},
                  2,
                  "only with the simulator backend"},
        // The shard flags share a replica's work on a cluster; the simulator has none to share.
        StartCase{{"--lease-namespace", "crescendo"}, 2, "--lease-namespace needs --backend"},
        StartCase{
            {"--shard-lock", "postgresql://127.0.0.1:1/x"}, 2, "--shard-lock needs --backend"},
        StartCase{{"--backend", "kubernetes", "--shard-lock", "postgresql://127.0.0.1:1/x",
                   "--lease-namespace", "crescendo"},
                  2,
                  "are exclusive"}));

TEST(RunStartTest, TheStartMovesTheClockAndACheckpointKeepsItsRunsStart) {
  RunOptions o;
  o.duration = std::chrono::hours(2);
  o.interval = kInterval;
  o.start = Parse("2027-03-15T00:00:00+01:00");
  StatusOr<RunSummary> whole = RunOnSimulator(o, nullptr);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(Json::parse(SummaryJson(*whole))["start"], "2027-03-14T23:00:00Z");
  // Half the run with a checkpoint, then the rest resumed with another --start: the checkpoint's
  // start wins, so the resumed run ends as the whole one did.
  const std::string path =
      (std::filesystem::temp_directory_path() / "policy_scenario_test.ckpt").string();
  std::filesystem::remove(path);
  RunOptions first = o;
  first.duration = std::chrono::hours(1);
  first.checkpoint_path = path;
  ASSERT_TRUE(RunOnSimulator(first, nullptr).ok());
  RunOptions rest = o;
  rest.checkpoint_path = path;
  rest.start = Parse("2030-01-01T00:00:00Z");
  StatusOr<RunSummary> resumed = RunOnSimulator(rest, nullptr);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->start, whole->start);
  EXPECT_EQ(resumed->decisions_digest, whole->decisions_digest);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace crescendo::cli
