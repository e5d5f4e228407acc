#include "crescendo/format/vpa_object.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace crescendo::format {
namespace {

// Decodes the `spec:` of `yaml` (named v.yaml); returns the problems as text, one a line, with
// a "warning: " prefix for unsupported fields.
std::string Problems(const std::string& yaml, VpaSpec* out = nullptr) {
  StatusOr<YamlNode> root = ParseYamlDocument(yaml, "v.yaml");
  EXPECT_TRUE(root.ok()) << root.status().ToString();
  std::vector<VpaProblem> problems;
  VpaSpec spec = DecodeVpaSpec((*root)["spec"], problems);
  if (out != nullptr) *out = spec;
  std::string text;
  for (const VpaProblem& p : problems) {
    text += (p.unsupported ? "warning: " : "") + p.problem.ToString() + "\n";
  }
  return text;
}

TEST(VpaObjectTest, DecodesEveryField) {
  const std::string yaml = R"(spec:
  targetRef: {kind: Deployment, name: api}
  updatePolicy: {updateMode: InPlaceOrRecreate}
  resourcePolicy:
    containerPolicies:
    - containerName: app
      mode: Auto
      minAllowed: {cpu: 100m, memory: 128Mi}
      maxAllowed: {cpu: "2"}
      controlledResources: [cpu, memory]
      controlledValues: RequestsOnly
    - containerName: "*"
      mode: "Off"
)";
  StatusOr<YamlNode> root = ParseYamlDocument(yaml, "v.yaml");
  ASSERT_TRUE(root.ok());
  std::vector<VpaProblem> problems;
  const VpaSpec spec = DecodeVpaSpec((*root)["spec"], problems);
  EXPECT_TRUE(problems.empty());
  ASSERT_NE(spec.target_ref, nullptr);
  EXPECT_EQ(spec.target_ref->location.ToString(), "v.yaml:2:14");
  EXPECT_EQ(spec.update_mode.value, "InPlaceOrRecreate");
  EXPECT_EQ(spec.update_mode.node->path, "spec.updatePolicy.updateMode");
  ASSERT_EQ(spec.policies.size(), 2u);
  const VpaContainerPolicy& app = spec.policies[0];
  EXPECT_EQ(app.container_name.value, "app");
  EXPECT_FALSE(app.mode_off.value);
  EXPECT_EQ(app.min_allowed.value.cpu_millis, 100);
  EXPECT_EQ(app.min_allowed.value.memory_bytes, int64_t{128} << 20);
  EXPECT_EQ(app.max_allowed.value.cpu_millis, 2000);
  EXPECT_FALSE(app.max_allowed.value.memory_bytes.has_value());
  EXPECT_EQ(app.controlled_resources.value, (std::vector<std::string>{"cpu", "memory"}));
  EXPECT_TRUE(app.requests_only.value);
  EXPECT_EQ(app.requests_only.node->location.ToString(), "v.yaml:11:25");
  EXPECT_TRUE(spec.policies[1].mode_off.value);
  EXPECT_FALSE(spec.policies[1].min_allowed.present());
}

TEST(VpaObjectTest, ReportsEachProblemAtItsPlace) {
  struct Case {
    const char* name;
    const char* yaml;
    const char* problems;
  };
  const Case cases[] = {
      {"update_mode", "spec:\n  updatePolicy: {updateMode: Sometimes}\n",
       "v.yaml:2:30: spec.updatePolicy.updateMode: found \"Sometimes\", expected Off or Initial or "
       "Recreate or InPlaceOrRecreate or Auto\n"},
      {"update_policy_not_a_map", "spec:\n  updatePolicy: Auto\n",
       "v.yaml:2:17: spec.updatePolicy: found \"Auto\", expected a map\n"},
      {"policies_not_a_list", "spec:\n  resourcePolicy: {containerPolicies: {a: 1}}\n",
       "v.yaml:2:39: spec.resourcePolicy.containerPolicies: found a map, expected a list of "
       "container policies\n"},
      // The fields first, then the missing name: a caller taking the first problem reports the
      // value the author wrote.
      {"missing_container_name",
       "spec:\n  resourcePolicy:\n    containerPolicies:\n"
       "    - mode: Never\n",
       "v.yaml:4:13: spec.resourcePolicy.containerPolicies[0].mode: found \"Never\", expected "
       "Auto or Off\n"
       "v.yaml:4:7: spec.resourcePolicy.containerPolicies[0]: found no \"containerName\", "
       "expected the container's name, or \"*\"\n"},
      {"second_policy_for_a_container",
       "spec:\n  resourcePolicy:\n    containerPolicies:\n    - containerName: a\n"
       "    - containerName: a\n",
       "v.yaml:5:22: spec.resourcePolicy.containerPolicies[1].containerName: found a second "
       "policy for container \"a\" (first at v.yaml:4:7), expected one policy per container\n"},
      {"quantity",
       "spec:\n  resourcePolicy:\n    containerPolicies:\n"
       "    - {containerName: a, minAllowed: {cpu: 2x, gpu: 1}}\n",
       "v.yaml:4:44: spec.resourcePolicy.containerPolicies[0].minAllowed.cpu: found \"2x\", "
       "expected a Kubernetes quantity such as \"500m\" or \"512Mi\"\n"
       "v.yaml:4:48: spec.resourcePolicy.containerPolicies[0].minAllowed.gpu: found unknown "
       "resource \"gpu\", expected cpu or memory\n"},
      {"controlled",
       "spec:\n  resourcePolicy:\n    containerPolicies:\n"
       "    - {containerName: a, controlledResources: [gpu], controlledValues: All}\n",
       "v.yaml:4:48: spec.resourcePolicy.containerPolicies[0].controlledResources: found \"gpu\", "
       "expected cpu or memory\n"
       "v.yaml:4:72: spec.resourcePolicy.containerPolicies[0].controlledValues: found \"All\", "
       "expected RequestsAndLimits or RequestsOnly\n"},
      {"unsupported_fields_are_warnings",
       "spec:\n  recommenders: [{name: x}]\n  updatePolicy: {updateMode: Auto, minReplicas: 2}\n"
       "  resourcePolicy:\n    containerPolicies:\n    - {containerName: a, oomBumpUpRatio: 2}\n",
       "warning: v.yaml:2:3: spec.recommenders: found unsupported field \"recommenders\", expected "
       "targetRef, updatePolicy and resourcePolicy; the field is ignored\n"
       "warning: v.yaml:3:36: spec.updatePolicy.minReplicas: found unsupported field "
       "\"minReplicas\", expected updateMode; the field is ignored\n"
       "warning: v.yaml:6:26: spec.resourcePolicy.containerPolicies[0].oomBumpUpRatio: found "
       "unsupported field \"oomBumpUpRatio\", expected containerName, mode, minAllowed, "
       "maxAllowed, controlledResources and controlledValues; the field is ignored\n"},
      {"null_policies_are_none", "spec:\n  resourcePolicy: {containerPolicies: ~}\n", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Problems(c.yaml), c.problems);
  }
}

// A malformed field is left out; the rest of the policy is kept.
TEST(VpaObjectTest, LeavesOutOnlyTheMalformedField) {
  VpaSpec spec;
  Problems(
      "spec:\n  resourcePolicy:\n    containerPolicies:\n"
      "    - {containerName: a, mode: Never, maxAllowed: {memory: 1Gi}}\n",
      &spec);
  ASSERT_EQ(spec.policies.size(), 1u);
  EXPECT_FALSE(spec.policies[0].mode_off.present());
  EXPECT_EQ(spec.policies[0].max_allowed.value.memory_bytes, int64_t{1} << 30);
}

}  // namespace
}  // namespace crescendo::format
