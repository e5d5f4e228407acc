// Inheritance (defaults -> environment -> tenant -> service -> perEnvironment), environment
// overrides and the expansion of services into per-environment, per-tenant settings.
#include "crescendo/config/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/test_util.h"

namespace crescendo::config {
namespace {

using ::testing::ElementsAre;

// Line numbers matter: the tables below name them.
constexpr const char* kLayersYaml = R"(global: {defaultTier: std}
tiers:
  std: {priority: 100}
defaults:
  scalingInterval: 20s
  horizontal:
    minReplicas: 1
    maxReplicas: 5
    metrics:
      cpu: {utilization: 70}
environments:
  dev: {}
  prod:
    mode: intelligent
    horizontal:
      maxReplicas: 50
tenants:
  acme:
    tier: std
    horizontal:
      minReplicas: 3
  tiny:
    tier: std
services:
  api:
    tenants: [acme, tiny]
    horizontal:
      metrics:
        cpu: {utilization: 60}
    perEnvironment:
      prod:
        horizontal:
          maxReplicas: 80
  web:
    horizontal:
      maxReplicas: 7
  batch:
    horizontal: {enabled: false}
)";

LoadResult LoadLayers(EnvironmentVariables environment = {}) {
  std::vector<SourceText> sources = {{"layers.yaml", kLayersYaml}};
  LoadOptions options;
  options.environment = std::move(environment);
  return LoadConfig(sources, options);
}

struct EffectiveCase {
  const char* name;
  const char* id;
  const char* path;
  const char* value;
  const char* origin;  // Location::ToString()
  const char* source_path;
};

class InheritanceTest : public ::testing::TestWithParam<EffectiveCase> {};

TEST_P(InheritanceTest, TakesTheMostSpecificLayerAndKnowsWhereItCameFrom) {
  const EffectiveCase& c = GetParam();
  LoadResult result = LoadLayers();
  ASSERT_TRUE(result.ok()) << result.Report();
  const Setting* setting = testing::ServiceById(*result.config, c.id).FindSetting(c.path);
  ASSERT_NE(setting, nullptr) << c.path;
  EXPECT_EQ(setting->value, c.value);
  EXPECT_EQ(setting->origin.ToString(), c.origin);
  EXPECT_EQ(setting->source_path, c.source_path);
}

const EffectiveCase kInheritanceCases[] = {
    {"defaults", "dev/acme/default/api", "horizontal.maxReplicas", "5", "layers.yaml:8:18",
     "defaults.horizontal.maxReplicas"},
    {"environment_over_defaults", "prod/shared/default/web", "mode", "intelligent",
     "layers.yaml:14:11", "environments.prod.mode"},
    {"built_in_when_no_layer_sets_it", "dev/shared/default/web", "mode", "kubernetes",
     "built-in default", ""},
    {"tenant_over_environment", "dev/acme/default/api", "horizontal.minReplicas", "3",
     "layers.yaml:21:20", "tenants.acme.horizontal.minReplicas"},
    {"other_tenant_keeps_defaults", "dev/tiny/default/api", "horizontal.minReplicas", "1",
     "layers.yaml:7:18", "defaults.horizontal.minReplicas"},
    {"service_over_environment", "prod/shared/default/web", "horizontal.maxReplicas", "7",
     "layers.yaml:36:20", "services.web.horizontal.maxReplicas"},
    {"per_environment_over_service", "prod/acme/default/api", "horizontal.maxReplicas", "80",
     "layers.yaml:33:24", "services.api.perEnvironment.prod.horizontal.maxReplicas"},
    {"environment_when_no_per_environment", "prod/shared/default/web", "scalingInterval", "20s",
     "layers.yaml:5:20", "defaults.scalingInterval"},
    {"map_entry_overridden", "dev/acme/default/api", "horizontal.metrics.cpu.utilization", "60",
     "layers.yaml:29:28", "services.api.horizontal.metrics.cpu.utilization"},
    {"map_entry_inherited", "dev/shared/default/web", "horizontal.metrics.cpu.utilization", "70",
     "layers.yaml:10:26", "defaults.horizontal.metrics.cpu.utilization"},
    {"tier_from_tenant", "dev/acme/default/api", "tier", "std", "layers.yaml:19:11",
     "tenants.acme.tier"},
    {"tier_from_global_default", "dev/shared/default/web", "tier", "std", "layers.yaml:1:23",
     "global.defaultTier"},
    {"priority_from_tier", "dev/acme/default/api", "priority", "100", "layers.yaml:3:19",
     "tiers.std.priority"},
    {"metric_type_from_catalogue", "dev/acme/default/api", "horizontal.metrics.cpu.type",
     "Resource", "built-in default", ""},
    {"metric_source_from_catalogue", "dev/acme/default/api", "horizontal.metrics.cpu.source",
     "cluster", "built-in default", ""},
};

INSTANTIATE_TEST_SUITE_P(Layers, InheritanceTest, ::testing::ValuesIn(kInheritanceCases),
                         [](const ::testing::TestParamInfo<EffectiveCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(LoaderTest, ExpandsServicesPerTenantAndEnvironment) {
  LoadResult result = LoadLayers();
  ASSERT_TRUE(result.ok()) << result.Report();
  std::vector<std::string> ids;
  for (const ServiceConfig& s : result.config->services) ids.push_back(s.id.ToString());
  EXPECT_THAT(
      ids, ElementsAre("dev/acme/default/api", "dev/shared/default/batch", "dev/shared/default/web",
                       "dev/tiny/default/api", "prod/acme/default/api", "prod/shared/default/batch",
                       "prod/shared/default/web", "prod/tiny/default/api"));
  EXPECT_EQ(result.config->Select("api", "prod").size(), 2u);
  ASSERT_EQ(result.config->Select("api", "prod", "tiny").size(), 1u);
  EXPECT_EQ(result.config->Select("api", "prod", "tiny")[0]->id.tenant, "tiny");
  EXPECT_TRUE(result.config->Select("api", "staging").empty());
}

TEST(LoaderTest, DecodesTypedValues) {
  LoadResult result = LoadLayers();
  ASSERT_TRUE(result.ok()) << result.Report();
  const ServiceConfig& api = testing::ServiceById(*result.config, "prod/acme/default/api");
  EXPECT_EQ(api.mode, AutoscalingMode::kIntelligent);
  EXPECT_EQ(api.scaling_interval, std::chrono::seconds(20));
  ASSERT_TRUE(api.horizontal.has_value());
  EXPECT_EQ(api.horizontal->min_replicas, 3);
  EXPECT_EQ(api.horizontal->max_replicas, 80);
  ASSERT_EQ(api.horizontal->metrics.size(), 1u);
  EXPECT_EQ(api.horizontal->metrics[0].type, MetricSourceType::kResource);
  EXPECT_EQ(api.horizontal->metrics[0].name, "cpu");
  EXPECT_EQ(api.horizontal->metrics[0].target.type, MetricTargetType::kUtilization);
  EXPECT_EQ(api.horizontal->metrics[0].target.average_utilization, 60);
  ASSERT_EQ(api.metric_bindings.size(), 1u);
  EXPECT_EQ(api.metric_bindings[0].source, "cluster");
  EXPECT_EQ(api.tier, "std");
  EXPECT_EQ(api.priority, 100);
  EXPECT_EQ(api.tenant_isolation, TenantIsolation::kSoft);
  EXPECT_FALSE(api.cost_optimization);
  EXPECT_FALSE(api.vertical.has_value());
  EXPECT_FALSE(
      testing::ServiceById(*result.config, "dev/shared/default/batch").horizontal.has_value());
}

struct OverrideCase {
  const char* name;
  EnvironmentVariables env;
  const char* id;
  const char* path;
  const char* value;
  const char* origin;
};

class OverrideTest : public ::testing::TestWithParam<OverrideCase> {};

TEST_P(OverrideTest, VariableWinsOverEveryLayer) {
  const OverrideCase& c = GetParam();
  LoadResult result = LoadLayers(c.env);
  ASSERT_TRUE(result.ok()) << result.Report();
  const Setting* setting = testing::ServiceById(*result.config, c.id).FindSetting(c.path);
  ASSERT_NE(setting, nullptr);
  EXPECT_EQ(setting->value, c.value);
  EXPECT_EQ(setting->origin.ToString(), c.origin);
}

const OverrideCase kOverrideCases[] = {
    {"mode_over_environment",
     {{"AUTOSCALING_MODE", "recommend"}},
     "prod/shared/default/web",
     "mode",
     "recommend",
     "environment variable AUTOSCALING_MODE"},
    {"interval_over_defaults",
     {{"SCALING_INTERVAL", "45s"}},
     "dev/acme/default/api",
     "scalingInterval",
     "45s",
     "environment variable SCALING_INTERVAL"},
    {"interval_normalized",
     {{"SCALING_INTERVAL", "1m30s"}},
     "dev/acme/default/api",
     "scalingInterval",
     "1m30s",
     "environment variable SCALING_INTERVAL"},
    {"min_over_tenant",
     {{"MIN_REPLICAS", "2"}},
     "dev/acme/default/api",
     "horizontal.minReplicas",
     "2",
     "environment variable MIN_REPLICAS"},
    {"max_over_per_environment",
     {{"MAX_REPLICAS", "9"}},
     "prod/acme/default/api",
     "horizontal.maxReplicas",
     "9",
     "environment variable MAX_REPLICAS"},
    {"isolation",
     {{"TENANT_ISOLATION", "disabled"}},
     "dev/tiny/default/api",
     "tenantIsolation",
     "none",  // the older switch value, shown as the mode it means
     "environment variable TENANT_ISOLATION"},
    {"isolation_strict",
     {{"TENANT_ISOLATION", "strict"}},
     "dev/tiny/default/api",
     "tenantIsolation",
     "strict",
     "environment variable TENANT_ISOLATION"},
    {"cost_optimization",
     {{"COST_OPTIMIZATION", "enabled"}},
     "prod/shared/default/web",
     "costOptimization",
     "enabled",
     "environment variable COST_OPTIMIZATION"},
    {"unrelated_variables_ignored",
     {{"PATH", "/usr/bin"}, {"MAXREPLICAS", "x"}},
     "prod/shared/default/web",
     "horizontal.maxReplicas",
     "7",
     "layers.yaml:36:20"},
    {"disabled_horizontal_untouched",
     {{"MIN_REPLICAS", "2"}},
     "dev/shared/default/batch",
     "horizontal.enabled",
     "false",
     "layers.yaml:38:27"},
};

INSTANTIATE_TEST_SUITE_P(Variables, OverrideTest, ::testing::ValuesIn(kOverrideCases),
                         [](const ::testing::TestParamInfo<OverrideCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(OverrideTest, SetsTypedValuesOfEveryService) {
  LoadResult result = LoadLayers({{"AUTOSCALING_MODE", "predictive"},
                                  {"SCALING_INTERVAL", "1m"},
                                  {"MIN_REPLICAS", "4"},
                                  {"MAX_REPLICAS", "6"},
                                  {"TENANT_ISOLATION", "disabled"},
                                  {"COST_OPTIMIZATION", "enabled"}});
  ASSERT_TRUE(result.ok()) << result.Report();
  for (const ServiceConfig& s : result.config->services) {
    EXPECT_EQ(s.mode, AutoscalingMode::kPredictive) << s.id.ToString();
    EXPECT_EQ(s.scaling_interval, std::chrono::minutes(1));
    EXPECT_EQ(s.tenant_isolation, TenantIsolation::kNone);
    EXPECT_TRUE(s.cost_optimization);
    if (s.service == "batch") {
      EXPECT_FALSE(s.horizontal.has_value());
      continue;
    }
    ASSERT_TRUE(s.horizontal.has_value());
    EXPECT_EQ(s.horizontal->min_replicas, 4);
    EXPECT_EQ(s.horizontal->max_replicas, 6);
  }
}

TEST(LoaderTest, RestrictsServicesToTheirAndTheirTenantsEnvironments) {
  LoadResult result = testing::LoadWithBase(R"(tenants:
  nomad:
    tier: gold
    environments: [prod]
services:
  worker:
    tenants: [acme, nomad]
  api:
    tenant: shared
    environments: [dev]
)");
  ASSERT_TRUE(result.ok()) << result.Report();
  std::vector<std::string> ids;
  for (const ServiceConfig& s : result.config->services) ids.push_back(s.id.ToString());
  EXPECT_THAT(ids, ElementsAre("dev/acme/acme/worker", "dev/shared/default/api",
                               "prod/acme/acme/worker", "prod/nomad/default/worker"));
}

TEST(LoaderTest, WarnsAboutAServiceThatRunsNowhere) {
  LoadResult result = testing::LoadWithBase(R"(tenants:
  nomad:
    tier: gold
    environments: [prod]
services:
  worker:
    tenant: nomad
    environments: [dev]
)");
  ASSERT_TRUE(result.ok()) << result.Report();
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].severity, Severity::kWarning);
  EXPECT_EQ(result.diagnostics[0].location.ToString(), "case.yaml:6:3");
  EXPECT_EQ(result.diagnostics[0].found, "a service that runs nowhere");
  EXPECT_EQ(result.config->warnings.size(), 1u);
}

TEST(LoaderTest, OwnPriorityBeatsTheTiers) {
  LoadResult result = testing::LoadWithBase("services:\n  api:\n    priority: 999\n");
  ASSERT_TRUE(result.ok()) << result.Report();
  const ServiceConfig& api = testing::ServiceById(*result.config, "dev/shared/default/api");
  EXPECT_EQ(api.priority, 999);
  EXPECT_EQ(api.FindSetting("priority")->origin.ToString(), "case.yaml:3:15");
}

TEST(LoaderTest, RecordsPlatformSettings) {
  LoadResult result = testing::LoadWithBase("");
  ASSERT_TRUE(result.ok()) << result.Report();
  const Config& config = *result.config;
  EXPECT_EQ(config.global.tick_interval, std::chrono::seconds(15));
  EXPECT_EQ(config.global.default_tier, "gold");
  EXPECT_EQ(config.tiers.at("free").priority, 10);
  EXPECT_EQ(config.tiers.at("free").quota.max_replicas, 10);
  EXPECT_EQ(config.tiers.at("free").quota.cpu_millis, 4000);
  EXPECT_EQ(config.tiers.at("free").quota.memory_bytes, int64_t{8} << 30);
  EXPECT_EQ(config.tenants.at("tiny").tier, "free");
  EXPECT_EQ(config.metric_sources.at("prom").url, "http://prom:9090");
  EXPECT_EQ(config.metrics.at("queue").type, MetricSourceType::kExternal);
  EXPECT_EQ(config.metrics.count("cpu"), 1u);
  EXPECT_THAT(config.files, ElementsAre("base.yaml", "case.yaml"));
  auto priority = std::find_if(config.settings.begin(), config.settings.end(),
                               [](const Setting& s) { return s.path == "tiers.gold.priority"; });
  ASSERT_NE(priority, config.settings.end());
  EXPECT_EQ(priority->value, "500");
  EXPECT_EQ(priority->origin.ToString(), "base.yaml:25:15");
}

TEST(LoaderTest, LoadsFilesAndDirectoriesThroughConfigFiles) {
  InMemoryConfigFiles files;
  files.Put("conf/base.yaml", testing::kBaseYaml);
  files.Put("conf/services/api.yml", "services:\n  api:\n    tenant: acme\n");
  files.Put("conf/README.md", "not yaml");
  LoadResult result = LoadConfigFiles({"conf"}, LoadOptions{}, files);
  ASSERT_TRUE(result.ok()) << result.Report();
  EXPECT_THAT(result.config->files, ElementsAre("conf/base.yaml", "conf/services/api.yml"));
  EXPECT_EQ(result.config->services.size(), 2u);

  LoadResult missing = LoadConfigFiles({"nowhere"}, LoadOptions{}, files);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.diagnostics[0].location.ToString(), "nowhere");
  EXPECT_THAT(missing.Report(), ::testing::HasSubstr("no such file or directory"));
}

TEST(LoaderTest, CapturesOnlyTheOverrideVariables) {
  ::setenv("MIN_REPLICAS", "3", 1);
  ::setenv("CRESCENDO_UNRELATED", "1", 1);
  EnvironmentVariables captured = CaptureOverrideVariables();
  ::unsetenv("MIN_REPLICAS");
  ::unsetenv("CRESCENDO_UNRELATED");
  EXPECT_EQ(captured.count("MIN_REPLICAS"), 1u);
  EXPECT_EQ(captured.at("MIN_REPLICAS"), "3");
  EXPECT_EQ(captured.count("CRESCENDO_UNRELATED"), 0u);
}

}  // namespace
}  // namespace crescendo::config

namespace crescendo::config {
namespace {

// `metrics.<name>.sensitive` says whether serve seals the metric's samples; unset by default,
// anything but true or false is refused with its location.
TEST(LoaderTest, ReadsTheCatalogueSensitiveFlag) {
  LoadResult plain = testing::LoadWithBase("");
  ASSERT_TRUE(plain.ok()) << plain.Report();
  EXPECT_FALSE(plain.config->metrics.at("queue").sensitive.has_value());

  LoadResult marked = testing::LoadWithBase(
      "metrics:\n  revenue: {type: External, source: prom, sensitive: true}\n"
      "  visits: {type: External, source: prom, sensitive: false}\n");
  ASSERT_TRUE(marked.ok()) << marked.Report();
  EXPECT_EQ(marked.config->metrics.at("revenue").sensitive, std::optional<bool>(true));
  EXPECT_EQ(marked.config->metrics.at("visits").sensitive, std::optional<bool>(false));

  LoadResult bad = testing::LoadWithBase(
      "metrics:\n  revenue: {type: External, source: prom, sensitive: maybe}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.Report(), ::testing::HasSubstr("case.yaml:2:"));
  EXPECT_THAT(bad.Report(), ::testing::HasSubstr("maybe"));
}

}  // namespace
}  // namespace crescendo::config
