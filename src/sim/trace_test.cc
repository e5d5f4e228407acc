#include "crescendo/sim/trace.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace crescendo::sim {
namespace {

namespace fs = std::filesystem;

class TempFile {
 public:
  TempFile(const std::string& name, const std::string& content) {
    path_ = (fs::temp_directory_path() / ("crescendo_trace_test_" + name)).string();
    std::ofstream(path_) << content;
  }
  ~TempFile() { fs::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Returns ../shared/traces (or $CRESCENDO_SHARED_DIR/traces), or "" when absent.
std::string SharedTraces() {
  const char* shared = std::getenv("CRESCENDO_SHARED_DIR");
  const char* source = std::getenv("CRESCENDO_SOURCE_DIR");
  fs::path dir = shared != nullptr ? fs::path(shared)
                                   : fs::path(source != nullptr ? source : ".") / ".." / "shared";
  dir /= "traces";
  return fs::is_directory(dir) ? dir.string() : "";
}

std::vector<TraceRow> ReadAll(const TraceOptions& options) {
  auto reader = TraceReader::Open(options);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<TraceRow> rows;
  while (true) {
    auto row = (*reader)->Next();
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    if (!row.ok() || !row->has_value()) break;
    rows.push_back(**row);
  }
  return rows;
}

TEST(TraceReaderTest, TimeFormats) {
  struct Case {
    const char* name;
    const char* content;
    Duration unit;
    double want_unix;
  };
  const Case cases[] = {
      {"unix", "ts,value\n1628640000,1\n", seconds(1), 1628640000},
      {"unix fraction", "ts,value\n1628640000.5,1\n", seconds(1), 1628640000.5},
      {"microseconds", "ts,value\n300000000,1\n", std::chrono::microseconds(1), 300},
      {"date time", "minute,count\n1995-07-01 00:01:00,1\n", seconds(1), 804556860},
      {"iso zone-less", "t;v\n1995-07-01T00:01:00;1\n", seconds(1), 804556860},
      {"rfc3339 offset", "t,v\n1995-07-01T02:01:00+02:00,1\n", seconds(1), 804556860},
      {"quoted and tabbed", "\"t\";\t\"v\"\n\"1995-07-01T00:01:00Z\";\t1\n", seconds(1), 804556860},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempFile file(std::string("fmt_") + std::to_string(&c - cases), c.content);
    TraceOptions options;
    options.path = file.path();
    options.time_unit = c.unit;
    std::vector<TraceRow> rows = ReadAll(options);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_DOUBLE_EQ(ToUnixSeconds(rows[0].time), c.want_unix);
    EXPECT_EQ(rows[0].line, 2);
  }
}

TEST(TraceReaderTest, ErrorsNameFileLineAndColumn) {
  struct Case {
    const char* name;
    const char* content;
    const char* value_column;
    const char* want;
  };
  const Case cases[] = {
      {"bad time", "t,v\n1995-07-01 00:00:00,1\n1995-07-0x 00:01:00,2\n", "",
       ":3: time column \"t\": \"1995-07-0x 00:01:00\" is not a time"},
      {"bad value", "t,v\n1,1\n2,abc\n", "",
       ":3: value column \"v\": \"abc\" is not a finite number"},
      {"negative", "t,v\n1,-4\n", "", ":2: value column \"v\": \"-4\" is out of range"},
      {"backwards", "t,v\n10,1\n5,1\n", "", ":3: time 1970-01-01T00:00:05Z is earlier"},
      {"short row", "t,v,w\n1,2,3\n4\n", "w", ":3: expected at least 3 fields, found 1"},
      {"no column", "t,v\n1,2\n", "count",
       ":1: value column \"count\" not found in the header "
       "(columns: \"t\", \"v\")"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempFile file(std::string("err_") + std::to_string(&c - cases), c.content);
    TraceOptions options{.path = file.path(), .value_column = c.value_column};
    StatusOr<TraceSummary> summary = SummarizeTrace(options);
    ASSERT_FALSE(summary.ok());
    EXPECT_EQ(summary.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(summary.status().message().find(file.path() + c.want), std::string::npos)
        << summary.status().message();
  }
  StatusOr<TraceSummary> missing = SummarizeTrace(TraceOptions{.path = "/nonexistent.csv"});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(TraceReaderTest, SummaryCountsGapsAndDuplicates) {
  // Step 60 s; a 3-minute hole after 00:02 (a gap of 120 s beyond the step), a duplicate of
  // 00:06 and one missing value.
  TempFile file("summary",
                "minute,count\n"
                "2000-01-01 00:00:00,10\n2000-01-01 00:01:00,20\n2000-01-01 00:02:00,30\n"
                "2000-01-01 00:05:00,40\n2000-01-01 00:06:00,50\n2000-01-01 00:06:00,99\n"
                "2000-01-01 00:07:00,\n2000-01-01 00:08:00,60\n");
  StatusOr<TraceSummary> s = SummarizeTrace(TraceOptions{.path = file.path()});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->rows, 8);
  EXPECT_EQ(s->duplicates, 1);
  EXPECT_EQ(s->missing_values, 1);
  EXPECT_EQ(s->gaps, 2);
  EXPECT_DOUBLE_EQ(s->gap_seconds, 120 + 60);
  EXPECT_EQ(s->step, seconds(60));
  EXPECT_DOUBLE_EQ(s->peak_value, 60);
  EXPECT_DOUBLE_EQ(s->mean_value, (10 + 20 + 30 + 40 + 50 + 60) / 6.0);
  EXPECT_EQ(FormatRfc3339(s->first), "2000-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(s->last), "2000-01-01T00:08:00Z");
}

TEST(TraceLoadTest, StepsGapsScalingAndCompression) {
  TempFile file("load", "t,v\n0,10\n60,20\n120,30\n300,40\n360,\n420,50\n");
  TraceOptions trace{.path = file.path()};
  StatusOr<TraceSummary> summary = SummarizeTrace(trace);
  ASSERT_TRUE(summary.ok());
  EXPECT_DOUBLE_EQ(ScaleToPeakPods(*summary, 10, 100), 20);  // 50 -> 10 pods of 100 rps
  const Timestamp start = FromUnixSeconds(1000);
  struct Case {
    double compression;
    double at_trace_seconds;
    std::optional<double> want;
  };
  const Case cases[] = {
      {1, -1, std::nullopt},  // before the first row
      {1, 0, 20},
      {1, 59, 20},
      {1, 60, 40},
      {1, 150, 60},
      {1, 180, std::nullopt},  // 120 + one step: the gap to 300 begins
      {1, 299, std::nullopt},
      {1, 300, 80},
      {1, 360, std::nullopt},  // missing value
      {1, 420, 100},
      {1, 479, 100},
      {1, 480, std::nullopt},  // past the last row
      {4, 0, 20},
      {4, 60, 40},
      {4, 480, std::nullopt},
  };
  for (double compression : {1.0, 4.0}) {
    TraceLoadOptions options{
        .trace = trace, .rps_per_value = 2, .compression = compression, .start = start};
    StatusOr<std::unique_ptr<TraceLoad>> load = TraceLoad::Open(options, *summary);
    ASSERT_TRUE(load.ok()) << load.status().ToString();
    EXPECT_EQ((*load)->end(), start + FromSeconds(480 / compression));
    for (const Case& c : cases) {
      if (c.compression != compression) continue;
      SCOPED_TRACE(c.at_trace_seconds);
      StatusOr<std::optional<double>> rps =
          (*load)->RpsAt(start + FromSeconds(c.at_trace_seconds / compression));
      ASSERT_TRUE(rps.ok());
      EXPECT_EQ(*rps, c.want);
    }
  }
}

TEST(TraceReaderTest, ReadsGzip) {
  std::string path = (fs::temp_directory_path() / "crescendo_trace_test.csv.gz").string();
  gzFile gz = gzopen(path.c_str(), "wb");
  std::string content = "time,avg_cpu_usage\n300000000,0.5\n600000000,0.25\n";
  gzwrite(gz, content.data(), static_cast<unsigned>(content.size()));
  gzclose(gz);
  TraceOptions options{.path = path,
                       .time_column = "time",
                       .value_column = "avg_cpu_usage",
                       .time_unit = std::chrono::microseconds(1)};
  std::vector<TraceRow> rows = ReadAll(options);
  fs::remove(path);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(ToUnixSeconds(rows[1].time), 600);
  EXPECT_DOUBLE_EQ(*rows[1].value, 0.25);
}

// The shared traces load as they are, with the row counts their SOURCE.txt states.
struct SharedTrace {
  const char* file;  // under ../shared/traces
  const char* time_column;
  const char* value_column;
  Duration time_unit;
  const char* filter_column;
  const char* filter_value;
  int64_t min_rows;  // SOURCE.txt's count (or stated range)
  int64_t max_rows;
  int64_t duplicates;  // -1: not stated
  int64_t lines;       // -1: same as rows
};

const SharedTrace kSharedTraces[] = {
    // "Rows: 81,396."
    {"nasa-http-1995-per-minute/nasa.csv", "minute", "count", seconds(1), "", "", 81396, 81396, 0,
     -1},
    // "Rows: 48,616 ...", "7 duplicated timestamps".
    {"wikipedia-en-hourly-2010-2015/traces_en_wikipedia.csv", "hour", "en_wikipedia_requests",
     seconds(1), "", "", 48616, 48616, 7, -1},
    // "input0 : 60 s, 11,520 pts"; "input1-14: 23,040 pts (input4 21,600)".
    {"crane-tencent-app-metrics/input0.csv", "ts", "value", seconds(1), "", "", 11520, 11520, 0,
     -1},
    {"crane-tencent-app-metrics/input1.csv", "ts", "value", seconds(1), "", "", 23040, 23040, 0,
     -1},
    {"crane-tencent-app-metrics/input2.csv", "ts", "value", seconds(1), "", "", 23040, 23040, 0,
     -1},
    {"crane-tencent-app-metrics/input3.csv", "ts", "value", seconds(1), "", "", 23040, 23040, 0,
     -1},
    {"crane-tencent-app-metrics/input4.csv", "ts", "value", seconds(1), "", "", 21600, 21600, 0,
     -1},
    {"crane-tencent-app-metrics/input5.csv", "ts", "value", seconds(1), "", "", 23040, 23040, 0,
     -1},
    {"crane-tencent-app-metrics/input6.csv", "ts", "value", seconds(1), "", "", 23040, 23040, 0,
     -1},
    {"crane-tencent-app-metrics/input7.csv", "ts", "value", seconds(1), "", "", 23040, 23040, 0,
     -1},
    // "Rows per task: job113 2,703-6,203".
    {"google-borg-2019-task-usage/job113/115-300000000-2678700000000.csv.gz", "time",
     "avg_cpu_usage", std::chrono::microseconds(1), "", "", 2703, 6203, -1, -1},
    {"google-borg-2019-task-usage/job113/159-300000000-2678700000000.csv.gz", "time",
     "avg_cpu_usage", std::chrono::microseconds(1), "", "", 2703, 2703, -1, -1},
    {"google-borg-2019-task-usage/job113/22-300000000-2531793000000.csv.gz", "time",
     "avg_cpu_usage", std::chrono::microseconds(1), "", "", 6203, 6203, -1, -1},
    {"google-borg-2019-task-usage/job113/82-300000000-1909049000000.csv.gz", "time",
     "avg_cpu_usage", std::chrono::microseconds(1), "", "", 2703, 6203, -1, -1},
    // "~8,620-8,630 rows ... per VM" (approximate: taken as 8,610-8,640).
    {"bitbrains-rnd-2013/2013-8/1.csv.gz", "Timestamp [ms]", "CPU usage [MHZ]", seconds(1), "", "",
     8610, 8640, 0, -1},
    {"bitbrains-rnd-2013/2013-8/8.csv.gz", "Timestamp [ms]", "CPU usage [MHZ]", seconds(1), "", "",
     8610, 8640, 0, -1},
    // "(359,653 rows; 373-720 hours per VM)"; VM 1 has all 720.
    {"bitbrains-rnd-2013/rnd_2013-8_all500vms_hourly.csv.gz", "hour_start_unix",
     "cpu_usage_mhz_mean", seconds(1), "vm_id", "1", 373, 720, 0, 359653},
};

TEST(SharedTracesTest, LoadWithTheRowCountsTheirSourceStates) {
  std::string dir = SharedTraces();
  if (dir.empty()) {
    GTEST_SKIP() << "\n\n*** ../shared/traces NOT FOUND (set CRESCENDO_SHARED_DIR): the shared "
                    "trace row counts were NOT checked ***\n";
  }
  for (const SharedTrace& t : kSharedTraces) {
    SCOPED_TRACE(t.file);
    TraceOptions options{.path = dir + "/" + t.file,
                         .time_column = t.time_column,
                         .value_column = t.value_column,
                         .time_unit = t.time_unit,
                         .filter_column = t.filter_column,
                         .filter_value = t.filter_value};
    StatusOr<TraceSummary> s = SummarizeTrace(options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_GE(s->rows, t.min_rows);
    EXPECT_LE(s->rows, t.max_rows);
    if (t.duplicates >= 0) {
      EXPECT_EQ(s->duplicates, t.duplicates);
    }
    EXPECT_EQ(s->lines, t.lines >= 0 ? t.lines : s->rows);
  }
}

TEST(SharedTracesTest, NasaShape) {
  std::string dir = SharedTraces();
  if (dir.empty()) GTEST_SKIP() << "\n\n*** ../shared/traces NOT FOUND: NASA NOT checked ***\n";
  StatusOr<TraceSummary> s = SummarizeTrace({.path = dir + "/nasa-http-1995-per-minute/nasa.csv",
                                             .time_column = "minute",
                                             .value_column = "count"});
  ASSERT_TRUE(s.ok());
  // "Span: 1995-07-01 00:00 .. 1995-08-31 23:59"; "min 1, ..., max 405 req/min"; "198 gaps > 1
  // min".
  EXPECT_EQ(FormatRfc3339(s->first), "1995-07-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(s->last), "1995-08-31T23:59:00Z");
  EXPECT_DOUBLE_EQ(s->peak_value, 405);
  EXPECT_EQ(s->step, seconds(60));
  EXPECT_EQ(s->gaps, 198);
  // The span is 89,280 minutes; 81,396 rows cover 81,396 of them.
  EXPECT_DOUBLE_EQ(s->gap_seconds, (89280.0 - 81396.0) * 60);
}

}  // namespace
}  // namespace crescendo::sim

namespace crescendo::sim {
namespace {

TEST(SharedTracesTest, WikipediaShape) {
  std::string dir = SharedTraces();
  if (dir.empty())
    GTEST_SKIP() << "\n\n*** ../shared/traces NOT FOUND: Wikipedia NOT checked ***\n";
  StatusOr<TraceSummary> s =
      SummarizeTrace({.path = dir + "/wikipedia-en-hourly-2010-2015/traces_en_wikipedia.csv",
                      .time_column = "hour",
                      .value_column = "en_wikipedia_requests"});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  // "Rows: 48,616 of 49,704 hours in span 2010-05-01 00:00 .. 2015-12-31 23:00"; "15 gaps";
  // "7 duplicated timestamps"; "max 20.3 M/h".
  EXPECT_EQ(s->rows, 48616);
  EXPECT_EQ(s->duplicates, 7);
  EXPECT_EQ(s->gaps, 15);
  EXPECT_EQ(s->step, hours(1));
  EXPECT_EQ(FormatRfc3339(s->first), "2010-05-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(s->last), "2015-12-31T23:00:00Z");
  EXPECT_DOUBLE_EQ(s->gap_seconds, (49704.0 - (48616 - 7)) * 3600);
  EXPECT_NEAR(s->peak_value, 20.3e6, 0.05e6);
}

}  // namespace
}  // namespace crescendo::sim
