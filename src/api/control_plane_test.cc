#include "crescendo/api/control_plane.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "crescendo/api/http_server.h"
#include "crescendo/api/metrics_exporter.h"
#include "crescendo/config/config_files.h"
#include "crescendo/security/rbac.h"
#include "crescendo/security/token.h"

namespace crescendo::api {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// The source tree: CRESCENDO_SOURCE_DIR (ctest sets it), else the working directory.
fs::path SourceDir() {
  const char* dir = std::getenv("CRESCENDO_SOURCE_DIR");
  return dir != nullptr ? fs::path(dir) : fs::current_path();
}

constexpr char kOwn[] = "harmonia";
constexpr char kOther[] = "nightowl";

// The roles of the matrix: no token, then each role granted on the own tenant, then globally.
enum class Who { kNone, kViewerOwn, kOperatorOwn, kAdminOwn, kViewerAll, kOperatorAll, kAdminAll };
const std::vector<std::pair<Who, std::string>> kWho = {{Who::kNone, "none"},
                                                       {Who::kViewerOwn, "viewer:harmonia"},
                                                       {Who::kOperatorOwn, "operator:harmonia"},
                                                       {Who::kAdminOwn, "admin:harmonia"},
                                                       {Who::kViewerAll, "viewer"},
                                                       {Who::kOperatorAll, "operator"},
                                                       {Who::kAdminAll, "admin"}};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ControlPlaneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("crescendo_api_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto opened = store::OpenStore((dir_ / "state.db").string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    // Version 1: the example configuration.
    store::ConfigVersion v;
    v.author = "test";
    v.time = clock_.Now();
    const fs::path root = SourceDir() / "examples/config";
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.is_regular_file()) {
        v.files[fs::relative(entry.path(), root).string()] = ReadFile(entry.path());
      }
    }
    ASSERT_TRUE(store_->AppendConfigVersion(v, 0, {}).ok());
    for (const auto& [who, grant] : kWho) {
      if (who == Who::kNone) continue;
      auto minted = security::MintToken();
      ASSERT_TRUE(minted.ok());
      auto parsed = security::ParseGrant(grant);
      ASSERT_TRUE(parsed.ok());
      store::TokenRecord record{minted->id,   grant,
                                minted->hash, security::GrantsToJson({*parsed}),
                                clock_.Now(), std::nullopt};
      ASSERT_TRUE(store_->PutToken(record, {}).ok());
      tokens_[who] = minted->bearer;
    }
    ControlPlaneOptions options;
    options.store = store_.get();
    options.clock = &clock_;
    options.exporter = &exporter_;
    options.burst = 1e6;
    options.max_body_bytes = 64 * 1024;
    options.prepare_simulation = FakeSimulator();
    options.max_running_simulations = 1000;
    options.max_stored_simulations = 1000;
    plane_ = std::move(ControlPlane::Create(options)).value();
    own_service_ = FirstService(kOwn);
    other_service_ = FirstService(kOther);
  }
  // Records a tick in which each tenant's first service has a recommendation (in the clear).
  void RecordRecommendations() {
    store::TickRecord tick;
    tick.checkpoint = {1, clock_.Now(), "{}"};
    for (const std::string t : {kOwn, kOther}) {
      tick.recommendations.push_back({ServiceId(t), t, 1, clock_.Now(), Recommendation(t), 0});
    }
    ASSERT_TRUE(store_->RecordTick(tick).ok());
  }
  // The document a tick stores for a tenant's service (see serve_command.cc).
  static std::string Recommendation(const std::string& tenant) {
    return Json{{"horizontal",
                 {{"current_replicas", 2},
                  {"desired_replicas", 3},
                  {"applied", true},
                  {"status", ""},
                  {"trace", {{{"step", "recommend"}, {"reason", "cpu of " + tenant}}}}}},
                {"vertical",
                 {{"applied", false},
                  {"update", "Off"},
                  {"containers",
                   {{{"name", "app"},
                     {"target", {{"cpu_millis", 250}, {"memory_bytes", 1 << 28}}},
                     {"lowerBound", {{"cpu_millis", 200}, {"memory_bytes", 1 << 27}}},
                     {"upperBound", {{"cpu_millis", 900}, {"memory_bytes", 1 << 29}}}}}},
                  {"containers_tick", 1},
                  {"pods", Json::array()},
                  {"trace", Json::array()}}}}
        .dump();
  }
  // A simulator standing for serve's: strategy "unknown" is refused naming its field; a job
  // reports its strategies and tenant, once `hold_` is false (or it is cancelled).
  PrepareSimulationFn FakeSimulator() {
    return [this](const SimulationSpec& spec, std::string* field) -> StatusOr<SimulationJob> {
      if (spec.strategies[0] == "unknown") {
        *field = "strategies[0]";
        return InvalidArgumentError("unknown strategy \"unknown\"");
      }
      return SimulationJob([this, spec](const std::atomic<bool>& cancel) -> StatusOr<std::string> {
        while (hold_ && !cancel) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        if (cancel) {
          cancelled_ = true;
          return Status(StatusCode::kCancelled, "cancelled");
        }
        return Json{{"strategies", spec.strategies},
                    {"tenant", spec.tenant},
                    {"has_config", spec.config != nullptr}}
            .dump();
      });
    };
  }
  // Starts a simulation as `who` (of `tenant`'s services; "" for all) and returns its answer.
  ApiResponse StartSimulation(Who who, const std::string& tenant,
                              std::vector<std::string> strategies = {"kubernetes"}) {
    Json body = {
        {"scenario", "music-streaming"}, {"strategies", strategies}, {"duration_seconds", 3600}};
    if (!tenant.empty()) body["tenant"] = tenant;
    return Call(who, "POST", "/api/v1/simulations", body.dump());
  }
  // Polls a simulation until it is no longer running; returns its last answer.
  Json AwaitSimulation(const std::string& id) {
    for (int i = 0; i < 2000; ++i) {
      Json j = Json::parse(Call(Who::kAdminAll, "GET", "/api/v1/simulations/" + id).body);
      if (j.value("state", "") != "running") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return Json();
  }
  void TearDown() override {
    plane_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  ApiResponse Call(Who who, std::string method, std::string path, std::string body = "",
                   std::map<std::string, std::string> query = {}) {
    ApiRequest r{std::move(method), std::move(path),
                 std::move(query),  who == Who::kNone ? "" : "Bearer " + tokens_[who],
                 std::move(body),   "test"};
    return plane_->Handle(r);
  }
  std::string FirstService(const std::string& tenant) {
    ApiResponse r = Call(Who::kAdminAll, "GET", "/api/v1/tenants/" + tenant + "/services");
    Json j = Json::parse(r.body);
    EXPECT_FALSE(j["services"].empty()) << tenant << ": " << r.body;
    return j["services"].empty() ? "" : j["services"][0]["service"].get<std::string>();
  }
  std::string ServiceId(const std::string& tenant) {
    ApiResponse r = Call(Who::kAdminAll, "GET", "/api/v1/tenants/" + tenant + "/services");
    Json j = Json::parse(r.body);
    return j["services"].empty() ? "" : j["services"][0]["id"].get<std::string>();
  }
  int64_t Version() { return *store_->LatestConfigVersionNumber(); }
  std::map<std::string, std::string> Files() {
    StatusOr<std::optional<store::ConfigVersion>> latest = store_->LatestConfigVersion();
    EXPECT_TRUE(latest.ok() && latest->has_value());
    return latest.ok() && latest->has_value() ? (*latest)->files
                                              : std::map<std::string, std::string>();
  }
  std::string File(const std::string& path) { return Files()[path]; }
  // A change of one tenant's settings (its minReplicas, flipped between 3 and 4 so every call
  // changes it), or of a tier's priority (global).
  std::string Change(const std::string& what) {
    std::string tenants = File("tenants.yaml"), tiers = File("tiers.yaml");
    auto flip = [](std::string& text, size_t at, const std::string& key) {
      at += key.size();
      text[at] = text[at] == '3' ? '4' : '3';
    };
    std::map<std::string, std::string> files;
    if (what == kOwn) {
      flip(tenants, tenants.find("minReplicas: ", tenants.find("harmonia:")), "minReplicas: ");
      files["tenants.yaml"] = tenants;
    } else if (what == kOther) {
      const std::string anchor = "    environments: [staging, prod]\n";
      size_t at = tenants.find(anchor) + anchor.size();
      if (tenants.compare(at, 15, "    horizontal:") != 0) {
        tenants.insert(at, "    horizontal:\n      minReplicas: 3\n");
      }
      flip(tenants, tenants.find("minReplicas: ", at), "minReplicas: ");
      files["tenants.yaml"] = tenants;
    } else {
      flip(tiers, tiers.find("priority: 1"), "priority: 1");
      files["tiers.yaml"] = tiers;
    }
    return Json{{"base_version", Version()}, {"files", files}, {"message", "test"}}.dump();
  }

  SimulatedClock clock_{FromUnixSeconds(1795392000)};
  MetricsExporter exporter_;
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ControlPlane> plane_;
  std::map<Who, std::string> tokens_;
  std::string own_service_, other_service_;
  std::atomic<bool> hold_{false};
  std::atomic<bool> cancelled_{false};
};

bool IsGlobal(Who w) {
  return w == Who::kViewerAll || w == Who::kOperatorAll || w == Who::kAdminAll;
}
bool AtLeastOperator(Who w) {
  return w == Who::kOperatorOwn || w == Who::kAdminOwn || w == Who::kOperatorAll ||
         w == Who::kAdminAll;
}

// The RBAC matrix: every endpoint x every role x own/other tenant, the expected status of each.
TEST_F(ControlPlaneTest, RbacMatrix) {
  RecordRecommendations();
  struct Endpoint {
    std::string name;
    std::function<ApiResponse(Who, const std::string& tenant)> call;
    std::function<int(Who, bool own)> expected;
    bool per_tenant;
  };
  auto any_token = [](Who w, bool) { return w == Who::kNone ? 401 : 200; };
  auto global = [](security::Role role) {
    return [role](Who w, bool) {
      if (w == Who::kNone) return 401;
      if (role == security::Role::kAdmin) return w == Who::kAdminAll ? 200 : 403;
      return IsGlobal(w) ? 200 : 403;
    };
  };
  auto tenant_viewer = [](Who w, bool own) {
    if (w == Who::kNone) return 401;
    return IsGlobal(w) || own ? 200 : 403;
  };
  auto change_of = [](bool tenant_change) {
    return [tenant_change](Who w, bool own) {
      if (w == Who::kNone) return 401;
      if (!tenant_change) return w == Who::kAdminAll ? 201 : 403;
      if (w == Who::kOperatorAll || w == Who::kAdminAll) return 201;
      return own && AtLeastOperator(w) ? 201 : 403;
    };
  };
  auto service_of = [this](const std::string& t) {
    return t == kOwn ? own_service_ : other_service_;
  };
  const std::vector<Endpoint> endpoints = {
      {"GET /healthz", [this](Who w, const std::string&) { return Call(w, "GET", "/healthz"); },
       [](Who, bool) { return 200; }, false},
      {"GET /readyz", [this](Who w, const std::string&) { return Call(w, "GET", "/readyz"); },
       [](Who, bool) { return 200; }, false},
      {"GET /metrics", [this](Who w, const std::string&) { return Call(w, "GET", "/metrics"); },
       [](Who, bool) { return 200; }, false},
      {"GET /openapi.json",
       [this](Who w, const std::string&) { return Call(w, "GET", "/openapi.json"); },
       [](Who, bool) { return 200; }, false},
      {"GET whoami", [this](Who w, const std::string&) { return Call(w, "GET", "/api/v1/whoami"); },
       any_token, false},
      {"GET tenants",
       [this](Who w, const std::string&) { return Call(w, "GET", "/api/v1/tenants"); }, any_token,
       false},
      {"GET config", [this](Who w, const std::string&) { return Call(w, "GET", "/api/v1/config"); },
       global(security::Role::kViewer), false},
      {"GET config/versions",
       [this](Who w, const std::string&) { return Call(w, "GET", "/api/v1/config/versions"); },
       global(security::Role::kViewer), false},
      {"GET config/versions/1",
       [this](Who w, const std::string&) { return Call(w, "GET", "/api/v1/config/versions/1"); },
       global(security::Role::kViewer), false},
      {"GET audit", [this](Who w, const std::string&) { return Call(w, "GET", "/api/v1/audit"); },
       global(security::Role::kAdmin), false},
      {"GET audit/verify",
       [this](Who w, const std::string&) { return Call(w, "GET", "/api/v1/audit/verify"); },
       global(security::Role::kAdmin), false},
      {"GET tenants/{t}",
       [this](Who w, const std::string& t) { return Call(w, "GET", "/api/v1/tenants/" + t); },
       tenant_viewer, true},
      {"GET tenants/{t}/services",
       [this](Who w, const std::string& t) {
         return Call(w, "GET", "/api/v1/tenants/" + t + "/services");
       },
       tenant_viewer, true},
      {"GET tenants/{t}/services/{s}/decisions",
       [this, service_of](Who w, const std::string& t) {
         return Call(w, "GET",
                     "/api/v1/tenants/" + t + "/services/" + service_of(t) + "/decisions");
       },
       tenant_viewer, true},
      {"GET tenants/{t}/metrics",
       [this](Who w, const std::string& t) {
         return Call(w, "GET", "/api/v1/tenants/" + t + "/metrics");
       },
       tenant_viewer, true},
      {"GET tenants/{t}/services/{s}/recommendations",
       [this, service_of](Who w, const std::string& t) {
         return Call(w, "GET",
                     "/api/v1/tenants/" + t + "/services/" + service_of(t) + "/recommendations");
       },
       tenant_viewer, true},
      {"POST simulations (a tenant's services)",
       [this](Who w, const std::string& t) { return StartSimulation(w, t); }, change_of(true),
       true},
      {"POST simulations (every service: global)",
       [this](Who w, const std::string&) { return StartSimulation(w, ""); },
       [](Who w, bool) {
         if (w == Who::kNone) return 401;
         return w == Who::kOperatorAll || w == Who::kAdminAll ? 201 : 403;
       },
       false},
      {"GET simulations",
       [this](Who w, const std::string&) { return Call(w, "GET", "/api/v1/simulations"); },
       any_token, false},
      {"GET simulations/{id} (a tenant's)",
       [this](Who w, const std::string& t) {
         const std::string id = Json::parse(StartSimulation(Who::kAdminAll, t).body)["id"];
         return Call(w, "GET", "/api/v1/simulations/" + id);
       },
       tenant_viewer, true},
      {"GET simulations/{id} (every service: global)",
       [this](Who w, const std::string&) {
         const std::string id = Json::parse(StartSimulation(Who::kAdminAll, "").body)["id"];
         return Call(w, "GET", "/api/v1/simulations/" + id);
       },
       global(security::Role::kViewer), false},
      {"PUT config (tenant's settings)",
       [this](Who w, const std::string& t) { return Call(w, "PUT", "/api/v1/config", Change(t)); },
       change_of(true), true},
      {"PUT config (a tier: global)",
       [this](Who w, const std::string&) {
         return Call(w, "PUT", "/api/v1/config", Change("tier"));
       },
       change_of(false), false},
      {"POST config/rollback (tenant's settings)",
       [this](Who w, const std::string& t) {
         // As admin: change the tenant, then roll that change back as `w`.
         int64_t before = Version();
         EXPECT_EQ(Call(Who::kAdminAll, "PUT", "/api/v1/config", Change(t)).status, 201);
         return Call(w, "POST", "/api/v1/config/rollback",
                     Json{{"version", before}, {"base_version", Version()}}.dump());
       },
       change_of(true), true},
  };
  int checked = 0;
  for (const Endpoint& e : endpoints) {
    for (const auto& [who, name] : kWho) {
      for (bool own : e.per_tenant ? std::vector<bool>{true, false} : std::vector<bool>{true}) {
        const int64_t version = Version();
        ApiResponse r = e.call(who, own ? kOwn : kOther);
        const int want = e.expected(who, own);
        EXPECT_EQ(r.status, want) << e.name << " as " << name << " on " << (own ? "own" : "other")
                                  << " tenant: " << r.body;
        if (r.status >= 400) {
          Json j = Json::parse(r.body);
          EXPECT_TRUE(j.contains("code") && j.contains("message") && j.contains("field")) << r.body;
          if (e.name.starts_with("PUT")) {
            EXPECT_EQ(Version(), version) << "a refused change stored";
          }
        }
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 7 * (endpoints.size() + 9));  // 9 endpoints are per tenant
  // Every denial was audited, and the chain holds.
  auto entries = store_->ListAudit(0, 1 << 30);
  EXPECT_GT(std::count_if(entries->begin(), entries->end(),
                          [](const store::AuditEntry& e) { return e.action == "auth.denied"; }),
            0);
  EXPECT_FALSE(store::VerifyAuditChain(*entries, *store_->GetAuditHead()).has_value());
  // Every simulation started was audited: the allowed starts of the POST rows (4 roles on the own
  // tenant, 2 on the other, 2 global), and one per call of the GET rows (7 x 2 tenants, 7).
  EXPECT_EQ(
      std::count_if(entries->begin(), entries->end(),
                    [](const store::AuditEntry& e) { return e.action == "simulation.start"; }),
      6 + 2 + 7 * 2 + 7);
}

TEST_F(ControlPlaneTest, BadRequestsAreRefusedWithClearErrorsAndChangeNothing) {
  struct Case {
    std::string name;
    std::string method, path, body;
    int status;
    std::string field;
  };
  const std::string ok_files = "{\"tiers.yaml\": \"x: 1\"}";
  const std::vector<Case> cases = {
      {"malformed JSON", "PUT", "/api/v1/config", "{\"base_version\": 1,", 400, ""},
      {"not an object", "PUT", "/api/v1/config", "[1, 2]", 400, ""},
      {"wrong type", "PUT", "/api/v1/config",
       "{\"base_version\": \"1\", \"files\": " + ok_files + "}", 400, "base_version"},
      {"negative version", "PUT", "/api/v1/config",
       "{\"base_version\": -1, \"files\": " + ok_files + "}", 400, "base_version"},
      {"unknown field", "PUT", "/api/v1/config",
       "{\"base_version\": 1, \"files\": " + ok_files + ", \"force\": true}", 400, "force"},
      {"path traversal", "PUT", "/api/v1/config",
       "{\"base_version\": 1, \"files\": {\"../../etc/passwd.yaml\": \"x\"}}", 400,
       "files.../../etc/passwd.yaml"},
      {"absolute path", "PUT", "/api/v1/config",
       "{\"base_version\": 1, \"files\": {\"/etc/x.yaml\": \"x\"}}", 400, "files./etc/x.yaml"},
      {"file text not a string", "PUT", "/api/v1/config",
       "{\"base_version\": 1, \"files\": {\"a.yaml\": 5}}", 400, "files.a.yaml"},
      {"removing a missing file", "PUT", "/api/v1/config",
       "{\"base_version\": 1, \"files\": {\"nope.yaml\": null}}", 400, "files.nope.yaml"},
      {"SQL metacharacters in a tenant", "GET", "/api/v1/tenants/x';DROP TABLE tokens;--", "", 400,
       "tenant"},
      {"SQL metacharacters in a service", "GET",
       "/api/v1/tenants/harmonia/services/a'OR'1'='1/decisions", "", 400, "service"},
      {"invalid UTF-8 in a tenant", "GET", "/api/v1/tenants/\xc0\xff/services", "", 400, "tenant"},
      {"invalid UTF-8 in a file name", "PUT", "/api/v1/config",
       "{\"base_version\": 1, \"files\": {\"\xc0.yaml\": \"x\"}}", 400, ""},
      {"unknown tenant", "GET", "/api/v1/tenants/nobody/services", "", 404, "tenant"},
      {"unknown version", "GET", "/api/v1/config/versions/99", "", 404, "version"},
      {"version not a number", "GET", "/api/v1/config/versions/one", "", 400, "version"},
      {"unknown route", "GET", "/api/v1/nothing", "", 404, ""},
      {"wrong method", "DELETE", "/api/v1/config", "", 405, ""},
      {"huge body", "PUT", "/api/v1/config", std::string(64 * 1024 + 1, ' '), 413, ""},
      {"stale version", "PUT", "/api/v1/config",
       "{\"base_version\": 0, \"files\": " + ok_files + "}", 409, "base_version"},
      {"rollback to a missing version", "POST", "/api/v1/config/rollback",
       "{\"version\": 42, \"base_version\": 1}", 404, "version"},
  };
  for (const Case& c : cases) {
    ApiResponse r = Call(Who::kAdminAll, c.method, c.path, c.body);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    Json j = Json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << c.name;
    EXPECT_EQ(j.value("field", "?"), c.field) << c.name << ": " << r.body;
    EXPECT_FALSE(j.value("message", "").empty()) << c.name;
  }
  EXPECT_EQ(Version(), 1);
  EXPECT_EQ(store_->ListTokens()->size(), 6u);
  ApiResponse limit = Call(Who::kAdminAll, "GET", "/api/v1/audit", "", {{"limit", "0"}});
  EXPECT_EQ(limit.status, 400);
  ApiResponse unknown_query = Call(Who::kAdminAll, "GET", "/api/v1/audit", "", {{"sort", "x"}});
  EXPECT_EQ(unknown_query.status, 400);
}

TEST_F(ControlPlaneTest, AnInvalidConfigurationIsRefusedWithTheLocatedErrorsOfConfigValidate) {
  std::string tiers = File("tiers.yaml");
  tiers.replace(tiers.find("priority: 100"), 13, "priority: high");
  Json body = {{"base_version", 1}, {"files", {{"tiers.yaml", tiers}}}};
  ApiResponse r = Call(Who::kAdminAll, "PUT", "/api/v1/config", body.dump());
  ASSERT_EQ(r.status, 400) << r.body;
  Json j = Json::parse(r.body);
  EXPECT_EQ(j["code"], "invalid_configuration");
  // The same diagnostics config validate prints: file:line:column, key path, found, expected.
  std::vector<config::SourceText> sources;
  for (const auto& [path, text] : Files()) {
    sources.push_back({path, path == "tiers.yaml" ? tiers : text});
  }
  config::LoadResult direct = config::LoadConfig(sources, {});
  ASSERT_FALSE(direct.ok());
  EXPECT_EQ(j["message"], direct.Report());
  EXPECT_EQ(j["field"], "tiers.yaml:6:15 tiers.free.priority");
  EXPECT_EQ(j["diagnostics"][0]["line"], 6);
  EXPECT_EQ(Version(), 1);
}

TEST_F(ControlPlaneTest, TokensAreRateLimitedRevokedAndTheirLoginsAudited) {
  ControlPlaneOptions options;
  options.store = store_.get();
  options.clock = &clock_;
  options.rate_per_second = 1;
  options.burst = 3;
  auto plane = std::move(ControlPlane::Create(options)).value();
  ApiRequest r{"GET", "/api/v1/whoami", {}, "Bearer " + tokens_[Who::kViewerAll], "", "t"};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(plane->Handle(r).status, 200);
  EXPECT_EQ(plane->Handle(r).status, 429);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(plane->Handle(r).status, 200);
  // A wrong secret for a known id, a malformed token, then a revoked one.
  std::string wrong = tokens_[Who::kViewerAll];
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  r.authorization = "Bearer " + wrong;
  EXPECT_EQ(plane->Handle(r).status, 401);
  r.authorization = "Basic abc";
  EXPECT_EQ(plane->Handle(r).status, 401);
  const std::string id = tokens_[Who::kViewerAll].substr(4, 12);
  ASSERT_TRUE(store_->RevokeToken(id, clock_.Now(), {}).ok());
  r.authorization = "Bearer " + tokens_[Who::kViewerAll];
  ApiResponse revoked = plane->Handle(r);
  EXPECT_EQ(revoked.status, 401);
  EXPECT_NE(revoked.body.find("revoked"), std::string::npos);
  auto entries = *store_->ListAudit(0, 1000);
  std::map<std::string, int> actions;
  for (const store::AuditEntry& e : entries) {
    if (e.target == "token " + id) ++actions[e.action + "/" + e.outcome];
  }
  EXPECT_EQ(actions["auth.login/ok"], 1);
  EXPECT_EQ(actions["auth.denied/denied"], 2);  // the wrong secret and the revoked token
}

TEST_F(ControlPlaneTest, ChangesAreVersionedWithTheirDiffAndRolledBack) {
  std::string tiers = File("tiers.yaml");
  tiers.replace(tiers.find("priority: 100"), 13, "priority: 150");
  Json body = {{"base_version", 1}, {"files", {{"tiers.yaml", tiers}}}, {"message", "raise free"}};
  ApiResponse r = Call(Who::kAdminAll, "PUT", "/api/v1/config", body.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json::parse(r.body)["diff"],
            "--- tiers.yaml\n+++ tiers.yaml\n-    priority: 100\n+    priority: 150\n");
  // The same change again, against the old version: 409, nothing stored.
  EXPECT_EQ(Call(Who::kAdminAll, "PUT", "/api/v1/config", body.dump()).status, 409);
  ApiResponse back = Call(Who::kAdminAll, "POST", "/api/v1/config/rollback",
                          Json{{"version", 1}, {"base_version", 2}}.dump());
  ASSERT_EQ(back.status, 201) << back.body;
  StatusOr<store::ConfigVersion> first = store_->GetConfigVersion(1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(File("tiers.yaml"), first->files.at("tiers.yaml"));
  Json versions = Json::parse(Call(Who::kViewerAll, "GET", "/api/v1/config/versions").body);
  ASSERT_EQ(versions["versions"].size(), 3u);
  EXPECT_EQ(versions["versions"][1]["message"], "raise free");
  EXPECT_NE(versions["versions"][1]["author"].get<std::string>().find("admin"), std::string::npos);
  EXPECT_EQ(versions["versions"][2]["message"], "rollback to version 1");
}

// The OpenAPI document in the repository is the one the server serves, and every operation it
// describes answers with a documented status and the documented required fields.
TEST_F(ControlPlaneTest, OpenApiDocumentMatchesTheServer) {
  RecordRecommendations();
  const fs::path file = SourceDir() / "api/openapi.json";
  Json committed = Json::parse(ReadFile(file), nullptr, false);
  EXPECT_EQ(committed, ControlPlane::OpenApi())
      << "api/openapi.json is stale: regenerate it with `crescendo serve --print-openapi`";
  const Json& doc = ControlPlane::OpenApi();
  const Json& schemas = doc["components"]["schemas"];
  int operations = 0;
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [method, op] : methods.items()) {
      std::string concrete = path;
      for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
               {"{tenant}", kOwn}, {"{service}", own_service_}, {"{version}", "1"}}) {
        if (size_t at = concrete.find(from); at != std::string::npos)
          concrete.replace(at, from.size(), to);
      }
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(c));
      std::string body;
      if (op["operationId"] == "changeConfig") body = Change("tier");
      if (op["operationId"] == "rollbackConfig") {
        body = Json{{"version", 1}, {"base_version", Version()}}.dump();
      }
      if (op["operationId"] == "startSimulation") {
        body =
            Json{{"scenario", "config"}, {"strategies", {"kubernetes"}}, {"duration_seconds", 60}}
                .dump();
      }
      if (op["operationId"] == "getSimulation") {
        const std::string id = Json::parse(StartSimulation(Who::kAdminAll, kOwn).body)["id"];
        concrete.replace(concrete.find("{simulation}"), 12, id);
      }
      ApiResponse r = Call(Who::kAdminAll, upper, concrete, body);
      ASSERT_TRUE(op["responses"].contains(std::to_string(r.status)))
          << upper << " " << concrete << " answered " << r.status << ": " << r.body;
      if (r.status >= 300 || r.content_type != "application/json") {
        ++operations;
        continue;
      }
      const Json& content =
          op["responses"][std::to_string(r.status)]["content"]["application/json"];
      std::string ref = content["schema"]["$ref"];
      const Json& schema = schemas[ref.substr(ref.rfind('/') + 1)];
      Json answer = Json::parse(r.body);
      for (const Json& field : schema.value("required", Json::array())) {
        EXPECT_TRUE(answer.contains(field.get<std::string>()))
            << upper << " " << concrete << " lacks " << field << ": " << r.body;
      }
      ++operations;
    }
  }
  EXPECT_EQ(operations, 24);
}

TEST_F(ControlPlaneTest, DryRunChangeValidatesAndStoresNothing) {
  const int64_t before = Version();
  ApiResponse r =
      Call(Who::kOperatorOwn, "PUT", "/api/v1/config", Change(kOwn), {{"dry_run", "1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = Json::parse(r.body);
  EXPECT_TRUE(j["dry_run"].get<bool>());
  EXPECT_EQ(j["version"], before + 1);
  EXPECT_NE(j["diff"].get<std::string>().find("horizontal.minReplicas"), std::string::npos)
      << r.body;
  EXPECT_EQ(j["tenants"], Json::array({kOwn}));
  EXPECT_EQ(Version(), before);
  struct Case {
    std::string name;
    Who who;
    std::string body;
    std::map<std::string, std::string> query;
    int status;
  };
  const std::vector<Case> cases = {
      {"another tenant's change", Who::kOperatorOwn, Change(kOther), {{"dry_run", "1"}}, 403},
      {"a global change by an operator",
       Who::kOperatorAll,
       Change("tier"),
       {{"dry_run", "1"}},
       403},
      {"dry_run not 0 or 1", Who::kAdminAll, Change(kOwn), {{"dry_run", "yes"}}, 400},
      {"dry_run=0 stores", Who::kAdminAll, Change(kOwn), {{"dry_run", "0"}}, 201},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Call(c.who, "PUT", "/api/v1/config", c.body, c.query).status, c.status) << c.name;
  }
  EXPECT_EQ(Version(), before + 1);
}

// Reads the stream of an events response on its own thread, as a client would: collects what
// is written; the writer reports the client gone once `want` snapshots have arrived. Stop()
// (and the destructor) tells the stream the server shuts down and waits for it to return.
class EventReader {
 public:
  explicit EventReader(ApiResponse response, size_t want = SIZE_MAX)
      : response_(std::move(response)), want_(want) {
    thread_ = std::thread([this] {
      response_.stream(
          [this](std::string_view chunk) {
            std::lock_guard lock(mu_);
            text_ += chunk;
            return Snapshots(text_).size() < want_;
          },
          stopping_);
      returned_ = true;
    });
  }
  ~EventReader() { Stop(); }
  void Stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Waits up to 10 s until the stream has written `n` snapshots; returns them (their data).
  std::vector<Json> AwaitSnapshots(size_t n) {
    for (int i = 0; i < 1000 && Snapshots(Text()).size() < n && !returned_; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Snapshots(Text());
  }
  // Waits up to 10 s until the stream returns by itself; returns whether it did.
  bool AwaitReturn() {
    for (int i = 0; i < 1000 && !returned_; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return returned_;
  }
  std::string Text() {
    std::lock_guard lock(mu_);
    return text_;
  }
  // The `snapshot` events of a text/event-stream, their ids in "id", their data in "data".
  static std::vector<Json> Snapshots(const std::string& text) {
    std::vector<Json> out;
    for (size_t at = 0, end; (end = text.find("\n\n", at)) != std::string::npos; at = end + 2) {
      const std::string block = text.substr(at, end - at);
      if (block.find("event: snapshot\n") == std::string::npos) continue;
      const size_t id = block.find("id: ") + 4, data = block.find("data: ") + 6;
      out.push_back({{"id", std::stoll(block.substr(id, block.find('\n', id) - id))},
                     {"data", Json::parse(block.substr(data))}});
    }
    return out;
  }

 private:
  ApiResponse response_;
  size_t want_;
  std::mutex mu_;
  std::string text_;
  std::atomic<bool> stopping_{false}, returned_{false};
  std::thread thread_;
};

// The dashboard's events: a stream of snapshots of what the token may see, in text/event-stream.
TEST_F(ControlPlaneTest, EventsShowOnlyWhatTheTokenMaySee) {
  auto snapshot = [this](Who who, std::map<std::string, std::string> query = {}) {
    ApiResponse r = Call(who, "GET", "/api/v1/events", "", std::move(query));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type, "text/event-stream");
    EXPECT_TRUE(r.stream != nullptr);
    if (!r.stream) return Json();
    EventReader reader(std::move(r), 1);
    std::vector<Json> events = reader.AwaitSnapshots(1);
    EXPECT_TRUE(reader.Text().starts_with("retry: 1000\n\nid: 0\nevent: snapshot\ndata: "))
        << reader.Text();
    return events.empty() ? Json() : events[0]["data"];
  };
  auto tenants = [](const Json& s) {
    std::vector<std::string> names;
    for (const Json& t : s["tenants"]) names.push_back(t["name"]);
    return names;
  };
  // A service with a forecast (serve exports it for the forecasting modes) carries it; the
  // others carry null.
  prometheus::BuildGauge()
      .Name("crescendo_workload_forecast_rps")
      .Help("test")
      .Register(*exporter_.registry())
      .Add({{"tenant", kOwn}, {"service", own_service_}})
      .Set(123.5);
  const Json admin = snapshot(Who::kAdminAll);
  for (const Json& s : admin["tenants"][0]["services"]) {
    ASSERT_TRUE(s.contains("forecast_rps")) << s.dump();
    EXPECT_EQ(s["forecast_rps"], s["service"] == own_service_ ? Json(123.5) : Json(nullptr))
        << s["service"];
  }
  EXPECT_EQ(tenants(admin),
            (std::vector<std::string>{"harmonia", "kinderklang", "nightowl", "shared"}));
  EXPECT_TRUE(admin.contains("audit") && !admin["audit"].empty());
  EXPECT_FALSE(admin["tenants"][0]["services"].empty());
  EXPECT_TRUE(admin["tenants"][0]["sla"].contains("over_target_ratio"));
  const Json own = snapshot(Who::kOperatorOwn);
  EXPECT_EQ(tenants(own), std::vector<std::string>{kOwn});
  EXPECT_FALSE(own.contains("audit")) << "the audit log is for global admins";
  EXPECT_EQ(own.dump().find(kOther), std::string::npos) << own.dump();
  EXPECT_FALSE(snapshot(Who::kViewerAll).contains("audit"));
  const std::vector<std::pair<std::map<std::string, std::string>, int>> refused = {
      {{{"after", "-1"}}, 400},
      {{{"limit", "0"}}, 400},
      {{{"wait", "20"}}, 400},
      {{{"since", "1"}}, 400}};
  for (const auto& [query, status] : refused) {
    EXPECT_EQ(Call(Who::kAdminAll, "GET", "/api/v1/events", "", query).status, status);
  }
  ApiRequest bad_id{"GET", "/api/v1/events", {}, "Bearer " + tokens_[Who::kAdminAll], "", "test"};
  bad_id.last_event_id = "x";
  EXPECT_EQ(plane_->Handle(bad_id).status, 400);
  EXPECT_EQ(Call(Who::kNone, "GET", "/api/v1/events").status, 401);
  ApiResponse page = Call(Who::kNone, "GET", "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("/api/v1/events"), std::string::npos);
}

// One stream carries a snapshot per recorded tick, each of what its token may see; a
// Last-Event-ID resumes after that tick; `limit` ends the stream.
TEST_F(ControlPlaneTest, EventsStreamASnapshotPerTickResumingAfterTheLastEventId) {
  auto record = [this](int64_t tick) {
    store::TickRecord t;
    t.checkpoint = {tick, clock_.Now(), "{}"};
    ASSERT_TRUE(store_->RecordTick(t).ok());
  };
  struct Case {
    std::string name;
    Who who;
    std::optional<int64_t> last_event_id;  // counted from the newest tick before the case
    std::vector<int64_t> want;             // the snapshots' ticks, counted from the same
  };
  const std::vector<Case> cases = {
      {"admin from now", Who::kAdminAll, std::nullopt, {0, 1, 2}},
      {"tenant operator from now", Who::kOperatorOwn, std::nullopt, {0, 1, 2}},
      {"tenant viewer resumed at the newest tick", Who::kViewerOwn, 0, {1, 2}},
      {"an id ahead of the store (it was replaced): the newest at once",
       Who::kViewerAll,
       100,
       {0, 1, 2}},
  };
  int64_t newest = 0;
  for (const Case& c : cases) {
    const int64_t base = newest;
    ApiRequest r{"GET", "/api/v1/events", {}, "Bearer " + tokens_[c.who], "", "test"};
    if (c.last_event_id) r.last_event_id = std::to_string(base + *c.last_event_id);
    ApiResponse response = plane_->Handle(r);
    ASSERT_EQ(response.status, 200) << c.name << ": " << response.body;
    EventReader reader(std::move(response));
    // After each tick, the snapshots due by then arrive before the next tick is recorded.
    auto due = [&](int64_t k) {
      return std::count_if(c.want.begin(), c.want.end(), [k](int64_t t) { return t <= k; });
    };
    reader.AwaitSnapshots(due(0));
    for (int k = 1; k <= 2; ++k) {
      record(++newest);
      reader.AwaitSnapshots(due(k));
    }
    std::vector<Json> events = reader.AwaitSnapshots(c.want.size());
    reader.Stop();
    std::vector<int64_t> ticks;
    for (const Json& e : events) ticks.push_back(e["id"].get<int64_t>() - base);
    EXPECT_EQ(ticks, c.want) << c.name << ": " << reader.Text();
    for (const Json& e : events) {
      EXPECT_EQ(e["data"]["tick"], e["id"]) << c.name;
      if (c.who == Who::kAdminAll || c.who == Who::kViewerAll) continue;
      EXPECT_EQ(e["data"].dump().find(kOther), std::string::npos) << c.name << ": " << e.dump();
    }
  }
  ApiResponse limited = Call(Who::kAdminAll, "GET", "/api/v1/events", "", {{"limit", "1"}});
  EventReader reader(std::move(limited));
  EXPECT_TRUE(reader.AwaitReturn()) << "limit=1 ends the stream after one snapshot";
  EXPECT_EQ(reader.AwaitSnapshots(1).size(), 1u);
}

// Streams are bounded: at most max_event_streams open (then 503), a keepalive comment after
// event_keepalive of silence, an end after event_stream_lifetime, an end when the server stops.
TEST_F(ControlPlaneTest, EventStreamsAreLimitedKeptAliveAndEnded) {
  std::vector<ApiResponse> open;
  for (int i = 0; i < 16; ++i) {
    open.push_back(Call(Who::kViewerAll, "GET", "/api/v1/events"));
    ASSERT_EQ(open.back().status, 200) << i;
  }
  ApiResponse refused = Call(Who::kViewerAll, "GET", "/api/v1/events");
  EXPECT_EQ(refused.status, 503);
  EXPECT_NE(refused.body.find("too many event streams are open (at most 16)"), std::string::npos)
      << refused.body;
  open.pop_back();  // a stream that ends frees its place
  EXPECT_EQ(Call(Who::kViewerAll, "GET", "/api/v1/events").status, 200);
  open.clear();

  EventReader reader(Call(Who::kViewerOwn, "GET", "/api/v1/events"));
  ASSERT_EQ(reader.AwaitSnapshots(1).size(), 1u);
  EXPECT_EQ(reader.Text().find(": keepalive"), std::string::npos);
  clock_.Advance(std::chrono::seconds(15));
  for (int i = 0; i < 500 && reader.Text().find(": keepalive\n\n") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(reader.Text().find(": keepalive\n\n"), std::string::npos) << reader.Text();
  clock_.Advance(std::chrono::minutes(10));
  EXPECT_TRUE(reader.AwaitReturn()) << "the stream ends after its lifetime";
  EXPECT_NE(reader.Text().find("lifetime is over"), std::string::npos) << reader.Text();

  // A token revoked while its stream is open: the next tick ends the stream with a 401 error.
  EventReader revoked(Call(Who::kViewerOwn, "GET", "/api/v1/events"));
  ASSERT_EQ(revoked.AwaitSnapshots(1).size(), 1u);
  ASSERT_TRUE(store_->RevokeToken(tokens_[Who::kViewerOwn].substr(4, 12), clock_.Now(), {}).ok());
  store::TickRecord tick;
  tick.checkpoint = {1, clock_.Now(), "{}"};
  ASSERT_TRUE(store_->RecordTick(tick).ok());
  EXPECT_TRUE(revoked.AwaitReturn()) << "a revoked token's stream ends";
  EXPECT_NE(revoked.Text().find("event: error\ndata: {\"code\":\"unauthenticated\""),
            std::string::npos)
      << revoked.Text();
  EXPECT_EQ(revoked.AwaitSnapshots(2).size(), 1u) << "no snapshot after the revocation";

  EventReader stopped(Call(Who::kViewerAll, "GET", "/api/v1/events"));
  ASSERT_EQ(stopped.AwaitSnapshots(1).size(), 1u);
  const auto before = std::chrono::steady_clock::now();
  stopped.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(1))
      << "a stream returns promptly once the server stops";
}

// Over HTTP: one connection receives a snapshot per tick, as it is written; Stop() ends the
// open streams at once (serve's SIGTERM does not wait for them).
TEST_F(ControlPlaneTest, OneHttpConnectionStreamsTicksAndStopEndsIt) {
  StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Start({.listen = "127.0.0.1:0"}, plane_.get());
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  std::mutex mu;
  std::string received;
  std::atomic<bool> done{false};
  int status = 0;
  std::thread client([&] {
    httplib::Client http("127.0.0.1", (*server)->port());
    http.set_read_timeout(30, 0);
    httplib::Result result =
        http.Get("/api/v1/events", {{"Authorization", "Bearer " + tokens_[Who::kOperatorOwn]}},
                 [&](const char* data, size_t n) {
                   std::lock_guard lock(mu);
                   received.append(data, n);
                   return true;
                 });
    status = result ? result->status : -1;
    done = true;
  });
  auto snapshots = [&] {
    std::lock_guard lock(mu);
    return EventReader::Snapshots(received);
  };
  auto await = [&](size_t n) {
    for (int i = 0; i < 1000 && snapshots().size() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return snapshots().size();
  };
  ASSERT_EQ(await(1), 1u);
  for (int64_t tick = 1; tick <= 2; ++tick) {
    store::TickRecord t;
    t.checkpoint = {tick, clock_.Now(), "{}"};
    ASSERT_TRUE(store_->RecordTick(t).ok());
    EXPECT_EQ(await(1 + tick), 1u + tick) << "tick " << tick;
  }
  for (const Json& e : snapshots()) {
    EXPECT_EQ(e["data"].dump().find(kOther), std::string::npos) << e.dump();
  }
  EXPECT_FALSE(done) << "the stream stays open between ticks";
  const auto before = std::chrono::steady_clock::now();
  (*server)->Stop();
  client.join();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(3));
  EXPECT_TRUE(done);
  EXPECT_EQ(status, 200) << "the stream ended cleanly";
}

TEST_F(ControlPlaneTest, RetentionCountsThenDeletesOlderRows) {
  ApiResponse services = Call(Who::kAdminAll, "GET", "/api/v1/tenants/harmonia/services");
  const std::string workload = Json::parse(services.body)["services"][0]["id"];
  const Timestamp start = FromUnixSeconds(1795392000);
  EXPECT_EQ(
      Call(Who::kAdminAll, "POST", "/api/v1/retention", "", {{"older_than_seconds", "60"}}).status,
      404)
      << "no tick recorded yet";
  for (int tick = 1; tick <= 10; ++tick) {
    store::TickRecord t;
    t.checkpoint = {tick, start + std::chrono::minutes(tick), "{}"};
    store::DecisionRecord d;
    d.tick = tick;
    d.time = t.checkpoint.time;
    d.workload = workload;
    d.tenant = kOwn;
    d.trace = "[]";
    t.decisions.push_back(d);
    ASSERT_TRUE(store_->RecordTick(t).ok());
  }
  // The newest tick is at start+10m; older than 4 minutes: the ticks at 1..5 minutes.
  const std::vector<std::pair<std::map<std::string, std::string>, int>> refused = {
      {{}, 400},
      {{{"older_than_seconds", "0"}}, 400},
      {{{"older_than_seconds", "x"}}, 400},
      {{{"older_than_seconds", "240"}, {"dry_run", "2"}}, 400},
      {{{"older_than_seconds", "240"}, {"before_unix_seconds", "1"}}, 400},
      {{{"before_unix_seconds", "-5"}}, 400},
  };
  for (const auto& [query, status] : refused) {
    EXPECT_EQ(Call(Who::kAdminAll, "POST", "/api/v1/retention", "", query).status, status);
  }
  EXPECT_EQ(Call(Who::kOperatorAll, "POST", "/api/v1/retention", "",
                 {{"older_than_seconds", "240"}, {"dry_run", "1"}})
                .status,
            403);
  ApiResponse dry = Call(Who::kAdminAll, "POST", "/api/v1/retention", "",
                         {{"older_than_seconds", "240"}, {"dry_run", "1"}});
  ASSERT_EQ(dry.status, 200) << dry.body;
  Json j = Json::parse(dry.body);
  EXPECT_EQ(j["decisions"][workload], 5) << dry.body;
  EXPECT_EQ(j["would_delete"], 5);
  EXPECT_EQ(j["cutoff"], "2026-11-23T00:06:00Z");
  EXPECT_EQ(store_->ListDecisions(workload, 100)->size(), 10u) << "a dry run deleted";
  // The cutoff a dry run listed (start+6m: ticks 1..5), whatever the newest tick is by then.
  ApiResponse done = Call(Who::kAdminAll, "POST", "/api/v1/retention", "",
                          {{"before_unix_seconds", std::to_string(1795392000 + 6 * 60)}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(Json::parse(done.body)["deleted"], 5);
  EXPECT_EQ(store_->ListDecisions(workload, 100)->size(), 5u);
  ApiResponse more =
      Call(Who::kAdminAll, "POST", "/api/v1/retention", "", {{"older_than_seconds", "120"}});
  ASSERT_EQ(more.status, 200) << more.body;
  EXPECT_EQ(Json::parse(more.body)["deleted"], 2) << "the ticks at 6 and 7 minutes";
}

TEST_F(ControlPlaneTest, RecommendationsAreTheLatestRecordedOpenedForTheCaller) {
  RecordRecommendations();
  const std::string path = "/api/v1/tenants/harmonia/services/" + own_service_ + "/recommendations";
  ApiResponse r = Call(Who::kViewerOwn, "GET", path);
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = Json::parse(r.body);
  EXPECT_EQ(j["service"], own_service_);
  EXPECT_EQ(j["id"], ServiceId(kOwn));
  EXPECT_EQ(j["tick"], 1);
  EXPECT_EQ(j["horizontal"]["desired_replicas"], 3);
  EXPECT_EQ(j["vertical"]["containers"][0]["target"]["cpu_millis"], 250);
  // Sealed: opened with the tenant's key by the server; a newer tick replaces the older.
  ControlPlaneOptions options;
  options.store = store_.get();
  options.clock = &clock_;
  options.open_sealed = [](const std::string& tenant, int64_t version,
                           const std::string& sealed) -> StatusOr<std::string> {
    if (tenant != kOwn || version != 7) return DataLossError("wrong key");
    return std::string(sealed.rbegin(), sealed.rend());  // "sealing" reverses the text
  };
  auto plane = std::move(ControlPlane::Create(options)).value();
  store::TickRecord tick;
  tick.checkpoint = {2, clock_.Now(), "{}"};
  std::string doc = Recommendation("second");
  tick.recommendations.push_back(
      {ServiceId(kOwn), kOwn, 2, clock_.Now(), std::string(doc.rbegin(), doc.rend()), 7});
  ASSERT_TRUE(store_->RecordTick(tick).ok());
  ApiRequest req{"GET", path, {}, "Bearer " + tokens_[Who::kViewerOwn], "", "t"};
  ApiResponse opened = plane->Handle(req);
  ASSERT_EQ(opened.status, 200) << opened.body;
  EXPECT_EQ(Json::parse(opened.body)["tick"], 2);
  EXPECT_EQ(Json::parse(opened.body)["horizontal"]["trace"][0]["reason"], "cpu of second");
  struct Case {
    std::string name, path;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"bad service name", "/api/v1/tenants/harmonia/services/A_B/recommendations", 400, "service"},
      {"unknown service", "/api/v1/tenants/harmonia/services/nothing/recommendations", 404,
       "service"},
      {"unknown tenant", "/api/v1/tenants/nobody/services/x/recommendations", 404, "tenant"},
  };
  for (const Case& c : cases) {
    ApiResponse bad = Call(Who::kAdminAll, "GET", c.path);
    EXPECT_EQ(bad.status, c.status) << c.name << ": " << bad.body;
    EXPECT_EQ(Json::parse(bad.body)["field"], c.field) << c.name;
  }
  // A service no tick has recommended for yet.
  ApiResponse services = Call(Who::kAdminAll, "GET", "/api/v1/tenants/harmonia/services");
  const std::string second = Json::parse(services.body)["services"][1]["service"];
  ApiResponse none = Call(Who::kAdminAll, "GET",
                          "/api/v1/tenants/harmonia/services/" + second + "/recommendations");
  EXPECT_EQ(none.status, 404) << none.body;
  EXPECT_NE(none.body.find("no recommendation"), std::string::npos);
}

TEST_F(ControlPlaneTest, SimulationsAreValidatedLikeChangesAndRefusedWithLocatedErrors) {
  std::string tiers = File("tiers.yaml");
  tiers.replace(tiers.find("priority: 100"), 13, "priority: high");
  auto body = [](Json j) { return j.dump(); };
  const Json ok = {
      {"scenario", "config"}, {"strategies", {"kubernetes"}}, {"duration_seconds", 60}};
  auto with = [&](const std::string& key, Json value) {
    Json j = ok;
    j[key] = std::move(value);
    return j.dump();
  };
  struct Case {
    std::string name, body;
    int status;
    std::string code, field;
  };
  const std::vector<Case> cases = {
      {"malformed JSON", "{\"scenario\": ", 400, "invalid_argument", ""},
      {"unknown field", with("force", true), 400, "invalid_argument", "force"},
      {"no scenario", body({{"strategies", {"kubernetes"}}, {"duration_seconds", 60}}), 400,
       "invalid_argument", "scenario"},
      {"scenario not a name", with("scenario", "../x"), 400, "invalid_argument", "scenario"},
      {"no strategies", with("strategies", Json::array()), 400, "invalid_argument", "strategies"},
      {"too many strategies", with("strategies", std::vector<std::string>(9, "kubernetes")), 400,
       "invalid_argument", "strategies"},
      {"strategy not a name", with("strategies", {"kubernetes", "rm -rf"}), 400, "invalid_argument",
       "strategies[1]"},
      {"strategy the simulator does not know", with("strategies", {"unknown"}), 400,
       "invalid_argument", "strategies[0]"},
      {"duration zero", with("duration_seconds", 0), 400, "invalid_argument", "duration_seconds"},
      {"duration over the maximum", with("duration_seconds", 48 * 3600 + 1), 400,
       "invalid_argument", "duration_seconds"},
      {"seed negative", with("seed", -1), 400, "invalid_argument", "seed"},
      {"tenant not a name", with("tenant", "Harmonia"), 400, "invalid_argument", "tenant"},
      {"unknown tenant", with("tenant", "nobody"), 404, "not_found", "tenant"},
      {"files with a named scenario",
       body({{"scenario", "music-streaming"},
             {"files", {{"tiers.yaml", tiers}}},
             {"strategies", {"kubernetes"}},
             {"duration_seconds", 60}}),
       400, "invalid_argument", "files"},
      {"file path traversal", with("files", {{"../x.yaml", "a: 1"}}), 400, "invalid_argument",
       "files.../x.yaml"},
      {"removing a missing file", with("files", {{"nope.yaml", nullptr}}), 400, "invalid_argument",
       "files.nope.yaml"},
      {"an invalid proposed change", with("files", {{"tiers.yaml", tiers}}), 400,
       "invalid_configuration", "tiers.yaml:6:15 tiers.free.priority"},
  };
  for (const Case& c : cases) {
    ApiResponse r = Call(Who::kAdminAll, "POST", "/api/v1/simulations", c.body);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    Json j = Json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << c.name;
    EXPECT_EQ(j.value("code", ""), c.code) << c.name << ": " << r.body;
    EXPECT_EQ(j.value("field", "?"), c.field) << c.name << ": " << r.body;
  }
  // Nothing was started nor audited.
  EXPECT_TRUE(
      Json::parse(Call(Who::kAdminAll, "GET", "/api/v1/simulations").body)["simulations"].empty());
  auto entries = *store_->ListAudit(0, 1 << 30);
  EXPECT_EQ(
      std::count_if(entries.begin(), entries.end(),
                    [](const store::AuditEntry& e) { return e.action == "simulation.start"; }),
      0);
  EXPECT_EQ(Call(Who::kAdminAll, "GET", "/api/v1/simulations/XYZ").status, 400);
  EXPECT_EQ(Call(Who::kAdminAll, "GET", "/api/v1/simulations/0123456789abcdef").status, 404);
  // A valid proposed change reaches the simulator as a configuration, and the report comes back.
  tiers = File("tiers.yaml");
  tiers.replace(tiers.find("priority: 100"), 13, "priority: 150");
  ApiResponse started = Call(Who::kOperatorOwn, "POST", "/api/v1/simulations", [&] {
    Json j = ok;
    j["tenant"] = kOwn;
    j["files"] = {{"tiers.yaml", tiers}};
    return j.dump();
  }());
  ASSERT_EQ(started.status, 201) << started.body;
  Json done = AwaitSimulation(Json::parse(started.body)["id"]);
  EXPECT_EQ(done["state"], "done") << done.dump();
  EXPECT_EQ(done["report"],
            (Json{{"strategies", {"kubernetes"}}, {"tenant", kOwn}, {"has_config", true}}));
  EXPECT_EQ(Version(), 1) << "a simulated change is not stored";
}

TEST_F(ControlPlaneTest, SimulationsAreBoundedEvictedAndCancelledOnShutdown) {
  ControlPlaneOptions options;
  options.store = store_.get();
  options.clock = &clock_;
  options.prepare_simulation = FakeSimulator();
  options.max_running_simulations = 1;
  options.max_stored_simulations = 2;
  plane_ = std::move(ControlPlane::Create(options)).value();
  hold_ = true;
  ApiResponse first = StartSimulation(Who::kOperatorOwn, kOwn);
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string id = Json::parse(first.body)["id"];
  EXPECT_EQ(Json::parse(first.body)["state"], "running");
  ApiResponse busy = StartSimulation(Who::kOperatorOwn, kOwn);
  EXPECT_EQ(busy.status, 429) << busy.body;
  EXPECT_EQ(Json::parse(busy.body)["code"], "too_many_simulations");
  hold_ = false;
  EXPECT_EQ(AwaitSimulation(id)["state"], "done");
  // Two more runs: three are more than two kept, so the oldest finished one goes.
  for (int i = 0; i < 2; ++i) {
    ApiResponse next = StartSimulation(Who::kOperatorOwn, kOwn, {"predictive"});
    ASSERT_EQ(next.status, 201) << next.body;
    EXPECT_EQ(AwaitSimulation(Json::parse(next.body)["id"])["report"]["strategies"][0],
              "predictive");
  }
  EXPECT_EQ(Call(Who::kAdminAll, "GET", "/api/v1/simulations/" + id).status, 404);
  Json list = Json::parse(Call(Who::kViewerOwn, "GET", "/api/v1/simulations").body);
  EXPECT_EQ(list["simulations"].size(), 2u);
  EXPECT_TRUE(
      Json::parse(Call(Who::kViewerAll, "GET", "/api/v1/simulations").body)["simulations"].size() ==
      2);
  Json other = Json::parse(Call(Who::kOperatorAll, "GET", "/api/v1/simulations").body);
  EXPECT_EQ(other["simulations"].size(), 2u);
  // A run in flight when the control plane goes away is cancelled, not waited out.
  hold_ = true;
  ASSERT_EQ(StartSimulation(Who::kOperatorOwn, kOwn).status, 201);
  plane_.reset();
  EXPECT_TRUE(cancelled_);
  EXPECT_FALSE(ControlPlane::Create([&] {
                 ControlPlaneOptions bad = options;
                 bad.max_stored_simulations = 0;
                 return bad;
               }())
                   .ok());
}

TEST_F(ControlPlaneTest, ClientCertificatesBoundToIdentitiesAuthenticateOthersGet401) {
  ASSERT_TRUE(store_
                  ->PutIdentity({"ci.example.com", "ci robot",
                                 security::GrantsToJson({*security::ParseGrant("viewer:harmonia")}),
                                 clock_.Now()},
                                {})
                  .ok());
  auto call = [this](const std::string& path, std::optional<ClientCertificate> cert,
                     std::string authorization = "") {
    ApiRequest r{"GET", path, {}, std::move(authorization), "", "10.0.0.1"};
    r.client_certificate = std::move(cert);
    return plane_->Handle(r);
  };
  const ClientCertificate bound{true, "", {"ci", "ci.example.com"}};  // CN, then a DNS name
  const ClientCertificate unknown{true, "", {"someone"}};
  const ClientCertificate untrusted{
      false, "unable to get local issuer certificate", {"ci.example.com"}};
  struct Case {
    std::string name, path;
    std::optional<ClientCertificate> cert;
    std::string authorization;
    int status;
    std::string method;  // whoami's "method" when 200
  };
  const std::string bearer = "Bearer " + tokens_[Who::kAdminAll];
  const std::vector<Case> cases = {
      {"bound certificate", "/api/v1/whoami", bound, "", 200, "client_certificate"},
      {"its tenant", "/api/v1/tenants/harmonia/services", bound, "", 200, ""},
      {"another tenant", "/api/v1/tenants/nightowl/services", bound, "", 403, ""},
      {"unbound certificate", "/api/v1/whoami", unknown, "", 401, ""},
      {"untrusted certificate", "/api/v1/whoami", untrusted, "", 401, ""},
      {"untrusted certificate with a token", "/api/v1/whoami", untrusted, bearer, 401, ""},
      {"no certificate: the token", "/api/v1/whoami", std::nullopt, bearer, 200, "bearer"},
      {"a token beside a certificate wins", "/api/v1/whoami", bound, bearer, 200, "bearer"},
      {"no certificate, no token", "/api/v1/whoami", std::nullopt, "", 401, ""},
  };
  for (const Case& c : cases) {
    ApiResponse r = call(c.path, c.cert, c.authorization);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    if (!c.method.empty()) {
      EXPECT_EQ(Json::parse(r.body)["method"], c.method) << c.name;
    }
  }
  Json who = Json::parse(call("/api/v1/whoami", bound).body);
  EXPECT_EQ(who["token"], "ci.example.com");
  EXPECT_EQ(who["name"], "ci robot");
  EXPECT_NE(call("/api/v1/whoami", untrusted).body.find("unable to get local issuer"),
            std::string::npos);
  auto entries = *store_->ListAudit(0, 1 << 30);
  int logins = 0, denied = 0;
  for (const store::AuditEntry& e : entries) {
    if (e.action == "auth.login" && e.target == "certificate ci.example.com") ++logins;
    if (e.action == "auth.denied" && e.actor == "anonymous 10.0.0.1") ++denied;
  }
  EXPECT_EQ(logins, 1) << "a certificate's first use in the process is audited once";
  EXPECT_EQ(denied, 5);  // unbound, untrusted x3, no credentials
}

}  // namespace
}  // namespace crescendo::api
