// kubernetes_shard_replica: one replica process for shards_postgres_integration_test.cc, so the
// test can end it with SIGKILL as a crash would. It holds its shards through PostgreSQL advisory
// locks (store::ShardLocks) and writes through the API server double until killed.
//
// Usage: kubernetes_shard_replica SERVER_URL POSTGRES_URL IDENTITY SHARDS WORKLOADS
//          LEASE_MS MARGIN_MS TICK_MS ROUND_MS
// Exit: 2 for bad arguments, 1 when it cannot start; otherwise it runs until a signal ends it.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "crescendo/kubernetes/shards.h"
#include "crescendo/store/shard_locks.h"
#include "replica_loop.h"

int main(int argc, char** argv) {
  using namespace crescendo;  // NOLINT: a test executable's main
  if (argc != 10) {
    std::fprintf(stderr,
                 "usage: %s SERVER_URL POSTGRES_URL IDENTITY SHARDS WORKLOADS LEASE_MS "
                 "MARGIN_MS TICK_MS ROUND_MS\n",
                 argv[0]);
    return 2;
  }
  auto millis = [&](int i) { return std::chrono::milliseconds(std::atoll(argv[i])); };
  RealClock clock;
  kubernetes::Credentials credentials;
  credentials.server = argv[1];
  credentials.origin = "test";
  StatusOr<std::unique_ptr<kubernetes::KubernetesCluster>> cluster =
      kubernetes::KubernetesCluster::Connect(testing::ReplicaOptions(credentials, argv[3], &clock));
  if (!cluster.ok()) {
    std::fprintf(stderr, "%s\n", cluster.status().ToString().c_str());
    return 1;
  }
  store::ShardLockOptions lock;
  lock.url = argv[2];
  lock.identity = argv[3];
  lock.shards = std::atoi(argv[4]);
  lock.lease_duration = millis(6);
  lock.safety_margin = millis(7);
  lock.settle = millis(8);
  StatusOr<std::unique_ptr<ShardHolder>> holder = store::ShardLocks::Create(lock, &clock);
  if (!holder.ok()) {
    std::fprintf(stderr, "%s\n", holder.status().ToString().c_str());
    return 1;
  }
  ShardHolder* held = holder->get();
  (*cluster)->SetFence([held](const WorkloadId& id) { return held->MayAct(id); });
  kubernetes::LeaseRenewer renewer(held, &clock, millis(9), [](const Status& s) {
    std::fprintf(stderr, "round: %s\n", s.ToString().c_str());
  });
  const std::atomic<bool> stop{false};
  std::atomic<int64_t> writes{0};
  testing::WriteWhileHeld(**cluster, *held, testing::ReplicaWorkloads(std::atoi(argv[5])),
                          millis(8), clock, stop, writes);
  return 0;
}
