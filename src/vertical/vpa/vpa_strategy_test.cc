// The "vpa" pipeline end to end: VPA-equal targets, update modes, OOM feeding, pod churn, the
// exact state (round trip, CopyFrom, malformed JSON), Commit and the registry.
#include "vertical/vpa/vpa_strategy.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "crescendo/base/random.h"
#include "crescendo/vertical/aggregate_state.h"
#include "crescendo/vertical/recommender.h"
#include "vertical/vpa/test_workload.h"
#include "vertical/vpa/vpa_state.h"

namespace crescendo::vertical {
namespace {

using testing::kT0;
using testing::MakeWorkload;
using testing::PodUsage;
using testing::UsageAt;

constexpr int64_t kMi = 1024 * 1024;

// One strategy, its state and one workload, ticked with usage.
struct Harness {
  explicit Harness(std::string_view strategy_name, WorkloadState w) : workload(std::move(w)) {
    strategy = *NewVerticalStrategy(strategy_name);
    state = strategy->NewState();
  }
  VerticalProposal Tick(Timestamp t, const std::function<PodUsage(size_t)>& usage,
                        const HorizontalSpec* hpa = nullptr) {
    auto [cpu, memory] = UsageAt(workload, t, usage);
    const VerticalContext ctx{&workload, &cpu, &memory, &spec, hpa, t, nullptr};
    return strategy->Recommend(ctx, *state);
  }
  VpaState& vpa_state() { return static_cast<VpaState&>(*state); }

  std::unique_ptr<VerticalRecommender> strategy;
  std::unique_ptr<StrategyState> state;
  VerticalSpec spec;
  WorkloadState workload;
};

// Usage drawn from a seeded generator: cpu in [cpu_lo, cpu_hi] millicores, memory in
// [mem_lo, mem_hi] bytes, whole numbers (VPA's amounts are integers).
std::function<PodUsage(size_t)> RandomUsage(Random& random, int64_t cpu_lo, int64_t cpu_hi,
                                            int64_t mem_lo, int64_t mem_hi) {
  return [&random, cpu_lo, cpu_hi, mem_lo, mem_hi](size_t) {
    return PodUsage{static_cast<double>(random.UniformInt(cpu_lo, cpu_hi)),
                    static_cast<double>(random.UniformInt(mem_lo, mem_hi))};
  };
}

const ContainerResources* FindContainer(const std::vector<ContainerResources>& containers,
                                        std::string_view name) {
  for (const ContainerResources& c : containers) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

TEST(VpaStrategyTest, TargetsEqualVpaRecommendPodOnTheSameSamples) {
  struct Case {
    const char* name;
    int pods;
    int ticks;
    Duration step;
    int64_t cpu_lo, cpu_hi, mem_lo, mem_hi;
    std::optional<Resources> min_allowed;
    std::optional<Resources> max_allowed;
  };
  const Case cases[] = {
      {"3 pods, 2 days at 1/min", 3, 2 * 1440, minutes(1), 200, 600, 300000000, 500000000},
      {"5 pods, 1 day at 30s", 5, 2880, seconds(30), 50, 2000, 100000000, 900000000},
      {"1 pod, 9 days at 5 min (memory intervals roll over)", 1, 9 * 288, minutes(5), 10, 30,
       20000000, 40000000},
      {"policy caps", 2, 600, minutes(1), 200, 4000, 300000000, 3000000000, Resources{300, 0},
       Resources{1500, 1000000000}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    // Tiny requests the target never equals, so every tick proposes the target.
    const Resources requests{1, 1};
    Harness h("vpa", MakeWorkload(c.pods, requests));
    if (c.min_allowed || c.max_allowed) {
      h.spec.container_policies.push_back(
          {.container_name = "app", .min_allowed = c.min_allowed, .max_allowed = c.max_allowed});
    }
    // The reference: VPA's model fed directly, in the order the strategy feeds it (every pod's
    // CPU sample, then every pod's memory sample).
    std::map<std::string, AggregateContainerState> aggregates;
    AggregateContainerState& aggregate = aggregates["app"];
    std::vector<ContainerState> containers(c.pods, ContainerState(&aggregate));
    Random replay(7);
    std::optional<Timestamp> last_run;  // VPA runs once every kRecommenderInterval
    for (int i = 0; i < c.ticks; ++i) {
      const Timestamp t = kT0 + c.step * i;
      std::vector<PodUsage> usage;
      for (int p = 0; p < c.pods; ++p) {
        usage.push_back({static_cast<double>(replay.UniformInt(c.cpu_lo, c.cpu_hi)),
                         static_cast<double>(replay.UniformInt(c.mem_lo, c.mem_hi))});
      }
      if (last_run && t < *last_run + kRecommenderInterval) {
        // Between runs: nothing fed, nothing proposed.
        const VerticalProposal between = h.Tick(t, [&](size_t p) { return usage[p]; });
        EXPECT_TRUE(between.containers.empty()) << "tick " << i;
        continue;
      }
      last_run = t;
      for (int p = 0; p < c.pods; ++p) {
        containers[p].AddCpuSample(t, static_cast<int64_t>(usage[p].cpu_millis), 1);
      }
      for (int p = 0; p < c.pods; ++p) {
        containers[p].AddMemorySample(t, static_cast<int64_t>(usage[p].memory_bytes));
      }
      const VerticalProposal proposal = h.Tick(t, [&](size_t p) { return usage[p]; });
      if (i % 97 != 0 && i != c.ticks - 1) continue;
      const PodRecommendation expected =
          RecommendPod(PodResourceRecommender(), aggregates, &h.spec);
      ASSERT_EQ(1u, expected.containers.size());
      const ContainerResources* app = FindContainer(proposal.containers, "app");
      ASSERT_NE(nullptr, app) << "tick " << i;
      EXPECT_EQ(*expected.containers[0].target.cpu_millis, app->requests.cpu_millis) << i;
      EXPECT_EQ(*expected.containers[0].target.memory_bytes, app->requests.memory_bytes) << i;
      // Bounds and uncapped target too, from the state's model.
      const PodRecommendation model =
          h.vpa_state().model().Recommend({.spec = &h.spec, .now = t, .spike_aware = false});
      ASSERT_EQ(1u, model.containers.size());
      EXPECT_EQ(expected.containers[0].lower_bound, model.containers[0].lower_bound) << i;
      EXPECT_EQ(expected.containers[0].upper_bound, model.containers[0].upper_bound) << i;
      EXPECT_EQ(expected.containers[0].uncapped_target, model.containers[0].uncapped_target) << i;
    }
  }
}

TEST(VpaStrategyTest, TraceExplainsEachContainerAndResource) {
  Harness h("vpa", MakeWorkload(2, {100, 100 * kMi}, {200, 200 * kMi}));
  VerticalProposal p;
  for (int i = 0; i < 60; ++i) {
    p = h.Tick(kT0 + minutes(i), [](size_t) { return PodUsage{400, 300.0 * kMi}; });
  }
  ASSERT_EQ(1u, p.containers.size());
  int resource_entries = 0;
  for (const TraceEntry& e : p.trace) {
    if (e.step != "vpa") continue;
    ++resource_entries;
    if (e.reason.starts_with("app cpu")) {
      EXPECT_EQ(100, e.before);
      EXPECT_EQ(static_cast<double>(p.containers[0].requests.cpu_millis), e.after);
      EXPECT_NE(std::string::npos, e.reason.find("target P90 of usage + 15% margin")) << e.reason;
      EXPECT_NE(std::string::npos, e.reason.find("kept in proportion")) << e.reason;
    } else {
      EXPECT_TRUE(e.reason.starts_with("app memory request 104857600 -> ")) << e.reason;
      EXPECT_NE(std::string::npos, e.reason.find("P90 of daily peaks")) << e.reason;
    }
  }
  EXPECT_EQ(2, resource_entries);
  // RequestsAndLimits keeps limit / request (2x here).
  EXPECT_EQ(2 * p.containers[0].requests.cpu_millis, p.containers[0].limits.cpu_millis);
  EXPECT_EQ(2 * p.containers[0].requests.memory_bytes, p.containers[0].limits.memory_bytes);
}

TEST(VpaStrategyTest, NothingBeforeTheFirstSampleOrWhenTheTemplateMatches) {
  Harness h("vpa", MakeWorkload(2, {100, 100 * kMi}));
  WorkloadMetric failed;
  failed.status = UnavailableError("metrics-server down");
  const VerticalContext ctx{&h.workload, &failed, &failed, &h.spec, nullptr, kT0, nullptr};
  VerticalProposal p = h.strategy->Recommend(ctx, *h.state);
  EXPECT_TRUE(p.containers.empty());
  EXPECT_TRUE(p.pods.empty());
  ASSERT_FALSE(p.trace.empty());
  EXPECT_NE(std::string::npos, p.trace[0].reason.find("cpu read failed")) << p.trace[0].reason;
  EXPECT_EQ("no recommendation yet: no container has a CPU sample", p.trace.back().reason);

  // Once the template holds the target, nothing more is proposed and pods at it stay.
  for (int i = 0; i < 30; ++i) {
    p = h.Tick(kT0 + minutes(i), [](size_t) { return PodUsage{250, 200.0 * kMi}; });
  }
  ASSERT_EQ(1u, p.containers.size());
  h.workload.template_containers = p.containers;
  for (PodState& pod : h.workload.pods) {
    pod.containers[0].requests = p.containers[0].requests;
    pod.containers[0].limits = p.containers[0].limits;
  }
  p = h.Tick(kT0 + minutes(30), [](size_t) { return PodUsage{250, 200.0 * kMi}; });
  EXPECT_TRUE(p.containers.empty());
  EXPECT_TRUE(p.pods.empty());
}

TEST(VpaStrategyTest, UpdateModes) {
  struct Case {
    std::string mode;
    VerticalUpdate update;
    size_t pods;        // of 4, all far below the recommendation: at most floor(4 x 0.5) = 2
    const char* trace;  // expected in some entry's reason
  };
  const Case cases[] = {
      {"Off", VerticalUpdate::kOff, 0, "updateMode Off"},
      {"Initial", VerticalUpdate::kInitial, 0, "updateMode Initial"},
      {"Recreate", VerticalUpdate::kRecreate, 2, "evict web-0"},
      {"Auto", VerticalUpdate::kRecreate, 2, "evict web-0"},
      {"", VerticalUpdate::kRecreate, 2, "evict web-0"},
      {"InPlaceOrRecreate", VerticalUpdate::kInPlaceOrRecreate, 2, "resize in place web-0"},
      {"InPlace", VerticalUpdate::kOff, 0, "treated as Off"},
      {"Sometimes", VerticalUpdate::kOff, 0, "treated as Off"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.mode);
    Harness h("vpa", MakeWorkload(4, {10, 10 * kMi}));
    h.spec.update_mode = c.mode;
    VerticalProposal p;
    for (int i = 0; i < 30; ++i) {
      p = h.Tick(kT0 + minutes(i), [](size_t) { return PodUsage{500, 400.0 * kMi}; });
    }
    EXPECT_EQ(c.update, p.update);
    EXPECT_EQ(c.pods, p.pods.size());
    EXPECT_EQ(1u, p.containers.size());  // the template is proposed in every mode
    bool found = false;
    for (const TraceEntry& e : p.trace) found |= e.reason.find(c.trace) != std::string::npos;
    EXPECT_TRUE(found) << c.trace;
  }
}

TEST(VpaStrategyTest, RecordsOomKillsAsVpasObserverDoes) {
  struct Observation {
    std::optional<Duration> oom;  // last_oom_kill, after kT0
    int64_t memory_request;
  };
  struct Case {
    const char* name;
    std::vector<Observation> ticks;  // one a minute from kT0
    // Expected OOM records: (tick, time after kT0, memory request), fed to the reference.
    std::vector<std::tuple<int, Duration, int64_t>> ooms;
    bool quick_oom_after;  // the container's watch after the last tick
  };
  const int64_t m300 = 300 * 1000 * 1000;
  const int64_t m500 = 500 * 1000 * 1000;
  const Case cases[] = {
      {"a new kill is recorded, sized by the request in force before it",
       {{std::nullopt, m300}, {seconds(50), m500}},
       {{1, seconds(50), m300}},
       true},
      {"a kill seen at the first sight of the pod is not, though it was a quick OOM",
       {{seconds(-60), m300}, {seconds(-60), m300}},
       {},
       true},
      {"a kill is recorded once",
       {{std::nullopt, m300}, {seconds(50), m300}, {seconds(50), m300}},
       {{1, seconds(50), m300}},
       true},
      {"two kills, each recorded",
       {{std::nullopt, m300}, {seconds(50), m300}, {seconds(110), m500}},
       {{1, seconds(50), m300}, {2, seconds(110), m300}},
       true},
      {"a kill older than the memory interval is discarded",
       {{std::nullopt, m300}, {-hours(48), m300}},
       {{1, -hours(48), m300}},
       false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    WorkloadState w = MakeWorkload(1, {100, m300});
    // Started 5 minutes before: a kill of its first instance within the next 5 is a quick OOM.
    w.pods[0].start_time = kT0 - minutes(5);
    Harness h("vpa", w);
    AggregateContainerState aggregate;
    ContainerState reference(&aggregate);
    int oom_traces = 0;
    for (size_t i = 0; i < c.ticks.size(); ++i) {
      const Timestamp t = kT0 + minutes(static_cast<int>(i));
      PodContainerState& app = h.workload.pods[0].containers[0];
      app.requests.memory_bytes = c.ticks[i].memory_request;
      if (c.ticks[i].oom && app.last_oom_kill != kT0 + *c.ticks[i].oom) {
        app.last_oom_kill = kT0 + *c.ticks[i].oom;
        ++app.restarts;
      }
      const VerticalProposal p = h.Tick(t, [](size_t) { return PodUsage{100, 200e6}; });
      for (const TraceEntry& e : p.trace)
        oom_traces += e.reason.find("OOM-killed") != std::string::npos;
      reference.AddCpuSample(t, 100, 100);
      reference.AddMemorySample(t, 200000000);
      for (const auto& [tick, when, memory] : c.ooms) {
        if (tick == static_cast<int>(i)) reference.RecordOom(kT0 + when, memory).IgnoreError();
      }
    }
    const AggregateContainerState& got = h.vpa_state().model().aggregates().at("app");
    EXPECT_TRUE(got.memory_peaks().Equals(aggregate.memory_peaks()));
    EXPECT_EQ(aggregate.memory_peaks().histogram().total_weight(),
              got.memory_peaks().histogram().total_weight());
    EXPECT_EQ(static_cast<int>(c.ooms.size()), oom_traces);
    ASSERT_EQ(1u, h.vpa_state().pods().at("web-0").containers.size());
    EXPECT_EQ(c.quick_oom_after, h.vpa_state().pods().at("web-0").containers[0].quick_oom);
  }
}

TEST(VpaStrategyTest, APodRecreatedUnderItsNameIsWatchedAfresh) {
  WorkloadState w = MakeWorkload(1, {100, 300 * 1000 * 1000});
  PodContainerState& app = w.pods[0].containers[0];
  app.restarts = 3;
  app.last_oom_kill = kT0 - hours(1);
  Harness h("vpa", w);
  const auto usage = [](size_t) { return PodUsage{100, 200e6}; };
  h.Tick(kT0, usage);
  // The StatefulSet recreates web-0 under its name: its restarts count from 0 again.
  h.workload.pods[0] = testing::RunningPod("web-0", {100, 300 * 1000 * 1000}, {}, kT0 + minutes(1));
  h.Tick(kT0 + minutes(2), usage);
  const ContainerWatch& fresh = h.vpa_state().pods().at("web-0").containers[0];
  EXPECT_EQ(0, fresh.restarts);
  EXPECT_EQ(kT0 + minutes(1), fresh.instance_start);
  // Its first kill, 2 minutes after it started, is recorded and a quick OOM.
  h.workload.pods[0].containers[0].restarts = 1;
  h.workload.pods[0].containers[0].last_oom_kill = kT0 + minutes(3);
  const VerticalProposal p = h.Tick(kT0 + minutes(4), usage);
  bool recorded = false;
  for (const TraceEntry& e : p.trace) recorded |= e.reason.find("OOM-killed") != std::string::npos;
  EXPECT_TRUE(recorded);
  EXPECT_TRUE(h.vpa_state().pods().at("web-0").containers[0].quick_oom);
}

TEST(VpaStrategyTest, PodChurnKeepsTheStateBounded) {
  Harness h("vpa", MakeWorkload(3, {100, 100 * kMi}));
  h.spec.update_mode = "Off";
  Random random(3);
  size_t warm_bytes = 0;
  int next_pod = 3;
  for (int i = 0; i < 3000; ++i) {
    if (i % 10 == 9) {  // a rolling replacement: the oldest pod goes, a new one comes
      h.workload.pods.erase(h.workload.pods.begin());
      h.workload.pods.push_back(testing::RunningPod("web-" + std::to_string(next_pod++),
                                                    {100, 100 * kMi}, {}, kT0 + minutes(i)));
    }
    h.Tick(kT0 + minutes(i), RandomUsage(random, 200, 300, 150 * kMi, 160 * kMi));
    if (i == 299) warm_bytes = h.state->Bytes();
  }
  EXPECT_EQ(3u, h.vpa_state().model().container_state_count());
  EXPECT_EQ(3u, h.vpa_state().pods().size());
  EXPECT_GT(warm_bytes, 0u);
  EXPECT_LE(h.state->Bytes(), warm_bytes + 512) << "after 300 pod replacements";
}

// Feeds `h` tick `i` of a varied history: random usage, a memory spike every 200 ticks, an OOM
// at tick 150 and a pod replaced at tick 250.
VerticalProposal VariedTick(Harness& h, int i) {
  const Timestamp t = kT0 + minutes(i);
  if (i == 150) h.workload.pods[1].containers[0].last_oom_kill = t - seconds(20);
  if (i == 250) {
    h.workload.pods[0] = testing::RunningPod("web-new", {100, 100 * kMi}, {}, t);
  }
  Random random(static_cast<uint64_t>(i));
  const bool spike = i % 200 < 5;
  return h.Tick(t, [&](size_t) {
    return PodUsage{static_cast<double>(random.UniformInt(100, 900)),
                    (spike ? 800.0 : 300.0) * kMi + static_cast<double>(random.UniformInt(0, kMi))};
  });
}

void ExpectSameProposal(const VerticalProposal& a, const VerticalProposal& b, int tick) {
  EXPECT_EQ(a.containers, b.containers) << "tick " << tick;
  EXPECT_EQ(a.pods, b.pods) << "tick " << tick;
  EXPECT_EQ(a.update, b.update) << "tick " << tick;
  ASSERT_EQ(a.trace.size(), b.trace.size()) << "tick " << tick;
  for (size_t i = 0; i < a.trace.size(); ++i) {
    EXPECT_EQ(a.trace[i].reason, b.trace[i].reason) << "tick " << tick;
    EXPECT_EQ(a.trace[i].after, b.trace[i].after) << "tick " << tick;
  }
}

TEST(VpaStrategyTest, RestoredStateDecidesAsTheUninterruptedOne) {
  struct Case {
    const char* strategy;
    int cut;  // ticks before the checkpoint
  };
  const Case cases[] = {
      {"vpa", 1}, {"vpa", 149}, {"vpa", 400}, {"spike-aware", 260}, {"spike-aware", 700}};
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.strategy) + " cut at " + std::to_string(c.cut));
    Harness original(c.strategy, MakeWorkload(3, {100, 100 * kMi}, {300, 400 * kMi}));
    original.spec.update_mode = "InPlaceOrRecreate";
    for (int i = 0; i < c.cut; ++i) VariedTick(original, i);
    // Through text, as a checkpoint file holds it.
    const std::string text = original.state->ToJson().dump();
    StatusOr<std::unique_ptr<StrategyState>> restored =
        original.strategy->RestoreState(nlohmann::json::parse(text));
    ASSERT_TRUE(restored.ok()) << restored.status().ToString();
    EXPECT_EQ(original.state->ToJson(), (*restored)->ToJson());
    Harness resumed(c.strategy, original.workload);
    resumed.spec = original.spec;
    resumed.state = *std::move(restored);
    for (int i = c.cut; i < c.cut + 900; ++i) {
      ExpectSameProposal(VariedTick(original, i), VariedTick(resumed, i), i);
    }
    EXPECT_EQ(original.state->ToJson(), resumed.state->ToJson());
  }
}

TEST(VpaStrategyTest, CopyFromMakesAnEqualState) {
  Harness original("spike-aware", MakeWorkload(3, {100, 100 * kMi}));
  for (int i = 0; i < 500; ++i) VariedTick(original, i);
  // Into a fresh state and into one holding other pods, containers and histograms.
  Harness other("spike-aware", MakeWorkload(5, {50, 50 * kMi}));
  other.workload.pods[4].containers[0].name = "sidecar";
  for (int i = 0; i < 40; ++i) VariedTick(other, 1000 + i);
  std::vector<std::unique_ptr<StrategyState>> copies;
  copies.push_back(original.strategy->NewState());
  copies.push_back(std::move(other.state));
  for (std::unique_ptr<StrategyState>& copy : copies) {
    copy->CopyFrom(*original.state);
    EXPECT_EQ(original.state->ToJson(), copy->ToJson());
    EXPECT_EQ(original.state->Bytes(), copy->Bytes());
    Harness resumed("spike-aware", original.workload);
    resumed.state = std::move(copy);
    Harness reference("spike-aware", original.workload);
    reference.state->CopyFrom(*original.state);
    for (int i = 500; i < 700; ++i) {
      ExpectSameProposal(VariedTick(reference, i), VariedTick(resumed, i), i);
    }
    EXPECT_EQ(reference.state->ToJson(), resumed.state->ToJson());
  }
}

TEST(VpaStrategyTest, RestoreRejectsMalformedStateNamingTheField) {
  Harness h("vpa", MakeWorkload(2, {100, 100 * kMi}));
  for (int i = 0; i < 20; ++i) {
    h.Tick(kT0 + minutes(i), [](size_t) { return PodUsage{300, 200.0 * kMi}; });
  }
  const nlohmann::json valid = h.state->ToJson();
  ASSERT_TRUE(h.strategy->RestoreState(valid).ok());
  struct Case {
    const char* pointer;   // JSON pointer of the field to replace; "" the whole state
    nlohmann::json value;  // null with erase: remove the field
    bool erase;
    const char* message;  // expected in the error
  };
  const Case cases[] = {
      {"", nlohmann::json::array(), false, "found array, expected an object"},
      {"/version", 2, false, "version: found 2, expected 1"},
      {"/model", nullptr, true, "model: missing"},
      {"/model/aggregates/app/cpu/histogram/weights/0", "x", false,
       "model: aggregates: app: cpu: histogram: weights[0]: found \"x\""},
      {"/model/aggregates/app/cpu/histogram/weights/0", -1.5, false,
       "weights[0]: found -1.5, expected a non-negative number"},
      {"/model/aggregates/app/memory_peaks/histogram/min_bucket", 9999, false,
       "memory_peaks: histogram: min_bucket: 9999 is outside [0, "},
      {"/model/aggregates/app/total_samples_count", "many", false,
       "total_samples_count: found string, expected an integer"},
      {"/model/containers/0/container", "ghost", false,
       "containers[0]: container: \"ghost\" has no entry in aggregates"},
      {"/model/containers/1/state/window_end_unix_ns", 1.5, false,
       "containers[1]: state: window_end_unix_ns: found number, expected an integer or null"},
      {"/model/spike_trackers/app/episodes", nlohmann::json::array({1}), false,
       "spike_trackers: app: episodes: found 1 entries, expected 8"},
      {"/pods/web-0/containers/0/restarts", -1, false,
       "pods: web-0: containers[0]: restarts: -1 is outside"},
      {"/pods/web-1/resize_seen_unix_ns", "soon", false, "resize_seen_unix_ns: found string"},
      {"/last_gc_unix_ns", nullptr, true, "last_gc_unix_ns: missing"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pointer);
    nlohmann::json broken = valid;
    const nlohmann::json::json_pointer pointer(c.pointer);
    if (c.erase) {
      broken[pointer.parent_pointer()].erase(pointer.back());
    } else {
      broken[pointer] = c.value;
    }
    StatusOr<std::unique_ptr<StrategyState>> restored = h.strategy->RestoreState(broken);
    ASSERT_FALSE(restored.ok());
    EXPECT_EQ(StatusCode::kInvalidArgument, restored.status().code());
    EXPECT_TRUE(restored.status().message().starts_with("vpa state: "))
        << restored.status().message();
    EXPECT_NE(std::string::npos, restored.status().message().find(c.message))
        << restored.status().message();
  }
}

TEST(VpaStrategyTest, ResizesInPlaceAreTimedFromFirstSightAndFallBackToEviction) {
  Harness h("vpa", MakeWorkload(4, {10, 10 * kMi}));
  h.spec.update_mode = "InPlaceOrRecreate";
  const auto usage = [](size_t) { return PodUsage{500, 400.0 * kMi}; };
  VerticalProposal p;
  for (int i = 0; i < 30; ++i) p = h.Tick(kT0 + minutes(i), usage);
  ASSERT_EQ((std::vector<std::string>{"web-0", "web-1"}), p.pods);
  ASSERT_EQ(1u, p.containers.size());
  // Commit records nothing: VPA's updater keeps no memory of what it did.
  const nlohmann::json before = h.state->ToJson();
  h.strategy->Commit(*h.state, p, /*applied=*/true, kT0 + minutes(30));
  EXPECT_EQ(before, h.state->ToJson());
  // web-0's resize is deferred, web-1's in progress; web-2 and web-3 reached the template.
  h.workload.pods[0].resize = ResizeStatus::kDeferred;
  h.workload.pods[1].resize = ResizeStatus::kInProgress;
  for (int i : {2, 3}) {
    h.workload.pods[i].containers[0].requests = p.containers[0].requests;
    h.workload.pods[i].containers[0].limits = p.containers[0].limits;
  }
  struct Step {
    int minute;
    std::vector<std::string> pods;
  };
  const Step steps[] = {
      {31, {}},         // both first seen resizing now: they wait
      {36, {}},         // deferred for 5 minutes: not more than DeferredResizeUpdateTimeout
      {37, {"web-0"}},  // deferred for 6 minutes: evicted
      {91, {"web-0"}},  // web-1 in progress for 60 minutes: still waits
      {92, {"web-0", "web-1"}},
  };
  for (const Step& step : steps) {
    const VerticalProposal q = h.Tick(kT0 + minutes(step.minute), usage);
    EXPECT_EQ(step.pods, q.pods) << "minute " << step.minute;
    for (const TraceEntry& e : q.trace) {
      if (e.step == "updater" && e.reason.find(" web-0: ") != std::string::npos) {
        EXPECT_TRUE(e.reason.starts_with("evict web-0: its resize in place was Deferred over 5m"))
            << e.reason;
      }
    }
  }
  EXPECT_EQ(kT0 + minutes(31), h.vpa_state().pods().at("web-1").resize_seen);
  // A resize that is over is forgotten.
  h.workload.pods[1].resize = ResizeStatus::kNone;
  h.Tick(kT0 + minutes(93), usage);
  EXPECT_FALSE(h.vpa_state().pods().at("web-1").resize_seen.has_value());
}

TEST(VpaStrategyTest, IgnoresTheHpa) {
  Harness h("vpa", MakeWorkload(2, {100, 100 * kMi}));
  const HorizontalSpec hpa;  // no metrics: 80% average CPU utilization
  VerticalProposal p;
  for (int i = 0; i < 30; ++i) {
    p = h.Tick(
        kT0 + minutes(i),
        [](size_t) {
          return PodUsage{400, 300.0 * kMi};
        },
        &hpa);
  }
  ASSERT_EQ(1u, p.containers.size());
  EXPECT_NE(100, p.containers[0].requests.cpu_millis);  // the known HPA/VPA conflict on CPU
}

TEST(VerticalStrategyRegistryTest, FindsStrategiesByName) {
  EXPECT_EQ((std::vector<std::string>{"intelligent", "spike-aware", "vpa"}),
            VerticalStrategyNames());
  for (const std::string& name : VerticalStrategyNames()) {
    StatusOr<std::unique_ptr<VerticalRecommender>> strategy = NewVerticalStrategy(name);
    ASSERT_TRUE(strategy.ok()) << name;
    EXPECT_EQ(name, (*strategy)->name());
  }
  StatusOr<std::unique_ptr<VerticalRecommender>> unknown = NewVerticalStrategy("goldilocks");
  EXPECT_EQ(StatusCode::kNotFound, unknown.status().code());
  EXPECT_EQ("unknown vertical strategy \"goldilocks\" (known: intelligent, spike-aware, vpa)",
            unknown.status().message());
}

}  // namespace
}  // namespace crescendo::vertical
