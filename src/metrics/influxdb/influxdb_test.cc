#include "crescendo/metrics/influxdb.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "metrics/common/fake_http_client.h"
#include "metrics/influxdb/influxdb_source.h"

namespace crescendo::metrics::influxdb {
namespace {

Timestamp Ms(int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }

TEST(InfluxParseQueryResponse, JoinsPartialSeriesAcrossChunks) {
  const std::string body =
      R"({"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"pod":"a-1"},)"
      R"("columns":["time","mean"],"values":[[1000,1.5],[2000,null]],"partial":true}],)"
      R"("partial":true}]})"
      "\n"
      R"({"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"pod":"a-1"},)"
      R"("columns":["time","mean"],"values":[[3000,2.5]]},{"name":"cpu","tags":{"pod":"b-1"},)"
      R"("columns":["time","mean"],"values":[[3000,7]]}]}]})"
      "\n";
  auto response = ParseQueryResponse(body);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  ASSERT_EQ(response->results.size(), 1u);
  const auto& series = response->results[0].series;
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].Tag("pod"), "a-1");
  EXPECT_EQ(series[0].columns, (std::vector<std::string>{"time", "mean"}));
  EXPECT_EQ(series[0].times, (std::vector<Timestamp>{Ms(1000), Ms(2000), Ms(3000)}));
  ASSERT_EQ(series[0].rows.size(), 3u);
  EXPECT_EQ(series[0].rows[0][0], 1.5);
  EXPECT_TRUE(std::isnan(series[0].rows[1][0]));
  EXPECT_EQ(series[0].rows[2][0], 2.5);
  EXPECT_EQ(series[1].Tag("pod"), "b-1");
  EXPECT_EQ(series[1].rows[0][0], 7);
}

TEST(InfluxParseQueryResponse, StatementErrorsRfc3339AndFailures) {
  auto response =
      ParseQueryResponse(R"({"results":[{"statement_id":0,"error":"database not found: x"},)"
                         R"({"statement_id":1,"series":[{"name":"m","columns":["time","v","s"],)"
                         R"("values":[["2023-11-14T22:13:20Z",true,"text"]]}]}]})");
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  ASSERT_EQ(response->results.size(), 2u);
  EXPECT_EQ(response->results[0].error, "database not found: x");
  EXPECT_EQ(response->results[1].series[0].times[0], Ms(1700000000000));
  EXPECT_EQ(response->results[1].series[0].rows[0][0], 1.0);
  EXPECT_TRUE(std::isnan(response->results[1].series[0].rows[0][1]));

  struct Bad {
    std::string body, part;
  };
  for (const Bad& bad : std::vector<Bad>{
           {R"({"error":"error parsing query: found EOF"})", "InfluxDB error: error parsing"},
           {"<html><title>502</title></html>", "expected a JSON object, found an HTML page"},
           {"{\"results\":[]}\n{\"results\":[{\"series\":", "chunk 2: malformed or truncated"},
           {R"({"results":[{"series":[{"name":"m","columns":["time","v"],"values":[[1]]}]}]})",
            "results[0].series[0].values[0]: 1 values; expected one per column (2)"},
           {R"({"results":[{"series":[{"name":"m","columns":["time","v"],"values":[[{},1]]}]}]})",
            "expected a time"},
           {R"({"results":[{"series":[{"name":5}]}]})",
            "results[0].series[0].name: expected a string"},
           {"", "found an empty body"}}) {
    auto result = ParseQueryResponse(bad.body);
    ASSERT_FALSE(result.ok()) << bad.body;
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(result.status().message().find(bad.part), std::string::npos)
        << result.status().ToString();
  }
}

TEST(FormatLineProtocol, EscapesAndTypes) {
  const std::vector<Point> points = {
      {"crescendo tick",
       {{"source", "prom,1"}, {"a=b", "c d"}},
       {{"duration", 0.25},
        {"count", int64_t{3}},
        {"ok", true},
        {"note", std::string("say \"hi\"\\")}},
       Ms(1700000000123)},
      {"m", {}, {{"v", 1.0}}, std::nullopt},
  };
  auto text = FormatLineProtocol(points);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text,
            "crescendo\\ tick,source=prom\\,1,a\\=b=c\\ d duration=0.25,count=3i,ok=true,"
            "note=\"say \\\"hi\\\"\\\\\" 1700000000123000000\n"
            "m v=1\n");
  const std::vector<Point> nan = {{"m", {}, {{"v", NAN}}, std::nullopt}};
  EXPECT_EQ(FormatLineProtocol(nan).status().code(), StatusCode::kInvalidArgument);
  const std::vector<Point> no_fields = {{"m", {}, {}, std::nullopt}};
  EXPECT_NE(FormatLineProtocol(no_fields).status().message().find("point 0 (m)"),
            std::string::npos);
}

std::map<std::string, std::string> UrlParams(const std::string& url) {
  std::map<std::string, std::string> out;
  for (auto& [k, v] : FormDecode(url.substr(url.find('?') + 1))) out[k] = v;
  return out;
}

TEST(InfluxSource, RendersSelectorAndSplitsByPod) {
  auto http = std::make_shared<FakeHttpClient>();
  http->PushJson(200, R"({"results":[{"statement_id":0,"series":[
    {"name":"c","tags":{"namespace":"shop","pod":"api-1"},"columns":["time","mean"],
     "values":[[1699999940000,1],[1699999970000,2]]},
    {"name":"c","tags":{"namespace":"shop","pod":"web-1"},"columns":["time","mean"],
     "values":[[1699999970000,null]]}]}]})");
  SourceOptions options;
  options.client = {"http://influx:8086/", "k8s", "", Auth::kQueryParameters, "bob", "pw", 500};
  Source source(http, options);
  const std::vector<WorkloadId> workloads = {{"prod", "acme", "shop", "api"},
                                             {"prod", "acme", "shop", "web"}};
  MetricRequest request{"cpu",
                        "SELECT mean(\"v\") FROM \"c\" WHERE {{selector}} AND time > {{start}} AND "
                        "time <= {{end}} GROUP BY \"namespace\", \"pod\"",
                        workloads,
                        Ms(1700000000000),
                        std::chrono::minutes(1),
                        std::chrono::seconds(2)};
  auto result = source.Read(request);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const HttpRequest sent = http->requests().at(0);
  EXPECT_EQ(sent.url.substr(0, sent.url.find('?')), "http://influx:8086/query");
  auto params = UrlParams(sent.url);
  EXPECT_EQ(params["db"], "k8s");
  EXPECT_EQ(params["epoch"], "ms");
  EXPECT_EQ(params["chunked"], "true");
  EXPECT_EQ(params["chunk_size"], "500");
  EXPECT_EQ(params["u"], "bob");
  EXPECT_EQ(params["p"], "pw");
  EXPECT_EQ(FormDecode(sent.body).at(0).second,
            "SELECT mean(\"v\") FROM \"c\" WHERE \"namespace\" =~ /^(?:shop)$/ AND \"pod\" =~ "
            "/^(?:api|web)(?:-.*)?$/ AND time > 1699999940000ms AND time <= 1700000000000ms "
            "GROUP BY \"namespace\", \"pod\"");
  EXPECT_EQ(sent.timeout, std::chrono::seconds(2));
  ASSERT_EQ((*result)[0].pods.size(), 1u);
  EXPECT_EQ((*result)[0].pods[0].value, 2);
  EXPECT_EQ((*result)[0].pods[0].time, Ms(1699999970000));
  EXPECT_EQ((*result)[1].status.code(), StatusCode::kNotFound);
}

TEST(InfluxSource, ErrorsOfTheWholeRequest) {
  struct Case {
    std::string name;
    int status;
    std::string body;
    StatusCode code;
  };
  for (const Case& c : std::vector<Case>{
           {"unauthorized", 401, R"({"error":"authorization failed"})",
            StatusCode::kUnauthenticated},
           {"syntax", 400, R"({"error":"error parsing query"})", StatusCode::kInvalidArgument},
           {"down", 503, "<html>unavailable</html>", StatusCode::kUnavailable},
           {"no database", 200,
            R"({"results":[{"statement_id":0,"error":"database not found: k"}]})",
            StatusCode::kNotFound}}) {
    auto http = std::make_shared<FakeHttpClient>();
    http->PushJson(c.status, c.body);
    SourceOptions options;
    options.client.base_url = "http://influx:8086";
    options.client.auth = Auth::kBasic;
    options.client.username = "bob";
    options.client.password = "pw";
    Source source(http, options);
    const std::vector<WorkloadId> workloads = {{"prod", "acme", "shop", "api"}};
    MetricRequest request{"cpu", "SELECT 1", workloads, Ms(0)};
    auto result = source.Read(request);
    EXPECT_EQ(result.status().code(), c.code) << c.name << ": " << result.status().ToString();
    const HttpRequest sent = http->requests().at(0);
    EXPECT_EQ(sent.headers.at(0).second, "Basic Ym9iOnB3") << c.name;  // base64("bob:pw")
  }
}

TEST(InfluxClient, WriteSendsLineProtocol) {
  auto http = std::make_shared<FakeHttpClient>();
  HttpResponse no_content;
  no_content.status = 204;
  http->Push(no_content);
  http->PushJson(404, R"({"error":"database not found: \"nope\""})");
  Client client(http, {"http://influx:8086", "crescendo", "autogen", Auth::kNone, "", "", 100});
  const std::vector<Point> points = {{"tick", {{"host", "a"}}, {{"seconds", 0.5}}, Ms(1000)}};
  ASSERT_TRUE(client.Write(points, std::chrono::seconds(1)).ok());
  const HttpRequest sent = http->requests().at(0);
  auto params = UrlParams(sent.url);
  EXPECT_EQ(params["db"], "crescendo");
  EXPECT_EQ(params["rp"], "autogen");
  EXPECT_EQ(sent.body, "tick,host=a seconds=0.5 1000000000\n");
  EXPECT_EQ(client.Write(points, std::chrono::seconds(1)).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace crescendo::metrics::influxdb
