#include "crescendo/model/ids.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace crescendo {
namespace {

using ::testing::HasSubstr;

struct ParseCase {
  std::string text;
  WorkloadId want;
};

TEST(WorkloadIdTest, ParsesTheFormToStringWrites) {
  const std::vector<ParseCase> cases = {
      {"prod/acme/web/api", {"prod", "acme", "web", "api"}},
      {"staging/tenant-b/kube-system/coredns", {"staging", "tenant-b", "kube-system", "coredns"}},
      {"e/t/n/x", {"e", "t", "n", "x"}},
      {"prod/acme/web/api.v2", {"prod", "acme", "web", "api.v2"}},
  };
  for (const ParseCase& c : cases) {
    StatusOr<WorkloadId> got = WorkloadId::Parse(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.want) << c.text;
    EXPECT_EQ(got->ToString(), c.text);
  }
}

struct ErrorCase {
  std::string text;
  std::string reason;
};

TEST(WorkloadIdTest, RejectsMalformedIdsNamingThePart) {
  const std::vector<ErrorCase> cases = {
      {"", "expected environment/tenant/namespace/name"},
      {"prod", "expected environment/tenant/namespace/name"},
      {"prod/acme/web", "expected environment/tenant/namespace/name"},
      {"prod/acme/web/api/extra", "expected environment/tenant/namespace/name"},
      {"/acme/web/api", "empty environment"},
      {"prod//web/api", "empty tenant"},
      {"prod/acme//api", "empty namespace"},
      {"prod/acme/web/", "empty name"},
  };
  for (const ErrorCase& c : cases) {
    StatusOr<WorkloadId> got = WorkloadId::Parse(c.text);
    ASSERT_FALSE(got.ok()) << c.text << " parsed as " << got->ToString();
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(got.status().message(), HasSubstr("workload id \"" + c.text + "\"")) << c.text;
    EXPECT_THAT(got.status().message(), HasSubstr(c.reason)) << c.text;
  }
}

TEST(WorkloadIdTest, OrdersByEnvironmentThenTenantThenNamespaceThenName) {
  const std::vector<WorkloadId> sorted = {
      {"dev", "zeta", "z", "z"},  {"prod", "acme", "a", "b"}, {"prod", "acme", "b", "a"},
      {"prod", "beta", "a", "a"}, {"prod", "beta", "a", "b"},
  };
  for (size_t i = 0; i + 1 < sorted.size(); ++i) {
    EXPECT_LT(sorted[i], sorted[i + 1]) << sorted[i].ToString();
    EXPECT_FALSE(sorted[i + 1] < sorted[i]) << sorted[i].ToString();
  }
  const std::set<WorkloadId> as_set(sorted.rbegin(), sorted.rend());
  EXPECT_EQ(std::vector<WorkloadId>(as_set.begin(), as_set.end()), sorted);
}

TEST(WorkloadIdTest, HashAgreesWithEqualityAndSeparatesParts) {
  WorkloadIdHash hash;
  const WorkloadId a{"prod", "acme", "web", "api"};
  EXPECT_EQ(hash(a), hash(WorkloadId{"prod", "acme", "web", "api"}));
  // Moving a value between parts must change the hash (the parts are not just concatenated).
  const std::vector<WorkloadId> distinct = {
      a,
      {"acme", "prod", "web", "api"},
      {"prod", "acme", "api", "web"},
      {"prod", "acmeweb", "", "api"},
      {"prod", "acme", "webapi", ""},
  };
  std::unordered_set<size_t> hashes;
  for (const WorkloadId& id : distinct) hashes.insert(hash(id));
  EXPECT_EQ(hashes.size(), distinct.size());
  std::unordered_set<WorkloadId, WorkloadIdHash> set(distinct.begin(), distinct.end());
  set.insert(WorkloadId{"prod", "acme", "web", "api"});
  EXPECT_EQ(set.size(), distinct.size());
}

}  // namespace
}  // namespace crescendo
