// The admission controller's requests and limits for the pod template, against
// utils/vpa/limit_and_request_scaling_test.go and recommendation_provider_test.go behaviour.
#include "vertical/vpa/admission.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace crescendo::vertical {
namespace {

constexpr int64_t kMi = 1024 * 1024;

TEST(AdmissionTest, VpaProportionalLimit) {
  struct Case {
    const char* name;
    int64_t request, limit, new_request;
    std::optional<int64_t> expected;
  };
  const Case cases[] = {
      {"limit twice the request stays twice", 100, 200, 300, 600},
      {"rounded down", 300, 500, 200, 333},
      {"request equals limit", 250, 250, 400, 400},
      {"no limit: none set", 100, 0, 300, std::nullopt},
      {"no new request: none set", 100, 200, 0, std::nullopt},
      {"limit without request: the new request", 0, 300, 200, 200},
      {"overflow capped", 1, INT64_MAX / 2, 4, INT64_MAX},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.expected, VpaProportionalLimit(c.request, c.limit, c.new_request)) << c.name;
  }
}

ContainerRecommendation Rec(const char* name, std::optional<int64_t> cpu,
                            std::optional<int64_t> memory) {
  ContainerRecommendation c;
  c.container_name = name;
  c.target = {cpu, memory};
  c.lower_bound = c.target;
  c.upper_bound = c.target;
  c.uncapped_target = c.target;
  return c;
}

TEST(AdmissionTest, AdmitContainers) {
  struct Case {
    const char* name;
    ContainerResources before;
    ContainerRecommendation rec;
    std::vector<ContainerResourcePolicy> policies;
    ContainerResources expected;
  };
  const Case cases[] = {
      {"requests and proportional limits",
       {"app", {100, 100 * kMi}, {200, 300 * kMi}},
       Rec("app", 250, 200 * kMi),
       {},
       {"app", {250, 200 * kMi}, {500, 600 * kMi}}},
      {"no limits: none added",
       {"app", {100, 100 * kMi}, {}},
       Rec("app", 250, 200 * kMi),
       {},
       {"app", {250, 200 * kMi}, {}}},
      {"unset request with a limit: limit = new request",
       {"app", {0, 100 * kMi}, {400, 0}},
       Rec("app", 250, 200 * kMi),
       {},
       {"app", {250, 200 * kMi}, {250, 0}}},
      {"a resource the target lacks keeps request and limit",
       {"app", {100, 100 * kMi}, {200, 300 * kMi}},
       Rec("app", std::nullopt, 200 * kMi),
       {},
       {"app", {100, 200 * kMi}, {200, 600 * kMi}}},
      {"RequestsOnly keeps limits and caps the target to them",
       {"app", {100, 100 * kMi}, {200, 150 * kMi}},
       Rec("app", 250, 120 * kMi),
       {{.container_name = "*", .controlled_values = ControlledValues::kRequestsOnly}},
       {"app", {200, 120 * kMi}, {200, 150 * kMi}}},
      {"maxAllowed caps the target",
       {"app", {100, 100 * kMi}, {}},
       Rec("app", 2500, 200 * kMi),
       {{.container_name = "app", .max_allowed = Resources{2000, 0}}},
       {"app", {2000, 200 * kMi}, {}}},
      {"no recommendation: unchanged",
       {"sidecar", {10, 10 * kMi}, {20, 20 * kMi}},
       Rec("app", 250, 200 * kMi),
       {},
       {"sidecar", {10, 10 * kMi}, {20, 20 * kMi}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    VerticalSpec spec;
    spec.container_policies = c.policies;
    const PodRecommendation rec{{c.rec}};
    const std::vector<ContainerResources> before{c.before};
    const std::vector<ContainerResources> after = AdmitContainers(before, rec, spec);
    ASSERT_EQ(1u, after.size());
    EXPECT_EQ(c.expected, after[0]);
  }
}

TEST(AdmissionTest, ProcessRecommendationCapsBoundsForRequestsOnly) {
  VerticalSpec spec;
  spec.container_policies.push_back(
      {.container_name = "app", .controlled_values = ControlledValues::kRequestsOnly});
  ContainerRecommendation c = Rec("app", 500, 500 * kMi);
  c.lower_bound = {400, 400 * kMi};
  c.upper_bound = {900, 900 * kMi};
  const PodRecommendation rec{{c}};
  const std::optional<ContainerRecommendation> capped =
      ProcessRecommendation(rec, "app", {450, 0}, spec);
  ASSERT_TRUE(capped.has_value());
  EXPECT_EQ((RecommendedAmounts{450, 500 * kMi}), capped->target);
  EXPECT_EQ((RecommendedAmounts{400, 400 * kMi}), capped->lower_bound);
  EXPECT_EQ((RecommendedAmounts{450, 900 * kMi}), capped->upper_bound);
  EXPECT_EQ((RecommendedAmounts{500, 500 * kMi}), capped->uncapped_target);
  EXPECT_FALSE(ProcessRecommendation(rec, "sidecar", {}, spec).has_value());
}

}  // namespace
}  // namespace crescendo::vertical
