#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "metrics/prometheus/prometheus.h"

namespace crescendo::metrics::prometheus {
namespace {

Timestamp Ms(int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }

TEST(ParseQueryResponse, VectorWithLabelsAndValues) {
  auto result = ParseQueryResponse(R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"__name__":"up","job":"node","pod":"api-1"},"value":[1435781451.781,"1"]},
      {"metric":{},"value":[1435781451.781,"0.25"]}]}})");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->type, ResultType::kVector);
  ASSERT_EQ(result->series.size(), 2u);
  EXPECT_EQ(result->series[0].Label("job"), "node");
  EXPECT_EQ(result->series[0].Label("pod"), "api-1");
  EXPECT_EQ(result->series[0].Label("missing"), "");
  EXPECT_EQ(result->series[0].samples, (std::vector<Sample>{{Ms(1435781451781), 1.0}}));
  EXPECT_EQ(result->series[1].samples, (std::vector<Sample>{{Ms(1435781451781), 0.25}}));
  EXPECT_TRUE(result->warnings.empty());
}

TEST(ParseQueryResponse, MatrixKeepsEveryPointInOrder) {
  auto result = ParseQueryResponse(R"({"status":"success","data":{"resultType":"matrix","result":[
      {"metric":{"pod":"a"},"values":[[1700000000,"1"],[1700000015,"2.5"],[1700000030,"1e3"]]}]}})");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->type, ResultType::kMatrix);
  ASSERT_EQ(result->series.size(), 1u);
  EXPECT_EQ(result->series[0].samples,
            (std::vector<Sample>{
                {Ms(1700000000000), 1}, {Ms(1700000015000), 2.5}, {Ms(1700000030000), 1000}}));
}

TEST(ParseQueryResponse, SpecialValues) {
  auto result = ParseQueryResponse(R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"v":"nan"},"value":[1,"NaN"]},{"metric":{"v":"inf"},"value":[1,"+Inf"]},
      {"metric":{"v":"-inf"},"value":[1,"-Inf"]},{"metric":{"v":"neg"},"value":[1,"-0.5"]}]}})");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->series.size(), 4u);
  EXPECT_TRUE(std::isnan(result->series[0].samples[0].value));
  EXPECT_EQ(result->series[1].samples[0].value, INFINITY);
  EXPECT_EQ(result->series[2].samples[0].value, -INFINITY);
  EXPECT_EQ(result->series[3].samples[0].value, -0.5);
}

TEST(ParseQueryResponse, ScalarStringWarningsAndHistograms) {
  auto scalar = ParseQueryResponse(
      R"({"status":"success","data":{"resultType":"scalar","result":[1700000000.5,"42"]},)"
      R"("warnings":["store a unreachable","store b unreachable"]})");
  ASSERT_TRUE(scalar.ok()) << scalar.status().ToString();
  EXPECT_EQ(scalar->type, ResultType::kScalar);
  EXPECT_EQ(scalar->series.at(0).samples, (std::vector<Sample>{{Ms(1700000000500), 42}}));
  EXPECT_EQ(scalar->warnings,
            (std::vector<std::string>{"store a unreachable", "store b unreachable"}));

  auto hist = ParseQueryResponse(R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"a":"b"},"histogram":[1,{"count":"2","sum":"3","buckets":[]}]}]}})");
  ASSERT_TRUE(hist.ok()) << hist.status().ToString();
  EXPECT_EQ(hist->skipped_histograms, 1u);
  EXPECT_TRUE(hist->series.at(0).samples.empty());
}

struct ErrorCase {
  std::string name;
  std::string body;
  StatusCode code;
  std::string message_part;
};

class ParseQueryResponseErrors : public testing::TestWithParam<ErrorCase> {};

TEST_P(ParseQueryResponseErrors, GivesClearError) {
  const ErrorCase& c = GetParam();
  auto result = ParseQueryResponse(c.body);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), c.code) << result.status().ToString();
  EXPECT_NE(result.status().message().find(c.message_part), std::string::npos)
      << result.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseQueryResponseErrors,
    testing::Values(
        ErrorCase{"Empty", "", StatusCode::kInvalidArgument, "empty body"},
        ErrorCase{"Html", "<html><body><h1>502 Bad Gateway</h1></body></html>",
                  StatusCode::kInvalidArgument, "an HTML page"},
        ErrorCase{"Truncated",
                  R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{})",
                  StatusCode::kInvalidArgument, "JSON"},
        ErrorCase{
            "TruncatedInsideString",
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b)",
            StatusCode::kInvalidArgument, ""},
        ErrorCase{"ValueNotString",
                  R"({"status":"success","data":{"resultType":"vector","result":[)"
                  R"({"metric":{},"value":[1,2]}]}})",
                  StatusCode::kInvalidArgument, "data.result[0].value[1]: expected a value string"},
        ErrorCase{"BadNumberText",
                  R"({"status":"success","data":{"resultType":"vector","result":[)"
                  R"({"metric":{},"value":[1,"12abc"]}]}})",
                  StatusCode::kInvalidArgument, "found \"12abc\""},
        ErrorCase{"LabelNotString",
                  R"({"status":"success","data":{"resultType":"vector","result":[)"
                  R"({"metric":{"pod":7},"value":[1,"2"]}]}})",
                  StatusCode::kInvalidArgument, "data.result[0].metric.pod"},
        ErrorCase{"ResultNotArray",
                  R"({"status":"success","data":{"resultType":"matrix","result":{}}})",
                  StatusCode::kInvalidArgument, "data.result: expected an array of series"},
        ErrorCase{"UnknownResultType",
                  R"({"status":"success","data":{"resultType":"table","result":[]}})",
                  StatusCode::kInvalidArgument, "found \"table\""},
        ErrorCase{"PairTooShort",
                  R"({"status":"success","data":{"resultType":"vector","result":[)"
                  R"({"metric":{},"value":[1]}]}})",
                  StatusCode::kInvalidArgument, "expected 2 elements, found 1"},
        ErrorCase{"MissingData", R"({"status":"success"})", StatusCode::kInvalidArgument,
                  "missing field data"},
        ErrorCase{"BadStatus", R"({"status":"maybe","data":{"resultType":"vector","result":[]}})",
                  StatusCode::kInvalidArgument, "found \"maybe\""},
        ErrorCase{"TrailingGarbage",
                  R"({"status":"success","data":{"resultType":"vector","result":[]}} xyz)",
                  StatusCode::kInvalidArgument, ""},
        ErrorCase{"BadData",
                  R"({"status":"error","errorType":"bad_data","error":"parse error at char 5"})",
                  StatusCode::kInvalidArgument, "Prometheus error (bad_data): parse error"},
        ErrorCase{"Timeout",
                  R"({"status":"error","errorType":"timeout","error":"query timed out"})",
                  StatusCode::kDeadlineExceeded, "query timed out"},
        ErrorCase{"Unavailable",
                  R"({"status":"error","errorType":"unavailable","error":"TSDB not ready"})",
                  StatusCode::kUnavailable, "TSDB not ready"},
        ErrorCase{"Canceled", R"({"status":"error","errorType":"canceled","error":"x"})",
                  StatusCode::kCancelled, "canceled"}),
    [](const testing::TestParamInfo<ErrorCase>& param_info) { return param_info.param.name; });

TEST(ParseQueryResponse, DeeplyNestedInputFailsWithoutCrashing) {
  std::string body = R"({"status":"success","data":{"resultType":"vector","result":)";
  body += std::string(100000, '[');
  auto result = ParseQueryResponse(body);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crescendo::metrics::prometheus
