#include "crescendo/config/kubernetes_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/test_util.h"

namespace crescendo::config {
namespace {

using ::testing::HasSubstr;

// An HPA using each metric type once.
constexpr const char* kHpa = R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: player
  namespace: media
  labels:
    crescendo.io/tenant: acme
    team: playback
  annotations:
    crescendo.io/environments: prod
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: player
  minReplicas: 2
  maxReplicas: 9
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 65}
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
      describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: player}
      metric: {name: latency}
      target: {type: Value, value: "200"}
  - type: External
    external:
      metric: {name: queue}
      target: {type: AverageValue, averageValue: "30"}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 120
      selectPolicy: Min
      policies:
      - {type: Pods, value: 1, periodSeconds: 60}
)";

constexpr const char* kLatencyMetric = "metrics:\n  latency:\n    type: Object\n    source: prom\n";

LoadResult LoadManifest(const std::string& manifest) {
  std::vector<SourceText> sources = {
      {"base.yaml", testing::kBaseYaml}, {"latency.yaml", kLatencyMetric}, {"hpa.yaml", manifest}};
  return LoadConfig(sources, LoadOptions{});
}

struct MetricCase {
  size_t index;
  MetricSourceType type;
  const char* name;
  MetricTargetType target;
  const char* target_value;  // quantity text or utilization
};

TEST(KubernetesImportTest, ConvertsEveryMetricTypeOfAnHpa) {
  LoadResult result = LoadManifest(kHpa);
  ASSERT_TRUE(result.ok()) << result.Report();
  EXPECT_TRUE(result.diagnostics.empty()) << result.Report();
  ASSERT_EQ(result.config->services.size(), 1u);  // tenant acme, prod only
  const ServiceConfig& player = result.config->services[0];
  EXPECT_EQ(player.id.ToString(), "prod/acme/media/player");
  EXPECT_EQ(player.workload_kind, "Deployment");
  EXPECT_EQ(player.labels.at("team"), "playback");
  ASSERT_TRUE(player.horizontal.has_value());
  EXPECT_EQ(player.horizontal->min_replicas, 2);
  EXPECT_EQ(player.horizontal->max_replicas, 9);
  EXPECT_FALSE(player.vertical.has_value());

  const MetricCase cases[] = {
      {0, MetricSourceType::kResource, "cpu", MetricTargetType::kUtilization, "65"},
      {1, MetricSourceType::kContainerResource, "memory", MetricTargetType::kAverageValue, "600Mi"},
      {2, MetricSourceType::kPods, "rps", MetricTargetType::kAverageValue, "50"},
      {3, MetricSourceType::kObject, "latency", MetricTargetType::kValue, "200"},
      {4, MetricSourceType::kExternal, "queue", MetricTargetType::kAverageValue, "30"},
  };
  ASSERT_EQ(player.horizontal->metrics.size(), std::size(cases));
  for (const MetricCase& c : cases) {
    const MetricSpec& m = player.horizontal->metrics[c.index];
    SCOPED_TRACE(c.name);
    EXPECT_EQ(m.type, c.type);
    EXPECT_EQ(m.name, c.name);
    EXPECT_EQ(m.target.type, c.target);
    switch (c.target) {
      case MetricTargetType::kUtilization:
        EXPECT_EQ(std::to_string(*m.target.average_utilization), c.target_value);
        break;
      case MetricTargetType::kAverageValue:
        EXPECT_EQ(m.target.average_value->ToString(), c.target_value);
        break;
      case MetricTargetType::kValue:
        EXPECT_EQ(m.target.value->ToString(), c.target_value);
        break;
    }
  }
  EXPECT_EQ(player.horizontal->metrics[1].container, "app");
  EXPECT_EQ(player.horizontal->metrics[2].selector.at("verb"), "GET");
  EXPECT_EQ(player.horizontal->metrics[3].described_object.kind, "Ingress");
  const ScalingRules& down = *player.horizontal->behavior->scale_down;
  EXPECT_EQ(down.stabilization_window_seconds, 120);
  EXPECT_EQ(down.select_policy, SelectPolicy::kMin);
  ASSERT_EQ(down.policies.size(), 1u);
  EXPECT_EQ(down.policies[0].period_seconds, 60);
  EXPECT_EQ(player.FindSetting("horizontal.maxReplicas")->origin.ToString(), "hpa.yaml:17:16");
}

TEST(KubernetesImportTest, MergesAnHpaAndAVpaOfOneTargetFromOneFile) {
  LoadResult result = LoadManifest(R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: search}
spec:
  scaleTargetRef: {kind: StatefulSet, name: search}
  maxReplicas: 6
  metrics:
  - type: Pods
    pods:
      metric: {name: rps}
      target: {type: AverageValue, averageValue: "20"}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: search-vpa}
spec:
  targetRef: {kind: StatefulSet, name: search}
  updatePolicy: {updateMode: InPlaceOrRecreate}
  resourcePolicy:
    containerPolicies:
    - containerName: "*"
      minAllowed: {cpu: 100m, memory: 128Mi}
      maxAllowed: {cpu: "2", memory: 2Gi}
      controlledValues: RequestsOnly
    - containerName: istio-proxy
      mode: "Off"
)");
  ASSERT_TRUE(result.ok()) << result.Report();
  ASSERT_EQ(result.config->services.size(), 2u);  // shared, dev and prod
  const ServiceConfig& search = result.config->services[0];
  EXPECT_EQ(search.id.ToString(), "dev/shared/default/search");
  EXPECT_EQ(search.workload_kind, "StatefulSet");
  ASSERT_TRUE(search.horizontal.has_value());
  EXPECT_EQ(search.horizontal->metrics[0].name, "rps");
  ASSERT_TRUE(search.vertical.has_value());
  EXPECT_EQ(search.vertical->update_mode, "InPlaceOrRecreate");
  ASSERT_EQ(search.vertical->container_policies.size(), 2u);
  const ContainerResourcePolicy& all = search.vertical->container_policies[0];
  EXPECT_EQ(all.container_name, "*");
  EXPECT_EQ(all.min_allowed->cpu_millis, 100);
  EXPECT_EQ(all.max_allowed->memory_bytes, int64_t{2} << 30);
  EXPECT_EQ(all.controlled_values, ControlledValues::kRequestsOnly);
  EXPECT_EQ(search.vertical->container_policies[1].mode, ContainerScalingMode::kOff);
}

struct UnsupportedCase {
  const char* name;
  const char* manifest;
  const char* location;
  const char* path;
  const char* found;
};

class UnsupportedFieldTest : public ::testing::TestWithParam<UnsupportedCase> {};

TEST_P(UnsupportedFieldTest, IsReportedAsAWarningWithItsLocation) {
  const UnsupportedCase& c = GetParam();
  LoadResult result = LoadManifest(c.manifest);
  ASSERT_TRUE(result.ok()) << result.Report();
  ASSERT_EQ(result.diagnostics.size(), 1u) << result.Report();
  const Diagnostic& d = result.diagnostics[0];
  EXPECT_EQ(d.severity, Severity::kWarning);
  EXPECT_EQ(d.location.ToString(), c.location);
  EXPECT_EQ(d.path, c.path);
  EXPECT_EQ(d.found, c.found);
  EXPECT_THAT(d.expected, HasSubstr("ignored"));
  EXPECT_EQ(result.config->warnings.size(), 1u);
}

const UnsupportedCase kUnsupportedCases[] = {
    {"hpa_status",
     "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\n"
     "spec: {scaleTargetRef: {kind: Deployment, name: a}, maxReplicas: 3}\n"
     "status: {currentReplicas: 2}\n",
     "hpa.yaml:5:1", "status", "unsupported field \"status\""},
    {"server_metadata",
     "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
     "metadata: {name: a, resourceVersion: \"42\"}\n"
     "spec: {scaleTargetRef: {kind: Deployment, name: a}, maxReplicas: 3}\n",
     "hpa.yaml:3:21", "metadata.resourceVersion", "unsupported field \"resourceVersion\""},
    {"match_expressions",
     "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\n"
     "spec:\n  scaleTargetRef: {kind: Deployment, name: a}\n  maxReplicas: 3\n  metrics:\n"
     "  - type: External\n    external:\n      metric:\n        name: queue\n"
     "        selector:\n          matchExpressions: [{key: q, operator: Exists}]\n"
     "      target: {type: Value, value: \"5\"}\n",
     "hpa.yaml:13:11", "spec.metrics[0].external.metric.selector.matchExpressions",
     "unsupported field \"matchExpressions\""},
    {"vpa_min_replicas",
     "apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {name: a}\n"
     "spec:\n  targetRef: {kind: Deployment, name: a}\n"
     "  updatePolicy: {updateMode: \"Off\", minReplicas: 2}\n",
     "hpa.yaml:6:37", "spec.updatePolicy.minReplicas", "unsupported field \"minReplicas\""},
    {"vpa_recommenders",
     "apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {name: a}\n"
     "spec:\n  targetRef: {kind: Deployment, name: a}\n  recommenders: [{name: custom}]\n",
     "hpa.yaml:6:3", "spec.recommenders", "unsupported field \"recommenders\""},
    {"vpa_oom_bump_up_ratio",
     "apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {name: a}\n"
     "spec:\n  targetRef: {kind: Deployment, name: a}\n  resourcePolicy:\n"
     "    containerPolicies:\n    - containerName: app\n      oomBumpUpRatio: \"1.5\"\n",
     "hpa.yaml:9:7", "spec.resourcePolicy.containerPolicies[0].oomBumpUpRatio",
     "unsupported field \"oomBumpUpRatio\""},
    // Used to be copied into the configuration, whose behavior reader refused the unknown key.
    {"behavior_policy_field",
     "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\n"
     "spec:\n  scaleTargetRef: {kind: Deployment, name: a}\n  maxReplicas: 3\n  behavior:\n"
     "    scaleUp:\n      policies: [{type: Pods, value: 1, periodSeconds: 60, burst: 2}]\n",
     "hpa.yaml:9:60", "spec.behavior.scaleUp.policies[0].burst", "unsupported field \"burst\""},
    {"other_kind_skipped",
     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec: {replicas: 2}\n",
     "hpa.yaml:2:7", "kind", "kind Deployment"},
};

INSTANTIATE_TEST_SUITE_P(Fields, UnsupportedFieldTest, ::testing::ValuesIn(kUnsupportedCases),
                         [](const ::testing::TestParamInfo<UnsupportedCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(KubernetesImportTest, ImportWritesAConfigurationThatLoads) {
  std::vector<SourceText> manifests = {{"hpa.yaml", kHpa}};
  ImportResult imported = ImportKubernetesManifests(manifests);
  ASSERT_TRUE(imported.ok()) << FormatDiagnostics(imported.diagnostics);
  EXPECT_THAT(imported.yaml, HasSubstr("services:\n  player:\n"));
  EXPECT_THAT(imported.yaml, HasSubstr("tenant: acme"));
  EXPECT_THAT(imported.yaml, HasSubstr("utilization: 65"));

  std::vector<SourceText> sources = {{"base.yaml", testing::kBaseYaml},
                                     {"latency.yaml", kLatencyMetric},
                                     {"imported.yaml", imported.yaml}};
  LoadResult reloaded = LoadConfig(sources, LoadOptions{});
  ASSERT_TRUE(reloaded.ok()) << reloaded.Report() << imported.yaml;
  ASSERT_EQ(reloaded.config->services.size(), 1u);
  EXPECT_EQ(reloaded.config->services[0].horizontal->metrics.size(), 5u);
  EXPECT_EQ(reloaded.config->services[0].horizontal->max_replicas, 9);
}

TEST(KubernetesImportTest, ImportRejectsAFileThatIsNotAManifest) {
  std::vector<SourceText> sources = {{"x.yaml", "services: {}\n"}};
  ImportResult imported = ImportKubernetesManifests(sources);
  EXPECT_FALSE(imported.ok());
  EXPECT_TRUE(imported.yaml.empty());
  ASSERT_EQ(imported.diagnostics.size(), 1u);
  EXPECT_EQ(imported.diagnostics[0].location.ToString(), "x.yaml:1:1");
  EXPECT_EQ(imported.diagnostics[0].expected, "a Kubernetes manifest with apiVersion and kind");
}

TEST(KubernetesImportTest, RejectsTwoHpasForOneWorkload) {
  std::string hpa =
      "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\n"
      "spec: {scaleTargetRef: {kind: Deployment, name: a}, maxReplicas: 3}\n";
  LoadResult result = LoadManifest(hpa + "---\n" + hpa);
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 1u) << result.Report();
  EXPECT_EQ(result.diagnostics[0].location.ToString(), "hpa.yaml:7:7");
  EXPECT_EQ(result.diagnostics[0].found,
            "a second HorizontalPodAutoscaler for a (first at hpa.yaml:2:7)");
}

// Imports `manifest` (named `file`), which must fail with one diagnostic; returns it.
Diagnostic OnlyDiagnostic(const std::string& file, const std::string& manifest) {
  std::vector<SourceText> sources = {{file, manifest}};
  ImportResult imported = ImportKubernetesManifests(sources);
  EXPECT_FALSE(imported.ok());
  EXPECT_EQ(imported.diagnostics.size(), 1u) << FormatDiagnostics(imported.diagnostics);
  return imported.diagnostics.empty() ? Diagnostic{} : imported.diagnostics[0];
}

// The VPA is read by the one VPA decoder that `crescendo vpa` and the Kubernetes backend use
// (format/vpa_object.h): a malformed value is an error of the import, at its place in the
// manifest, and the same object is refused by vertical::ParseVpaManifest with the same text.
struct VpaErrorCase {
  const char* name;
  const char* spec;  // the VPA's spec, after targetRef
  const char* location;
  const char* path;
  const char* found;
};

class VpaImportErrorTest : public ::testing::TestWithParam<VpaErrorCase> {};

TEST_P(VpaImportErrorTest, IsReportedWhereItIsWritten) {
  const VpaErrorCase& c = GetParam();
  const std::string manifest =
      std::string(
          "apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\n"
          "metadata: {name: a}\nspec:\n  targetRef: {kind: Deployment, name: a}\n") +
      c.spec;
  const Diagnostic d = OnlyDiagnostic("vpa.yaml", manifest);
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.location.ToString(), c.location);
  EXPECT_EQ(d.path, c.path);
  EXPECT_EQ(d.found, c.found);
}

const VpaErrorCase kVpaErrorCases[] = {
    // Used to pass the import and fail only when the configuration was decoded.
    {"quantity",
     "  resourcePolicy:\n    containerPolicies:\n    - {containerName: app, minAllowed: {cpu: "
     "2x}}\n",
     "vpa.yaml:8:46", "spec.resourcePolicy.containerPolicies[0].minAllowed.cpu", "\"2x\""},
    {"update_mode", "  updatePolicy: {updateMode: Sometimes}\n", "vpa.yaml:6:30",
     "spec.updatePolicy.updateMode", "\"Sometimes\""},
    {"container_mode",
     "  resourcePolicy:\n    containerPolicies:\n    - {containerName: app, mode: Never}\n",
     "vpa.yaml:8:34", "spec.resourcePolicy.containerPolicies[0].mode", "\"Never\""},
    // Used to be accepted by vertical::ParseVpaManifest.
    {"no_container_name", "  resourcePolicy:\n    containerPolicies:\n    - {mode: Auto}\n",
     "vpa.yaml:8:7", "spec.resourcePolicy.containerPolicies[0]", "no \"containerName\""},
    {"second_policy",
     "  resourcePolicy:\n    containerPolicies:\n    - containerName: app\n"
     "    - containerName: app\n",
     "vpa.yaml:9:22", "spec.resourcePolicy.containerPolicies[1].containerName",
     "a second policy for container \"app\" (first at vpa.yaml:8:7)"},
};

INSTANTIATE_TEST_SUITE_P(Values, VpaImportErrorTest, ::testing::ValuesIn(kVpaErrorCases),
                         [](const ::testing::TestParamInfo<VpaErrorCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

// The HPA is read by the one HPA decoder that `crescendo hpa` state files and the Kubernetes
// backend use (format/hpa_object.h, through hpa::DecodeHpa): where the import and that decoder
// used to differ, a malformed value is now an error of the import at its place in the manifest.
struct HpaErrorCase {
  const char* name;
  const char* spec;  // the HPA's spec after scaleTargetRef and maxReplicas: 5 (from line 7)
  const char* location;
  const char* path;
  const char* found;
  const char* expected;
};

class HpaImportErrorTest : public ::testing::TestWithParam<HpaErrorCase> {};

TEST_P(HpaImportErrorTest, IsReportedWhereItIsWritten) {
  const HpaErrorCase& c = GetParam();
  const std::string manifest =
      std::string(
          "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\n"
          "spec:\n  scaleTargetRef: {kind: Deployment, name: a}\n  maxReplicas: 5\n") +
      c.spec;
  const Diagnostic d = OnlyDiagnostic("hpa.yaml", manifest);
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.location.ToString(), c.location);
  EXPECT_EQ(d.path, c.path);
  EXPECT_EQ(d.found, c.found);
  EXPECT_EQ(d.expected, c.expected);
}

const HpaErrorCase kHpaErrorCases[] = {
    // Used to pass the import and fail only when the configuration was decoded.
    {"policy_period",
     "  behavior:\n    scaleDown:\n      policies: [{type: Pods, value: 1, periodSeconds: 3600}]\n",
     "hpa.yaml:9:56", "spec.behavior.scaleDown.policies[0].periodSeconds", "3600",
     "1 to 1800 seconds"},
    {"zero_utilization",
     "  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n"
     "      target: {type: Utilization, averageUtilization: 0}\n",
     "hpa.yaml:11:55", "spec.metrics[0].resource.target.averageUtilization", "0",
     "a percentage above 0"},
    {"max_below_min", "  minReplicas: 6\n", "hpa.yaml:6:16", "spec.maxReplicas", "5",
     "at least 1 and at least minReplicas"},
    // Used to be accepted by the import and refused by state files.
    {"described_object_without_kind",
     "  metrics:\n  - type: Object\n    object:\n      describedObject: {name: ingress}\n"
     "      metric: {name: rps}\n      target: {type: Value, value: \"10\"}\n",
     "hpa.yaml:10:24", "spec.metrics[0].object.describedObject", "no \"kind\"",
     "the object's kind"},
};

INSTANTIATE_TEST_SUITE_P(Values, HpaImportErrorTest, ::testing::ValuesIn(kHpaErrorCases),
                         [](const ::testing::TestParamInfo<HpaErrorCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace crescendo::config
