// The shipped examples load, validate and give the effective settings docs/configuration.md
// describes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/test_util.h"
#include "crescendo/config/loader.h"

namespace crescendo::config {
namespace {

using ::testing::ElementsAre;

LoadResult LoadExamples(const std::vector<std::string>& relative) {
  std::vector<std::string> paths;
  for (const std::string& path : relative) paths.push_back(testing::SourceDir() + "/" + path);
  LocalConfigFiles files;
  return LoadConfigFiles(paths, LoadOptions{}, files);
}

TEST(ExamplesTest, ConfigTreeIsValidAndComplete) {
  LoadResult result = LoadExamples({"examples/config"});
  ASSERT_TRUE(result.ok()) << result.Report();
  EXPECT_TRUE(result.diagnostics.empty()) << result.Report();
  const Config& config = *result.config;
  EXPECT_EQ(config.files.size(), 10u);
  EXPECT_EQ(config.environments.size(), 3u);
  EXPECT_EQ(config.tiers.size(), 4u);
  EXPECT_EQ(config.tenants.size(), 3u);
  // audio 3+2+3, ml 3, sessions 3, api 3, playlists 2.
  EXPECT_EQ(config.services.size(), 19u);
}

TEST(ExamplesTest, QueueWorkersScaleOnTheirTenantsQueueAndResizeVertically) {
  LoadResult result = LoadExamples({"examples/config"});
  ASSERT_TRUE(result.ok()) << result.Report();
  const ServiceConfig& worker =
      testing::ServiceById(*result.config, "prod/harmonia/audio/audio-analysis-worker");
  EXPECT_EQ(worker.mode, AutoscalingMode::kIntelligent);
  EXPECT_EQ(worker.tier, "enterprise");
  EXPECT_EQ(worker.priority, 900);
  EXPECT_EQ(worker.scaling_interval, std::chrono::seconds(30));
  ASSERT_TRUE(worker.horizontal.has_value());
  EXPECT_EQ(worker.horizontal->min_replicas, 3);     // tenant harmonia
  EXPECT_EQ(worker.horizontal->max_replicas, 60);    // perEnvironment.prod
  ASSERT_EQ(worker.horizontal->metrics.size(), 1u);  // cpu removed by `cpu: ~`
  EXPECT_EQ(worker.horizontal->metrics[0].name, "audio_queue_length");
  EXPECT_EQ(worker.horizontal->metrics[0].type, MetricSourceType::kExternal);
  EXPECT_EQ(worker.horizontal->metrics[0].target.average_value->ToString(), "30");
  EXPECT_EQ(worker.metric_bindings[0].source, "prometheus");
  EXPECT_THAT(worker.metric_bindings[0].query, ::testing::HasSubstr("audio-analysis-{{tenant}}"));
  ASSERT_TRUE(worker.horizontal->behavior.has_value());
  EXPECT_EQ(worker.horizontal->behavior->scale_down->stabilization_window_seconds, 120);
  EXPECT_EQ(worker.horizontal->behavior->scale_up->policies.size(), 2u);
  ASSERT_TRUE(worker.vertical.has_value());
  EXPECT_EQ(worker.vertical->update_mode, "Auto");
  ASSERT_EQ(worker.vertical->container_policies.size(), 2u);
  EXPECT_EQ(worker.vertical->container_policies[0].container_name, "analyzer");
  EXPECT_EQ(worker.vertical->container_policies[0].max_allowed->cpu_millis, 4000);
  EXPECT_EQ(worker.vertical->container_policies[0].max_allowed->memory_bytes, int64_t{8} << 30);
  EXPECT_EQ(worker.vertical->container_policies[1].mode, ContainerScalingMode::kOff);

  const ServiceConfig& dev =
      testing::ServiceById(*result.config, "dev/harmonia/audio/audio-analysis-worker");
  EXPECT_EQ(dev.mode, AutoscalingMode::kRecommend);
  EXPECT_EQ(dev.horizontal->min_replicas, 0);  // scale to zero on the queue
  EXPECT_EQ(dev.horizontal->max_replicas, 4);
  EXPECT_FALSE(dev.cost_optimization);  // tenant harmonia disables what dev enables
}

TEST(ExamplesTest, SharedServicesTakeTheirTierAndOwnPriority) {
  LoadResult result = LoadExamples({"examples/config"});
  ASSERT_TRUE(result.ok()) << result.Report();
  const ServiceConfig& sessions =
      testing::ServiceById(*result.config, "prod/shared/sessions/user-sessions");
  EXPECT_EQ(sessions.tier, "premium");  // global.defaultTier
  EXPECT_EQ(sessions.priority, 950);
  EXPECT_EQ(sessions.horizontal->min_replicas, 6);
  EXPECT_EQ(sessions.horizontal->max_replicas, 120);
  std::vector<std::string> metrics;
  for (const MetricSpec& m : sessions.horizontal->metrics) metrics.push_back(m.name);
  EXPECT_THAT(metrics,
              ElementsAre("cpu", "active_streams", "playback_starts_per_second", "memory"));
  EXPECT_EQ(sessions.metric_bindings[1].source, "business");
  EXPECT_EQ(sessions.horizontal->behavior->scale_up->tolerance, 0.05);

  const ServiceConfig& inference =
      testing::ServiceById(*result.config, "staging/shared/ml/ml-inference");
  EXPECT_EQ(inference.workload_kind, "StatefulSet");
  EXPECT_EQ(inference.mode, AutoscalingMode::kPredictive);
  EXPECT_EQ(inference.vertical->update_mode, "Off");
  const Setting* origin =
      inference.FindSetting("horizontal.behavior.scaleDown.stabilizationWindowSeconds");
  ASSERT_NE(origin, nullptr);
  EXPECT_EQ(origin->value, "900");
  EXPECT_THAT(origin->origin.ToString(),
              ::testing::EndsWith("examples/config/services/ml-inference.yaml:21:39"));
}

TEST(ExamplesTest, ConfigTreeWithManifestsIsValid) {
  LoadResult result = LoadExamples({"examples/config", "examples/manifests"});
  ASSERT_TRUE(result.ok()) << result.Report();
  EXPECT_TRUE(result.diagnostics.empty()) << result.Report();
  const Config& config = *result.config;
  EXPECT_EQ(config.services.size(), 19u + 2u + 3u + 3u);

  const ServiceConfig& gateway =
      testing::ServiceById(config, "prod/shared/streaming/stream-gateway");
  EXPECT_EQ(gateway.horizontal->min_replicas, 3);
  EXPECT_EQ(gateway.horizontal->max_replicas, 50);
  EXPECT_THAT(gateway.FindSetting("horizontal.maxReplicas")->origin.ToString(),
              ::testing::EndsWith("examples/manifests/hpa-stream-gateway.yaml:18:16"));
  EXPECT_EQ(config.Select("stream-gateway", "dev").size(), 0u);  // annotation: staging, prod

  const ServiceConfig& indexer =
      testing::ServiceById(config, "dev/kinderklang/kinderklang/catalog-indexer");
  EXPECT_FALSE(indexer.horizontal.has_value());  // a VPA alone
  EXPECT_EQ(indexer.workload_kind, "StatefulSet");
  EXPECT_EQ(indexer.vertical->update_mode, "Recreate");
  EXPECT_EQ(indexer.tier, "family");

  const ServiceConfig& lyrics =
      testing::ServiceById(config, "staging/shared/catalog/lyrics-service");
  EXPECT_EQ(lyrics.horizontal->max_replicas, 12);
  EXPECT_EQ(lyrics.horizontal->metrics[0].target.average_utilization, 75);
  EXPECT_THAT(lyrics.vertical->container_policies[0].controlled_resources, ElementsAre("memory"));
}

}  // namespace
}  // namespace crescendo::config
