// ParseVpaManifest over the one VPA decoder (format/vpa_object.h): the objects it used to accept
// where `crescendo config import` refused them, and the fields of newer VPA versions it ignores.
#include "crescendo/vertical/vpa_manifest.h"

#include <gtest/gtest.h>

#include <string>

namespace crescendo::vertical {
namespace {

constexpr const char* kHead =
    "apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {name: a}\n"
    "spec:\n  targetRef: {kind: Deployment, name: a}\n";

TEST(VpaManifestDecoderTest, RefusesWhatTheImportRefuses) {
  struct Case {
    const char* name;
    const char* spec;  // after kHead
    const char* message;
  };
  const Case cases[] = {
      {"policy_without_container_name",
       "  resourcePolicy:\n    containerPolicies:\n    - mode: \"Off\"\n",
       "v.yaml:8:7: spec.resourcePolicy.containerPolicies[0]: found no \"containerName\", "
       "expected the container's name, or \"*\""},
      {"two_policies_for_one_container",
       "  resourcePolicy:\n    containerPolicies:\n    - containerName: app\n"
       "    - containerName: app\n",
       "v.yaml:9:22: spec.resourcePolicy.containerPolicies[1].containerName: found a second "
       "policy for container \"app\" (first at v.yaml:8:7), expected one policy per container"},
      {"unknown_update_mode", "  updatePolicy: {updateMode: Sometimes}\n",
       "v.yaml:6:30: spec.updatePolicy.updateMode: found \"Sometimes\", expected Off or Initial or "
       "Recreate or InPlaceOrRecreate or Auto"},
      {"spec_not_a_map", "  resourcePolicy: []\n",
       "v.yaml:6:19: spec.resourcePolicy: found a sequence, expected a map"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = ParseVpaManifest(std::string(kHead) + c.spec, "v.yaml");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), c.message);
  }
}

// A cluster's object carries status and fields of newer VPA versions: ignored, as the import
// ignores them (with a warning there).
TEST(VpaManifestDecoderTest, IgnoresUnsupportedFieldsOutsideContainerPolicies) {
  auto r = ParseVpaManifest(std::string(kHead) +
                                "  recommenders: [{name: custom}]\n"
                                "  updatePolicy: {updateMode: Initial, minReplicas: 2}\n"
                                "  resourcePolicy:\n    containerPolicies:\n"
                                "    - {containerName: app, maxAllowed: {cpu: 2}}\n"
                                "status: {recommendation: {}}\n",
                            "v.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->update_mode, "Initial");
  ASSERT_EQ(r->container_policies.size(), 1u);
  EXPECT_EQ(r->container_policies[0].max_allowed->cpu_millis, 2000);
}

}  // namespace
}  // namespace crescendo::vertical
