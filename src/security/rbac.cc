#include "crescendo/security/rbac.h"

#include <nlohmann/json.hpp>

namespace crescendo::security {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kOperator:
      return "operator";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kViewer, Role::kOperator, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

StatusOr<Grant> ParseGrant(std::string_view text) {
  const size_t colon = text.find(':');
  std::string_view role_text = text.substr(0, colon);
  std::optional<Role> role = ParseRole(role_text);
  std::string tenant = colon == std::string_view::npos ? std::string(kAllTenants)
                                                       : std::string(text.substr(colon + 1));
  if (!role || tenant.empty()) {
    return InvalidArgumentError("grant \"" + std::string(text) +
                                "\": expected ROLE or ROLE:TENANT with ROLE one of viewer, "
                                "operator, admin");
  }
  return Grant{*role, tenant};
}

std::string GrantsToJson(const std::vector<Grant>& grants) {
  nlohmann::json out = nlohmann::json::array();
  for (const Grant& g : grants) out.push_back({{"role", RoleName(g.role)}, {"tenant", g.tenant}});
  return out.dump();
}

StatusOr<std::vector<Grant>> GrantsFromJson(std::string_view json) {
  nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return InvalidArgumentError("grants: expected a JSON array");
  std::vector<Grant> grants;
  for (const nlohmann::json& g : parsed) {
    std::optional<Role> role = g.is_object() && g.contains("role") && g["role"].is_string()
                                   ? ParseRole(g["role"].get<std::string>())
                                   : std::nullopt;
    if (!role || !g.contains("tenant") || !g["tenant"].is_string()) {
      return InvalidArgumentError(
          "grants: expected {\"role\": viewer|operator|admin, "
          "\"tenant\": NAME or \"*\"}, found " +
          g.dump());
    }
    grants.push_back({*role, g["tenant"].get<std::string>()});
  }
  return grants;
}

bool Allows(const std::vector<Grant>& grants, Role role, std::string_view tenant) {
  for (const Grant& g : grants) {
    if (g.role < role) continue;
    if (g.tenant == kAllTenants || (!tenant.empty() && g.tenant == tenant)) return true;
  }
  return false;
}

}  // namespace crescendo::security
