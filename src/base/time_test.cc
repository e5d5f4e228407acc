#include "crescendo/base/time.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

// Duration expectations ported from golang/go src/time/time_test.go (parseDurationTests,
// parseDurationErrorTests, durationTests, TestParseDurationRoundTrip). RFC 3339 expectations follow
// Go's time.Parse(time.RFC3339, ...) (src/time/format_rfc3339.go).

namespace crescendo {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kNs = 1;
constexpr int64_t kUs = 1000 * kNs;
constexpr int64_t kMs = 1000 * kUs;
constexpr int64_t kSec = 1000 * kMs;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kMaxNs = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinNs = std::numeric_limits<int64_t>::min();

struct ParseDurationCase {
  std::string input;
  int64_t want_ns;
};

TEST(ParseDurationTest, MatchesGoParseDurationTests) {
  const std::vector<ParseDurationCase> cases = {
      // simple
      {"0", 0},
      {"5s", 5 * kSec},
      {"30s", 30 * kSec},
      {"1478s", 1478 * kSec},
      // sign
      {"-5s", -5 * kSec},
      {"+5s", 5 * kSec},
      {"-0", 0},
      {"+0", 0},
      // decimal
      {"5.0s", 5 * kSec},
      {"5.6s", 5 * kSec + 600 * kMs},
      {"5.s", 5 * kSec},
      {".5s", 500 * kMs},
      {"1.0s", 1 * kSec},
      {"1.00s", 1 * kSec},
      {"1.004s", 1 * kSec + 4 * kMs},
      {"1.0040s", 1 * kSec + 4 * kMs},
      {"100.00100s", 100 * kSec + 1 * kMs},
      // different units
      {"10ns", 10 * kNs},
      {"11us", 11 * kUs},
      {"12\xC2\xB5s", 12 * kUs},  // U+00B5
      {"12\xCE\xBCs", 12 * kUs},  // U+03BC
      {"13ms", 13 * kMs},
      {"14s", 14 * kSec},
      {"15m", 15 * kMin},
      {"16h", 16 * kHour},
      // composite durations
      {"3h30m", 3 * kHour + 30 * kMin},
      {"10.5s4m", 4 * kMin + 10 * kSec + 500 * kMs},
      {"-2m3.4s", -(2 * kMin + 3 * kSec + 400 * kMs)},
      {"1h2m3s4ms5us6ns", 1 * kHour + 2 * kMin + 3 * kSec + 4 * kMs + 5 * kUs + 6 * kNs},
      {"39h9m14.425s", 39 * kHour + 9 * kMin + 14 * kSec + 425 * kMs},
      // large value
      {"52763797000ns", 52763797000 * kNs},
      // more than 9 digits after the decimal point (golang.org/issue/6617)
      {"0.3333333333333333333h", 20 * kMin},
      // 9007199254740993 = 1<<53 + 1 cannot be stored exactly in a float64
      {"9007199254740993ns", (int64_t{1} << 53) + 1},
      // largest duration that an int64 can hold
      {"9223372036854775807ns", kMaxNs},
      {"9223372036854775.807us", kMaxNs},
      {"9223372036s854ms775us807ns", kMaxNs},
      {"-9223372036854775808ns", kMinNs},
      {"-9223372036854775.808us", kMinNs},
      {"-9223372036s854ms775us808ns", kMinNs},
      // largest negative round trip value (golang.org/issue/48629)
      {"-2562047h47m16.854775808s", kMinNs},
      // huge string (golang.org/issue/15011)
      {"0.100000000000000000000h", 6 * kMin},
      // the first overflow check of leadingFraction
      {"0.830103483285477580700h", 49 * kMin + 48 * kSec + 372539827 * kNs},
  };
  for (const ParseDurationCase& c : cases) {
    StatusOr<Duration> got = ParseDuration(c.input);
    ASSERT_TRUE(got.ok()) << c.input << ": " << got.status().ToString();
    EXPECT_EQ(got->count(), c.want_ns) << c.input;
  }
}

struct DurationErrorCase {
  std::string input;
  StatusCode code;
  std::string reason;  // a fragment of the message
};

TEST(ParseDurationTest, RejectsGoParseDurationErrorTests) {
  const auto kInvalid = StatusCode::kInvalidArgument;
  const auto kOverflow = StatusCode::kOutOfRange;
  const std::vector<DurationErrorCase> cases = {
      // invalid
      {"", kInvalid, "empty"},
      {"3", kInvalid, "missing unit"},
      {"-", kInvalid, "empty"},
      {"s", kInvalid, "expected a number"},
      {".", kInvalid, "a number needs a digit"},
      {"-.", kInvalid, "a number needs a digit"},
      {".s", kInvalid, "a number needs a digit"},
      {"+.s", kInvalid, "a number needs a digit"},
      {"1d", kInvalid, "unknown unit \"d\""},
      {"\x85\x85", kInvalid, "expected a number"},
      {"\xff"
       "ff",
       kInvalid, "expected a number"},
      {"hello \xff"
       "ff world",
       kInvalid, "expected a number"},
      {"\xEF\xBF\xBD", kInvalid, "expected a number"},  // utf8.RuneError
      // overflow
      {"9223372036854775810ns", kOverflow, "overflows"},
      {"9223372036854775808ns", kOverflow, "overflows"},
      {"-9223372036854775809ns", kOverflow, "overflows"},
      {"9223372036854776us", kOverflow, "overflows"},
      {"3000000h", kOverflow, "overflows"},
      {"9223372036854775.808us", kOverflow, "overflows"},
      {"9223372036854ms775us808ns", kOverflow, "overflows"},
      // more
      {"1h 2m", kInvalid, "unknown unit \"h \""},
      {"1S", kInvalid, "unknown unit \"S\""},
      {"1.5.5s", kInvalid, "missing unit"},
      {"--1s", kInvalid, "expected a number"},
      {"99999999999999999999ns", kOverflow, "overflows"},
  };
  for (const DurationErrorCase& c : cases) {
    StatusOr<Duration> got = ParseDuration(c.input);
    ASSERT_FALSE(got.ok()) << c.input << " parsed as " << got->count();
    EXPECT_EQ(got.status().code(), c.code) << c.input;
    const std::string message = got.status().message();
    EXPECT_THAT(message, HasSubstr("invalid duration \"" + c.input + "\"")) << c.input;
    EXPECT_THAT(message, HasSubstr(c.reason)) << c.input;
  }
}

TEST(ParseDurationTest, InvalidInputSaysWhatIsExpected) {
  StatusOr<Duration> got = ParseDuration("1d");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(), HasSubstr("expected a Go duration such as \"30s\""));
}

struct FormatDurationCase {
  std::string want;
  int64_t ns;
};

TEST(FormatDurationTest, MatchesGoDurationTests) {
  const std::vector<FormatDurationCase> cases = {
      {"0s", 0},
      {"1ns", 1 * kNs},
      {"1.1\xC2\xB5s", 1100 * kNs},
      {"2.2ms", 2200 * kUs},
      {"3.3s", 3300 * kMs},
      {"4m5s", 4 * kMin + 5 * kSec},
      {"4m5.001s", 4 * kMin + 5001 * kMs},
      {"5h6m7.001s", 5 * kHour + 6 * kMin + 7001 * kMs},
      {"8m0.000000001s", 8 * kMin + 1 * kNs},
      {"2562047h47m16.854775807s", kMaxNs},
      {"-2562047h47m16.854775808s", kMinNs},
      // more
      {"1h0m0s", kHour},
      {"30s", 30 * kSec},
      {"1m30s", 90 * kSec},
      {"999ns", 999},
      {"1\xC2\xB5s", 1000},
      {"999.999999ms", kSec - 1},
      {"1s", kSec},
      {"1h30m0s", 90 * kMin},
  };
  for (const FormatDurationCase& c : cases) {
    EXPECT_EQ(FormatDuration(Duration(c.ns)), c.want) << c.ns;
    if (c.ns > 0) {
      EXPECT_EQ(FormatDuration(Duration(-c.ns)), "-" + c.want) << -c.ns;
    }
  }
}

TEST(FormatDurationTest, RoundTripsThroughParseDuration) {  // TestParseDurationRoundTrip
  const std::vector<int64_t> values = {
      kMaxNs, kMinNs, 0, 1, -1, 1500 * kMs, 123456789 * kMs, 7 * kHour + 1, 999, -42 * kUs};
  for (int64_t ns : values) {
    const std::string text = FormatDuration(Duration(ns));
    StatusOr<Duration> back = ParseDuration(text);
    ASSERT_TRUE(back.ok()) << text << ": " << back.status().ToString();
    EXPECT_EQ(back->count(), ns) << text;
  }
}

struct FromSecondsCase {
  double seconds;
  int64_t want_ns;
};

TEST(FromSecondsTest, RoundsToTheNearestNanosecondAndSaturates) {
  const std::vector<FromSecondsCase> cases = {
      {0.0, 0},        {1.5, 1500 * kMs}, {-2.25, -2250 * kMs}, {1e-9, 1},
      {4e-10, 0},      {6e-10, 1},        {-6e-10, -1},         {86400.0, 24 * kHour},
      {1e300, kMaxNs}, {-1e300, kMinNs},  {std::nan(""), 0},
  };
  for (const FromSecondsCase& c : cases) {
    EXPECT_EQ(FromSeconds(c.seconds).count(), c.want_ns) << c.seconds;
  }
  EXPECT_DOUBLE_EQ(ToSeconds(Duration(1500 * kMs)), 1.5);
  EXPECT_DOUBLE_EQ(ToUnixSeconds(FromUnixSeconds(1795802400.25)), 1795802400.25);
}

struct Rfc3339Case {
  std::string input;
  int64_t unix_ns;
  std::string formatted;  // FormatRfc3339 of the parsed value (UTC)
};

TEST(Rfc3339Test, ParsesAndFormatsLikeGo) {
  const std::vector<Rfc3339Case> cases = {
      {"1970-01-01T00:00:00Z", 0, "1970-01-01T00:00:00Z"},
      {"2026-11-27T18:00:00Z", 1795802400 * kSec, "2026-11-27T18:00:00Z"},
      {"2026-11-27T18:00:00.5+01:00", 1795798800 * kSec + 500 * kMs, "2026-11-27T17:00:00.5Z"},
      {"2006-01-02T15:04:05Z", 1136214245 * kSec, "2006-01-02T15:04:05Z"},
      {"2006-01-02T15:04:05-07:00", 1136239445 * kSec, "2006-01-02T22:04:05Z"},
      {"2006-01-02T15:04:05.999999999Z", 1136214245 * kSec + 999999999,
       "2006-01-02T15:04:05.999999999Z"},
      {"2006-01-02T15:04:05.1234567891Z", 1136214245 * kSec + 123456789,
       "2006-01-02T15:04:05.123456789Z"},  // digits past the ninth are dropped
      {"2006-01-02T15:04:05,25Z", 1136214245 * kSec + 250 * kMs, "2006-01-02T15:04:05.25Z"},
      {"2000-02-29T00:00:00Z", 951782400 * kSec, "2000-02-29T00:00:00Z"},
      {"1969-12-31T23:59:59.9Z", -100 * kMs, "1969-12-31T23:59:59.9Z"},
      {"1900-01-01T00:00:00Z", -2208988800 * kSec, "1900-01-01T00:00:00Z"},
      {"2026-03-29T02:30:00+23:59", 1774665060 * kSec, "2026-03-28T02:31:00Z"},
  };
  for (const Rfc3339Case& c : cases) {
    StatusOr<Timestamp> got = ParseRfc3339(c.input);
    ASSERT_TRUE(got.ok()) << c.input << ": " << got.status().ToString();
    EXPECT_EQ(got->time_since_epoch().count(), c.unix_ns) << c.input;
    EXPECT_EQ(FormatRfc3339(*got), c.formatted) << c.input;
  }
}

struct Rfc3339ErrorCase {
  std::string input;
  std::string reason;
};

TEST(Rfc3339Test, RejectsWhatGoRejects) {
  const std::vector<Rfc3339ErrorCase> cases = {
      {"", "malformed date or time"},
      {"2026-11-27", "malformed date or time"},
      {"2026-11-27 18:00:00Z", "malformed date or time"},
      {"2026-11-27t18:00:00Z", "malformed date or time"},
      {"2026/11/27T18:00:00Z", "malformed date or time"},
      {"26-11-27T18:00:00Z", "malformed date or time"},
      {"2026-13-01T00:00:00Z", "month out of range"},
      {"2026-00-01T00:00:00Z", "month out of range"},
      {"2026-02-29T00:00:00Z", "day out of range"},
      {"1900-02-29T00:00:00Z", "day out of range"},
      {"2026-04-31T00:00:00Z", "day out of range"},
      {"2026-11-00T00:00:00Z", "day out of range"},
      {"2026-11-27T24:00:00Z", "time of day out of range"},
      {"2026-11-27T18:60:00Z", "time of day out of range"},
      {"2026-11-27T18:00:60Z", "time of day out of range"},
      {"2026-11-27T18:00:00", "zone \"\""},
      {"2026-11-27T18:00:00z", "zone \"z\""},
      {"2026-11-27T18:00:00+0100", "zone \"+0100\""},
      {"2026-11-27T18:00:00+01:00:00", "zone \"+01:00:00\""},
      {"2026-11-27T18:00:00+24:00", "zone offset out of range"},
      {"2026-11-27T18:00:00+01:60", "zone offset out of range"},
      {"2026-11-27T18:00:00.Z", "a fraction of a second needs a digit"},
      {"2026-11-27T18:00:00ZZ", "zone \"ZZ\""},
  };
  for (const Rfc3339ErrorCase& c : cases) {
    StatusOr<Timestamp> got = ParseRfc3339(c.input);
    ASSERT_FALSE(got.ok()) << c.input << " parsed as " << FormatRfc3339(*got);
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << c.input;
    const std::string message = got.status().message();
    EXPECT_THAT(message, HasSubstr("invalid timestamp \"" + c.input + "\"")) << c.input;
    EXPECT_THAT(message, HasSubstr(c.reason)) << c.input;
    EXPECT_THAT(message, HasSubstr("expected RFC 3339")) << c.input;
  }
}

TEST(Rfc3339Test, RejectsTimesOutsideTheInt64NanosecondRange) {
  for (const std::string input : {"2262-04-12T00:00:00Z", "9999-12-31T23:59:59Z",
                                  "1677-09-21T00:00:00Z", "0000-01-01T00:00:00Z"}) {
    StatusOr<Timestamp> got = ParseRfc3339(input);
    ASSERT_FALSE(got.ok()) << input;
    EXPECT_EQ(got.status().code(), StatusCode::kOutOfRange) << input;
    EXPECT_THAT(got.status().message(), HasSubstr(input)) << input;
  }
  EXPECT_TRUE(ParseRfc3339("2262-04-11T00:00:00Z").ok());
  EXPECT_TRUE(ParseRfc3339("1677-09-22T00:00:00Z").ok());
}

}  // namespace
}  // namespace crescendo
