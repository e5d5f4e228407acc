// A tenant's share under capacity pressure in the configuration: weight, guarantee and quota
// (docs/tenancy.md), with located errors for bad values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/test_util.h"

namespace crescendo::config {
namespace {

using ::testing::HasSubstr;

TEST(TenancySectionTest, ReadsWeightGuaranteeAndQuota) {
  LoadResult result = testing::LoadWithBase(R"(tenants:
  globex:
    tier: gold
    weight: 3
    guarantee: {cpu: "4", memory: 8Gi}
    quota: {maxReplicas: 40, cpu: "32"}
)");
  ASSERT_TRUE(result.ok()) << result.Report();
  const Tenant& globex = result.config->tenants.at("globex");
  EXPECT_EQ(globex.weight, 3.0);
  EXPECT_EQ(globex.guarantee, (Resources{4000, int64_t{8} << 30}));
  ASSERT_TRUE(globex.quota.has_value());
  EXPECT_EQ(globex.quota->max_replicas, 40);
  EXPECT_EQ(globex.quota->cpu_millis, 32000);
  EXPECT_EQ(globex.quota->memory_bytes, std::nullopt);
  const Tenant& tiny = result.config->tenants.at("tiny");  // says nothing: the defaults
  EXPECT_EQ(tiny.weight, 1.0);
  EXPECT_EQ(tiny.guarantee, Resources{});
  EXPECT_FALSE(tiny.quota.has_value());
}

TEST(TenancySectionTest, BadValuesAreLocated) {
  struct Case {
    const char* name;
    const char* yaml;
    const char* says;
  };
  const Case cases[] = {
      {"weight_zero", "tenants:\n  globex:\n    tier: gold\n    weight: 0\n",
       "case.yaml:4:13: error: tenants.globex.weight"},
      {"guarantee_not_a_map", "tenants:\n  globex:\n    tier: gold\n    guarantee: 4\n",
       "case.yaml:4:16: error: tenants.globex.guarantee"},
      {"guarantee_unknown_key", "tenants:\n  globex:\n    tier: gold\n    guarantee: {gpu: 1}\n",
       "tenants.globex.guarantee.gpu"},
      {"guarantee_bad_quantity",
       "tenants:\n  globex:\n    tier: gold\n    guarantee: {cpu: lots}\n",
       "case.yaml:4:22: error: tenants.globex.guarantee.cpu"},
      {"quota_bad", "tenants:\n  globex:\n    tier: gold\n    quota: {maxReplicas: 0}\n",
       "tenants.globex.quota.maxReplicas"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    LoadResult result = testing::LoadWithBase(c.yaml);
    EXPECT_FALSE(result.ok());
    EXPECT_THAT(result.Report(), HasSubstr(c.says));
  }
}

}  // namespace
}  // namespace crescendo::config
