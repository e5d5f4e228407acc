// Pods, Deployments and selectors read from the API's JSON; patches and Events written to it.
#include "kubernetes/objects.h"

#include <gtest/gtest.h>

#include "crescendo/kubernetes/shards.h"

namespace crescendo::kubernetes {
namespace {

TEST(ObjectsTest, ReadsAPodWithItsResizeStatusAndOomKill) {
  const Json pod = Json::parse(R"({
    "metadata": {"name": "web-1", "deletionTimestamp": "2026-11-27T18:05:00Z"},
    "spec": {"containers": [
      {"name": "main", "resources": {"requests": {"cpu": "250m", "memory": "64Mi"},
                                     "limits": {"cpu": "1", "memory": "128Mi"}}},
      {"name": "side", "resources": {"requests": {"cpu": "50m"}}}]},
    "status": {"phase": "Running", "startTime": "2026-11-27T18:00:00Z",
      "conditions": [
        {"type": "Ready", "status": "True", "lastTransitionTime": "2026-11-27T18:01:00Z"},
        {"type": "PodResizePending", "status": "True", "reason": "Infeasible"}],
      "containerStatuses": [
        {"name": "main", "restartCount": 2,
         "resources": {"requests": {"cpu": "300m", "memory": "64Mi"}},
         "lastState": {"terminated": {"reason": "OOMKilled",
                                      "finishedAt": "2026-11-27T18:03:00Z"}}}]}})");
  const PodState p = PodStateOf(pod);
  EXPECT_EQ(p.name, "web-1");
  EXPECT_EQ(p.phase, PodPhase::kRunning);
  EXPECT_TRUE(p.ready);
  EXPECT_TRUE(p.deleting);
  EXPECT_EQ(p.resize, ResizeStatus::kInfeasible);
  EXPECT_EQ(FormatRfc3339(p.ready_transition_time), "2026-11-27T18:01:00Z");
  ASSERT_EQ(p.containers.size(), 2u);
  EXPECT_EQ(p.containers[0].requests.cpu_millis, 300);  // in force, from the status
  EXPECT_EQ(p.containers[0].limits.cpu_millis, 0);      // the status names no limits
  EXPECT_EQ(p.containers[0].restarts, 2);
  ASSERT_TRUE(p.containers[0].last_oom_kill.has_value());
  EXPECT_EQ(p.containers[1].requests.cpu_millis, 50);
  EXPECT_EQ(p.requests.cpu_millis, 350);
  EXPECT_EQ(p.requests.memory_bytes, 64 << 20);
}

TEST(ObjectsTest, ReadsADeploymentDefaultingReplicasToOne) {
  const Json d = Json::parse(R"({"metadata": {"name": "web"}, "spec": {"template": {"spec":
    {"containers": [{"name": "main", "resources": {"requests": {"cpu": "0.5"}}}]}}}})");
  const WorkloadState w = WorkloadStateOf(d);
  EXPECT_EQ(w.spec_replicas, 1);
  EXPECT_EQ(w.status_replicas, 0);
  EXPECT_EQ(w.pod_requests.cpu_millis, 500);
}

TEST(ObjectsTest, MatchesLabelSelectors) {
  struct Case {
    const char* selector;
    const char* labels;
    bool want;
  };
  const std::vector<Case> cases = {
      {R"({"matchLabels": {"app": "web"}})", R"({"app": "web", "x": "y"})", true},
      {R"({"matchLabels": {"app": "web"}})", R"({"app": "api"})", false},
      {R"({})", R"({"app": "web"})", false},  // an empty selector selects nothing
      {R"({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]})",
       R"({"tier": "b"})", true},
      {R"({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["a"]}]})", R"({})",
       true},
      {R"({"matchExpressions": [{"key": "tier", "operator": "Exists"}]})", R"({})", false},
      {R"({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]})", R"({})", true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(SelectorMatches(Json::parse(c.selector), Json::parse(c.labels)), c.want)
        << c.selector << " " << c.labels;
  }
}

TEST(ObjectsTest, WritesPatchesScalesAndEvents) {
  const Json patch = ContainersPatch({{"main", {250, 64 << 20}, {500, 0}}});
  EXPECT_EQ(patch.dump(),
            R"({"spec":{"containers":[{"name":"main","resources":{"limits":{"cpu":"500m"},)"
            R"("requests":{"cpu":"250m","memory":"67108864"}}}]}})");
  EXPECT_EQ(WrapInTemplate(patch)["spec"]["template"], patch);
  const Json scale = ScaleWithReplicas(
      Json::parse(R"({"metadata":{"name":"web","resourceVersion":"7"},"spec":{"replicas":2}})"), 5);
  EXPECT_EQ(scale["metadata"]["resourceVersion"], "7");
  EXPECT_EQ(scale["spec"]["replicas"], 5);
  EXPECT_EQ(scale["kind"], "Scale");
  const Timestamp t = FromUnixSeconds(1795392000) + std::chrono::microseconds(1500);
  const Json e =
      EventOf({"shop", "web", "uid-1", "StatefulSet", "ScaledUp", "Scale", "2 -> 5", "r0", t});
  EXPECT_EQ(e["eventTime"], "2026-11-23T00:00:00.001500Z");
  EXPECT_EQ(e["regarding"]["kind"], "StatefulSet");
  EXPECT_EQ(e["reportingController"], "crescendo.io/autoscaler");
  EXPECT_EQ(e["reason"], "ScaledUp");
}

TEST(ShardOfTest, SpreadsWorkloadsAndMovesOnlyTheLeavingMembersShards) {
  std::vector<int> count(8);
  for (int i = 0; i < 8000; ++i) {
    count[ShardOf({"prod", "t", "ns", "w" + std::to_string(i)}, 8)]++;
  }
  for (int c : count) EXPECT_NEAR(c, 1000, 150);
  const std::vector<std::string> three = {"a", "b", "c"}, two = {"a", "b"};
  int moved = 0;
  for (int k = 0; k < 64; ++k) {
    const std::string before = OwnerOf(k, three), after = OwnerOf(k, two);
    if (before != "c") {
      EXPECT_EQ(before, after) << k;  // only c's shards move
    }
    moved += before != after;
  }
  EXPECT_GT(moved, 10);
  EXPECT_EQ(OwnerOf(3, {}), "");
}

}  // namespace
}  // namespace crescendo::kubernetes
