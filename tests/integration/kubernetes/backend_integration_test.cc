// KubernetesCluster against the API server double: reads, scale, events, 409, 429, 5xx,
// dropped watches, 410 Gone, metrics, resize, foreign autoscalers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "api_server_double.h"
#include "crescendo/kubernetes/kubernetes.h"

namespace crescendo::kubernetes {
namespace {

using testing::ApiServerDouble;
using Steady = std::chrono::steady_clock;

// Polls `done` every 20 ms for up to `limit`; true when it held.
template <typename F>
bool Eventually(F done, std::chrono::milliseconds limit = std::chrono::seconds(8)) {
  const auto end = Steady::now() + limit;
  while (Steady::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

size_t PodsOf(ClusterBackend& backend, const std::string& name) {
  StatusOr<ClusterSnapshot> s = backend.Snapshot();
  if (!s.ok()) return 0;
  for (const WorkloadState& w : s->workloads) {
    if (w.id.name == name) return w.pods.size();
  }
  return 0;
}

class BackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.AddDeployment("shop", "web", 2, 100, {{"crescendo.io/mode", "kubernetes"}});
    server_.AddDeployment("shop", "legacy", 1, 100, {{"crescendo.io/mode", "kubernetes"}});
    server_.AddDeployment("shop", "ignored", 1, 100, nlohmann::json::object());
    server_.AddHpa("shop", "legacy", "legacy", /*ours=*/false);
    kubeconfig_ = ::testing::TempDir() + "/" + std::to_string(::getpid()) + "-kubeconfig-backend";
    server_.WriteKubeconfig(kubeconfig_);
    StatusOr<Credentials> credentials = LoadKubeconfig(kubeconfig_);
    ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
    KubernetesOptions options;
    options.credentials = *credentials;
    options.client.initial_backoff = std::chrono::milliseconds(20);
    options.client.watch_timeout = std::chrono::seconds(30);
    options.identity = "test";
    StatusOr<std::unique_ptr<KubernetesCluster>> cluster = KubernetesCluster::Connect(options);
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    cluster_ = std::move(cluster).value();
  }
  int Count(const std::string& method, const std::string& path_part, int status) {
    int n = 0;
    for (const auto& r : server_.requests()) {
      n += r.method == method && r.path.find(path_part) != std::string::npos && r.status == status;
    }
    return n;
  }

  ApiServerDouble server_;
  std::string kubeconfig_;
  std::unique_ptr<KubernetesCluster> cluster_;
};

const WorkloadId kWeb{"prod", "shop", "shop", "web"};
const WorkloadId kLegacy{"prod", "shop", "shop", "legacy"};

TEST_F(BackendTest, ReadsAnnotatedDeploymentsAndTheirPodsAndReportsForeignAutoscalers) {
  std::vector<ManagedWorkload> found = cluster_->Workloads();
  ASSERT_EQ(found.size(), 2u);  // "ignored" has no annotation and is not configured
  for (const ManagedWorkload& w : found) {
    EXPECT_EQ(w.mode, "kubernetes");
    EXPECT_EQ(w.foreign_autoscaler, w.id.name == "legacy") << w.id.ToString();
  }
  StatusOr<ClusterSnapshot> snapshot = cluster_->backend().Snapshot();
  ASSERT_TRUE(snapshot.ok());
  const WorkloadState* web = nullptr;
  for (const WorkloadState& w : snapshot->workloads) {
    if (w.id == kWeb) web = &w;
  }
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->spec_replicas, 2);
  EXPECT_EQ(web->pod_requests.cpu_millis, 100);
  EXPECT_EQ(web->pod_requests.memory_bytes, 128 << 20);
  ASSERT_EQ(web->pods.size(), 2u);
  EXPECT_TRUE(web->pods[0].ready);
  EXPECT_EQ(web->pods[0].phase, PodPhase::kRunning);
  // A workload under an HPA Crescendo does not own is reported, never scaled.
  Status refused = cluster_->backend().SetReplicas(kLegacy, 3);
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused.ToString();
  EXPECT_EQ(server_.Replicas("shop", "legacy"), 1);
}

TEST_F(BackendTest, ScalesThroughTheScaleSubresourceAndEmitsAnEvent) {
  ASSERT_TRUE(cluster_->backend().SetReplicas(kWeb, 3).ok());
  EXPECT_EQ(server_.Replicas("shop", "web"), 3);
  ASSERT_EQ(server_.writes().size(), 1u);
  EXPECT_EQ(server_.writes()[0].agent, "crescendo/test");
  ASSERT_EQ(server_.events().size(), 1u);
  EXPECT_EQ(server_.events()[0]["reason"], "ScaledUp");
  EXPECT_EQ(server_.events()[0]["regarding"]["name"], "web");
  EXPECT_TRUE(Eventually([&] { return PodsOf(cluster_->backend(), "web") == 3; }));
  ASSERT_TRUE(cluster_->backend().SetReplicas(kWeb, 1).ok());
  EXPECT_EQ(server_.events().back()["reason"], "ScaledDown");
}

TEST_F(BackendTest, RetriesAConflictWithAFreshRead) {
  server_.FailNext("PUT", "/deployments/web/scale", 409, 2);
  ASSERT_TRUE(cluster_->backend().SetReplicas(kWeb, 4).ok());
  EXPECT_EQ(server_.Replicas("shop", "web"), 4);
  EXPECT_EQ(Count("GET", "/deployments/web/scale", 200), 3);  // one read per attempt
  EXPECT_EQ(cluster_->stats().conflicts, 2);
  // A conflict that does not go away ends in Aborted after the bounded retries.
  server_.FailNext("PUT", "/deployments/web/scale", 409, 100);
  EXPECT_EQ(cluster_->backend().SetReplicas(kWeb, 5).code(), StatusCode::kAborted);
  EXPECT_EQ(server_.Replicas("shop", "web"), 4);
}

TEST_F(BackendTest, BacksOffOnThrottlingHonouringRetryAfterAndOnServerErrors) {
  server_.FailNext("GET", "/deployments/web/scale", 429, 1, /*retry_after_seconds=*/1);
  const auto start = Steady::now();
  ASSERT_TRUE(cluster_->backend().SetReplicas(kWeb, 3).ok());
  EXPECT_GE(Steady::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(cluster_->stats().throttled, 1);
  EXPECT_EQ(Count("GET", "/deployments/web/scale", 429), 1);
  server_.FailNext("PUT", "/deployments/web/scale", 500, 2);
  server_.FailNext("PUT", "/deployments/web/scale", 503, 1);
  ASSERT_TRUE(cluster_->backend().SetReplicas(kWeb, 2).ok());
  EXPECT_EQ(server_.Replicas("shop", "web"), 2);
  EXPECT_GE(cluster_->stats().retries, 4);
  // A server that keeps failing: Unavailable after max_attempts, nothing written.
  server_.FailNext("GET", "/deployments/web/scale", 500, 100);
  EXPECT_EQ(cluster_->backend().SetReplicas(kWeb, 6).code(), StatusCode::kUnavailable);
}

TEST_F(BackendTest, SurvivesADroppedWatch) {
  ASSERT_TRUE(Eventually([&] { return server_.open_watches() >= 3; }));
  server_.DropWatches();
  ASSERT_TRUE(cluster_->backend().SetReplicas(kWeb, 5).ok());
  EXPECT_TRUE(Eventually([&] { return PodsOf(cluster_->backend(), "web") == 5; }));
  EXPECT_GE(cluster_->stats().watch_restarts, 1);
}

TEST_F(BackendTest, ListsAfreshOnGone) {
  ASSERT_TRUE(Eventually([&] { return server_.open_watches() >= 3; }));
  server_.Compact();      // the history the watches started from is gone
  server_.DropWatches();  // they come back with an old resourceVersion and get 410 Expired
  ASSERT_TRUE(Eventually([&] { return cluster_->stats().relists >= 2; }));
  ASSERT_TRUE(cluster_->backend().SetReplicas(kWeb, 4).ok());
  EXPECT_TRUE(Eventually([&] { return PodsOf(cluster_->backend(), "web") == 4; }));
}

TEST_F(BackendTest, ReadsPodMetricsAndReportsThemUnavailable) {
  server_.SetUsage("shop", "web", 250, 64 << 20);
  std::vector<WorkloadId> ids = {kWeb};
  MetricRequest request{"cpu", "", ids, Timestamp(), std::chrono::minutes(1)};
  StatusOr<std::vector<WorkloadMetric>> cpu = cluster_->metrics()->Read(request);
  ASSERT_TRUE(cpu.ok());
  ASSERT_TRUE((*cpu)[0].status.ok()) << (*cpu)[0].status.ToString();
  ASSERT_EQ((*cpu)[0].pods.size(), 2u);
  EXPECT_EQ((*cpu)[0].pods[0].value, 250);
  EXPECT_EQ((*cpu)[0].pods[0].container, "main");
  EXPECT_EQ((*cpu)[0].pods[0].window, std::chrono::seconds(30));
  request.metric = "memory";
  EXPECT_EQ((*cluster_->metrics()->Read(request))[0].pods[0].value, 64 << 20);
  server_.SetMetricsAvailable(false);
  StatusOr<std::vector<WorkloadMetric>> down = cluster_->metrics()->Read(request);
  ASSERT_TRUE(down.ok());
  EXPECT_EQ((*down)[0].status.code(), StatusCode::kUnavailable);
  EXPECT_TRUE((*down)[0].pods.empty());
}

TEST_F(BackendTest, ResizesPodsInPlaceAndPatchesTheTemplate) {
  ResourceUpdate update;
  update.containers = {{"main", {200, 256 << 20}, {400, 0}}};
  update.method = ResizeMethod::kInPlaceOrRecreate;
  update.pods = {"web-0", "no-such-pod"};
  ASSERT_TRUE(cluster_->backend().SetResources(kWeb, update).ok());
  const nlohmann::json d = server_.Deployment("shop", "web");
  const nlohmann::json& r = d["spec"]["template"]["spec"]["containers"][0]["resources"];
  EXPECT_EQ(r["requests"]["cpu"], "200m");
  EXPECT_EQ(r["limits"]["cpu"], "400m");
  EXPECT_EQ(Count("PATCH", "/pods/web-0/resize", 200), 1);
  EXPECT_EQ(server_.events().back()["reason"], "ResizedInPlace");
  update.containers = {{"sidecar", {1, 1}, {}}};
  EXPECT_EQ(cluster_->backend().SetResources(kWeb, update).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace crescendo::kubernetes
