#include "crescendo/vertical/evaluation.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace crescendo::vertical {
namespace {

std::string TracesDir() {
  if (const char* shared = std::getenv("CRESCENDO_SHARED_DIR"))
    return std::string(shared) + "/traces";
  const char* source = std::getenv("CRESCENDO_SOURCE_DIR");
  return std::string(source ? source : ".") + "/../shared/traces";
}

UsageSeries Steady(double cpu, double memory, int hours_long) {
  UsageSeries s{"steady", 2.0, 4e9, {}};
  const Timestamp t0 = *ParseRfc3339("2026-11-01T00:00:00Z");
  for (int i = 0; i < hours_long * 60; ++i) s.points.push_back({t0 + minutes(i), cpu, memory});
  return s;
}

TEST(EvaluationTest, ScoresFixedRequestsExactly) {
  // 48 h at 0.5 cores / 1 GB against requests of 2 cores / 4 GB, scored after 24 h.
  std::vector<StrategyScore> scores = Evaluate({Steady(0.5, 1e9, 48)});
  ASSERT_EQ(3u, scores.size());
  EXPECT_EQ("fixed requests", scores[0].strategy);
  EXPECT_EQ(24 * 60, scores[0].samples);
  EXPECT_NEAR(3.0, scores[0].cpu_slack, 1e-9);  // (2 - 0.5) / 0.5
  EXPECT_NEAR(3.0, scores[0].memory_slack, 1e-9);
  EXPECT_EQ(0.0, scores[0].cpu_exceed_share);
  // VPA's target for steady usage: end of the usage's bucket (+<5%) + 15% margin.
  EXPECT_EQ("vpa", scores[1].strategy);
  EXPECT_GT(scores[1].cpu_slack, 0.15);
  EXPECT_LT(scores[1].cpu_slack, 0.21);
  EXPECT_EQ(0.0, scores[1].memory_exceed_share);
  EXPECT_EQ("crescendo", scores[2].strategy);
  EXPECT_NEAR(scores[1].memory_slack, scores[2].memory_slack, 1e-9);
}

TEST(EvaluationTest, MarkdownTable) {
  std::string table = ScoresToMarkdown({{"vpa", 0.25, 0.5, 0.01, 0.001, 10}});
  EXPECT_NE(std::string::npos, table.find("| vpa | 25.0% | 50.0% | 1.00% | 0.100% | 10 |"))
      << table;
}

TEST(EvaluationTest, LoadsTheSharedTraces) {
  const std::string dir = TracesDir();
  if (!std::filesystem::is_directory(dir + "/google-borg-2019-task-usage") ||
      !std::filesystem::is_directory(dir + "/bitbrains-rnd-2013")) {
    GTEST_SKIP() << "SKIPPED LOUDLY: traces not found under " << dir
                 << " (set CRESCENDO_SHARED_DIR to the shared folder)";
  }
  auto borg = LoadBorgTasks(dir);
  ASSERT_TRUE(borg.ok()) << borg.status().ToString();
  EXPECT_EQ(9u, borg->size());
  EXPECT_NEAR(3.643798828125, (*borg)[0].request_cpu_cores, 1e-9);  // cpu_limit 0.0364 x 100
  EXPECT_GT((*borg)[0].points.size(), 2000u);
  auto bitbrains = LoadBitbrainsVms(dir);
  ASSERT_TRUE(bitbrains.ok()) << bitbrains.status().ToString();
  EXPECT_EQ(20u, bitbrains->size());
  EXPECT_GT((*bitbrains)[0].points.size(), 8000u);
  EXPECT_FALSE(LoadBorgTasks("/nonexistent").ok());
}

}  // namespace
}  // namespace crescendo::vertical
