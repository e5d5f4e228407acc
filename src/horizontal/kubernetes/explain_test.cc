// `crescendo hpa explain` below the CLI: state files in, JSON out, and errors that name fields.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crescendo/horizontal/hpa_explain.h"
#include "horizontal/kubernetes/hpa_test_util.h"

namespace crescendo::hpa {
namespace {

using Json = nlohmann::json;

std::string ReadExample(const std::string& name) {
  const char* dir = std::getenv("CRESCENDO_SOURCE_DIR");
  std::ifstream in(std::string(dir != nullptr ? dir : ".") + "/examples/hpa/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Json Explain(const std::string& text, const std::string& source) {
  StatusOr<HpaState> state = ParseHpaState(text, source);
  EXPECT_TRUE(state.ok()) << state.status().ToString();
  if (!state.ok()) return Json();
  return Json::parse(ExplanationToJson(ExplainHpa(std::move(state).value())));
}

TEST(ExplainTest, UnreadyCpuPodDampsTheScaleUp) {
  const Json j = Explain(ReadExample("cpu-unready-pod.yaml"), "cpu-unready-pod.yaml");
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["hpa"], "shop/web");
  EXPECT_EQ(j["currentReplicas"], 3);
  EXPECT_EQ(j["proposedReplicas"], 4);
  EXPECT_EQ(j["desiredReplicas"], 4);
  EXPECT_EQ(j["rescale"], true);
  EXPECT_EQ(j["rescaleReason"], "cpu resource utilization (percentage of request) above target");
  EXPECT_EQ(j["currentMetrics"], Json::parse(R"([{"type": "Resource", "resource": {"name": "cpu",
      "current": {"averageUtilization": 95, "averageValue": "475m"}}}])"));
  const Json& m = j["metrics"][0];
  EXPECT_EQ(m["podGroups"]["ready"], Json::parse(R"(["web-a", "web-b"])"));
  EXPECT_EQ(m["podGroups"]["unready"], Json::parse(R"(["web-c"])"));
  EXPECT_EQ(m["podGroups"]["missing"], Json::array());
  EXPECT_DOUBLE_EQ(m["usageRatio"].get<double>(), 1.9);
  EXPECT_DOUBLE_EQ(m["adjustedRatio"].get<double>(), 1.26);
  EXPECT_EQ(j["conditions"], Json::parse(R"j([
    {"type": "AbleToScale", "status": "True", "reason": "SucceededRescale",
     "message": "the HPA controller was able to update the target scale to 4",
     "lastTransitionTime": "2026-11-27T18:00:00Z"},
    {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound",
     "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
     "lastTransitionTime": "2026-11-27T18:00:00Z"},
    {"type": "ScalingLimited", "status": "False", "reason": "DesiredWithinRange",
     "message": "the desired count is within the acceptable range",
     "lastTransitionTime": "2026-11-27T18:00:00Z"}])j"));
  EXPECT_EQ(j["error"], nullptr);
  EXPECT_EQ(j["history"]["recommendations"].size(), 2u);
  EXPECT_FALSE(j["trace"].empty());
}

TEST(ExplainTest, BehaviorStabilizesAndRateLimitsAScaleDown) {
  const Json j = Explain(ReadExample("queue-scale-down.json"), "queue-scale-down.json");
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["proposedReplicas"], 3);
  EXPECT_EQ(j["desiredReplicas"], 9);
  EXPECT_EQ(j["currentMetrics"], Json::parse(R"([{"type": "External", "external": {
      "metric": {"name": "queue_length", "selector": {"matchLabels": {"queue": "jobs"}}},
      "current": {"averageValue": "9"}}}])"));
  ASSERT_EQ(j["conditions"].size(), 3u);
  EXPECT_EQ(j["conditions"][0]["reason"], "SucceededRescale");
  EXPECT_EQ(j["conditions"][0]["lastTransitionTime"], "2026-11-27T17:40:00Z");  // still True
  EXPECT_EQ(j["conditions"][2]["reason"], "ScaleDownLimit");
  EXPECT_EQ(j["conditions"][2]["status"], "True");
  EXPECT_EQ(j["history"]["scaleDownEvents"].size(), 2u);
  std::vector<std::string> steps;
  for (const Json& t : j["trace"]) steps.push_back(t["step"]);
  EXPECT_EQ(steps, (std::vector<std::string>{"metric/0", "ScaleDownStabilized", "ScaleDownLimit"}));
}

TEST(ExplainTest, ProposedReplicasAndTextForm) {
  const std::string state = R"(
now: "2026-11-27T18:00:00Z"
hpa:
  metadata: {name: api}
  spec:
    maxReplicas: 50
    behavior: {scaleUp: {policies: [{type: Percent, value: 50, periodSeconds: 60}]}}
scale: {specReplicas: 10}
proposedReplicas: 40
history: {}
)";
  StatusOr<HpaState> parsed = ParseHpaState(state, "inline.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const HpaExplanation x = ExplainHpa(std::move(parsed).value());
  EXPECT_EQ(x.decision.desired_replicas, 15);  // ceil(10 x 1.5)
  const std::string text = ExplanationToText(x);
  EXPECT_NE(text.find("Replicas: current 10, proposed 40, desired 15"), std::string::npos) << text;
  EXPECT_NE(text.find("ScaleUpLimit"), std::string::npos) << text;
  const Json j = Json::parse(ExplanationToJson(x));
  EXPECT_EQ(j["metrics"], Json::array());
  EXPECT_EQ(j["currentMetrics"], Json::array());
}

struct BadStateCase {
  std::string name;
  std::string text;
  std::string want_error;
};

class ParseErrorTest : public ::testing::TestWithParam<BadStateCase> {};

TEST_P(ParseErrorTest, NamesTheField) {
  StatusOr<HpaState> s = ParseHpaState(GetParam().text, "state.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find(GetParam().want_error), std::string::npos)
      << s.status().message();
}

const std::string kHead = R"(now: "2026-11-27T18:00:00Z"
scale: {specReplicas: 2}
hpa: {spec: {maxReplicas: 5}}
)";

INSTANTIATE_TEST_SUITE_P(
    Fields, ParseErrorTest,
    ::testing::Values(
        BadStateCase{"no hpa", "now: \"2026-11-27T18:00:00Z\"\nscale: {specReplicas: 1}\n",
                     "state.yaml: hpa: found nothing, expected a HorizontalPodAutoscaler"},
        BadStateCase{
            "bad phase", kHead + "pods: [{metadata: {name: p}, status: {phase: Runing}}]\n",
            "state.yaml:4:46: pods[0].status.phase: found \"Runing\", expected one of Pending, "
            "Running, Succeeded, Failed, Unknown"},
        BadStateCase{"bad quantity",
                     kHead +
                         "podMetrics: [{metadata: {name: p}, timestamp: \"2026-11-27T17:59:00Z\","
                         " containers: [{name: app, usage: {cpu: lots}}]}]\n",
                     "state.yaml:4:109: podMetrics[0].containers[0].usage.cpu: found \"lots\", "
                     "expected a quantity"},
        BadStateCase{"no now", "scale: {specReplicas: 2}\nhpa: {spec: {maxReplicas: 5}}\n",
                     "state.yaml: now: found nothing, expected an RFC 3339 time"},
        BadStateCase{"bad now",
                     "now: yesterday\nscale: {specReplicas: 2}\nhpa: {spec: {maxReplicas: 5}}\n",
                     "state.yaml:1:6: now: found \"yesterday\", expected an RFC 3339 time"},
        BadStateCase{"no max replicas",
                     "now: \"2026-11-27T18:00:00Z\"\nscale: {specReplicas: 2}\nhpa: {spec: {}}\n",
                     "state.yaml:3:13: hpa.spec.maxReplicas: found nothing, expected an integer"},
        BadStateCase{"no spec replicas",
                     "now: \"2026-11-27T18:00:00Z\"\nhpa: {spec: {maxReplicas: 5}}\n",
                     "state.yaml: scale.specReplicas: found nothing, expected an integer"},
        BadStateCase{
            "unknown metric type",
            "now: \"2026-11-27T18:00:00Z\"\nscale: {specReplicas: 2}\n"
            "hpa: {spec: {maxReplicas: 5, metrics: [{type: Resources}]}}\n",
            "state.yaml:3:47: hpa.spec.metrics[0].type: found \"Resources\", expected one of "
            "Resource, ContainerResource, Pods, Object, External"},
        BadStateCase{
            "bad select policy",
            "now: \"2026-11-27T18:00:00Z\"\nscale: {specReplicas: 2}\n"
            "hpa: {spec: {maxReplicas: 5, behavior: {scaleUp: {selectPolicy: Fastest}}}}\n",
            "state.yaml:3:65: hpa.spec.behavior.scaleUp.selectPolicy: found \"Fastest\", expected "
            "one of Max, Min, Disabled"},
        BadStateCase{
            "policy period out of range",
            "now: \"2026-11-27T18:00:00Z\"\nscale: {specReplicas: 2}\n"
            "hpa: {spec: {maxReplicas: 5, behavior: {scaleDown: {policies: "
            "[{type: Pods, value: 1, periodSeconds: 3600}]}}}}\n",
            "state.yaml:3:102: hpa.spec.behavior.scaleDown.policies[0].periodSeconds: found 3600, "
            "expected 1 to 1800 seconds"},
        BadStateCase{
            "bad history event",
            kHead + "history: {scaleUpEvents: [{timestamp: \"2026-11-27T17:59:00Z\"}]}\n",
            "state.yaml:4:27: history.scaleUpEvents[0].replicaChange: found nothing, expected an "
            "integer"},
        BadStateCase{"bad controller duration",
                     kHead + "controller: {initialReadinessDelay: soon}\n",
                     "state.yaml:4:37: controller.initialReadinessDelay: found \"soon\", expected "
                     "a duration"},
        BadStateCase{"pods not a list", kHead + "pods: {name: p}\n",
                     "state.yaml:4:7: pods: found {\"name\":\"p\"}, expected a list"},
        // Where the state file's reader and config import used to differ (one decoder now).
        BadStateCase{"target without its value",
                     "now: \"2026-11-27T18:00:00Z\"\nscale: {specReplicas: 2}\n"
                     "hpa: {spec: {maxReplicas: 5, metrics: [{type: Resource, resource: {name: "
                     "cpu, target: {type: Utilization}}}]}}\n",
                     "hpa.spec.metrics[0].resource.target.averageUtilization: found nothing, "
                     "expected a percentage above 0"},
        BadStateCase{"spec not a map",
                     "now: \"2026-11-27T18:00:00Z\"\nscale: {specReplicas: 2}\nhpa: {spec: 5}\n",
                     "hpa.spec: found 5, expected a map"},
        BadStateCase{"yaml syntax", "now: [unclosed\n", "state.yaml:2:1: found invalid YAML"},
        BadStateCase{"duplicate key", kHead + "now: again\n",
                     "state.yaml:4:1: now: found a second \"now\" key"},
        BadStateCase{"json without locations", "{\"now\": 5, \"hpa\": 1}",
                     "state.yaml: hpa.spec.maxReplicas: found nothing, expected an integer"},
        BadStateCase{"json syntax", "{\"now\": }", "state.yaml: invalid JSON"},
        BadStateCase{"not a map", "- a\n- b\n", "state.yaml: the state is array, expected a map"}),
    testing::CaseName<BadStateCase>);

}  // namespace
}  // namespace crescendo::hpa
