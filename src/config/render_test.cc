#include "crescendo/config/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/test_util.h"

namespace crescendo::config {
namespace {

using ::testing::HasSubstr;

const char* kService =
    "services:\n  api:\n    tenant: acme\n    horizontal:\n      maxReplicas: 8\n";

TEST(RenderTest, TextShowsEveryValueWithItsOrigin) {
  LoadResult result = testing::LoadWithBase(kService, {{"AUTOSCALING_MODE", "recommend"}});
  ASSERT_TRUE(result.ok()) << result.Report();
  const ServiceConfig& api = result.config->services.back();  // prod/acme/acme/api
  std::string text = FormatEffectiveText(api);
  EXPECT_THAT(text, ::testing::StartsWith("service api  prod/acme/acme/api\n"
                                          "tier gold, priority 500, mode recommend\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nhorizontal.maxReplicas +8 +case.yaml:5:20 "
                                             "\\(services.api.horizontal.maxReplicas\\)\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nmode +recommend +environment variable "
                                             "AUTOSCALING_MODE\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nhorizontal.minReplicas +1 +built-in default\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nnamespace +acme +base.yaml:29:16 "
                                             "\\(tenants.acme.namespace\\)\n"));
}

TEST(RenderTest, JsonListsServicesAndSettings) {
  LoadResult result = testing::LoadWithBase(kService);
  ASSERT_TRUE(result.ok()) << result.Report();
  std::vector<const ServiceConfig*> services = result.config->Select("api", "dev");
  nlohmann::json json = nlohmann::json::parse(FormatEffectiveJson(services));
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["id"], "dev/acme/acme/api");
  EXPECT_EQ(json[0]["tier"], "gold");
  EXPECT_EQ(json[0]["priority"], 500);
  bool found = false;
  for (const auto& setting : json[0]["settings"]) {
    if (setting["path"] != "horizontal.maxReplicas") continue;
    found = true;
    EXPECT_EQ(setting["value"], "8");
    EXPECT_EQ(setting["origin"], "case.yaml");
    EXPECT_EQ(setting["line"], 5);
    EXPECT_EQ(setting["column"], 20);
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace crescendo::config
