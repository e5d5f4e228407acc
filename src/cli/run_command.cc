#include "cli/run_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/config_scenario.h"
#include "cli/config_sources.h"
#include "cli/environment.h"
#include "cli/policy_timeline.h"
#include "cli/progress.h"
#include "cli/validate.h"
#include "crescendo/api/metrics_server.h"
#include "crescendo/base/clock.h"
#include "crescendo/config/loader.h"
#include "crescendo/config/watcher.h"
#include "crescendo/engine/engine.h"
#include "crescendo/engine/strategies.h"
#include "crescendo/format/file.h"
#include "crescendo/kubernetes/controller.h"
#include "crescendo/metrics/http_client.h"
#include "crescendo/metrics/registry.h"
#include "crescendo/store/shard_locks.h"

namespace crescendo::cli {
namespace {}  // namespace

StatusOr<Duration> DefaultInterval(const char* scaling_interval_env) {
  if (scaling_interval_env == nullptr || *scaling_interval_env == '\0') {
    return Duration(std::chrono::seconds(30));
  }
  StatusOr<Duration> d = ParseDuration(scaling_interval_env);
  if (!d.ok()) return d.status().WithContext("environment variable SCALING_INTERVAL");
  if (d->count() <= 0) {
    return InvalidArgumentError("environment variable SCALING_INTERVAL: \"" +
                                std::string(scaling_interval_env) +
                                "\" must be a positive duration such as \"30s\"");
  }
  return d;
}

namespace {

volatile std::sig_atomic_t g_reload_requested = 0;
void OnSighup(int) { g_reload_requested = 1; }

using Json = nlohmann::json;

Json ResourcesJson(const Resources& r) { return {r.cpu_millis, r.memory_bytes}; }

// The simulated cluster with every change it accepted logged by tick, so a resumed run rebuilds
// the same world by replaying the log (a real cluster keeps its own state).
class RecordingBackend final : public ClusterBackend {
 public:
  explicit RecordingBackend(ClusterBackend* inner) : inner_(inner) {}
  std::string_view name() const override { return inner_->name(); }
  StatusOr<ClusterSnapshot> Snapshot() override { return inner_->Snapshot(); }
  Status SnapshotInto(ClusterSnapshot& out) override { return inner_->SnapshotInto(out); }
  Status SetReplicas(const WorkloadId& workload, int32_t replicas) override {
    Status s = inner_->SetReplicas(workload, replicas);
    if (s.ok()) log_.push_back({tick_, "replicas", workload.ToString(), replicas});
    return s;
  }
  Status SetResources(const WorkloadId& workload, const ResourceUpdate& update) override {
    Status s = inner_->SetResources(workload, update);
    if (!s.ok()) return s;
    Json containers = Json::array();
    for (const ContainerResources& c : update.containers) {
      containers.push_back({c.name, ResourcesJson(c.requests), ResourcesJson(c.limits)});
    }
    log_.push_back({tick_,
                    "resources",
                    workload.ToString(),
                    {containers, static_cast<int>(update.method), update.pods}});
    return s;
  }
  void set_tick(int64_t tick) { tick_ = tick; }
  const Json& log() const { return log_; }
  void set_log(Json log) { log_ = std::move(log); }

 private:
  ClusterBackend* inner_;
  int64_t tick_ = 0;
  Json log_ = Json::array();
};

// Applies the logged changes of `tick` to `backend`. Errors: InvalidArgument for a malformed
// entry, or the backend's refusal (the log does not belong to this world).
Status Replay(const Json& log, size_t& next, int64_t tick, ClusterBackend& backend) {
  for (; next < log.size(); ++next) {
    const Json& e = log[next];
    if (!e.is_array() || e.size() != 4 || !e[0].is_number_integer() || !e[1].is_string()) {
      return InvalidArgumentError(
          fmt::format("world_log[{}]: expected [tick, kind, id, change]", next));
    }
    if (e[0].get<int64_t>() > tick) return Status::Ok();
    if (e[0].get<int64_t>() < tick) {
      return InvalidArgumentError(
          fmt::format("world_log[{}]: tick {} is out of order", next, e[0].get<int64_t>()));
    }
    StatusOr<WorkloadId> id =
        e[2].is_string()
            ? WorkloadId::Parse(e[2].get<std::string>())
            : StatusOr<WorkloadId>(InvalidArgumentError("expected the workload id as a string"));
    if (!id.ok()) return id.status().WithContext(fmt::format("world_log[{}]", next));
    Status applied;
    if (e[1] == "replicas" && e[3].is_number_integer()) {
      applied = backend.SetReplicas(*id, e[3].get<int32_t>());
    } else if (e[1] == "resources" && e[3].is_array() && e[3].size() == 3) {
      ResourceUpdate update;
      try {
        for (const Json& c : e[3][0]) {
          update.containers.push_back({c[0].get<std::string>(),
                                       {c[1][0].get<int64_t>(), c[1][1].get<int64_t>()},
                                       {c[2][0].get<int64_t>(), c[2][1].get<int64_t>()}});
        }
        update.method = static_cast<ResizeMethod>(e[3][1].get<int>());
        update.pods = e[3][2].get<std::vector<std::string>>();
      } catch (const Json::exception&) {
        return InvalidArgumentError(fmt::format("world_log[{}]: malformed resources", next));
      }
      applied = backend.SetResources(*id, update);
    } else {
      return InvalidArgumentError(fmt::format("world_log[{}]: unknown change", next));
    }
    if (!applied.ok()) return applied.WithContext(fmt::format("world_log[{}]", next));
  }
  return Status::Ok();
}

// FNV-1a, 64 bits: a digest of every decision of a run, so two runs can be compared exactly.
uint64_t Fnv(uint64_t h, std::string_view text) {
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

uint64_t DigestTick(uint64_t h, int64_t tick, const TickReport& report) {
  for (size_t i = 0; i < report.decisions.size(); ++i) {
    const Decision& d = report.decisions[i];
    std::string line =
        fmt::format("{}|{}|{}|{}|{}|{}", tick, d.workload.ToString(), d.current_replicas,
                    d.desired_replicas, d.applied, d.status.ok() ? "" : d.status.message());
    if (i < report.vertical.size() && report.vertical[i]) {
      for (const ContainerResources& c : report.vertical[i]->containers) {
        line += fmt::format("|{}:{}:{}:{}:{}", c.name, c.requests.cpu_millis,
                            c.requests.memory_bytes, c.limits.cpu_millis, c.limits.memory_bytes);
      }
      line += fmt::format("|{}|{}", fmt::join(report.vertical[i]->pods, ","),
                          report.vertical[i]->applied);
    }
    h = Fnv(h, line);
  }
  return h;
}

// What identifies a run: a checkpoint resumes only the run that wrote it.
Json Identity(const RunOptions& o) {
  Json j = {{"seed", o.seed},
            {"interval_ns", o.interval.count()},
            {"strategy", o.config_paths.empty() ? o.strategy : ""},
            {"config", o.config_paths},
            {"environment", o.config_paths.empty() ? "" : o.environment}};
  if (o.min_replicas) j["min_replicas"] = *o.min_replicas;
  if (o.max_replicas) j["max_replicas"] = *o.max_replicas;
  return j;
}

// Writes `text` to `path` atomically: a temporary file beside it, flushed to disk, renamed.
Status WriteAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    return UnavailableError(fmt::format("cannot write {}: {}", tmp, std::strerror(errno)));
  }
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0 &&
            ::fsync(fileno(f)) == 0;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return UnavailableError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  return Status::Ok();
}

// A checkpoint read back: where the run was, and what it had counted.
struct Resume {
  int64_t tick = 0;
  Timestamp start;  // when the checkpoint's run started
  Json engine;
  Json world_log = Json::array();
  uint64_t digest = 0;
  int64_t decisions = 0;
  int64_t scaling_actions = 0;
  int64_t resizes = 0;
  int64_t errors = 0;
  std::map<std::string, int64_t> policy_actions;
  std::map<std::string, RunSummary::TenantCuts> tenant_cuts;
};

Json CutsJson(const std::map<std::string, RunSummary::TenantCuts>& cuts) {
  Json out = Json::object();
  for (const auto& [tenant, c] : cuts) {
    out[tenant] = {{"decisions", c.decisions}, {"replica_seconds", c.replica_seconds}};
  }
  return out;
}

StatusOr<std::optional<Resume>> LoadCheckpoint(const std::string& path, const RunOptions& o) {
  StatusOr<std::string> text = format::ReadFile(path, kMaxCheckpointBytes);
  if (text.status().code() == StatusCode::kNotFound) return std::optional<Resume>();
  if (!text.ok()) {
    return Status(text.status().code(), "checkpoint " + std::string(text.status().message()));
  }
  Json j;
  try {
    j = Json::parse(*text);
  } catch (const Json::exception& e) {
    return InvalidArgumentError(fmt::format("checkpoint {}: not JSON: {}", path, e.what()));
  }
  auto bad = [&](std::string_view what) {
    return InvalidArgumentError(fmt::format("checkpoint {}: {}", path, what));
  };
  if (!j.is_object() || j.value("kind", "") != "crescendo-run-checkpoint") {
    return bad("expected a checkpoint written by crescendo run --checkpoint");
  }
  if (j.value("run", Json()) != Identity(o)) {
    return bad(
        fmt::format("it was written by another run ({}); this run is {}: remove it or "
                    "pass the same --seed, --interval, --strategy and --config",
                    j.value("run", Json()).dump(), Identity(o).dump()));
  }
  Resume r;
  try {
    r.tick = j.at("tick").get<int64_t>();
    // Written since runs may start at a chosen time; older checkpoints started at the fixed one.
    r.start = FromUnixSeconds(kScenarioStartUnix);
    if (j.contains("start")) {
      StatusOr<Timestamp> start = ParseRfc3339(j["start"].get<std::string>());
      if (!start.ok()) return bad("start: " + std::string(start.status().message()));
      r.start = *start;
    }
    r.engine = j.at("engine");
    r.world_log = j.at("world_log");
    r.digest = j.at("decisions_digest").get<uint64_t>();
    r.decisions = j.at("decisions").get<int64_t>();
    r.scaling_actions = j.at("scaling_actions").get<int64_t>();
    r.resizes = j.at("resizes").get<int64_t>();
    r.errors = j.at("errors").get<int64_t>();
    // Written since policies and tenant arbitration run in the loop; older checkpoints lack them.
    const Json actions = j.contains("policy_actions") ? j["policy_actions"] : Json::object();
    const Json cuts = j.contains("tenant_cuts") ? j["tenant_cuts"] : Json::object();
    if (!actions.is_object() || !cuts.is_object()) {
      return bad("policy_actions and tenant_cuts must be objects");
    }
    for (auto it = actions.begin(); it != actions.end(); ++it) {
      r.policy_actions[it.key()] = it.value().get<int64_t>();
    }
    for (auto it = cuts.begin(); it != cuts.end(); ++it) {
      r.tenant_cuts[it.key()] = {it.value().at("decisions").get<int64_t>(),
                                 it.value().at("replica_seconds").get<double>()};
    }
  } catch (const Json::exception& e) {
    return bad(std::string("missing or malformed field: ") + e.what());
  }
  if (r.tick < 0 || !r.world_log.is_array()) return bad("tick or world_log is malformed");
  return std::optional<Resume>(std::move(r));
}

// Builds the world and the workloads: the generated scenario with one strategy, or the
// configuration's services with their modes.
Status Setup(const RunOptions& options, Timestamp start, const config::Config* config,
             sim::ScenarioSpec* scenario, std::vector<WorkloadConfig>* workloads) {
  if (config == nullptr) {
    *scenario = sim::MusicStreamingScenario(options.seed, start);
    CRESCENDO_ASSIGN_OR_RETURN(ModeStrategies plan, StrategiesForName(options.strategy));
    EnvironmentOverrides replicas;
    replicas.min_replicas = options.min_replicas;
    replicas.max_replicas = options.max_replicas;
    for (sim::ServiceSpec& s : scenario->services) {
      CRESCENDO_RETURN_IF_ERROR(ApplyReplicaOverrides(replicas, s.id.ToString(), s.horizontal));
      s.initial_replicas =
          std::clamp(s.initial_replicas, s.horizontal.min_replicas, s.horizontal.max_replicas);
    }
    for (const sim::ServiceSpec& s : scenario->services) {
      workloads->push_back(WorkloadFor(s.id, s.horizontal, s.vertical, plan, options.strategy));
    }
    return Status::Ok();
  }
  CRESCENDO_ASSIGN_OR_RETURN(*scenario,
                             ScenarioFromConfig(*config, options.environment, options.seed, start));
  *workloads = WorkloadsOf(*config, options.environment);
  return Status::Ok();
}

}  // namespace

StatusOr<RunSummary> RunOnSimulator(const RunOptions& options, const ProgressFn& progress) {
  if (options.interval < kMinInterval) {
    return InvalidArgumentError("--interval " + FormatDuration(options.interval) +
                                ", expected at least 1s");
  }
  CRESCENDO_RETURN_IF_ERROR(CheckTicks(options.duration, options.interval).status());
  std::unique_ptr<config::ConfigWatcher> watcher;
  if (!options.config_paths.empty()) {
    config::LoadOptions load;
    load.environment = config::CaptureOverrideVariables();
    CRESCENDO_ASSIGN_OR_RETURN(
        watcher, config::ConfigWatcher::Create(options.config_paths, load,
                                               std::make_shared<config::LocalConfigFiles>()));
    std::signal(SIGHUP, OnSighup);
  }
  std::optional<Resume> resume;
  if (!options.checkpoint_path.empty()) {
    CRESCENDO_ASSIGN_OR_RETURN(resume, LoadCheckpoint(options.checkpoint_path, options));
  }
  // A resumed run continues the checkpoint's run: its start wins over options.start.
  const Timestamp start =
      resume ? resume->start : options.start.value_or(FromUnixSeconds(kScenarioStartUnix));
  sim::ScenarioSpec scenario;
  std::vector<WorkloadConfig> workloads;
  std::shared_ptr<const config::Config> config = watcher ? watcher->Current() : nullptr;
  CRESCENDO_RETURN_IF_ERROR(Setup(options, start, config.get(), &scenario, &workloads));
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<sim::World> owned, sim::World::Create(scenario));
  std::shared_ptr<sim::World> world = std::move(owned);
  RecordingBackend backend(world.get());
  SimulatedClock clock(start);
  metrics::CollectorOptions collector_options;
  collector_options.threads = 2;
  collector_options.seed = options.seed;
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<metrics::Collector> collector,
                             metrics::Collector::Create(collector_options, {world}, clock));
  EngineOptions engine_options;
  engine_options.backend = &backend;
  engine_options.collector = collector.get();
  engine_options.bindings = SimBindings(config.get(), workloads);
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine,
                             Engine::Create(engine_options, workloads));
  // Tenant arbitration over the environment's capacity, rebuilt with each configuration.
  std::unique_ptr<TenantArbiter> arbiter;
  std::string tenancy_note;
  auto arbitrate = [&](const config::Config& c) -> Status {
    std::optional<TenantArbiterOptions> tenancy =
        TenancyOf(c, options.environment, scenario, &tenancy_note);
    std::unique_ptr<TenantArbiter> next;
    if (tenancy) {
      CRESCENDO_ASSIGN_OR_RETURN(next, TenantArbiter::Create(*std::move(tenancy)));
    }
    engine->SetArbiter(next.get());
    arbiter = std::move(next);
    return Status::Ok();
  };
  if (config) CRESCENDO_RETURN_IF_ERROR(arbitrate(*config));
  std::map<WorkloadId, size_t> index;
  for (size_t s = 0; s < scenario.services.size(); ++s) index[scenario.services[s].id] = s;

  RunSummary summary;
  summary.options = options;
  summary.start = start;
  PolicyTimeline timeline(
      config ? BudgetsOf(*config, options.environment) : std::vector<BudgetOfService>{}, summary);
  if (watcher) summary.options.strategy = "per service mode";
  const int64_t ticks = options.duration / options.interval;
  summary.replicas.assign(scenario.services.size(), {});
  summary.load_rps.assign(scenario.services.size(), {});
  int64_t first = 1;
  if (resume) {
    // Rebuild the world as it was: replay the logged changes tick by tick.
    size_t next = 0;
    for (int64_t k = 1; k <= resume->tick; ++k) {
      world->Advance(start + options.interval * k);
      CRESCENDO_RETURN_IF_ERROR(Replay(resume->world_log, next, k, *world)
                                    .WithContext("checkpoint " + options.checkpoint_path));
    }
    CRESCENDO_RETURN_IF_ERROR(
        engine->Restore(resume->engine).WithContext("checkpoint " + options.checkpoint_path));
    backend.set_log(resume->world_log);
    summary.decisions_digest = resume->digest;
    summary.decisions = resume->decisions;
    summary.scaling_actions = resume->scaling_actions;
    summary.resizes = resume->resizes;
    summary.errors = resume->errors;
    summary.policy_actions = resume->policy_actions;
    summary.tenant_cuts = resume->tenant_cuts;
    summary.resumed_from_tick = resume->tick;
    first = resume->tick + 1;
  }
  double tick_ms_total = 0;
  for (int64_t k = first; k <= ticks; ++k) {
    if (watcher && (k % options.reload_every == 0 || g_reload_requested)) {
      bool forced = g_reload_requested != 0;
      g_reload_requested = 0;
      config::ReloadOutcome o = forced ? watcher->Reload() : watcher->CheckForChanges();
      if (o.kind == config::ReloadOutcome::Kind::kApplied) {
        Status s = engine->UpdateWorkloads(WorkloadsOf(*watcher->Current(), options.environment));
        if (s.ok()) s = arbitrate(*watcher->Current());
        ++summary.config_reloads;
        if (options.log) *options.log << o.Summary() << (s.ok() ? "" : "\n" + s.ToString()) << "\n";
      } else if (o.kind == config::ReloadOutcome::Kind::kRejected) {
        ++summary.config_rejections;
        if (options.log) *options.log << o.Summary() << "\n";
      }
    }
    Timestamp now = start + options.interval * k;
    world->Advance(now);
    clock.SleepUntil(now);
    backend.set_tick(k);
    const TickReport report = engine->RunOnce(now);
    double tick_ms = 0;
    for (const StepTiming& s : report.timings) tick_ms += ToSeconds(s.elapsed) * 1e3;
    summary.scaling_actions += report.scaled;
    summary.resizes += report.resized;
    summary.errors += report.errors;
    summary.decisions += static_cast<int64_t>(report.decisions.size());
    summary.decisions_digest = DigestTick(summary.decisions_digest, k, report);
    timeline.Observe(k, now, report, *engine, summary);
    for (const Decision& d : report.decisions) {
      for (const TraceEntry& e : d.trace) {
        if (e.step == "arbitrate" && e.after < e.before) {
          RunSummary::TenantCuts& cut = summary.tenant_cuts[d.workload->tenant];
          ++cut.decisions;
          cut.replica_seconds += (e.before - e.after) * ToSeconds(options.interval);
        }
      }
      if (options.exporter != nullptr) {
        options.exporter->CountDecision(d.desired_replicas > d.current_replicas   ? "up"
                                        : d.desired_replicas < d.current_replicas ? "down"
                                                                                  : "hold");
        if (!d.status.ok()) options.exporter->CountError("engine");
      }
      auto it = index.find(d.workload);
      if (it == index.end()) continue;
      summary.replicas[it->second].push_back(d.applied ? d.desired_replicas : d.current_replicas);
    }
    for (size_t s = 0; s < scenario.services.size(); ++s) {
      summary.load_rps[s].push_back(world->LoadRps(scenario.services[s].id));
    }
    if (options.exporter != nullptr) options.exporter->ObserveTick(FromSeconds(tick_ms / 1e3));
    tick_ms_total += tick_ms;
    summary.tick_ms_max = std::max(summary.tick_ms_max, tick_ms);
    if (!options.checkpoint_path.empty()) {
      Json checkpoint = {{"kind", "crescendo-run-checkpoint"},
                         {"run", Identity(options)},
                         {"tick", k},
                         {"time", FormatRfc3339(now)},
                         {"start", FormatRfc3339(start)},
                         {"decisions_digest", summary.decisions_digest},
                         {"decisions", summary.decisions},
                         {"scaling_actions", summary.scaling_actions},
                         {"resizes", summary.resizes},
                         {"errors", summary.errors},
                         {"policy_actions", summary.policy_actions},
                         {"tenant_cuts", CutsJson(summary.tenant_cuts)},
                         {"engine", engine->Checkpoint()},
                         {"world_log", backend.log()}};
      CRESCENDO_RETURN_IF_ERROR(WriteAtomically(options.checkpoint_path, checkpoint.dump()));
    }
    if (progress) progress(k, ticks);
  }
  summary.ticks = ticks;
  timeline.Finish(summary);
  const int64_t ran = ticks - first + 1;
  summary.tick_ms_mean = ran > 0 ? tick_ms_total / static_cast<double>(ran) : 0;
  summary.state_bytes = engine->StateBytes();
  summary.services = world->Stats();
  summary.tenancy = tenancy_note;
  return summary;
}

std::string SummaryJson(const RunSummary& summary) {
  nlohmann::ordered_json services = nlohmann::ordered_json::array();
  for (const sim::ServiceStats& s : summary.services) {
    services.push_back({{"environment", s.id.environment},
                        {"tenant", s.id.tenant},
                        {"namespace", s.id.ns},
                        {"service", s.id.name},
                        {"peak_load_rps", s.peak_load_rps},
                        {"replicas_min", s.min_replicas},
                        {"replicas_max", s.max_replicas},
                        {"seconds_over_target", s.seconds_over_target},
                        {"pod_hours", s.pod_hours}});
  }
  nlohmann::ordered_json j = {
      {"backend", "sim"},
      {"strategy", summary.options.strategy},
      {"seed", summary.options.seed},
      {"duration", FormatDuration(summary.options.duration)},
      {"interval", FormatDuration(summary.options.interval)},
      {"ticks", summary.ticks},
      {"scaling_actions", summary.scaling_actions},
      {"errors", summary.errors},
      {"resizes", summary.resizes},
      {"decisions", summary.decisions},
      {"decisions_digest", fmt::format("{:016x}", summary.decisions_digest)},
      {"resumed_from_tick", summary.resumed_from_tick},
      {"state_bytes", summary.state_bytes},
      {"environment_overrides", summary.options.overrides},
      {"services", services}};
  if (!summary.tenancy.empty()) {
    j["tenancy"] = {{"arbitration", summary.tenancy},
                    {"cut", nlohmann::ordered_json(CutsJson(summary.tenant_cuts))}};
  }
  if (!summary.policy_actions.empty()) j["policy_actions"] = summary.policy_actions;
  j["start"] = FormatRfc3339(summary.start);
  if (!summary.policy_intervals.empty()) j["policy_timeline"] = TimelineJson(summary);
  if (summary.policy_intervals_dropped > 0) {
    j["policy_timeline_dropped"] = summary.policy_intervals_dropped;
  }
  if (!summary.budgets.empty()) j["budgets"] = BudgetsJson(summary);
  return j.dump(2) + "\n";
}

std::string SummaryTable(const RunSummary& summary) {
  std::string out = fmt::format("{:<12} {:<22} {:>10} {:>6} {:>6} {:>12} {:>10}\n", "TENANT",
                                "SERVICE", "PEAK RPS", "MIN", "MAX", "OVER TARGET", "POD-HOURS");
  double pod_hours = 0;
  for (const sim::ServiceStats& s : summary.services) {
    out += fmt::format("{:<12} {:<22} {:>10.1f} {:>6} {:>6} {:>12} {:>10.1f}\n", s.id.tenant,
                       s.id.name, s.peak_load_rps, s.min_replicas, s.max_replicas,
                       FormatDuration(FromSeconds(std::round(s.seconds_over_target))), s.pod_hours);
    pod_hours += s.pod_hours;
  }
  out += fmt::format(
      "\n{} ticks of {} ({} simulated), strategy {}, seed {}: {} scaling actions, "
      "{} errors, {:.1f} pod-hours; tick {:.2f} ms mean, {:.2f} ms max\n",
      summary.ticks, FormatDuration(summary.options.interval),
      FormatDuration(summary.options.duration), summary.options.strategy, summary.options.seed,
      summary.scaling_actions, summary.errors, pod_hours, summary.tick_ms_mean,
      summary.tick_ms_max);
  if (!summary.tenancy.empty()) {
    out += summary.tenancy + "\n";
    for (const auto& [tenant, c] : summary.tenant_cuts) {
      out += fmt::format("  tenant {}: {} decisions cut, {:.0f} replica-seconds withheld\n", tenant,
                         c.decisions, c.replica_seconds);
    }
  }
  for (const auto& [policy, n] : summary.policy_actions) out += PolicyLine(summary, policy, n);
  for (const RunSummary::BudgetTimeline& b : summary.budgets) out += BudgetLine(b);
  return out;
}

namespace {

struct RunFlags {
  std::string backend = "sim";
  std::string duration = "24h";
  std::string interval;
  uint64_t seed = 1;
  std::string json;
  std::string strategy = "kubernetes";
  bool strategy_given = false;
  bool env_given = false;
  bool no_progress = false;
  std::vector<std::string> config;
  std::string env = "prod";
  std::string metrics_listen;
  std::string metrics_out;
  std::string checkpoint;
  std::string start;
};

// Returns --start as a time: simulator only, RFC 3339, the whole run within 1970..2200.
StatusOr<Timestamp> StartFromFlag(const RunFlags& f, const RunOptions& options) {
  if (f.backend == "kubernetes") {
    return InvalidArgumentError("--start " + Quote(f.start) +
                                ": only with the simulator backend (a cluster runs on the real "
                                "clock)");
  }
  return ParseStartFlag(f.start, options.duration);
}

// Checks the flags and the environment and builds the options, before any work starts.
StatusOr<RunOptions> OptionsFromFlags(const RunFlags& f) {
  if (f.env_given && f.config.empty()) {
    return InvalidArgumentError("--env " + Quote(f.env) +
                                " selects an environment of --config; without --config the "
                                "generated scenario has only prod");
  }
  for (const std::string& path : {f.json, f.metrics_out}) {
    if (!path.empty() && path == f.checkpoint) {
      return InvalidArgumentError(path + ": given both as --checkpoint and as an output");
    }
  }
  RunOptions options;
  options.seed = f.seed;
  options.strategy = f.strategy;
  options.config_paths = f.config;
  options.environment = f.env;
  options.checkpoint_path = f.checkpoint;
  // On a cluster the run lasts real time, and 0s means until stopped.
  const bool cluster = f.backend == "kubernetes";
  CRESCENDO_ASSIGN_OR_RETURN(
      options.duration,
      ParseDurationFlag("--duration", f.duration, cluster ? Duration{0} : kMinInterval));
  if (!f.interval.empty()) {
    CRESCENDO_ASSIGN_OR_RETURN(options.interval,
                               ParseDurationFlag("--interval", f.interval, kMinInterval));
  }
  if (f.config.empty()) {  // with --config, the configuration layer reads the variables
    CRESCENDO_ASSIGN_OR_RETURN(EnvironmentOverrides env,
                               ReadEnvironmentOverrides(config::CaptureOverrideVariables()));
    if (env.mode && !f.strategy_given) options.strategy = *env.mode;
    if (env.interval && f.interval.empty()) options.interval = *env.interval;
    options.min_replicas = env.min_replicas;
    options.max_replicas = env.max_replicas;
    options.overrides = DescribeOverrides(env);
  } else if (f.interval.empty()) {
    CRESCENDO_ASSIGN_OR_RETURN(options.interval, DefaultInterval(std::getenv("SCALING_INTERVAL")));
  }
  if (options.strategy.empty()) {
    return InvalidArgumentError("--strategy: empty, expected one of " +
                                fmt::format("{}", fmt::join(HorizontalStrategyNames(), ", ")));
  }
  if (!cluster) CRESCENDO_RETURN_IF_ERROR(CheckTicks(options.duration, options.interval).status());
  if (!f.start.empty()) {
    CRESCENDO_ASSIGN_OR_RETURN(options.start, StartFromFlag(f, options));
  }
  return options;
}

// Writes `text` to `path`. Errors: Unavailable with the reason.
Status WriteOutput(const std::string& path, const std::string& text) {
  std::ofstream file(path);
  file << text;
  file.close();
  if (!file) return UnavailableError("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

struct KubernetesFlags {
  std::string kubeconfig;  // empty: the in-cluster service account
  std::string context;
  std::string lease_namespace;  // empty: no leases, this replica acts on every workload
  std::string shard_lock;       // a PostgreSQL URL: shards held through advisory locks instead
  int32_t shards = 32;
};

// Checks the shard flags against each other and the backend. Errors: InvalidArgument.
Status CheckShardFlags(const KubernetesFlags& k, const std::string& backend) {
  if (!k.shard_lock.empty() && !k.lease_namespace.empty()) {
    return InvalidArgumentError(
        "--shard-lock and --lease-namespace are exclusive: shards are held either through "
        "PostgreSQL advisory locks or through Leases");
  }
  if (!k.shard_lock.empty() && backend != "kubernetes") {
    return InvalidArgumentError(
        "--shard-lock needs --backend kubernetes: the simulator is one process's own cluster, "
        "with nothing to share among replicas");
  }
  if (!k.lease_namespace.empty() && backend != "kubernetes") {
    return InvalidArgumentError(
        "--lease-namespace needs --backend kubernetes: the simulator is one process's own "
        "cluster, with nothing to share among replicas");
  }
  if (k.shards < 1) {
    return InvalidArgumentError("--shards must be at least 1, got " + std::to_string(k.shards));
  }
  return Status::Ok();
}

// `run --backend kubernetes`: the engine over the cluster on the real clock (see
// crescendo/kubernetes/controller.h). Returns the exit code: 2 for bad flags or configuration,
// 1 when the cluster cannot be reached.
int RunKubernetesBackend(const KubernetesFlags& k, const RunOptions& options, CommandContext& ctx) {
  RealClock clock;  // the configured metric sources' (the controller keeps its own)
  kubernetes::ControllerOptions c;
  StatusOr<kubernetes::Credentials> credentials =
      k.kubeconfig.empty()
          ? kubernetes::InClusterCredentials("/var/run/secrets/kubernetes.io/serviceaccount",
                                             std::getenv("KUBERNETES_SERVICE_HOST"),
                                             std::getenv("KUBERNETES_SERVICE_PORT"))
          : kubernetes::LoadKubeconfig(k.kubeconfig, k.context);
  if (!credentials.ok()) {
    ctx.err << "crescendo run: " << credentials.status().message() << "\n";
    return 2;
  }
  c.cluster.credentials = *credentials;
  c.cluster.environment = options.environment;
  const char* pod = std::getenv("POD_NAME");  // the Downward API's metadata.name
  c.cluster.identity = pod != nullptr && *pod != '\0' ? pod : "crescendo";
  c.interval = options.interval;
  c.duration = options.duration;
  c.log = &ctx.err;
  if (!options.config_paths.empty()) {
    config::LoadOptions load;
    load.environment = config::CaptureOverrideVariables();
    StatusOr<std::unique_ptr<config::ConfigWatcher>> watcher = config::ConfigWatcher::Create(
        options.config_paths, load, std::make_shared<config::LocalConfigFiles>());
    if (!watcher.ok()) {
      ctx.err << "crescendo run: " << watcher.status().message() << "\n";
      return 2;
    }
    const config::Config& config = *(*watcher)->Current();
    c.configured = WorkloadsOf(config, options.environment);
    metrics::SourceContext sources;
    sources.http = metrics::NewCurlHttpClient();
    sources.clock = &clock;
    sources.env = metrics::ProcessEnvironment();
    StatusOr<ConfiguredMetrics> configured = ConfiguredMetricsFor(
        config, options.environment, c.configured, "kubernetes-metrics", sources);
    if (!configured.ok()) {
      ctx.err << "crescendo run: " << configured.status().message() << "\n";
      return 2;
    }
    c.sources = std::move(configured->sources);
    c.bindings = std::move(configured->bindings);
    c.source_policies = std::move(configured->policies);
  }
  if (!k.lease_namespace.empty()) {
    kubernetes::LeaseOptions leases;
    leases.ns = k.lease_namespace;
    leases.identity = c.cluster.identity;
    leases.shards = k.shards;
    leases.settle = options.interval;
    leases.lease_duration = std::max<Duration>(std::chrono::seconds(15), options.interval * 3);
    c.leases = leases;
  } else if (!k.shard_lock.empty()) {
    store::ShardLockOptions locks;
    locks.url = k.shard_lock;
    // Replicas of one environment on one cluster share; others in the same database do not.
    locks.ns = credentials->server + "/" + options.environment;
    locks.identity = c.cluster.identity;
    locks.shards = k.shards;
    locks.settle = options.interval;
    locks.lease_duration = std::max<Duration>(std::chrono::seconds(15), options.interval * 3);
    c.shard_round = locks.lease_duration / 3;
    c.shard_holder = [locks](Clock* controller_clock) {
      return store::ShardLocks::Create(locks, controller_clock);
    };
  }
  StatusOr<kubernetes::ControllerSummary> s = kubernetes::RunController(c);
  if (!s.ok()) {
    ctx.err << "crescendo run: " << s.status().message() << "\n";
    return 1;
  }
  ctx.out << fmt::format(
      "{} ticks of {} on {}: {} workloads, {} scaling actions, {} resizes, {} errors, {} under "
      "a foreign autoscaler; {} requests, {} retries, {} throttled, {} conflicts, {} relists, "
      "{} watch restarts, {} events\n",
      s->ticks, FormatDuration(options.interval), credentials->server, s->workloads, s->scaled,
      s->resized, s->errors, s->foreign, s->client.requests, s->client.retries, s->client.throttled,
      s->client.conflicts, s->client.relists, s->client.watch_restarts, s->client.events);
  return 0;
}

}  // namespace

void RegisterRunCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<RunFlags>();
  auto kube = std::make_shared<KubernetesFlags>();
  CLI::App* run =
      app.add_subcommand("run", "Run the control loop (default: the embedded simulator)");
  run->add_option("--backend", flags->backend, "sim (default) or kubernetes")
      ->check(CLI::IsMember({"sim", "kubernetes"}));
  run->add_option("--kubeconfig", kube->kubeconfig,
                  "With --backend kubernetes: the kubeconfig (default: the in-cluster service "
                  "account)");
  run->add_option("--context", kube->context, "With --kubeconfig: the context (default: current)");
  run->add_option("--lease-namespace", kube->lease_namespace,
                  "With --backend kubernetes: shard the workloads among replicas through Leases "
                  "in this namespace");
  run->add_option("--shard-lock", kube->shard_lock,
                  "With --backend kubernetes, instead of --lease-namespace: shard the workloads "
                  "among replicas through PostgreSQL advisory locks at this URL "
                  "(postgresql://USER@HOST:PORT/DB)");
  run->add_option("--shards", kube->shards,
                  "With --lease-namespace or --shard-lock: the number of shards");
  run->add_option("--duration", flags->duration,
                  "Simulated time to run (Go duration, >= 1s); with --backend kubernetes, real "
                  "time (0s: until stopped)")
      ->check(GoDuration(Duration{0}));
  run->add_option("--interval", flags->interval,
                  "Scaling interval (Go duration, >= 1s; default $SCALING_INTERVAL, else 30s)")
      ->check(GoDuration(kMinInterval));
  run->add_option("--seed", flags->seed, "Seed of the generated scenario, 0 to 2^63-1")
      ->check(IntegerIn(0, std::numeric_limits<int64_t>::max()));
  run->add_option("--json", flags->json, "Write the summary as JSON to this path")
      ->check(WritableFile());
  run->add_option("--strategy", flags->strategy,
                  "Horizontal strategy (default $AUTOSCALING_MODE, else kubernetes): " +
                      fmt::format("{}", fmt::join(HorizontalStrategyNames(), ", ")))
      ->each([flags](const std::string&) { flags->strategy_given = true; });
  run->add_option("--config", flags->config,
                  "Configuration files or directories: run their services with their effective "
                  "settings (hot reload on change or SIGHUP)");
  run->add_option("--env", flags->env,
                  "Environment of the configuration to run (default prod; needs --config)")
      ->each([flags](const std::string&) { flags->env_given = true; });
  run->add_option("--metrics-listen", flags->metrics_listen,
                  "Serve Crescendo's own metrics at http://ADDR/metrics while running "
                  "(e.g. 127.0.0.1:9464)");
  run->add_option("--metrics-out", flags->metrics_out,
                  "Write Crescendo's own metrics (Prometheus text format) to this path at the end")
      ->check(WritableFile());
  run->add_option("--checkpoint", flags->checkpoint,
                  "Resume from this checkpoint when it exists, and save the engine's state and "
                  "the simulated time to it atomically after every tick")
      ->check(WritableFile());
  run->add_option("--start", flags->start,
                  "Simulator only: when the simulated clock starts (RFC 3339, e.g. "
                  "2027-03-15T00:00:00+01:00; default 2026-11-23T00:00:00Z); a resumed "
                  "--checkpoint keeps its run's start");
  run->add_flag("--no-progress", flags->no_progress, "Do not draw the progress bar");
  run->callback([flags, kube, &ctx] {
    auto fail = [&ctx](const Status& s) { Fail(ctx, "run", s); };
    StatusOr<RunOptions> options = OptionsFromFlags(*flags);
    if (!options.ok()) return fail(options.status());
    Status shard_flags = CheckShardFlags(*kube, flags->backend);
    if (!shard_flags.ok()) return Fail(ctx, "run", shard_flags, kExitUsage);
    options->log = &ctx.err;
    api::MetricsExporter exporter;
    options->exporter = &exporter;
    std::unique_ptr<api::MetricsServer> server;
    if (!flags->metrics_listen.empty()) {
      StatusOr<std::unique_ptr<api::MetricsServer>> started =
          api::MetricsServer::Start(flags->metrics_listen, exporter.registry());
      if (!started.ok()) {
        return Fail(ctx, "run", started.status().WithContext("--metrics-listen"), kExitUsage);
      }
      server = std::move(started).value();
      ctx.err << "serving metrics at http://" << flags->metrics_listen << "/metrics\n";
    }
    for (const std::string& line : options->overrides) ctx.err << line << "\n";
    if (flags->backend == "kubernetes") {
      ctx.exit_code = RunKubernetesBackend(*kube, *options, ctx);
      return;
    }
    ProgressBar bar(ctx.err, "simulating", !flags->no_progress);
    StatusOr<RunSummary> summary =
        RunOnSimulator(*options, [&bar](int64_t k, int64_t total) { bar.Update(k, total); });
    bar.Finish();
    if (!summary.ok()) return fail(summary.status());
    if (summary->resumed_from_tick > 0) {
      ctx.err << "resumed from " << flags->checkpoint << " after tick "
              << summary->resumed_from_tick << "\n";
    }
    ctx.out << SummaryTable(*summary);
    for (const auto& [path, text] :
         {std::pair{flags->metrics_out, flags->metrics_out.empty() ? "" : exporter.RenderText()},
          std::pair{flags->json, flags->json.empty() ? "" : SummaryJson(*summary)}}) {
      if (path.empty()) continue;
      Status written = WriteOutput(path, text);
      if (!written.ok()) return Fail(ctx, "run", written, kExitFailed);
    }
  });
}

}  // namespace crescendo::cli
