// The exact JSON forms of histograms, container states, spike trackers and WorkloadModel, and
// WorkloadModel::CopyFrom.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crescendo/vertical/aggregate_state.h"
#include "crescendo/vertical/histogram.h"
#include "crescendo/vertical/spike.h"
#include "crescendo/vertical/workload_model.h"

namespace crescendo::vertical {
namespace {

const Timestamp kT0 = FromUnixSeconds(1795392000);

// Through text, as a checkpoint file holds it.
nlohmann::json ThroughText(const nlohmann::json& json) {
  return nlohmann::json::parse(json.dump());
}

TEST(ExactJsonTest, HistogramRoundTripsBitForBit) {
  struct Case {
    const char* name;
    std::function<void(Histogram&)> fill;
  };
  const Case cases[] = {{"empty", [](Histogram&) {}},
                        {"weights that print with 17 digits",
                         [](Histogram& h) {
                           h.AddSample(0.3, 0.1);
                           h.AddSample(1.7, 1.0 / 3);
                           h.AddSample(250, 1e-300);
                         }},
                        {"the stored window wider than the non-empty range",
                         [](Histogram& h) {
                           h.AddSample(
                               0.5, 1e-5);  // below epsilon: stored, not the first non-empty bucket
                           h.AddSample(2.0, 1.0);
                           h.AddSample(9.0, 2.0);
                           h.SubtractSample(9.0, 2.0);
                         }},
                        {"scaled", [](Histogram& h) {
                           h.AddSample(3.0, 1.0);
                           h.Scale(std::ldexp(1.0, -37));
                         }}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Histogram h(&HistogramOptions::DefaultCpu());
    c.fill(h);
    Histogram restored(&HistogramOptions::DefaultCpu());
    restored.AddSample(40.0, 5.0);  // replaced entirely
    ASSERT_TRUE(restored.FromExactJson(ThroughText(h.ToExactJson())).ok());
    EXPECT_EQ(h.total_weight(), restored.total_weight());
    EXPECT_EQ(h.min_bucket(), restored.min_bucket());
    EXPECT_EQ(h.max_bucket(), restored.max_bucket());
    EXPECT_EQ(h.MemoryUsageBytes(), restored.MemoryUsageBytes());
    for (int b = 0; b < HistogramOptions::DefaultCpu().num_buckets(); ++b) {
      EXPECT_EQ(h.BucketWeight(b), restored.BucketWeight(b)) << b;
    }
    for (double p : {0.0, 0.5, 0.9, 0.95, 1.0}) EXPECT_EQ(h.Percentile(p), restored.Percentile(p));
    EXPECT_EQ(h.ToExactJson(), restored.ToExactJson());
  }
}

TEST(ExactJsonTest, HistogramRejectsMalformedJson) {
  Histogram h(&HistogramOptions::DefaultCpu());
  h.AddSample(1.0, 1.0);
  const nlohmann::json valid = h.ToExactJson();
  struct Case {
    const char* field;
    nlohmann::json value;
    const char* message;
  };
  const Case cases[] = {
      {"total_weight", "1", "total_weight: found string, expected a finite number"},
      {"min_bucket", -1, "min_bucket: -1 is outside [0, 176)"},
      {"max_bucket", 176, "max_bucket: 176 is outside [0, 176)"},
      {"first_bucket", 175.5, "first_bucket: found number, expected an integer"},
      {"weights", nlohmann::json::array({1, 2, 3}), "weights: 3 buckets from first_bucket"},
      {"weights", nlohmann::json::object(), "weights: found object, expected an array"},
      {"weights", nlohmann::json::array({nullptr}), "weights[0]: found null"},
  };
  for (const Case& c : cases) {
    nlohmann::json broken = valid;
    broken[c.field] = c.value;
    if (std::string(c.message).starts_with("weights: 3")) broken["first_bucket"] = 174;
    Histogram target(&HistogramOptions::DefaultCpu());
    target.AddSample(7.0, 1.0);
    const nlohmann::json before = target.ToExactJson();
    Status s = target.FromExactJson(broken);
    EXPECT_EQ(StatusCode::kInvalidArgument, s.code()) << c.field;
    EXPECT_TRUE(s.message().starts_with(c.message)) << s.message();
    EXPECT_EQ(before, target.ToExactJson()) << "unchanged on error";
  }
}

TEST(ExactJsonTest, ContainerAndAggregateStatesRoundTrip) {
  AggregateContainerState aggregate;
  ContainerState container(&aggregate);
  for (int i = 0; i < 3000; ++i) {
    const Timestamp t = kT0 + minutes(i);
    container.AddCpuSample(t, 100 + (i * 37) % 400, 250);
    container.AddMemorySample(t, 300000000 + (i * 7919) % 50000000);
  }
  ASSERT_TRUE(container.RecordOom(kT0 + minutes(2999), 320000000).ok());

  AggregateContainerState aggregate2;
  ContainerState container2(&aggregate2);
  ASSERT_TRUE(aggregate2.FromExactJson(ThroughText(aggregate.ToExactJson())).ok());
  ASSERT_TRUE(container2.FromExactJson(ThroughText(container.ToExactJson())).ok());
  EXPECT_EQ(aggregate.ToExactJson(), aggregate2.ToExactJson());
  EXPECT_EQ(container.ToExactJson(), container2.ToExactJson());
  // The same samples afterwards leave both equal, open-interval peak included.
  for (int i = 3000; i < 3100; ++i) {
    const Timestamp t = kT0 + minutes(i);
    for (ContainerState* c : {&container, &container2}) {
      c->AddCpuSample(t, 100 + (i * 37) % 400, 250);
      c->AddMemorySample(t, 300000000 + (i * 7919) % 90000000);
    }
  }
  EXPECT_EQ(aggregate.ToExactJson(), aggregate2.ToExactJson());
  EXPECT_EQ(container.ToExactJson(), container2.ToExactJson());
  EXPECT_TRUE(aggregate.cpu().Equals(aggregate2.cpu()));
  EXPECT_EQ(aggregate.first_sample_start(), aggregate2.first_sample_start());
}

TEST(ExactJsonTest, SpikeTrackerRoundTrips) {
  const SpikeOptions options;
  SpikeTracker tracker;
  for (int i = 0; i < 20 * 288; ++i) {  // 20 days at 5 min, a spike every 6 hours: ring wraps
    tracker.ObserveMemory(kT0 + minutes(5 * i), i % 72 < 2 ? 2.5e9 : 1e9, options);
  }
  SpikeTracker restored;
  ASSERT_TRUE(restored.FromExactJson(ThroughText(tracker.ToExactJson())).ok());
  EXPECT_EQ(tracker.ToExactJson(), restored.ToExactJson());
  const Timestamp now = kT0 + hours(24 * 20);
  const SpikeTracker::Finding a = tracker.Analyze(now, options);
  const SpikeTracker::Finding b = restored.Analyze(now, options);
  EXPECT_EQ(a.episodes, b.episodes);
  EXPECT_EQ(a.recurring_level_bytes, b.recurring_level_bytes);
  EXPECT_EQ(a.period, b.period);
  EXPECT_EQ(a.next_expected, b.next_expected);

  nlohmann::json broken = tracker.ToExactJson();
  broken["next"] = 8;
  EXPECT_EQ(StatusCode::kInvalidArgument, restored.FromExactJson(broken).code());
}

UsageRecord Record(Timestamp t, std::string pod, std::string container, double cpu, double memory) {
  UsageRecord r;
  r.time = t;
  r.pod = std::move(pod);
  r.container = std::move(container);
  r.cpu_cores = cpu;
  r.memory_bytes = memory;
  return r;
}

TEST(WorkloadModelCopyTest, CopyFromIsIndependentAndReusesNothingOfTheSource) {
  WorkloadModel original;
  for (int i = 0; i < 600; ++i) {
    original.Add(Record(kT0 + minutes(i), "web-1", "app", 0.3 + (i % 7) * 0.01, 4e8 + i * 1e5));
    original.Add(Record(kT0 + minutes(i), "web-2", "app", 0.5, 5e8));
    original.Add(Record(kT0 + minutes(i), "web-2", "proxy", 0.02, 3e7));
  }
  WorkloadModel copy;
  copy.Add(Record(kT0, "other", "sidecar", 1.0, 1e9));
  copy.CopyFrom(original);
  EXPECT_EQ(original.ToExactJson(), copy.ToExactJson());
  EXPECT_EQ(original.MemoryUsageBytes(), copy.MemoryUsageBytes());
  // Samples fed to the copy land in the copy's aggregates, not the original's.
  const nlohmann::json before = original.ToExactJson();
  for (int i = 600; i < 700; ++i) {
    copy.Add(Record(kT0 + minutes(i), "web-1", "app", 2.0, 9e8));
  }
  EXPECT_EQ(before, original.ToExactJson());
  EXPECT_NE(before, copy.ToExactJson());
  // And a restored model decides as the original.
  WorkloadModel restored;
  ASSERT_TRUE(restored.FromExactJson(ThroughText(copy.ToExactJson())).ok());
  for (WorkloadModel* m : {&copy, &restored}) {
    m->Add(Record(kT0 + minutes(700), "web-1", "app", 0.4, 3e9));
  }
  const PodRecommendation a = copy.Recommend({.now = kT0 + minutes(701)});
  const PodRecommendation b = restored.Recommend({.now = kT0 + minutes(701)});
  ASSERT_EQ(a.containers.size(), b.containers.size());
  for (size_t i = 0; i < a.containers.size(); ++i) {
    EXPECT_EQ(a.containers[i].target, b.containers[i].target);
    EXPECT_EQ(a.containers[i].lower_bound, b.containers[i].lower_bound);
    EXPECT_EQ(a.containers[i].upper_bound, b.containers[i].upper_bound);
  }
}

TEST(WorkloadModelCopyTest, ForgetPodsKeepsTheAggregates) {
  WorkloadModel model;
  for (int i = 0; i < 10; ++i) {
    model.Add(Record(kT0 + minutes(i), "web-" + std::to_string(i), "app", 0.3, 4e8));
  }
  EXPECT_EQ(10u, model.container_state_count());
  EXPECT_EQ(9u, model.ForgetPods([](const std::string& pod) { return pod != "web-3"; }));
  EXPECT_EQ(1u, model.container_state_count());
  EXPECT_EQ(10, model.aggregates().at("app").total_samples_count());
}

}  // namespace
}  // namespace crescendo::vertical
