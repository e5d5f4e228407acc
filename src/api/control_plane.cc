#include "crescendo/api/control_plane.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <prometheus/registry.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "api/dashboard_assets.h"
#include "api/request_decoding.h"
#include "api/routes.h"
#include "api/simulations.h"
#include "crescendo/api/metrics_exporter.h"
#include "crescendo/config/watcher.h"
#include "crescendo/security/rbac.h"
#include "crescendo/security/token.h"

namespace crescendo::api {
namespace {

using Json = nlohmann::json;
using security::Allows;
using security::Grant;
using security::Role;

constexpr int64_t kDefaultLimit = 50;
constexpr int64_t kMaxLimit = 1000;
constexpr int64_t kEventDecisions = 40;  // decisions per service in a dashboard snapshot
constexpr int64_t kEventAudit = 30;      // audit entries in a snapshot (global admins)
constexpr int kEventRetryMillis = 1000;
constexpr auto kEventPoll = std::chrono::milliseconds(100);

ApiResponse JsonResponse(int status, const Json& body) {
  return {status, "application/json", body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

ApiResponse Error(int status, std::string code, std::string message, std::string field = "") {
  return JsonResponse(status, {{"code", code}, {"message", message}, {"field", field}});
}

ApiResponse FromStatus(const Status& s, std::string field = "") {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      return Error(400, "invalid_argument", s.message(), field);
    case StatusCode::kUnauthenticated:
      return Error(401, "unauthenticated", s.message(), field);
    case StatusCode::kPermissionDenied:
      return Error(403, "permission_denied", s.message(), field);
    case StatusCode::kNotFound:
      return Error(404, "not_found", s.message(), field);
    case StatusCode::kAborted:
    case StatusCode::kAlreadyExists:
      return Error(409, "conflict", s.message(), field);
    case StatusCode::kResourceExhausted:
      return Error(429, "rate_limited", s.message(), field);
    case StatusCode::kUnavailable:
      return Error(503, "unavailable", s.message(), field);
    default:
      return Error(500, "internal", s.message(), field);
  }
}

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// Per-token token buckets: `rate` requests per second sustained, `burst` at once.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}
  bool Allow(const std::string& key, Timestamp now) {
    std::lock_guard lock(mu_);
    Bucket& b = buckets_.try_emplace(key, Bucket{burst_, now}).first->second;
    b.tokens = std::min(burst_, b.tokens + rate_ * ToSeconds(now - b.last));
    b.last = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

 private:
  struct Bucket {
    double tokens;
    Timestamp last;
  };
  std::mutex mu_;
  double rate_, burst_;
  std::map<std::string, Bucket> buckets_;
};

// Who called: a bearer token (its id) or a client certificate identity (its bound subject).
struct Caller {
  std::string token;
  std::string name;
  std::vector<Grant> grants;
  bool certificate = false;
  std::string Actor() const {
    return (certificate ? "certificate " : "token ") + token + " (" + name + ")";
  }
  std::string Key() const { return (certificate ? "certificate:" : "token:") + token; }
};

constexpr size_t kMaxCertificateNames = 16;
constexpr size_t kMaxSubjectBytes = 255;

// The 400 answer of a configuration that does not load: the validate report, the first error's
// location as the field, and every error located.
ApiResponse InvalidConfiguration(const config::LoadResult& result) {
  Json diagnostics = Json::array();
  std::string field;
  for (const config::Diagnostic& d : result.diagnostics) {
    if (d.severity != config::Severity::kError) continue;
    if (field.empty()) field = d.location.ToString() + " " + d.path;
    diagnostics.push_back({{"file", d.location.file},
                           {"line", d.location.line},
                           {"column", d.location.column},
                           {"path", d.path},
                           {"found", d.found},
                           {"expected", d.expected},
                           {"message", d.ToString()}});
  }
  return JsonResponse(400, {{"code", "invalid_configuration"},
                            {"message", result.Report()},
                            {"field", field},
                            {"diagnostics", diagnostics}});
}

// A configuration version with its validated Config.
struct Loaded {
  store::ConfigVersion version;
  std::shared_ptr<const config::Config> config;
};

// What a change touches: the tenants whose settings differ, and whether anything global does.
struct Affected {
  std::set<std::string> tenants;
  bool global = false;
};

using SettingMap = std::map<std::string, std::string>;

SettingMap Values(const std::vector<config::Setting>& settings) {
  SettingMap out;
  for (const config::Setting& s : settings) out[s.path] = s.value;
  return out;
}

Affected AffectedBy(const config::Config* before, const config::Config& after) {
  Affected a;
  if (before == nullptr) {
    a.global = true;
    return a;
  }
  SettingMap old_global = Values(before->settings), new_global = Values(after.settings);
  std::set<std::string> paths;
  for (const auto& [p, v] : old_global) paths.insert(p);
  for (const auto& [p, v] : new_global) paths.insert(p);
  for (const std::string& p : paths) {
    auto o = old_global.find(p);
    auto n = new_global.find(p);
    if (o != old_global.end() && n != new_global.end() && o->second == n->second) continue;
    if (p.starts_with("tenants.")) {
      a.tenants.insert(p.substr(8, p.find('.', 8) - 8));
    } else {
      a.global = true;
    }
  }
  std::map<std::string, std::pair<std::string, SettingMap>> services;
  for (const config::ServiceConfig& s : before->services) {
    services[s.id.ToString()] = {s.id.tenant, Values(s.settings)};
  }
  std::set<std::string> seen;
  for (const config::ServiceConfig& s : after.services) {
    const std::string id = s.id.ToString();
    seen.insert(id);
    auto it = services.find(id);
    if (it == services.end() || it->second.second != Values(s.settings))
      a.tenants.insert(s.id.tenant);
  }
  for (const auto& [id, entry] : services) {
    if (!seen.contains(id)) a.tenants.insert(entry.first);
  }
  return a;
}

Json TraceJson(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? Json(text) : j;
}

}  // namespace

struct ControlPlane::Impl {
  ControlPlaneOptions o;
  RateLimiter limiter;
  std::mutex mu;  // guards loaded, verified
  std::shared_ptr<const Loaded> loaded;
  std::map<std::string, std::string> verified;  // token id -> SHA-256 of its verified secret
  std::set<std::string> certified;              // subjects that logged in (audited once)
  SimulationRuns simulations;

  explicit Impl(ControlPlaneOptions options)
      : o(std::move(options)),
        limiter(o.rate_per_second, o.burst),
        simulations(o.max_running_simulations, o.max_stored_simulations, o.clock) {}

  Timestamp Now() const { return o.clock->Now(); }

  void Audit(std::string actor, std::string action, std::string target, std::string tenant,
             std::string outcome, const Json& detail) {
    store::AuditEntry e;
    e.time = Now();
    e.actor = std::move(actor);
    e.action = std::move(action);
    e.target = std::move(target);
    e.tenant = std::move(tenant);
    e.outcome = std::move(outcome);
    e.detail = detail.dump(-1, ' ', false, Json::error_handler_t::replace);
    o.store->AppendAudit(e).status().IgnoreError();  // the request's answer does not depend on it
  }

  // Returns the newest configuration, loading it again when its version changed.
  StatusOr<std::shared_ptr<const Loaded>> Current() {
    CRESCENDO_ASSIGN_OR_RETURN(int64_t newest, o.store->LatestConfigVersionNumber());
    {
      std::lock_guard lock(mu);
      if (loaded && loaded->version.version == newest) return loaded;
    }
    if (newest == 0) return std::shared_ptr<const Loaded>();
    CRESCENDO_ASSIGN_OR_RETURN(store::ConfigVersion v, o.store->GetConfigVersion(newest));
    std::vector<config::SourceText> sources;
    for (const auto& [path, text] : v.files) sources.push_back({path, text});
    config::LoadResult result = config::LoadConfig(sources, o.load_options);
    if (!result.ok()) {
      return FailedPreconditionError("stored configuration version " + std::to_string(newest) +
                                     " does not load: " + result.Report());
    }
    auto l = std::make_shared<const Loaded>(Loaded{std::move(v), result.config});
    std::lock_guard lock(mu);
    loaded = l;
    return l;
  }

  StatusOr<Caller> Authenticate(const ApiRequest& req) {
    static constexpr std::string_view kBearer = "Bearer ";
    auto deny = [&](const std::string& token, const std::string& why) {
      Audit("anonymous " + req.remote, "auth.denied", token.empty() ? "-" : "token " + token, "",
            "denied", {{"reason", why}, {"path", req.path}});
      return UnauthenticatedError(why);
    };
    if (req.client_certificate && !req.client_certificate->verified) {
      return deny("", "the client certificate was not verified by the server's client CA: " +
                          req.client_certificate->error);
    }
    if (req.authorization.empty() && req.client_certificate) {
      return AuthenticateCertificate(req, *req.client_certificate);
    }
    if (req.authorization.empty()) {
      return deny("", "missing \"Authorization: Bearer <token>\" header");
    }
    if (!req.authorization.starts_with(kBearer)) {
      return deny("", "the Authorization header must be \"Bearer <token>\"");
    }
    StatusOr<security::BearerParts> parts =
        security::ParseBearer(std::string_view(req.authorization).substr(kBearer.size()));
    if (!parts.ok()) return deny("", parts.status().message());
    CRESCENDO_ASSIGN_OR_RETURN(std::optional<store::TokenRecord> record,
                               o.store->FindToken(parts->id));
    if (!record) return deny(parts->id, "unknown token " + parts->id);
    if (record->revoked) return deny(parts->id, "token " + parts->id + " was revoked");
    const std::string digest = Sha256Hex(parts->secret);
    bool cached = false;
    {
      std::lock_guard lock(mu);
      auto it = verified.find(parts->id);
      cached = it != verified.end() && it->second.size() == digest.size() &&
               CRYPTO_memcmp(it->second.data(), digest.data(), digest.size()) == 0;
    }
    if (!cached) {
      if (!security::VerifySecret(record->secret_hash, parts->secret)) {
        return deny(parts->id, "the secret of token " + parts->id + " does not match");
      }
      std::lock_guard lock(mu);
      verified[parts->id] = digest;
    }
    StatusOr<std::vector<Grant>> grants = security::GrantsFromJson(record->grants);
    if (!grants.ok()) return InternalError("token " + parts->id + ": " + grants.status().message());
    Caller caller{record->id, record->name, *grants};
    if (!cached)
      Audit(caller.Actor(), "auth.login", "token " + caller.token, "", "ok",
            {{"remote", req.remote}});
    return caller;
  }

  // A verified client certificate: the first of its names (CN, then alternative names) bound to
  // an identity.
  StatusOr<Caller> AuthenticateCertificate(const ApiRequest& req, const ClientCertificate& cert) {
    std::string names;
    for (size_t i = 0; i < cert.names.size() && i < kMaxCertificateNames; ++i) {
      const std::string& subject = cert.names[i];
      names += (names.empty() ? "" : ", ") + subject;
      if (subject.empty() || subject.size() > kMaxSubjectBytes) continue;
      CRESCENDO_ASSIGN_OR_RETURN(std::optional<store::IdentityRecord> identity,
                                 o.store->FindIdentity(subject));
      if (!identity) continue;
      StatusOr<std::vector<Grant>> grants = security::GrantsFromJson(identity->grants);
      if (!grants.ok()) {
        return InternalError("identity " + subject + ": " + grants.status().message());
      }
      Caller caller{identity->subject, identity->name, *grants, true};
      bool first = false;
      {
        std::lock_guard lock(mu);
        first = certified.insert(subject).second;
      }
      if (first) {
        Audit(caller.Actor(), "auth.login", "certificate " + subject, "", "ok",
              {{"remote", req.remote}});
      }
      return caller;
    }
    const std::string why = "no identity is bound to the client certificate (" +
                            (names.empty() ? std::string("it has no CN nor names") : names) +
                            "): bind one with `crescendo identity bind`, or send a bearer token";
    Audit("anonymous " + req.remote, "auth.denied", "certificate", "", "denied",
          {{"reason", why}, {"path", req.path}});
    return UnauthenticatedError(why);
  }

  ApiResponse Forbidden(const Caller& c, const ApiRequest& req, const std::string& tenant,
                        const std::string& why) {
    Audit(c.Actor(), "auth.denied", req.method + " " + req.path, tenant, "denied",
          {{"reason", why}});
    return Error(403, "permission_denied", why);
  }

  ApiResponse Handle(const ApiRequest& req) {
    if (req.body.size() > o.max_body_bytes) {
      return Error(413, "payload_too_large",
                   "the body has " + std::to_string(req.body.size()) + " bytes; the limit is " +
                       std::to_string(o.max_body_bytes));
    }
    std::map<std::string, std::string> params;
    bool path_known = false;
    const Route* route = MatchRoute(req.method, req.path, &params, &path_known);
    if (route == nullptr) {
      return path_known
                 ? Error(405, "method_not_allowed", req.method + " is not served at " + req.path)
                 : Error(404, "not_found", "no route " + req.path);
    }
    if (route->scope == Scope::kPublic) return Public(*route);
    StatusOr<Caller> caller = Authenticate(req);
    if (!caller.ok()) return FromStatus(caller.status());
    if (!limiter.Allow(caller->Key(), Now())) {
      return Error(429, "rate_limited",
                   "token " + caller->token + " exceeded " + std::to_string(o.rate_per_second) +
                       " requests per second");
    }
    for (const auto& [key, value] : req.query) {
      if (std::find(route->query.begin(), route->query.end(), key) == route->query.end()) {
        return Error(400, "invalid_argument", "unknown query parameter", key);
      }
    }
    const std::string tenant = params.count("tenant") ? params["tenant"] : "";
    if (route->scope == Scope::kTenant && !IsValidName(tenant)) {
      return Error(400, "invalid_argument",
                   "expected a tenant name of [a-z0-9-] (at most 63 characters)", "tenant");
    }
    if (route->scope == Scope::kGlobal && !Allows(caller->grants, route->role, "")) {
      return Forbidden(*caller, req, "",
                       "needs a global " + std::string(security::RoleName(route->role)) + " grant");
    }
    if (route->scope == Scope::kTenant && !Allows(caller->grants, route->role, tenant)) {
      return Forbidden(
          *caller, req, tenant,
          "needs " + std::string(security::RoleName(route->role)) + " on tenant " + tenant);
    }
    if (route->scope == Scope::kChange || route->scope == Scope::kSimulation) {
      bool any = false;
      for (const Grant& g : caller->grants) any = any || g.role >= route->role;
      if (!any) {
        return Forbidden(
            *caller, req, "",
            "needs a " + std::string(security::RoleName(route->role)) + " grant (or a higher one)");
      }
    }
    return Dispatch(*route, req, *caller, params);
  }

  ApiResponse Public(const Route& route) {
    if (route.operation_id == "health") return JsonResponse(200, {{"status", "ok"}});
    if (route.operation_id == "openapi") return JsonResponse(200, ControlPlane::OpenApi());
    if (route.operation_id == "dashboard") {
      return {200, "text/html; charset=utf-8", std::string(DashboardHtml())};
    }
    if (route.operation_id == "metrics") {
      if (o.exporter == nullptr) return Error(404, "not_found", "no metrics exporter");
      return {200, "text/plain; version=0.0.4", o.exporter->RenderText()};
    }
    Status store = o.store->Ping();
    bool engine = !o.engine_ready || o.engine_ready();
    Json checks = {{"store", store.ok() ? "ok" : store.message()},
                   {"engine", engine ? "ok" : "not ticking"}};
    bool ready = store.ok() && engine;
    return JsonResponse(ready ? 200 : 503,
                        {{"status", ready ? "ready" : "not ready"}, {"checks", checks}});
  }

  ApiResponse Dispatch(const Route& r, const ApiRequest& req, const Caller& c,
                       std::map<std::string, std::string>& params) {
    const std::string& id = r.operation_id;
    if (id == "whoami") {
      return JsonResponse(200, {{"token", c.token},
                                {"name", c.name},
                                {"method", c.certificate ? "client_certificate" : "bearer"},
                                {"grants", Json::parse(security::GrantsToJson(c.grants))}});
    }
    if (id == "getConfig") return GetConfig(0);
    if (id == "getConfigVersion") {
      std::optional<int64_t> v = ParseBoundedInt(params["version"], 1, INT64_MAX);
      if (!v) return Error(400, "invalid_argument", "expected a version number >= 1", "version");
      return GetConfig(*v);
    }
    if (id == "listConfigVersions") return ListVersions();
    if (id == "changeConfig") return ChangeConfig(req, c);
    if (id == "rollbackConfig") return RollbackConfig(req, c);
    if (id == "listAudit") return ListAudit(req);
    if (id == "verifyAudit") return VerifyAudit();
    if (id == "applyRetention") return ApplyRetention(req, c);
    if (id == "events") return Events(req);  // authenticates again before each snapshot
    if (id == "listTenants") return ListTenants(c, "");
    if (id == "getTenant") return ListTenants(c, params["tenant"]);
    if (id == "listServices") return ListServices(params["tenant"]);
    if (id == "listDecisions") return ListDecisions(req, params["tenant"], params["service"]);
    if (id == "listSensitiveMetrics") return ListMetrics(req, params["tenant"]);
    if (id == "getRecommendations") return GetRecommendations(params["tenant"], params["service"]);
    if (id == "startSimulation") return StartSimulation(req, c);
    if (id == "listSimulations") return ListSimulations(c);
    if (id == "getSimulation") return GetSimulation(req, c, params["simulation"]);
    return Error(500, "internal", "route " + id + " has no handler");
  }

  std::optional<int64_t> Limit(const ApiRequest& req, ApiResponse* error) {
    auto it = req.query.find("limit");
    if (it == req.query.end()) return kDefaultLimit;
    std::optional<int64_t> v = ParseBoundedInt(it->second, 1, kMaxLimit);
    if (!v) *error = Error(400, "invalid_argument", "expected an integer in [1, 1000]", "limit");
    return v;
  }

  ApiResponse GetConfig(int64_t version) {
    StatusOr<std::shared_ptr<const Loaded>> current = Current();
    if (!current.ok()) return FromStatus(current.status());
    if (!*current) return Error(404, "not_found", "no configuration has been stored yet");
    store::ConfigVersion v = (*current)->version;
    Json services = Json::array();
    if (version != 0 && version != v.version) {
      StatusOr<store::ConfigVersion> other = o.store->GetConfigVersion(version);
      if (!other.ok()) return FromStatus(other.status(), "version");
      v = *other;
    } else {
      for (const config::ServiceConfig& s : (*current)->config->services) {
        services.push_back(s.id.ToString());
      }
    }
    return JsonResponse(200, {{"version", v.version},
                              {"author", v.author},
                              {"time", FormatRfc3339(v.time)},
                              {"message", v.message},
                              {"diff", v.diff},
                              {"files", v.files},
                              {"services", services}});
  }

  ApiResponse ListVersions() {
    StatusOr<std::vector<store::ConfigVersion>> versions = o.store->ListConfigVersions();
    if (!versions.ok()) return FromStatus(versions.status());
    Json out = Json::array();
    for (const store::ConfigVersion& v : *versions) {
      out.push_back({{"version", v.version},
                     {"author", v.author},
                     {"time", FormatRfc3339(v.time)},
                     {"message", v.message},
                     {"diff", v.diff}});
    }
    return JsonResponse(200, {{"versions", out}});
  }

  // Validates `files` as the next version after `base` and stores it when `c` may make it.
  // With `dry_run`, answers 200 with what the change would store (the version it would get, the
  // effective settings it changes, the tenants it affects) and stores nothing.
  ApiResponse Store(const ApiRequest& req, const Caller& c, int64_t base,
                    std::map<std::string, std::string> files, const std::string& message,
                    const std::string& action, bool dry_run = false) {
    StatusOr<std::shared_ptr<const Loaded>> current = Current();
    if (!current.ok()) return FromStatus(current.status());
    const int64_t newest = *current ? (*current)->version.version : 0;
    if (base != newest) {
      return Error(409, "conflict",
                   "the configuration is at version " + std::to_string(newest) +
                       ", the change was made against version " + std::to_string(base) +
                       ": read it again and retry",
                   "base_version");
    }
    std::vector<config::SourceText> sources;
    for (const auto& [path, text] : files) sources.push_back({path, text});
    config::LoadResult result = config::LoadConfig(sources, o.load_options);
    if (!result.ok()) return InvalidConfiguration(result);
    Affected affected = AffectedBy(*current ? (*current)->config.get() : nullptr, *result.config);
    if (affected.global || affected.tenants.empty()) {
      if (!Allows(c.grants, Role::kAdmin, "")) {
        return Forbidden(c, req, "",
                         "the change affects global settings (or no effective setting): it "
                         "needs a global admin grant");
      }
    }
    for (const std::string& t : affected.tenants) {
      if (!Allows(c.grants, Role::kOperator, t)) {
        return Forbidden(c, req, t,
                         "the change affects tenant " + t + ": it needs operator on " + t);
      }
    }
    if (dry_run) {
      std::string changes =
          *current ? config::DiffConfigs(*(*current)->config, *result.config).ToString() : "";
      return JsonResponse(200, {{"dry_run", true},
                                {"version", newest + 1},
                                {"diff", changes},
                                {"tenants", affected.tenants},
                                {"global", affected.global}});
    }
    store::ConfigVersion v;
    v.author = c.Actor();
    v.time = Now();
    v.message = message;
    v.files = std::move(files);
    store::AuditEntry audit;
    audit.time = v.time;
    audit.actor = c.Actor();
    audit.action = action;
    audit.tenant =
        affected.tenants.size() == 1 && !affected.global ? *affected.tenants.begin() : "";
    audit.outcome = "ok";
    audit.detail =
        Json{{"message", message}, {"tenants", affected.tenants}, {"global", affected.global}}.dump(
            -1, ' ', false, Json::error_handler_t::replace);
    StatusOr<store::ConfigVersion> stored =
        o.store->AppendConfigVersion(std::move(v), base, std::move(audit));
    if (!stored.ok()) return FromStatus(stored.status(), "base_version");
    return JsonResponse(
        201, {{"version", stored->version}, {"diff", stored->diff}, {"tenants", affected.tenants}});
  }

  ApiResponse ChangeConfig(const ApiRequest& req, const Caller& c) {
    DecodeError error;
    std::optional<ConfigChange> change = DecodeConfigChange(req.body, &error);
    if (!change) return Error(400, "invalid_argument", error.message, error.field);
    StatusOr<std::shared_ptr<const Loaded>> current = Current();
    if (!current.ok()) return FromStatus(current.status());
    std::map<std::string, std::string> files;
    if (*current) files = (*current)->version.files;
    for (const auto& [path, text] : change->files) {
      if (text) {
        files[path] = *text;
      } else if (files.erase(path) == 0) {
        return Error(400, "invalid_argument", "no such file to remove", "files." + path);
      }
    }
    bool dry_run = false;
    if (auto it = req.query.find("dry_run"); it != req.query.end()) {
      std::optional<int64_t> v = ParseBoundedInt(it->second, 0, 1);
      if (!v) return Error(400, "invalid_argument", "expected 0 or 1", "dry_run");
      dry_run = *v == 1;
    }
    return Store(req, c, change->base_version, std::move(files), change->message, "config.change",
                 dry_run);
  }

  ApiResponse RollbackConfig(const ApiRequest& req, const Caller& c) {
    DecodeError error;
    std::optional<Rollback> r = DecodeRollback(req.body, &error);
    if (!r) return Error(400, "invalid_argument", error.message, error.field);
    StatusOr<store::ConfigVersion> target = o.store->GetConfigVersion(r->version);
    if (!target.ok()) return FromStatus(target.status(), "version");
    std::string message =
        r->message.empty() ? "rollback to version " + std::to_string(r->version) : r->message;
    return Store(req, c, r->base_version, target->files, message, "config.rollback");
  }

  ApiResponse ListTenants(const Caller& c, const std::string& only) {
    StatusOr<std::shared_ptr<const Loaded>> current = Current();
    if (!current.ok()) return FromStatus(current.status());
    Json tenants = Json::array();
    if (*current) {
      for (const auto& [name, t] : (*current)->config->tenants) {
        if (!only.empty() && name != only) continue;
        if (!Allows(c.grants, Role::kViewer, name)) continue;
        tenants.push_back({{"name", name}, {"display_name", t.display_name}, {"tier", t.tier}});
      }
    }
    if (only.empty()) return JsonResponse(200, {{"tenants", tenants}});
    if (tenants.empty()) return Error(404, "not_found", "no tenant " + only, "tenant");
    return JsonResponse(200, tenants[0]);
  }

  Json DecisionJson(const store::DecisionRecord& d) {
    Json trace = d.trace;
    if (d.key_version > 0 && o.open_sealed) {
      StatusOr<std::string> opened = o.open_sealed(d.tenant, d.key_version, d.trace);
      trace = opened.ok() ? TraceJson(*opened) : Json("sealed: " + opened.status().message());
    } else if (d.key_version == 0) {
      trace = TraceJson(d.trace);
    }
    return {{"tick", d.tick},
            {"time", FormatRfc3339(d.time)},
            {"current_replicas", d.current_replicas},
            {"desired_replicas", d.desired_replicas},
            {"applied", d.applied},
            {"status", d.status},
            {"trace", trace}};
  }

  // The services of `tenant` in the served environment, or an error response.
  std::optional<std::vector<const config::ServiceConfig*>> ServicesOf(const std::string& tenant,
                                                                      ApiResponse* error) {
    StatusOr<std::shared_ptr<const Loaded>> current = Current();
    if (!current.ok()) {
      *error = FromStatus(current.status());
      return std::nullopt;
    }
    if (!*current ||
        (!(*current)->config->tenants.contains(tenant) && tenant != config::kSharedTenant)) {
      *error = Error(404, "not_found", "no tenant " + tenant, "tenant");
      return std::nullopt;
    }
    std::vector<const config::ServiceConfig*> out;
    for (const config::ServiceConfig& s : (*current)->config->services) {
      if (s.id.tenant == tenant && s.id.environment == o.environment) out.push_back(&s);
    }
    return out;
  }

  ApiResponse ListServices(const std::string& tenant) {
    ApiResponse error;
    auto services = ServicesOf(tenant, &error);
    if (!services) return error;
    Json out = Json::array();
    for (const config::ServiceConfig* s : *services) {
      Json entry = {{"service", s->service},
                    {"id", s->id.ToString()},
                    {"mode", config::AutoscalingModeName(s->mode)},
                    {"min_replicas", s->horizontal ? s->horizontal->min_replicas : 0},
                    {"max_replicas", s->horizontal ? s->horizontal->max_replicas : 0}};
      StatusOr<std::vector<store::DecisionRecord>> last =
          o.store->ListDecisions(s->id.ToString(), 1);
      if (!last.ok()) return FromStatus(last.status());
      if (!last->empty()) entry["last_decision"] = DecisionJson(last->front());
      out.push_back(entry);
    }
    return JsonResponse(200, {{"services", out}});
  }

  ApiResponse ListDecisions(const ApiRequest& req, const std::string& tenant,
                            const std::string& service) {
    ApiResponse error;
    std::optional<int64_t> limit = Limit(req, &error);
    if (!limit) return error;
    if (!IsValidName(service)) {
      return Error(400, "invalid_argument", "expected a service name of [a-z0-9-]", "service");
    }
    auto services = ServicesOf(tenant, &error);
    if (!services) return error;
    Json out = Json::array();
    bool found = false;
    for (const config::ServiceConfig* s : *services) {
      if (s->service != service) continue;
      found = true;
      StatusOr<std::vector<store::DecisionRecord>> decisions =
          o.store->ListDecisions(s->id.ToString(), *limit);
      if (!decisions.ok()) return FromStatus(decisions.status());
      for (const store::DecisionRecord& d : *decisions) out.push_back(DecisionJson(d));
    }
    if (!found) {
      return Error(404, "not_found",
                   "tenant " + tenant + " has no service " + service + " in " + o.environment,
                   "service");
    }
    return JsonResponse(200, {{"decisions", out}});
  }

  // The service's newest recommendation, as the tick recorded it (sealed under the tenant's key).
  ApiResponse GetRecommendations(const std::string& tenant, const std::string& service) {
    if (!IsValidName(service)) {
      return Error(400, "invalid_argument", "expected a service name of [a-z0-9-]", "service");
    }
    ApiResponse error;
    auto services = ServicesOf(tenant, &error);
    if (!services) return error;
    auto s = std::find_if(services->begin(), services->end(),
                          [&](const config::ServiceConfig* x) { return x->service == service; });
    if (s == services->end()) {
      return Error(404, "not_found",
                   "tenant " + tenant + " has no service " + service + " in " + o.environment,
                   "service");
    }
    const std::string id = (*s)->id.ToString();
    StatusOr<std::optional<store::RecommendationRecord>> r = o.store->LatestRecommendation(id);
    if (!r.ok()) return FromStatus(r.status());
    if (!*r) {
      return Error(404, "not_found", "the engine has recorded no recommendation for " + id + " yet",
                   "service");
    }
    std::string text = (*r)->sealed;
    if ((*r)->key_version > 0) {
      if (!o.open_sealed) {
        return Error(503, "unavailable", "this server cannot open sealed recommendations");
      }
      StatusOr<std::string> opened = o.open_sealed((*r)->tenant, (*r)->key_version, text);
      if (!opened.ok()) return FromStatus(opened.status());
      text = *opened;
    }
    Json out = Json::parse(text, nullptr, false);
    if (!out.is_object()) return Error(500, "internal", "the stored recommendation is not JSON");
    out["service"] = service;
    out["id"] = id;
    out["tick"] = (*r)->tick;
    out["time"] = FormatRfc3339((*r)->time);
    return JsonResponse(200, out);
  }

  // Validates a what-if request, checks that `c` may run it, and starts it in the background.
  ApiResponse StartSimulation(const ApiRequest& req, const Caller& c) {
    if (!o.prepare_simulation) {
      return Error(503, "unavailable", "this server was started without a simulator");
    }
    DecodeError decode;
    std::optional<SimulationRequest> r = DecodeSimulationRequest(req.body, &decode);
    if (!r) return Error(400, "invalid_argument", decode.message, decode.field);
    if (!Allows(c.grants, Role::kOperator, r->tenant)) {
      return Forbidden(c, req, r->tenant,
                       r->tenant.empty() ? "a simulation of every tenant's services needs a "
                                           "global operator grant (or name your tenant)"
                                         : "needs operator on tenant " + r->tenant);
    }
    const int64_t max_seconds = ToSeconds(o.max_simulation_duration);
    if (r->duration_seconds > max_seconds) {
      return Error(400, "invalid_argument",
                   "expected at most " + std::to_string(max_seconds) + " seconds (" +
                       FormatDuration(o.max_simulation_duration) + ")",
                   "duration_seconds");
    }
    SimulationSpec spec{
        r->scenario, r->tenant, nullptr, r->strategies, std::chrono::seconds(r->duration_seconds),
        r->seed};
    if (r->scenario == "config") {
      StatusOr<std::shared_ptr<const Loaded>> current = Current();
      if (!current.ok()) return FromStatus(current.status());
      if (!*current) return Error(404, "not_found", "no configuration has been stored yet");
      std::map<std::string, std::string> files = (*current)->version.files;
      for (const auto& [path, text] : r->files) {
        if (text) {
          files[path] = *text;
        } else if (files.erase(path) == 0) {
          return Error(400, "invalid_argument", "no such file to remove", "files." + path);
        }
      }
      std::vector<config::SourceText> sources;
      for (const auto& [path, text] : files) sources.push_back({path, text});
      config::LoadResult proposed = config::LoadConfig(sources, o.load_options);
      if (!proposed.ok()) return InvalidConfiguration(proposed);
      if (!r->tenant.empty() && !proposed.config->tenants.contains(r->tenant)) {
        return Error(404, "not_found", "no tenant " + r->tenant + " in the configuration",
                     "tenant");
      }
      spec.config = proposed.config;
    }
    std::string field;
    StatusOr<SimulationJob> job = o.prepare_simulation(spec, &field);
    if (!job.ok()) return FromStatus(job.status(), field);
    SimulationRun run;
    run.tenant = r->tenant;
    run.scenario = r->scenario;
    run.strategies = r->strategies;
    run.duration_seconds = r->duration_seconds;
    run.seed = r->seed;
    run.requested_by = c.Actor();
    StatusOr<Json> started = simulations.Start(std::move(run), *std::move(job));
    if (!started.ok()) return Error(429, "too_many_simulations", started.status().message());
    Json files = Json::array();
    for (const auto& [path, text] : r->files) files.push_back(path);
    Audit(c.Actor(), "simulation.start", "simulation " + (*started)["id"].get<std::string>(),
          r->tenant, "ok",
          {{"scenario", r->scenario},
           {"strategies", r->strategies},
           {"duration_seconds", r->duration_seconds},
           {"seed", r->seed},
           {"files", files}});
    return JsonResponse(201, *started);
  }

  ApiResponse ListSimulations(const Caller& c) {
    Json out = Json::array();
    for (auto& [tenant, run] : simulations.List()) {
      if (Allows(c.grants, Role::kViewer, tenant)) out.push_back(std::move(run));
    }
    return JsonResponse(200, {{"simulations", out}});
  }

  ApiResponse GetSimulation(const ApiRequest& req, const Caller& c, const std::string& id) {
    if (!IsValidSimulationId(id)) {
      return Error(400, "invalid_argument", "expected a simulation id of 16 hex digits",
                   "simulation");
    }
    std::string tenant;
    std::optional<Json> run = simulations.Find(id, true, &tenant);
    if (!run) {
      return Error(404, "not_found", "no simulation " + id + " (finished runs are evicted)",
                   "simulation");
    }
    if (!Allows(c.grants, Role::kViewer, tenant)) {
      return Forbidden(c, req, tenant,
                       tenant.empty() ? "a simulation of every tenant needs a global viewer grant"
                                      : "needs viewer on tenant " + tenant);
    }
    return JsonResponse(200, *run);
  }

  ApiResponse ListMetrics(const ApiRequest& req, const std::string& tenant) {
    ApiResponse error;
    std::optional<int64_t> limit = Limit(req, &error);
    if (!limit) return error;
    if (!ServicesOf(tenant, &error)) return error;
    StatusOr<std::vector<store::MetricRollup>> rollups = o.store->ListRollups(tenant, *limit);
    if (!rollups.ok()) return FromStatus(rollups.status());
    Json out = Json::array();
    for (const store::MetricRollup& m : *rollups) {
      std::string value = "sealed";
      if (o.open_sealed) {
        StatusOr<std::string> opened = o.open_sealed(m.tenant, m.key_version, m.sealed);
        value = opened.ok() ? *opened : "sealed: " + opened.status().message();
      }
      out.push_back({{"workload", m.workload},
                     {"metric", m.metric},
                     {"time", FormatRfc3339(m.time)},
                     {"value", value}});
    }
    return JsonResponse(200, {{"metrics", out}});
  }

  ApiResponse ListAudit(const ApiRequest& req) {
    ApiResponse error;
    std::optional<int64_t> limit = Limit(req, &error);
    if (!limit) return error;
    int64_t after = 0;
    if (auto it = req.query.find("after"); it != req.query.end()) {
      std::optional<int64_t> v = ParseBoundedInt(it->second, 0, INT64_MAX);
      if (!v) return Error(400, "invalid_argument", "expected an integer >= 0", "after");
      after = *v;
    }
    StatusOr<std::vector<store::AuditEntry>> entries = o.store->ListAudit(after, *limit);
    if (!entries.ok()) return FromStatus(entries.status());
    Json out = Json::array();
    for (const store::AuditEntry& e : *entries) out.push_back(AuditJson(e));
    return JsonResponse(200, {{"entries", out}});
  }

  // The dashboard's server-sent events (control_plane.h): a stream of `snapshot` events of what
  // the caller may see. The first comes at once, or, after `after` (or Last-Event-ID), once a
  // newer tick is recorded; `limit` ends the stream after that many. The store is read once here,
  // so a store that does not answer is a 503 rather than a stream that ends at once.
  ApiResponse Events(const ApiRequest& req) {
    int64_t after = -1, limit = INT64_MAX;
    if (auto it = req.query.find("after"); it != req.query.end()) {
      std::optional<int64_t> v = ParseBoundedInt(it->second, 0, INT64_MAX);
      if (!v) return Error(400, "invalid_argument", "expected a tick number >= 0", "after");
      after = *v;
    } else if (!req.last_event_id.empty()) {
      std::optional<int64_t> v = ParseBoundedInt(req.last_event_id, 0, INT64_MAX);
      if (!v) return Error(400, "invalid_argument", "expected a tick number >= 0", "Last-Event-ID");
      after = *v;
    }
    if (auto it = req.query.find("limit"); it != req.query.end()) {
      std::optional<int64_t> v = ParseBoundedInt(it->second, 1, kMaxLimit);
      if (!v) return Error(400, "invalid_argument", "expected an integer in [1, 1000]", "limit");
      limit = *v;
    }
    if (Status store = o.store->LatestCheckpoint().status(); !store.ok()) return FromStatus(store);
    std::shared_ptr<StreamSlot> slot = TakeStreamSlot();
    if (!slot) {
      return Error(503, "unavailable",
                   "too many event streams are open (at most " +
                       std::to_string(o.max_event_streams) + "): close one or retry later");
    }
    ApiResponse r{200, "text/event-stream", ""};
    ApiRequest who = req;  // authenticated again before each snapshot
    who.body.clear();
    r.stream = [this, who, after, limit, slot](const StreamWrite& write,
                                               const std::atomic<bool>& stopping) {
      StreamEvents(who, after, limit, write, stopping);
    };
    return r;
  }

  // One open event stream; the count goes down when the last copy of the response's stream
  // (which holds it) is destroyed.
  struct StreamSlot {
    explicit StreamSlot(std::atomic<size_t>& count) : open(count) {}
    ~StreamSlot() { --open; }
    std::atomic<size_t>& open;
  };
  std::atomic<size_t> open_streams{0};

  std::shared_ptr<StreamSlot> TakeStreamSlot() {
    size_t n = open_streams.load();
    do {
      if (n >= o.max_event_streams) return nullptr;
    } while (!open_streams.compare_exchange_weak(n, n + 1));
    return std::make_shared<StreamSlot>(open_streams);
  }

  // Writes the stream of Events(): polls the store every kEventPoll, a snapshot for each newer
  // tick, a keepalive comment after o.event_keepalive of silence; returns when the client is
  // gone, `stopping` turns true, the lifetime or `limit` is reached, or the store fails or the
  // caller no longer authenticates (a revoked token): then an `error` event with the API's
  // error JSON; the client reconnects and gets the status. Each snapshot is made for the
  // caller's grants as they are then (`req` is authenticated again).
  void StreamEvents(const ApiRequest& req, int64_t after, int64_t limit, const StreamWrite& write,
                    const std::atomic<bool>& stopping) {
    const Timestamp opened = Now();
    Timestamp written = opened;
    if (!write("retry: " + std::to_string(kEventRetryMillis) + "\n\n")) return;
    while (!stopping) {
      const Timestamp now = Now();
      if (now - opened >= o.event_stream_lifetime) {
        write(": the stream's lifetime is over: reconnect with Last-Event-ID\n\n");
        return;
      }
      StatusOr<std::optional<store::Checkpoint>> newest = o.store->LatestCheckpoint();
      Status failed = newest.status();
      const int64_t tick = newest.ok() && *newest ? (**newest).tick : 0;
      // A tick behind `after` means the store was replaced: the client gets its newest.
      if (failed.ok() && (after < 0 || tick != after)) {
        StatusOr<Json> snapshot = SnapshotFor(req, *newest);
        failed = snapshot.status();
        if (failed.ok()) {
          if (!write(SnapshotEvent(tick, *snapshot)) || --limit == 0) return;
          after = tick;
          written = now;
        }
      }
      if (!failed.ok()) {
        write("event: error\ndata: " + FromStatus(failed).body + "\n\n");
        return;
      }
      if (now - written >= o.event_keepalive) {
        if (!write(": keepalive\n\n")) return;
        written = now;
      }
      std::this_thread::sleep_for(kEventPoll);
    }
  }

  // The snapshot for the caller of `req` as its token or certificate stands now.
  StatusOr<Json> SnapshotFor(const ApiRequest& req,
                             const std::optional<store::Checkpoint>& newest) {
    CRESCENDO_ASSIGN_OR_RETURN(Caller c, Authenticate(req));
    return Snapshot(c, newest);
  }

  static std::string SnapshotEvent(int64_t tick, const Json& snapshot) {
    return "id: " + std::to_string(tick) + "\nevent: snapshot\ndata: " +
           snapshot.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n\n";
  }

  // The exporter's samples of `family` as label set -> value, for the snapshot.
  std::vector<std::pair<std::map<std::string, std::string>, double>> Samples(
      const std::vector<prometheus::MetricFamily>& families, const std::string& family) {
    std::vector<std::pair<std::map<std::string, std::string>, double>> out;
    for (const prometheus::MetricFamily& f : families) {
      if (f.name != family) continue;
      for (const prometheus::ClientMetric& m : f.metric) {
        std::map<std::string, std::string> labels;
        for (const auto& l : m.label) labels[l.name] = l.value;
        out.emplace_back(std::move(labels), f.type == prometheus::MetricType::Counter
                                                ? m.counter.value
                                                : m.gauge.value);
      }
    }
    return out;
  }

  // What `c` may see now: its tenants (and the shared services for a global viewer) with their
  // services' state and decisions, SLA and cost; the audit log for a global admin.
  StatusOr<Json> Snapshot(const Caller& c, const std::optional<store::Checkpoint>& newest) {
    CRESCENDO_ASSIGN_OR_RETURN(std::shared_ptr<const Loaded> current, Current());
    Json out = {{"tick", newest ? newest->tick : 0},
                {"time", newest ? FormatRfc3339(newest->time) : ""},
                {"caller", {{"name", c.name}, {"token", c.token}}},
                {"tenants", Json::array()}};
    if (!current) return out;
    std::vector<prometheus::MetricFamily> families;
    if (o.exporter != nullptr) families = o.exporter->registry()->Collect();
    // tenant -> {metric -> value}; "tenant/service" -> {metric -> value}
    std::map<std::string, Json> per_tenant, per_service;
    for (const char* f :
         {"crescendo_tenant_replicas", "crescendo_tenant_replica_quota",
          "crescendo_tenant_cost_total", "crescendo_tenant_seconds_over_target_total",
          "crescendo_tenant_service_seconds_total"}) {
      for (const auto& [labels, value] : Samples(families, f)) {
        per_tenant[labels.count("tenant") ? labels.at("tenant") : ""][f] = value;
      }
    }
    for (const char* f : {"crescendo_workload_replicas", "crescendo_workload_load_rps",
                          "crescendo_workload_forecast_rps", "crescendo_workload_pod_cpu_millis",
                          "crescendo_workload_pod_memory_bytes"}) {
      for (const auto& [labels, value] : Samples(families, f)) {
        if (!labels.count("tenant") || !labels.count("service")) continue;
        per_service[labels.at("tenant") + "/" + labels.at("service")][f] = value;
      }
    }
    std::vector<std::pair<std::string, Json>> tenants;
    for (const auto& [name, t] : current->config->tenants) {
      if (!Allows(c.grants, Role::kViewer, name)) continue;
      tenants.push_back(
          {name, {{"name", name}, {"display_name", t.display_name}, {"tier", t.tier}}});
    }
    if (Allows(c.grants, Role::kViewer, "")) {
      tenants.push_back({std::string(config::kSharedTenant),
                         {{"name", config::kSharedTenant},
                          {"display_name", "Shared platform services"},
                          {"tier", ""}}});
    }
    for (auto& [name, tenant] : tenants) {
      const Json m = per_tenant.count(name) ? per_tenant[name] : Json::object();
      const double seconds = m.value("crescendo_tenant_service_seconds_total", 0.0);
      tenant["sla"] = {
          {"objective", 0.99},
          {"over_target_ratio",
           seconds > 0 ? m.value("crescendo_tenant_seconds_over_target_total", 0.0) / seconds
                       : 0.0},
          {"cost", m.value("crescendo_tenant_cost_total", 0.0)},
          {"replicas", m.value("crescendo_tenant_replicas", 0.0)},
          {"replica_quota", m.value("crescendo_tenant_replica_quota", 0.0)}};
      tenant["services"] = Json::array();
      for (const config::ServiceConfig& s : current->config->services) {
        if (s.id.tenant != name || s.id.environment != o.environment) continue;
        CRESCENDO_ASSIGN_OR_RETURN(std::vector<store::DecisionRecord> decisions,
                                   o.store->ListDecisions(s.id.ToString(), kEventDecisions));
        Json list = Json::array();
        for (const store::DecisionRecord& d : decisions) list.push_back(DecisionJson(d));
        const std::string key = name + "/" + s.id.name;
        const Json w = per_service.count(key) ? per_service[key] : Json::object();
        tenant["services"].push_back(
            {{"service", s.service},
             {"id", s.id.ToString()},
             {"mode", config::AutoscalingModeName(s.mode)},
             {"min_replicas", s.horizontal ? s.horizontal->min_replicas : 0},
             {"max_replicas", s.horizontal ? s.horizontal->max_replicas : 0},
             {"replicas", w.value("crescendo_workload_replicas", 0.0)},
             {"load_rps", w.value("crescendo_workload_load_rps", 0.0)},
             // null when the service's strategy made no forecast in requests/s
             {"forecast_rps", w.contains("crescendo_workload_forecast_rps")
                                  ? w["crescendo_workload_forecast_rps"]
                                  : Json(nullptr)},
             {"pod_cpu_millis", w.value("crescendo_workload_pod_cpu_millis", 0.0)},
             {"pod_memory_bytes", w.value("crescendo_workload_pod_memory_bytes", 0.0)},
             {"decisions", list}});
      }
      out["tenants"].push_back(tenant);
    }
    if (Allows(c.grants, Role::kAdmin, "")) {
      CRESCENDO_ASSIGN_OR_RETURN(store::AuditHead head, o.store->GetAuditHead());
      CRESCENDO_ASSIGN_OR_RETURN(
          std::vector<store::AuditEntry> entries,
          o.store->ListAudit(std::max<int64_t>(0, head.count - kEventAudit), kEventAudit));
      Json audit = Json::array();
      for (auto it = entries.rbegin(); it != entries.rend(); ++it) audit.push_back(AuditJson(*it));
      out["audit"] = audit;
    }
    return out;
  }

  // Deletes (or, dry_run=1, counts) decisions and metric samples older than older_than_seconds
  // before the newest checkpoint's simulated time (as `serve --retention` does every 100 ticks),
  // or older than before_unix_seconds (so a deletion can use the cutoff its dry run listed).
  ApiResponse ApplyRetention(const ApiRequest& req, const Caller& c) {
    auto older = req.query.find("older_than_seconds");
    auto before = req.query.find("before_unix_seconds");
    if ((older == req.query.end()) == (before == req.query.end())) {
      return Error(400, "invalid_argument",
                   "give one of older_than_seconds (before the newest tick) and "
                   "before_unix_seconds (a cutoff, e.g. the one a dry run answered)",
                   "older_than_seconds");
    }
    const std::string field =
        older != req.query.end() ? "older_than_seconds" : "before_unix_seconds";
    std::optional<int64_t> seconds = ParseBoundedInt(
        older != req.query.end() ? older->second : before->second, 1, INT64_MAX / 1000000000);
    if (!seconds) return Error(400, "invalid_argument", "expected an integer >= 1", field);
    bool dry_run = false;
    if (auto d = req.query.find("dry_run"); d != req.query.end()) {
      std::optional<int64_t> v = ParseBoundedInt(d->second, 0, 1);
      if (!v) return Error(400, "invalid_argument", "expected 0 or 1", "dry_run");
      dry_run = *v == 1;
    }
    StatusOr<std::optional<store::Checkpoint>> newest = o.store->LatestCheckpoint();
    if (!newest.ok()) return FromStatus(newest.status());
    if (!*newest) return Error(404, "not_found", "the engine has recorded no tick yet");
    const Timestamp cutoff = older != req.query.end()
                                 ? (*newest)->time - std::chrono::seconds(*seconds)
                                 : FromUnixSeconds(static_cast<double>(*seconds));
    Json out = {{"dry_run", dry_run},
                {"newest_tick", FormatRfc3339((*newest)->time)},
                {"cutoff", FormatRfc3339(cutoff)}};
    if (dry_run) return CountBefore(cutoff, std::move(out));
    StatusOr<int64_t> deleted = o.store->DeleteBefore(cutoff);
    if (!deleted.ok()) return FromStatus(deleted.status());
    out["deleted"] = *deleted;
    Audit(c.Actor(), "retention.delete", "decisions, metric_rollups", "", "ok",
          {{"cutoff", FormatRfc3339(cutoff)}, {"deleted", *deleted}});
    return JsonResponse(200, out);
  }

  // Adds to `out` the rows older than `cutoff`: decisions per configured workload and metric
  // samples per tenant (rows of workloads no longer configured are deleted but not listed).
  ApiResponse CountBefore(Timestamp cutoff, Json out) {
    StatusOr<std::shared_ptr<const Loaded>> current = Current();
    if (!current.ok()) return FromStatus(current.status());
    Json decisions = Json::object(), samples = Json::object();
    int64_t total = 0;
    if (*current) {
      std::set<std::string> tenants;
      for (const config::ServiceConfig& s : (*current)->config->services) {
        tenants.insert(s.id.tenant);
        StatusOr<std::vector<store::DecisionRecord>> all =
            o.store->ListDecisions(s.id.ToString(), INT64_MAX);
        if (!all.ok()) return FromStatus(all.status());
        int64_t n = 0;
        for (const store::DecisionRecord& d : *all) n += d.time < cutoff ? 1 : 0;
        if (n > 0) decisions[s.id.ToString()] = n;
        total += n;
      }
      for (const std::string& t : tenants) {
        StatusOr<std::vector<store::MetricRollup>> all = o.store->ListRollups(t, INT64_MAX);
        if (!all.ok()) return FromStatus(all.status());
        int64_t n = 0;
        for (const store::MetricRollup& m : *all) n += m.time < cutoff ? 1 : 0;
        if (n > 0) samples[t] = n;
        total += n;
      }
    }
    out["decisions"] = decisions;
    out["metric_samples"] = samples;
    out["would_delete"] = total;
    return JsonResponse(200, out);
  }

  ApiResponse VerifyAudit() {
    StatusOr<store::AuditHead> head = o.store->GetAuditHead();
    if (!head.ok()) return FromStatus(head.status());
    StatusOr<std::vector<store::AuditEntry>> entries = o.store->ListAudit(0, INT64_MAX);
    if (!entries.ok()) return FromStatus(entries.status());
    std::optional<store::AuditFinding> f = store::VerifyAuditChain(*entries, *head);
    Json out = {{"ok", !f.has_value()}, {"entries", entries->size()}};
    if (f) {
      out["seq"] = f->seq;
      out["problem"] = f->problem;
      out["message"] = f->message;
    }
    return JsonResponse(200, out);
  }
};

nlohmann::json AuditJson(const store::AuditEntry& e) {
  return {{"seq", e.seq},
          {"time", FormatRfc3339(e.time)},
          {"actor", e.actor},
          {"action", e.action},
          {"target", e.target},
          {"tenant", e.tenant},
          {"outcome", e.outcome},
          {"detail", TraceJson(e.detail)},
          {"prev_hash", e.prev_hash},
          {"hash", e.hash}};
}

StatusOr<std::unique_ptr<ControlPlane>> ControlPlane::Create(ControlPlaneOptions options) {
  if (options.store == nullptr || options.clock == nullptr) {
    return InvalidArgumentError("control plane: a store and a clock are required");
  }
  if (options.max_running_simulations < 1 ||
      options.max_stored_simulations < options.max_running_simulations ||
      options.max_simulation_duration <= Duration::zero()) {
    return InvalidArgumentError(
        "control plane: simulations need 1 <= max running <= max stored and a positive maximum "
        "duration");
  }
  if (options.rate_per_second <= 0 || options.burst < 1) {
    return InvalidArgumentError("control plane: the rate limit must be > 0 with a burst >= 1");
  }
  return std::unique_ptr<ControlPlane>(
      new ControlPlane(std::make_unique<Impl>(std::move(options))));
}

ControlPlane::ControlPlane(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ControlPlane::~ControlPlane() = default;

ApiResponse ControlPlane::Handle(const ApiRequest& request) { return impl_->Handle(request); }

}  // namespace crescendo::api
