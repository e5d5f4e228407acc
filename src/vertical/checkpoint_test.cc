// Checkpoints: expectations ported from kubernetes/autoscaler vertical-pod-autoscaler
// pkg/recommender/model/aggregate_container_state_test.go, and the VerticalPodAutoscalerCheckpoint
// JSON shape of the VPA CRD (autoscaling.k8s.io/v1, status.version v3).
#include "crescendo/vertical/checkpoint.h"

#include <gtest/gtest.h>

#include "crescendo/vertical/workload_model.h"

namespace crescendo::vertical {
namespace {

const Timestamp kT1 = *ParseRfc3339("2018-01-01T02:03:04Z");
const Timestamp kT2 = *ParseRfc3339("2018-02-01T02:03:04Z");

TEST(CheckpointTest, SaveAggregateState) {
  AggregateContainerState s;
  s.set_sample_span(kT1, kT2, 10);
  s.mutable_cpu().AddSample(1, 33, kT2);
  s.mutable_memory_peaks().AddSample(1, 55, kT1);
  s.mutable_memory_peaks().AddSample(10000000, 55, kT1);
  CheckpointStatus c = SaveToCheckpoint(s, kT2 + hours(1));
  EXPECT_EQ(kT1, c.first_sample_start);
  EXPECT_EQ(kT2, c.last_sample_start);
  EXPECT_EQ(10, c.total_samples_count);
  EXPECT_EQ("v3", c.version);
  EXPECT_EQ(kT2 + hours(1), c.last_update_time);
  EXPECT_EQ(1u, c.cpu_histogram.bucket_weights.size());
  EXPECT_EQ(2u, c.memory_histogram.bucket_weights.size());
}

TEST(CheckpointTest, LoadRejectsOtherVersions) {
  for (const char* version : {"foo", "v2", ""}) {
    CheckpointStatus c;
    c.version = version;
    AggregateContainerState s;
    Status st = LoadFromCheckpoint(c, &s);
    EXPECT_EQ(StatusCode::kFailedPrecondition, st.code()) << version;
  }
}

TEST(CheckpointTest, LoadAggregateState) {
  CheckpointStatus c;
  c.first_sample_start = kT1;
  c.last_sample_start = kT2;
  c.total_samples_count = 20;
  c.memory_histogram = {std::nullopt, {{0, 10}}, 33.0};
  c.cpu_histogram = {std::nullopt, {{0, 10}}, 44.0};
  AggregateContainerState s;
  ASSERT_TRUE(LoadFromCheckpoint(c, &s).ok());
  EXPECT_EQ(kT1, s.first_sample_start());
  EXPECT_EQ(kT2, s.last_sample_start());
  EXPECT_EQ(20, s.total_samples_count());
  EXPECT_FALSE(s.cpu().IsEmpty());
  EXPECT_FALSE(s.memory_peaks().IsEmpty());
  EXPECT_EQ(44.0, s.cpu().histogram().total_weight());
}

TEST(CheckpointTest, LoadReportsTheBadHistogram) {
  CheckpointStatus c;
  c.memory_histogram = {std::nullopt, {{176, 1}}, 1.0};
  AggregateContainerState s;
  Status st = LoadFromCheckpoint(c, &s);
  EXPECT_EQ(StatusCode::kInvalidArgument, st.code());
  EXPECT_EQ("memoryHistogram: histogram checkpoint: bucket 176 is outside [0, 176)", st.message());
}

VpaCheckpoint Example() {
  VpaCheckpoint c{"web-app", "shop", "web", "app", {}};
  c.status.last_update_time = *ParseRfc3339("2026-11-27T18:00:00.75Z");
  c.status.cpu_histogram = {*ParseRfc3339("2026-11-28T00:00:00Z"), {{25, 10000}, {26, 3}}, 12.5};
  c.status.first_sample_start = *ParseRfc3339("2026-11-26T18:00:00Z");
  c.status.last_sample_start = *ParseRfc3339("2026-11-27T17:59:00Z");
  c.status.total_samples_count = 1440;
  return c;
}

TEST(CheckpointJsonTest, WritesTheCrdShape) {
  EXPECT_EQ(
      R"({"apiVersion":"autoscaling.k8s.io/v1","kind":"VerticalPodAutoscalerCheckpoint",)"
      R"("metadata":{"name":"web-app","namespace":"shop"},"spec":{"containerName":"app","vpaObjectName":"web"},)"
      R"("status":{"cpuHistogram":{"bucketWeights":{"25":10000,"26":3},"referenceTimestamp":"2026-11-28T00:00:00Z",)"
      R"("totalWeight":12.5},"firstSampleStart":"2026-11-26T18:00:00Z","lastSampleStart":"2026-11-27T17:59:00Z",)"
      R"("lastUpdateTime":"2026-11-27T18:00:00Z","memoryHistogram":{"referenceTimestamp":null},)"
      R"("totalSamplesCount":1440,"version":"v3"}})",
      CheckpointsToJson({Example()}, -1));
}

TEST(CheckpointJsonTest, RoundTripsOneAndMany) {
  for (size_t n : {1u, 2u}) {
    std::vector<VpaCheckpoint> in(n, Example());
    auto out = ParseCheckpointsJson(CheckpointsToJson(in), "cp.json");
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_EQ(n, out->size());
    const VpaCheckpoint& c = (*out)[0];
    EXPECT_EQ("web-app", c.name);
    EXPECT_EQ("shop", c.ns);
    EXPECT_EQ("web", c.vpa_object_name);
    EXPECT_EQ("app", c.container_name);
    EXPECT_EQ(Example().status.cpu_histogram, c.status.cpu_histogram);
    EXPECT_EQ(HistogramCheckpoint{}, c.status.memory_histogram);
    EXPECT_EQ(1440, c.status.total_samples_count);
    EXPECT_EQ(*ParseRfc3339("2026-11-27T18:00:00Z"), c.status.last_update_time);  // whole seconds
  }
}

TEST(CheckpointJsonTest, Errors) {
  struct Case {
    const char* name;
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {"not JSON", "{", "cp.json: not JSON"},
      {"wrong apiVersion", R"({"apiVersion":"v1","spec":{"containerName":"a"},"status":{}})",
       "cp.json: checkpoint: apiVersion: found \"v1\", expected \"autoscaling.k8s.io/v1\""},
      {"no container", R"({"spec":{},"status":{}})",
       "cp.json: checkpoint: spec.containerName: missing"},
      {"bad bucket",
       R"({"items":[{"metadata":{"name":"w-a"},"spec":{"containerName":"a"},)"
       R"("status":{"cpuHistogram":{"bucketWeights":{"x":1}}}}]})",
       "cp.json: items[0] (w-a): status.cpuHistogram.bucketWeights[\"x\"]: expected an integer "
       "bucket index"},
      {"negative weight",
       R"({"spec":{"containerName":"a"},"status":{"memoryHistogram":{"bucketWeights":{"3":-1}}}})",
       "cp.json: checkpoint: status.memoryHistogram.bucketWeights[\"3\"]: found -1, expected an "
       "integer weight"},
      {"bad time", R"({"spec":{"containerName":"a"},"status":{"firstSampleStart":"yesterday"}})",
       "cp.json: checkpoint: status.firstSampleStart: "},
  };
  for (const Case& c : cases) {
    auto r = ParseCheckpointsJson(c.json, "cp.json");
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(0u, r.status().message().find(c.message)) << c.name << ": " << r.status().message();
  }
}

TEST(CheckpointModelTest, ExportLeavesOutTheOpenIntervalAndImportRestores) {
  WorkloadModel model;
  const Timestamp t0 = *ParseRfc3339("2026-11-20T00:00:00Z");
  for (int i = 0; i < 3 * 1440; ++i) {
    UsageRecord r{t0 + minutes(i), "web-1",      "app",        0.25, 4e8,
                  false,           std::nullopt, std::nullopt, i + 2};
    ASSERT_TRUE(model.Add(r));
  }
  const Timestamp now = t0 + minutes(3 * 1440 - 1) + seconds(30);  // third interval still open
  std::vector<VpaCheckpoint> exported = model.Export("web", "shop", now);
  ASSERT_EQ(1u, exported.size());
  EXPECT_EQ("web-app", exported[0].name);
  // Three intervals started (days 1, 2, 3); the third is still open at `now` and is left out.
  // Peaks dated t0+1d and t0+2d weigh 2^0 and 2^1 against the reference t0+1d.
  EXPECT_DOUBLE_EQ(3.0, exported[0].status.memory_histogram.total_weight);
  EXPECT_EQ(1u, exported[0].status.memory_histogram.bucket_weights.size());
  EXPECT_EQ(3 * 1440, exported[0].status.total_samples_count);

  WorkloadModel restored;
  ASSERT_TRUE(restored.Import(exported[0]).ok());
  PodRecommendation before = model.Recommend({.now = now, .spike_aware = false});
  PodRecommendation after = restored.Recommend({.now = now, .spike_aware = false});
  ASSERT_EQ(1u, after.containers.size());
  EXPECT_EQ(before.containers[0].target, after.containers[0].target);
  EXPECT_EQ(before.containers[0].upper_bound, after.containers[0].upper_bound);
}

}  // namespace
}  // namespace crescendo::vertical
