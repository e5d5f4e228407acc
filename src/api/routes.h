// The API's routes: one table read by the server (to match and authorize requests) and by the
// OpenAPI generator (to describe them), so the document cannot drift from the server.
#ifndef CRESCENDO_API_ROUTES_H_
#define CRESCENDO_API_ROUTES_H_

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/security/rbac.h"

namespace crescendo::api {

// Whose grant an endpoint needs.
enum class Scope {
  kPublic,      // no token (health, metrics, the OpenAPI document)
  kAnyToken,    // any valid token; the answer is filtered to what it may see
  kGlobal,      // a global grant of the route's role
  kTenant,      // a grant of the route's role on the {tenant} of the path, or a global one
  kChange,      // a configuration change: operator on every tenant it affects, admin when it
                // affects anything global (decided after decoding the change)
  kSimulation,  // a grant of the route's role on the simulation's tenant (a global one when it
                // names none), decided after decoding the request or finding the run
};

struct Route {
  std::string method;
  std::string path;  // "/api/v1/tenants/{tenant}/services"; {name} matches one segment
  std::string operation_id;
  std::string summary;
  Scope scope;
  security::Role role;
  int success;                     // 200 or 201
  std::vector<int> errors;         // the error statuses it may answer
  std::string request_schema;      // a key of Schemas(), or empty
  std::string response_schema;     // a key of Schemas()
  std::vector<std::string> query;  // accepted query parameters (integers)
};

std::span<const Route> Routes();

// Matches `method` and `path` against the table: the route and the path's {name} values.
// Returns null when no route has this path; *path_known tells a wrong method (405) from an
// unknown path (404).
const Route* MatchRoute(std::string_view method, std::string_view path,
                        std::map<std::string, std::string>* params, bool* path_known);

}  // namespace crescendo::api

#endif  // CRESCENDO_API_ROUTES_H_
