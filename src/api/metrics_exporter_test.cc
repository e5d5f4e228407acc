#include "crescendo/api/metrics_exporter.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "crescendo/api/metrics_server.h"
#include "crescendo/metrics/http_client.h"

namespace crescendo::api {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const Timestamp kNow = Timestamp(seconds(1700000000));

bool Contains(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

MetricsExporter& Filled(MetricsExporter& exporter) {
  exporter.ObserveTick(milliseconds(40));
  exporter.ObserveTick(milliseconds(300));
  exporter.CountDecision("up");
  exporter.CountDecision("up");
  exporter.CountDecision("hold");
  exporter.CountError("forecast");
  metrics::SourceReport prom;
  prom.source = "prometheus";
  prom.health = metrics::SourceHealth::kHealthy;
  prom.last_success = kNow - seconds(15);
  prom.max_sample_age = seconds(30);
  prom.read_latency = milliseconds(250);
  prom.retries = 2;
  prom.stale_samples = 4;
  metrics::SourceReport influx;
  influx.source = "influxdb";
  influx.health = metrics::SourceHealth::kCircuitOpen;
  influx.circuit = metrics::CircuitState::kOpen;
  influx.failed_reads = 3;
  const std::vector<metrics::SourceReport> reports = {prom, influx};
  exporter.UpdateSources(reports, kNow);
  return exporter;
}

TEST(MetricsExporter, RendersEveryFamily) {
  MetricsExporter exporter;
  const std::string text = Filled(exporter).RenderText();
  for (const std::string& line :
       {std::string("crescendo_tick_duration_seconds_count 2"),
        std::string("crescendo_tick_duration_seconds_sum 0.34"),
        std::string("crescendo_tick_duration_seconds_bucket{le=\"0.05\"} 1"),
        std::string("crescendo_tick_duration_seconds_bucket{le=\"0.5\"} 2"),
        std::string("crescendo_decisions_total{direction=\"up\"} 2"),
        std::string("crescendo_decisions_total{direction=\"hold\"} 1"),
        std::string("crescendo_errors_total{component=\"forecast\"} 1"),
        std::string("crescendo_metric_source_up{source=\"prometheus\"} 1"),
        std::string("crescendo_metric_source_up{source=\"influxdb\"} 0"),
        std::string("crescendo_metric_source_circuit_open{source=\"influxdb\"} 1"),
        std::string("crescendo_metric_source_staleness_seconds{source=\"prometheus\"} 15"),
        std::string("crescendo_metric_source_staleness_seconds{source=\"influxdb\"} +Inf"),
        std::string("crescendo_metric_source_sample_age_seconds{source=\"prometheus\"} 30"),
        std::string("crescendo_metric_source_read_seconds{source=\"prometheus\"} 0.25"),
        std::string("crescendo_metric_source_retries_total{source=\"prometheus\"} 2"),
        std::string("crescendo_metric_source_failed_reads_total{source=\"influxdb\"} 3"),
        std::string("crescendo_metric_source_stale_samples_total{source=\"prometheus\"} 4")}) {
    EXPECT_TRUE(Contains(text, line)) << line << "\n--- in ---\n" << text;
  }
}

TEST(MetricsServer, ServesMetricsOverHttp) {
  MetricsExporter exporter;
  Filled(exporter);
  auto server = MetricsServer::Start("127.0.0.1:0", exporter.registry());
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_GT((*server)->port(), 0);
  metrics::HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/metrics";
  request.headers = {{"Connection", "close"}};  // no idle keep-alive to delay the shutdown
  auto response = metrics::NewCurlHttpClient()->Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(Contains(response->body, "crescendo_decisions_total{direction=\"up\"} 2"));
  EXPECT_TRUE(Contains(std::string(response->Header("content-type")), "text/plain"));

  auto clash =
      MetricsServer::Start("127.0.0.1:" + std::to_string((*server)->port()), exporter.registry());
  EXPECT_EQ(clash.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(clash.status().message(), "cannot listen on \"127.0.0.1:"));
}

TEST(MetricsExporter, PushesLineProtocolToInflux) {
  MetricsExporter exporter;
  Filled(exporter);
  const auto points = exporter.ToInfluxPoints(kNow);
  // +Inf staleness has no line-protocol form and is left out.
  for (const auto& point : points) {
    ASSERT_FALSE(point.fields.empty());
    EXPECT_FALSE(point.measurement == "crescendo_metric_source_staleness_seconds" &&
                 point.tags.at(0).second == "influxdb");
  }

  httplib::Server server;
  server.set_keep_alive_max_count(1);  // close after the write, so stop() need not wait
  std::string body, query;
  server.Post("/write", [&](const httplib::Request& req, httplib::Response& res) {
    body = req.body;
    query = req.get_param_value("db");
    res.status = 204;
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  metrics::influxdb::Client client(metrics::NewCurlHttpClient(),
                                   {"http://127.0.0.1:" + std::to_string(port), "crescendo", "",
                                    metrics::influxdb::Auth::kNone, "", "", 100});
  const Status pushed = PushToInflux(exporter, client, kNow, seconds(5));
  server.stop();
  thread.join();
  ASSERT_TRUE(pushed.ok()) << pushed.ToString();
  EXPECT_EQ(query, "crescendo");
  EXPECT_TRUE(Contains(body,
                       "crescendo_tick_duration_seconds count=2i,sum=0.33999999999999997 "
                       "1700000000000000000\n"))
      << body;
  EXPECT_TRUE(
      Contains(body, "crescendo_decisions_total,direction=up value=2 1700000000000000000\n"))
      << body;
}

}  // namespace
}  // namespace crescendo::api
