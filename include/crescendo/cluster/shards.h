// ShardHolder: workloads divided among replicas, each replica acting only on the shards it holds.
//
// A workload belongs to shard ShardOf(id, shards). Shard k's owner is the live member with the
// highest rendezvous hash of (member, k) (OwnerOf: Thaler and Ravishankar's
// highest-random-weight hashing, 1998), so when a member joins or leaves only the shards it wins
// or held move. How membership and holding are kept is the implementation's:
//   - kubernetes::ShardLeases (crescendo/kubernetes/shards.h): coordination.k8s.io/v1 Leases;
//   - store::ShardLocks (crescendo/store/shard_locks.h): PostgreSQL session advisory locks,
//     for replicas that run outside Kubernetes.
// Both fence the same way: MayAct(workload) is true only while this replica holds the shard,
// its hold was verified by a round that began less than lease_duration - safety_margin ago, and
// it has held the shard long enough that a previous holder has stopped acting.
//
// Thread safety: Reconcile() from one thread; MayAct() and Held() from any thread.
#ifndef CRESCENDO_CLUSTER_SHARDS_H_
#define CRESCENDO_CLUSTER_SHARDS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/model/ids.h"

namespace crescendo {

namespace shards_internal {

// FNV-1a, 64 bits (Fowler, Noll and Vo; offset basis and prime from the FNV specification,
// draft-eastlake-fnv).
inline uint64_t Fnv1a(std::string_view text, uint64_t h = 14695981039346656037ull) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// SplitMix64's finalizer (Steele, Lea and Flood, "Fast splittable pseudorandom number
// generators", 2014), so nearby inputs spread over all 64 bits.
inline uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace shards_internal

// Returns the shard of `workload` among `shards` (FNV-1a 64 of its ToString(), mixed).
// REQUIRES: shards >= 1.
inline int32_t ShardOf(const WorkloadId& workload, int32_t shards) {
  using shards_internal::Fnv1a, shards_internal::Mix;
  return static_cast<int32_t>(Mix(Fnv1a(workload.ToString())) % static_cast<uint64_t>(shards));
}

// Returns the member with the highest rendezvous hash for `shard`; "" when none.
inline std::string OwnerOf(int32_t shard, const std::vector<std::string>& members) {
  using shards_internal::Fnv1a, shards_internal::Mix;
  std::string best;
  uint64_t best_weight = 0;
  for (const std::string& m : members) {
    const uint64_t w = Mix(Fnv1a(m) ^ Mix(static_cast<uint64_t>(shard)));
    if (best.empty() || w > best_weight || (w == best_weight && m < best)) {
      best = m;
      best_weight = w;
    }
  }
  return best;
}

// The fencing rule every holder applies: a held shard may be acted on while its hold was last
// confirmed (a renewal begun, a connection checked) less than `lease_duration - safety_margin`
// ago, and once it has been held for at least `wait`, so a new holder starts only after the old
// one has stopped.
inline bool WithinFence(Timestamp now, Timestamp confirmed, Timestamp acquired,
                        Duration lease_duration, Duration safety_margin, Duration wait) {
  return now < confirmed + lease_duration - safety_margin && now >= acquired + wait;
}

class ShardHolder {
 public:
  virtual ~ShardHolder() = default;
  // One round: renew this replica's membership, read the live members, acquire the shards it
  // owns, release those it no longer owns. Call it every lease_duration / 3 or more often.
  // Errors: Unavailable when the coordination service cannot be reached (held shards then
  // lapse: MayAct turns false).
  virtual Status Reconcile() = 0;
  // True when this replica may act on `workload` now (see the fencing rule above).
  virtual bool MayAct(const WorkloadId& workload) const = 0;
  // The shards held now, sorted.
  virtual std::vector<int32_t> Held() const = 0;
};

}  // namespace crescendo

#endif  // CRESCENDO_CLUSTER_SHARDS_H_
