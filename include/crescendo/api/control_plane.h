// ControlPlane: the REST API of `crescendo serve` (/api/v1, /healthz, /readyz, /metrics,
// /openapi.json) as a function from a request to a response, over a Store. HttpServer puts it on
// a socket; tests and the fuzz target call Handle() directly.
//
// Every /api/v1 request carries "Authorization: Bearer crs_<id>_<secret>", or arrives over mutual
// TLS with a client certificate whose subject CN or alternative name is bound to grants
// (Store::PutIdentity, `crescendo identity bind`); a bearer header, when given, is used first. The
// caller's grants (security/rbac.h) decide what it may do (the route table in src/api/routes.cc
// says which role and scope each endpoint needs; docs/control-plane.md lists them). Errors are JSON
// {"code", "message", "field"} with the status their cause calls for:
//   400 malformed JSON, wrong types, unknown fields, bad names, an invalid configuration (with
//       the same located diagnostics as `crescendo config validate`);
//   401 no token, a malformed, unknown or revoked token, a client certificate the CA did not
//       verify or that no identity is bound to;  403 the caller's roles do not allow it;
//   404 no such route or object;  409 a change made against a stale configuration version;
//   413 a body over the limit;  429 the token's rate limit, or too many simulations running;
//   503 the store is unreachable (or no simulator was given), or max_event_streams are open.
//
// GET /api/v1/events answers a stream (ApiResponse::stream): a `snapshot` server-sent event of
// what the caller may see for every newly recorded tick (`id:` = the tick; a request with
// Last-Event-ID or ?after=N first waits for a tick newer than N), a `: keepalive` comment after
// event_keepalive without one, and an end after event_stream_lifetime (the client reconnects).
// At most max_event_streams are open at once: each holds one of the HTTP server's threads.
//
// Simulations (POST /api/v1/simulations) run in the background, at most
// max_running_simulations at once, through the injected `prepare_simulation` (serve gives it the
// code path of `crescendo simulate`); the newest max_stored_simulations runs are kept (older
// finished ones are evicted). Destroying the ControlPlane cancels the running ones and waits.
// Denied uses of tokens, logins (a token's first use in this process) and every configuration
// change are appended to the audit log.
//
// Time comes from the injected clock. Thread safety: Handle() may run on many threads at once.
#ifndef CRESCENDO_API_CONTROL_PLANE_H_
#define CRESCENDO_API_CONTROL_PLANE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/config/loader.h"
#include "crescendo/store/store.h"

namespace crescendo::api {

class MetricsExporter;

// A client certificate presented over mutual TLS (HttpServer fills it in).
struct ClientCertificate {
  bool verified = false;           // the client CA verified the chain
  std::string error;               // why not, when not verified
  std::vector<std::string> names;  // its subject CN, then its DNS, email and URI alt names
};

struct ApiRequest {
  std::string method;  // "GET", "PUT", "POST", ...
  std::string path;    // without the query string
  std::map<std::string, std::string> query;
  std::string authorization;  // the Authorization header's value; may be empty
  std::string body;
  std::string remote;                                   // the peer's address, for the audit log
  std::optional<ClientCertificate> client_certificate;  // unset: none was presented
  std::string last_event_id;  // the Last-Event-ID header (server-sent events); may be empty
};

// Writes one chunk of a streamed body to the client. Returns false once it cannot (the client
// went away, or the write timed out): the stream should then return.
using StreamWrite = std::function<bool(std::string_view chunk)>;
// A streamed body: runs on the serving thread, writing chunks until it returns, which ends the
// response. It must return promptly (within about 100 ms) once `stopping` turns true (the
// server shuts down). The ControlPlane that made it must outlive it.
using StreamBody = std::function<void(const StreamWrite& write, const std::atomic<bool>& stopping)>;

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;   // ignored when `stream` is set
  StreamBody stream;  // set: the body is streamed (chunked), e.g. server-sent events
};

// Opens sealed values (decision traces) of a tenant; see security::Keyring::OpenFor.
using OpenSealedFn = std::function<StatusOr<std::string>(
    const std::string& tenant, int64_t key_version, const std::string& sealed)>;

// What one what-if simulation runs, after the control plane validated the request.
struct SimulationSpec {
  std::string scenario;  // "config", or a scenario name the simulator knows
  std::string tenant;    // empty: every service; else that tenant's only
  // Scenario "config": the newest configuration with the request's proposed change applied
  // (validated as `crescendo config validate` does); else null.
  std::shared_ptr<const config::Config> config;
  std::vector<std::string> strategies;
  Duration duration{};
  uint64_t seed = 1;
};

// Runs one prepared simulation on the calling thread; returns the report as `crescendo simulate
// --json` writes it. Errors: Cancelled once `cancel` turns true (it is polled every tick), the
// simulator's errors.
using SimulationJob = std::function<StatusOr<std::string>(const std::atomic<bool>& cancel)>;
// Checks `spec` (the scenario exists, the strategies are known, the work is within the limits)
// and returns its job. Errors: InvalidArgument, with *field naming the request field at fault.
using PrepareSimulationFn =
    std::function<StatusOr<SimulationJob>(const SimulationSpec& spec, std::string* field)>;

struct ControlPlaneOptions {
  store::Store* store = nullptr;           // REQUIRES: non-null; not owned
  Clock* clock = nullptr;                  // REQUIRES: non-null; not owned
  std::string environment = "prod";        // whose services /tenants/{t}/services lists
  config::LoadOptions load_options;        // how configuration changes are validated
  size_t max_body_bytes = 1 << 20;         // larger bodies: 413
  double rate_per_second = 100;            // per token: sustained requests per second ...
  double burst = 200;                      // ... and the bucket's size
  OpenSealedFn open_sealed;                // null: sealed traces are returned sealed
  MetricsExporter* exporter = nullptr;     // /metrics; null: 404
  std::function<bool()> engine_ready;      // /readyz also needs it; null: always ready
  PrepareSimulationFn prepare_simulation;  // null: the simulation endpoints answer 503
  size_t max_running_simulations = 2;      // more at once: 429
  size_t max_stored_simulations = 20;      // more: the oldest finished run is evicted
  Duration max_simulation_duration = std::chrono::hours(48);  // longer requests: 400
  size_t max_event_streams = 16;  // open /api/v1/events streams; more: 503. Keep it below
                                  // HttpServerOptions::threads: each stream holds a thread
  Duration event_stream_lifetime = std::chrono::minutes(10);  // then the server ends a stream
  Duration event_keepalive = std::chrono::seconds(15);        // a `: keepalive` after this silence
};

class ControlPlane {
 public:
  // Errors: InvalidArgument when the store or the clock is missing.
  static StatusOr<std::unique_ptr<ControlPlane>> Create(ControlPlaneOptions options);
  ~ControlPlane();

  ApiResponse Handle(const ApiRequest& request);

  // Returns the OpenAPI 3 document the server answers to (served at /openapi.json).
  static const nlohmann::json& OpenApi();

 private:
  struct Impl;
  explicit ControlPlane(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Returns one audit entry as the API and `crescendo audit export` write it: {"seq", "time",
// "actor", "action", "target", "tenant", "outcome", "detail" (JSON), "prev_hash", "hash"}.
nlohmann::json AuditJson(const store::AuditEntry& entry);

}  // namespace crescendo::api

#endif  // CRESCENDO_API_CONTROL_PLANE_H_
