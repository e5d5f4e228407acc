// The `policies:` settings key: inheritance through the layers, removal, located errors.
#include <gtest/gtest.h>

#include <algorithm>

#include "config/test_util.h"

namespace crescendo::config {
namespace {

const policy::PolicySpec* FindPolicy(const ServiceConfig& s, const std::string& name) {
  auto it = std::find_if(s.policies.begin(), s.policies.end(),
                         [&](const policy::PolicySpec& p) { return p.name == name; });
  return it == s.policies.end() ? nullptr : &*it;
}

TEST(PoliciesSectionTest, InheritsOverridesAndRemoves) {
  LoadResult r = testing::LoadWithBase(R"(defaults:
  policies:
    gentle:
      kind: rateLimit
      scaleUp: {pods: 10, window: 1m}
    night:
      kind: schedule
      timeZone: UTC
      windows: [{start: "0 0 * * *", duration: 6h, maxReplicas: 2}]
services:
  api:
    tenant: acme
    policies:
      money: {kind: budget, amount: 100, currency: EUR, period: day, pricePerReplicaHour: 1}
      gentle:
        scaleUp: {pods: 4}
    perEnvironment:
      prod:
        policies:
          night: ~
)");
  ASSERT_TRUE(r.ok()) << r.Report();
  const ServiceConfig& dev = testing::ServiceById(*r.config, "dev/acme/acme/api");
  const ServiceConfig& prod = testing::ServiceById(*r.config, "prod/acme/acme/api");
  ASSERT_NE(FindPolicy(dev, "night"), nullptr);
  EXPECT_EQ(FindPolicy(prod, "night"), nullptr);  // removed by perEnvironment.prod
  ASSERT_NE(FindPolicy(prod, "money"), nullptr);  // the service's own
  const policy::PolicySpec* gentle = FindPolicy(prod, "gentle");
  ASSERT_NE(gentle, nullptr);
  EXPECT_EQ(gentle->kind, "rateLimit");  // from defaults
  const policy::SpecNode* up = gentle->params.Find("scaleUp");
  ASSERT_NE(up, nullptr);
  ASSERT_NE(up->Find("pods"), nullptr);
  EXPECT_EQ(up->Find("pods")->scalar, "4");        // the service's
  EXPECT_EQ(up->Find("pods")->location.line, 16);  // where the service wrote it
  ASSERT_NE(up->Find("window"), nullptr);
  EXPECT_EQ(up->Find("window")->scalar, "1m");    // kept from defaults
  EXPECT_EQ(gentle->location.file, "case.yaml");  // traces name the most specific key
  const Setting* pods = prod.FindSetting("policies.gentle.scaleUp.pods");
  ASSERT_NE(pods, nullptr);
  EXPECT_EQ(pods->value, "4");
}

TEST(PoliciesSectionTest, ReportsErrorsOfUnusedLayersAndOfMergedOnes) {
  LoadResult r = testing::LoadWithBase(R"(services:
  api:
    tenant: acme
    environments: [prod]
    policies:
      partial:
        scaleUp: {pods: 4}
    perEnvironment:
      dev:
        policies:
          broken: {kind: bounds, minReplicas: 5, maxReplicas: 2}
)");
  ASSERT_FALSE(r.ok());
  std::string report = r.Report();
  // The dev layer is used by no instance (api runs in prod only) and is still checked.
  EXPECT_NE(report.find("case.yaml:11:"), std::string::npos) << report;
  EXPECT_NE(report.find("minReplicas 5 above maxReplicas 2"), std::string::npos) << report;
  EXPECT_NE(report.find("services.api.policies.partial: found a policy without a kind"),
            std::string::npos)
      << report;
}

}  // namespace
}  // namespace crescendo::config
