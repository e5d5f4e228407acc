// The client's pure parts: the token bucket, the backoff, Retry-After and Status mapping.
#include "kubernetes/api_client.h"

#include <gtest/gtest.h>

namespace crescendo::kubernetes {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(TokenBucketTest, AllowsABurstThenPacesAtQps) {
  const Timestamp t0 = FromUnixSeconds(1000);
  TokenBucket bucket(/*qps=*/10, /*burst=*/3, t0);
  struct Case {
    Duration at;     // since t0
    Duration ready;  // when the token may be used, since t0
  };
  const std::vector<Case> cases = {
      {milliseconds(0), milliseconds(0)},    // burst: 3 tokens
      {milliseconds(0), milliseconds(0)},    //
      {milliseconds(0), milliseconds(0)},    //
      {milliseconds(0), milliseconds(100)},  // empty: one token per 100 ms
      {milliseconds(0), milliseconds(200)},  //
      {seconds(2), seconds(2)},              // refilled (to the burst, not beyond)
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(bucket.Take(t0 + cases[i].at), t0 + cases[i].ready) << "case " << i;
  }
}

TEST(BackoffTest, DoublesUpToTheCapWithJitterAndHonoursRetryAfter) {
  struct Case {
    int attempt;
    double jitter;
    Duration retry_after;
    Duration want;
  };
  const Duration initial = milliseconds(100), max = seconds(10);
  const std::vector<Case> cases = {
      {1, 1.0, Duration(0), milliseconds(100)}, {2, 1.0, Duration(0), milliseconds(200)},
      {4, 1.0, Duration(0), milliseconds(800)}, {4, 0.5, Duration(0), milliseconds(400)},
      {20, 1.0, Duration(0), seconds(10)},      {20, 1.5, Duration(0), seconds(15)},
      {1, 1.0, seconds(3), seconds(3)},         {8, 1.0, seconds(3), seconds(10)},  // 12.8 s capped
  };
  for (const Case& c : cases) {
    EXPECT_EQ(BackoffDelay(c.attempt, initial, max, c.retry_after, c.jitter), c.want)
        << "attempt " << c.attempt << " jitter " << c.jitter;
  }
}

TEST(RetryAfterTest, ReadsDelaySecondsOnly) {
  EXPECT_EQ(ParseRetryAfter("3"), seconds(3));
  EXPECT_EQ(ParseRetryAfter(" 120 "), seconds(120));
  EXPECT_EQ(ParseRetryAfter(""), Duration(0));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), Duration(0));
  EXPECT_EQ(ParseRetryAfter("-1"), Duration(0));
}

TEST(StatusFromResponseTest, MapsTheApisStatusObjects) {
  struct Case {
    int code;
    std::string body;
    StatusCode want;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {409,
       R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Conflict",
           "message":"the object has been modified","code":409})",
       StatusCode::kAborted, "HTTP 409 Conflict: the object has been modified"},
      {410, R"({"kind":"Status","reason":"Expired","message":"too old resource version"})",
       StatusCode::kOutOfRange, "Expired"},
      {404, "404 page not found", StatusCode::kNotFound, "404 page not found"},
      {403, R"({"kind":"Status","reason":"Forbidden","message":"no"})",
       StatusCode::kPermissionDenied, "Forbidden"},
      {422, R"({"kind":"Status","reason":"Invalid","message":"bad"})", StatusCode::kInvalidArgument,
       "Invalid"},
      {429, "", StatusCode::kResourceExhausted, "HTTP 429"},
      {401, "", StatusCode::kUnauthenticated, "HTTP 401"},
      {503, "", StatusCode::kUnavailable, "HTTP 503"},
  };
  for (const Case& c : cases) {
    Status s = StatusFromResponse("PUT", "/x", {c.code, c.body, ""});
    EXPECT_EQ(s.code(), c.want) << c.code;
    EXPECT_NE(s.message().find(c.message_part), std::string::npos) << s.message();
    EXPECT_EQ(s.message().rfind("PUT /x: ", 0), 0u) << s.message();
  }
}

}  // namespace
}  // namespace crescendo::kubernetes
