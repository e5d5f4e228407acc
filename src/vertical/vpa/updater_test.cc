// The updater's pod choice, case by case against VPA's rules (updater/priority and
// updater/restriction).
#include "vertical/vpa/updater.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "vertical/vpa/test_workload.h"

namespace crescendo::vertical {
namespace {

using testing::kT0;

constexpr int64_t kMi = 1024 * 1024;
const Timestamp kNow = kT0 + hours(48);

// target 500m / 500Mi within [400m, 700m] and [400Mi, 700Mi].
PodRecommendation AppRecommendation() {
  ContainerRecommendation c;
  c.container_name = "app";
  c.target = {500, 500 * kMi};
  c.lower_bound = {400, 400 * kMi};
  c.upper_bound = {700, 700 * kMi};
  c.uncapped_target = c.target;
  return {{c}};
}

const std::vector<ContainerResources> kTemplate = {{"app", {500, 500 * kMi}, {}}};

struct PodCase {
  std::string name;
  Resources requests;
  Duration age = hours(24);
  PodPhase phase = PodPhase::kRunning;
  bool deleting = false;
  bool quick_oom = false;  // its container was OOM-killed 2 minutes after it started
  Resources limits = {};
  ResizeStatus resize = ResizeStatus::kNone;
  Duration resizing_for{};  // since the pod was first seen resizing
};

struct UpdaterCase {
  const char* name;
  std::vector<PodCase> pods;
  std::vector<std::string> expected;
  VerticalUpdate update = VerticalUpdate::kRecreate;
  double eviction_tolerance = 0.5;
  int spec_replicas = 0;  // 0: as many as pods
};

UpdaterChoice Choose(const UpdaterCase& c) {
  WorkloadState w;
  w.template_containers = kTemplate;
  std::map<std::string, PodWatch, std::less<>> watches;
  for (const PodCase& p : c.pods) {
    PodState pod = testing::RunningPod(p.name, p.requests, p.limits, kNow - p.age);
    pod.phase = p.phase;
    pod.deleting = p.deleting;
    pod.resize = p.resize;
    if (p.resize != ResizeStatus::kNone) watches[p.name].resize_seen = kNow - p.resizing_for;
    if (p.quick_oom) {
      const Timestamp kill = pod.start_time + minutes(2);
      pod.containers[0].last_oom_kill = kill;
      pod.containers[0].restarts = 1;
      ContainerWatch watch;
      watch.name = "app";
      watch.restarts = 1;
      watch.last_oom_kill = kill;
      watch.quick_oom = true;
      watches[p.name].containers.push_back(watch);
    }
    w.pods.push_back(pod);
  }
  w.spec_replicas = c.spec_replicas > 0 ? c.spec_replicas : static_cast<int>(c.pods.size());
  VerticalSpec spec;
  spec.eviction_tolerance = c.eviction_tolerance;
  const PodRecommendation rec = AppRecommendation();
  return ChoosePods({.workload = &w,
                     .recommendation = &rec,
                     .template_containers = kTemplate,
                     .spec = &spec,
                     .update = c.update,
                     .now = kNow,
                     .watches = &watches});
}

// Pods a request of which is outside [lowerBound, upperBound].
std::vector<PodCase> Outside(int n, const std::string& prefix = "p") {
  std::vector<PodCase> pods;
  for (int i = 0; i < n; ++i) pods.push_back({prefix + std::to_string(i), {300, 500 * kMi}});
  return pods;
}

std::vector<PodCase> Concat(std::vector<PodCase> a, const std::vector<PodCase>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A pod outside the bounds whose resize in place is `status` since `resizing_for`, beside an
// outside pod "a" that is not resizing and two pods at the template.
std::vector<PodCase> Resizing(ResizeStatus status, Duration resizing_for, bool with_a = false) {
  PodCase r{"r", {300, 500 * kMi}};
  r.resize = status;
  r.resizing_for = resizing_for;
  const Resources at_target{500, 500 * kMi};
  std::vector<PodCase> pods{r, {"t1", at_target}, {"t2", at_target}};
  pods.push_back(with_a ? PodCase{"a", {300, 500 * kMi}} : PodCase{"t3", at_target});
  return pods;
}

TEST(UpdaterTest, ChoosesPodsAsVpasUpdater) {
  const Resources at_target{500, 500 * kMi};
  const PodCase at_template{"t", at_target};
  const UpdaterCase cases[] = {
      {"below lowerBound: chosen however young",
       {{"a", {300, 500 * kMi}, minutes(5)}, at_template},
       {"a"}},
      {"above upperBound: chosen", {{"a", {500, 800 * kMi}, minutes(5)}, at_template}, {"a"}},
      {"no request: outside", {{"a", {0, 500 * kMi}, minutes(5)}, at_template}, {"a"}},
      {"within bounds, 11h old: waits", {{"a", {450, 500 * kMi}, hours(11)}, at_template}, {}},
      {"within bounds, 12h old, 11% off: chosen",
       {{"a", {450, 500 * kMi}, hours(12)}, at_template},
       {"a"}},
      {"within bounds, 12h old, 8.7% off: waits",
       {{"a", {460, 500 * kMi}, hours(12)}, at_template},
       {}},
      {"differences add over resources: 6.4% + 6.4%",
       {{"a", {470, 470 * kMi}, hours(12)}, at_template},
       {"a"}},
      {"quick OOM: chosen while within bounds and young",
       {{"a", {460, 500 * kMi}, minutes(5), PodPhase::kRunning, false, true}, at_template},
       {"a"}},
      {"quick OOM whose resources would not change: waits",
       {{"a", at_target, minutes(5), PodPhase::kRunning, false, true, {900, 900 * kMi}},
        at_template},
       {}},
      {"at the template: never, even after a quick OOM",
       {{"a", at_target, minutes(5), PodPhase::kRunning, false, true}, at_template},
       {}},
      {"fewer live pods than min_replicas: none", Outside(1), {}},
      {"a deleting pod is not live",
       {{"a", {300, 500 * kMi}}, {"b", {300, 500 * kMi}, hours(1), PodPhase::kRunning, true}},
       {},
       VerticalUpdate::kRecreate,
       0.5,
       1},
      {"terminating pods count against the budget",
       Concat(Outside(2), {{"d", {300, 500 * kMi}, hours(1), PodPhase::kRunning, true},
                           {"s", {300, 500 * kMi}, hours(1), PodPhase::kSucceeded}}),
       {}},
      {"tolerance: 10 replicas, 5 at once", Outside(10), {"p0", "p1", "p2", "p3", "p4"}},
      {"tolerance rounds down: 3 replicas, 1 at once", Outside(3), {"p0"}},
      {"tolerance 0 with every replica running: one",
       Outside(5),
       {"p0"},
       VerticalUpdate::kRecreate,
       0.1},
      {"tolerance 0 with a replica missing: none",
       Outside(4),
       {},
       VerticalUpdate::kRecreate,
       0.1,
       5},
      {"Recreate evicts pending pods without counting them",
       Concat({{"pending", {300, 500 * kMi}, minutes(1), PodPhase::kPending}}, Outside(3)),
       {"pending", "p0"}},
      {"InPlaceOrRecreate leaves pending pods",
       Concat({{"pending", {300, 500 * kMi}, minutes(1), PodPhase::kPending}}, Outside(3)),
       {"p0"},
       VerticalUpdate::kInPlaceOrRecreate},
      {"growing pods first, then the larger difference",
       {{"shrink", {800, 500 * kMi}},
        {"grow-small", {450, 600 * kMi}},
        {"grow-large", {300, 500 * kMi}},
        at_template,
        {"t2", at_target},
        {"t3", at_target}},
       {"grow-large", "grow-small", "shrink"}},
      {"a resize Deferred for 5m waits",
       Resizing(ResizeStatus::kDeferred, minutes(5)),
       {},
       VerticalUpdate::kInPlaceOrRecreate},
      {"a resize Deferred over 5m: evicted",
       Resizing(ResizeStatus::kDeferred, minutes(6)),
       {"r"},
       VerticalUpdate::kInPlaceOrRecreate},
      {"a resize in progress for 1h waits",
       Resizing(ResizeStatus::kInProgress, hours(1)),
       {},
       VerticalUpdate::kInPlaceOrRecreate},
      {"a resize in progress over 1h: evicted",
       Resizing(ResizeStatus::kInProgress, hours(1) + seconds(1)),
       {"r"},
       VerticalUpdate::kInPlaceOrRecreate},
      {"an Infeasible resize: evicted at once",
       Resizing(ResizeStatus::kInfeasible, {}),
       {"r"},
       VerticalUpdate::kInPlaceOrRecreate},
      {"failed resizes are evicted after the pods resized in place",
       Resizing(ResizeStatus::kInfeasible, {}, /*with_a=*/true),
       {"a", "r"},
       VerticalUpdate::kInPlaceOrRecreate},
      {"Recreate: a pod resizing waits too", Resizing(ResizeStatus::kInProgress, minutes(10)), {}},
      {"Recreate: a failed resize is evicted in priority order",
       Resizing(ResizeStatus::kInfeasible, {}, /*with_a=*/true),
       {"r", "a"}},
  };
  for (const UpdaterCase& c : cases) {
    SCOPED_TRACE(c.name);
    const UpdaterChoice choice = Choose(c);
    EXPECT_EQ(c.expected, choice.pods);
    // One trace entry per chosen pod, naming it.
    size_t named = 0;
    for (const TraceEntry& e : choice.trace) {
      EXPECT_EQ("updater", e.step);
      for (const std::string& pod : choice.pods) {
        named += e.reason.find(" " + pod + ": ") != std::string::npos;
      }
    }
    EXPECT_EQ(choice.pods.size(), named);
  }
}

TEST(UpdaterTest, TraceSaysWhyAndWhatWaits) {
  const UpdaterChoice choice = Choose({"", Outside(3), {"p0"}});
  ASSERT_EQ(2u, choice.trace.size());
  EXPECT_EQ("evict p0: a request is outside [lowerBound, upperBound], to grow",
            choice.trace[0].reason);
  EXPECT_NEAR(0.667, choice.trace[0].before, 1e-3);  // |300 - 500| / 300
  EXPECT_EQ(3, choice.trace[1].before);
  EXPECT_EQ(1, choice.trace[1].after);
  EXPECT_EQ(
      "2 candidate(s) wait: eviction tolerance allows floor(3 x 0.5) = 1 of 3 replicas (3 "
      "running) to be disrupted at once",
      choice.trace[1].reason);
}

TEST(UpdaterTest, UpdatePriority) {
  struct Case {
    const char* name;
    std::vector<PodContainerState> containers;
    PodPriority expected;
  };
  auto container = [](std::string name, Resources requests, Resources limits = {}) {
    return PodContainerState{std::move(name), requests, limits, 0, std::nullopt};
  };
  const Case cases[] = {
      {"at the target", {container("app", {500, 500 * kMi})}, {false, false, 0}},
      {"no request", {container("app", {0, 500 * kMi})}, {true, true, 500.0 - 1.0}},
      {"smaller request within bounds",
       {container("app", {450, 500 * kMi})},
       {false, true, 50.0 / 450}},
      {"larger request above upperBound",
       {container("app", {1000, 500 * kMi})},
       {true, false, 0.5}},
      {"memory counts in milli-units too",
       {container("app", {500, 1000 * kMi})},
       {true, false, 0.5}},
      {"a container without a recommendation counts for nothing",
       {container("app", {500, 500 * kMi}), container("sidecar", {5, 5 * kMi})},
       {false, false, 0}},
      {"RequestsAndLimits: limits do not cap",
       {container("app", {450, 500 * kMi}, {450, 0})},
       {false, true, 50.0 / 450}},
  };
  VerticalSpec spec;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const PodPriority p = UpdatePriority(c.containers, AppRecommendation(), spec);
    EXPECT_EQ(c.expected.outside_recommended_range, p.outside_recommended_range);
    EXPECT_EQ(c.expected.scale_up, p.scale_up);
    EXPECT_DOUBLE_EQ(c.expected.resource_diff, p.resource_diff);
  }
  // RequestsOnly caps the recommendation to the limit: 450m is then the target.
  spec.container_policies.push_back(
      {.container_name = "app", .controlled_values = ControlledValues::kRequestsOnly});
  const PodPriority capped = UpdatePriority(
      std::vector{container("app", {450, 500 * kMi}, {450, 0})}, AppRecommendation(), spec);
  EXPECT_FALSE(capped.scale_up);
  EXPECT_EQ(0, capped.resource_diff);
}

}  // namespace
}  // namespace crescendo::vertical
