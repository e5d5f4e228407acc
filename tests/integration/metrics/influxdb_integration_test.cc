// The InfluxDB source and writer against a real InfluxDB 1.6 (Debian's influxd), with
// authentication on, reading known points back through chunked answers.
#include <gtest/gtest.h>

#include "crescendo/api/metrics_exporter.h"
#include "crescendo/base/clock.h"
#include "crescendo/metrics/collector.h"
#include "crescendo/metrics/influxdb.h"
#include "metrics/influxdb/influxdb_source.h"
#include "server_process.h"

namespace crescendo::metrics {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

std::string Config(const std::string& dir, int http_port, int rpc_port) {
  return "reporting-disabled = true\n"
         "bind-address = \"127.0.0.1:" +
         std::to_string(rpc_port) +
         "\"\n"
         "[meta]\n  dir = \"" +
         dir +
         "/meta\"\n"
         "[data]\n  dir = \"" +
         dir + "/data\"\n  wal-dir = \"" + dir +
         "/wal\"\n"
         "  query-log-enabled = false\n"
         "[http]\n  enabled = true\n  bind-address = \"127.0.0.1:" +
         std::to_string(http_port) +
         "\"\n  auth-enabled = true\n  log-enabled = false\n"
         "[monitor]\n  store-enabled = false\n"
         "[continuous_queries]\n  enabled = false\n"
         "[subscriber]\n  enabled = false\n";
}

class InfluxIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const int http_port = itest::FreePort();
    const int rpc_port = itest::FreePort();
    const std::string config =
        server_.WriteFile("influxdb.conf", Config(server_.dir(), http_port, rpc_port));
    base_url_ = "http://127.0.0.1:" + std::to_string(http_port);
    const Status started =
        server_.Start({itest::EnvOr("CRESCENDO_INFLUXD", "/usr/bin/influxd"), "-config", config},
                      base_url_ + "/ping", 204, seconds(60));
    ASSERT_TRUE(started.ok()) << started.ToString();
    // With no user yet, InfluxDB accepts this one statement without credentials.
    influxdb::Client bootstrap(http_, {base_url_, "", "", influxdb::Auth::kNone, "", "", 100});
    auto created = bootstrap.Query("CREATE USER admin WITH PASSWORD 's3cret!' WITH ALL PRIVILEGES",
                                   seconds(5));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    influxdb::Client admin(http_, Options(influxdb::Auth::kBasic, 100));
    auto db = admin.Query("CREATE DATABASE k8s", seconds(5));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(db->results.at(0).error.empty()) << db->results.at(0).error;
  }

  influxdb::ClientOptions Options(influxdb::Auth auth, size_t chunk_size) const {
    return {base_url_, "k8s", "", auth, "admin", "s3cret!", chunk_size};
  }

  // Writes 30 points per pod, one every 10 s, ending at now_.
  void WriteKnownPoints() {
    std::vector<influxdb::Point> points;
    const std::vector<std::pair<std::string, std::string>> pods = {
        {"shop", "api-7d9f8b-abcde"}, {"shop", "api-7d9f8b-fghij"}, {"billing", "worker-0"}};
    for (size_t p = 0; p < pods.size(); ++p) {
      for (int i = 0; i < 30; ++i) {
        points.push_back({"queue_length",
                          {{"namespace", pods[p].first}, {"pod", pods[p].second}},
                          {{"value", 100.0 * static_cast<double>(p) + 0.5 * i}},
                          now_ - seconds(10 * (29 - i))});
      }
    }
    points.push_back({"sessions",
                      {{"namespace", "shop"}, {"workload", "api"}},
                      {{"active", int64_t{1234}}},
                      now_});
    influxdb::Client writer(http_, Options(influxdb::Auth::kBasic, 100));
    const Status written = writer.Write(points, seconds(5));
    ASSERT_TRUE(written.ok()) << written.ToString();
  }

  MetricRequest Request(const std::string& query) {
    MetricRequest request;
    request.metric = "queue";
    request.query = query;
    request.workloads = workloads_;
    request.now = now_;
    request.window = minutes(1);
    request.timeout = seconds(5);
    return request;
  }

  itest::ServerProcess server_{"influxdb"};
  std::shared_ptr<HttpClient> http_ = NewCurlHttpClient();
  std::string base_url_;
  Timestamp now_ = Timestamp(std::chrono::duration_cast<milliseconds>(
      std::chrono::system_clock::now().time_since_epoch() - minutes(10)));
  std::vector<WorkloadId> workloads_ = {{"prod", "acme", "shop", "api"},
                                        {"prod", "beta", "billing", "worker"},
                                        {"prod", "beta", "billing", "absent"}};
};

TEST_F(InfluxIntegrationTest, KnownPointsReadBackExactlyThroughChunks) {
  WriteKnownPoints();
  // Three rows per chunk: each 30-row series arrives in ten partial pieces.
  influxdb::Client client(http_, Options(influxdb::Auth::kQueryParameters, 3));
  auto all = client.Query(R"(SELECT "value" FROM "queue_length" GROUP BY "pod")", seconds(5));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->results.size(), 1u);
  ASSERT_EQ(all->results[0].series.size(), 3u);
  for (const influxdb::Series& series : all->results[0].series) {
    ASSERT_EQ(series.rows.size(), 30u) << series.Tag("pod");
    const double offset = series.Tag("pod") == "worker-0"           ? 200
                          : series.Tag("pod") == "api-7d9f8b-fghij" ? 100
                                                                    : 0;
    for (int i = 0; i < 30; ++i) {
      EXPECT_EQ(series.times[i], now_ - seconds(10 * (29 - i)));
      EXPECT_EQ(series.rows[i][0], offset + 0.5 * i);
    }
  }

  influxdb::SourceOptions options;
  options.client = Options(influxdb::Auth::kBasic, 2);
  influxdb::Source source(http_, options);
  auto result = source.Read(Request(
      R"(SELECT last("value") FROM "queue_length" WHERE {{selector}} AND time > {{start}} AND )"
      R"(time <= {{end}} GROUP BY "namespace", "pod")"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 3u);
  ASSERT_EQ((*result)[0].pods.size(), 2u);
  EXPECT_EQ((*result)[0].pods[0].pod, "api-7d9f8b-abcde");
  EXPECT_EQ((*result)[0].pods[0].value, 14.5);
  EXPECT_EQ((*result)[0].pods[1].value, 114.5);
  ASSERT_EQ((*result)[1].pods.size(), 1u);
  EXPECT_EQ((*result)[1].pods[0].value, 214.5);
  EXPECT_EQ((*result)[2].status.code(), StatusCode::kNotFound);

  auto sessions = source.Read(Request(
      R"(SELECT last("active") FROM "sessions" WHERE "namespace" =~ /^(?:{{namespace}})$/ AND )"
      R"(time > {{start}} AND time <= {{end}} GROUP BY "namespace", "workload")"));
  ASSERT_TRUE(sessions.ok()) << sessions.status().ToString();
  EXPECT_EQ((*sessions)[0].value, 1234);
  EXPECT_EQ((*sessions)[0].time, now_);
}

TEST_F(InfluxIntegrationTest, AuthenticationAndStatementErrors) {
  influxdb::ClientOptions wrong = Options(influxdb::Auth::kBasic, 100);
  wrong.password = "nope";
  influxdb::Client intruder(http_, wrong);
  EXPECT_EQ(intruder.Query("SHOW DATABASES", seconds(5)).status().code(),
            StatusCode::kUnauthenticated);
  influxdb::ClientOptions anonymous = Options(influxdb::Auth::kNone, 100);
  EXPECT_EQ(influxdb::Client(http_, anonymous).Query("SHOW DATABASES", seconds(5)).status().code(),
            StatusCode::kUnauthenticated);

  influxdb::Client client(http_, Options(influxdb::Auth::kBasic, 100));
  EXPECT_EQ(client.Query("SELEKT nonsense", seconds(5)).status().code(),
            StatusCode::kInvalidArgument);
  influxdb::SourceOptions options;
  options.client = Options(influxdb::Auth::kBasic, 100);
  options.client.database = "missing";
  influxdb::Source source(http_, options);
  EXPECT_EQ(source.Read(Request(R"(SELECT last("value") FROM "q")")).status().code(),
            StatusCode::kNotFound);
}

TEST_F(InfluxIntegrationTest, CrescendoOwnMetricsWrittenWithLineProtocolReadBack) {
  api::MetricsExporter exporter;
  exporter.ObserveTick(milliseconds(250));
  exporter.CountDecision("up");
  exporter.CountDecision("up");
  exporter.CountDecision("down");
  SourceReport report;
  report.source = "prometheus";
  report.health = SourceHealth::kHealthy;
  report.last_success = now_ - seconds(20);
  const std::vector<SourceReport> reports = {report};
  exporter.UpdateSources(reports, now_);
  influxdb::Client client(http_, Options(influxdb::Auth::kBasic, 100));
  const Status pushed = api::PushToInflux(exporter, client, now_, seconds(5));
  ASSERT_TRUE(pushed.ok()) << pushed.ToString();

  auto decisions = client.Query(
      R"(SELECT "value" FROM "crescendo_decisions_total" GROUP BY "direction")", seconds(5));
  ASSERT_TRUE(decisions.ok()) << decisions.status().ToString();
  ASSERT_EQ(decisions->results.at(0).series.size(), 2u);
  for (const influxdb::Series& series : decisions->results[0].series) {
    ASSERT_EQ(series.rows.size(), 1u);
    EXPECT_EQ(series.times[0], now_);
    EXPECT_EQ(series.rows[0][0], series.Tag("direction") == "up" ? 2.0 : 1.0);
  }
  auto tick =
      client.Query(R"(SELECT "count", "sum" FROM "crescendo_tick_duration_seconds")", seconds(5));
  ASSERT_TRUE(tick.ok()) << tick.status().ToString();
  ASSERT_EQ(tick->results.at(0).series.size(), 1u);
  EXPECT_EQ(tick->results[0].series[0].rows.at(0), (std::vector<double>{1.0, 0.25}));
  auto staleness = client.Query(
      R"(SELECT "value" FROM "crescendo_metric_source_staleness_seconds" WHERE "source" = 'prometheus')",
      seconds(5));
  ASSERT_TRUE(staleness.ok()) << staleness.status().ToString();
  EXPECT_EQ(staleness->results.at(0).series.at(0).rows.at(0).at(0), 20.0);
}

TEST_F(InfluxIntegrationTest, ServerKilledMidTestGivesUnavailable) {
  WriteKnownPoints();
  RealClock clock;
  CollectorOptions collector_options;
  collector_options.default_policy.deadline = seconds(3);
  collector_options.default_policy.retry.initial_backoff = milliseconds(50);
  influxdb::SourceOptions options;
  options.client = Options(influxdb::Auth::kBasic, 100);
  auto collector = Collector::Create(collector_options,
                                     {std::make_shared<influxdb::Source>(http_, options)}, clock);
  ASSERT_TRUE(collector.ok());
  const std::vector<MetricBinding> bindings = {
      {"queue", "influxdb",
       R"(SELECT last("value") FROM "queue_length" WHERE {{selector}} AND time > {{start}} AND )"
       R"(time <= {{end}} GROUP BY "namespace", "pod")",
       minutes(1)}};
  const std::vector<WorkloadId> workloads(workloads_.begin(), workloads_.begin() + 2);
  CollectResult before = (*collector)->Collect(bindings, workloads, now_);
  ASSERT_TRUE(before.AllHealthy()) << before.sources.at(0).last_error.ToString();
  EXPECT_EQ(before.metrics[0][1].pods.at(0).value, 214.5);

  server_.Kill();
  CollectResult after = (*collector)->Collect(bindings, workloads, now_);
  for (const WorkloadMetric& m : after.metrics[0]) {
    EXPECT_EQ(m.status.code(), StatusCode::kUnavailable) << m.status.ToString();
    EXPECT_TRUE(m.pods.empty());
  }
  EXPECT_EQ(after.sources.at(0).health, SourceHealth::kUnavailable);
}

}  // namespace
}  // namespace crescendo::metrics
