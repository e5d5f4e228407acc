// `crescendo run --backend kubernetes --kubeconfig FILE` end to end against the double: it reads
// the pods and their metrics, scales through `scale`, emits Events, holds its Lease, survives a
// dropped watch and a 410, retries a 409, backs off on 429, and does not scale down when the
// metrics are unavailable.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "api_server_double.h"
#include "run_crescendo.h"

namespace crescendo {
namespace {

using testing::ApiServerDouble;

using testing::Outcome;
using testing::RunCrescendo;

int CountRequests(const ApiServerDouble& server, const std::string& method, const std::string& part,
                  int status) {
  int n = 0;
  for (const auto& r : server.requests()) {
    n += r.method == method && r.path.find(part) != std::string::npos && r.status == status;
  }
  return n;
}

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(CRESCENDO_BINARY).empty()) GTEST_SKIP() << "the crescendo binary is not built";
    kubeconfig_ = ::testing::TempDir() + "/" + std::to_string(::getpid()) + "-kubeconfig-run";
    server_.WriteKubeconfig(kubeconfig_);
  }
  ApiServerDouble server_;
  std::string kubeconfig_;
};

TEST_F(RunTest, ManagesADeploymentEndToEndThroughFaults) {
  server_.AddDeployment("shop", "api", 2, 100,
                        {{"crescendo.io/mode", "kubernetes"}, {"crescendo.io/max-replicas", "8"}});
  server_.SetUsage("shop", "api", 300, 100 << 20);  // 300% of the request: scale up
  // Faults on the way: a conflict on the scale write, throttling on its read, a dropped watch
  // and an expired history while the loop runs.
  server_.FailNext("PUT", "/deployments/api/scale", 409, 1);
  server_.FailNext("GET", "/deployments/api/scale", 429, 1, 1);
  std::thread faults([this] {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    server_.DropWatches();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    server_.Compact();
    server_.DropWatches();
  });
  Outcome run = RunCrescendo("--backend kubernetes --kubeconfig " + kubeconfig_ +
                             " --interval 1s --duration 6s --lease-namespace crescendo");
  faults.join();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const int32_t replicas = server_.Replicas("shop", "api");
  EXPECT_GT(replicas, 2) << run.output;
  EXPECT_LE(replicas, 8);
  EXPECT_GE(CountRequests(server_, "PUT", "/deployments/api/scale", 200), 1);
  EXPECT_EQ(CountRequests(server_, "PUT", "/deployments/api/scale", 409), 1);
  EXPECT_EQ(CountRequests(server_, "GET", "/deployments/api/scale", 429), 1);
  EXPECT_GE(CountRequests(server_, "GET", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods", 200),
            3);
  ASSERT_FALSE(server_.events().empty());
  EXPECT_EQ(server_.events()[0]["reason"], "ScaledUp");
  // It held its shard Leases.
  bool leased = false;
  for (const auto& rec : server_.lease_records()) leased |= rec.name.starts_with("crescendo-shard");
  EXPECT_TRUE(leased);
  // After the 410 it listed afresh (a second full list of deployments).
  EXPECT_GE(CountRequests(server_, "GET", "/apis/apps/v1/deployments", 200), 2);
  EXPECT_NE(run.output.find("relists"), std::string::npos) << run.output;
}

TEST_F(RunTest, DoesNotScaleDownWhenMetricsAreUnavailable) {
  server_.AddDeployment("shop", "idle", 5, 100, {{"crescendo.io/mode", "kubernetes"}});
  server_.SetUsage("shop", "idle", 1, 1 << 20);  // nearly idle: would scale down
  server_.SetMetricsAvailable(false);
  Outcome run = RunCrescendo("--backend kubernetes --kubeconfig " + kubeconfig_ +
                             " --interval 1s --duration 4s");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(server_.Replicas("shop", "idle"), 5) << run.output;
  EXPECT_TRUE(server_.writes().empty());
  EXPECT_NE(run.output.find("metrics.k8s.io"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("failed to get cpu"), std::string::npos) << run.output;
  // The control: with the same usage and the metrics back, the metric proposes 1 replica (the
  // HPA's scale-down stabilization then holds it for 5 minutes), so the hold above was the
  // missing metrics', not a quiet workload's.
  server_.SetMetricsAvailable(true);
  run = RunCrescendo("--backend kubernetes --kubeconfig " + kubeconfig_ +
                     " --interval 1s --duration 3s");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("metric/0(5->1"), std::string::npos) << run.output;
}

TEST_F(RunTest, RefusesABadKubeconfigWithItsLocation) {
  const std::string bad =
      ::testing::TempDir() + "/" + std::to_string(::getpid()) + "-kubeconfig-bad";
  std::ofstream(bad) << "current-context: x\ncontexts: []\n";
  Outcome run = RunCrescendo("--backend kubernetes --kubeconfig " + bad + " --duration 2s");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find(bad + ":2:11: contexts"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace crescendo

namespace crescendo {
namespace {

// StatefulSets and standalone ReplicaSets are workloads like Deployments (the `scale`
// subresource of their own kind, Events about them); a ReplicaSet a Deployment controls is not
// (scaling it would fight the Deployment controller).
TEST(RunKindsTest, ScalesStatefulSetsAndStandaloneReplicaSetsNotOwnedOnes) {
  if (std::string(CRESCENDO_BINARY).empty()) GTEST_SKIP() << "the crescendo binary is not built";
  testing::ApiServerDouble server;
  const std::string kubeconfig =
      ::testing::TempDir() + "/" + std::to_string(::getpid()) + "-kubeconfig-kinds";
  server.WriteKubeconfig(kubeconfig);
  const nlohmann::json annotations = {{"crescendo.io/mode", "kubernetes"},
                                      {"crescendo.io/max-replicas", "8"}};
  server.AddWorkload("StatefulSet", "data", "kafka", 2, 100, annotations);
  server.AddWorkload("ReplicaSet", "data", "legacy", 2, 100, annotations);
  server.AddWorkload("ReplicaSet", "data", "web-5d8f", 2, 100, annotations, "web");
  for (const char* name : {"kafka", "legacy", "web-5d8f"}) {
    server.SetUsage("data", name, 300, 100 << 20);  // 300% of the request: scale up
  }
  testing::Outcome run = testing::RunCrescendo("--backend kubernetes --kubeconfig " + kubeconfig +
                                               " --interval 1s --duration 3s");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_GT(server.Replicas("data", "kafka"), 2) << run.output;
  EXPECT_GT(server.Replicas("data", "legacy"), 2) << run.output;
  EXPECT_EQ(server.Replicas("data", "web-5d8f"), 2) << run.output;
  std::set<std::string> scaled;
  for (const auto& r : server.requests()) {
    if (r.method == "PUT" && r.status == 200) scaled.insert(r.path);
  }
  EXPECT_TRUE(scaled.contains("/apis/apps/v1/namespaces/data/statefulsets/kafka/scale"));
  EXPECT_TRUE(scaled.contains("/apis/apps/v1/namespaces/data/replicasets/legacy/scale"));
  EXPECT_FALSE(scaled.contains("/apis/apps/v1/namespaces/data/replicasets/web-5d8f/scale"));
  std::set<std::string> kinds;
  for (const auto& e : server.events()) kinds.insert(e["regarding"]["kind"].get<std::string>());
  EXPECT_TRUE(kinds.contains("StatefulSet")) << run.output;
  EXPECT_TRUE(kinds.contains("ReplicaSet")) << run.output;
}

}  // namespace
}  // namespace crescendo

namespace crescendo {
namespace {

// An HPA labelled as Crescendo's is imported as its workload's starting spec (decoded by the one
// HPA decoder, hpa::DecodeHpa): the workload is managed without an annotation, within that
// HPA's bounds and on its metric. One that does not decode is reported, and the annotations'
// bounds stand in for it.
TEST(RunImportTest, AnOwnedHpaGivesItsWorkloadsStartingSpec) {
  if (std::string(CRESCENDO_BINARY).empty()) GTEST_SKIP() << "the crescendo binary is not built";
  testing::ApiServerDouble server;
  const std::string kubeconfig =
      ::testing::TempDir() + "/" + std::to_string(::getpid()) + "-kubeconfig-import";
  server.WriteKubeconfig(kubeconfig);
  server.AddDeployment("shop", "cart", 2, 100, nlohmann::json::object());
  server.SetUsage("shop", "cart", 300, 100 << 20);  // 300% of the request
  const nlohmann::json cpu_at_50 = {
      {"type", "Resource"},
      {"resource",
       {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 50}}}}}};
  server.AddHpa("shop", "cart", "cart", /*ours=*/true,
                {{"minReplicas", 2}, {"maxReplicas", 5}, {"metrics", {cpu_at_50}}});
  // Annotated, with an owned HPA of the old autoscaling/v1 shape: not imported, said so.
  server.AddDeployment("shop", "legacy", 2, 100,
                       {{"crescendo.io/mode", "kubernetes"}, {"crescendo.io/max-replicas", "3"}});
  server.SetUsage("shop", "legacy", 300, 100 << 20);
  server.AddHpa("shop", "legacy", "legacy", /*ours=*/true, {{"targetCPUUtilizationPercentage", 50}},
                "autoscaling/v1");
  // Not annotated and not owned: left alone.
  server.AddDeployment("shop", "other", 2, 100, nlohmann::json::object());
  server.SetUsage("shop", "other", 300, 100 << 20);

  testing::Outcome run = testing::RunCrescendo("--backend kubernetes --kubeconfig " + kubeconfig +
                                               " --interval 1s --duration 3s");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // 300% at a 50% target asks for 12 replicas; the imported maxReplicas holds it at 5.
  EXPECT_EQ(server.Replicas("shop", "cart"), 5) << run.output;
  EXPECT_EQ(server.Replicas("shop", "legacy"), 3) << run.output;  // the annotation's bound
  EXPECT_NE(run.output.find("HorizontalPodAutoscaler shop/legacy: apiVersion: found"),
            std::string::npos)
      << run.output;
  EXPECT_EQ(server.Replicas("shop", "other"), 2) << run.output;
}

}  // namespace
}  // namespace crescendo
