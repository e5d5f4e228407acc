#include <gtest/gtest.h>

#include <map>

#include "metrics/common/fake_http_client.h"
#include "metrics/prometheus/prometheus.h"

namespace crescendo::metrics::prometheus {
namespace {

Timestamp Ms(int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }

std::map<std::string, std::string> Form(const HttpRequest& request) {
  std::map<std::string, std::string> out;
  for (auto& [k, v] : FormDecode(request.body)) out[k] = v;
  return out;
}

class PrometheusSourceTest : public testing::Test {
 protected:
  PrometheusSourceTest() : http_(std::make_shared<FakeHttpClient>()) {
    options_.client.base_url = "http://prom:9090/";
  }
  MetricRequest Request(std::string query) {
    MetricRequest request;
    request.metric = "cpu";
    request.query = std::move(query);
    request.workloads = workloads_;
    request.now = Ms(1700000000000);
    request.window = std::chrono::minutes(2);
    request.timeout = std::chrono::seconds(3);
    return request;
  }
  std::shared_ptr<FakeHttpClient> http_;
  SourceOptions options_;
  std::vector<WorkloadId> workloads_ = {{"prod", "acme", "shop", "api"},
                                        {"prod", "acme", "shop", "api-gateway"},
                                        {"prod", "beta", "billing", "worker"}};
};

TEST_F(PrometheusSourceTest, BatchesWorkloadsInOneQueryAndSplitsByPod) {
  http_->PushJson(200, R"({"status":"success","data":{"resultType":"vector","result":[
    {"metric":{"namespace":"shop","pod":"api-6f7-abcde"},"value":[1700000000,"0.5"]},
    {"metric":{"namespace":"shop","pod":"api-6f7-fghij"},"value":[1700000000,"0.25"]},
    {"metric":{"namespace":"shop","pod":"api-gateway-1-zzzzz"},"value":[1700000000,"1.5"]},
    {"metric":{"namespace":"shop","pod":"unrelated-1"},"value":[1700000000,"9"]},
    {"metric":{"namespace":"billing","pod":"worker-0"},"value":[1700000000,"NaN"]}]}})");
  Source source(http_, options_);
  auto result = source.Read(
      Request("sum by (namespace, pod) (rate(cpu_seconds_total{{{selector}}}[{{window}}]))"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(http_->requests().size(), 1u);
  const HttpRequest sent = http_->requests()[0];
  EXPECT_EQ(sent.url, "http://prom:9090/api/v1/query");
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.timeout, std::chrono::seconds(3));
  auto form = Form(sent);
  EXPECT_EQ(form["query"],
            "sum by (namespace, pod) (rate(cpu_seconds_total{namespace=~\"billing|shop\","
            "pod=~\"(?:api|api-gateway|worker)(?:-.*)?\"}[2m]))");
  EXPECT_EQ(form["time"], "1700000000.000");
  ASSERT_EQ(result->size(), 3u);
  const WorkloadMetric& api = (*result)[0];
  EXPECT_TRUE(api.status.ok());
  ASSERT_EQ(api.pods.size(), 2u);
  EXPECT_EQ(api.pods[0].pod, "api-6f7-abcde");
  EXPECT_EQ(api.pods[0].value, 0.5);
  EXPECT_EQ(api.pods[1].value, 0.25);
  EXPECT_EQ(api.pods[0].window, std::chrono::minutes(2));
  EXPECT_EQ(api.time, Ms(1700000000000));
  ASSERT_EQ((*result)[1].pods.size(), 1u);
  EXPECT_EQ((*result)[1].pods[0].value, 1.5);
  EXPECT_EQ((*result)[2].status.code(), StatusCode::kNotFound);
  EXPECT_NE((*result)[2].status.message().find("all NaN or infinite"), std::string::npos);
}

TEST_F(PrometheusSourceTest, WorkloadLabelGivesWorkloadValueAndSplitsBatches) {
  options_.max_workloads_per_query = 2;
  http_->PushJson(200, R"({"status":"success","data":{"resultType":"vector","result":[
    {"metric":{"namespace":"shop","workload":"api"},"value":[1700000000,"12"]}]}})");
  http_->PushJson(200, R"({"status":"success","data":{"resultType":"vector","result":[
    {"metric":{"namespace":"billing","workload":"worker"},"value":[1699999990,"3"]}]}})");
  Source source(http_, options_);
  auto result =
      source.Read(Request("sum by (namespace, workload) (q{namespace=~\"{{namespace}}\"})"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(http_->requests().size(), 2u);
  EXPECT_EQ(Form(http_->requests()[0])["query"],
            "sum by (namespace, workload) (q{namespace=~\"shop\"})");
  EXPECT_EQ(Form(http_->requests()[1])["query"],
            "sum by (namespace, workload) (q{namespace=~\"billing\"})");
  EXPECT_EQ((*result)[0].value, 12.0);
  EXPECT_EQ((*result)[1].status.code(), StatusCode::kNotFound);
  EXPECT_EQ((*result)[2].value, 3.0);
  EXPECT_EQ((*result)[2].time, Ms(1699999990000));
}

TEST_F(PrometheusSourceTest, RangeSelectorUsesNewestSampleTime) {
  http_->PushJson(200, R"({"status":"success","data":{"resultType":"matrix","result":[
    {"metric":{"namespace":"shop","pod":"api-1"},"values":[[1699999900,"1"],[1699999960,"2"]]}]}})");
  Source source(http_, options_);
  auto result = source.Read(Request("q{{{selector}}}[{{window}}]"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ((*result)[0].pods.size(), 1u);
  EXPECT_EQ((*result)[0].pods[0].value, 2);
  EXPECT_EQ((*result)[0].pods[0].time, Ms(1699999960000));
}

struct FailureCase {
  std::string name;
  StatusOr<HttpResponse> answer;
  StatusCode code;
  std::string message_part;
};

HttpResponse Response(int status, std::string content_type, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers = {{"content-type", std::move(content_type)}};
  r.body = std::move(body);
  return r;
}

TEST_F(PrometheusSourceTest, FailuresOfTheWholeRequest) {
  const std::vector<FailureCase> cases = {
      {"down", UnavailableError("connection refused"), StatusCode::kUnavailable, "refused"},
      {"html 502", Response(502, "text/html", "<html><h1>Bad Gateway</h1></html>"),
       StatusCode::kUnavailable, "HTTP 502 (text/html)"},
      {"html 404", Response(404, "text/html", "<html>not found</html>"),
       StatusCode::kInvalidArgument, "HTTP 404"},
      {"api 400",
       Response(400, "application/json",
                R"({"status":"error","errorType":"bad_data","error":"1:5: parse error"})"),
       StatusCode::kInvalidArgument, "parse error"},
      {"api 503",
       Response(503, "application/json",
                R"({"status":"error","errorType":"unavailable","error":"not ready"})"),
       StatusCode::kUnavailable, "not ready"},
      {"truncated 200", Response(200, "application/json", R"({"status":"success","data":{)"),
       StatusCode::kInvalidArgument, "truncated"},
      {"partial",
       Response(200, "application/json",
                R"({"status":"success","data":{"resultType":"vector","result":[]},)"
                R"("warnings":["remote store x down"]})"),
       StatusCode::kUnavailable, "partial response refused (warnings: remote store x down)"},
  };
  for (const FailureCase& c : cases) {
    http_->Push(c.answer);
    Source source(http_, options_);
    auto result = source.Read(Request("up{{{selector}}}"));
    ASSERT_FALSE(result.ok()) << c.name;
    EXPECT_EQ(result.status().code(), c.code) << c.name << ": " << result.status().ToString();
    EXPECT_NE(result.status().message().find(c.message_part), std::string::npos)
        << c.name << ": " << result.status().ToString();
  }
}

TEST_F(PrometheusSourceTest, BadTemplateAndEmptyQueryAreInvalidArgument) {
  Source source(http_, options_);
  auto empty = source.Read(Request(""));
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  auto bad = source.Read(Request("up{{{nope}}}"));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("metric cpu"), std::string::npos);
  EXPECT_TRUE(http_->requests().empty());
}

TEST_F(PrometheusSourceTest, PartialResponseAcceptedWhenConfigured) {
  options_.accept_partial_responses = true;
  http_->PushJson(200, R"({"status":"success","data":{"resultType":"vector","result":[
    {"metric":{"namespace":"shop","pod":"api-1"},"value":[1700000000,"4"]}]},"warnings":["w"]})");
  Source source(http_, options_);
  auto result = source.Read(Request("up{{{selector}}}"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ((*result)[0].pods.at(0).value, 4);
}

}  // namespace
}  // namespace crescendo::metrics::prometheus
