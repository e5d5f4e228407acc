// `crescendo serve`: the engine as a long-running service with the control plane's API.
//
//   crescendo serve --store PATH|URL --master-key-file FILE [--config DIR...] [--env prod]
//                   [--listen 127.0.0.1:8080] [--backend sim] [--speed N] [--interval 30s]
//                   [--retention 168h] [--tls-cert F --tls-key F [--tls-client-ca F]]
//                   [--metrics-catalogue FILE]
//   crescendo serve --print-openapi
//
// The engine ticks on the simulator in its own thread, its simulated world advancing at
// wall-clock speed times --speed. Each tick's decisions (traces sealed per tenant), each
// workload's latest horizontal and vertical recommendation (sealed), the sealed samples of the
// sensitive metrics (those --metrics-catalogue marks `sensitive`; without it, the scenario's
// business metrics, the catalogue's default for kind business), the engine's checkpoint and an
// audit entry per applied change are written to the store in one transaction. What-if
// simulations started through the API run `crescendo simulate`'s code path (sim::RunSimulation,
// one engine per strategy) on threads of their own, cancelled at shutdown. A configuration version
// stored through the API is applied to the engine at the next tick. When the store does not answer
// the engine skips its ticks (every workload keeps what it has) and /readyz says so, until it
// answers again. SIGTERM or SIGINT: the tick in flight finishes and is recorded, the server
// stops, the store closes. Exit codes: 0 after a clean stop, 1 when it cannot start, 2 bad flags.
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "cli/command.h"
#include "cli/config_scenario.h"
#include "cli/run_command.h"
#include "cli/validate.h"
#include "crescendo/api/control_plane.h"
#include "crescendo/api/http_server.h"
#include "crescendo/api/metrics_exporter.h"
#include "crescendo/base/quantity.h"
#include "crescendo/config/config_files.h"
#include "crescendo/config/loader.h"
#include "crescendo/engine/engine.h"
#include "crescendo/engine/strategies.h"
#include "crescendo/format/file.h"
#include "crescendo/metrics/catalogue.h"
#include "crescendo/security/crypto.h"
#include "crescendo/sim/report.h"
#include "crescendo/sim/runner.h"
#include "crescendo/sim/world.h"
#include "crescendo/store/store.h"

namespace crescendo::cli {
namespace {

// The keyring's owner of the engine checkpoint's key: not a DNS label, so no tenant has it.
constexpr std::string_view kCheckpointKeyOwner = "engine:checkpoint";

using Json = nlohmann::json;

// The simulated world starts where `crescendo run` starts it (kScenarioStartUnix, validate.h).
constexpr int64_t kConfigCheckEvery = 1;  // ticks between configuration checks
constexpr int64_t kRetentionEvery = 100;  // ticks between retention sweeps

std::atomic<bool> g_stop{false};
void OnStopSignal(int) { g_stop = true; }

struct ServeFlags {
  std::string store;
  std::string listen = "127.0.0.1:8080";
  std::string backend = "sim";
  double speed = 1;
  std::vector<std::string> config;
  std::string env = "prod";
  std::string interval;
  std::string retention = "168h";
  uint64_t seed = 1;
  std::string master_key_file;
  std::string tls_cert, tls_key, tls_client_ca;
  double rate = 100;
  std::string metrics_catalogue;
  bool print_openapi = false;
};

// The master key: --master-key-file, else $CRESCENDO_MASTER_KEY.
StatusOr<security::Key> MasterKey(const std::string& file) {
  if (!file.empty()) {
    // A key file is one line of 64 hex digits; 64 KiB is room for comments and line ends.
    CRESCENDO_ASSIGN_OR_RETURN(std::string text, format::ReadFile(file, size_t{64} << 10));
    return security::ParseMasterKey(text, "--master-key-file " + file);
  }
  if (const char* env = std::getenv("CRESCENDO_MASTER_KEY"); env != nullptr && *env != '\0') {
    return security::ParseMasterKey(env, "environment variable CRESCENDO_MASTER_KEY");
  }
  return InvalidArgumentError(
      "no master key: pass --master-key-file FILE or set CRESCENDO_MASTER_KEY (64 hex digits, "
      "e.g. from `openssl rand -hex 32`); it encrypts the tenants' data keys");
}

// Stores the files under `paths` as the first configuration version when the store has none.
Status SeedConfig(store::Store& store, const std::vector<std::string>& paths, Timestamp now,
                  std::ostream& log) {
  CRESCENDO_ASSIGN_OR_RETURN(int64_t newest, store.LatestConfigVersionNumber());
  if (newest > 0) {
    if (!paths.empty()) {
      log << "serve: the store holds configuration version " << newest
          << "; --config is ignored (change it through the API)\n";
    }
    return Status::Ok();
  }
  if (paths.empty()) {
    return FailedPreconditionError(
        "the store holds no configuration yet: pass --config DIR to store its files as version 1");
  }
  config::LocalConfigFiles files;
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<std::string> expanded, files.Expand(paths));
  store::ConfigVersion v;
  v.author = "crescendo serve --config";
  v.time = now;
  v.message = "initial configuration";
  for (const std::string& path : expanded) {
    CRESCENDO_ASSIGN_OR_RETURN(std::string text, files.Read(path));
    std::string name = path;
    for (const std::string& root : paths) {
      std::string prefix = root.ends_with("/") ? root : root + "/";
      if (name.starts_with(prefix)) name = name.substr(prefix.size());
    }
    v.files[name] = text;
  }
  store::AuditEntry audit;
  audit.time = now;
  audit.actor = "serve";
  audit.action = "config.change";
  return store.AppendConfigVersion(v, 0, audit).status();
}

StatusOr<std::shared_ptr<const config::Config>> LoadVersion(const store::ConfigVersion& v) {
  std::vector<config::SourceText> sources;
  for (const auto& [path, text] : v.files) sources.push_back({path, text});
  config::LoadOptions options;
  options.environment = config::CaptureOverrideVariables();
  config::LoadResult result = config::LoadConfig(sources, options);
  if (!result.ok()) {
    return InvalidArgumentError("configuration version " + std::to_string(v.version) + ": " +
                                result.Report());
  }
  return result.config;
}

Json TraceJson(const std::vector<TraceEntry>& trace) {
  Json out = Json::array();
  for (const TraceEntry& t : trace) {
    out.push_back(
        {{"step", t.step}, {"before", t.before}, {"after", t.after}, {"reason", t.reason}});
  }
  return out;
}

std::string_view UpdateName(VerticalUpdate u) {
  switch (u) {
    case VerticalUpdate::kOff:
      return "Off";
    case VerticalUpdate::kInitial:
      return "Initial";
    case VerticalUpdate::kRecreate:
      return "Recreate";
    case VerticalUpdate::kInPlaceOrRecreate:
      return "InPlaceOrRecreate";
  }
  return "Off";
}

Json AmountsJson(const Resources& r) {
  return {{"cpu_millis", r.cpu_millis}, {"memory_bytes", r.memory_bytes}};
}

// The VPA recommendation of each container, as the vertical strategy made it this run
// (VerticalDecision::recommendation). Returns container -> {"target", "lowerBound",
// "upperBound"}, each {"cpu_millis", "memory_bytes"} for the resources the recommendation covers
// (a resource the container policy leaves alone has none).
Json RecommendedBounds(const vertical::PodRecommendation& recommendation) {
  Json out = Json::object();
  for (const vertical::ContainerRecommendation& r : recommendation.containers) {
    Json c = Json::object();
    auto put = [&c, &r](const char* key,
                        std::optional<int64_t> vertical::RecommendedAmounts::*field) {
      if (!(r.target.*field) || !(r.lower_bound.*field) || !(r.upper_bound.*field)) return;
      c["target"][key] = *(r.target.*field);
      c["lowerBound"][key] = *(r.lower_bound.*field);
      c["upperBound"][key] = *(r.upper_bound.*field);
    };
    put("cpu_millis", &vertical::RecommendedAmounts::cpu_millis);
    put("memory_bytes", &vertical::RecommendedAmounts::memory_bytes);
    if (!c.empty()) out[r.container_name] = std::move(c);
  }
  return out;
}

// What the API answers for a workload's recommendation (GET .../recommendations): the
// horizontal decision and, for a workload sized vertically, the vertical one: per container
// the VPA target and bounds (RecommendedBounds) and, when the template changes, its new
// requests and limits (`template`).
Json RecommendationJson(const Decision& d, const std::optional<VerticalDecision>& v) {
  Json out = {{"horizontal",
               {{"current_replicas", d.current_replicas},
                {"desired_replicas", d.desired_replicas},
                {"applied", d.applied},
                {"status", d.status.ok() ? "" : d.status.message()},
                {"trace", TraceJson(d.trace)}}},
              {"vertical", nullptr}};
  if (!v) return out;
  Json recommended = RecommendedBounds(v->recommendation);
  Json containers = Json::array();
  for (auto& [name, bounds] : recommended.items()) {
    bounds["name"] = name;
    containers.push_back(bounds);
  }
  for (const ContainerResources& c : v->containers) {
    auto it = std::find_if(containers.begin(), containers.end(),
                           [&](const Json& j) { return j["name"] == c.name; });
    if (it == containers.end()) {
      containers.push_back({{"name", c.name}});
      it = containers.end() - 1;
    }
    (*it)["template"] = {{"requests", AmountsJson(c.requests)}, {"limits", AmountsJson(c.limits)}};
  }
  out["vertical"] = {{"applied", v->applied},
                     {"update", UpdateName(v->update)},
                     {"containers", containers},
                     {"pods", v->pods},
                     {"trace", TraceJson(v->trace)}};
  return out;
}

// A load source that fails with Cancelled once `cancel` turns true: the simulation runner stops
// at the next tick and returns that error.
class CancellableSource : public sim::LoadSource {
 public:
  CancellableSource(std::unique_ptr<sim::LoadSource> inner, const std::atomic<bool>* cancel)
      : inner_(std::move(inner)), cancel_(cancel) {}
  StatusOr<std::optional<double>> RpsAt(Timestamp t) override {
    if (cancel_->load()) {
      return Status(StatusCode::kCancelled, "the simulation was cancelled: the server is stopping");
    }
    return inner_->RpsAt(t);
  }

 private:
  std::unique_ptr<sim::LoadSource> inner_;
  const std::atomic<bool>* cancel_;
};

constexpr std::string_view kBuiltinScenario = "music-streaming";

// Checks a what-if request and returns its job: the scenario (the generated music streaming one,
// or the request's configuration in `environment`), the tenant's services only when it names
// one, each strategy on its own engine and cluster (sim::RunSimulation, as `crescendo simulate`),
// the report as `simulate --json` writes it.
StatusOr<api::SimulationJob> PrepareSimulation(const api::SimulationSpec& spec,
                                               const std::string& environment, std::string* field) {
  const Timestamp start = FromUnixSeconds(kScenarioStartUnix);
  sim::ScenarioSpec scenario;
  if (spec.scenario == kBuiltinScenario) {
    scenario = sim::MusicStreamingScenario(spec.seed, start);
  } else if (spec.scenario == "config" && spec.config != nullptr) {
    StatusOr<sim::ScenarioSpec> built =
        ScenarioFromConfig(*spec.config, environment, spec.seed, start);
    if (!built.ok()) {
      *field = "files";
      return InvalidArgumentError(built.status().message());
    }
    scenario = *std::move(built);
  } else {
    *field = "scenario";
    return InvalidArgumentError("unknown scenario \"" + spec.scenario +
                                "\"; expected config (the current configuration) or " +
                                std::string(kBuiltinScenario));
  }
  if (!spec.tenant.empty()) {
    std::erase_if(scenario.services,
                  [&](const sim::ServiceSpec& s) { return s.id.tenant != spec.tenant; });
    if (scenario.services.empty()) {
      *field = "tenant";
      return InvalidArgumentError("the scenario has no service of tenant " + spec.tenant +
                                  " in environment " + environment);
    }
  }
  for (size_t i = 0; i < spec.strategies.size(); ++i) {
    StatusOr<ModeStrategies> known = StrategiesForName(spec.strategies[i]);
    if (!known.ok()) {
      *field = "strategies[" + std::to_string(i) + "]";
      return InvalidArgumentError(known.status().message());
    }
  }
  sim::SimulationOptions options;
  options.start = start;
  options.end = start + spec.duration;
  options.seed = spec.seed;
  options.strategies = spec.strategies;
  options.nodes = scenario.nodes;
  options.resolve = StrategiesForName;
  StatusOr<int64_t> ticks = CheckTicks(spec.duration, options.interval);
  const int64_t work = (ticks.ok() ? *ticks : 0) * static_cast<int64_t>(scenario.services.size()) *
                       static_cast<int64_t>(spec.strategies.size());
  if (!ticks.ok() || work > kMaxServiceTicks) {
    *field = "duration_seconds";
    return InvalidArgumentError(ticks.ok() ? "the run would be " + std::to_string(work) +
                                                 " service-ticks, expected at most " +
                                                 std::to_string(kMaxServiceTicks) +
                                                 ": shorten it or compare fewer strategies"
                                           : ticks.status().message());
  }
  sim::LoadDescription load{"scenario", spec.scenario, spec.scenario, spec.seed, {}, {}, 1, 1};
  for (const sim::ServiceSpec& s : scenario.services) load.services.push_back(s.id);
  return api::SimulationJob(
      [scenario, options, load](const std::atomic<bool>& cancel) -> StatusOr<std::string> {
        std::vector<sim::SimService> services = sim::ServicesOf(scenario);
        for (sim::SimService& s : services) {
          s.source = std::make_unique<CancellableSource>(std::move(s.source), &cancel);
        }
        CRESCENDO_ASSIGN_OR_RETURN(sim::SimulationResult result,
                                   sim::RunSimulation(services, options, NewHorizontalStrategy));
        return sim::ResultJson(result, load);
      });
}

// True when the load signal of the forecasting strategies (ReadLoadSignal in
// horizontal/predictive.h) for `id` is requests_per_second, so that Decision::forecast_load is in
// requests/s: its HPA scales on requests_per_second, which the simulator reports as the
// workload's total (a workload-level value, preferred to per-pod sums such as cpu), and on no
// Object or External average value (which could come first). Other signals (queue lengths,
// streams, cpu millicores) are not requests/s, and their forecasts are not exported as such.
bool LoadSignalIsRequestsPerSecond(const config::Config& config, const WorkloadId& id) {
  for (const config::ServiceConfig& s : config.services) {
    if (s.id.ToString() != id.ToString() || !s.horizontal) continue;
    bool rps = false;
    for (const MetricSpec& m : s.horizontal->metrics) {
      const bool workload_level =
          m.type == MetricSourceType::kObject || m.type == MetricSourceType::kExternal;
      if (workload_level && m.target.average_value) return false;
      rps = rps || (m.type == MetricSourceType::kPods && m.name == "requests_per_second");
    }
    return rps;
  }
  return false;
}

// The operational metrics of `serve` (beside api::MetricsExporter's), the inputs of the alerting
// rules in monitoring/prometheus/crescendo-alerts.yaml and of the Grafana dashboard:
//   crescendo_ticks_total                          ticks recorded
//   crescendo_tick_failures_total{reason}          ticks skipped (store_unavailable) or not
//                                                  recorded (record_failed)
//   crescendo_last_tick_timestamp_seconds          wall-clock Unix time of the last recorded tick
//   crescendo_tick_period_seconds                  the wall-clock time between ticks
//                                                  (--interval / --speed)
//   crescendo_engine_holding                       1 while every workload is held (store down)
//   crescendo_decisions_held_total{tenant}         decisions that wanted a change not applied
//   crescendo_workload_replicas{tenant,service}    replicas after the last tick
//   crescendo_workload_load_rps{tenant,service}    offered load at the last tick
//   crescendo_workload_forecast_rps{tenant,service}  the load (requests/s) the tick's forecast
//                                                  expected at the horizon the predictive or
//                                                  intelligent strategy provisioned for; only
//                                                  while it had one, in requests/s
//                                                  (LoadSignalIsRequestsPerSecond)
//   crescendo_workload_pod_cpu_millis{tenant,service}, crescendo_workload_pod_memory_bytes
//                                                  the pod requests a vertical decision set
//   crescendo_tenant_replicas{tenant}              sum of the tenant's replicas
//   crescendo_tenant_replica_quota{tenant}         its tier's quota.maxReplicas (the budget)
//   crescendo_tenant_cost_total{tenant}            simulated cost (pod-hours x price)
//   crescendo_tenant_seconds_over_target_total{tenant}  service-seconds with load over capacity
//   crescendo_tenant_service_seconds_total{tenant} service-seconds simulated (the SLA's total)
//   crescendo_shards, crescendo_shard_owned{shard} shards of the workload set and whether this
//                                                  process owns each (serve runs one shard)
// Thread safety: Update() from the engine thread; the registry is read by /metrics.
class OpsMetrics {
 public:
  explicit OpsMetrics(prometheus::Registry& r, double period_seconds)
      : ticks_(prometheus::BuildCounter()
                   .Name("crescendo_ticks_total")
                   .Help("Engine ticks recorded")
                   .Register(r)
                   .Add({})),
        failures_(prometheus::BuildCounter()
                      .Name("crescendo_tick_failures_total")
                      .Help("Ticks skipped or not recorded, by reason")
                      .Register(r)),
        last_tick_(prometheus::BuildGauge()
                       .Name("crescendo_last_tick_timestamp_seconds")
                       .Help("Wall-clock Unix time of the last recorded tick")
                       .Register(r)
                       .Add({})),
        holding_(prometheus::BuildGauge()
                     .Name("crescendo_engine_holding")
                     .Help("1 while the engine holds every workload (the store does not answer)")
                     .Register(r)
                     .Add({})),
        held_(prometheus::BuildCounter()
                  .Name("crescendo_decisions_held_total")
                  .Help("Decisions that wanted a replica change the backend did not apply")
                  .Register(r)),
        replicas_(prometheus::BuildGauge()
                      .Name("crescendo_workload_replicas")
                      .Help("Replicas of the workload after the last tick")
                      .Register(r)),
        load_(prometheus::BuildGauge()
                  .Name("crescendo_workload_load_rps")
                  .Help("Offered load of the workload at the last tick, requests per second")
                  .Register(r)),
        forecast_(prometheus::BuildGauge()
                      .Name("crescendo_workload_forecast_rps")
                      .Help("Load the last tick's forecast expected at the provisioning horizon, "
                            "requests per second (predictive and intelligent modes)")
                      .Register(r)),
        pod_cpu_(prometheus::BuildGauge()
                     .Name("crescendo_workload_pod_cpu_millis")
                     .Help("CPU request per pod (millicores) set by the last vertical decision")
                     .Register(r)),
        pod_memory_(prometheus::BuildGauge()
                        .Name("crescendo_workload_pod_memory_bytes")
                        .Help("Memory request per pod (bytes) set by the last vertical decision")
                        .Register(r)),
        tenant_replicas_(prometheus::BuildGauge()
                             .Name("crescendo_tenant_replicas")
                             .Help("Sum of the tenant's replicas after the last tick")
                             .Register(r)),
        quota_(prometheus::BuildGauge()
                   .Name("crescendo_tenant_replica_quota")
                   .Help("The tenant's tier quota.maxReplicas: its replica budget")
                   .Register(r)),
        cost_(prometheus::BuildCounter()
                  .Name("crescendo_tenant_cost_total")
                  .Help("Simulated cost of the tenant's pods (pod-hours x costPerPodHour)")
                  .Register(r)),
        over_(prometheus::BuildCounter()
                  .Name("crescendo_tenant_seconds_over_target_total")
                  .Help("Service-seconds (simulated) in which load exceeded ready capacity")
                  .Register(r)),
        service_seconds_(prometheus::BuildCounter()
                             .Name("crescendo_tenant_service_seconds_total")
                             .Help("Service-seconds simulated: the SLA ratio's denominator")
                             .Register(r)),
        shards_(prometheus::BuildGauge()
                    .Name("crescendo_shards")
                    .Help("Shards the workload set is split into")
                    .Register(r)
                    .Add({})),
        owned_(prometheus::BuildGauge()
                   .Name("crescendo_shard_owned")
                   .Help("1 when this process owns the shard")
                   .Register(r)
                   .Add({{"shard", "0"}})) {
    prometheus::BuildGauge()
        .Name("crescendo_tick_period_seconds")
        .Help("Wall-clock seconds between ticks (--interval / --speed)")
        .Register(r)
        .Add({})
        .Set(period_seconds);
    shards_.Set(1);
    owned_.Set(1);
    // Every reason's series exists from the start, so rate() and increase() see its first one.
    for (const char* reason : {"store_unavailable", "record_failed"}) {
      failures_.Add({{"reason", reason}});
    }
  }

  void Failed(const std::string& reason, bool holding) {
    failures_.Add({{"reason", reason}}).Increment();
    holding_.Set(holding ? 1 : 0);
  }

  // Records a tick at wall-clock `wall_unix`: its decisions, the world's cumulative statistics
  // and the tenants' quotas from `config`.
  void Update(double wall_unix, const TickReport& report, const sim::World& world,
              const config::Config& config, Duration interval) {
    ticks_.Increment();
    last_tick_.Set(wall_unix);
    holding_.Set(0);
    std::map<std::string, double> per_tenant;
    std::map<std::string, int> services;
    for (const Decision& d : report.decisions) {
      const std::string& tenant = d.workload->tenant;
      const int32_t now = d.applied ? d.desired_replicas : d.current_replicas;
      const prometheus::Labels labels = {{"tenant", tenant}, {"service", d.workload->name}};
      replicas_.Add(labels).Set(now);
      load_.Add(labels).Set(world.LoadRps(d.workload));
      if (d.forecast_load && LoadSignalIsRequestsPerSecond(config, d.workload)) {
        forecast_.Add(labels).Set(*d.forecast_load);
      } else if (forecast_.Has(labels)) {
        forecast_.Remove(&forecast_.Add(labels));  // no forecast this tick: no stale value
      }
      if (d.pod_requests) {
        pod_cpu_.Add(labels).Set(static_cast<double>(d.pod_requests->cpu_millis));
        pod_memory_.Add(labels).Set(static_cast<double>(d.pod_requests->memory_bytes));
      }
      per_tenant[tenant] += now;
      ++services[tenant];
      prometheus::Counter& held = held_.Add({{"tenant", tenant}});  // exists from the first tick
      if (d.desired_replicas != d.current_replicas && !d.applied) held.Increment();
    }
    for (const auto& [tenant, sum] : per_tenant) {
      tenant_replicas_.Add({{"tenant", tenant}}).Set(sum);
      service_seconds_.Add({{"tenant", tenant}}).Increment(ToSeconds(interval) * services[tenant]);
      auto t = config.tenants.find(tenant);
      if (t == config.tenants.end()) continue;
      auto tier = config.tiers.find(t->second.tier);
      if (tier != config.tiers.end() && tier->second.quota.max_replicas) {
        quota_.Add({{"tenant", tenant}}).Set(*tier->second.quota.max_replicas);
      }
    }
    std::map<std::string, std::pair<double, double>> totals;  // tenant -> cost, over target
    for (const sim::ServiceStats& s : world.Stats()) {
      totals[s.id.tenant].first += s.cost;
      totals[s.id.tenant].second += s.seconds_over_target;
    }
    for (const auto& [tenant, t] : totals) {
      auto& [cost, over] = last_totals_[tenant];
      // The world's figures are cumulative since it was built; a rebuilt world restarts them.
      const double d_cost = t.first >= cost ? t.first - cost : t.first;
      const double d_over = t.second >= over ? t.second - over : t.second;
      cost_.Add({{"tenant", tenant}}).Increment(d_cost);
      over_.Add({{"tenant", tenant}}).Increment(d_over);
      cost = t.first;
      over = t.second;
    }
  }

 private:
  prometheus::Counter& ticks_;
  prometheus::Family<prometheus::Counter>& failures_;
  prometheus::Gauge& last_tick_;
  prometheus::Gauge& holding_;
  prometheus::Family<prometheus::Counter>& held_;
  prometheus::Family<prometheus::Gauge>& replicas_;
  prometheus::Family<prometheus::Gauge>& load_;
  prometheus::Family<prometheus::Gauge>& forecast_;
  prometheus::Family<prometheus::Gauge>& pod_cpu_;
  prometheus::Family<prometheus::Gauge>& pod_memory_;
  prometheus::Family<prometheus::Gauge>& tenant_replicas_;
  prometheus::Family<prometheus::Gauge>& quota_;
  prometheus::Family<prometheus::Counter>& cost_;
  prometheus::Family<prometheus::Counter>& over_;
  prometheus::Family<prometheus::Counter>& service_seconds_;
  prometheus::Gauge& shards_;
  prometheus::Gauge& owned_;
  std::map<std::string, std::pair<double, double>> last_totals_;
};

// The engine on the simulator, ticking in its own thread.
class EngineLoop {
 public:
  struct Options {
    store::Store* store;
    security::Key master;
    std::string environment;
    uint64_t seed;
    Duration interval;
    double speed;
    Duration retention;
    api::MetricsExporter* exporter;
    OpsMetrics* ops;  // may be null
    Clock* wall;      // the wall clock the metrics' timestamps come from
    std::ostream* log;
    // Decides which metrics are sealed and stored; null: the scenario's business metrics.
    const metrics::MetricCatalogue* catalogue = nullptr;
  };

  static StatusOr<std::unique_ptr<EngineLoop>> Create(Options o) {
    auto loop = std::unique_ptr<EngineLoop>(new EngineLoop(std::move(o)));
    CRESCENDO_RETURN_IF_ERROR(loop->Build());
    return loop;
  }

  ~EngineLoop() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Loop(); });
  }
  // Finishes the tick in flight, records it, and returns.
  void Stop() {
    {
      std::lock_guard lock(wake_mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  bool ready() const { return ready_; }

  StatusOr<std::string> OpenSealed(const std::string& tenant, int64_t version,
                                   const std::string& sealed) {
    std::lock_guard lock(keys_mu_);
    return keyring_.OpenFor(tenant, version, sealed);
  }

 private:
  explicit EngineLoop(Options o) : o_(std::move(o)), clock_(FromUnixSeconds(kScenarioStartUnix)) {}

  Status Build() {
    CRESCENDO_ASSIGN_OR_RETURN(std::vector<store::DataKey> stored, o_.store->ListDataKeys());
    std::vector<security::WrappedKey> wrapped;
    for (const store::DataKey& k : stored) wrapped.push_back({k.tenant, k.version, k.wrapped});
    CRESCENDO_ASSIGN_OR_RETURN(keyring_, security::Keyring::Load(o_.master, wrapped));
    CRESCENDO_ASSIGN_OR_RETURN(std::optional<store::ConfigVersion> version,
                               o_.store->LatestConfigVersion());
    if (!version) return FailedPreconditionError("the store holds no configuration");
    CRESCENDO_ASSIGN_OR_RETURN(config_, LoadVersion(*version));
    config_version_ = version->version;
    CRESCENDO_ASSIGN_OR_RETURN(std::optional<store::Checkpoint> checkpoint,
                               o_.store->LatestCheckpoint());
    start_ = checkpoint ? checkpoint->time : FromUnixSeconds(kScenarioStartUnix);
    tick_ = checkpoint ? checkpoint->tick : 0;
    CRESCENDO_ASSIGN_OR_RETURN(sim::ScenarioSpec scenario,
                               ScenarioFromConfig(*config_, o_.environment, o_.seed, start_));
    SensitiveMetrics(scenario);
    CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<sim::World> world, sim::World::Create(scenario));
    world_ = std::move(world);
    clock_.SleepUntil(start_);
    metrics::CollectorOptions collector;
    collector.threads = 2;
    collector.seed = o_.seed;
    CRESCENDO_ASSIGN_OR_RETURN(collector_, metrics::Collector::Create(collector, {world_}, clock_));
    std::vector<WorkloadConfig> workloads = WorkloadsOf(*config_, o_.environment);
    EngineOptions engine;
    engine.backend = world_.get();
    engine.collector = collector_.get();
    engine.bindings = SimBindings(config_.get(), workloads);
    if (o_.catalogue != nullptr) {
      for (const metrics::MetricBinding& b : engine.bindings) {
        const metrics::MetricDefinition* m = o_.catalogue->Find(b.metric);
        if (m != nullptr && m->sensitive) sensitive_.insert(b.metric);
      }
    }
    // The configuration's catalogue has the last word on the metrics it marks either way.
    std::set<std::string> recorded;
    for (const sim::ServiceSpec& s : scenario.services) {
      for (const sim::BusinessMetricSpec& b : s.business_metrics) recorded.insert(b.name);
    }
    for (const metrics::MetricBinding& b : engine.bindings) recorded.insert(b.metric);
    std::string configured;
    for (const auto& [name, def] : config_->metrics) {
      if (!def.sensitive || !recorded.contains(name)) continue;
      configured += (configured.empty() ? "" : ", ") + name + (*def.sensitive ? "" : " (not)");
      if (*def.sensitive) {
        sensitive_.insert(name);
      } else {
        sensitive_.erase(name);
      }
    }
    std::string sealed;
    for (const std::string& m : sensitive_) sealed += (sealed.empty() ? "" : ", ") + m;
    *o_.log << "serve: sealing the samples of " << (sealed.empty() ? "no metric" : sealed)
            << (o_.catalogue != nullptr ? " (marked sensitive in --metrics-catalogue)"
                                        : " (the business metrics: no --metrics-catalogue)")
            << (configured.empty() ? "" : "; as the configuration marks " + configured) << "\n";
    CRESCENDO_ASSIGN_OR_RETURN(engine_, Engine::Create(engine, workloads));
    if (checkpoint) {
      Json state = Json::parse(checkpoint->state, nullptr, false);
      if (state.is_object() && state.contains("sealed")) {
        if (!state["sealed"].is_string() ||
            !state.value("key_version", Json()).is_number_integer()) {
          return DataLossError("checkpoint of tick " + std::to_string(tick_) +
                               ": expected {\"sealed\": text, \"key_version\": n}");
        }
        CRESCENDO_ASSIGN_OR_RETURN(
            std::string opened,
            keyring_.OpenFor(std::string(kCheckpointKeyOwner), state["key_version"].get<int64_t>(),
                             state["sealed"].get<std::string>()));
        state = Json::parse(opened, nullptr, false);
      }
      CRESCENDO_RETURN_IF_ERROR(
          engine_->Restore(state).WithContext("checkpoint of tick " + std::to_string(tick_)));
      *o_.log << "serve: resumed the engine from the checkpoint of tick " << tick_ << " ("
              << FormatRfc3339(start_) << ")\n";
    }
    ready_ = true;
    return Status::Ok();
  }

  // The metrics whose samples are sealed and stored: those of the scenario's business metrics
  // (and, below, of the engine's bindings) the catalogue marks sensitive; without a catalogue,
  // every business metric (a business metric's default `sensitive` in the catalogue).
  void SensitiveMetrics(const sim::ScenarioSpec& scenario) {
    for (const sim::ServiceSpec& s : scenario.services) {
      for (const sim::BusinessMetricSpec& b : s.business_metrics) {
        const metrics::MetricDefinition* m =
            o_.catalogue != nullptr ? o_.catalogue->Find(b.name) : nullptr;
        if (o_.catalogue == nullptr || (m != nullptr && m->sensitive)) sensitive_.insert(b.name);
      }
    }
  }

  void Loop() {
    const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(ToSeconds(o_.interval) / o_.speed));
    auto next = std::chrono::steady_clock::now() + period;
    int64_t ticks_here = 0;
    while (true) {
      {
        std::unique_lock lock(wake_mu_);
        if (wake_.wait_until(lock, next, [this] { return stopping_; })) return;
      }
      next += period;
      if (!o_.store->Ping().ok()) {
        if (ready_) *o_.log << "serve: the store does not answer; holding every workload\n";
        ready_ = false;
        if (o_.ops != nullptr) o_.ops->Failed("store_unavailable", true);
        continue;  // no tick: nothing is applied while nothing can be recorded
      }
      if (++ticks_here % kConfigCheckEvery == 0) ApplyNewConfig();
      Status s = Tick();
      if (!s.ok()) {
        *o_.log << "serve: tick " << tick_ << " not recorded: " << s.message() << "\n";
        ready_ = false;
        if (o_.ops != nullptr) o_.ops->Failed("record_failed", false);
        continue;
      }
      if (!ready_) *o_.log << "serve: the store answers again\n";
      ready_ = true;
      if (tick_ % kRetentionEvery == 0) {
        StatusOr<int64_t> deleted = o_.store->DeleteBefore(clock_.Now() - o_.retention);
        if (deleted.ok() && *deleted > 0) {
          *o_.log << "serve: retention deleted " << *deleted << " rows older than "
                  << FormatDuration(o_.retention) << "\n";
        }
      }
    }
  }

  void ApplyNewConfig() {
    StatusOr<int64_t> newest = o_.store->LatestConfigVersionNumber();
    if (!newest.ok() || *newest == config_version_) return;
    StatusOr<store::ConfigVersion> v = o_.store->GetConfigVersion(*newest);
    if (!v.ok()) return;
    StatusOr<std::shared_ptr<const config::Config>> loaded = LoadVersion(*v);
    config_version_ = *newest;
    if (!loaded.ok()) {
      *o_.log << "serve: " << loaded.status().message() << "\n";
      return;
    }
    Status s = engine_->UpdateWorkloads(WorkloadsOf(**loaded, o_.environment));
    *o_.log << "serve: applied configuration version " << *newest
            << (s.ok() ? "" : ": " + s.message()) << "\n";
    if (s.ok()) config_ = *loaded;
  }

  Status Tick() {
    const Timestamp now = start_ + o_.interval * (tick_ + 1);
    world_->Advance(now);
    clock_.SleepUntil(now);
    const TickReport report = engine_->RunOnce(now);
    store::TickRecord record;
    std::lock_guard lock(keys_mu_);
    // The engine's state holds what it learnt from the metrics (a forecaster's samples of a
    // business metric, for one): sealed like the metrics themselves.
    int64_t checkpoint_key = 0;
    CRESCENDO_ASSIGN_OR_RETURN(
        std::string sealed_state,
        keyring_.SealFor(std::string(kCheckpointKeyOwner),
                         engine_->Checkpoint().dump(-1, ' ', false, Json::error_handler_t::replace),
                         &checkpoint_key));
    record.checkpoint = {tick_ + 1, now,
                         Json{{"sealed", sealed_state}, {"key_version", checkpoint_key}}.dump()};
    for (size_t i = 0; i < report.decisions.size(); ++i) {
      const Decision& d = report.decisions[i];
      store::RecommendationRecord rec{
          d.workload.ToString(), d.workload->tenant, tick_ + 1, now, "", 0};
      const std::optional<VerticalDecision> none;
      Json doc = RecommendationJson(d, i < report.vertical.size() ? report.vertical[i] : none);
      KeepVerticalTargets(rec.workload, tick_ + 1, doc);
      CRESCENDO_ASSIGN_OR_RETURN(
          rec.sealed,
          keyring_.SealFor(rec.tenant, doc.dump(-1, ' ', false, Json::error_handler_t::replace),
                           &rec.key_version));
      record.recommendations.push_back(std::move(rec));
      store::DecisionRecord r;
      r.tick = tick_ + 1;
      r.time = now;
      r.workload = d.workload.ToString();
      r.tenant = d.workload->tenant;
      r.current_replicas = d.current_replicas;
      r.desired_replicas = d.desired_replicas;
      r.applied = d.applied;
      r.status = d.status.ok() ? "" : d.status.message();
      CRESCENDO_ASSIGN_OR_RETURN(
          r.trace,
          keyring_.SealFor(r.tenant,
                           TraceJson(d.trace).dump(-1, ' ', false, Json::error_handler_t::replace),
                           &r.key_version));
      if (d.applied && d.desired_replicas != d.current_replicas) {
        store::AuditEntry e;
        e.time = now;
        e.actor = "engine";
        e.action = "decision.applied";
        e.target = r.workload;
        e.tenant = r.tenant;
        e.detail =
            Json{{"from", d.current_replicas}, {"to", d.desired_replicas}, {"tick", r.tick}}.dump(
                -1, ' ', false, Json::error_handler_t::replace);
        record.audit.push_back(e);
      }
      record.decisions.push_back(std::move(r));
      if (o_.exporter != nullptr) {
        o_.exporter->CountDecision(d.desired_replicas > d.current_replicas   ? "up"
                                   : d.desired_replicas < d.current_replicas ? "down"
                                                                             : "hold");
      }
    }
    CRESCENDO_RETURN_IF_ERROR(SealSensitiveMetrics(now, record));
    if (keyring_.changed()) {
      CRESCENDO_ASSIGN_OR_RETURN(std::vector<security::WrappedKey> wrapped,
                                 keyring_.Wrap(o_.master));
      std::vector<store::DataKey> keys;
      for (const security::WrappedKey& w : wrapped)
        keys.push_back({w.tenant, w.version, w.wrapped, now});
      store::AuditEntry e;
      e.time = now;
      e.actor = "engine";
      e.action = "keys.create";
      CRESCENDO_RETURN_IF_ERROR(o_.store->PutDataKeys(keys, e));
      keyring_.mark_saved();
    }
    CRESCENDO_RETURN_IF_ERROR(o_.store->RecordTick(record));
    ++tick_;
    if (o_.exporter != nullptr) {
      Duration elapsed{};
      for (const StepTiming& t : report.timings) elapsed += t.elapsed;
      o_.exporter->ObserveTick(elapsed);
      o_.exporter->UpdateSources(report.sources, now);
    }
    if (o_.ops != nullptr) {
      o_.ops->Update(ToUnixSeconds(o_.wall->Now()), report, *world_, *config_, o_.interval);
    }
    return Status::Ok();
  }

  // A vertical strategy runs less often than the engine ticks (the VPA once a minute); between
  // its runs a recommendation carries the containers of its last run, and `containers_tick`
  // says which tick that was.
  void KeepVerticalTargets(const std::string& workload, int64_t tick, Json& doc) {
    Json& vertical = doc["vertical"];
    if (vertical.is_null()) return;
    if (!vertical["containers"].empty()) {
      last_vertical_[workload] = {tick, vertical["containers"]};
      vertical["containers_tick"] = tick;
    } else if (auto it = last_vertical_.find(workload); it != last_vertical_.end()) {
      vertical["containers"] = it->second.second;
      vertical["containers_tick"] = it->second.first;
    }
  }

  // Reads each business metric of the tick and stores it sealed under its tenant's key.
  // REQUIRES: keys_mu_ held.
  Status SealSensitiveMetrics(Timestamp now, store::TickRecord& record) {
    std::vector<WorkloadId> ids;
    for (const WorkloadConfig& w : engine_->workloads()) ids.push_back(w.id);
    for (const std::string& metric : sensitive_) {
      MetricRequest request{metric, SimQueryFor(metric), ids, now};
      StatusOr<std::vector<WorkloadMetric>> read = world_->Read(request);
      if (!read.ok()) continue;
      for (size_t i = 0; i < read->size() && i < ids.size(); ++i) {
        const WorkloadMetric& m = (*read)[i];
        if (!m.status.ok() || !m.value) continue;
        store::MetricRollup r{ids[i].tenant, ids[i].ToString(), metric, now, "", 0};
        CRESCENDO_ASSIGN_OR_RETURN(
            r.sealed,
            keyring_.SealFor(r.tenant,
                             Json(*m.value).dump(-1, ' ', false, Json::error_handler_t::replace),
                             &r.key_version));
        record.rollups.push_back(std::move(r));
      }
    }
    return Status::Ok();
  }

  Options o_;
  SimulatedClock clock_;
  std::shared_ptr<const config::Config> config_;
  int64_t config_version_ = 0;
  Timestamp start_;
  int64_t tick_ = 0;
  std::set<std::string> sensitive_;
  // workload -> the tick and containers of its last vertical run (engine thread only)
  std::map<std::string, std::pair<int64_t, Json>> last_vertical_;
  std::shared_ptr<sim::World> world_;
  std::unique_ptr<metrics::Collector> collector_;
  std::unique_ptr<Engine> engine_;
  std::mutex keys_mu_;  // guards keyring_ (the tick seals, API threads open)
  security::Keyring keyring_;
  std::atomic<bool> ready_{false};
  std::thread thread_;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

int RunServe(const ServeFlags& f, CommandContext& ctx) {
  auto fail = [&ctx](const Status& s, int code) {
    ctx.err << "crescendo serve: " << s.message() << "\n";
    return code;
  };
  if (f.print_openapi) {
    ctx.out << api::ControlPlane::OpenApi().dump(2) << "\n";
    return 0;
  }
  if (f.store.empty()) return fail(InvalidArgumentError("--store is required"), 2);
  if (f.backend != "sim") {
    return fail(UnavailableError("--backend " + f.backend +
                                 ": this build runs the embedded simulator (--backend sim)"),
                2);
  }
  if (!(f.speed > 0)) return fail(InvalidArgumentError("--speed must be > 0"), 2);
  StatusOr<Duration> interval = f.interval.empty()
                                    ? DefaultInterval(std::getenv("SCALING_INTERVAL"))
                                    : ParseDuration(f.interval);
  if (!interval.ok() || interval->count() <= 0) {
    return fail(InvalidArgumentError("--interval: expected a positive Go duration such as 30s"), 2);
  }
  StatusOr<Duration> retention = ParseDuration(f.retention);
  if (!retention.ok() || retention->count() <= 0) {
    return fail(InvalidArgumentError("--retention: expected a positive Go duration such as 168h"),
                2);
  }
  StatusOr<security::Key> master = MasterKey(f.master_key_file);
  if (!master.ok()) return fail(master.status(), 2);
  StatusOr<std::unique_ptr<store::Store>> store = store::OpenStore(f.store);
  if (!store.ok()) return fail(store.status().WithContext("--store"), 1);
  RealClock wall;
  Status seeded = SeedConfig(**store, f.config, wall.Now(), ctx.err);
  if (!seeded.ok()) return fail(seeded, 1);
  std::optional<metrics::MetricCatalogue> catalogue;
  if (!f.metrics_catalogue.empty()) {
    StatusOr<metrics::MetricCatalogue> loaded =
        metrics::MetricCatalogue::LoadFile(f.metrics_catalogue);
    if (!loaded.ok()) return fail(loaded.status().WithContext("--metrics-catalogue"), 2);
    catalogue = *std::move(loaded);
  }
  api::MetricsExporter exporter;
  OpsMetrics ops(*exporter.registry(), ToSeconds(*interval) / f.speed);
  StatusOr<std::unique_ptr<EngineLoop>> loop =
      EngineLoop::Create({store->get(), *master, f.env, f.seed, *interval, f.speed, *retention,
                          &exporter, &ops, &wall, &ctx.err, catalogue ? &*catalogue : nullptr});
  if (!loop.ok()) return fail(loop.status(), 1);
  api::ControlPlaneOptions options;
  options.store = store->get();
  options.clock = &wall;
  options.environment = f.env;
  options.load_options.environment = config::CaptureOverrideVariables();
  options.rate_per_second = f.rate;
  options.burst = 2 * f.rate;
  options.exporter = &exporter;
  EngineLoop* engine = loop->get();
  options.open_sealed = [engine](const std::string& tenant, int64_t version,
                                 const std::string& sealed) {
    return engine->OpenSealed(tenant, version, sealed);
  };
  options.engine_ready = [engine] { return engine->ready(); };
  options.prepare_simulation = [env = f.env](const api::SimulationSpec& spec, std::string* field) {
    return PrepareSimulation(spec, env, field);
  };
  StatusOr<std::unique_ptr<api::ControlPlane>> plane = api::ControlPlane::Create(options);
  if (!plane.ok()) return fail(plane.status(), 1);
  api::HttpServerOptions http;
  http.listen = f.listen;
  http.tls_cert = f.tls_cert;
  http.tls_key = f.tls_key;
  http.tls_client_ca = f.tls_client_ca;
  http.max_body_bytes = options.max_body_bytes;
  StatusOr<std::unique_ptr<api::HttpServer>> server = api::HttpServer::Start(http, plane->get());
  if (!server.ok()) return fail(server.status().WithContext("--listen"), 1);
  g_stop = false;
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  (*loop)->Start();
  const std::string host = f.listen.substr(0, f.listen.rfind(':'));
  ctx.err << "serve: listening on " << (f.tls_cert.empty() ? "http" : "https") << "://" << host
          << ":" << (*server)->port() << " (store "
          << (f.store.find("://") == std::string::npos ? f.store : "postgresql") << ", environment "
          << f.env << ", speed " << f.speed << "x)\n"
          << std::flush;
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ctx.err << "serve: stopping: finishing the tick in flight\n";
  (*loop)->Stop();
  (*server)->Stop();
  ctx.err << "serve: stopped\n";
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, CommandContext& ctx) {
  auto f = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Run the engine as a service with the control plane's REST API (/api/v1)");
  cmd->add_option("--store", f->store,
                  "Where state lives: a SQLite file path, or a postgresql:// URL")
      ->envname("CRESCENDO_STORE");
  cmd->add_option("--listen", f->listen, "HOST:PORT to serve on (port 0: a free one)");
  cmd->add_option("--backend", f->backend, "sim (the embedded simulator)");
  cmd->add_option("--speed", f->speed, "Simulated time runs this many times faster than wall time");
  cmd->add_option("--config", f->config,
                  "Configuration files or directories stored as version 1 when the store has none");
  cmd->add_option("--env", f->env, "Environment of the configuration to run (default prod)");
  cmd->add_option("--interval", f->interval,
                  "Scaling interval (default $SCALING_INTERVAL, else 30s)");
  cmd->add_option("--retention", f->retention,
                  "Delete decisions and metric samples older than this (simulated time)");
  cmd->add_option("--seed", f->seed, "Seed of the simulated world");
  cmd->add_option("--master-key-file", f->master_key_file,
                  "File holding the master key (64 hex digits); else $CRESCENDO_MASTER_KEY");
  cmd->add_option("--tls-cert", f->tls_cert, "Serve HTTPS with this certificate (PEM)");
  cmd->add_option("--tls-key", f->tls_key, "... and this private key (PEM)");
  cmd->add_option("--tls-client-ca", f->tls_client_ca,
                  "Require client certificates signed by this CA (mutual TLS)");
  cmd->add_option("--metrics-catalogue", f->metrics_catalogue,
                  "Metric catalogue (docs/metrics.md) whose `sensitive` metrics are stored sealed "
                  "(default: the business metrics)");
  cmd->add_option("--rate-limit", f->rate, "Requests per second per token (burst: twice that)");
  cmd->add_flag("--print-openapi", f->print_openapi, "Print the OpenAPI document and exit");
  cmd->callback([f, &ctx] { ctx.exit_code = RunServe(*f, ctx); });
}

}  // namespace crescendo::cli
