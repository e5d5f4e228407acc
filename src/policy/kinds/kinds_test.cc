#include <gtest/gtest.h>

#include "crescendo/policy/registry.h"
#include "policy/spec_builders.h"

namespace crescendo::policy {
namespace {

using testing::L;
using testing::M;
using testing::S;
using testing::Spec;

BuildEnvironment Env() {
  BuildEnvironment env;
  env.metrics = {"latency_p95", "queue", "error_ratio"};
  env.budgets = {"monthly"};
  return env;
}

struct World {
  WorkloadId id{"prod", "acme", "audio", "player"};
  HorizontalSpec spec;
  std::vector<NamedValue> metrics;
  std::vector<NamedValue> spent;
  std::vector<ReplicaRecord> history;
  PolicyContext Context(std::string_view now) {
    spec.min_replicas = 1;
    spec.max_replicas = 1000;
    PolicyContext ctx;
    ctx.workload = &id;
    ctx.spec = &spec;
    ctx.now = ParseRfc3339(now).value();
    ctx.metrics = metrics;
    ctx.spent = spent;
    ctx.history = history;
    return ctx;
  }
};

Proposal Want(int32_t current, int32_t desired) {
  Proposal p;
  p.current_replicas = current;
  p.desired_replicas = desired;
  return p;
}

std::unique_ptr<Policy> Build(const PolicySpec& spec, const BuildEnvironment& env = Env()) {
  std::vector<SpecError> errors;
  std::unique_ptr<Policy> p = BuildPolicy(spec, env, errors);
  for (const SpecError& e : errors) {
    ADD_FAILURE() << e.location.ToString() << " " << e.path << ": " << e.found << " / "
                  << e.expected;
  }
  return p;
}

// ---- schedules, across the 2026 daylight-saving change in Paris (29 March) ----

struct ScheduleCase {
  const char* now;
  int32_t current, desired, want;
};

class ScheduleTest : public ::testing::TestWithParam<ScheduleCase> {};

TEST_P(ScheduleTest, FloorHoldsInItsWindowOnlyAcrossDst) {
  const ScheduleCase& c = GetParam();
  PolicySpec spec = Spec("release-friday", M({{"kind", S("schedule")},
                                              {"timeZone", S("Europe/Paris")},
                                              {"windows", L({M({{"start", S("0 18 * * fri")},
                                                                {"duration", S("6h")},
                                                                {"minReplicas", S("20")}})})}}));
  std::unique_ptr<Policy> policy = Build(spec);
  ASSERT_NE(policy, nullptr);
  World w;
  Proposal out = policy->Apply(Want(c.current, c.desired), w.Context(c.now));
  EXPECT_EQ(out.desired_replicas, c.want) << c.now;
  if (c.want != c.desired) {
    ASSERT_EQ(out.trace.size(), 1u);
    EXPECT_EQ(out.trace[0].step, "release-friday@policies.yaml:1");
    EXPECT_NE(out.trace[0].reason.find("floor 20"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ScheduleTest,
    ::testing::Values(
        // Friday 27 March: Paris on CET (UTC+1), 18:00 local is 17:00Z.
        ScheduleCase{"2026-03-27T16:59:00Z", 5, 5, 5},
        ScheduleCase{"2026-03-27T17:00:00Z", 5, 5, 20},
        ScheduleCase{"2026-03-27T22:59:00Z", 5, 5, 20},
        ScheduleCase{"2026-03-27T23:00:00Z", 5, 5, 5},
        // Friday 3 April: CEST (UTC+2), 18:00 local is 16:00Z.
        ScheduleCase{"2026-04-03T15:59:00Z", 5, 5, 5},
        ScheduleCase{"2026-04-03T16:00:00Z", 5, 5, 20},
        ScheduleCase{"2026-04-03T21:59:00Z", 5, 5, 20},
        ScheduleCase{"2026-04-03T22:00:00Z", 5, 5, 5},
        // A floor never lowers: 30 wanted stays 30; Thursday and Saturday are outside.
        ScheduleCase{"2026-04-03T18:00:00Z", 5, 30, 30},
        ScheduleCase{"2026-04-02T17:00:00Z", 5, 5, 5},
        ScheduleCase{"2026-04-04T17:00:00Z", 5, 5, 5},
        // Back to CET on 25 October 2026: Friday 30 October opens at 17:00Z again.
        ScheduleCase{"2026-10-30T16:30:00Z", 5, 5, 5},
        ScheduleCase{"2026-10-30T17:30:00Z", 5, 5, 20}));

TEST(ScheduleDstTest, SkippedLocalTimeOpensAtTheChange) {
  // 02:30 does not exist in Paris on 29 March 2026 (clocks go from 02:00 to 03:00 CET, 01:00Z).
  PolicySpec spec = Spec(
      "night",
      M({{"kind", S("schedule")},
         {"timeZone", S("Europe/Paris")},
         {"windows",
          L({M({{"start", S("30 2 * * *")}, {"duration", S("1h")}, {"freeze", S("true")}})})}}));
  std::unique_ptr<Policy> policy = Build(spec);
  ASSERT_NE(policy, nullptr);
  World w;
  struct Case {
    const char* now;
    int32_t want;
  } cases[] = {{"2026-03-29T00:59:00Z", 3},
               {"2026-03-29T01:00:00Z", 8},
               {"2026-03-29T01:59:00Z", 8},
               {"2026-03-29T02:00:00Z", 3},
               // The next day 02:30 CEST is 00:30Z.
               {"2026-03-30T00:29:00Z", 3},
               {"2026-03-30T00:30:00Z", 8}};
  for (const Case& c : cases) {
    EXPECT_EQ(policy->Apply(Want(8, 3), w.Context(c.now)).desired_replicas, c.want) << c.now;
  }
}

TEST(ScheduleKindsTest, CeilingFixedHoldAndFreeze) {
  World w;
  struct Case {
    const char* name;
    SpecNode window;
    int32_t current, desired, want;
  } cases[] = {
      {"ceiling", M({{"start", S("0 0 * * *")}, {"duration", S("24h")}, {"maxReplicas", S("4")}}),
       3, 9, 4},
      {"fixed", M({{"start", S("0 0 * * *")}, {"duration", S("24h")}, {"replicas", S("0")}}), 3, 9,
       0},
      {"hold", M({{"start", S("0 0 * * *")}, {"duration", S("24h")}, {"mode", S("hold")}}), 3, 9,
       3},
      {"freeze_down", M({{"start", S("0 0 * * *")}, {"duration", S("24h")}, {"freeze", S("true")}}),
       6, 2, 6},
      {"freeze_up", M({{"start", S("0 0 * * *")}, {"duration", S("24h")}, {"freeze", S("true")}}),
       6, 9, 9},
  };
  for (Case& c : cases) {
    PolicySpec spec = Spec(
        c.name, M({{"kind", S("schedule")}, {"timeZone", S("UTC")}, {"windows", L({c.window})}}));
    std::unique_ptr<Policy> policy = Build(spec);
    ASSERT_NE(policy, nullptr) << c.name;
    EXPECT_EQ(policy->Apply(Want(c.current, c.desired), w.Context("2026-05-05T12:00:00Z"))
                  .desired_replicas,
              c.want)
        << c.name;
  }
}

// ---- rate limits ----

struct RateCase {
  const char* name;
  int32_t current, desired, want;
  std::vector<std::pair<const char*, int32_t>> history;
};

class RateLimitTest : public ::testing::TestWithParam<RateCase> {};

TEST_P(RateLimitTest, LimitsPerDirection) {
  const RateCase& c = GetParam();
  PolicySpec spec = Spec(
      "rate", M({{"kind", S("rateLimit")},
                 {"scaleUp", M({{"pods", S("4")}, {"percent", S("100")}, {"window", S("1m")}})},
                 {"scaleDown", M({{"percent", S("10")}, {"window", S("5m")}})}}));
  std::unique_ptr<Policy> policy = Build(spec);
  ASSERT_NE(policy, nullptr);
  World w;
  for (auto [t, r] : c.history) w.history.push_back({ParseRfc3339(t).value(), r});
  Proposal out = policy->Apply(Want(c.current, c.desired), w.Context("2026-05-05T12:00:00Z"));
  EXPECT_EQ(out.desired_replicas, c.want) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Table, RateLimitTest,
    ::testing::Values(
        // up: max(4 pods, 100% of 3) = +4 -> 7
        RateCase{"up_pods_win", 3, 20, 7, {}},
        // up: max(4, 100% of 10) = +10 -> 20
        RateCase{"up_percent_wins", 10, 50, 20, {}}, RateCase{"up_within", 10, 12, 12, {}},
        // scaled 3 -> 7 thirty seconds ago: the window's lowest count is 3, so 7 is the limit.
        RateCase{"up_window_remembers",
                 7,
                 20,
                 7,
                 {{"2026-05-05T11:00:00Z", 3}, {"2026-05-05T11:59:30Z", 7}}},
        // the scale to 7 was 2 minutes ago, outside the 1m window: from 7, +7 -> 14.
        RateCase{"up_window_forgets",
                 7,
                 20,
                 14,
                 {{"2026-05-05T11:00:00Z", 3}, {"2026-05-05T11:58:00Z", 7}}},
        // down: 10% of 20 = 2 -> 18
        RateCase{"down_percent", 20, 5, 18, {}},
        // down: 10% of 5 is 0 (floor): no scale-down at all
        RateCase{"down_small", 5, 1, 5, {}},
        // highest count in the 5m window was 40: 40 - 4 = 36, but never above current 30
        RateCase{"down_window",
                 30,
                 10,
                 30,
                 {{"2026-05-05T11:57:00Z", 40}, {"2026-05-05T11:59:00Z", 30}}}));

// ---- SLO objectives ----

struct SloCase {
  const char* name;
  double latency;  // < 0: no value
  int32_t current, desired, want;
  const char* reason;
};

class SloTest : public ::testing::TestWithParam<SloCase> {};

TEST_P(SloTest, RaisesOnBurn) {
  const SloCase& c = GetParam();
  PolicySpec spec = Spec("p95", M({{"kind", S("slo")},
                                   {"metric", S("latency_p95")},
                                   {"objective", S("200")},
                                   {"burnRates", M({{"fast", S("2")}, {"slow", S("1.2")}})},
                                   {"floor", S("2")}}));
  std::unique_ptr<Policy> policy = Build(spec);
  ASSERT_NE(policy, nullptr);
  World w;
  if (c.latency >= 0) w.metrics.push_back({"latency_p95", c.latency});
  Proposal out = policy->Apply(Want(c.current, c.desired), w.Context("2026-05-05T12:00:00Z"));
  EXPECT_EQ(out.desired_replicas, c.want) << c.name;
  if (*c.reason != '\0') {
    ASSERT_FALSE(out.trace.empty()) << c.name;
    EXPECT_NE(out.trace.back().reason.find(c.reason), std::string::npos) << out.trace.back().reason;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, SloTest,
    ::testing::Values(
        SloCase{"below_headroom", 150, 4, 4, 4, ""},
        // 180 > 160 (80% of 200): ceil(4 × 180/160) = 5
        SloCase{"early", 180, 4, 4, 5, "burn rate 0.9"},
        // burn 1.25 >= slow 1.2: at least 1.5x -> 6; ratio gives ceil(4 × 250/160) = 7
        SloCase{"slow_burn", 250, 4, 4, 7, "slow burn"},
        // burn 2.5 >= fast 2: ratio ceil(4 × 500/160) = 13 > 8
        SloCase{"fast_burn", 500, 4, 4, 13, "fast burn"}, SloCase{"never_lowers", 180, 4, 9, 9, ""},
        SloCase{"no_data_floor_only", -1, 4, 1, 2, "floor 2"}));

// ---- budgets ----

struct BudgetCase {
  const char* name;
  const char* now;
  double spent;
  int32_t desired, want;
};

class BudgetTest : public ::testing::TestWithParam<BudgetCase> {};

TEST_P(BudgetTest, CapsAtWhatTheRestAffords) {
  const BudgetCase& c = GetParam();
  PolicySpec spec = Spec("monthly", M({{"kind", S("budget")},
                                       {"amount", S("3000")},
                                       {"currency", S("EUR")},
                                       {"period", S("month")},
                                       {"timeZone", S("UTC")},
                                       {"pricePerReplicaHour", S("0.5")}}));
  std::unique_ptr<Policy> policy = Build(spec);
  ASSERT_NE(policy, nullptr);
  World w;
  w.spent.push_back({"monthly", c.spent});
  Proposal out = policy->Apply(Want(4, c.desired), w.Context(c.now));
  EXPECT_EQ(out.desired_replicas, c.want) << c.name;
}

INSTANTIATE_TEST_SUITE_P(Table, BudgetTest,
                         ::testing::Values(
                             // 30 April 00:00Z: 24 h left; 600 left affords 600 / (0.5 × 24) = 50.
                             BudgetCase{"affords", "2026-04-30T00:00:00Z", 2400, 40, 40},
                             BudgetCase{"caps", "2026-04-30T00:00:00Z", 2400, 80, 50},
                             // 12 h left, 60 left: 60 / 6 = 10
                             BudgetCase{"caps_late", "2026-04-30T12:00:00Z", 2940, 80, 10},
                             BudgetCase{"exhausted", "2026-04-30T12:00:00Z", 3000, 80, 0},
                             BudgetCase{"overspent", "2026-04-30T12:00:00Z", 3500, 3, 0},
                             // 1 April: 720 h left, 3000 affords 3000 / 360 = 8
                             BudgetCase{"new_month", "2026-04-01T00:00:00Z", 0, 80, 8}));

// The engine keeps a budget's account with Accrue(): replica-hours at the price, reset when a
// new period starts in the budget's time zone, at the degraded price at the degraded size.
TEST(BudgetAccrueTest, SpendsReplicaHoursAndResetsEachPeriod) {
  PolicySpec spec = Spec(
      "daily",
      M({{"kind", S("budget")},
         {"amount", S("100")},
         {"currency", S("EUR")},
         {"period", S("day")},
         {"timeZone", S("Europe/Paris")},
         {"pricePerReplicaHour", S("0.5")},
         {"onExhausted", S("degrade")},
         {"degrade",
          M({{"pricePerReplicaHour", S("0.25")}, {"cpu", S("500m")}, {"memory", S("1Gi")}})}}));
  BuildEnvironment env = Env();
  env.budgets = {"daily"};
  std::unique_ptr<Policy> policy = Build(spec, env);
  ASSERT_NE(policy, nullptr);
  auto at = [](const char* t) { return ParseRfc3339(t).value(); };
  SpendAccount a;
  // 4 replicas for 2 h at 0.5: 4.
  ASSERT_TRUE(
      policy->Accrue(a, 4, std::nullopt, at("2026-06-10T08:00:00Z"), at("2026-06-10T10:00:00Z")));
  EXPECT_DOUBLE_EQ(a.spent, 4.0);
  EXPECT_EQ(a.period_start, at("2026-06-09T22:00:00Z"));  // midnight in Paris (UTC+2)
  // At the degraded size the price is 0.25: 4 replicas for 1 h add 1.
  ASSERT_TRUE(policy->Accrue(a, 4, Resources{500, int64_t{1} << 30}, at("2026-06-10T10:00:00Z"),
                             at("2026-06-10T11:00:00Z")));
  EXPECT_DOUBLE_EQ(a.spent, 5.0);
  // Across Paris midnight: only the part in the new day counts, from zero.
  ASSERT_TRUE(
      policy->Accrue(a, 2, std::nullopt, at("2026-06-10T21:00:00Z"), at("2026-06-10T23:00:00Z")));
  EXPECT_EQ(a.period_start, at("2026-06-10T22:00:00Z"));
  EXPECT_DOUBLE_EQ(a.spent, 1.0);
  // A policy without an account says so and leaves it alone.
  BoundsPolicy bounds;
  SpendAccount untouched{7, at("2026-06-10T22:00:00Z")};
  EXPECT_FALSE(bounds.Accrue(untouched, 3, std::nullopt, at("2026-06-10T23:00:00Z"),
                             at("2026-06-11T00:00:00Z")));
  EXPECT_EQ(untouched.spent, 7);
}

TEST(MetricsNamedTest, FindsCatalogueMetricsInParametersAndExpressions) {
  std::vector<PolicySpec> specs = {
      Spec("p95",
           M({{"kind", S("slo")}, {"metric", S("latency_p95_ms")}, {"objective", S("200")}})),
      Spec("queue", M({{"kind", S("expression")},
                       {"replicas", S("int(metrics.audio_queue_length / 50) + "
                                      "int(forecast.requests_per_second / 100)")},
                       {"when", S("mymetrics.unknown > 1")}}))};
  const std::vector<std::string> catalogue = {"audio_queue_length", "latency_p95_ms",
                                              "requests_per_second", "unused"};
  EXPECT_EQ(
      MetricsNamed(specs, catalogue),
      (std::vector<std::string>{"audio_queue_length", "latency_p95_ms", "requests_per_second"}));
}

TEST(BudgetDegradeTest, MovesToTheCheaperSizeThenCaps) {
  PolicySpec spec = Spec(
      "monthly",
      M({{"kind", S("budget")},
         {"amount", S("3000")},
         {"currency", S("EUR")},
         {"period", S("day")},
         {"pricePerReplicaHour", S("1")},
         {"onExhausted", S("degrade")},
         {"degrade",
          M({{"pricePerReplicaHour", S("0.25")}, {"cpu", S("250m")}, {"memory", S("512Mi")}})}}));
  std::unique_ptr<Policy> policy = Build(spec);
  ASSERT_NE(policy, nullptr);
  World w;
  w.spent.push_back({"monthly", 2900});
  // 10 h left in the day, 100 left: 10 replicas at 1/h, 40 at 0.25/h.
  Proposal out = policy->Apply(Want(4, 60), w.Context("2026-04-30T14:00:00Z"));
  EXPECT_EQ(out.desired_replicas, 40);
  ASSERT_TRUE(out.pod_requests.has_value());
  EXPECT_EQ(out.pod_requests->cpu_millis, 250);
  EXPECT_EQ(out.pod_requests->memory_bytes, 512 << 20);
}

// ---- expression rules ----

TEST(ExpressionRuleTest, AppliesTracesAndSurvivesErrors) {
  PolicySpec spec =
      Spec("queue", M({{"kind", S("expression")},
                       {"when", S("time.now.getHours('Europe/Paris') >= 8")},
                       {"replicas", S("metrics.queue / 50 > proposal.replicas ? "
                                      "int(metrics.queue / 50) : proposal.replicas")}}));
  std::unique_ptr<Policy> policy = Build(spec);
  ASSERT_NE(policy, nullptr);
  World w;
  w.metrics.push_back({"queue", 1000});
  Proposal out = policy->Apply(Want(4, 6), w.Context("2026-05-05T12:00:00Z"));
  EXPECT_EQ(out.desired_replicas, 20);
  ASSERT_EQ(out.trace.size(), 1u);
  EXPECT_EQ(out.trace[0].before, 6);
  EXPECT_EQ(out.trace[0].after, 20);
  // 05:00Z is 07:00 in Paris: the rule is off.
  EXPECT_EQ(policy->Apply(Want(4, 6), w.Context("2026-05-05T05:00:00Z")).desired_replicas, 6);
  // Without the metric: unchanged, with the reason traced.
  w.metrics.clear();
  out = policy->Apply(Want(4, 6), w.Context("2026-05-05T12:00:00Z"));
  EXPECT_EQ(out.desired_replicas, 6);
  ASSERT_EQ(out.trace.size(), 1u);
  EXPECT_NE(out.trace[0].reason.find("no such key: metrics.queue"), std::string::npos);
}

// ---- the conflict order ----

TEST(ConflictOrderTest, SafetyFloorsOverBudgetsOverPreferences) {
  std::vector<PolicySpec> specs;
  // Declared in reverse order on purpose: the chain orders them by stage.
  specs.push_back(Spec("max", M({{"kind", S("bounds")}, {"maxReplicas", S("30")}})));
  specs.push_back(Spec("p95", M({{"kind", S("slo")},
                                 {"metric", S("latency_p95")},
                                 {"objective", S("200")},
                                 {"floor", S("12")},
                                 {"protected", S("true")}})));
  specs.push_back(Spec("monthly", M({{"kind", S("budget")},
                                     {"amount", S("3000")},
                                     {"currency", S("EUR")},
                                     {"period", S("month")},
                                     {"pricePerReplicaHour", S("0.5")}})));
  specs.push_back(Spec("rate", M({{"kind", S("rateLimit")}, {"scaleUp", M({{"pods", S("40")}})}})));
  specs.push_back(Spec("queue", M({{"kind", S("expression")}, {"replicas", S("50")}})));
  std::vector<SpecError> errors;
  PolicyChain chain = BuildChain(specs, Env(), errors);
  ASSERT_TRUE(errors.empty()) << errors[0].found;
  World w;
  w.metrics.push_back({"latency_p95", 100});
  w.spent.push_back({"monthly", 2940});
  // 12 h left, 60 affords 10; the protected floor 12 wins over the budget; max 30 stays.
  Proposal out = chain.Apply(Want(8, 8), w.Context("2026-04-30T12:00:00Z"));
  EXPECT_EQ(out.desired_replicas, 12);
  std::vector<std::string> steps;
  for (const TraceEntry& e : out.trace) steps.push_back(e.step.substr(0, e.step.find('@')));
  EXPECT_EQ(steps, (std::vector<std::string>{"queue", "rate", "monthly", "p95"}));
  EXPECT_EQ(out.trace[0].after, 50);
  EXPECT_EQ(out.trace[1].after, 48);
  EXPECT_EQ(out.trace[2].after, 10);
  EXPECT_EQ(out.trace[3].after, 12);
  // The hard bound is last: a max below the protected floor wins.
  specs[0] = Spec("max", M({{"kind", S("bounds")}, {"maxReplicas", S("11")}}));
  PolicyChain capped = BuildChain(specs, Env(), errors);
  EXPECT_EQ(capped.Apply(Want(8, 8), w.Context("2026-04-30T12:00:00Z")).desired_replicas, 11);
}

// ---- validation ----

struct InvalidCase {
  const char* name;
  SpecNode params;
  const char* found;  // substring of the first error's `found` or `expected`
  int line;           // the first error's line
};

TEST(ValidationTest, ReportsEveryProblemWithItsPlace) {
  InvalidCase cases[] = {
      {"unknown_kind", M({{"kind", S("magic")}}), "one of bounds, budget, expression", 2},
      {"cron_never_fires",
       M({{"kind", S("schedule")},
          {"timeZone", S("UTC")},
          {"windows",
           L({M({{"start", S("0 0 30 2 *")}, {"duration", S("1h")}, {"minReplicas", S("3")}})})}}),
       "never fires", 6},
      {"cron_bad_field",
       M({{"kind", S("schedule")},
          {"timeZone", S("UTC")},
          {"windows",
           L({M({{"start", S("0 25 * * *")}, {"duration", S("1h")}, {"minReplicas", S("3")}})})}}),
       "cron hour field", 6},
      {"unknown_zone",
       M({{"kind", S("schedule")},
          {"timeZone", S("Europe/Atlantis")},
          {"windows",
           L({M({{"start", S("0 1 * * *")}, {"duration", S("1h")}, {"minReplicas", S("3")}})})}}),
       "IANA time zone", 3},
      {"budget_without_currency",
       M({{"kind", S("budget")},
          {"amount", S("3000")},
          {"period", S("month")},
          {"pricePerReplicaHour", S("1")}}),
       "a budget without currency", 1},
      {"budget_bad_currency",
       M({{"kind", S("budget")},
          {"amount", S("3000")},
          {"currency", S("euros")},
          {"period", S("month")},
          {"pricePerReplicaHour", S("1")}}),
       "ISO 4217", 4},
      {"slo_unknown_metric", M({{"kind", S("slo")}, {"metric", S("p99")}, {"objective", S("200")}}),
       "unknown metric \"p99\"", 3},
      {"expression_type", M({{"kind", S("expression")}, {"replicas", S("metrics.queue / 50")}}),
       "wrap it in int()", 3},
      {"expression_unknown_metric",
       M({{"kind", S("expression")}, {"replicas", S("int(metrics.nope)")}}),
       "at column 13 of the expression: unknown metric \"nope\"", 3},
      {"rate_empty", M({{"kind", S("rateLimit")}, {"scaleUp", M({{"window", S("1m")}})}}),
       "without pods or percent", 3},
      {"unknown_key", M({{"kind", S("bounds")}, {"maxReplica", S("3")}}),
       "unknown key \"maxReplica\"", 3},
  };
  for (InvalidCase& c : cases) {
    std::vector<SpecError> errors;
    PolicySpec spec = Spec(c.name, std::move(c.params));
    EXPECT_EQ(BuildPolicy(spec, Env(), errors), nullptr) << c.name;
    ASSERT_FALSE(errors.empty()) << c.name;
    std::string text = errors[0].found + " / " + errors[0].expected;
    EXPECT_NE(text.find(c.found), std::string::npos) << c.name << ": " << text;
    EXPECT_EQ(errors[0].location.line, c.line) << c.name << ": " << text;
  }
}

TEST(ValidationTest, ExpressionErrorColumnsPointIntoTheFile) {
  std::vector<SpecError> errors;
  PolicySpec spec = Spec("e", M({{"kind", S("expression")}, {"replicas", S("int(metrics.nope)")}}));
  BuildPolicy(spec, Env(), errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].location.ToString(), "policies.yaml:3:17");  // value at column 5, +12
}

TEST(ValidationTest, OverlappingSchedulesWithContradictingFloors) {
  std::vector<PolicySpec> specs;
  specs.push_back(Spec("release", M({{"kind", S("schedule")},
                                     {"timeZone", S("Europe/Paris")},
                                     {"windows", L({M({{"start", S("0 18 * * 5")},
                                                       {"duration", S("6h")},
                                                       {"minReplicas", S("20")}})})}})));
  specs.push_back(Spec(
      "night",
      M({{"kind", S("schedule")},
         {"timeZone", S("UTC")},
         {"windows",
          L({M({{"start", S("0 22 * * *")}, {"duration", S("4h")}, {"maxReplicas", S("5")}})})}})));
  std::vector<SpecError> errors;
  BuildChain(specs, Env(), errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].found.find("floor of 20 above a ceiling of 5"), std::string::npos)
      << errors[0].found;
  EXPECT_EQ(errors[0].path, "policies.night.windows[0]");
  // A night window that closes before the release window opens does not conflict.
  specs[1] = Spec(
      "night",
      M({{"kind", S("schedule")},
         {"timeZone", S("UTC")},
         {"windows",
          L({M({{"start", S("0 0 * * *")}, {"duration", S("4h")}, {"maxReplicas", S("5")}})})}}));
  errors.clear();
  BuildChain(specs, Env(), errors);
  EXPECT_TRUE(errors.empty()) << errors[0].found;
}

}  // namespace
}  // namespace crescendo::policy
