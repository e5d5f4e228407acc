#include <gtest/gtest.h>

#include "crescendo/forecast/forecaster.h"

namespace crescendo {
namespace {

struct ParseCase {
  std::string text;
  ForecasterSpec want;
  std::string canonical;
};

TEST(ForecasterSpecTest, ParsesAndFormats) {
  const std::vector<ParseCase> cases = {
      {"naive", {"naive", {}}, "naive"},
      {"naive()", {"naive", {}}, "naive"},
      {" seasonal_naive ( season = 24h ) ",
       {"seasonal_naive", {{"season", "24h"}}},
       "seasonal_naive(season=24h)"},
      {"holt_winters_additive(season=24h,alpha=0.3)",
       {"holt_winters_additive", {{"season", "24h"}, {"alpha", "0.3"}}},
       "holt_winters_additive(alpha=0.3,season=24h)"},
      {"ensemble(members=naive;fft(window=168h,refit=1h),mode=pick)",
       {"ensemble", {{"members", "naive;fft(window=168h,refit=1h)"}, {"mode", "pick"}}},
       "ensemble(members=naive;fft(window=168h,refit=1h),mode=pick)"},
  };
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(c.text);
    StatusOr<ForecasterSpec> spec = ParseForecasterSpec(c.text);
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    EXPECT_EQ(*spec, c.want);
    EXPECT_EQ(FormatForecasterSpec(*spec), c.canonical);
    EXPECT_EQ(*ParseForecasterSpec(c.canonical), c.want);
  }
}

struct ErrorCase {
  std::string text;
  std::string message_part;
};

TEST(ForecasterSpecTest, RejectsMalformedText) {
  const std::vector<ErrorCase> cases = {
      {"", "expected a forecaster name"},
      {"Naive", "expected a forecaster name of [a-z0-9_], found 'Naive'"},
      {"fft(window)", "expected key=value, found 'window'"},
      {"fft(window=168h", "expected ')'"},
      {"fft(window=168h)x", "nothing after the closing ')'"},
      {"fft(window=1h,window=2h)", "'window' is repeated"},
      {"fft(window=)", "a value for 'window'"},
      {"fft(Window=1h)", "a parameter name of [a-z0-9_], found 'Window'"},
      {"ensemble(members=fft(a=1)))", "balanced parentheses"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.text);
    StatusOr<ForecasterSpec> spec = ParseForecasterSpec(c.text);
    ASSERT_FALSE(spec.ok());
    EXPECT_EQ(spec.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(spec.status().message().find(c.message_part), std::string::npos)
        << spec.status().message();
  }
}

}  // namespace
}  // namespace crescendo
