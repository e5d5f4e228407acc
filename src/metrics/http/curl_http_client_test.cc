// The libcurl client against a local cpp-httplib server: bodies, limits, time-outs, failures,
// and the Prometheus source reading bad answers over real HTTP.
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "crescendo/metrics/http_client.h"
#include "metrics/prometheus/prometheus.h"

namespace crescendo::metrics {
namespace {

using std::chrono::milliseconds;

class LocalServer {
 public:
  LocalServer() {
    server_.set_keep_alive_max_count(1);
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(2 << 20, 'x'), "text/plain");
    });
    server_.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(milliseconds(1500));
      res.set_content("late", "text/plain");
    });
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Seen-Content-Type", req.get_header_value("Content-Type"));
      res.set_content(req.body, "text/plain");
    });
    server_.Get("/chunked", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("text/plain", [](size_t offset, httplib::DataSink& sink) {
        if (offset < 30) {
          sink.write("0123456789", 10);
        } else {
          sink.done();
        }
        return true;
      });
    });
    server_.Post("/api/v1/query", [this](const httplib::Request&, httplib::Response& res) {
      res.status = answer_status;
      res.set_content(answer_body, answer_type);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LocalServer() {
    server_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  int answer_status = 200;
  std::string answer_body;
  std::string answer_type = "application/json";

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(CurlHttpClient, BodiesHeadersAndChunks) {
  LocalServer server;
  auto http = NewCurlHttpClient();
  HttpRequest post;
  post.method = "POST";
  post.url = server.Url("/echo");
  post.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  post.body = FormEncode({{"query", "sum(rate(x[5m])) by (pod)"}, {"time", "1.5"}});
  auto echoed = http->Send(post);
  ASSERT_TRUE(echoed.ok()) << echoed.status().ToString();
  EXPECT_EQ(echoed->status, 200);
  EXPECT_EQ(echoed->body, "query=sum%28rate%28x%5B5m%5D%29%29%20by%20%28pod%29&time=1.5");
  EXPECT_EQ(echoed->Header("x-seen-content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(FormDecode(echoed->body).at(0).second, "sum(rate(x[5m])) by (pod)");

  HttpRequest chunked;
  chunked.url = server.Url("/chunked");
  auto joined = http->Send(chunked);
  ASSERT_TRUE(joined.ok()) << joined.status().ToString();
  EXPECT_EQ(joined->body, "012345678901234567890123456789");
}

TEST(CurlHttpClient, LimitsTimeoutsAndRefusals) {
  LocalServer server;
  auto limited = NewCurlHttpClient({.max_body_bytes = 1 << 20});
  HttpRequest big;
  big.url = server.Url("/big");
  auto too_big = limited->Send(big);
  EXPECT_EQ(too_big.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(too_big.status().message().find("exceeds the limit of 1048576 bytes"),
            std::string::npos);
  EXPECT_TRUE(NewCurlHttpClient()->Send(big).ok());

  HttpRequest slow;
  slow.url = server.Url("/slow");
  slow.timeout = milliseconds(200);
  auto late = limited->Send(slow);
  EXPECT_EQ(late.status().code(), StatusCode::kDeadlineExceeded) << late.status().ToString();

  HttpRequest refused;
  refused.url = "http://127.0.0.1:1/";
  EXPECT_EQ(limited->Send(refused).status().code(), StatusCode::kUnavailable);
  HttpRequest malformed;
  malformed.url = "nota://url";
  EXPECT_EQ(limited->Send(malformed).status().code(), StatusCode::kInvalidArgument);
}

TEST(CurlHttpClient, PrometheusSourceOverRealHttpWithBadAnswers) {
  LocalServer server;
  prometheus::SourceOptions options;
  options.client.base_url = server.Url("");
  prometheus::Source source(NewCurlHttpClient(), options);
  const std::vector<WorkloadId> workloads = {{"prod", "acme", "shop", "api"}};
  MetricRequest request{"cpu", "up{{{selector}}}", workloads, Timestamp(std::chrono::seconds(1))};
  struct Case {
    int status;
    std::string body, type;
    StatusCode code;
    std::string part;
  };
  for (const Case& c : std::vector<Case>{
           {502, "<html><body>Bad Gateway</body></html>", "text/html", StatusCode::kUnavailable,
            "HTTP 502 (text/html): <html><body>Bad Gateway"},
           {200, R"({"status":"success","data":{"resultType":"vector","result":[{"metric")",
            "application/json", StatusCode::kInvalidArgument, "truncated"},
           {200,
            R"({"status":"success","data":{"resultType":"vector","result":[)"
            R"({"metric":{"pod":"api-1"},"value":"7"}]}})",
            "application/json", StatusCode::kInvalidArgument,
            "data.result[0].value: expected a [time, \"value\"] pair"},
           {200,
            R"({"status":"success","data":{"resultType":"vector","result":[)"
            R"({"metric":{"namespace":"shop","pod":"api-1"},"value":[1,"3"]}]}})",
            "application/json", StatusCode::kOk, ""}}) {
    server.answer_status = c.status;
    server.answer_body = c.body;
    server.answer_type = c.type;
    auto result = source.Read(request);
    EXPECT_EQ(result.status().code(), c.code) << result.status().ToString();
    EXPECT_NE(result.status().message().find(c.part), std::string::npos)
        << result.status().ToString();
  }
}

TEST(HttpUtil, EncodingTable) {
  EXPECT_EQ(UrlEncode("a b/ሴ~"), "a%20b%2F%E1%88%B4~");
  EXPECT_EQ(UrlDecode("a+b%2F%zz"), "a b/%zz");
  EXPECT_EQ(UrlDecode("a+b", false), "a+b");
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(FormDecode("a=1&b=&c&=d"), (std::vector<std::pair<std::string, std::string>>{
                                           {"a", "1"}, {"b", ""}, {"c", ""}, {"", "d"}}));
}

}  // namespace
}  // namespace crescendo::metrics
