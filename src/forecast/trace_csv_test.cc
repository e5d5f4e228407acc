#include "forecast/trace_csv.h"

#include <gtest/gtest.h>

#include <fstream>

namespace crescendo::forecast {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

struct ReadCase {
  std::string name;
  std::string text;
  CsvSeriesFormat format;
  std::vector<Sample> want;
};

TEST(TraceCsvTest, ReadsSortsAndDeduplicates) {
  const std::vector<ReadCase> cases = {
      {"unix seconds",
       "ts,value\n1633478460,2.5\n1633478400,1.25\n\n",
       {},
       {{FromUnixSeconds(1633478400), 1.25}, {FromUnixSeconds(1633478460), 2.5}}},
      {"date time, semicolons, duplicate keeps the last",
       "hour;requests\r\n2014-01-01 01:00:00;7\r\n2014-01-01 00:00:00;5\r\n2014-01-01 "
       "01:00:00;9\r\n",
       {.delimiter = ';', .time_format = TimeFormat::kDateTime},
       {{*ParseRfc3339("2014-01-01T00:00:00Z"), 5}, {*ParseRfc3339("2014-01-01T01:00:00Z"), 9}}},
      {"other columns, no header",
       "x,1700000000,y,42\n",
       {.time_column = 1, .value_column = 3, .header = false},
       {{FromUnixSeconds(1700000000), 42}}},
  };
  for (const ReadCase& c : cases) {
    SCOPED_TRACE(c.name);
    StatusOr<std::vector<Sample>> rows = ReadCsvSeries(WriteFile("read.csv", c.text), c.format);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(*rows, c.want);
  }
}

struct ErrorCase {
  std::string text;
  CsvSeriesFormat format;
  std::string message_part;
};

TEST(TraceCsvTest, ErrorsNameFileLineAndColumn) {
  const std::vector<ErrorCase> cases = {
      {"ts,value\n1,2\n3,inf\n",
       {},
       "bad.csv:3:3: column 2: found \"inf\", expected a finite number"},
      {"ts,value\n1,2\n3,abc\n",
       {},
       "bad.csv:3:3: column 2: found \"abc\", expected a finite number"},
      {"ts,value\n1\n", {}, "bad.csv:2: row: found 1 columns, expected at least 2 columns"},
      {"h;v\n2014-01-01T00:00:00;1\n",
       {.delimiter = ';', .time_format = TimeFormat::kDateTime},
       "bad.csv:2:1: column 1: found \"2014-01-01T00:00:00\", expected a time such as "
       "1995-07-01 00:00:00"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.message_part);
    StatusOr<std::vector<Sample>> rows = ReadCsvSeries(WriteFile("bad.csv", c.text), c.format);
    ASSERT_FALSE(rows.ok());
    EXPECT_EQ(rows.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(rows.status().message().find(c.message_part), std::string::npos)
        << rows.status().message();
  }
  EXPECT_EQ(ReadCsvSeries("/nonexistent/x.csv", {}).status().code(), StatusCode::kNotFound);
}

TEST(TraceCsvTest, ResamplesOntoTheGridAndKeepsGaps) {
  const Timestamp t0 = FromUnixSeconds(1800000000);  // a multiple of 5 minutes
  using std::chrono::minutes;
  const std::vector<Sample> minutes_in = {
      {t0, 1},
      {t0 + minutes(1), 2},
      {t0 + minutes(4), 3},    // slot 0
      {t0 + minutes(15), 10},  // slot 3; slots 1 and 2 empty
  };
  EXPECT_EQ(ResampleToGrid(minutes_in, minutes(5), Aggregation::kSum),
            (std::vector<Sample>{{t0, 6}, {t0 + minutes(15), 10}}));
  EXPECT_EQ(ResampleToGrid(minutes_in, minutes(5), Aggregation::kMean),
            (std::vector<Sample>{{t0, 2}, {t0 + minutes(15), 10}}));
  EXPECT_TRUE(ResampleToGrid({}, minutes(5), Aggregation::kMean).empty());
}

}  // namespace
}  // namespace crescendo::forecast
