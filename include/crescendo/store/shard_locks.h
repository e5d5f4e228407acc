// ShardLocks: the ShardHolder contract (crescendo/cluster/shards.h) over PostgreSQL session
// advisory locks, for replicas that run outside Kubernetes (`run --shard-lock URL`).
//
// Each replica keeps one dedicated connection. The namespace `ns` has a key N (31 bits of
// FNV-1a of `ns`); shard k is the advisory lock (N, k), taken with pg_try_advisory_lock(N, k).
// Membership: every member holds the shared advisory lock (N, 2^31 - 1) and has a row
// (namespace, identity, backend pid) in the table crescendo_shard_members (created when
// missing); the live members are the rows whose backend holds that shared lock (pg_locks), so a
// member whose session ends leaves at once. Ownership is OwnerOf over the live members.
//
// Every lock is session-level, so PostgreSQL itself releases a replica's shards when its session
// ends: the process dies (SIGKILL included), the connection drops, or the server stops. The
// session also sets idle_session_timeout = lease_duration (PostgreSQL 14 or later), so the server
// ends the session of a replica that stopped querying (hung, partitioned): its shards move
// within one lease duration.
//
// Fencing: MayAct(workload) is true only while this replica holds the shard's lock, the last
// round whose queries all succeeded began less than lease_duration - safety_margin ago, and it
// has held the lock for max(settle, lease_duration). A previous holder whose connection dropped
// without it noticing stops acting lease_duration - safety_margin after its last successful
// round, which began before its lock was released, so before this replica acquired it: the two
// never act in the same period. A failed round forgets every held shard at once (MayAct turns
// false), closes the connection (the server releases whatever it still held) and reconnects on
// the next round.
//
// Thread safety: Reconcile() from one thread; MayAct() and Held() from any thread.
#ifndef CRESCENDO_STORE_SHARD_LOCKS_H_
#define CRESCENDO_STORE_SHARD_LOCKS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "crescendo/base/clock.h"
#include "crescendo/base/status.h"
#include "crescendo/cluster/shards.h"

namespace crescendo::store {

struct ShardLockOptions {
  std::string url;               // libpq connection URI, e.g. postgresql://user@host:5432/db
  std::string ns = "crescendo";  // the replicas that share workloads use the same namespace
  std::string identity;          // REQUIRES: non-empty, unique per replica
  int32_t shards = 32;
  Duration lease_duration = std::chrono::seconds(15);  // as the Lease version's default
  Duration safety_margin = std::chrono::seconds(2);    // stop acting this long before
  Duration settle = std::chrono::seconds(30);          // one tick
};

class ShardLocks {
 public:
  // Connects and joins. Errors: InvalidArgument for an empty url or identity, shards outside
  // [1, 2^31 - 2], or lease_duration not above safety_margin (or under 1 s); Unavailable when
  // the server cannot be reached, with libpq's message; FailedPrecondition when the server
  // lacks idle_session_timeout (older than PostgreSQL 14).
  static StatusOr<std::unique_ptr<ShardHolder>> Create(ShardLockOptions options, Clock* clock);
};

}  // namespace crescendo::store

#endif  // CRESCENDO_STORE_SHARD_LOCKS_H_
