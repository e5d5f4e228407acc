// Three replicas over 3,000 workloads, each holding its shards through Leases on the double:
// kill one, its shards move; the recorded writes show no workload scaled by two replicas in the
// same period, and every write was made by the holder of its shard's Lease at that moment.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "api_server_double.h"
#include "crescendo/kubernetes/kubernetes.h"
#include "crescendo/kubernetes/shards.h"
#include "replica_loop.h"

namespace crescendo::kubernetes {
namespace {

using testing::ApiServerDouble;
using testing::ReplicaOptions;
using Steady = std::chrono::steady_clock;

constexpr int kWorkloads = 3000;
constexpr int kShards = 12;
constexpr auto kLease = std::chrono::seconds(4);
constexpr auto kReconcile = std::chrono::seconds(1);
constexpr auto kTick = std::chrono::seconds(2);  // the period: a new holder waits one

struct Replica {
  std::string identity;
  std::atomic<bool> stop{false};
  std::thread thread;
  std::atomic<int64_t> writes{0};
};

void RunReplica(Replica* r, const Credentials& credentials, const std::vector<WorkloadId>& ids) {
  RealClock clock;
  StatusOr<std::unique_ptr<KubernetesCluster>> cluster =
      KubernetesCluster::Connect(testing::ReplicaOptions(credentials, r->identity, &clock));
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  LeaseOptions lease;
  lease.ns = "crescendo";
  lease.identity = r->identity;
  lease.shards = kShards;
  lease.lease_duration = kLease;
  lease.safety_margin = std::chrono::seconds(1);
  lease.settle = kTick;
  StatusOr<std::unique_ptr<ShardLeases>> leases = ShardLeases::Create(
      credentials, ReplicaOptions(credentials, r->identity, &clock).client, lease, &clock);
  ASSERT_TRUE(leases.ok());
  ShardLeases* held = leases->get();
  (*cluster)->SetFence([held](const WorkloadId& id) { return held->MayAct(id); });
  LeaseRenewer renewer(held, &clock, kReconcile, nullptr);
  testing::WriteWhileHeld(**cluster, *held, ids, kTick, clock, r->stop, r->writes);
}

TEST(ShardsTest, ThreeReplicasShareTheWorkloadsAndTakeOverAKilledOne) {
  ApiServerDouble server;
  const std::vector<WorkloadId> ids = testing::ReplicaWorkloads(kWorkloads);
  for (const WorkloadId& id : ids) {
    server.AddDeployment(id.ns, id.name, 1, 50, {{"crescendo.io/mode", "kubernetes"}});
  }
  Credentials credentials;
  credentials.server = server.url();
  credentials.origin = "test";
  std::vector<std::unique_ptr<Replica>> replicas;
  for (const char* name : {"r0", "r1", "r2"}) {
    replicas.push_back(std::make_unique<Replica>());
    replicas.back()->identity = name;
  }
  const auto t0 = Steady::now();
  for (auto& r : replicas) {
    r->thread = std::thread(RunReplica, r.get(), credentials, std::cref(ids));
  }
  std::this_thread::sleep_for(std::chrono::seconds(12));
  const auto killed_at = Steady::now();
  replicas[2]->stop = true;  // a crash: no release, its Leases just stop being renewed
  replicas[2]->thread.join();
  std::this_thread::sleep_for(std::chrono::seconds(14));
  // The survivors are stopped one after the other, and a stopping replica finishes its tick
  // first: the first one's Leases may run out while the second stops, so who holds what is
  // read as of now, while both still run.
  const Steady::time_point before_stop = Steady::now();
  for (int i = 0; i < 2; ++i) {
    replicas[i]->stop = true;
    replicas[i]->thread.join();
  }

  // Who held each shard Lease when: the server's own record of every Lease write.
  const std::vector<ApiServerDouble::LeaseRecord> records = server.lease_records();
  auto holder_at = [&](const std::string& lease, Steady::time_point t) -> std::string {
    const ApiServerDouble::LeaseRecord* last = nullptr;
    for (const auto& rec : records) {
      if (rec.name == lease && rec.time <= t) last = &rec;
    }
    if (last == nullptr || t > last->time + std::chrono::seconds(last->duration_seconds)) return "";
    return last->holder;
  };
  // 1. Every write was made by the holder of the workload's shard Lease at that moment.
  const std::vector<ApiServerDouble::Write> writes = server.writes();
  ASSERT_GT(writes.size(), 1000u);
  std::map<std::string, int32_t> shard_of;
  for (const WorkloadId& id : ids) shard_of[id.ns + "/" + id.name] = ShardOf(id, kShards);
  int unfenced = 0;
  for (const auto& w : writes) {
    const std::string lease = "crescendo-shard-" + std::to_string(shard_of[w.ns + "/" + w.name]);
    if ("crescendo/" + holder_at(lease, w.time) != w.agent) ++unfenced;
  }
  EXPECT_EQ(unfenced, 0);
  // 2. No workload scaled by two replicas in the same period.
  std::map<std::pair<std::string, int64_t>, std::set<std::string>> writers;
  for (const auto& w : writes) {
    writers[{w.ns + "/" + w.name, (w.time - t0) / kTick}].insert(w.agent);
  }
  int doubled = 0;
  for (const auto& [key, agents] : writers) doubled += agents.size() > 1;
  EXPECT_EQ(doubled, 0);
  // 3. Every replica wrote, and the killed one's shards moved within one lease duration of its
  // Leases running out (at most kLease after the kill) plus one reconcile round.
  std::set<std::string> killed_shards;
  for (int k = 0; k < kShards; ++k) {
    const std::string lease = "crescendo-shard-" + std::to_string(k);
    if (holder_at(lease, killed_at) == "r2") killed_shards.insert(lease);
  }
  EXPECT_FALSE(killed_shards.empty());
  // From the kill, and from the killed replica's last renewal of the Lease (when it would
  // expire minus kLease): the survivors take it at their first renewal round after expiry.
  Steady::duration slowest{0}, slowest_after_renewal{0};
  for (const std::string& lease : killed_shards) {
    Steady::time_point moved = Steady::time_point::max(), last_renewal{};
    for (const auto& rec : records) {
      // The killed thread may still renew while it stops: its last renewal is the last record.
      if (rec.name == lease && rec.holder == "r2") last_renewal = rec.time;
    }
    for (const auto& rec : records) {
      if (rec.name != lease) continue;
      if (rec.time > last_renewal && !rec.holder.empty() && rec.holder != "r2") {
        moved = std::min(moved, rec.time);
      }
    }
    ASSERT_NE(moved, Steady::time_point::max()) << lease << " never moved";
    slowest = std::max(slowest, moved - killed_at);
    slowest_after_renewal = std::max(slowest_after_renewal, moved - last_renewal);
  }
  // One lease duration plus one renewal round (of the survivors, which notice the expiry then),
  // with 250 ms for the rounds' own requests on a loaded machine.
  EXPECT_LE(slowest_after_renewal, kLease + kReconcile + std::chrono::milliseconds(250));
  std::printf(
      "shards: %zu writes; killed replica's %zu shards moved within %.2f s of the kill, %.2f s "
      "of its last renewal (lease %lld s); unfenced writes %d; doubled periods %d\n",
      writes.size(), killed_shards.size(), std::chrono::duration<double>(slowest).count(),
      std::chrono::duration<double>(slowest_after_renewal).count(),
      static_cast<long long>(kLease.count()), unfenced, doubled);
  for (auto& r : replicas) EXPECT_GT(r->writes.load(), 0) << r->identity;
  // After the kill, only the two survivors hold shards, together all of them.
  std::set<std::string> holders;
  for (int k = 0; k < kShards; ++k) {
    holders.insert(holder_at("crescendo-shard-" + std::to_string(k), before_stop));
  }
  EXPECT_EQ(holders, (std::set<std::string>{"r0", "r1"}));
}

}  // namespace
}  // namespace crescendo::kubernetes
