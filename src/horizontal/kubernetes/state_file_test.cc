// ParseHpaState: how the metrics APIs' answers in a state file become the HPA's samples.
#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "crescendo/horizontal/hpa_explain.h"
#include "horizontal/kubernetes/hpa_test_util.h"

namespace crescendo::hpa {
namespace {

// The third pod of the state below, and what the resource metrics API says of it.
struct ThirdPodCase {
  std::string name;
  std::string container;  // the HPA's container: ContainerResource; "": a Resource metric
  std::string metadata;   // web-c's metadata after its name
  std::string status;     // web-c's status
  std::optional<std::string> usage;  // web-c's PodMetrics containers; unset: no PodMetrics
  int32_t want_proposal;
  std::vector<std::string> want_ready;
  std::vector<std::string> want_missing;
  std::vector<std::string> want_ignored;
};

// Names the case in gtest's failure messages.
void PrintTo(const ThirdPodCase& c, std::ostream* os) { *os << c.name; }

constexpr char kRunning[] =
    "{phase: Running, startTime: \"2026-11-27T17:00:00Z\", conditions: [{type: Ready, status: "
    "\"True\", lastTransitionTime: \"2026-11-27T17:00:30Z\"}]}";
constexpr char kFailed[] =
    "{phase: Failed, startTime: \"2026-11-27T17:00:00Z\", conditions: [{type: Ready, status: "
    "\"False\", lastTransitionTime: \"2026-11-27T17:50:00Z\"}]}";
constexpr char kAppAndSidecar[] =
    "[{name: app, usage: {cpu: 400m}}, {name: sidecar, usage: {cpu: "
    "50m}}]";
constexpr char kSidecarOnly[] = "[{name: sidecar, usage: {cpu: 50m}}]";

std::string Pod(const std::string& name, const std::string& metadata, const std::string& status) {
  return "  - metadata: {name: " + name + metadata +
         "}\n"
         "    spec: {containers: [{name: app, resources: {requests: {cpu: 500m}}},"
         " {name: sidecar, resources: {requests: {cpu: 100m}}}]}\n"
         "    status: " +
         status + "\n";
}

std::string PodMetrics(const std::string& name, const std::string& containers) {
  return "  - metadata: {name: " + name +
         "}\n"
         "    timestamp: \"2026-11-27T17:59:45Z\"\n"
         "    window: 30s\n"
         "    containers: " +
         containers + "\n";
}

// Three pods of an app container (500m) and a sidecar (100m) at a 50% cpu utilization target;
// web-a and web-b are ready, their app containers at 400m and sidecars at 50m.
std::string State(const ThirdPodCase& c) {
  const std::string metric =
      c.container.empty()
          ? "{type: Resource, resource: {name: cpu, target: {type: Utilization, "
            "averageUtilization: 50}}}"
          : "{type: ContainerResource, containerResource: {name: cpu, container: " + c.container +
                ", target: {type: Utilization, averageUtilization: 50}}}";
  std::string state =
      "now: \"2026-11-27T18:00:00Z\"\n"
      "hpa: {metadata: {name: web}, spec: {maxReplicas: 10, metrics: [" +
      metric +
      "]}}\n"
      "scale: {specReplicas: 3, statusReplicas: 3}\n"
      "pods:\n" +
      Pod("web-a", "", kRunning) + Pod("web-b", "", kRunning) + Pod("web-c", c.metadata, c.status) +
      "podMetrics:\n" + PodMetrics("web-a", kAppAndSidecar) + PodMetrics("web-b", kAppAndSidecar);
  if (c.usage.has_value()) state += PodMetrics("web-c", *c.usage);
  return state;
}

class ThirdPodTest : public ::testing::TestWithParam<ThirdPodCase> {};

// Kubernetes' GetResourceMetric (metrics/client.go) drops a pod without a usage: for a
// ContainerResource metric, since 1.32 (kubernetes/kubernetes#127193), also a pod that does not
// report the container (getContainerMetrics), instead of failing the whole read. groupPods
// (replica_calculator.go) then ignores such a pod when it failed or is being deleted, and counts
// it as missing otherwise; GetResourceReplicas goes on with the rest.
TEST_P(ThirdPodTest, GroupsThePodAsKubernetesDoes) {
  const ThirdPodCase& c = GetParam();
  StatusOr<HpaState> state = ParseHpaState(State(c), "state.yaml");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->readings.size(), 1u);
  EXPECT_TRUE(state->readings[0].fetch_status.ok()) << state->readings[0].fetch_status.ToString();
  const HpaExplanation x = ExplainHpa(std::move(state).value());
  ASSERT_TRUE(x.decision.status.ok()) << x.decision.status.ToString();
  ASSERT_EQ(x.decision.metrics.size(), 1u);
  const MetricEvaluation& m = x.decision.metrics[0];
  EXPECT_EQ(m.error, "");
  EXPECT_EQ(x.decision.proposed_replicas, c.want_proposal);
  EXPECT_EQ(m.pod_groups.ready, c.want_ready);
  EXPECT_EQ(m.pod_groups.missing, c.want_missing);
  EXPECT_EQ(m.pod_groups.ignored, c.want_ignored);
  EXPECT_TRUE(m.pod_groups.unready.empty());
}

const std::vector<std::string> kAB = {"web-a", "web-b"};
const std::vector<std::string> kABC = {"web-a", "web-b", "web-c"};
const std::vector<std::string> kC = {"web-c"};
const std::vector<std::string> kNone = {};
constexpr char kDeleting[] = ", deletionTimestamp: \"2026-11-27T17:59:50Z\"";

// ContainerResource: web-a and web-b use 80% of the app's request (ratio 1.6). With web-c
// ignored, ceil(1.6 x 2) = 4. With web-c missing on a scale-up it counts at 0: 800m of 1500m is
// 53%, a ratio of 1.06, within tolerance: 3 are kept.
// Resource: web-a and web-b use 450m of 600m (75%, ratio 1.5): ceil(1.5 x 2) = 3 without web-c.
INSTANTIATE_TEST_SUITE_P(
    MetricsApi, ThirdPodTest,
    ::testing::Values(
        ThirdPodCase{"failed pod reporting only its sidecar is ignored", "app", "", kFailed,
                     kSidecarOnly, 4, kAB, kNone, kC},
        ThirdPodCase{"failed pod reporting no container is ignored", "app", "", kFailed, "[]", 4,
                     kAB, kNone, kC},
        ThirdPodCase{"failed pod whose container has no cpu is ignored", "app", "", kFailed,
                     "[{name: app, usage: {memory: 10Mi}}]", 4, kAB, kNone, kC},
        ThirdPodCase{"failed pod without pod metrics is ignored", "app", "", kFailed, std::nullopt,
                     4, kAB, kNone, kC},
        ThirdPodCase{"deleted pod reporting only its sidecar is ignored", "app", kDeleting,
                     kRunning, kSidecarOnly, 4, kAB, kNone, kC},
        ThirdPodCase{"running pod reporting only its sidecar is missing", "app", "", kRunning,
                     kSidecarOnly, 3, kAB, kC, kNone},
        ThirdPodCase{"running pod reporting its container is ready", "app", "", kRunning,
                     kAppAndSidecar, 5, kABC, kNone, kNone},  // ceil(1.6 x 3)
        ThirdPodCase{"resource metric: failed pod reporting only its sidecar is ignored", "", "",
                     kFailed, kSidecarOnly, 3, kAB, kNone, kC},
        // getPodMetrics sums the containers the pod reports: web-c's 50m of 600m is a sample.
        // 950m of 1800m is 52%, a ratio of 1.04, within tolerance.
        ThirdPodCase{"resource metric: running pod reporting only its sidecar is ready", "", "",
                     kRunning, kSidecarOnly, 3, kABC, kNone, kNone}),
    testing::CaseName<ThirdPodCase>);

}  // namespace
}  // namespace crescendo::hpa
