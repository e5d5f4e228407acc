#include "crescendo/vertical/replay.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "vertical/cycle/cycle_sizing.h"

namespace crescendo::vertical {
namespace {

const Timestamp kT0 = *ParseRfc3339("2026-11-01T00:00:00Z");

// `hours_long` hours at one sample per 5 minutes of cpu(minute) cores and 1 GB, requesting 2
// cores and 4 GB.
ReplaySeries Series(int hours_long, double (*cpu)(int64_t minute)) {
  ReplaySeries s{.name = "p/c", .records = {}};
  for (int64_t m = 0; m < hours_long * 60; m += 5) {
    s.records.push_back({.time = kT0 + minutes(m),
                         .pod = "p",
                         .container = "c",
                         .cpu_cores = cpu(m),
                         .memory_bytes = 1e9,
                         .cpu_request_cores = 2.0,
                         .memory_request_bytes = 4e9});
  }
  return s;
}

double Half(int64_t) { return 0.5; }
// A daily cycle between 0.2 and 1.8 cores.
double Daily(int64_t m) { return 1.0 + 0.8 * std::sin(2 * M_PI * static_cast<double>(m) / 1440); }
// 0.5 cores, 3 cores for one sample in every 100.
double Bursty(int64_t m) { return (m / 5) % 100 == 99 ? 3.0 : 0.5; }

TEST(ReplayTest, ScoresEachStrategyAgainstItsAllocation) {
  struct Case {
    const char* name;
    double (*cpu)(int64_t);
    double fixed_cpu_slack;
    double fixed_cpu_over;
  };
  const Case cases[] = {
      {"steady", Half, 3.0, 0.0},                                        // (2 - 0.5) / 0.5
      {"bursty", Bursty, (2 - 303.0 / 576) / (303.0 / 576), 6.0 / 576},  // 6 bursts scored
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<StrategyScore> scores =
        Replay({Series(72, c.cpu)}, EvaluationStrategies(/*with_fixed=*/true));
    ASSERT_EQ(3u, scores.size());
    EXPECT_EQ("fixed", scores[0].strategy);
    EXPECT_EQ(48 * 12, scores[0].samples);  // scored after the 24 h warm-up
    EXPECT_NEAR(c.fixed_cpu_slack, scores[0].cpu_slack, 1e-9);
    EXPECT_NEAR(c.fixed_cpu_over, scores[0].cpu_exceed_share, 1e-9);
    EXPECT_NEAR(3.0, scores[0].memory_slack, 1e-9);
    EXPECT_EQ("vpa", scores[1].strategy);
    EXPECT_EQ("crescendo", scores[2].strategy);
    // Memory: crescendo is never below VPA's target.
    EXPECT_GE(scores[2].memory_slack, scores[1].memory_slack);
    EXPECT_LE(scores[2].memory_exceed_share, scores[1].memory_exceed_share);
  }
}

TEST(ReplayTest, VpaMatchesTheTraceEvaluation) {
  // The replay reproduces evaluation.h's VPA figures on the generated model-reload set.
  const std::vector<UsageSeries> generated = GenerateModelReloadSeries(7, 5);
  const std::vector<StrategyScore> old_scores = Evaluate(generated);
  const std::vector<StrategyScore> scores =
      Replay(SeriesFromUsage(generated), EvaluationStrategies(true));
  for (size_t i : {0u, 1u}) {
    EXPECT_DOUBLE_EQ(old_scores[i].cpu_slack, scores[i].cpu_slack) << i;
    EXPECT_DOUBLE_EQ(old_scores[i].memory_slack, scores[i].memory_slack) << i;
    EXPECT_DOUBLE_EQ(old_scores[i].cpu_exceed_share, scores[i].cpu_exceed_share) << i;
    EXPECT_DOUBLE_EQ(old_scores[i].memory_exceed_share, scores[i].memory_exceed_share) << i;
    EXPECT_EQ(old_scores[i].samples, scores[i].samples) << i;
  }
}

TEST(ReplayTest, CrescendoFollowsTheDailyCycle) {
  std::vector<StrategyScore> scores = Replay({Series(10 * 24, Daily)}, EvaluationStrategies(false));
  ASSERT_EQ(2u, scores.size());
  // VPA holds one level for the whole day; sizing each hour from the cycle halves the slack.
  EXPECT_LT(scores[1].cpu_slack, 0.5 * scores[0].cpu_slack)
      << scores[0].cpu_slack << " " << scores[1].cpu_slack;
  EXPECT_LE(scores[1].cpu_exceed_share, 0.02);
}

TEST(CycleCpuSizerTest, CalibratesThenTracksTheLevel) {
  struct Case {
    const char* name;
    double (*cpu)(int64_t);
    int64_t at_minute;
    double min_cores, max_cores;
  };
  const Case cases[] = {
      {"steady: exactly the usage", Half, 48 * 60, 0.5, 0.5},
      {"daily peak (minute 360)", Daily, 7 * 1440 + 360, 1.75, 1.9},
      {"daily trough (minute 1080)", Daily, 7 * 1440 + 1080, 0.2, 0.45},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    CycleCpuSizer sizer;
    EXPECT_FALSE(sizer.Recommend(kT0).has_value());
    for (int64_t m = 0; m < c.at_minute; m += 5) sizer.Observe(kT0 + minutes(m), c.cpu(m));
    std::optional<double> cores = sizer.Recommend(kT0 + minutes(c.at_minute));
    ASSERT_TRUE(cores.has_value());
    EXPECT_GE(*cores, c.min_cores);
    EXPECT_LE(*cores, c.max_cores);
  }
}

TEST(SkillLedgerTest, SkilledWhenCheaperAndNoLessSafeThanVpa) {
  struct Sample {
    int64_t minute;
    double cycle, vpa, usage;
  };
  struct Case {
    const char* name;
    std::vector<Sample> samples;
    bool skilled;
  };
  const Case cases[] = {
      {"cheaper, never above", {{0, 1, 2, 0.9}, {5, 1, 2, 0.8}}, true},
      {"cheaper, above once more", {{0, 1, 2, 1.1}, {5, 1, 2, 0.8}}, false},
      {"cheaper, above as often", {{0, 1, 2, 2.5}, {5, 1, 2, 0.8}}, true},
      {"dearer", {{0, 3, 2, 0.9}, {5, 1, 2, 0.8}}, false},
      {"the dear sample left the window", {{0, 9, 2, 0.9}, {200, 1, 2, 0.8}}, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    SkillLedger ledger(hours(2));
    for (const Sample& s : c.samples) ledger.Add(kT0 + minutes(s.minute), s.cycle, s.vpa, s.usage);
    EXPECT_EQ(c.skilled, ledger.CycleSkilled());
  }
}

TEST(ReplayTest, SeriesFromRecordsGroupsAndLocatesMissingRequests) {
  auto record = [](int64_t minute, const char* pod, std::optional<double> request, int line) {
    return UsageRecord{.time = kT0 + minutes(minute),
                       .pod = pod,
                       .container = "c",
                       .cpu_cores = 0.1,
                       .memory_bytes = 1e8,
                       .cpu_request_cores = request,
                       .memory_request_bytes = request ? std::optional<double>(1e9) : std::nullopt,
                       .line = line};
  };
  auto grouped =
      SeriesFromRecords({record(10, "b", 1, 2), record(5, "a", 1, 3), record(0, "b", 1, 4)},
                        "s.csv", /*require_requests=*/true);
  ASSERT_TRUE(grouped.ok()) << grouped.status().ToString();
  ASSERT_EQ(2u, grouped->size());
  EXPECT_EQ("a/c", (*grouped)[0].name);
  EXPECT_EQ("b/c", (*grouped)[1].name);
  EXPECT_EQ(4, (*grouped)[1].records[0].line);  // in time order
  EXPECT_TRUE(HasRequests({record(0, "a", 1, 2)}));
  EXPECT_FALSE(HasRequests({record(0, "a", std::nullopt, 2)}));

  auto missing =
      SeriesFromRecords({record(0, "a", 1, 2), record(5, "a", std::nullopt, 3)}, "s.csv", true);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(
      "s.csv:3: cpu_request: empty, expected cores (the fixed allocation) on every row once the "
      "file gives requests",
      missing.status().message());
}

TEST(ReplayTest, JsonNamesEveryFigure) {
  const std::string json = ScoresToJson({{"vpa", 0.25, 0.5, 0.01, 0.001, 10}}, 3);
  EXPECT_NE(std::string::npos, json.find("\"series\": 3")) << json;
  for (const char* key : {"\"strategy\": \"vpa\"", "\"cpu_slack\": 0.25", "\"memory_slack\": 0.5",
                          "\"cpu_over\": 0.01", "\"memory_over\": 0.001", "\"samples\": 10"}) {
    EXPECT_NE(std::string::npos, json.find(key)) << key << "\n" << json;
  }
}

std::string TracesDir() {
  if (const char* shared = std::getenv("CRESCENDO_SHARED_DIR"))
    return std::string(shared) + "/traces";
  const char* source = std::getenv("CRESCENDO_SOURCE_DIR");
  return std::string(source ? source : ".") + "/../shared/traces";
}

TEST(ReplayTest, CrescendoIsNoLessSafeThanVpaOnTheSharedTraces) {
  const std::string dir = TracesDir();
  if (!std::filesystem::is_directory(dir + "/google-borg-2019-task-usage") ||
      !std::filesystem::is_directory(dir + "/bitbrains-rnd-2013")) {
    GTEST_SKIP() << "SKIPPED LOUDLY: traces not found under " << dir
                 << " (set CRESCENDO_SHARED_DIR to the shared folder)";
  }
  for (auto load : {LoadBorgTasks, LoadBitbrainsVms}) {
    auto series = load(dir);
    ASSERT_TRUE(series.ok()) << series.status().ToString();
    std::vector<StrategyScore> s = Replay(SeriesFromUsage(*series), EvaluationStrategies(true));
    EXPECT_LE(s[2].cpu_exceed_share, s[1].cpu_exceed_share);
    EXPECT_LE(s[2].memory_exceed_share, s[1].memory_exceed_share);
  }
}

}  // namespace
}  // namespace crescendo::vertical
