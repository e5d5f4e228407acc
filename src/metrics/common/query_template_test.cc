#include "crescendo/metrics/query_template.h"

#include <gtest/gtest.h>

namespace crescendo::metrics {
namespace {

struct RenderCase {
  std::string text;
  std::string expected;  // "" with ok=false: error expected
  bool ok;
  std::string error_part;
};

TEST(RenderTemplate, Table) {
  const TemplateVariables vars = {{"namespace", "shop"}, {"window", "5m"}, {"selector", "a=\"b\""}};
  const std::vector<RenderCase> cases = {
      {"up", "up", true, ""},
      {"rate(x{namespace=\"{{namespace}}\"}[{{window}}])", "rate(x{namespace=\"shop\"}[5m])", true,
       ""},
      {"x{{{selector}}}", "x{a=\"b\"}", true, ""},
      {"{{window}}{{window}}", "5m5m", true, ""},
      {"x{a=\"{\"}", "x{a=\"{\"}", true, ""},
      {"x{{nope}}", "", false, "unknown placeholder {{nope}} at offset 1; expected one of"},
      {"x{{window", "", false, "\"{{\" at offset 1 has no closing \"}}\""},
  };
  for (const RenderCase& c : cases) {
    auto result = RenderTemplate(c.text, vars);
    ASSERT_EQ(result.ok(), c.ok) << c.text << " -> " << result.status().ToString();
    if (c.ok) {
      EXPECT_EQ(*result, c.expected) << c.text;
    } else {
      EXPECT_NE(result.status().message().find(c.error_part), std::string::npos)
          << result.status().ToString();
    }
  }
}

TEST(Escaping, RegexAndQuotes) {
  EXPECT_EQ(EscapeRegex("a.b+c"), "a\\.b\\+c");
  EXPECT_EQ(RegexAlternation({"web", "api", "web", "a.b"}), "a\\.b|api|web");
  EXPECT_EQ(EscapeQuoted("a\\.b\"c"), "a\\\\.b\\\"c");
}

TEST(PrometheusDuration, Table) {
  EXPECT_EQ(PrometheusDuration(std::chrono::minutes(5)), "5m");
  EXPECT_EQ(PrometheusDuration(std::chrono::seconds(90)), "90s");
  EXPECT_EQ(PrometheusDuration(std::chrono::hours(2)), "2h");
  EXPECT_EQ(PrometheusDuration(std::chrono::milliseconds(1500)), "1500ms");
}

TEST(WorkloadMatcher, LongestPrefixWinsWithinNamespace) {
  const std::vector<WorkloadId> workloads = {{"prod", "acme", "shop", "api"},
                                             {"prod", "acme", "shop", "api-gateway"},
                                             {"prod", "beta", "other", "api"},
                                             {"prod", "acme", "shop", "db"}};
  WorkloadMatcher matcher(workloads);
  struct Case {
    std::string ns, pod;
    std::optional<size_t> expected;
  };
  for (const Case& c : std::vector<Case>{{"shop", "api-7d9f8b-x2k4p", 0},
                                         {"shop", "api-gateway-7d9f8b-x2k4p", 1},
                                         {"other", "api-5c5c-abcde", 2},
                                         {"shop", "db-0", 3},
                                         {"shop", "db", 3},
                                         {"shop", "dbx-0", std::nullopt},
                                         {"missing", "api-1", std::nullopt},
                                         {"shop", "", std::nullopt}}) {
    EXPECT_EQ(matcher.ByPod(c.ns, c.pod), c.expected) << c.ns << "/" << c.pod;
  }
  EXPECT_EQ(matcher.ByName("shop", "api-gateway"), 1u);
  EXPECT_EQ(matcher.ByName("shop", "api-gate"), std::nullopt);
}

}  // namespace
}  // namespace crescendo::metrics
