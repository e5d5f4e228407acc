// A replica for the sharding tests: connects to the API server double, fences its writes with a
// ShardHolder, and writes a tenth of the workloads it may act on every tick, so each workload is
// written every ten ticks by whoever holds its shard.
#ifndef CRESCENDO_TESTS_INTEGRATION_KUBERNETES_REPLICA_LOOP_H_
#define CRESCENDO_TESTS_INTEGRATION_KUBERNETES_REPLICA_LOOP_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/cluster/shards.h"
#include "crescendo/kubernetes/kubernetes.h"

namespace crescendo::testing {

// The workloads the double serves: w<i> in namespace ns<i % 20>, environment and tenant as the
// namespace ("prod" environment).
inline std::vector<WorkloadId> ReplicaWorkloads(int count) {
  std::vector<WorkloadId> ids;
  for (int i = 0; i < count; ++i) {
    const std::string ns = "ns" + std::to_string(i % 20);
    ids.push_back({"prod", ns, ns, "w" + std::to_string(i)});
  }
  return ids;
}

// KubernetesOptions for replica `identity` against `credentials`, with room for 3,000 writes.
inline kubernetes::KubernetesOptions ReplicaOptions(const kubernetes::Credentials& credentials,
                                                    const std::string& identity, Clock* clock) {
  kubernetes::KubernetesOptions options;
  options.credentials = credentials;
  options.identity = identity;
  options.client.qps = 2000;
  options.client.burst = 2000;
  options.client.watch_timeout = std::chrono::seconds(60);
  options.clock = clock;
  return options;
}

// Every `tick` until `stop`: SetReplicas on a tenth of `ids` (rotating) that `holder` may act
// on; counts the accepted writes in `writes`. The caller keeps `holder` reconciled.
inline void WriteWhileHeld(kubernetes::KubernetesCluster& cluster, const ShardHolder& holder,
                           const std::vector<WorkloadId>& ids, Duration tick, Clock& clock,
                           const std::atomic<bool>& stop, std::atomic<int64_t>& writes) {
  Timestamp next_tick = clock.Now();
  for (int64_t t = 0; !stop; ++t, next_tick += tick) {
    clock.SleepUntil(next_tick);
    for (size_t i = t % 10; i < ids.size() && !stop; i += 10) {
      if (!holder.MayAct(ids[i])) continue;
      if (cluster.backend().SetReplicas(ids[i], 1 + static_cast<int32_t>(t % 3)).ok()) writes++;
    }
  }
}

}  // namespace crescendo::testing

#endif  // CRESCENDO_TESTS_INTEGRATION_KUBERNETES_REPLICA_LOOP_H_
