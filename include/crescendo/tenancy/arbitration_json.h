// The JSON form of one arbitration, as `crescendo tenants arbitrate` reads and writes it.
//
// Input (docs/tenancy.md):
//   {"capacity": {"cpu": "9", "memory": "18Gi"},
//    "isolation": "soft",                       // optional: strict | soft (default) | none
//    "tiers": {"free": 100, "premium": 600},    // optional: tier -> priority (higher first)
//    "tenants": [{"name": "A", "tier": "free", "weight": 1,
//                 "guarantee": {"cpu": "2", "memory": "4Gi"},               // optional
//                 "quota": {"cpu": "8", "memory": "16Gi", "replicas": 12},  // optional
//                 "demands": [{"service": "api", "per_replica": {"cpu": "1", "memory": "4Gi"},
//                              "replicas": 5, "min_replicas": 1,
//                              "priority": 0, "current_replicas": 4}]}]}   // last two optional
// CPU and memory are Kubernetes quantities, as strings or numbers (cores, bytes). Without a
// "tiers" object the priorities of examples/config/tiers.yaml apply (free 100, family 400,
// premium 600, enterprise 900) plus internal 1000 (the platform's own services, which every
// tenant depends on).
//
// Output: {"allocations": [{"tenant", "service", "replicas"}...], "dominant_shares": {tenant:
// share}, "jain_index": J, "cuts": [{"tenant", "service", "demanded", "replicas", "cause",
// "reclaimed", "reason"}...], "tenants": [{"name", "tier", "weight", "dominant_share",
// "entitlement_share", "borrowing", "cpu", "memory", "replicas"}...], "isolation": mode}.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_TENANCY_ARBITRATION_JSON_H_
#define CRESCENDO_TENANCY_ARBITRATION_JSON_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "crescendo/base/status.h"
#include "crescendo/tenancy/arbitration.h"

namespace crescendo::tenancy {

// Parses the input document `text` read from `file` and validates it (Validate()).
// Errors: InvalidArgument "<file>: line L, column C: ..." for malformed JSON, and
// "<file>: <field path>: found X, expected Y" for a missing, unknown or ill-typed field, a bad
// quantity, an unknown tier or isolation, or a value Validate() rejects.
StatusOr<ArbitrationInput> ParseArbitrationJson(std::string_view text, std::string_view file);

// Returns the output document of `result` for `input`.
nlohmann::json ArbitrationToJson(const ArbitrationInput& input, const ArbitrationResult& result);

}  // namespace crescendo::tenancy

#endif  // CRESCENDO_TENANCY_ARBITRATION_JSON_H_
