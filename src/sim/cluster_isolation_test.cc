// ClusterSim's tenant isolation (strict): dedicated node pools keep each service's pods on its
// own pool, and a tenant's quota caps the pods SetReplicas creates, like a ResourceQuota.
#include <gtest/gtest.h>

#include <algorithm>

#include "cluster_sim.h"

namespace crescendo::sim {
namespace {

const Timestamp kStart = FromUnixSeconds(1795392000);

ServiceSpec Service(const std::string& tenant, const std::string& name) {
  ServiceSpec s;
  s.id = {"prod", tenant, "music", name};
  s.horizontal.min_replicas = 1;
  s.horizontal.max_replicas = 20;
  s.initial_replicas = 1;
  s.load = ConstantLoad(10);
  s.pod.requests = {500, 512LL << 20};
  return s;
}

NodePoolSpec Pool(int32_t max_nodes) {
  NodePoolSpec p;
  p.capacity = {1000, 4LL << 30};  // two pods per node
  p.min_nodes = 1;
  p.max_nodes = max_nodes;
  return p;
}

int32_t Scheduled(const ClusterSim& cluster, size_t i) {
  std::span<const PodRuntime> pods = cluster.model(i).runtime();
  return static_cast<int32_t>(
      std::count_if(pods.begin(), pods.end(), [](const PodRuntime& p) { return p.scheduled; }));
}

TEST(ClusterIsolationTest, QuotaCapsThePodsCreated) {
  struct Case {
    const char* name;
    tenancy::Quota quota;
    int32_t asked;
    int32_t admitted;
  };
  // Tenant "acme" runs api and web, one pod each of 500m and 512Mi, and api asks for more.
  const Case cases[] = {
      {"no quota", {}, 6, 6},
      {"pods: 4 in all", {.max_replicas = 4}, 6, 3},
      {"cpu: 2 CPUs in all", {.cpu_millis = 2000}, 6, 3},
      {"memory: 1.5Gi in all", {.memory_bytes = 1536LL << 20}, 6, 2},
      {"already at the quota", {.max_replicas = 2}, 6, 1},
      {"a scale-down always passes", {.max_replicas = 2}, 0, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ClusterIsolation isolation;
    isolation.quotas = {c.quota};
    isolation.quota_of = {0, 0, -1};
    ClusterSim cluster({Service("acme", "api"), Service("acme", "web"), Service("other", "api")}, 1,
                       kStart, std::nullopt, isolation);
    cluster.Advance(kStart, std::vector<double>{10, 10, 10});
    ASSERT_TRUE(cluster.SetReplicas({"prod", "acme", "music", "api"}, c.asked).ok());
    EXPECT_EQ(cluster.model(0).state().pods.size(), static_cast<size_t>(c.admitted));
    EXPECT_EQ(cluster.quota_refused(0), c.asked - c.admitted);
    ASSERT_TRUE(cluster.SetReplicas({"prod", "other", "music", "api"}, 6).ok());
    EXPECT_EQ(cluster.quota_refused(2), 0);  // no quota of its own
  }
}

TEST(ClusterIsolationTest, DedicatedPoolsKeepEachTenantOnItsOwnNodes) {
  ClusterIsolation isolation;
  isolation.pools = {Pool(1), Pool(5)};
  isolation.pool_of = {0, 1};
  ClusterSim cluster({Service("noisy", "api"), Service("calm", "api")}, 1, kStart, Pool(10),
                     isolation);
  EXPECT_EQ(cluster.nodes(), nullptr);  // the dedicated pools replace the shared one
  EXPECT_TRUE(cluster.has_nodes());
  cluster.Advance(kStart, std::vector<double>{10, 10});
  ASSERT_TRUE(cluster.SetReplicas({"prod", "noisy", "music", "api"}, 8).ok());
  ASSERT_TRUE(cluster.SetReplicas({"prod", "calm", "music", "api"}, 2).ok());
  for (int minute = 1; minute <= 10; ++minute) {
    cluster.Advance(kStart + minutes(minute), std::vector<double>{10, 10});
  }
  // The noisy tenant's pool holds one node of two pods; the rest stay Pending, and the calm
  // tenant's pods run on its own pool.
  EXPECT_EQ(Scheduled(cluster, 0), 2);
  EXPECT_EQ(Scheduled(cluster, 1), 2);
  EXPECT_GT(cluster.node_cost(), 0);
}

}  // namespace
}  // namespace crescendo::sim
