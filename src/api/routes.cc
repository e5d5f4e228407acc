#include "api/routes.h"

namespace crescendo::api {
namespace {

using security::Role;

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::span<const Route> Routes() {
  static const std::vector<Route> kRoutes = {
      {"GET",
       "/healthz",
       "health",
       "Liveness: the process serves requests",
       Scope::kPublic,
       Role::kViewer,
       200,
       {},
       "",
       "Status",
       {}},
      {"GET",
       "/readyz",
       "ready",
       "Readiness: the store answers and the engine ticks (503 otherwise)",
       Scope::kPublic,
       Role::kViewer,
       200,
       {503},
       "",
       "Status",
       {}},
      {"GET",
       "/metrics",
       "metrics",
       "Crescendo's own metrics, Prometheus text format",
       Scope::kPublic,
       Role::kViewer,
       200,
       {},
       "",
       "Text",
       {}},
      {"GET",
       "/openapi.json",
       "openapi",
       "This document",
       Scope::kPublic,
       Role::kViewer,
       200,
       {},
       "",
       "Object",
       {}},
      {"GET",
       "/",
       "dashboard",
       "The live dashboard (HTML; it reads /api/v1/events with the token the user gives it)",
       Scope::kPublic,
       Role::kViewer,
       200,
       {},
       "",
       "Text",
       {}},
      {"GET",
       "/api/v1/events",
       "events",
       "Server-sent events (text/event-stream), one stream per connection: a `snapshot` event "
       "(`id` = the tick) of what the token may see (its tenants' services, replicas, load, "
       "forecast, pod size, decisions with their traces, SLA and cost; the audit log for a global "
       "admin) at once, then one for every newly recorded tick, and a `: keepalive` comment "
       "after 15 s without an event. With `after` (or a Last-Event-ID header) the first event "
       "waits for a tick newer than it (one ahead of the newest tick gets the newest at once); "
       "`limit` (1..1000) ends the stream after that many "
       "snapshots; the server ends every stream after 10 minutes or when it shuts down, and the "
       "client reconnects after `retry` milliseconds with Last-Event-ID. 503 when the store does "
       "not answer or 16 streams are already open",
       Scope::kAnyToken,
       Role::kViewer,
       200,
       {400, 401, 429, 503},
       "",
       "Text",
       {"after", "limit"}},
      {"GET",
       "/api/v1/whoami",
       "whoami",
       "The calling token and its grants",
       Scope::kAnyToken,
       Role::kViewer,
       200,
       {401, 429, 503},
       "",
       "Identity",
       {}},
      {"GET",
       "/api/v1/config",
       "getConfig",
       "The newest configuration version: its files and the services it defines",
       Scope::kGlobal,
       Role::kViewer,
       200,
       {401, 403, 404, 429, 503},
       "",
       "Config",
       {}},
      {"PUT",
       "/api/v1/config",
       "changeConfig",
       "Replace, add or remove configuration files; validated as `crescendo config validate` "
       "does, stored as a new version only when valid",
       Scope::kChange,
       Role::kOperator,
       201,
       {400, 401, 403, 409, 413, 429, 503},
       "ConfigChange",
       "VersionCreated",
       {"dry_run"}},
      {"GET",
       "/api/v1/config/versions",
       "listConfigVersions",
       "Every configuration version: who, when, why and its diff",
       Scope::kGlobal,
       Role::kViewer,
       200,
       {401, 403, 429, 503},
       "",
       "VersionList",
       {}},
      {"GET",
       "/api/v1/config/versions/{version}",
       "getConfigVersion",
       "One configuration version with its files",
       Scope::kGlobal,
       Role::kViewer,
       200,
       {400, 401, 403, 404, 429, 503},
       "",
       "Config",
       {}},
      {"POST",
       "/api/v1/config/rollback",
       "rollbackConfig",
       "Store an earlier version's files as a new version",
       Scope::kChange,
       Role::kOperator,
       201,
       {400, 401, 403, 404, 409, 413, 429, 503},
       "Rollback",
       "VersionCreated",
       {}},
      {"GET",
       "/api/v1/tenants",
       "listTenants",
       "The tenants the token may see",
       Scope::kAnyToken,
       Role::kViewer,
       200,
       {401, 429, 503},
       "",
       "TenantList",
       {}},
      {"GET",
       "/api/v1/tenants/{tenant}",
       "getTenant",
       "One tenant",
       Scope::kTenant,
       Role::kViewer,
       200,
       {400, 401, 403, 404, 429, 503},
       "",
       "Tenant",
       {}},
      {"GET",
       "/api/v1/tenants/{tenant}/services",
       "listServices",
       "The tenant's services in the served environment, with their latest decision",
       Scope::kTenant,
       Role::kViewer,
       200,
       {400, 401, 403, 404, 429, 503},
       "",
       "ServiceList",
       {}},
      {"GET",
       "/api/v1/tenants/{tenant}/services/{service}/decisions",
       "listDecisions",
       "The service's newest decisions, each with its trace (newest first)",
       Scope::kTenant,
       Role::kViewer,
       200,
       {400, 401, 403, 404, 429, 503},
       "",
       "DecisionList",
       {"limit"}},
      {"GET",
       "/api/v1/tenants/{tenant}/services/{service}/recommendations",
       "getRecommendations",
       "The engine's latest horizontal and vertical recommendation for the service: what it "
       "would do, why (the traces), whether it was applied, and per container the vertical "
       "target",
       Scope::kTenant,
       Role::kViewer,
       200,
       {400, 401, 403, 404, 429, 503},
       "",
       "Recommendation",
       {}},
      {"POST",
       "/api/v1/simulations",
       "startSimulation",
       "Start a what-if simulation in the background: a scenario, or the current configuration "
       "with a proposed change, through the strategies given (as `crescendo simulate` runs "
       "them); 429 when too many run",
       Scope::kSimulation,
       Role::kOperator,
       201,
       {400, 401, 403, 404, 413, 429, 503},
       "SimulationRequest",
       "Simulation",
       {}},
      {"GET",
       "/api/v1/simulations",
       "listSimulations",
       "The stored simulations the caller may see, newest first (without their reports)",
       Scope::kAnyToken,
       Role::kViewer,
       200,
       {401, 429, 503},
       "",
       "SimulationList",
       {}},
      {"GET",
       "/api/v1/simulations/{simulation}",
       "getSimulation",
       "A simulation's status and, once done, its report (the JSON of `crescendo simulate "
       "--json`)",
       Scope::kSimulation,
       Role::kViewer,
       200,
       {400, 401, 403, 404, 429, 503},
       "",
       "Simulation",
       {}},
      {"GET",
       "/api/v1/tenants/{tenant}/metrics",
       "listSensitiveMetrics",
       "The tenant's sensitive metric samples, decrypted for the caller (newest first)",
       Scope::kTenant,
       Role::kViewer,
       200,
       {400, 401, 403, 404, 429, 503},
       "",
       "MetricList",
       {"limit"}},
      {"GET",
       "/api/v1/audit",
       "listAudit",
       "Audit log entries after a sequence number",
       Scope::kGlobal,
       Role::kAdmin,
       200,
       {400, 401, 403, 429, 503},
       "",
       "AuditList",
       {"after", "limit"}},
      {"POST",
       "/api/v1/retention",
       "applyRetention",
       "Delete decisions and metric samples older than older_than_seconds before the newest "
       "tick (simulated time), or before before_unix_seconds; with dry_run=1, count them per "
       "workload and tenant instead",
       Scope::kGlobal,
       Role::kAdmin,
       200,
       {400, 401, 403, 404, 429, 503},
       "",
       "Object",
       {"older_than_seconds", "before_unix_seconds", "dry_run"}},
      {"GET",
       "/api/v1/audit/verify",
       "verifyAudit",
       "Check the audit chain; name the first altered, removed or reordered entry",
       Scope::kGlobal,
       Role::kAdmin,
       200,
       {401, 403, 429, 503},
       "",
       "AuditVerification",
       {}},
  };
  return kRoutes;
}

const Route* MatchRoute(std::string_view method, std::string_view path,
                        std::map<std::string, std::string>* params, bool* path_known) {
  *path_known = false;
  if (path.empty() || path.front() != '/') return nullptr;
  const std::vector<std::string_view> got = Segments(path);
  for (const Route& r : Routes()) {
    const std::vector<std::string_view> want = Segments(r.path);
    if (want.size() != got.size()) continue;
    std::map<std::string, std::string> found;
    bool match = true;
    for (size_t i = 0; i < want.size() && match; ++i) {
      if (want[i].starts_with('{')) {
        found[std::string(want[i].substr(1, want[i].size() - 2))] = std::string(got[i]);
      } else {
        match = want[i] == got[i];
      }
    }
    if (!match) continue;
    *path_known = true;
    if (r.method != method) continue;
    *params = std::move(found);
    return &r;
  }
  return nullptr;
}

}  // namespace crescendo::api
