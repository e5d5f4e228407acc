// TenantArbiter: the engine's arbitrate stage when tenants share a capacity that can run short.
//
// Each tick it groups the proposals by tenant (WorkloadId::tenant), asks tenancy::Arbitrate()
// (include/crescendo/tenancy/arbitration.h: guarantees, weighted DRF, tier priority, quotas,
// isolation, borrowing and reclaim) how many replicas each workload may have within the
// capacity, and lowers each proposal that asks for more, adding an "arbitrate" trace entry that
// names the tenant, its dominant share against its entitlement, and why. A proposal is never
// raised: when everything fits (and no quota or strict pool binds), nothing changes. Tenants
// confined to a dedicated pool (TenantPolicy::pool) are arbitrated with that pool's tenants only,
// over its capacity.
//
// A cut may go below the workload's current replicas: that is how borrowed capacity is
// reclaimed; never below what the tenant's guarantee covers.
//
// Ownership: owns its options. Thread safety: Arbitrate() is const and calls the providers;
// they must be safe to call from the engine's thread.
#ifndef CRESCENDO_ENGINE_TENANT_ARBITER_H_
#define CRESCENDO_ENGINE_TENANT_ARBITER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/engine/engine.h"
#include "crescendo/model/resources.h"
#include "crescendo/tenancy/arbitration.h"

namespace crescendo {

// What one tenant is entitled to (from the configuration's tenants and tiers).
struct TenantPolicy {
  std::string tier;
  int32_t tier_priority = 0;  // higher wins ties between equal weighted shares
  double weight = 1.0;        // > 0
  Resources guarantee;
  tenancy::Quota quota;
  // The dedicated capacity (a key of TenantArbiterOptions::pools) the tenant is confined to, as
  // a node pool per tenant or tier with node affinity and taints; empty: the shared capacity.
  std::string pool;
};

// What the arbiter needs to know of one workload.
struct WorkloadShape {
  Resources per_replica;  // the pod's requests (a vertical proposal's pod_requests wins)
  int32_t priority = 0;   // the service's priority within its tenant
};

struct TenantArbiterOptions {
  tenancy::Isolation isolation = tenancy::Isolation::kSoft;
  std::map<std::string, TenantPolicy> tenants;  // by tenant name
  TenantPolicy default_policy;                  // for tenants not in `tenants` (e.g. "shared")
  // The capacity the arbitrated workloads share now, e.g. the node pool's allocatable at its
  // maximum size less what unmanaged pods hold. REQUIRES: non-null.
  std::function<Resources()> capacity;
  // The shape of a workload; nullopt leaves it out of arbitration (its proposal passes).
  // REQUIRES: non-null.
  std::function<std::optional<WorkloadShape>(const WorkloadId&)> shape;
  // Dedicated capacities by name (strict isolation on the cluster side: a node pool per tenant or
  // tier). The tenants whose policy names a pool are arbitrated among themselves over that
  // pool's capacity, in a separate tenancy::Arbitrate() call; the others share `capacity`.
  std::map<std::string, Resources> pools;
  // Optional: called after every arbitration (one per pool, then the shared capacity, each
  // tick) with what was arbitrated and the result, e.g. to report shares over time.
  std::function<void(const tenancy::ArbitrationInput&, const tenancy::ArbitrationResult&)> observe;
};

class TenantArbiter : public Arbiter {
 public:
  // Errors: InvalidArgument when a provider is missing or a policy's weight is not > 0, or an
  // amount is negative (naming the tenant), or a policy names a pool not in `pools`.
  static StatusOr<std::unique_ptr<TenantArbiter>> Create(TenantArbiterOptions options);

  void Arbitrate(const std::vector<const WorkloadConfig*>& workloads,
                 std::vector<Proposal*>& proposals, Timestamp now) const override;

 private:
  explicit TenantArbiter(TenantArbiterOptions options) : options_(std::move(options)) {}
  const TenantPolicy& PolicyOf(const std::string& tenant) const;

  TenantArbiterOptions options_;
};

}  // namespace crescendo

#endif  // CRESCENDO_ENGINE_TENANT_ARBITER_H_
