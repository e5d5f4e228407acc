#include "crescendo/format/csv.h"

#include <gtest/gtest.h>

#include <cmath>

namespace crescendo::format {
namespace {

std::vector<std::string> Texts(const std::vector<CsvField>& fields) {
  std::vector<std::string> out;
  for (const CsvField& f : fields) out.push_back(f.text);
  return out;
}

TEST(CsvTest, SplitsLinesWithQuotesAndColumns) {
  struct Case {
    std::string line;
    char delimiter;
    std::vector<std::string> want;
    std::vector<int> columns;
  };
  const Case cases[] = {
      {"a,b,c", ',', {"a", "b", "c"}, {1, 3, 5}},
      {" a , b ,c\r", ',', {"a", "b", "c"}, {2, 6, 9}},
      {"\"x,y\",\"say \"\"hi\"\"\",z", ',', {"x,y", "say \"hi\"", "z"}, {1, 7, 20}},
      {"a,,", ',', {"a", "", ""}, {1, 3, 4}},
      {"1;2", ';', {"1", "2"}, {1, 3}},
      {"1\t2", '\t', {"1", "2"}, {1, 3}},
      {"", ',', {""}, {1}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    StatusOr<std::vector<CsvField>> got = SplitCsvLine(c.line, "f.csv", 1, {c.delimiter, true});
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ(Texts(*got), c.want);
    std::vector<int> columns;
    for (const CsvField& f : *got) columns.push_back(f.column);
    EXPECT_EQ(columns, c.columns);
  }
}

TEST(CsvTest, RefusesBrokenQuotesWhereTheyAre) {
  EXPECT_EQ(SplitCsvLine("a,\"open", "f.csv", 4).status().message(),
            "f.csv:4:3: found a quote that is never closed, expected a closing '\"' on the same "
            "line");
  EXPECT_EQ(SplitCsvLine("\"a\"b,c", "f.csv", 2).status().message(),
            "f.csv:2:4: found text after a closing quote, expected a delimiter or the end of the "
            "line");
}

TEST(CsvTest, DetectsTheDelimiterOfAHeader) {
  EXPECT_EQ(DetectDelimiter("time;value"), ';');
  EXPECT_EQ(DetectDelimiter("time,value"), ',');
  EXPECT_EQ(DetectDelimiter("time\tvalue"), '\t');
}

TEST(CsvTest, ReadsAHeaderAndRowsSkippingBlankLines) {
  StatusOr<CsvTable> t = ParseCsv("\nname,value\r\n\na,1\n  \nb,2", "f.csv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->header_line, 2);
  EXPECT_EQ(t->header, (std::vector<std::string>{"name", "value"}));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0].line, 4);
  EXPECT_EQ(t->rows[1].line, 6);
  EXPECT_EQ(t->Column("value"), 1u);
  EXPECT_EQ(t->Column("1"), 0u);
  EXPECT_EQ(t->Column("3"), std::nullopt);
  EXPECT_EQ(t->Column("missing"), std::nullopt);
  EXPECT_TRUE(RequireFieldCount("f.csv", t->rows[0], 2).ok());
  EXPECT_EQ(RequireFieldCount("f.csv", t->rows[0], 3).message(),
            "f.csv:4: row: found 2 fields, expected 3 as in the header");
}

TEST(CsvTest, SkipsCommentLinesWhenAsked) {
  CsvOptions options;
  options.header = false;
  options.comment_lines = true;
  StatusOr<CsvTable> t = ParseCsv("# a comment\n  # another\na,b\n", "f.csv", options);
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0].line, 3);
  EXPECT_EQ(ParseCsv("# a comment\n", "f.csv", {}).value().header.front(), "# a comment");
}

TEST(CsvTest, EnforcesItsLimits) {
  CsvOptions options;
  options.max_line_bytes = 4;
  options.max_rows = 1;
  EXPECT_EQ(ParseCsv("a\n12345\n", "f.csv", options).status().message(),
            "f.csv:2: found a line of 5 bytes, expected at most 4 bytes a line");
  EXPECT_EQ(ParseCsv("h\n1\n2\n", "f.csv", options).status().message(),
            "f.csv:3: found more rows, expected at most 1 rows");
}

TEST(CsvTest, ReadsNumbersUnderTheCallersPolicy) {
  const CsvNumberRule finite{0, 100, false, false};
  const CsvNumberRule optional{0, 100, false, true};
  const CsvNumberRule any{-1e308, 1e308, true, false};
  struct Case {
    std::string text;
    CsvNumberRule rule;
    std::optional<double> want;
    std::string error;  // "" when it reads
  };
  const Case cases[] = {
      {"42", finite, 42, ""},
      {" +1.5e1 ", finite, 15, ""},
      {"", optional, std::nullopt, ""},
      {"", finite, {}, "f.csv:3:5: cpu: found \"\", expected a finite number from 0 to 100"},
      {"-1",
       optional,
       {},
       "f.csv:3:5: cpu: found \"-1\", expected a finite number from 0 to 100, or nothing"},
      {"inf", finite, {}, "f.csv:3:5: cpu: found \"inf\", expected a finite number from 0 to 100"},
      {"nan", finite, {}, "f.csv:3:5: cpu: found \"nan\", expected a finite number from 0 to 100"},
      {"1e999",
       finite,
       {},
       "f.csv:3:5: cpu: found \"1e999\", expected a finite number from 0 to 100"},
      {"12abc",
       finite,
       {},
       "f.csv:3:5: cpu: found \"12abc\", expected a finite number from 0 to 100"},
      {"-inf", any, -INFINITY, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    StatusOr<std::optional<double>> got = CsvNumber("f.csv", 3, CsvField{c.text, 5}, "cpu", c.rule);
    if (c.error.empty()) {
      ASSERT_TRUE(got.ok()) << got.status().message();
      EXPECT_EQ(*got, c.want);
    } else {
      EXPECT_EQ(got.status().message(), c.error);
    }
  }
  StatusOr<std::optional<double>> nan = CsvNumber("f.csv", 3, CsvField{"nan", 5}, "cpu", any);
  ASSERT_TRUE(nan.ok());
  EXPECT_TRUE(std::isnan(**nan));
}

}  // namespace
}  // namespace crescendo::format
