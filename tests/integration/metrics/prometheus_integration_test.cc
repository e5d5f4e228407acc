// The Prometheus source against a real Prometheus (Debian's 2.42, /usr/bin/prometheus), loaded
// with known series through `promtool tsdb create-blocks-from openmetrics`.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "crescendo/base/clock.h"
#include "crescendo/metrics/collector.h"
#include "metrics/prometheus/prometheus.h"
#include "server_process.h"

namespace crescendo::metrics {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// Known data: samples every minute over [base, base + 10m].
struct KnownSeries {
  std::string metric, labels;
  std::function<double(int)> value;  // value of sample i
  int last_sample = 10;              // the series stops after this sample
};

std::string OpenMetrics(const std::vector<KnownSeries>& series, int64_t base_seconds) {
  std::ostringstream out;
  out.precision(17);
  std::string family;
  for (const KnownSeries& s : series) {
    if (s.metric != family) out << "# TYPE " << s.metric << " gauge\n";
    family = s.metric;
    for (int i = 0; i <= s.last_sample; ++i) {
      const double v = s.value(i);
      out << s.metric << "{" << s.labels << "} ";
      if (std::isnan(v)) {
        out << "NaN";
      } else if (std::isinf(v)) {
        out << (v > 0 ? "+Inf" : "-Inf");
      } else {
        out << v;
      }
      out << " " << base_seconds + 60 * i << "\n";
    }
  }
  out << "# EOF\n";
  return out.str();
}

class PrometheusIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Two hours back keeps the blocks inside the default retention and away from "now".
    const int64_t now_s =
        std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    base_s_ = (now_s / 3600 - 2) * 3600;
    base_ = Timestamp(seconds(base_s_));
    const std::string bin_dir = itest::EnvOr("CRESCENDO_PROMETHEUS_BIN_DIR", "/usr/bin");
    const std::string input = server_.WriteFile("known.om", OpenMetrics(Known(), base_s_));
    const std::string config =
        server_.WriteFile("prometheus.yml", "global:\n  scrape_interval: 15s\n");
    ASSERT_TRUE(server_
                    .RunToCompletion({bin_dir + "/promtool", "tsdb", "create-blocks-from",
                                      "openmetrics", input, server_.dir() + "/data"})
                    .ok())
        << server_.LogTail();
    port_ = itest::FreePort();
    const std::string address = "127.0.0.1:" + std::to_string(port_);
    const Status started = server_.Start(
        {bin_dir + "/prometheus", "--config.file=" + config,
         "--storage.tsdb.path=" + server_.dir() + "/data", "--web.listen-address=" + address,
         "--storage.tsdb.retention.time=3650d", "--log.level=warn"},
        "http://" + address + "/-/ready", 200, seconds(60));
    ASSERT_TRUE(started.ok()) << started.ToString();
    options_.client.base_url = "http://" + address;
  }

  static std::vector<KnownSeries> Known() {
    return {
        {"crescendo_test_queue_length", R"(namespace="shop",pod="api-7d9f8b-abcde")",
         [](int i) { return 1.5 + i; }},
        {"crescendo_test_queue_length", R"(namespace="shop",pod="api-7d9f8b-fghij")",
         [](int i) { return 100 + 0.25 * i; }},
        {"crescendo_test_queue_length", R"(namespace="shop",pod="api-gateway-5c5c-zzzzz")",
         [](int) { return 0.1; }},
        {"crescendo_test_queue_length", R"(namespace="billing",pod="worker-0")",
         [](int i) { return 1e-3 * i * i; }},
        {"crescendo_test_queue_length", R"(namespace="billing",pod="batch-0")",
         [](int i) { return i; }, /*last_sample=*/2},  // gone for 8 minutes: stale
        {"crescendo_test_special", R"(namespace="shop",pod="web-1",kind="nan")",
         [](int) { return std::nan(""); }},
        {"crescendo_test_special", R"(namespace="shop",pod="web-2",kind="inf")",
         [](int) { return INFINITY; }},
        {"crescendo_test_workload_value", R"(namespace="shop",workload="web")",
         [](int) { return 7.25; }},
    };
  }

  MetricRequest Request(const std::string& query) {
    MetricRequest request;
    request.metric = "queue";
    request.query = query;
    request.workloads = workloads_;
    request.now = base_ + minutes(10);
    request.window = minutes(2);
    request.timeout = seconds(5);
    return request;
  }

  itest::ServerProcess server_{"prometheus"};
  int port_ = 0;
  int64_t base_s_ = 0;
  Timestamp base_;
  prometheus::SourceOptions options_;
  std::vector<WorkloadId> workloads_ = {{"prod", "acme", "shop", "api"},
                                        {"prod", "acme", "shop", "api-gateway"},
                                        {"prod", "beta", "billing", "worker"},
                                        {"prod", "beta", "billing", "batch"},
                                        {"prod", "acme", "shop", "web"}};
};

TEST_F(PrometheusIntegrationTest, KnownSeriesReadBackExactly) {
  prometheus::Source source(NewCurlHttpClient(), options_);
  auto result = source.Read(Request("crescendo_test_queue_length{{{selector}}}"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 5u);
  const WorkloadMetric& api = (*result)[0];
  ASSERT_TRUE(api.status.ok()) << api.status.ToString();
  ASSERT_EQ(api.pods.size(), 2u);
  EXPECT_EQ(api.pods[0].pod, "api-7d9f8b-abcde");
  EXPECT_EQ(api.pods[0].value, 11.5);
  EXPECT_EQ(api.pods[1].value, 102.5);
  EXPECT_EQ(api.time, base_ + minutes(10));
  ASSERT_EQ((*result)[1].pods.size(), 1u);
  EXPECT_EQ((*result)[1].pods[0].value, 0.1);
  ASSERT_EQ((*result)[2].pods.size(), 1u);
  EXPECT_EQ((*result)[2].pods[0].value, 0.1);  // 1e-3 * 10 * 10
  // batch-0 stopped 8 minutes ago, past Prometheus' 5-minute lookback: missing, not zero.
  EXPECT_EQ((*result)[3].status.code(), StatusCode::kNotFound) << (*result)[3].status.ToString();
  EXPECT_EQ((*result)[4].status.code(), StatusCode::kNotFound);  // no such series for web
}

TEST_F(PrometheusIntegrationTest, RangeQueryReturnsEverySample) {
  prometheus::Client client(NewCurlHttpClient(), options_.client);
  auto result = client.QueryRange(R"(crescendo_test_queue_length{pod="api-7d9f8b-abcde"})", base_,
                                  base_ + minutes(10), seconds(60), seconds(5));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->type, prometheus::ResultType::kMatrix);
  ASSERT_EQ(result->series.size(), 1u);
  EXPECT_EQ(result->series[0].Label("namespace"), "shop");
  ASSERT_EQ(result->series[0].samples.size(), 11u);
  for (int i = 0; i <= 10; ++i) {
    EXPECT_EQ(result->series[0].samples[i], (Sample{base_ + minutes(i), 1.5 + i})) << i;
  }
}

TEST_F(PrometheusIntegrationTest, NanInfWorkloadValuesAndErrors) {
  prometheus::Client client(NewCurlHttpClient(), options_.client);
  auto special = client.Query("crescendo_test_special", base_ + minutes(5), seconds(5));
  ASSERT_TRUE(special.ok()) << special.status().ToString();
  ASSERT_EQ(special->series.size(), 2u);
  for (const auto& series : special->series) {
    const double v = series.samples.at(0).value;
    EXPECT_TRUE(series.Label("kind") == "nan" ? std::isnan(v) : v == INFINITY);
  }
  prometheus::Source source(NewCurlHttpClient(), options_);
  auto nan = source.Read(Request("crescendo_test_special{{{selector}}}"));
  ASSERT_TRUE(nan.ok());
  EXPECT_NE((*nan)[4].status.message().find("all NaN or infinite"), std::string::npos);
  auto value = source.Read(Request("crescendo_test_workload_value{namespace=~\"{{namespace}}\"}"));
  ASSERT_TRUE(value.ok()) << value.status().ToString();
  EXPECT_EQ((*value)[4].value, 7.25);

  auto bad = client.Query("sum(", base_, seconds(5));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("bad_data"), std::string::npos) << bad.status().ToString();
}

TEST_F(PrometheusIntegrationTest, ServerKilledMidTestGivesUnavailable) {
  RealClock clock;
  CollectorOptions options;
  options.default_policy.deadline = seconds(3);
  options.default_policy.max_age = minutes(30);
  options.default_policy.retry.initial_backoff = std::chrono::milliseconds(50);
  auto source = std::make_shared<prometheus::Source>(NewCurlHttpClient(), options_);
  auto collector = Collector::Create(options, {source}, clock);
  ASSERT_TRUE(collector.ok());
  const std::vector<MetricBinding> bindings = {
      {"queue", "prometheus", "crescendo_test_queue_length{{{selector}}}", minutes(2)}};
  const std::vector<WorkloadId> workloads(workloads_.begin(), workloads_.begin() + 3);
  CollectResult before = (*collector)->Collect(bindings, workloads, base_ + minutes(10));
  ASSERT_TRUE(before.AllHealthy()) << before.sources.at(0).last_error.ToString();
  EXPECT_EQ(before.metrics[0][0].pods.at(0).value, 11.5);

  server_.Kill();
  CollectResult after = (*collector)->Collect(bindings, workloads, base_ + minutes(10));
  for (const WorkloadMetric& m : after.metrics[0]) {
    EXPECT_EQ(m.status.code(), StatusCode::kUnavailable) << m.status.ToString();
    EXPECT_TRUE(m.pods.empty());
    EXPECT_FALSE(m.value.has_value());
  }
  ASSERT_EQ(after.sources.size(), 1u);
  EXPECT_EQ(after.sources[0].health, SourceHealth::kUnavailable);
  EXPECT_EQ(after.sources[0].retries, 2);
  EXPECT_EQ(after.sources[0].last_success, before.sources[0].last_success);
}

}  // namespace
}  // namespace crescendo::metrics
