// CloudWatch: query lines, response parsing, and the whole client against a local endpoint
// (cpp-httplib) that verifies every request's SigV4 signature, throttles, and paginates.
#include "metrics/cloudwatch/cloudwatch.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

namespace crescendo::metrics::cloudwatch {
namespace {

TEST(ParseMetricQuery, Table) {
  auto q = ParseMetricQuery(
      "namespace=ContainerInsights metric=pod_cpu_usage_total stat=Average period=120 "
      "dim.ClusterName=prod dim.PodName=\"api \\\"x\\\"\"");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->metric_namespace, "ContainerInsights");
  EXPECT_EQ(q->metric_name, "pod_cpu_usage_total");
  EXPECT_EQ(q->stat, "Average");
  EXPECT_EQ(q->period_seconds, 120);
  EXPECT_EQ(q->dimensions, (std::vector<std::pair<std::string, std::string>>{
                               {"ClusterName", "prod"}, {"PodName", "api \"x\""}}));
  auto e = ParseMetricQuery("expression=\"SELECT AVG(CPUUtilization) FROM \\\"AWS/EC2\\\"\"");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->expression, "SELECT AVG(CPUUtilization) FROM \"AWS/EC2\"");

  struct Bad {
    std::string text, part;
  };
  for (const Bad& bad : std::vector<Bad>{
           {"namespace=A metric=B", "missing stat="},
           {"namespace=A metric=B stat=Sum period=-5", "period=-5: expected a positive number"},
           {"namespace=A metric=B stat=Sum colour=red", "unknown key \"colour\""},
           {"namespace=A metric=B stat=Sum dim.X=\"open", "unterminated quote"},
           {"namespace=A metric B", "word \"metric\" at offset 12: expected key=value"},
           {"expression=x metric=y", "expression= excludes metric="}}) {
    auto result = ParseMetricQuery(bad.text);
    ASSERT_FALSE(result.ok()) << bad.text;
    EXPECT_NE(result.status().message().find(bad.part), std::string::npos)
        << result.status().ToString();
  }
}

TEST(ParseGetMetricDataResponse, ResultsTokenAndErrors) {
  auto page = ParseGetMetricDataResponse(R"({"MetricDataResults":[
      {"Id":"w0","Label":"cpu","Timestamps":[1700000060,1700000000],"Values":[2.5,1],
       "StatusCode":"Complete"},
      {"Id":"w1","Timestamps":[],"Values":[],"StatusCode":"InternalError"}],
      "NextToken":"abc","Messages":[{"Code":"MaxQueryTimeRangeExceed","Value":"too long"}]})");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->results.size(), 2u);
  EXPECT_EQ(page->results[0].id, "w0");
  EXPECT_EQ(page->results[0].points,
            (std::vector<Sample>{{Timestamp(std::chrono::seconds(1700000060)), 2.5},
                                 {Timestamp(std::chrono::seconds(1700000000)), 1}}));
  EXPECT_EQ(page->results[1].status_code, "InternalError");
  EXPECT_EQ(page->next_token, "abc");
  EXPECT_EQ(page->messages, (std::vector<std::string>{"MaxQueryTimeRangeExceed: too long"}));

  struct Bad {
    std::string body, part;
  };
  for (const Bad& bad : std::vector<Bad>{
           {"<html>503</html>", "an HTML page"},
           {R"({"MetricDataResults":[{"Id":"w0","Timestamps":[1,2],"Values":[1]}]})",
            "2 Timestamps but 1 Values"},
           {R"({"MetricDataResults":[{"Id":"w0","Timestamps":["x"],"Values":[1]}]})",
            "MetricDataResults[0].Timestamps[0]: expected a number"},
           {R"({"MetricDataResults":{}})", "MetricDataResults: expected an array of results"},
           {R"({"MetricDataResults":[)", "malformed or truncated JSON"},
           {R"({"Other":1})", "missing field MetricDataResults"}}) {
    auto result = ParseGetMetricDataResponse(bad.body);
    ASSERT_FALSE(result.ok()) << bad.body;
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(result.status().message().find(bad.part), std::string::npos)
        << result.status().ToString();
  }
}

const aws::Credentials kCredentials{"AKIDTEST", "test-secret-key", "session-token-1"};

// A local GetMetricData endpoint: verifies SigV4, throttles the first `throttle` requests, then
// answers in two pages (w0 on the first, w1 on the second).
class LocalCloudWatch {
 public:
  explicit LocalCloudWatch(int throttle) : throttle_(throttle) {
    server_.Post("/",
                 [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LocalCloudWatch() {
    server_.stop();
    thread_.join();
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::atomic<int> requests{0};
  std::atomic<int> verified{0};
  std::string last_error;  // written by the server thread, read after requests complete
  std::vector<nlohmann::json> bodies;

 private:
  void Handle(const httplib::Request& req, httplib::Response& res) {
    ++requests;
    aws::SigningInput received{req.method, req.path, "", {}, req.body};
    for (const auto& [name, value] : req.headers) received.headers.emplace_back(name, value);
    const Status verdict = aws::Verify(received, kCredentials, "eu-west-1", "monitoring");
    if (!verdict.ok() ||
        req.get_header_value("X-Amz-Target") != "GraniteServiceVersion20100801.GetMetricData") {
      last_error = verdict.ToString();
      res.status = 403;
      res.set_content(R"({"__type":"com.amazon.coral.service#InvalidSignatureException",)"
                      R"("message":"signature does not match"})",
                      "application/x-amz-json-1.0");
      return;
    }
    ++verified;
    if (throttle_-- > 0) {
      res.status = 400;
      res.set_content(R"({"__type":"com.amazon.coral.availability#ThrottlingException",)"
                      R"("message":"Rate exceeded"})",
                      "application/x-amz-json-1.0");
      return;
    }
    const nlohmann::json body = nlohmann::json::parse(req.body);
    bodies.push_back(body);
    nlohmann::json answer;
    if (!body.contains("NextToken")) {
      answer = {{"MetricDataResults",
                 {{{"Id", "w0"},
                   {"Timestamps", {1700000060, 1700000000}},
                   {"Values", {42.5, 40.0}},
                   {"StatusCode", "PartialData"}}}},
                {"NextToken", "page-2"}};
    } else {
      answer = {{"MetricDataResults",
                 {{{"Id", "w0"},
                   {"Timestamps", {1699999940}},
                   {"Values", {39.0}},
                   {"StatusCode", "Complete"}},
                  {{"Id", "w1"},
                   {"Timestamps", {1700000000}},
                   {"Values", {7.0}},
                   {"StatusCode", "Complete"}},
                  {{"Id", "w2"},
                   {"Timestamps", nlohmann::json::array()},
                   {"Values", nlohmann::json::array()},
                   {"StatusCode", "Forbidden"}}}}};
    }
    res.set_content(answer.dump(), "application/x-amz-json-1.0");
  }

  int throttle_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

MetricRequest Request(const std::vector<WorkloadId>& workloads) {
  MetricRequest request;
  request.metric = "cpu";
  request.query =
      "namespace=ContainerInsights metric=pod_cpu_usage_total stat=Average "
      "dim.ClusterName={{environment}} dim.Namespace={{namespace}} dim.PodName={{workload}}";
  request.workloads = workloads;
  request.now = Timestamp(std::chrono::seconds(1700000100));
  request.window = std::chrono::seconds(90);
  request.timeout = std::chrono::seconds(10);
  return request;
}

SourceOptions Options(const std::string& endpoint) {
  SourceOptions options;
  options.region = "eu-west-1";
  options.endpoint = endpoint;
  options.credentials = kCredentials;
  options.initial_backoff = std::chrono::milliseconds(5);
  return options;
}

TEST(CloudWatchSource, SignedThrottledPaginatedAgainstLocalEndpoint) {
  LocalCloudWatch endpoint(/*throttle=*/2);
  RealClock clock;
  Source source(NewCurlHttpClient(), Options(endpoint.endpoint()), clock);
  const std::vector<WorkloadId> workloads = {{"prod", "acme", "shop", "api"},
                                             {"prod", "acme", "shop", "web"},
                                             {"prod", "acme", "shop", "secret"}};
  auto result = source.Read(Request(workloads));
  ASSERT_TRUE(result.ok()) << result.status().ToString() << " / " << endpoint.last_error;
  EXPECT_EQ(endpoint.requests, 4);  // 2 throttled, 2 pages
  EXPECT_EQ(endpoint.verified, 4);
  ASSERT_EQ(result->size(), 3u);
  EXPECT_EQ((*result)[0].value, 42.5);  // the newest of both pages
  EXPECT_EQ((*result)[0].time, Timestamp(std::chrono::seconds(1700000060)));
  EXPECT_EQ((*result)[1].value, 7.0);
  EXPECT_EQ((*result)[2].status.code(), StatusCode::kPermissionDenied);

  ASSERT_EQ(endpoint.bodies.size(), 2u);
  const nlohmann::json& first = endpoint.bodies[0];
  EXPECT_EQ(first["StartTime"], 1700000100 - 240);  // two periods of 120 s (90 s rounded up)
  EXPECT_EQ(first["EndTime"], 1700000100);
  EXPECT_EQ(first["ScanBy"], "TimestampDescending");
  const nlohmann::json& q0 = first["MetricDataQueries"][0];
  EXPECT_EQ(q0["Id"], "w0");
  EXPECT_EQ(q0["MetricStat"]["Period"], 120);
  EXPECT_EQ(q0["MetricStat"]["Stat"], "Average");
  EXPECT_EQ(q0["MetricStat"]["Metric"]["Dimensions"],
            nlohmann::json::parse(R"([{"Name":"ClusterName","Value":"prod"},
              {"Name":"Namespace","Value":"shop"},{"Name":"PodName","Value":"api"}])"));
  EXPECT_EQ(endpoint.bodies[1]["NextToken"], "page-2");
}

TEST(CloudWatchSource, StillThrottledIsResourceExhausted) {
  LocalCloudWatch endpoint(/*throttle=*/100);
  RealClock clock;
  SourceOptions options = Options(endpoint.endpoint());
  options.max_throttle_retries = 2;
  Source source(NewCurlHttpClient(), options, clock);
  const std::vector<WorkloadId> workloads = {{"prod", "acme", "shop", "api"}};
  auto result = source.Read(Request(workloads));
  EXPECT_EQ(result.status().code(), StatusCode::kResourceExhausted) << result.status().ToString();
  EXPECT_NE(result.status().message().find("still throttled after 2 retries"), std::string::npos);
  EXPECT_EQ(endpoint.requests, 3);
}

TEST(CloudWatchSource, WrongSecretIsUnauthenticatedAndDownIsUnavailable) {
  RealClock clock;
  const std::vector<WorkloadId> workloads = {{"prod", "acme", "shop", "api"}};
  std::string endpoint_url;
  {
    LocalCloudWatch endpoint(0);
    endpoint_url = endpoint.endpoint();
    SourceOptions options = Options(endpoint_url);
    options.credentials.secret_access_key = "wrong";
    Source source(NewCurlHttpClient(), options, clock);
    auto result = source.Read(Request(workloads));
    EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated) << result.status().ToString();
    EXPECT_NE(result.status().message().find("InvalidSignatureException"), std::string::npos);
  }
  Source source(NewCurlHttpClient(), Options(endpoint_url), clock);  // server stopped
  auto down = source.Read(Request(workloads));
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable) << down.status().ToString();
}

}  // namespace
}  // namespace crescendo::metrics::cloudwatch
