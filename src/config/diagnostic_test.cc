#include "crescendo/config/diagnostic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace crescendo::config {
namespace {

TEST(LocationTest, FormatsEachKindOfOrigin) {
  EXPECT_EQ(Location::InFile("a.yaml", 3, 5).ToString(), "a.yaml:3:5");
  EXPECT_EQ(Location::EnvironmentVariable("MIN_REPLICAS").ToString(),
            "environment variable MIN_REPLICAS");
  EXPECT_EQ(Location::BuiltIn().ToString(), "built-in default");
  EXPECT_TRUE(Location::BuiltIn().is_built_in());
  EXPECT_FALSE(Location::EnvironmentVariable("X").is_built_in());
  EXPECT_FALSE(Location::EnvironmentVariable("X").is_file());
}

TEST(DiagnosticTest, FormatsLocationPathFoundAndExpected) {
  Diagnostic d{Severity::kError,         Location::InFile("a.yaml", 3, 5),
               "services.x.maxReplicas", "\"0\"",
               "an integer >= 1",        {"prod/acme/ns/x"}};
  EXPECT_EQ(d.ToString(),
            "a.yaml:3:5: error: services.x.maxReplicas: found \"0\", expected an integer >= 1 "
            "(affects prod/acme/ns/x)");
  d.severity = Severity::kWarning;
  d.workloads.clear();
  d.path.clear();
  EXPECT_EQ(d.ToString(), "a.yaml:3:5: warning: found \"0\", expected an integer >= 1");
}

TEST(DiagnosticListTest, MergesDuplicatesAndTheirWorkloads) {
  DiagnosticList list;
  Location at = Location::InFile("a.yaml", 1, 1);
  list.AddError(at, "p", "f", "e", "prod/b/n/x");
  list.AddError(at, "p", "f", "e", "dev/b/n/x");
  list.AddError(at, "p", "f", "e", "prod/b/n/x");
  list.AddError(at, "p", "f", "e");
  list.AddWarning(at, "p", "f", "e");
  EXPECT_EQ(list.error_count(), 1);
  EXPECT_EQ(list.warning_count(), 1);
  std::vector<Diagnostic> sorted = list.Sorted();
  ASSERT_EQ(sorted.size(), 2u);
  EXPECT_THAT(sorted[0].workloads, ::testing::ElementsAre("dev/b/n/x", "prod/b/n/x"));
}

TEST(DiagnosticListTest, SortsByFileLineAndColumn) {
  DiagnosticList list;
  list.AddError(Location::InFile("b.yaml", 1, 1), "", "x", "y");
  list.AddError(Location::InFile("a.yaml", 10, 2), "", "x", "y");
  list.AddError(Location::InFile("a.yaml", 2, 9), "", "x", "y");
  list.AddError(Location::InFile("a.yaml", 2, 3), "", "x", "y");
  std::vector<std::string> order;
  for (const Diagnostic& d : list.Sorted()) order.push_back(d.location.ToString());
  EXPECT_THAT(order,
              ::testing::ElementsAre("a.yaml:2:3", "a.yaml:2:9", "a.yaml:10:2", "b.yaml:1:1"));
  EXPECT_THAT(FormatDiagnostics(list.Sorted()), ::testing::EndsWith("4 errors, 0 warnings\n"));
  EXPECT_EQ(FormatDiagnostics({}), "");
}

}  // namespace
}  // namespace crescendo::config
