// `crescendo run --backend kubernetes --config DIR` reads the configuration's own metric sources:
// a service scaling on a catalogue metric served by a real Prometheus (Debian's, scraping a
// target this test serves on loopback) is scaled through the API server double on that metric,
// built by the metrics registry from `metricSources:`, not from metrics.k8s.io. A source that
// exists only in simulation is refused before any work, with its location.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "../metrics/server_process.h"
#include "api_server_double.h"
#include "run_crescendo.h"

namespace crescendo {
namespace {

using std::chrono::seconds;
using testing::ApiServerDouble;

using testing::Outcome;
using testing::RunCrescendo;

// A configuration of one service, shop/api in environment "test", scaling on `queue_length`
// (External, 10 messages per replica) read from source "prom" of type `type` at `url`.
std::string Config(const std::string& type, const std::string& url) {
  return "version: 1\n"
         "global:\n"
         "  defaultTier: standard\n"
         "tiers:\n"
         "  standard:\n"
         "    priority: 100\n"
         "metricSources:\n"
         "  prom:\n"
         "    type: " +
         type + "\n" + (url.empty() ? "" : "    url: " + url + "\n") +
         "    timeout: 2s\n"
         "metrics:\n"
         "  queue_length:\n"
         "    type: External\n"
         "    source: prom\n"
         "    query: "
         "crescendo_queue_length{namespace=~\"{{namespace}}\",workload=~\"{{workload}}\"}\n"
         "environments:\n"
         "  test:\n"
         "    mode: kubernetes\n"
         "services:\n"
         "  api:\n"
         "    namespace: shop\n"
         "    horizontal:\n"
         "      minReplicas: 1\n"
         "      maxReplicas: 8\n"
         "      metrics:\n"
         "        queue_length:\n"
         "          averageValue: 10\n";
}

class SourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(CRESCENDO_BINARY).empty()) GTEST_SKIP() << "the crescendo binary is not built";
    kubeconfig_ = ::testing::TempDir() + "/" + std::to_string(::getpid()) + "-kubeconfig-sources";
    server_.WriteKubeconfig(kubeconfig_);
    server_.AddDeployment("shop", "api", 2, 100, nlohmann::json::object());
    server_.SetUsage("shop", "api", 50, 100 << 20);  // half the CPU request: no CPU pressure
  }
  void TearDown() override {
    if (target_.is_running()) target_.stop();
    if (target_thread_.joinable()) target_thread_.join();
  }

  // Serves `crescendo_queue_length{namespace="shop",workload="api"} <queue_>` at /metrics.
  int StartTarget() {
    target_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(
          "# TYPE crescendo_queue_length gauge\ncrescendo_queue_length{namespace="
          "\"shop\",workload=\"api\"} " +
              std::to_string(queue_.load()) + "\n",
          "text/plain; version=0.0.4");
    });
    const int port = target_.bind_to_any_port("127.0.0.1");
    target_thread_ = std::thread([this] { target_.listen_after_bind(); });
    return port;
  }

  // Starts Prometheus scraping the target every second; returns its URL once it has a sample.
  std::string StartPrometheus(int target_port) {
    const std::string bin_dir = itest::EnvOr("CRESCENDO_PROMETHEUS_BIN_DIR", "/usr/bin");
    const std::string config =
        prometheus_.WriteFile("prometheus.yml",
                              "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                              "scrape_configs:\n  - job_name: queue\n    static_configs:\n"
                              "      - targets: ['127.0.0.1:" +
                                  std::to_string(target_port) + "']\n");
    const std::string address = "127.0.0.1:" + std::to_string(itest::FreePort());
    const Status started =
        prometheus_.Start({bin_dir + "/prometheus", "--config.file=" + config,
                           "--storage.tsdb.path=" + prometheus_.dir() + "/data",
                           "--web.listen-address=" + address, "--log.level=warn"},
                          "http://" + address + "/-/ready", 200, seconds(60));
    EXPECT_TRUE(started.ok()) << started.ToString();
    httplib::Client client("http://" + address);
    for (int i = 0; i < 100; ++i) {
      auto res = client.Get("/api/v1/query?query=crescendo_queue_length");
      if (res && res->status == 200 && res->body.find("\"api\"") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return "http://" + address;
  }

  std::string WriteConfig(const std::string& text) {
    const std::string dir =
        ::testing::TempDir() + "/" + std::to_string(::getpid()) + "-sources-config";
    std::system(("mkdir -p " + dir).c_str());
    std::ofstream(dir + "/crescendo.yaml") << text;
    return dir;
  }

  ApiServerDouble server_;
  std::string kubeconfig_;
  itest::ServerProcess prometheus_{"prometheus"};
  httplib::Server target_;
  std::thread target_thread_;
  std::atomic<int> queue_{60};
};

TEST_F(SourcesTest, ScalesOnAPrometheusMetricOfTheCatalogue) {
  const std::string url = StartPrometheus(StartTarget());
  const std::string dir = WriteConfig(Config("prometheus", url));
  Outcome run = RunCrescendo("--backend kubernetes --kubeconfig " + kubeconfig_ + " --config " +
                             dir + " --env test --interval 1s --duration 4s");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // 60 messages at 10 per replica: 6 replicas (the HPA's External AverageValue rule), a number
  // only the queue in Prometheus gives: the pods use half their CPU request, which would keep 2.
  EXPECT_EQ(server_.Replicas("shop", "api"), 6) << run.output;
  queue_ = 80;  // and it follows the queue: 8 replicas (maxReplicas)
  run = RunCrescendo("--backend kubernetes --kubeconfig " + kubeconfig_ + " --config " + dir +
                     " --env test --interval 1s --duration 4s");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(server_.Replicas("shop", "api"), 8) << run.output;
}

TEST_F(SourcesTest, HoldsReplicasWhenThePrometheusSourceIsDown) {
  const std::string url = StartPrometheus(StartTarget());
  prometheus_.Kill();
  const std::string dir = WriteConfig(Config("prometheus", url));
  Outcome run = RunCrescendo("--backend kubernetes --kubeconfig " + kubeconfig_ + " --config " +
                             dir + " --env test --interval 1s --duration 3s");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(server_.Replicas("shop", "api"), 2) << run.output;
  EXPECT_TRUE(server_.writes().empty()) << run.output;
}

TEST_F(SourcesTest, RefusesASimulationOnlySourceWithItsLocation) {
  const std::string dir = WriteConfig(Config("simulator", ""));
  Outcome run = RunCrescendo("--backend kubernetes --kubeconfig " + kubeconfig_ + " --config " +
                             dir + " --env test --interval 1s --duration 2s");
  EXPECT_EQ(run.exit_code >> 8, 2) << run.output;
  EXPECT_NE(run.output.find("crescendo.yaml:8:"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("exists only in simulation"), std::string::npos) << run.output;
  EXPECT_TRUE(server_.writes().empty());
}

}  // namespace
}  // namespace crescendo
