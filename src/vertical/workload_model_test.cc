#include "crescendo/vertical/workload_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace crescendo::vertical {
namespace {

const Timestamp kT0 = *ParseRfc3339("2026-11-01T00:00:00Z");

UsageRecord Record(Timestamp t, std::string pod, double cpu, double memory) {
  UsageRecord r;
  r.time = t;
  r.pod = std::move(pod);
  r.container = "app";
  r.cpu_cores = cpu;
  r.memory_bytes = memory;
  return r;
}

// Nine days at one sample a minute: 1 GB, with a 20-minute model-loading spike to 3 GB at noon
// on days 1 and 5 (every 4 days). Plain VPA's P90 of daily peaks stays near 1 GB: the next
// spike (day 9) would be an OOM kill.
std::vector<UsageRecord> ModelLoadingTrace() {
  std::vector<UsageRecord> records;
  for (int i = 0; i < 9 * 1440; ++i) {
    const int day = i / 1440;
    const int minute_of_day = i % 1440;
    const bool spike = (day == 1 || day == 5) && minute_of_day >= 720 && minute_of_day < 740;
    records.push_back(Record(kT0 + minutes(i), "infer-1", 0.4, spike ? 3e9 : 1e9));
  }
  return records;
}

TEST(SpikeAwareTest, SizesForRecurringModelLoadingSpikes) {
  WorkloadModel model;
  EXPECT_EQ(0u, model.FeedAll(ModelLoadingTrace()));
  const Timestamp now = kT0 + hours(24 * 9);
  PodRecommendation vpa = model.Recommend({.now = now, .spike_aware = false});
  PodRecommendation spiky = model.Recommend({.now = now, .spike_aware = true});
  ASSERT_EQ(1u, vpa.containers.size());
  ASSERT_EQ(1u, spiky.containers.size());
  EXPECT_LT(*vpa.containers[0].target.memory_bytes, 1200000000);
  EXPECT_EQ(ResourceAmountFromDouble(3e9 * 1.15), spiky.containers[0].target.memory_bytes);
  EXPECT_EQ(spiky.containers[0].target, spiky.containers[0].uncapped_target);
  EXPECT_GE(*spiky.containers[0].upper_bound.memory_bytes,
            *spiky.containers[0].target.memory_bytes);
  EXPECT_EQ(vpa.containers[0].target.cpu_millis, spiky.containers[0].target.cpu_millis);
  ASSERT_EQ(1u, spiky.containers[0].notes.size());
  EXPECT_EQ("memory sized for a spike to 3G seen 2 times in 192h0m0s",
            spiky.containers[0].notes[0]);
}

TEST(SpikeAwareTest, SpikeSizingRespectsMaxAllowed) {
  WorkloadModel model;
  model.FeedAll(ModelLoadingTrace());
  VerticalSpec spec;
  ContainerResourcePolicy p;
  p.max_allowed = Resources{0, 2000000000};
  spec.container_policies = {p};
  PodRecommendation rec = model.Recommend({.spec = &spec, .now = kT0 + hours(24 * 9)});
  EXPECT_EQ(2000000000, rec.containers[0].target.memory_bytes);
  EXPECT_EQ(ResourceAmountFromDouble(3e9 * 1.15), rec.containers[0].uncapped_target.memory_bytes);
}

TEST(SpikeTrackerTest, FindsPeriodicEpisodes) {
  SpikeOptions options;
  SpikeTracker tracker;
  Timestamp t = kT0;
  for (int i = 0; i < 2 * 24 * 12; ++i, t += minutes(5)) {  // 2 days at 5 min
    const bool spike = (i % 72) < 2;                        // 10 minutes every 6 hours
    tracker.ObserveMemory(t, spike ? 2e9 : 1e9, options);
  }
  SpikeTracker::Finding f = tracker.Analyze(t, options);
  EXPECT_EQ(7, f.episodes);  // the first one sets the baseline
  EXPECT_FLOAT_EQ(2e9, static_cast<float>(f.recurring_level_bytes));
  ASSERT_TRUE(f.period.has_value());
  EXPECT_EQ(hours(6), *f.period);
  EXPECT_EQ(kT0 + hours(48), f.next_expected);
}

TEST(SpikeTrackerTest, CountsOomsAndForgetsOldEpisodes) {
  SpikeOptions options;
  SpikeTracker tracker;
  tracker.ObserveOom(kT0, 1.2e9, options);
  tracker.ObserveOom(kT0 + hours(1), 1.5e9, options);
  SpikeTracker::Finding f = tracker.Analyze(kT0 + hours(2), options);
  EXPECT_EQ(2, f.episodes);
  EXPECT_FLOAT_EQ(1.2e9, static_cast<float>(f.recurring_level_bytes));  // reached twice
  EXPECT_EQ(0, tracker.Analyze(kT0 + hours(24 * 9), options).episodes);
  EXPECT_EQ(0.0, tracker.Analyze(kT0 + hours(24 * 9), options).recurring_level_bytes);
}

TEST(WorkloadModelTest, AggregatesPodsPerContainerName) {
  WorkloadModel model;
  std::vector<UsageRecord> records;
  for (int i = 0; i < 60; ++i) {
    records.push_back(Record(kT0 + minutes(i), "web-1", 0.5, 3e8));
    records.push_back(Record(kT0 + minutes(i), "web-2", 1.5, 5e8));
  }
  UsageRecord sidecar = Record(kT0, "web-1", 0.01, 5e7);
  sidecar.container = "proxy";
  records.push_back(sidecar);
  EXPECT_EQ(0u, model.FeedAll(records));
  ASSERT_EQ(2u, model.aggregates().size());
  EXPECT_EQ(120, model.aggregates().at("app").total_samples_count());
  EXPECT_EQ(1, model.aggregates().at("proxy").total_samples_count());
  // Duplicate sample of one pod: discarded as VPA does.
  EXPECT_FALSE(model.Add(Record(kT0 + minutes(59), "web-1", 0.5, 3e8)));
}

TEST(WorkloadModelTest, HorizontalCpuMetricLeavesCpuToTheHpa) {
  WorkloadModel model;
  for (int i = 0; i < 60; ++i) model.Add(Record(kT0 + minutes(i), "web-1", 0.5, 3e8));
  HorizontalSpec hpa;  // default metric: CPU utilization
  PodRecommendation rec = model.Recommend({.horizontal = &hpa, .now = kT0 + hours(1)});
  ASSERT_EQ(1u, rec.containers.size());
  EXPECT_FALSE(rec.containers[0].target.cpu_millis.has_value());
  EXPECT_TRUE(rec.containers[0].target.memory_bytes.has_value());
}

TEST(WorkloadModelTest, OomRecordsBumpMemory) {
  WorkloadModel model;
  model.Add(Record(kT0, "web-1", 0.5, 5e8));
  UsageRecord oom;
  oom.time = kT0 + minutes(1);
  oom.pod = "web-1";
  oom.container = "app";
  oom.memory_bytes = 1e9;
  oom.oom = true;
  EXPECT_TRUE(model.Add(oom));
  // The day's peak becomes max(1e9 + 100 MiB, 1.2e9) = 1.2e9.
  EXPECT_EQ(1, model.aggregates().at("app").total_samples_count());
  EXPECT_NEAR(1.2e9, model.aggregates().at("app").memory_peaks().Percentile(1.0), 1.2e9 * 0.05);
  oom.time = kT0 - hours(48);  // stale
  EXPECT_FALSE(model.Add(oom));
}

TEST(WorkloadModelTest, GarbageCollectsExpiredContainers) {
  WorkloadModel model;
  model.Add(Record(kT0, "web-1", 0.5, 3e8));
  model.GarbageCollect(kT0 + hours(24 * 7));
  EXPECT_EQ(1u, model.aggregates().size());
  model.GarbageCollect(kT0 + hours(24 * 8));
  EXPECT_TRUE(model.aggregates().empty());
  EXPECT_TRUE(model.Recommend({.now = kT0 + hours(24 * 8)}).containers.empty());
}

}  // namespace
}  // namespace crescendo::vertical

namespace crescendo::vertical {
namespace {

// What a lookup-hint case feeds: per minute, usage of the listed (pod, container) pairs in the
// given order, and before minute `forget_at` the pods named in `forget` are forgotten.
struct HintCase {
  const char* name;
  std::vector<std::pair<std::string, std::string>> order;
  int forget_at = -1;
  std::vector<std::string> forget;
};

// Feeds `c` into `model`; when `cold`, every Add() runs on a fresh copy (CopyFrom forgets the
// look-up hints), so that the hinted and the plain look-ups can be compared.
void FeedHintCase(const HintCase& c, WorkloadModel& model, bool cold) {
  WorkloadModel scratch;
  for (int minute = 0; minute < 30; ++minute) {
    if (minute == c.forget_at) {
      model.ForgetPods([&](const std::string& pod) {
        return std::find(c.forget.begin(), c.forget.end(), pod) != c.forget.end();
      });
    }
    for (size_t i = 0; i < c.order.size(); ++i) {
      const auto& [pod, container] = c.order[i];
      UsageRecord r = Record(kT0 + minutes(minute), pod, 0.1 + 0.01 * static_cast<double>(i),
                             1e8 * static_cast<double>(1 + (minute + static_cast<int>(i)) % 7));
      r.container = container;
      r.oom = minute == 20 && i == 0;
      if (cold) {
        scratch.CopyFrom(model);
        scratch.Add(r);
        model.CopyFrom(scratch);
      } else {
        model.Add(r);
      }
    }
  }
  model.GarbageCollect(kT0 + minutes(30));
}

TEST(WorkloadModelTest, LookupHintsChangeNothing) {
  const std::vector<HintCase> cases = {
      {"pods in name order", {{"web-0", "app"}, {"web-1", "app"}, {"web-2", "app"}}},
      {"pods in reverse order", {{"web-2", "app"}, {"web-1", "app"}, {"web-0", "app"}}},
      {"two containers, interleaved",
       {{"web-0", "app"}, {"web-0", "sidecar"}, {"web-1", "sidecar"}, {"web-1", "app"}}},
      {"a pod forgotten, then back",
       {{"web-0", "app"}, {"web-1", "app"}, {"web-2", "app"}},
       10,
       {"web-1"}},
      {"every pod forgotten", {{"web-0", "app"}, {"web-1", "app"}}, 5, {"web-0", "web-1"}},
  };
  for (const HintCase& c : cases) {
    WorkloadModel hinted, cold;
    FeedHintCase(c, hinted, /*cold=*/false);
    FeedHintCase(c, cold, /*cold=*/true);
    EXPECT_EQ(cold.ToExactJson(), hinted.ToExactJson()) << c.name;
    EXPECT_EQ(cold.container_state_count(), hinted.container_state_count()) << c.name;
    EXPECT_GT(hinted.container_state_count(), 0u) << c.name;
  }
}

}  // namespace
}  // namespace crescendo::vertical

namespace crescendo::vertical {
namespace {

// Feeding through ContainerRefs (the engine feeder's path) leaves the model exactly as Add()
// does, discards included; every change that may erase a state gives a new generation.
TEST(WorkloadModelRefTest, RefsFeedAsAddAndGenerationsTrackErasures) {
  struct Sample {
    int minute;
    const char* pod;
    bool cpu;
    double value;  // cores or bytes
    double request_cores;
  };
  const Sample samples[] = {
      {0, "web-0", true, 0.25, 0.5}, {0, "web-0", false, 3e8, 0},       {0, "web-1", true, 0.3, 0},
      {1, "web-0", true, 0.5, 0.5},  {1, "web-0", true, 0.6, 0.5},  // duplicate time: discarded
      {1, "web-0", false, 4e8, 0},   {0, "web-0", false, 2e8, 0},   // back in time: discarded
      {2, "web-1", false, 9e8, 0},   {26 * 60, "web-0", false, 1e8, 0},
  };
  WorkloadModel by_add, by_ref;
  const WorkloadModel::ContainerRef ref = by_ref.Ref("web-0", "app");
  EXPECT_EQ("app", *ref.container);
  for (const Sample& s : samples) {
    SCOPED_TRACE(std::to_string(s.minute) + " " + s.pod);
    UsageRecord r;
    r.time = kT0 + minutes(s.minute);
    r.pod = s.pod;
    r.container = "app";
    (s.cpu ? r.cpu_cores : r.memory_bytes) = s.value;
    if (s.cpu) r.cpu_request_cores = s.request_cores;
    const WorkloadModel::ContainerRef target = by_ref.Ref(s.pod, "app");
    if (std::string_view(s.pod) == "web-0") {
      EXPECT_EQ(ref.state, target.state);
    }
    const bool added = s.cpu ? by_ref.AddCpu(target, r.time, s.value, s.request_cores)
                             : by_ref.AddMemory(target, r.time, s.value);
    EXPECT_EQ(by_add.Add(r), added);
  }
  EXPECT_EQ(by_add.ToExactJson(), by_ref.ToExactJson());

  const Timestamp later = kT0 + hours(24 * 30);
  const std::pair<const char*, std::function<void(WorkloadModel&)>> erasures[] = {
      {"ForgetPods",
       [](WorkloadModel& m) { m.ForgetPods([](const std::string&) { return false; }); }},
      {"GarbageCollect", [&](WorkloadModel& m) { m.GarbageCollect(later); }},
      {"CopyFrom", [&](WorkloadModel& m) { m.CopyFrom(by_add); }},
      {"FromExactJson",
       [&](WorkloadModel& m) { ASSERT_TRUE(m.FromExactJson(by_add.ToExactJson()).ok()); }},
  };
  for (const auto& [name, erase] : erasures) {
    SCOPED_TRACE(name);
    const uint64_t before = by_ref.generation();
    by_ref.Ref("web-2", "app");  // inserting moves nothing: same generation
    EXPECT_EQ(before, by_ref.generation());
    erase(by_ref);
    EXPECT_NE(before, by_ref.generation());
    EXPECT_NE(by_add.generation(), by_ref.generation());
  }
}

}  // namespace
}  // namespace crescendo::vertical
