// Every validation rule, one invalid configuration per case: each asserts the exact location
// (file:line:column or the variable), the key path, what was found and what was expected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/test_util.h"
#include "crescendo/config/loader.h"

namespace crescendo::config {
namespace {

using ::testing::HasSubstr;

struct InvalidCase {
  const char* name;
  const char* yaml;      // case.yaml
  const char* location;  // expected Location::ToString()
  const char* path;      // expected key path
  const char* found;     // substring of `found`
  const char* expected;  // substring of `expected`
  EnvironmentVariables env = {};
  int errors = 1;                     // errors expected in the whole run
  bool with_base = true;              // load testing::kBaseYaml as base.yaml first
  const char* second_file = nullptr;  // case2.yaml, when given
};

LoadResult LoadCase(const InvalidCase& c) {
  std::vector<SourceText> sources;
  if (c.with_base) sources.push_back({"base.yaml", testing::kBaseYaml});
  sources.push_back({"case.yaml", c.yaml});
  if (c.second_file != nullptr) sources.push_back({"case2.yaml", c.second_file});
  LoadOptions options;
  options.environment = c.env;
  return LoadConfig(sources, options);
}

class InvalidConfigTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidConfigTest, ReportsLocationPathFoundAndExpected) {
  const InvalidCase& c = GetParam();
  LoadResult result = LoadCase(c);
  ASSERT_FALSE(result.ok()) << "the configuration was accepted";
  EXPECT_EQ(result.config, nullptr);
  EXPECT_FALSE(result.ToStatus().ok());
  const Diagnostic* match = nullptr;
  int errors = 0;
  for (const Diagnostic& d : result.diagnostics) {
    if (d.severity != Severity::kError) continue;
    ++errors;
    if (d.location.ToString() != c.location || d.path != c.path) continue;
    bool same_found = d.found.find(c.found) != std::string::npos;
    if (match == nullptr || (same_found && match->found.find(c.found) == std::string::npos)) {
      match = &d;
    }
  }
  ASSERT_NE(match, nullptr) << "no error at " << c.location << " " << c.path << "; got:\n"
                            << result.Report();
  EXPECT_THAT(match->found, HasSubstr(c.found)) << match->ToString();
  EXPECT_THAT(match->expected, HasSubstr(c.expected)) << match->ToString();
  EXPECT_EQ(errors, c.errors) << result.Report();
  EXPECT_THAT(result.Report(), HasSubstr(std::string(c.location) + ": error: "));
}

const InvalidCase kInvalidCases[] = {
    // --- syntax and schema -----------------------------------------------------------------
    {.name = "yaml_syntax",
     .yaml = "services:\n  api: [1, 2\n  web: {}\n",
     .location = "case.yaml:3:6",
     .path = "",
     .found = "invalid YAML",
     .expected = "well-formed YAML"},
    // yaml-cpp 0.7's LoadAll loops forever here (jbeder/yaml-cpp#1040); found by the fuzzer.
    {.name = "yaml_stray_comma_after_a_block",
     .yaml = "    tier: premium\n , where\n",
     .location = "case.yaml:2:2",
     .path = "",
     .found = "invalid YAML (a document the parser cannot get past)",
     .expected = "well-formed YAML"},
    {.name = "document_is_a_list",
     .yaml = "- services\n- tenants\n",
     .location = "case.yaml:1:1",
     .path = "",
     .found = "a sequence",
     .expected = "a map of configuration sections"},
    {.name = "unknown_top_level_key",
     .yaml = "service:\n  api: {}\n",
     .location = "case.yaml:1:1",
     .path = "service",
     .found = "unknown key \"service\"",
     .expected = "did you mean \"services\"?"},
    {.name = "misspelled_setting",
     .yaml = "services:\n  api:\n    horizontal:\n      maxReplica: 5\n",
     .location = "case.yaml:4:7",
     .path = "services.api.horizontal.maxReplica",
     .found = "unknown key \"maxReplica\"",
     .expected = "did you mean \"maxReplicas\"?"},
    {.name = "duplicate_key",
     .yaml = "services:\n  api:\n    mode: recommend\n    mode: kubernetes\n",
     .location = "case.yaml:4:5",
     .path = "services.api.mode",
     .found = "a second \"mode\" key (first at case.yaml:3:5)",
     .expected = "each key once per map"},
    {.name = "version_not_1",
     .yaml = "version: 2\n",
     .location = "case.yaml:1:10",
     .path = "version",
     .found = "\"2\"",
     .expected = "1"},
    {.name = "service_defined_twice",
     .yaml = "services:\n  api:\n    tenant: acme\n",
     .location = "case2.yaml:2:3",
     .path = "services.api",
     .found = "a second definition (first at case.yaml:2:3)",
     .expected = "each name defined once across all files",
     .second_file = "services:\n  api:\n    tenant: tiny\n"},
    {.name = "global_defined_twice",
     .yaml = "global:\n  tickInterval: 30s\n",
     .location = "case.yaml:1:1",
     .path = "global",
     .found = "a second \"global\" section (first at base.yaml:1:1)",
     .expected = "one \"global\" section across all files"},
    // --- types and enumerations ------------------------------------------------------------
    {.name = "replicas_not_an_integer",
     .yaml = "services:\n  api:\n    horizontal:\n      maxReplicas: ten\n",
     .location = "case.yaml:4:20",
     .path = "services.api.horizontal.maxReplicas",
     .found = "\"ten\"",
     .expected = "an integer >= 1"},
    {.name = "unknown_mode",
     .yaml = "services:\n  api:\n    mode: fast\n",
     .location = "case.yaml:3:11",
     .path = "services.api.mode",
     .found = "\"fast\"",
     .expected = "one of kubernetes, predictive, intelligent, recommend"},
    {.name = "isolation_not_a_mode",
     .yaml = "services:\n  api:\n    tenantIsolation: maybe\n",
     .location = "case.yaml:3:22",
     .path = "services.api.tenantIsolation",
     .found = "\"maybe\"",
     .expected = "strict, soft or none"},
    {.name = "namespace_not_a_dns_label",
     .yaml = "services:\n  api:\n    namespace: Audio_NS\n",
     .location = "case.yaml:3:16",
     .path = "services.api.namespace",
     .found = "\"Audio_NS\"",
     .expected = "a DNS-1123 label"},
    {.name = "interval_without_unit",
     .yaml = "services:\n  api:\n    scalingInterval: 30\n",
     .location = "case.yaml:3:22",
     .path = "services.api.scalingInterval",
     .found = "\"30\"",
     .expected = "a duration from 1s to 1h0m0s"},
    {.name = "interval_too_long",
     .yaml = "services:\n  api:\n    scalingInterval: 2h\n",
     .location = "case.yaml:3:22",
     .path = "services.api.scalingInterval",
     .found = "\"2h\"",
     .expected = "a duration from 1s to 1h0m0s"},
    {.name = "select_policy_wrong_case",
     .yaml = "services:\n  api:\n    horizontal:\n      behavior:\n        scaleUp:\n"
             "          selectPolicy: max\n",
     .location = "case.yaml:6:25",
     .path = "services.api.horizontal.behavior.scaleUp.selectPolicy",
     .found = "\"max\"",
     .expected = "one of Max, Min, Disabled (did you mean \"Max\"?)"},
    {.name = "policy_type_misspelled",
     .yaml = "services:\n  api:\n    horizontal:\n      behavior:\n        scaleUp:\n"
             "          policies:\n            - type: Percentage\n              value: 50\n"
             "              periodSeconds: 60\n",
     .location = "case.yaml:7:21",
     .path = "services.api.horizontal.behavior.scaleUp.policies[0].type",
     .found = "\"Percentage\"",
     .expected = "one of Pods, Percent (did you mean \"Percent\"?)"},
    {.name = "update_mode_unknown",
     .yaml = "services:\n  api:\n    vertical:\n      updateMode: Sometimes\n",
     .location = "case.yaml:4:19",
     .path = "services.api.vertical.updateMode",
     .found = "\"Sometimes\"",
     .expected = "one of Off, Initial, Recreate, InPlaceOrRecreate, Auto"},
    {.name = "controlled_resource_unknown",
     .yaml = "services:\n  api:\n    vertical:\n      containerPolicies:\n        app:\n"
             "          controlledResources: [cpu, gpu]\n",
     .location = "case.yaml:6:38",
     .path = "services.api.vertical.containerPolicies.app.controlledResources[1]",
     .found = "\"gpu\"",
     .expected = "cpu or memory"},
    {.name = "container_name_invalid",
     .yaml = "services:\n  api:\n    vertical:\n      containerPolicies:\n        My_App:\n"
             "          mode: Auto\n",
     .location = "case.yaml:5:9",
     .path = "services.api.vertical.containerPolicies.My_App",
     .found = "container name \"My_App\"",
     .expected = "\"*\" (every container) or a DNS-1123 label"},
    {.name = "source_type_unknown",
     .yaml = "metricSources:\n  graph:\n    type: graphite\n",
     .location = "case.yaml:3:11",
     .path = "metricSources.graph.type",
     .found = "\"graphite\"",
     .expected = "one of cloudwatch, influxdb, prometheus, simulator, trace"},
    // --- ranges ----------------------------------------------------------------------------
    {.name = "min_replicas_negative",
     .yaml = "services:\n  api:\n    horizontal:\n      minReplicas: -1\n",
     .location = "case.yaml:4:20",
     .path = "services.api.horizontal.minReplicas",
     .found = "\"-1\"",
     .expected = "an integer >= 0"},
    {.name = "min_greater_than_max",
     .yaml = "services:\n  api:\n    horizontal:\n      minReplicas: 5\n      maxReplicas: 3\n",
     .location = "case.yaml:5:20",
     .path = "services.api.horizontal.maxReplicas",
     .found = "\"3\"",
     .expected = "at least horizontal.minReplicas (5, set at case.yaml:4:20)"},
    {.name = "min_greater_than_max_across_layers",
     .yaml = "defaults:\n  horizontal:\n    maxReplicas: 3\nservices:\n  api:\n    horizontal:\n"
             "      minReplicas: 5\n",
     .location = "case.yaml:3:18",
     .path = "defaults.horizontal.maxReplicas",
     .found = "\"3\"",
     .expected = "at least horizontal.minReplicas (5, set at case.yaml:7:20)"},
    {.name = "scale_to_zero_without_external_metric",
     .yaml = "services:\n  api:\n    horizontal:\n      minReplicas: 0\n",
     .location = "case.yaml:4:20",
     .path = "services.api.horizontal.minReplicas",
     .found = "\"0\"",
     .expected = "an Object or External metric to scale to zero"},
    {.name = "utilization_zero",
     .yaml = "services:\n  api:\n    horizontal:\n      metrics:\n        cpu:\n"
             "          utilization: 0\n",
     .location = "case.yaml:6:24",
     .path = "services.api.horizontal.metrics.cpu.utilization",
     .found = "\"0\"",
     .expected = "an integer >= 1"},
    {.name = "average_value_negative",
     .yaml = "services:\n  api:\n    horizontal:\n      metrics:\n        rps:\n"
             "          averageValue: \"-5\"\n",
     .location = "case.yaml:6:25",
     .path = "services.api.horizontal.metrics.rps.averageValue",
     .found = "\"-5\"",
     .expected = "a positive Kubernetes quantity"},
    {.name = "average_value_malformed",
     .yaml = "services:\n  api:\n    horizontal:\n      metrics:\n        rps:\n"
             "          averageValue: 12 requests\n",
     .location = "case.yaml:6:25",
     .path = "services.api.horizontal.metrics.rps.averageValue",
     .found = "\"12 requests\"",
     .expected = "Kubernetes quantity (e.g. 500m, 2, 1Gi)"},
    {.name = "stabilization_window_above_3600",
     .yaml = "services:\n  api:\n    horizontal:\n      behavior:\n        scaleDown:\n"
             "          stabilizationWindowSeconds: 3601\n",
     .location = "case.yaml:6:39",
     .path = "services.api.horizontal.behavior.scaleDown.stabilizationWindowSeconds",
     .found = "\"3601\"",
     .expected = "an integer from 0 to 3600"},
    {.name = "stabilization_window_negative",
     .yaml = "services:\n  api:\n    horizontal:\n      behavior:\n        scaleUp:\n"
             "          stabilizationWindowSeconds: -1\n",
     .location = "case.yaml:6:39",
     .path = "services.api.horizontal.behavior.scaleUp.stabilizationWindowSeconds",
     .found = "\"-1\"",
     .expected = "an integer from 0 to 3600"},
    {.name = "period_above_1800",
     .yaml = "services:\n  api:\n    horizontal:\n      behavior:\n        scaleUp:\n"
             "          policies:\n            - type: Pods\n              value: 1\n"
             "              periodSeconds: 1801\n",
     .location = "case.yaml:9:30",
     .path = "services.api.horizontal.behavior.scaleUp.policies[0].periodSeconds",
     .found = "\"1801\"",
     .expected = "an integer from 1 to 1800"},
    {.name = "period_zero",
     .yaml = "services:\n  api:\n    horizontal:\n      behavior:\n        scaleDown:\n"
             "          policies:\n            - type: Pods\n              value: 1\n"
             "              periodSeconds: 0\n",
     .location = "case.yaml:9:30",
     .path = "services.api.horizontal.behavior.scaleDown.policies[0].periodSeconds",
     .found = "\"0\"",
     .expected = "an integer from 1 to 1800"},
    {.name = "policy_value_zero",
     .yaml = "services:\n  api:\n    horizontal:\n      behavior:\n        scaleUp:\n"
             "          policies:\n            - type: Pods\n              value: 0\n"
             "              periodSeconds: 15\n",
     .location = "case.yaml:8:22",
     .path = "services.api.horizontal.behavior.scaleUp.policies[0].value",
     .found = "\"0\"",
     .expected = "an integer >= 1"},
    {.name = "empty_policies",
     .yaml = "services:\n  api:\n    horizontal:\n      behavior:\n        scaleUp:\n"
             "          policies: []\n",
     .location = "case.yaml:6:21",
     .path = "services.api.horizontal.behavior.scaleUp.policies",
     .found = "an empty list",
     .expected = "at least one policy"},
    {.name = "policy_without_period",
     .yaml = "services:\n  api:\n    horizontal:\n      behavior:\n        scaleUp:\n"
             "          policies:\n            - type: Pods\n              value: 2\n",
     .location = "case.yaml:7:15",
     .path = "services.api.horizontal.behavior.scaleUp.policies[0]",
     .found = "no \"periodSeconds\"",
     .expected = "a policy with type, value and periodSeconds"},
    {.name = "tolerance_above_1",
     .yaml = "services:\n  api:\n    horizontal:\n      behavior:\n        scaleUp:\n"
             "          tolerance: 1.5\n",
     .location = "case.yaml:6:22",
     .path = "services.api.horizontal.behavior.scaleUp.tolerance",
     .found = "\"1.5\"",
     .expected = "a number from 0 to 1"},
    {.name = "interval_shorter_than_tick",
     .yaml = "services:\n  api:\n    scalingInterval: 5s\n",
     .location = "case.yaml:3:22",
     .path = "services.api.scalingInterval",
     .found = "\"5s\"",
     .expected = "at least global.tickInterval (15s)"},
    {.name = "vertical_min_above_max",
     .yaml = "services:\n  api:\n    horizontal: {enabled: false}\n    vertical:\n"
             "      enabled: true\n      containerPolicies:\n        app:\n"
             "          minAllowed: {cpu: \"2\"}\n          maxAllowed: {cpu: 500m}\n",
     .location = "case.yaml:9:29",
     .path = "services.api.vertical.containerPolicies.app.maxAllowed.cpu",
     .found = "\"500m\"",
     .expected = "at least minAllowed.cpu (2, set at case.yaml:8:29)"},
    {.name = "vertical_cpu_below_a_millicore",
     .yaml = "services:\n  api:\n    vertical:\n      containerPolicies:\n        app:\n"
             "          minAllowed: {cpu: 0.5m}\n",
     .location = "case.yaml:6:29",
     .path = "services.api.vertical.containerPolicies.app.minAllowed.cpu",
     .found = "\"0.5m\"",
     .expected = "a whole number of millicores"},
    {.name = "controlled_values_with_mode_off",
     .yaml = "services:\n  api:\n    horizontal: {enabled: false}\n    vertical:\n"
             "      enabled: true\n      containerPolicies:\n        sidecar:\n"
             "          mode: \"Off\"\n          controlledValues: RequestsAndLimits\n",
     .location = "case.yaml:9:29",
     .path = "services.api.vertical.containerPolicies.sidecar.controlledValues",
     .found = "controlledValues with mode Off",
     .expected = "no controlledValues when the container's mode is Off"},
    {.name = "max_replicas_above_tier_quota",
     .yaml = "services:\n  api:\n    tenant: tiny\n    horizontal:\n      maxReplicas: 20\n",
     .location = "case.yaml:5:20",
     .path = "services.api.horizontal.maxReplicas",
     .found = "\"20\"",
     .expected = "at most the quota.maxReplicas 10 of tier free (base.yaml:21:3)"},
    {.name = "vertical_max_above_tier_quota",
     .yaml = "services:\n  api:\n    tenant: tiny\n    horizontal: {enabled: false}\n"
             "    vertical:\n      enabled: true\n      containerPolicies:\n        app:\n"
             "          maxAllowed: {memory: 16Gi}\n",
     .location = "case.yaml:9:32",
     .path = "services.api.vertical.containerPolicies.app.maxAllowed.memory",
     .found = "\"16Gi\"",
     .expected = "at most the quota.memory of tier free"},
    {.name = "tenant_minimums_above_tier_quota",
     .yaml = "services:\n  a:\n    tenant: tiny\n    horizontal: {minReplicas: 6, maxReplicas: 8}\n"
             "  b:\n    tenant: tiny\n    horizontal: {minReplicas: 6, maxReplicas: 8}\n",
     .location = "base.yaml:31:11",
     .path = "tenants.tiny.tier",
     .found = "services whose minReplicas add up to 12 in dev",
     .expected = "at most the quota.maxReplicas 10 of tier free",
     .errors = 2},  // dev and prod
    // --- references ------------------------------------------------------------------------
    {.name = "unknown_tenant",
     .yaml = "services:\n  api:\n    tenant: globex\n",
     .location = "case.yaml:3:13",
     .path = "services.api.tenant",
     .found = "\"globex\"",
     .expected = "a tenant of `tenants:` (acme, tiny) or shared"},
    {.name = "unknown_tier",
     .yaml = "tenants:\n  globex:\n    tier: platinum\n",
     .location = "case.yaml:3:11",
     .path = "tenants.globex.tier",
     .found = "\"platinum\"",
     .expected = "a tier of `tiers:` (free, gold)"},
    {.name = "unknown_default_tier",
     .yaml = "tiers:\n  free: {priority: 1}\nglobal:\n  defaultTier: platinum\n",
     .location = "case.yaml:4:16",
     .path = "global.defaultTier",
     .found = "\"platinum\"",
     .expected = "a tier of `tiers:` (free)",
     .with_base = false},
    {.name = "unknown_environment",
     .yaml = "services:\n  api:\n    environments: [prod, qa]\n",
     .location = "case.yaml:3:26",
     .path = "services.api.environments[1]",
     .found = "\"qa\"",
     .expected = "an environment of `environments:` (dev, prod)"},
    {.name = "unknown_per_environment",
     .yaml = "services:\n  api:\n    perEnvironment:\n      qa:\n        mode: recommend\n",
     .location = "case.yaml:4:7",
     .path = "services.api.perEnvironment.qa",
     .found = "unknown environment \"qa\"",
     .expected = "an environment of `environments:` (dev, prod)"},
    {.name = "unknown_metric",
     .yaml = "services:\n  api:\n    horizontal:\n      metrics:\n        rsp:\n"
             "          averageValue: \"10\"\n",
     .location = "case.yaml:5:9",
     .path = "services.api.horizontal.metrics.rsp",
     .found = "unknown metric \"rsp\"",
     .expected = "did you mean \"rps\"?"},
    {.name = "unknown_metric_source",
     .yaml = "services:\n  api:\n    horizontal:\n      metrics:\n        rps:\n"
             "          averageValue: \"10\"\n          source: graphite\n",
     .location = "case.yaml:7:19",
     .path = "services.api.horizontal.metrics.rps.source",
     .found = "\"graphite\"",
     .expected = "a metric source of `metricSources:` (prom) or cluster"},
    {.name = "catalogue_unknown_source",
     .yaml = "metrics:\n  lag:\n    type: External\n    source: kafka\n",
     .location = "case.yaml:4:13",
     .path = "metrics.lag.source",
     .found = "\"kafka\"",
     .expected = "a metric source of `metricSources:` (prom)"},
    {.name = "catalogue_without_source",
     .yaml = "metrics:\n  lag:\n    type: External\n",
     .location = "case.yaml:3:5",
     .path = "metrics.lag",
     .found = "no \"source\"",
     .expected = "the metric source that serves this metric"},
    {.name = "tier_without_priority",
     .yaml = "tiers:\n  silver:\n    description: between free and gold\n",
     .location = "case.yaml:3:5",
     .path = "tiers.silver",
     .found = "no \"priority\"",
     .expected = "a priority from 0 to 1000"},
    {.name = "tenant_named_shared",
     .yaml = "tenants:\n  shared:\n    tier: gold\n",
     .location = "case.yaml:2:3",
     .path = "tenants.shared",
     .found = "the tenant name \"shared\"",
     .expected = "another name"},
    {.name = "tenant_and_tenants",
     .yaml = "services:\n  api:\n    tenant: acme\n    tenants: [tiny]\n",
     .location = "case.yaml:4:5",
     .path = "services.api.tenants",
     .found = "both tenant and tenants",
     .expected = "one of them"},
    {.name = "tier_on_a_tenant_service",
     .yaml = "services:\n  api:\n    tenant: acme\n    tier: free\n",
     .location = "case.yaml:4:11",
     .path = "services.api.tier",
     .found = "\"free\"",
     .expected = "no tier on a tenant's service"},
    {.name = "shared_service_without_tier",
     .yaml = "environments:\n  prod: {}\nservices:\n  api:\n    namespace: edge\n",
     .location = "case.yaml:4:3",
     .path = "services.api",
     .found = "a shared service without a tier",
     .expected = "`tier:` on the service, or global.defaultTier",
     .with_base = false},
    // --- metrics and conflicts -------------------------------------------------------------
    {.name = "two_targets_in_one_metric",
     .yaml = "services:\n  api:\n    horizontal:\n      metrics:\n        cpu:\n"
             "          utilization: 60\n          averageValue: 500m\n",
     .location = "case.yaml:7:25",
     .path = "services.api.horizontal.metrics.cpu.averageValue",
     .found = "utilization and averageValue together",
     .expected = "one target for a Resource metric: utilization or averageValue"},
    {.name = "target_not_allowed_for_type",
     .yaml = "services:\n  api:\n    horizontal:\n      metrics:\n        rps:\n"
             "          utilization: 50\n",
     .location = "case.yaml:6:24",
     .path = "services.api.horizontal.metrics.rps.utilization",
     .found = "utilization for a Pods metric",
     .expected = "one target for a Pods metric: averageValue"},
    {.name = "metric_without_target",
     .yaml = "services:\n  api:\n    horizontal:\n      metrics:\n        queue:\n"
             "          window: 2m\n",
     .location = "case.yaml:5:9",
     .path = "services.api.horizontal.metrics.queue",
     .found = "no target",
     .expected = "one target for a External metric: value or averageValue"},
    {.name = "resource_type_for_custom_metric",
     .yaml = "services:\n  api:\n    horizontal:\n      metrics:\n        rps:\n"
             "          type: Resource\n          averageValue: \"5\"\n",
     .location = "case.yaml:6:17",
     .path = "services.api.horizontal.metrics.rps.type",
     .found = "\"Resource\" for rps",
     .expected = "Pods, Object or External"},
    {.name = "container_resource_without_container",
     .yaml = "services:\n  api:\n    horizontal:\n      metrics:\n        memory:\n"
             "          type: ContainerResource\n          averageValue: 1Gi\n",
     .location = "case.yaml:5:9",
     .path = "services.api.horizontal.metrics.memory",
     .found = "a ContainerResource metric without container",
     .expected = "`container:` naming the container"},
    {.name = "object_metric_without_described_object",
     .yaml = "metrics:\n  latency:\n    type: Object\n    source: prom\nservices:\n  api:\n"
             "    horizontal:\n      metrics:\n        latency:\n          value: \"200\"\n",
     .location = "case.yaml:9:9",
     .path = "services.api.horizontal.metrics.latency",
     .found = "an Object metric without describedObject kind and name",
     .expected = "`describedObject: {kind, name}`"},
    {.name = "cluster_source_for_pods_metric",
     .yaml = "services:\n  api:\n    horizontal:\n      metrics:\n        rps:\n"
             "          averageValue: \"10\"\n          source: cluster\n",
     .location = "case.yaml:7:19",
     .path = "services.api.horizontal.metrics.rps.source",
     .found = "source cluster for a Pods metric",
     .expected = "the cluster serves only cpu and memory"},
    {.name = "hpa_and_vpa_both_drive_cpu",
     .yaml = "services:\n  api:\n    horizontal:\n      metrics:\n        cpu:\n"
             "          utilization: 60\n    vertical:\n      enabled: true\n"
             "      updateMode: Auto\n",
     .location = "case.yaml:5:9",
     .path = "services.api.horizontal.metrics.cpu",
     .found = "cpu driven both horizontally and by vertical (every container, set at "
              "case.yaml:8:16) with updateMode Auto",
     .expected = "one autoscaler per resource"},
    {.name = "hpa_default_metric_and_vpa_drive_cpu",
     .yaml = "services:\n  api:\n    vertical:\n      enabled: true\n      updateMode: Initial\n",
     .location = "case.yaml:4:16",
     .path = "services.api.vertical.enabled",
     .found = "cpu driven both horizontally (Kubernetes' default metric)",
     .expected = "one autoscaler per resource"},
    {.name = "container_metric_and_container_policy_drive_cpu",
     .yaml = "services:\n  api:\n    horizontal:\n      metrics:\n        cpu:\n"
             "          type: ContainerResource\n          container: app\n"
             "          utilization: 60\n    vertical:\n      enabled: true\n"
             "      updateMode: Recreate\n      containerPolicies:\n        app:\n"
             "          controlledResources: [cpu]\n",
     .location = "case.yaml:5:9",
     .path = "services.api.horizontal.metrics.cpu",
     .found = "by vertical.containerPolicies.app (set at case.yaml:13:9) with updateMode Recreate",
     .expected = "leave cpu out of controlledResources"},
    {.name = "two_services_scale_one_workload",
     .yaml =
         "services:\n  api:\n    tenant: acme\n  api-v2:\n    tenant: acme\n    workload: api\n",
     .location = "case.yaml:4:3",
     .path = "services.api-v2",
     .found = "workload dev/acme/acme/api also scaled by service api (case.yaml:2:3)",
     .expected = "one service per workload",
     .errors = 2},  // dev and prod
    // --- environment variables -------------------------------------------------------------
    {.name = "env_mode_invalid",
     .yaml = "",
     .location = "environment variable AUTOSCALING_MODE",
     .path = "AUTOSCALING_MODE",
     .found = "\"fast\"",
     .expected = "one of kubernetes, predictive, intelligent, recommend",
     .env = {{"AUTOSCALING_MODE", "fast"}}},
    {.name = "env_min_replicas_not_integer",
     .yaml = "",
     .location = "environment variable MIN_REPLICAS",
     .path = "MIN_REPLICAS",
     .found = "\"two\"",
     .expected = "an integer >= 0",
     .env = {{"MIN_REPLICAS", "two"}}},
    {.name = "env_max_replicas_zero",
     .yaml = "",
     .location = "environment variable MAX_REPLICAS",
     .path = "MAX_REPLICAS",
     .found = "\"0\"",
     .expected = "an integer >= 1",
     .env = {{"MAX_REPLICAS", "0"}}},
    {.name = "env_interval_without_unit",
     .yaml = "",
     .location = "environment variable SCALING_INTERVAL",
     .path = "SCALING_INTERVAL",
     .found = "\"30\"",
     .expected = "a duration from 1s to 1h0m0s",
     .env = {{"SCALING_INTERVAL", "30"}}},
    {.name = "env_isolation_yes",
     .yaml = "",
     .location = "environment variable TENANT_ISOLATION",
     .path = "TENANT_ISOLATION",
     .found = "\"yes\"",
     .expected = "strict, soft or none",
     .env = {{"TENANT_ISOLATION", "yes"}}},
    {.name = "env_cost_optimization_empty",
     .yaml = "",
     .location = "environment variable COST_OPTIMIZATION",
     .path = "COST_OPTIMIZATION",
     .found = "an empty value",
     .expected = "unset the variable",
     .env = {{"COST_OPTIMIZATION", ""}}},
    {.name = "env_min_above_env_max",
     .yaml = "",
     .location = "environment variable MIN_REPLICAS",
     .path = "MIN_REPLICAS",
     .found = "\"8\"",
     .expected = "at most MAX_REPLICAS (4)",
     .env = {{"MIN_REPLICAS", "8"}, {"MAX_REPLICAS", "4"}}},
    {.name = "env_min_above_service_max",
     .yaml = "services:\n  api:\n    tenant: acme\n    horizontal:\n      maxReplicas: 3\n",
     .location = "environment variable MIN_REPLICAS",
     .path = "MIN_REPLICAS",
     .found = "\"5\"",
     .expected = "at most horizontal.maxReplicas (3, set at case.yaml:5:20)",
     .env = {{"MIN_REPLICAS", "5"}}},
    {.name = "env_interval_shorter_than_tick",
     .yaml = "services:\n  api:\n    tenant: acme\n",
     .location = "environment variable SCALING_INTERVAL",
     .path = "SCALING_INTERVAL",
     .found = "\"5s\"",
     .expected = "at least global.tickInterval (15s)",
     .env = {{"SCALING_INTERVAL", "5s"}}},
    // --- Kubernetes manifests --------------------------------------------------------------
    {.name = "hpa_api_version_v1",
     .yaml = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: api}\n"
             "spec: {}\n",
     .location = "case.yaml:1:13",
     .path = "apiVersion",
     .found = "\"autoscaling/v1\"",
     .expected = "autoscaling/v2"},
    {.name = "hpa_without_max_replicas",
     .yaml = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\n"
             "spec:\n  scaleTargetRef: {kind: Deployment, name: api}\n",
     .location = "case.yaml:6:3",
     .path = "spec",
     .found = "no \"maxReplicas\"",
     .expected = "the upper bound of replicas"},
    {.name = "hpa_utilization_target_without_value",
     .yaml = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\n"
             "spec:\n  scaleTargetRef: {kind: Deployment, name: api}\n  maxReplicas: 5\n"
             "  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n"
             "      target:\n        type: Utilization\n",
     .location = "case.yaml:13:9",
     .path = "spec.metrics[0].resource.target",
     .found = "no \"averageUtilization\"",
     .expected = "the target's averageUtilization"},
    {.name = "vpa_unsupported_target_kind",
     .yaml = "apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata:\n"
             "  name: db\nspec:\n  targetRef:\n    kind: CronJob\n    name: db\n",
     .location = "case.yaml:7:11",
     .path = "spec.targetRef.kind",
     .found = "\"CronJob\"",
     .expected = "one of Deployment, StatefulSet, ReplicaSet"},
};

INSTANTIATE_TEST_SUITE_P(Rules, InvalidConfigTest, ::testing::ValuesIn(kInvalidCases),
                         [](const ::testing::TestParamInfo<InvalidCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(InvalidConfigTableTest, HasAtLeastThirtyCases) { EXPECT_GE(std::size(kInvalidCases), 30u); }

TEST(ValidationTest, ReportsEveryErrorOfARunAtOnce) {
  LoadResult result = testing::LoadWithBase(
      "services:\n  api:\n    mode: fast\n    horizontal:\n      maxReplicas: 0\n"
      "  web:\n    tenant: nobody\n",
      {{"MIN_REPLICAS", "x"}});
  ASSERT_FALSE(result.ok());
  std::vector<std::string> locations;
  for (const Diagnostic& d : result.diagnostics) locations.push_back(d.location.ToString());
  EXPECT_THAT(locations,
              ::testing::ElementsAre("case.yaml:3:11", "case.yaml:5:20", "case.yaml:7:13",
                                     "environment variable MIN_REPLICAS"));
  EXPECT_THAT(result.Report(), HasSubstr("4 errors, 0 warnings"));
}

TEST(ValidationTest, MergesOneErrorOfSeveralServicesAndListsThem) {
  LoadResult result = testing::LoadWithBase(
      "defaults:\n  horizontal:\n    maxReplicas: 0\nservices:\n  api:\n    tenant: acme\n");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 1u) << result.Report();
  EXPECT_EQ(result.diagnostics[0].location.ToString(), "case.yaml:3:18");
  EXPECT_THAT(result.diagnostics[0].workloads,
              ::testing::ElementsAre("dev/acme/acme/api", "prod/acme/acme/api"));
  EXPECT_THAT(result.diagnostics[0].ToString(),
              HasSubstr("(affects dev/acme/acme/api, prod/acme/acme/api)"));
}

TEST(ValidationTest, LimitsDeepNesting) {
  std::string deep = "services: " + std::string(80, '[') + std::string(80, ']') + "\n";
  LoadResult result = LoadConfig(std::vector<SourceText>{{"deep.yaml", deep}}, LoadOptions{});
  ASSERT_FALSE(result.ok());
  auto deep_error =
      std::find_if(result.diagnostics.begin(), result.diagnostics.end(), [](const Diagnostic& d) {
        return d.found.find("nesting deeper than 64 levels") != std::string::npos;
      });
  ASSERT_NE(deep_error, result.diagnostics.end()) << result.Report();
  EXPECT_EQ(deep_error->location.ToString(), "deep.yaml:1:75");
}

TEST(ValidationTest, LimitsAliasExpansion) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  const char* names[] = {"a", "b", "c", "d", "e", "f"};
  for (int level = 1; level < 6; ++level) {
    text += std::string(names[level]) + ": &" + names[level] + " [";
    for (int i = 0; i < 10; ++i) text += std::string(i ? ", *" : "*") + names[level - 1];
    text += "]\n";
  }
  LoadResult result = LoadConfig(std::vector<SourceText>{{"bomb.yaml", text}}, LoadOptions{});
  ASSERT_FALSE(result.ok());
  bool limited = false;
  for (const Diagnostic& d : result.diagnostics) {
    limited = limited || d.found.find("more than 200000 nodes") != std::string::npos;
  }
  EXPECT_TRUE(limited) << result.Report();
}

}  // namespace
}  // namespace crescendo::config
