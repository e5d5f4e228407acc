#include "config/merge.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/node.h"

namespace crescendo::config {
namespace {

Node Parse(const std::string& text, const std::string& file) {
  DiagnosticList diagnostics;
  std::vector<Node> documents = ParseDocuments(text, file, diagnostics);
  EXPECT_FALSE(diagnostics.has_errors());
  return documents.empty() ? Node{} : documents.front();
}

struct MergeCase {
  const char* name;
  const char* base;
  const char* overlay;
  const char* expected;
};

class MergeRulesTest : public ::testing::TestWithParam<MergeCase> {};

TEST_P(MergeRulesTest, MergesAsDocumented) {
  const MergeCase& c = GetParam();
  Node base = Parse(c.base, "base.yaml");
  MergeSettings(base, Parse(c.overlay, "overlay.yaml"));
  EXPECT_EQ(EmitYaml(base), EmitYaml(Parse(c.expected, "expected.yaml")));
}

const MergeCase kMergeCases[] = {
    {"maps_merge_key_by_key", "{a: 1, b: 2}", "{b: 3, c: 4}", "{a: 1, b: 3, c: 4}"},
    {"nested_maps_merge", "{horizontal: {minReplicas: 1, maxReplicas: 10}}",
     "{horizontal: {maxReplicas: 20}}", "{horizontal: {minReplicas: 1, maxReplicas: 20}}"},
    {"lists_replace_not_append", "{policies: [{type: Pods}, {type: Percent}]}",
     "{policies: [{type: Percent}]}", "{policies: [{type: Percent}]}"},
    {"scalar_replaced_by_map", "{a: 1}", "{a: {b: 2}}", "{a: {b: 2}}"},
    {"map_replaced_by_scalar", "{a: {b: 2}}", "{a: 1}", "{a: 1}"},
    {"list_replaced_by_map", "{a: [1, 2]}", "{a: {b: 2}}", "{a: {b: 2}}"},
    {"null_removes_a_key", "{a: 1, b: 2}", "{a: ~}", "{b: 2}"},
    {"empty_value_removes_a_key", "{a: 1, b: 2}", "a:\n", "{b: 2}"},
    {"null_removes_an_inherited_metric",
     "{horizontal: {metrics: {cpu: {utilization: 70}, rps: {averageValue: 5}}}}",
     "{horizontal: {metrics: {cpu: null}}}", "{horizontal: {metrics: {rps: {averageValue: 5}}}}"},
    {"null_for_an_absent_key_is_a_no_op", "{a: 1}", "{z: ~}", "{a: 1}"},
    {"metric_target_replaces_the_other_targets",
     "{horizontal: {metrics: {cpu: {utilization: 70, window: 1m}}}}",
     "{horizontal: {metrics: {cpu: {averageValue: 500m}}}}",
     "{horizontal: {metrics: {cpu: {window: 1m, averageValue: 500m}}}}"},
    {"metric_without_a_target_keeps_the_inherited_one",
     "{horizontal: {metrics: {cpu: {utilization: 70}}}}",
     "{horizontal: {metrics: {cpu: {window: 2m}}}}",
     "{horizontal: {metrics: {cpu: {utilization: 70, window: 2m}}}}"},
    {"target_keys_outside_metrics_merge_normally", "{labels: {value: a, utilization: b}}",
     "{labels: {averageValue: c}}", "{labels: {value: a, utilization: b, averageValue: c}}"},
    {"base_key_order_kept_new_keys_appended", "{b: 1, a: 2}", "{c: 3, b: 4}", "{b: 4, a: 2, c: 3}"},
    {"container_policies_merge_by_container",
     "{vertical: {containerPolicies: {app: {mode: Auto, maxAllowed: {cpu: 2}}}}}",
     "{vertical: {containerPolicies: {app: {maxAllowed: {memory: 1Gi}}, sidecar: {mode: 'Off'}}}}",
     "{vertical: {containerPolicies: {app: {mode: Auto, maxAllowed: {cpu: 2, memory: 1Gi}}, "
     "sidecar: {mode: 'Off'}}}}"},
};

INSTANTIATE_TEST_SUITE_P(Rules, MergeRulesTest, ::testing::ValuesIn(kMergeCases),
                         [](const ::testing::TestParamInfo<MergeCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(MergeTest, EveryValueKeepsTheLocationWhereItWasWritten) {
  Node base = Parse("horizontal:\n  minReplicas: 1\n  maxReplicas: 10\n", "defaults.yaml");
  MergeSettings(base, Parse("horizontal:\n  maxReplicas: 40\n", "prod.yaml"));
  const Node* horizontal = base.Find("horizontal");
  ASSERT_NE(horizontal, nullptr);
  EXPECT_EQ(horizontal->Find("minReplicas")->location.ToString(), "defaults.yaml:2:16");
  EXPECT_EQ(horizontal->Find("maxReplicas")->location.ToString(), "prod.yaml:2:16");
  EXPECT_EQ(horizontal->Find("maxReplicas")->path, "horizontal.maxReplicas");
}

TEST(MergeTest, MergeLayersAppliesLeastSpecificFirstAndSkipsMissingLayers) {
  Node defaults = Parse("{mode: kubernetes, namespace: a}", "d.yaml");
  Node environment = Parse("{mode: predictive}", "e.yaml");
  Node service = Parse("{mode: recommend, namespace: b}", "s.yaml");
  const Node* layers[] = {&defaults, nullptr, &environment, &service};
  Node merged = MergeLayers(layers, Location::InFile("s.yaml", 1, 1), "services.x");
  EXPECT_EQ(merged.Find("mode")->scalar, "recommend");
  EXPECT_EQ(merged.Find("namespace")->location.file, "s.yaml");
  EXPECT_EQ(merged.path, "services.x");
  const Node* only_defaults[] = {&defaults};
  EXPECT_EQ(MergeLayers(only_defaults, Location::BuiltIn(), "").Find("mode")->scalar, "kubernetes");
}

}  // namespace
}  // namespace crescendo::config
