// ShardLeases: workloads divided among replicas, each shard held through a
// coordination.k8s.io/v1 Lease.
//
// The ShardHolder contract (crescendo/cluster/shards.h: ShardOf, OwnerOf, the fencing rule) over
// the API server. Each replica keeps a member Lease ("crescendo-member-<identity>") renewed
// every Reconcile(); the live members are those whose member Lease is unexpired. A replica
// acquires the
// shards it owns (creating the Lease, or taking it over when free or expired: renewTime +
// leaseDurationSeconds in the past), renews them, and releases those it no longer owns (an
// empty holderIdentity). Every write carries the read resourceVersion, so two replicas can
// never both win a Lease (409 Conflict for the loser).
//
// Fencing: MayAct(workload) is true only when this replica holds the workload's shard, its last
// renewal began less than lease_duration - safety_margin ago, and it has held it for at least
// `settle` (one tick). A replica that stops renewing stops acting before its Lease expires, and
// a new holder starts a tick after acquiring, so no workload is acted on by two replicas in the
// same tick.
//
// Thread safety: Reconcile() from one thread; MayAct() and Held() from any thread.
#ifndef CRESCENDO_KUBERNETES_SHARDS_H_
#define CRESCENDO_KUBERNETES_SHARDS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/base/status.h"
#include "crescendo/cluster/shards.h"
#include "crescendo/kubernetes/kubernetes.h"
#include "crescendo/model/ids.h"

namespace crescendo::kubernetes {

struct LeaseOptions {
  std::string ns = "crescendo";  // where the Leases live
  std::string identity;          // REQUIRES: non-empty, unique per replica (the pod name)
  int32_t shards = 32;
  Duration lease_duration = std::chrono::seconds(15);  // --leader-elect-lease-duration's default
  Duration safety_margin = std::chrono::seconds(2);    // stop acting this long before expiry
  Duration settle = std::chrono::seconds(30);          // one tick: wait before acting
};

using ::crescendo::OwnerOf;
using ::crescendo::ShardOf;

class ShardLeases : public ShardHolder {
 public:
  // Errors: InvalidArgument for an empty identity or shards < 1; the client's.
  static StatusOr<std::unique_ptr<ShardLeases>> Create(const Credentials& credentials,
                                                       const ClientOptions& client,
                                                       LeaseOptions options, Clock* clock);
  // Reconcile(): renew the member Lease, read the Leases, acquire, renew and release shards.
  // Errors: Unavailable when the API server cannot be reached (held shards then lapse by
  // themselves: MayAct turns false).
};

// Calls `leases`->Reconcile() every `every` on its own thread, so a long tick never delays a
// renewal; a failed round goes to `on_error` (may be null). The destructor stops and joins it.
// Drives any ShardHolder (Leases or PostgreSQL advisory locks).
// REQUIRES: `leases` and `clock` outlive the renewer.
class LeaseRenewer {
 public:
  LeaseRenewer(ShardHolder* leases, Clock* clock, Duration every,
               std::function<void(const Status&)> on_error);
  ~LeaseRenewer();
  LeaseRenewer(const LeaseRenewer&) = delete;
  LeaseRenewer& operator=(const LeaseRenewer&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace crescendo::kubernetes

#endif  // CRESCENDO_KUBERNETES_SHARDS_H_
