// Role-based access: roles viewer < operator < admin, each granted globally ("*") or for one
// tenant.
//
//   viewer    reads what its scope covers;
//   operator  also changes the services (configuration) of its tenants;
//   admin     also everything global: the configuration of the platform, rollback, the audit
//             log, tokens and keys.
// A tenant's grant never reaches another tenant nor anything global.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SECURITY_RBAC_H_
#define CRESCENDO_SECURITY_RBAC_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"

namespace crescendo::security {

enum class Role { kViewer = 1, kOperator = 2, kAdmin = 3 };

// The tenant of a global grant.
inline constexpr std::string_view kAllTenants = "*";

struct Grant {
  Role role = Role::kViewer;
  std::string tenant;  // a tenant name or kAllTenants
  friend bool operator==(const Grant&, const Grant&) = default;
};

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

// Parses "ROLE" (global) or "ROLE:TENANT", e.g. "operator:harmonia". Errors: InvalidArgument
// naming the text and the roles expected.
StatusOr<Grant> ParseGrant(std::string_view text);

// Returns the grants as JSON text [{"role":"viewer","tenant":"*"}, ...] and back. Errors:
// InvalidArgument for malformed JSON or an unknown role.
std::string GrantsToJson(const std::vector<Grant>& grants);
StatusOr<std::vector<Grant>> GrantsFromJson(std::string_view json);

// True when `grants` allow `role` on `tenant`; an empty tenant means a global action, which only
// a global grant allows.
bool Allows(const std::vector<Grant>& grants, Role role, std::string_view tenant);

}  // namespace crescendo::security

#endif  // CRESCENDO_SECURITY_RBAC_H_
