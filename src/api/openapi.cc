// The OpenAPI 3 document, generated from the route table (routes.cc) and the schemas below.
#include "api/routes.h"
#include "crescendo/api/control_plane.h"

namespace crescendo::api {
namespace {

using Json = nlohmann::json;

Json Obj(std::vector<std::string> required, Json properties) {
  return {{"type", "object"}, {"required", std::move(required)}, {"properties", properties}};
}
Json Arr(const std::string& item) {
  return {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/" + item}}}};
}
const Json kStr = {{"type", "string"}};
const Json kInt = {{"type", "integer"}};
const Json kBool = {{"type", "boolean"}};

Json Schemas() {
  Json s;
  s["Error"] = Obj({"code", "message", "field"},
                   {{"code", kStr},
                    {"message", kStr},
                    {"field", kStr},
                    {"diagnostics", {{"type", "array"}, {"items", {{"type", "object"}}}}}});
  s["Status"] = Obj({"status"}, {{"status", kStr}, {"checks", {{"type", "object"}}}});
  s["Text"] = kStr;
  s["Object"] = {{"type", "object"}};
  s["Grant"] = Obj({"role", "tenant"},
                   {{"role", {{"type", "string"}, {"enum", {"viewer", "operator", "admin"}}}},
                    {"tenant", kStr}});
  s["Identity"] =
      Obj({"token", "name", "grants"}, {{"token", kStr}, {"name", kStr}, {"grants", Arr("Grant")}});
  s["Config"] = Obj({"version", "author", "time", "message", "files", "services"},
                    {{"version", kInt},
                     {"author", kStr},
                     {"time", kStr},
                     {"message", kStr},
                     {"diff", kStr},
                     {"files", {{"type", "object"}, {"additionalProperties", kStr}}},
                     {"services", {{"type", "array"}, {"items", kStr}}}});
  s["ConfigChange"] = Obj(
      {"base_version", "files"},
      {{"base_version", kInt},
       {"message", kStr},
       {"files",
        {{"type", "object"}, {"additionalProperties", {{"type", "string"}, {"nullable", true}}}}}});
  s["ConfigChange"]["additionalProperties"] = false;
  s["Rollback"] = Obj({"version", "base_version"},
                      {{"version", kInt}, {"base_version", kInt}, {"message", kStr}});
  s["Rollback"]["additionalProperties"] = false;
  s["VersionCreated"] =
      Obj({"version", "diff", "tenants"},
          {{"version", kInt}, {"diff", kStr}, {"tenants", {{"type", "array"}, {"items", kStr}}}});
  s["Version"] =
      Obj({"version", "author", "time", "message", "diff"},
          {{"version", kInt}, {"author", kStr}, {"time", kStr}, {"message", kStr}, {"diff", kStr}});
  s["VersionList"] = Obj({"versions"}, {{"versions", Arr("Version")}});
  s["Tenant"] = Obj({"name", "display_name", "tier"},
                    {{"name", kStr}, {"display_name", kStr}, {"tier", kStr}});
  s["TenantList"] = Obj({"tenants"}, {{"tenants", Arr("Tenant")}});
  s["Service"] = Obj({"service", "id", "mode", "min_replicas", "max_replicas"},
                     {{"service", kStr},
                      {"id", kStr},
                      {"mode", kStr},
                      {"min_replicas", kInt},
                      {"max_replicas", kInt},
                      {"last_decision", {{"$ref", "#/components/schemas/Decision"}}}});
  s["ServiceList"] = Obj({"services"}, {{"services", Arr("Service")}});
  s["Decision"] =
      Obj({"tick", "time", "current_replicas", "desired_replicas", "applied", "status", "trace"},
          {{"tick", kInt},
           {"time", kStr},
           {"current_replicas", kInt},
           {"desired_replicas", kInt},
           {"applied", kBool},
           {"status", kStr},
           {"trace", {{"type", "array"}, {"items", {{"type", "object"}}}}}});
  s["DecisionList"] = Obj({"decisions"}, {{"decisions", Arr("Decision")}});
  s["Metric"] = Obj({"workload", "metric", "time", "value"},
                    {{"workload", kStr}, {"metric", kStr}, {"time", kStr}, {"value", kStr}});
  s["MetricList"] = Obj({"metrics"}, {{"metrics", Arr("Metric")}});
  const Json amounts = {{"type", "object"},
                        {"properties", {{"cpu_millis", kInt}, {"memory_bytes", kInt}}}};
  s["ContainerTarget"] = Obj(
      {"name"},
      {{"name", kStr},
       {"target", amounts},
       {"lowerBound", amounts},
       {"upperBound", amounts},
       {"template", Obj({"requests", "limits"}, {{"requests", amounts}, {"limits", amounts}})}});
  const Json trace = {{"type", "array"}, {"items", {{"type", "object"}}}};
  s["Recommendation"] = Obj(
      {"service", "id", "tick", "time", "horizontal"},
      {{"service", kStr},
       {"id", kStr},
       {"tick", kInt},
       {"time", kStr},
       {"horizontal", Obj({"current_replicas", "desired_replicas", "applied", "status", "trace"},
                          {{"current_replicas", kInt},
                           {"desired_replicas", kInt},
                           {"applied", kBool},
                           {"status", kStr},
                           {"trace", trace}})},
       {"vertical", Obj({"applied", "update", "containers", "pods", "trace"},
                        {{"applied", kBool},
                         {"update", kStr},
                         {"containers", Arr("ContainerTarget")},
                         {"containers_tick", kInt},
                         {"pods", {{"type", "array"}, {"items", kStr}}},
                         {"trace", trace}})}});
  s["Recommendation"]["properties"]["vertical"]["nullable"] = true;
  s["SimulationRequest"] = Obj(
      {"scenario", "strategies", "duration_seconds"},
      {{"scenario", kStr},
       {"tenant", kStr},
       {"files",
        {{"type", "object"}, {"additionalProperties", {{"type", "string"}, {"nullable", true}}}}},
       {"strategies", {{"type", "array"}, {"items", kStr}}},
       {"duration_seconds", kInt},
       {"seed", kInt}});
  s["SimulationRequest"]["additionalProperties"] = false;
  s["Simulation"] =
      Obj({"id", "state", "scenario", "tenant", "strategies", "duration_seconds", "seed",
           "requested_by", "created"},
          {{"id", kStr},
           {"state", {{"type", "string"}, {"enum", {"running", "done", "failed", "cancelled"}}}},
           {"scenario", kStr},
           {"tenant", kStr},
           {"strategies", {{"type", "array"}, {"items", kStr}}},
           {"duration_seconds", kInt},
           {"seed", kInt},
           {"requested_by", kStr},
           {"created", kStr},
           {"finished", kStr},
           {"error", kStr},
           {"report", {{"type", "object"}}}});
  s["SimulationList"] = Obj({"simulations"}, {{"simulations", Arr("Simulation")}});
  s["AuditEntry"] = Obj({"seq", "time", "actor", "action", "target", "tenant", "outcome", "detail",
                         "prev_hash", "hash"},
                        {{"seq", kInt},
                         {"time", kStr},
                         {"actor", kStr},
                         {"action", kStr},
                         {"target", kStr},
                         {"tenant", kStr},
                         {"outcome", kStr},
                         {"detail", {{"type", "object"}}},
                         {"prev_hash", kStr},
                         {"hash", kStr}});
  s["AuditList"] = Obj({"entries"}, {{"entries", Arr("AuditEntry")}});
  s["AuditVerification"] =
      Obj({"ok", "entries"},
          {{"ok", kBool}, {"entries", kInt}, {"seq", kInt}, {"problem", kStr}, {"message", kStr}});
  return s;
}

std::string ScopeText(const Route& r) {
  std::string role(security::RoleName(r.role));
  switch (r.scope) {
    case Scope::kPublic:
      return "No token.";
    case Scope::kAnyToken:
      return "Any valid token; the answer holds only what it may see.";
    case Scope::kGlobal:
      return "A global " + role + " grant.";
    case Scope::kTenant:
      return "A " + role + " grant on {tenant}, or a global one.";
    case Scope::kChange:
      return "operator on every tenant the change affects; admin when it affects anything "
             "global.";
    case Scope::kSimulation:
      return "A " + role + " grant on the simulation's tenant, or a global one (a global " + role +
             " grant when it names no tenant).";
  }
  return "";
}

std::string Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 400:
      return "Malformed request or invalid configuration";
    case 401:
      return "Missing, malformed, unknown or revoked token";
    case 403:
      return "The token's roles do not allow this";
    case 404:
      return "No such object";
    case 429:
      return "Rate limit of the token exceeded, or too many simulations running";
    case 409:
      return "The change was made against a stale configuration version";
    case 413:
      return "Body too large";
    case 503:
      return "The store or the engine is not available";
  }
  return "";
}

Json Build() {
  Json paths = Json::object();
  for (const Route& r : Routes()) {
    Json op = {{"operationId", r.operation_id},
               {"summary", r.summary},
               {"description", ScopeText(r)},
               {"responses", Json::object()}};
    Json ok_content;
    if (r.response_schema == "Text") {
      ok_content = {{"text/plain", {{"schema", kStr}}}};
    } else {
      ok_content = {{"application/json",
                     {{"schema", {{"$ref", "#/components/schemas/" + r.response_schema}}}}}};
    }
    op["responses"][std::to_string(r.success)] = {{"description", Reason(r.success)},
                                                  {"content", ok_content}};
    for (int e : r.errors) {
      op["responses"][std::to_string(e)] = {
          {"description", Reason(e)},
          {"content",
           {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    }
    Json parameters = Json::array();
    for (size_t at = r.path.find('{'); at != std::string::npos; at = r.path.find('{', at + 1)) {
      std::string name = r.path.substr(at + 1, r.path.find('}', at) - at - 1);
      parameters.push_back({{"name", name},
                            {"in", "path"},
                            {"required", true},
                            {"schema", name == "version" ? kInt : kStr}});
    }
    for (const std::string& q : r.query) {
      parameters.push_back({{"name", q}, {"in", "query"}, {"required", false}, {"schema", kInt}});
    }
    if (!parameters.empty()) op["parameters"] = parameters;
    if (!r.request_schema.empty()) {
      op["requestBody"] = {
          {"required", true},
          {"content",
           {{"application/json",
             {{"schema", {{"$ref", "#/components/schemas/" + r.request_schema}}}}}}}};
    }
    if (r.scope != Scope::kPublic) op["security"] = {{{"bearer", Json::array()}}};
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    paths[r.path][method] = op;
  }
  Json doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = {{"title", "Crescendo control plane"},
                 {"version", "1"},
                 {"description", "The API of `crescendo serve` (docs/control-plane.md)."}};
  doc["paths"] = paths;
  doc["components"]["schemas"] = Schemas();
  doc["components"]["securitySchemes"]["bearer"] = {
      {"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "crs_<id>_<secret>"}};
  // OpenAPI 3.0 has no mutual TLS scheme (3.1's "mutualTLS"): the bearer scheme says it.
  doc["components"]["securitySchemes"]["bearer"]["description"] =
      "A token of `crescendo token create`; or, without this header, a client certificate the "
      "server's --tls-client-ca verifies whose subject CN or an alternative name is bound to "
      "grants (`crescendo identity bind`)";
  return doc;
}

}  // namespace

const nlohmann::json& ControlPlane::OpenApi() {
  static const Json kDocument = Build();
  return kDocument;
}

}  // namespace crescendo::api
