#include "crescendo/policy/expr.h"

#include <gtest/gtest.h>

namespace crescendo::policy {
namespace {

ExprEnvironment Env() {
  ExprEnvironment env;
  env.metrics = {"audio_queue_length", "latency_p95", "cpu"};
  env.budgets = {"monthly"};
  return env;
}

// One fixed context: 2026-03-29T00:30:00Z, a Sunday, the night Paris moves to summer time.
struct Fixture {
  WorkloadId id{"prod", "acme", "audio", "player"};
  HorizontalSpec spec;
  std::vector<NamedValue> metrics{{"audio_queue_length", 420}, {"latency_p95", 180.5}};
  std::vector<NamedValue> forecast{{"audio_queue_length", 900}};
  std::vector<NamedValue> spent{{"monthly", 1200}};
  std::map<std::string, std::string> labels{{"team", "audio"}};
  Proposal proposal;
  PolicyContext ctx;
  Fixture() {
    proposal.current_replicas = 4;
    proposal.desired_replicas = 6;
    proposal.pod_requests = Resources{500, 1 << 30};
    ctx.workload = &id;
    ctx.spec = &spec;
    ctx.now = ParseRfc3339("2026-03-29T00:30:00Z").value();
    ctx.metrics = metrics;
    ctx.forecast = forecast;
    ctx.spent = spent;
    ctx.tier = "premium";
    ctx.priority = 700;
    ctx.labels = &labels;
  }
};

struct SyntaxCase {
  const char* text;
  int line;
  int column;
  const char* message;  // a substring of the error
};

class ExprErrorTest : public ::testing::TestWithParam<SyntaxCase> {};

TEST_P(ExprErrorTest, ReportsFirstProblemWithPosition) {
  const SyntaxCase& c = GetParam();
  std::vector<ExprError> errors;
  EXPECT_FALSE(Expression::Compile(c.text, Env(), errors).has_value());
  ASSERT_FALSE(errors.empty()) << c.text;
  EXPECT_EQ(errors[0].line, c.line) << errors[0].ToString();
  EXPECT_EQ(errors[0].column, c.column) << errors[0].ToString();
  EXPECT_NE(errors[0].message.find(c.message), std::string::npos) << errors[0].ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Parse, ExprErrorTest,
    ::testing::Values(SyntaxCase{"", 1, 1, "empty expression"},
                      SyntaxCase{"1 +", 1, 4, "expected a value, found end of expression"},
                      SyntaxCase{"(1 + 2", 1, 7, "expected ')'"},
                      SyntaxCase{"1 ? 2", 1, 6, "expected ':'"},
                      SyntaxCase{"proposal.replicas $ 2", 1, 19, "unexpected character '$'"},
                      SyntaxCase{"\"open", 1, 1, "unterminated string"},
                      SyntaxCase{"1 2", 1, 3, "unexpected number"},
                      SyntaxCase{"3u", 1, 1, "unsigned integers are not supported"},
                      SyntaxCase{"if > 2", 1, 1, "reserved word"},
                      SyntaxCase{"99999999999999999999", 1, 1, "out of the int range"},
                      SyntaxCase{"proposal.", 1, 10, "expected a field or function name"},
                      SyntaxCase{"1 +\n  * 2", 2, 3, "expected a value"}));

INSTANTIATE_TEST_SUITE_P(
    Types, ExprErrorTest,
    ::testing::Values(
        SyntaxCase{"metrics.nope > 1", 1, 9, "unknown metric \"nope\""},
        SyntaxCase{"forecast.nope", 1, 10, "unknown metric \"nope\""},
        SyntaxCase{"proposal.size", 1, 10, "unknown field \"size\" of proposal"},
        SyntaxCase{"tenant.plan == 'x'", 1, 8, "unknown field \"plan\" of tenant"},
        SyntaxCase{"replicas + 1", 1, 1, "unknown variable \"replicas\""},
        SyntaxCase{"metrics + 1", 1, 1, "\"metrics\" is a group of values"},
        SyntaxCase{"proposal.replicas + true", 1, 19, "no operator '+' for int and bool"},
        SyntaxCase{"tenant.tier > 3", 1, 13, "no operator '>' for string and int"},
        SyntaxCase{"proposal.replicas ? 1 : 2", 1, 10, "the condition of '?:' is a int"},
        SyntaxCase{"true ? 1 : 'x'", 1, 6, "branches of '?:' are a int and a string"},
        SyntaxCase{"!proposal.replicas", 1, 1, "'!' of a int"},
        SyntaxCase{"-tenant.tier", 1, 1, "'-' of a string"},
        SyntaxCase{"metrics.cpu % 2", 1, 13, "no operator '%' for double and int"},
        SyntaxCase{"1 && true", 1, 3, "no operator '&&' for int and bool"},
        SyntaxCase{"'a' + 'b'", 1, 5, "string concatenation is not supported"},
        SyntaxCase{"int('5')", 1, 5, "int(): found string"},
        SyntaxCase{"min()", 1, 1, "min() takes 1 to 32 arguments, found 0"},
        SyntaxCase{"max(1, 'a')", 1, 8, "max(): found string, expected int or double"},
        SyntaxCase{"sqrt(4.0)", 1, 1, "unknown function \"sqrt\""},
        SyntaxCase{"time.now.getHours('Mars/Olympus')", 1, 19, "unknown time zone"},
        SyntaxCase{"time.now.getHours(tenant.tier)", 1, 26, "must be a string literal"},
        SyntaxCase{"proposal.replicas.getHours()", 1, 10, "expected a timestamp receiver"},
        SyntaxCase{"getHours(time.now)", 1, 1, "is called on a value"},
        SyntaxCase{"time.now.int()", 1, 10, "is a global function"},
        SyntaxCase{"has(proposal.replicas)", 1, 14, "always present"},
        SyntaxCase{"has(1)", 1, 1, "has() takes one field selection"},
        SyntaxCase{"spent.daily > 1.0", 1, 7, "unknown budget \"daily\""},
        SyntaxCase{"service.labels > 1", 1, 9, "service.labels is a map"},
        SyntaxCase{"proposal.replicas.x", 1, 19, "fields exist only on the variables"}));

TEST(ExprCheckTest, ReportsEveryTypeErrorAtOnce) {
  std::vector<ExprError> errors;
  EXPECT_FALSE(Expression::Compile("metrics.a + metrics.b > tenant.x", Env(), errors));
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].column, 9);
  EXPECT_EQ(errors[1].column, 21);
  EXPECT_EQ(errors[2].column, 32);
}

TEST(ExprLimitTest, RejectsTooDeepTooLargeTooLong) {
  ExprLimits limits;
  limits.max_depth = 4;
  limits.max_nodes = 10;
  limits.max_length = 40;
  struct Case {
    std::string text;
    const char* message;
  } cases[] = {{"((((((1))))))", "nested deeper than 4 levels"},
               {"1+1+1+1+1+1+1", "larger than 10 nodes"},
               {std::string(41, '1'), "41 characters; the limit is 40"}};
  for (const Case& c : cases) {
    std::vector<ExprError> errors;
    EXPECT_FALSE(Expression::Compile(c.text, Env(), errors, limits).has_value()) << c.text;
    ASSERT_EQ(errors.size(), 1u) << c.text;
    EXPECT_NE(errors[0].message.find(c.message), std::string::npos) << errors[0].message;
  }
}

struct EvalCase {
  const char* text;
  const char* want;  // ExprValue::ToString(), or "error: <substring>"
};

class ExprEvalTest : public ::testing::TestWithParam<EvalCase> {};

TEST_P(ExprEvalTest, Evaluates) {
  const EvalCase& c = GetParam();
  Fixture f;
  std::vector<ExprError> errors;
  std::optional<Expression> e = Expression::Compile(c.text, Env(), errors);
  ASSERT_TRUE(e.has_value()) << c.text << ": " << errors[0].ToString();
  StatusOr<ExprValue> v = e->Evaluate(f.proposal, f.ctx);
  std::string want = c.want;
  if (want.rfind("error: ", 0) == 0) {
    ASSERT_FALSE(v.ok()) << c.text << " = " << v->ToString();
    EXPECT_NE(v.status().message().find(want.substr(7)), std::string::npos)
        << v.status().ToString();
  } else {
    ASSERT_TRUE(v.ok()) << c.text << ": " << v.status().ToString();
    EXPECT_EQ(v->ToString(), want) << c.text;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ExprEvalTest,
    ::testing::Values(
        // The example: 420 / 50 = 8.4 > 6, so int(8.4) = 8.
        EvalCase{"metrics.audio_queue_length / 50 > proposal.replicas ? "
                 "int(metrics.audio_queue_length / 50) : proposal.replicas",
                 "8"},
        EvalCase{"1 + 2 * 3 - 4", "3"}, EvalCase{"(1 + 2) * 3", "9"}, EvalCase{"7 / 2", "3"},
        EvalCase{"-7 / 2", "-3"}, EvalCase{"-7 % 3", "-1"}, EvalCase{"7 / 2.0", "3.5"},
        EvalCase{"1.0 / 0.0 > 1e308", "true"}, EvalCase{"0x10 + 1", "17"},
        EvalCase{"2.5e1", "25.0"}, EvalCase{"--3", "3"}, EvalCase{"!!true", "true"},
        EvalCase{"1 < 1.5", "true"}, EvalCase{"2 == 2.0", "true"},
        EvalCase{"'abc' < 'abd'", "true"}, EvalCase{"false < true", "true"},
        EvalCase{"true ? 1 : 2.5", "1.0"}, EvalCase{"false ? 1 : true ? 2 : 3", "2"},
        EvalCase{"int(-2.7)", "-2"}, EvalCase{"int(2.7)", "2"}, EvalCase{"double(3)", "3.0"},
        EvalCase{"min(5, 3, 9)", "3"}, EvalCase{"max(5, 3.5)", "5.0"}, EvalCase{"abs(-4)", "4"},
        EvalCase{"ceil(2.1)", "3.0"}, EvalCase{"floor(-2.1)", "-3.0"},
        EvalCase{"round(2.5)", "3.0"}, EvalCase{"proposal.replicas", "6"},
        EvalCase{"current.replicas", "4"}, EvalCase{"proposal.cpu", "500.0"},
        EvalCase{"proposal.memory / 1048576.0", "1024.0"}, EvalCase{"has(current.cpu)", "false"},
        EvalCase{"has(proposal.cpu)", "true"}, EvalCase{"forecast.audio_queue_length", "900.0"},
        EvalCase{"spent.monthly", "1200.0"}, EvalCase{"tenant.tier", "\"premium\""},
        EvalCase{"tenant.name", "\"acme\""}, EvalCase{"service.name", "\"player\""},
        EvalCase{"service.namespace == 'audio'", "true"},
        EvalCase{"service.environment", "\"prod\""}, EvalCase{"service.priority", "700"},
        EvalCase{"service.labels.team", "\"audio\""},
        EvalCase{"has(service.labels.owner)", "false"},
        EvalCase{"tenant.tier.startsWith('pre')", "true"},
        EvalCase{"tenant.tier.endsWith('um')", "true"},
        EvalCase{"tenant.tier.contains('emi')", "true"},
        // Time: 00:30 UTC on Sunday 29 March 2026; Paris is at 01:30 (CET) then, and New York
        // at 20:30 on Saturday 28 March (EDT since 8 March).
        EvalCase{"time.hour", "0"}, EvalCase{"time.minute", "30"}, EvalCase{"time.weekday", "0"},
        EvalCase{"time.day", "29"}, EvalCase{"time.month", "3"}, EvalCase{"time.year", "2026"},
        EvalCase{"time.now.getHours('Europe/Paris')", "1"},
        EvalCase{"time.now.getHours('America/New_York')", "20"},
        EvalCase{"time.now.getDayOfWeek('America/New_York')", "6"},
        EvalCase{"time.now.getDate('America/New_York')", "28"},
        EvalCase{"time.now.getMonth()", "2"}, EvalCase{"time.now.getFullYear()", "2026"},
        EvalCase{"time.now.getMinutes('Asia/Kolkata')", "0"},
        EvalCase{"int(time.now)", "1774744200"},
        // Missing data and run-time errors.
        EvalCase{"metrics.cpu > 1.0", "error: no such key: metrics.cpu"},
        EvalCase{"has(metrics.cpu) ? metrics.cpu : 0.0", "0.0"},
        EvalCase{"has(metrics.latency_p95) && metrics.latency_p95 > 100.0", "true"},
        EvalCase{"1 / (proposal.replicas - 6)", "error: division by zero"},
        EvalCase{"5 % 0", "error: modulus by zero"},
        EvalCase{"9223372036854775807 + 1", "error: int overflow"},
        EvalCase{"-9223372036854775808 - 1", "error: int overflow"},
        EvalCase{"-9223372036854775808 / -1", "error: int overflow"},
        EvalCase{"abs(-9223372036854775808)", "error: int overflow"},
        EvalCase{"int(1e19)", "error: out of the int range"},
        // CEL's commutative logic: a false (or true) side wins over an error on either side.
        EvalCase{"metrics.cpu > 1.0 && false", "false"},
        EvalCase{"false && metrics.cpu > 1.0", "false"},
        EvalCase{"metrics.cpu > 1.0 || true", "true"},
        EvalCase{"metrics.cpu > 1.0 || false", "error: no such key"},
        EvalCase{"metrics.cpu > 1.0 && true", "error: no such key"}));

TEST(ExprCostTest, StepBudgetStopsEvaluation) {
  ExprLimits limits;
  limits.max_steps = 5;
  Fixture f;
  std::vector<ExprError> errors;
  std::optional<Expression> small = Expression::Compile("1 + 2", Env(), errors, limits);
  std::optional<Expression> big = Expression::Compile("1 + 2 + 3 + 4", Env(), errors, limits);
  ASSERT_TRUE(small && big);
  EXPECT_TRUE(small->Evaluate(f.proposal, f.ctx).ok());
  StatusOr<ExprValue> v = big->Evaluate(f.proposal, f.ctx);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(v.status().message().find("more than 5 evaluation steps"), std::string::npos);
}

TEST(ExprTypeTest, ResultTypes) {
  struct Case {
    const char* text;
    ExprType want;
  } cases[] = {{"1", ExprType::kInt},
               {"1 + 2.0", ExprType::kDouble},
               {"1 < 2", ExprType::kBool},
               {"tenant.tier", ExprType::kString},
               {"time.now", ExprType::kTimestamp},
               {"max(1, 2)", ExprType::kInt},
               {"true ? 1 : 2.0", ExprType::kDouble}};
  for (const Case& c : cases) {
    std::vector<ExprError> errors;
    std::optional<Expression> e = Expression::Compile(c.text, Env(), errors);
    ASSERT_TRUE(e) << c.text;
    EXPECT_EQ(e->type(), c.want) << c.text;
  }
}

}  // namespace
}  // namespace crescendo::policy
