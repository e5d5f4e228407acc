// Tenant arbitration: who gets how many replicas when the tenants' demands exceed capacity.
//
// One call, Arbitrate(input), is pure: values in, values out, no clock, no randomness. The order
// (docs/tenancy.md has the worked example):
//
//   1. guarantees  each tenant, in its own service order, gets whole replicas while what it holds
//                  fits in its guarantee (both CPU and memory) and in its demand. A guarantee that
//                  names one resource only guarantees the same fraction of the other (2 of 64
//                  CPUs: also 1/32 of the memory). Guarantees that add up to more than the
//                  capacity are scaled down by one factor per resource.
//   2. fair share  weighted Dominant Resource Fairness (Ghodsi et al., "Dominant Resource
//                  Fairness: Fair Allocation of Multiple Resource Types", NSDI 2011, section 4 and
//                  the weighted variant of section 5.1) by progressive filling at whole-replica
//                  granularity: the next replica goes to the tenant with the lowest weighted
//                  dominant share (dominant share / weight) whose next replica still fits; equal
//                  shares go to the higher tier priority, then to the name that sorts first. A
//                  replica that does not fit never fits later (capacity only shrinks), so its
//                  service is "blocked" and the tenant moves on to its next service; filling
//                  ends when no tenant has a replica that fits. No usable capacity is left idle.
//   3. within a tenant, services are served by priority (higher first, then by name): first
//                  every service's min_replicas, then the rest of each service's demand.
//
// Isolation (TENANT_ISOLATION) changes the rules:
//   strict  every tenant is confined to its dedicated pool: its guarantee plus its weighted part
//           of the capacity no guarantee reserves (weight / sum of all weights). Quotas are
//           enforced; a pool's idle capacity stays idle (no borrowing). Steps 1-2 do not apply.
//   soft    shared capacity: guarantees first, then weighted DRF; quotas are enforced. A tenant
//           above its entitlement (the same pool as in strict) is borrowing; when others need
//           that capacity the fair-share step takes it back first (reclaim), never below a
//           guarantee.
//   none    one shared pool without tenant isolation: no guarantees, no quotas; weighted DRF
//           alone.
//
// Every service that gets fewer replicas than it asked for has one Cut; ExplainCut() names the
// tenant, its dominant share against its entitlement, and why (capacity, quota, dedicated pool;
// reclaimed when the tenant was borrowing and had more replicas before).
//
// Units: CPU in millicores, memory in bytes; shares are fractions of the capacity (0..1).
// Complexity: O(R + (T + S) log T) for R replicas handed out, T tenants and S services.
// Thread safety: pure functions over values.
#ifndef CRESCENDO_TENANCY_ARBITRATION_H_
#define CRESCENDO_TENANCY_ARBITRATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/model/resources.h"

namespace crescendo::tenancy {

enum class Isolation { kStrict, kSoft, kNone };

// Returns "strict", "soft" or "none".
std::string_view IsolationName(Isolation isolation);
// Parses the names IsolationName returns; nullopt for anything else.
std::optional<Isolation> ParseIsolation(std::string_view text);

// A tenant's caps over all of its services. Unset: no cap.
struct Quota {
  std::optional<int64_t> cpu_millis;
  std::optional<int64_t> memory_bytes;
  std::optional<int32_t> max_replicas;
};

// What one service of a tenant asks for.
struct ServiceDemand {
  std::string service;
  Resources per_replica;                    // requests of one replica
  int32_t replicas = 0;                     // desired replicas
  int32_t min_replicas = 0;                 // served before any service's extra replicas
  int32_t priority = 0;                     // higher first within the tenant
  std::optional<int32_t> current_replicas;  // what runs now, to tell reclaims from cuts
};

struct TenantRequest {
  std::string name;
  std::string tier;
  int32_t tier_priority = 0;  // higher wins ties between equal weighted shares
  double weight = 1.0;        // > 0
  Resources guarantee;        // zero: none
  Quota quota;
  std::vector<ServiceDemand> demands;
};

struct ArbitrationInput {
  Resources capacity;
  Isolation isolation = Isolation::kSoft;
  std::vector<TenantRequest> tenants;
};

enum class CutCause {
  kCapacity,  // the shared capacity ran out at this tenant's fair share
  kQuota,     // the tenant's quota (cpu, memory or replicas) is reached
  kPool,      // strict: the tenant's dedicated pool is full
};

// The limit a cut ran into.
enum class Limit { kCpu, kMemory, kReplicas };

// A service that got fewer replicas than it asked for; ExplainCut() says it in words.
struct Cut {
  size_t tenant = 0;   // index in ArbitrationInput::tenants
  size_t service = 0;  // index in that tenant's demands
  int32_t demanded = 0;
  int32_t allocated = 0;
  CutCause cause = CutCause::kCapacity;
  Limit limit = Limit::kCpu;
  int64_t limit_value = 0;  // of the limit: millicores, bytes or replicas
  bool reclaimed = false;   // the tenant was borrowing and this service had more replicas before
};

struct TenantAllocation {
  Resources allocated;
  int32_t replicas = 0;
  double dominant_share = 0;     // max over cpu, memory of allocated / capacity
  Resources entitlement;         // guarantee + weighted part of the unreserved capacity
  double entitlement_share = 0;  // dominant share of the entitlement
  Resources guarantee;           // the guarantee applied (completed, scaled; zero in none)
  bool borrowing = false;        // soft: holds more than its entitlement in some resource
  // soft, none: the capacity still free when the fair-share step stopped serving this tenant
  // (its last waiting service no longer fit). Every replica another tenant got while this one
  // still waited went to a tenant whose weighted dominant share was no higher than this one's;
  // what others got after it stopped came out of this fragment. Zero in strict.
  Resources free_at_stop;
};

struct ArbitrationResult {
  std::vector<std::vector<int32_t>> replicas;  // [tenant][service], parallel to the input
  std::vector<TenantAllocation> tenants;       // parallel to the input
  std::vector<Cut> cuts;                       // in tenant, then service order
  Resources used;
  // Jain's fairness index (Jain, Chiu, Hawe, DEC-TR-301, 1984) over the weighted dominant shares
  // (dominant share / weight) of the tenants that asked for something; 1 when none did.
  double jain_index = 1.0;
};

// Checks `input`: capacity and every amount >= 0, weight > 0 and finite, names unique and
// non-empty, 0 <= min_replicas <= replicas, quotas >= 0. Errors: InvalidArgument naming the field
// path ("tenants[1].demands[0].replicas") with what was found and what was expected.
Status Validate(const ArbitrationInput& input);

// Arbitrates `input` (see the top of this file). Errors: those of Validate().
StatusOr<ArbitrationResult> Arbitrate(const ArbitrationInput& input);

// Returns the trace reason of `cut` in `result` of `input`: tenant, tier, its dominant share
// against its entitlement and weight, why, and how many replicas of how many, e.g.
// "tenant acme (free) dominant share 0.412 against entitlement 0.250, weight 1: cluster cpu 64
// exhausted; 3 of 8 replicas". Formatted on demand, so arbitration itself stays cheap.
std::string ExplainCut(const ArbitrationInput& input, const ArbitrationResult& result,
                       const Cut& cut);

// Returns Jain's index (sum x)^2 / (n * sum x^2) of `values`; 1 when empty or all zero.
double JainIndex(const std::vector<double>& values);

// Returns millicores as a Kubernetes quantity ("500m", "64").
std::string CpuText(int64_t millis);
// Returns bytes as a Kubernetes quantity: binary ("512Mi") when a whole number of Mi, else
// decimal ("18G").
std::string MemoryText(int64_t bytes);

// Returns max(cpu share, memory share) of `amount` in `capacity`; a resource with zero capacity
// counts only when `amount` needs it (share 1 then).
double DominantShare(const Resources& amount, const Resources& capacity);

}  // namespace crescendo::tenancy

#endif  // CRESCENDO_TENANCY_ARBITRATION_H_
