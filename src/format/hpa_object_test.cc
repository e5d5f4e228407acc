#include "crescendo/format/hpa_object.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace crescendo::format {
namespace {

// The `spec:` of a document named h.yaml, decoded; `problems` as text, one a line, with a
// "warning: " prefix for unsupported fields and "missing KEY (VALUE): " for missing ones.
struct Decoded {
  YamlNode root;  // the spec points into it
  HpaSpec spec;
  std::string problems;
};

std::unique_ptr<Decoded> Decode(const std::string& yaml) {
  auto out = std::make_unique<Decoded>();
  StatusOr<YamlNode> root = ParseYamlDocument(yaml, "h.yaml");
  EXPECT_TRUE(root.ok()) << root.status().ToString();
  if (root.ok()) out->root = *std::move(root);
  std::vector<HpaProblem> problems;
  out->spec = DecodeHpaSpec(out->root["spec"], problems);
  for (const HpaProblem& p : problems) {
    if (p.unsupported())
      out->problems += p.changes_result ? "warning (changes result): " : "warning: ";
    if (p.kind == HpaProblem::Kind::kMissing) {
      out->problems += "missing " + p.key + " (" + p.value + "): ";
    }
    out->problems += p.problem.ToString() + "\n";
  }
  return out;
}

TEST(HpaObjectTest, DecodesEveryField) {
  const std::string yaml = R"(spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: api}
  minReplicas: 2
  maxReplicas: 9
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 65}}
  - type: ContainerResource
    containerResource:
      name: memory
      container: app
      target: {type: AverageValue, averageValue: 600Mi}
  - type: Pods
    pods:
      metric: {name: rps, selector: {matchLabels: {verb: GET}}}
      target: {type: AverageValue, averageValue: "50"}
  - type: Object
    object:
      describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: api}
      metric: {name: latency}
      target: {type: Value, value: 200}
  - type: External
    external:
      metric: {name: queue}
      target: {type: AverageValue, averageValue: 30}
  behavior:
    scaleUp:
      tolerance: "0.05"
      policies: [{type: Percent, value: 100, periodSeconds: 15}]
    scaleDown:
      stabilizationWindowSeconds: 120
      selectPolicy: Min
      tolerance: 0.1
      policies:
      - {type: Pods, value: 1, periodSeconds: 60}
)";
  const auto decoded = Decode(yaml);
  const HpaSpec& spec = decoded->spec;
  EXPECT_EQ(decoded->problems, "");
  EXPECT_EQ(spec.target_kind.value, "StatefulSet");
  EXPECT_EQ(spec.target_name.value, "api");
  EXPECT_EQ(spec.target_api_version.value, "apps/v1");
  EXPECT_EQ(spec.min_replicas.value, 2);
  EXPECT_EQ(spec.max_replicas.value, 9);
  EXPECT_EQ(spec.max_replicas.node->location.ToString(), "h.yaml:4:16");
  ASSERT_EQ(spec.metrics.size(), 5u);
  const HpaMetric& cpu = spec.metrics[0];
  EXPECT_EQ(cpu.type.value, HpaMetricType::kResource);
  EXPECT_EQ(cpu.name.value, "cpu");
  EXPECT_EQ(cpu.target.type.value, HpaTargetType::kUtilization);
  EXPECT_EQ(cpu.target.average_utilization.value, 65);
  EXPECT_EQ(cpu.target.average_utilization.node->path,
            "spec.metrics[0].resource.target.averageUtilization");
  EXPECT_EQ(spec.metrics[1].container.value, "app");
  EXPECT_EQ(spec.metrics[1].target.average_value.value.ToString(), "600Mi");
  EXPECT_EQ(spec.metrics[2].name.value, "rps");
  EXPECT_EQ(spec.metrics[2].match_labels.value.at("verb"), "GET");
  EXPECT_EQ(spec.metrics[3].type.value, HpaMetricType::kObject);
  EXPECT_EQ(spec.metrics[3].described_kind.value, "Ingress");
  EXPECT_EQ(spec.metrics[3].described_api_version.value, "networking.k8s.io/v1");
  EXPECT_EQ(spec.metrics[3].target.value.value.MilliValue(), 200000);
  EXPECT_EQ(spec.metrics[4].target.average_value.value.MilliValue(), 30000);
  ASSERT_TRUE(spec.scale_up.has_value());
  EXPECT_DOUBLE_EQ(spec.scale_up->tolerance.value, 0.05);
  ASSERT_EQ(spec.scale_up->policies.size(), 1u);
  EXPECT_EQ(spec.scale_up->policies[0].type, HpaPolicyType::kPercent);
  EXPECT_EQ(spec.scale_up->policies[0].value, 100);
  EXPECT_EQ(spec.scale_up->policies[0].period_seconds, 15);
  ASSERT_TRUE(spec.scale_down.has_value());
  EXPECT_EQ(spec.scale_down->stabilization_window_seconds.value, 120);
  EXPECT_EQ(spec.scale_down->select_policy.value, HpaSelectPolicy::kMin);
  EXPECT_DOUBLE_EQ(spec.scale_down->tolerance.value, 0.1);
  EXPECT_EQ(spec.scale_down->policies[0].type, HpaPolicyType::kPods);
}

TEST(HpaObjectTest, ANullSpecHasOnlyMaxReplicasMissing) {
  const auto decoded = Decode("spec:\n");
  const HpaSpec& spec = decoded->spec;
  EXPECT_EQ(decoded->problems,
            "missing maxReplicas (an integer): h.yaml:1:1: spec: found no \"maxReplicas\", "
            "expected the upper bound of replicas\n");
  EXPECT_TRUE(spec.metrics.empty());
  EXPECT_EQ(spec.behavior, nullptr);
}

// A target's value field that is not its type's is reported yet decoded (Kubernetes' controller
// reads whichever is set).
TEST(HpaObjectTest, DecodesAValueFieldOfAnotherType) {
  const auto decoded = Decode(
      "spec:\n  maxReplicas: 3\n  metrics:\n  - type: Resource\n    resource:\n"
      "      name: cpu\n      target: {type: Utilization, averageUtilization: 50, "
      "averageValue: 200m}\n");
  EXPECT_EQ(decoded->problems,
            "warning: h.yaml:7:59: spec.metrics[0].resource.target.averageValue: found "
            "unsupported field \"averageValue\", expected type and averageUtilization for a "
            "Utilization target; the field is ignored\n");
  const HpaSpec& spec = decoded->spec;
  ASSERT_EQ(spec.metrics.size(), 1u);
  EXPECT_EQ(spec.metrics[0].target.average_value.value.MilliValue(), 200);
}

struct ProblemCase {
  const char* name;
  const char* spec;  // after "spec:\n  maxReplicas: 5\n"; starts on line 3
  const char* problems;
  size_t metrics = 0;  // well-formed metrics left
};

class HpaProblemTest : public ::testing::TestWithParam<ProblemCase> {};

TEST_P(HpaProblemTest, IsReportedWhereItIsWritten) {
  const ProblemCase& c = GetParam();
  const auto decoded = Decode(std::string("spec:\n  maxReplicas: 5\n") + c.spec);
  EXPECT_EQ(decoded->problems, c.problems);
  EXPECT_EQ(decoded->spec.metrics.size(), c.metrics);
}

const ProblemCase kProblemCases[] = {
    {"well_formed", "", ""},
    {"unknown_spec_field", "  replicas: 3\n",
     "warning: h.yaml:3:3: spec.replicas: found unsupported field \"replicas\", expected "
     "scaleTargetRef, minReplicas, maxReplicas, metrics and behavior; the field is ignored\n"},
    {"negative_min_replicas", "  minReplicas: -1\n",
     "h.yaml:3:16: spec.minReplicas: found -1, expected 0 or more\n"},
    {"quoted_min_replicas", "  minReplicas: \"2\"\n",
     "h.yaml:3:16: spec.minReplicas: found \"2\", expected an integer\n"},
    {"fractional_min_replicas", "  minReplicas: 1.5\n",
     "h.yaml:3:16: spec.minReplicas: found 1.5, expected an integer\n"},
    {"min_replicas_beyond_int32", "  minReplicas: 3000000000\n",
     "h.yaml:3:16: spec.minReplicas: found 3000000000, expected a 32-bit integer\n"},
    {"max_below_min", "  minReplicas: 6\n",
     "h.yaml:2:16: spec.maxReplicas: found 5, expected at least 1 and at least minReplicas\n"},
    {"metrics_not_a_list", "  metrics: {type: Resource}\n",
     "h.yaml:3:12: spec.metrics: found a map, expected a list of metrics\n"},
    {"metric_not_a_map", "  metrics: [cpu]\n",
     "h.yaml:3:13: spec.metrics[0]: found \"cpu\", expected a map\n"},
    {"metric_without_type", "  metrics: [{resource: {name: cpu}}]\n",
     "missing type (a string): h.yaml:3:13: spec.metrics[0]: found no \"type\", expected one of "
     "Resource, ContainerResource, Pods, Object, External\n"},
    {"unknown_metric_type", "  metrics: [{type: Resources}]\n",
     "h.yaml:3:20: spec.metrics[0].type: found \"Resources\", expected one of Resource, "
     "ContainerResource, Pods, Object, External\n"},
    {"metric_without_its_source", "  metrics: [{type: Pods}]\n",
     "missing pods (a map): h.yaml:3:13: spec.metrics[0]: found no \"pods\", expected the pods "
     "of the metric\n"},
    {"metric_with_another_source",
     "  metrics: [{type: Pods, pods: {metric: {name: a}, target: {type: AverageValue, "
     "averageValue: 1}}, external: {}}]\n",
     "warning: h.yaml:3:100: spec.metrics[0].external: found unsupported field \"external\", "
     "expected type and pods; the field is ignored\n",
     1},
    {"container_resource_without_container",
     "  metrics:\n  - type: ContainerResource\n    containerResource:\n      name: cpu\n"
     "      target: {type: Utilization, averageUtilization: 60}\n",
     "missing container (a string): h.yaml:6:7: spec.metrics[0].containerResource: found no "
     "\"container\", expected the container\n"},
    {"object_without_described_kind",
     "  metrics:\n  - type: Object\n    object:\n      describedObject: {name: ing}\n"
     "      metric: {name: rps}\n      target: {type: Value, value: 10}\n",
     "missing kind (a string): h.yaml:6:24: spec.metrics[0].object.describedObject: found no "
     "\"kind\", expected the object's kind\n"},
    {"pods_without_metric_name",
     "  metrics:\n  - type: Pods\n    pods:\n      metric: {}\n"
     "      target: {type: AverageValue, averageValue: 10}\n",
     "missing name (a string): h.yaml:6:15: spec.metrics[0].pods.metric: found no \"name\", "
     "expected the metric's name\n"},
    {"match_expressions",
     "  metrics:\n  - type: External\n    external:\n      metric:\n        name: q\n"
     "        selector: {matchExpressions: [{key: a, operator: Exists}]}\n"
     "      target: {type: Value, value: 5}\n",
     "warning (changes result): h.yaml:8:20: spec.metrics[0].external.metric.selector."
     "matchExpressions: found unsupported field \"matchExpressions\", expected matchLabels "
     "(matchExpressions are not supported); the field is ignored\n",
     1},
    {"empty_match_expressions",
     "  metrics:\n  - type: External\n    external:\n      metric:\n        name: q\n"
     "        selector: {matchExpressions: []}\n      target: {type: Value, value: 5}\n",
     "warning: h.yaml:8:20: spec.metrics[0].external.metric.selector.matchExpressions: found "
     "unsupported field \"matchExpressions\", expected matchLabels (matchExpressions are not "
     "supported); the field is ignored\n",
     1},
    {"label_not_a_string",
     "  metrics:\n  - type: External\n    external:\n      metric:\n        name: q\n"
     "        selector: {matchLabels: {a: [1]}}\n      target: {type: Value, value: 5}\n",
     "h.yaml:8:37: spec.metrics[0].external.metric.selector.matchLabels.a: found a sequence, "
     "expected a string\n"},
    {"unknown_target_type",
     "  metrics: [{type: Resource, resource: {name: cpu, target: {type: Percent}}}]\n",
     "h.yaml:3:67: spec.metrics[0].resource.target.type: found \"Percent\", expected one of "
     "Utilization, Value, AverageValue\n"},
    {"target_without_its_value",
     "  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization}}}]\n",
     "missing averageUtilization (a percentage above 0): h.yaml:3:60: "
     "spec.metrics[0].resource.target: found no \"averageUtilization\", expected the target's "
     "averageUtilization\n"},
    {"zero_utilization",
     "  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, "
     "averageUtilization: 0}}}]\n",
     "h.yaml:3:100: spec.metrics[0].resource.target.averageUtilization: found 0, expected a "
     "percentage above 0\n"},
    {"bad_quantity",
     "  metrics: [{type: External, external: {metric: {name: q}, target: {type: Value, value: "
     "lots}}}]\n",
     "h.yaml:3:89: spec.metrics[0].external.target.value: found \"lots\", expected a quantity "
     "such as \"250m\" or \"1Gi\"\n"},
    {"one_bad_metric_of_two",
     "  metrics:\n  - {type: Resource, resource: {name: cpu, target: {type: Utilization, "
     "averageUtilization: 50}}}\n  - {type: Nope}\n",
     "h.yaml:5:12: spec.metrics[1].type: found \"Nope\", expected one of Resource, "
     "ContainerResource, Pods, Object, External\n",
     1},
    {"behavior_not_a_map", "  behavior: fast\n",
     "h.yaml:3:13: spec.behavior: found \"fast\", expected a map\n"},
    {"unknown_behavior_field", "  behavior: {scaleSideways: {}}\n",
     "warning: h.yaml:3:14: spec.behavior.scaleSideways: found unsupported field "
     "\"scaleSideways\", expected scaleUp and scaleDown; the field is ignored\n"},
    {"bad_select_policy", "  behavior: {scaleUp: {selectPolicy: Fastest}}\n",
     "h.yaml:3:38: spec.behavior.scaleUp.selectPolicy: found \"Fastest\", expected one of Max, "
     "Min, Disabled\n"},
    {"bad_stabilization_window", "  behavior: {scaleDown: {stabilizationWindowSeconds: 5m}}\n",
     "h.yaml:3:54: spec.behavior.scaleDown.stabilizationWindowSeconds: found \"5m\", expected "
     "an integer\n"},
    {"policy_period_out_of_range",
     "  behavior: {scaleDown: {policies: [{type: Pods, value: 1, periodSeconds: 3600}]}}\n",
     "h.yaml:3:75: spec.behavior.scaleDown.policies[0].periodSeconds: found 3600, expected 1 to "
     "1800 seconds\n"},
    {"policy_without_value",
     "  behavior: {scaleDown: {policies: [{type: Pods, periodSeconds: 60}]}}\n",
     "missing value (an integer): h.yaml:3:37: spec.behavior.scaleDown.policies[0]: found no "
     "\"value\", expected the policy's value\n"},
    {"bad_policy_type",
     "  behavior: {scaleUp: {policies: [{type: Replicas, value: 1, periodSeconds: 60}]}}\n",
     "h.yaml:3:42: spec.behavior.scaleUp.policies[0].type: found \"Replicas\", expected Pods or "
     "Percent\n"},
    {"bad_tolerance", "  behavior: {scaleUp: {tolerance: some}}\n",
     "h.yaml:3:35: spec.behavior.scaleUp.tolerance: found \"some\", expected a finite number\n"},
};

INSTANTIATE_TEST_SUITE_P(Cases, HpaProblemTest, ::testing::ValuesIn(kProblemCases),
                         [](const ::testing::TestParamInfo<ProblemCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(HpaObjectTest, DescribeValueWritesNumbersBareAndTextInQuotes) {
  const std::pair<YamlNode, std::string> cases[] = {
      {MakeScalar("3600", {}, ""), "3600"},
      {MakeScalar("true", {}, ""), "true"},
      {MakeScalar("Fastest", {}, ""), "\"Fastest\""},
      {MakeMap({}, ""), "a map"},
  };
  for (const auto& [node, want] : cases) EXPECT_EQ(DescribeValue(node), want);
  YamlNode quoted = MakeScalar("5", {}, "");
  quoted.quoted = true;
  EXPECT_EQ(DescribeValue(quoted), "\"5\"");
}

}  // namespace
}  // namespace crescendo::format
