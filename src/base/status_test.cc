#include "crescendo/base/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace crescendo {
namespace {

struct CodeCase {
  Status status;
  StatusCode code;
  std::string name;
};

TEST(StatusTest, FactoriesSetTheCanonicalCodeAndName) {
  const std::vector<CodeCase> cases = {
      {Status::Ok(), StatusCode::kOk, "OK"},
      {InvalidArgumentError("m"), StatusCode::kInvalidArgument, "INVALID_ARGUMENT"},
      {NotFoundError("m"), StatusCode::kNotFound, "NOT_FOUND"},
      {UnavailableError("m"), StatusCode::kUnavailable, "UNAVAILABLE"},
      {DeadlineExceededError("m"), StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED"},
      {FailedPreconditionError("m"), StatusCode::kFailedPrecondition, "FAILED_PRECONDITION"},
      {OutOfRangeError("m"), StatusCode::kOutOfRange, "OUT_OF_RANGE"},
      {InternalError("m"), StatusCode::kInternal, "INTERNAL"},
      {UnimplementedError("m"), StatusCode::kUnimplemented, "UNIMPLEMENTED"},
      {PermissionDeniedError("m"), StatusCode::kPermissionDenied, "PERMISSION_DENIED"},
      {UnauthenticatedError("m"), StatusCode::kUnauthenticated, "UNAUTHENTICATED"},
      {ResourceExhaustedError("m"), StatusCode::kResourceExhausted, "RESOURCE_EXHAUSTED"},
      {AlreadyExistsError("m"), StatusCode::kAlreadyExists, "ALREADY_EXISTS"},
      {DataLossError("m"), StatusCode::kDataLoss, "DATA_LOSS"},
      {Status(StatusCode::kCancelled, "m"), StatusCode::kCancelled, "CANCELLED"},
      {Status(StatusCode::kAborted, "m"), StatusCode::kAborted, "ABORTED"},
  };
  for (const CodeCase& c : cases) {
    EXPECT_EQ(c.status.code(), c.code) << c.name;
    EXPECT_EQ(StatusCodeName(c.code), c.name);
    EXPECT_EQ(c.status.ok(), c.code == StatusCode::kOk) << c.name;
    EXPECT_EQ(c.status.ToString(), c.code == StatusCode::kOk ? "OK" : c.name + ": m");
  }
  EXPECT_EQ(StatusCodeName(static_cast<StatusCode>(999)), "UNKNOWN");
}

TEST(StatusTest, DefaultIsOkWithAnEmptyMessage) {
  const Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status, Status::Ok());
}

struct ContextCase {
  Status status;
  std::string prefix;
  std::string want;  // ToString() after WithContext
};

TEST(StatusTest, WithContextPrefixesTheMessageAndKeepsOkOk) {
  const std::vector<ContextCase> cases = {
      {NotFoundError("metric cpu"), "workload prod/acme/web/api",
       "NOT_FOUND: workload prod/acme/web/api: metric cpu"},
      {InvalidArgumentError("bad"), "config.yaml:12", "INVALID_ARGUMENT: config.yaml:12: bad"},
      {InvalidArgumentError("bad").WithContext("b"), "a", "INVALID_ARGUMENT: a: b: bad"},
      {Status::Ok(), "ignored", "OK"},
  };
  for (const ContextCase& c : cases) {
    const Status got = c.status.WithContext(c.prefix);
    EXPECT_EQ(got.ToString(), c.want);
    EXPECT_EQ(got.code(), c.status.code());
  }
}

TEST(StatusTest, EqualityComparesCodeAndMessage) {
  EXPECT_EQ(NotFoundError("x"), NotFoundError("x"));
  EXPECT_FALSE(NotFoundError("x") == NotFoundError("y"));
  EXPECT_FALSE(NotFoundError("x") == UnavailableError("x"));
}

StatusOr<int> ParsePositive(int v) {
  if (v <= 0) return InvalidArgumentError("value " + std::to_string(v) + " is not positive");
  return v;
}

StatusOr<int> DoubledPositive(int v) {
  CRESCENDO_ASSIGN_OR_RETURN(int parsed, ParsePositive(v));
  return parsed * 2;
}

Status CheckBoth(int a, int b) {
  CRESCENDO_RETURN_IF_ERROR(ParsePositive(a).status());
  CRESCENDO_RETURN_IF_ERROR(ParsePositive(b).status());
  return Status::Ok();
}

struct MacroCase {
  int a;
  int b;
  std::string want;  // CheckBoth(a, b).ToString()
};

TEST(StatusMacrosTest, ReturnIfErrorStopsAtTheFirstFailure) {
  const std::vector<MacroCase> cases = {
      {1, 2, "OK"},
      {0, 2, "INVALID_ARGUMENT: value 0 is not positive"},
      {3, -1, "INVALID_ARGUMENT: value -1 is not positive"},
      {-5, -6, "INVALID_ARGUMENT: value -5 is not positive"},
  };
  for (const MacroCase& c : cases) EXPECT_EQ(CheckBoth(c.a, c.b).ToString(), c.want);
}

TEST(StatusMacrosTest, AssignOrReturnMovesTheValueOrReturnsTheStatus) {
  StatusOr<int> ok = DoubledPositive(21);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 42);
  StatusOr<int> bad = DoubledPositive(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "INVALID_ARGUMENT: value -1 is not positive");
}

TEST(StatusOrTest, HoldsAValueOrAnError) {
  StatusOr<std::string> value = std::string("250m");
  ASSERT_TRUE(value.ok());
  EXPECT_TRUE(value.status().ok());
  EXPECT_EQ(*value, "250m");
  EXPECT_EQ(value->size(), 4u);
  EXPECT_EQ(value.value_or("fallback"), "250m");

  StatusOr<std::string> error = NotFoundError("no such metric");
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status(), NotFoundError("no such metric"));
  EXPECT_EQ(error.value_or("fallback"), "fallback");
}

TEST(StatusOrTest, MovesMoveOnlyValuesOut) {
  StatusOr<std::unique_ptr<int>> owned = std::make_unique<int>(7);
  ASSERT_TRUE(owned.ok());
  std::unique_ptr<int> taken = std::move(owned).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 7);
}

TEST(StatusOrTest, ConvertsFromAConstructibleValue) {
  StatusOr<std::string> from_literal = "1Gi";  // const char* -> std::string
  ASSERT_TRUE(from_literal.ok());
  EXPECT_EQ(*from_literal, "1Gi");
  StatusOr<std::vector<int>> from_vector = std::vector<int>{1, 2, 3};
  ASSERT_TRUE(from_vector.ok());
  EXPECT_EQ(from_vector->size(), 3u);
}

struct OkArgumentCase {
  std::string name;
  StatusOr<std::string> made;
};

TEST(StatusOrTest, AnOkStatusArgumentBecomesAnInternalErrorThatSaysWhy) {
  const Status ok_status;
  const std::vector<OkArgumentCase> cases = {
      {"Status::Ok()", Status::Ok()},
      {"a default Status", Status()},
      {"an OK lvalue", ok_status},
      {"an OK WithContext", Status::Ok().WithContext("ignored")},
  };
  for (const OkArgumentCase& c : cases) {
    EXPECT_FALSE(c.made.ok()) << c.name;
    EXPECT_EQ(c.made.status(), InternalError("StatusOr constructed from an OK status")) << c.name;
    EXPECT_EQ(c.made.value_or("fallback"), "fallback") << c.name;
  }
}

struct ErrorArgumentCase {
  Status status;
  std::string want;  // status().ToString()
};

TEST(StatusOrTest, KeepsANonOkStatusArgumentAsGiven) {
  const std::vector<ErrorArgumentCase> cases = {
      {NotFoundError("metric cpu"), "NOT_FOUND: metric cpu"},
      {InternalError(""), "INTERNAL: "},
      {Status(StatusCode::kCancelled, "stop"), "CANCELLED: stop"},
      {UnavailableError("down").WithContext("prometheus"), "UNAVAILABLE: prometheus: down"},
  };
  for (const ErrorArgumentCase& c : cases) {
    const StatusOr<int> made = c.status;
    EXPECT_FALSE(made.ok());
    EXPECT_EQ(made.status(), c.status);
    EXPECT_EQ(made.status().ToString(), c.want);
  }
}

// Every way of reading the value of an error: each aborts and prints the status to stderr.
TEST(StatusOrDeathTest, ReadingTheValueOfAnErrorAbortsAndPrintsTheStatus) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  StatusOr<std::string> error = NotFoundError("no metric cpu for shop/web");
  const StatusOr<std::string>& const_error = error;
  const std::string want =
      R"re(StatusOr::value\(\) called on an error: NOT_FOUND: no metric cpu)re";
  EXPECT_DEATH((void)error.value(), want);
  EXPECT_DEATH((void)const_error.value(), want);
  EXPECT_DEATH((void)std::move(error).value(), want);
  EXPECT_DEATH((void)*error, want);
  EXPECT_DEATH((void)*const_error, want);
  EXPECT_DEATH((void)error->size(), want);
  EXPECT_DEATH((void)const_error->size(), want);
  StatusOr<std::unique_ptr<int>> owned = DeadlineExceededError("slow");
  EXPECT_DEATH((void)std::move(owned).value(), "called on an error: DEADLINE_EXCEEDED: slow");
}

TEST(StatusOrDeathTest, ReadingTheValueOfAnOkStatusArgumentAbortsAndSaysWhy) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  StatusOr<int> made = Status::Ok();
  EXPECT_DEATH((void)made.value(),
               "called on an error: INTERNAL: StatusOr constructed from an OK status");
}

}  // namespace
}  // namespace crescendo
