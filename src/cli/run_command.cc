#include "cli/run_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/config_scenario.h"
#include "cli/progress.h"
#include "crescendo/api/metrics_server.h"
#include "crescendo/config/loader.h"
#include "crescendo/config/watcher.h"
#include "crescendo/engine/engine.h"
#include "crescendo/engine/strategies.h"

namespace crescendo::cli {
namespace {

// A fixed Monday at midnight UTC, so every run of a seed is identical.
constexpr int64_t kScenarioStartUnix = 1795392000;  // 2026-11-23T00:00:00Z

std::vector<WorkloadConfig> WorkloadsOf(const sim::ScenarioSpec& spec) {
  std::vector<WorkloadConfig> out;
  for (const sim::ServiceSpec& s : spec.services) out.push_back({s.id, s.horizontal});
  return out;
}

}  // namespace

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

// The engines of one run: one per (strategy, apply) pair in use, sharing one world.
class EngineSet {
 public:
  Status Add(const std::string& strategy, bool apply, std::vector<WorkloadConfig> workloads,
             sim::World* world) {
    CRESCENDO_ASSIGN_OR_RETURN(auto recommender, NewHorizontalStrategy(strategy));
    EngineOptions o;
    o.backend = world;
    o.metrics = world;
    o.recommender = recommender.get();
    o.apply = apply;
    CRESCENDO_ASSIGN_OR_RETURN(auto engine, Engine::Create(o, std::move(workloads)));
    groups_.push_back({strategy, apply, std::move(recommender), std::move(engine)});
    return Status::Ok();
  }
  // Replaces each engine's workloads from `config` (all or nothing per engine).
  Status Update(const config::Config& config, const std::string& environment) {
    for (Group& g : groups_) {
      CRESCENDO_RETURN_IF_ERROR(g.engine->UpdateWorkloads(
          WorkloadsForStrategy(config, environment, g.strategy, g.apply)));
    }
    return Status::Ok();
  }
  std::vector<TickReport> RunOnce(Timestamp now) {
    std::vector<TickReport> reports;
    for (Group& g : groups_) reports.push_back(g.engine->RunOnce(now));
    return reports;
  }

 private:
  struct Group {
    std::string strategy;
    bool apply;
    std::unique_ptr<HorizontalRecommender> recommender;
    std::unique_ptr<Engine> engine;
  };
  std::vector<Group> groups_;
};

// Builds the scenario and engines: the generated scenario with one strategy, or the
// configuration's services with their modes.
Status Setup(const RunOptions& options, Timestamp start, const config::Config* config,
             sim::ScenarioSpec* scenario, std::unique_ptr<sim::World>* world, EngineSet* engines) {
  if (config == nullptr) {
    *scenario = sim::MusicStreamingScenario(options.seed, start);
  } else {
    CRESCENDO_ASSIGN_OR_RETURN(
        *scenario, ScenarioFromConfig(*config, options.environment, options.seed, start));
  }
  CRESCENDO_ASSIGN_OR_RETURN(*world, sim::World::Create(*scenario));
  if (config == nullptr)
    return engines->Add(options.strategy, true, WorkloadsOf(*scenario), world->get());
  for (const std::string strategy : {"kubernetes", "predictive"}) {
    for (bool apply : {true, false}) {
      auto workloads = WorkloadsForStrategy(*config, options.environment, strategy, apply);
      if (!workloads.empty()) {
        CRESCENDO_RETURN_IF_ERROR(
            engines->Add(strategy, apply, std::move(workloads), world->get()));
      }
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<RunSummary> RunOnSimulator(const RunOptions& options, const ProgressFn& progress) {
  if (options.interval.count() <= 0 || options.duration < options.interval) {
    return InvalidArgumentError("--duration must be at least one --interval, and --interval > 0");
  }
  if (options.config_paths.empty())
    CRESCENDO_RETURN_IF_ERROR(NewHorizontalStrategy(options.strategy).status());
  std::unique_ptr<config::ConfigWatcher> watcher;
  if (!options.config_paths.empty()) {
    config::LoadOptions load;
    load.environment = config::CaptureOverrideVariables();
    CRESCENDO_ASSIGN_OR_RETURN(
        watcher, config::ConfigWatcher::Create(options.config_paths, load,
                                               std::make_shared<config::LocalConfigFiles>()));
    std::signal(SIGHUP, OnSighup);
  }
  Timestamp start = FromUnixSeconds(kScenarioStartUnix);
  sim::ScenarioSpec scenario;
  std::unique_ptr<sim::World> world;
  EngineSet engines;
  std::shared_ptr<const config::Config> config = watcher ? watcher->Current() : nullptr;
  CRESCENDO_RETURN_IF_ERROR(Setup(options, start, config.get(), &scenario, &world, &engines));
  std::map<WorkloadId, size_t> index;
  for (size_t s = 0; s < scenario.services.size(); ++s) index[scenario.services[s].id] = s;

  RunSummary summary;
  summary.options = options;
  if (watcher) summary.options.strategy = "per service mode";
  const int64_t ticks = options.duration / options.interval;
  summary.replicas.assign(scenario.services.size(), {});
  summary.load_rps.assign(scenario.services.size(), {});
  double tick_ms_total = 0;
  for (int64_t k = 1; k <= ticks; ++k) {
    if (watcher && (k % options.reload_every == 0 || g_reload_requested)) {
      bool forced = g_reload_requested != 0;
      g_reload_requested = 0;
      config::ReloadOutcome o = forced ? watcher->Reload() : watcher->CheckForChanges();
      if (o.kind == config::ReloadOutcome::Kind::kApplied) {
        Status s = engines.Update(*watcher->Current(), options.environment);
        ++summary.config_reloads;
        if (options.log) *options.log << o.Summary() << (s.ok() ? "" : "\n" + s.ToString()) << "\n";
      } else if (o.kind == config::ReloadOutcome::Kind::kRejected) {
        ++summary.config_rejections;
        if (options.log) *options.log << o.Summary() << "\n";
      }
    }
    Timestamp now = start + options.interval * k;
    world->Advance(now);
    double tick_ms = 0;
    for (const TickReport& report : engines.RunOnce(now)) {
      for (const StepTiming& s : report.timings) tick_ms += ToSeconds(s.elapsed) * 1e3;
      summary.scaling_actions += report.scaled;
      summary.errors += report.errors;
      for (const Decision& d : report.decisions) {
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
    }
    for (size_t s = 0; s < scenario.services.size(); ++s) {
      summary.load_rps[s].push_back(world->LoadRps(scenario.services[s].id));
    }
    if (options.exporter != nullptr) options.exporter->ObserveTick(FromSeconds(tick_ms / 1e3));
    tick_ms_total += tick_ms;
    summary.tick_ms_max = std::max(summary.tick_ms_max, tick_ms);
    if (progress) progress(k, ticks);
  }
  summary.ticks = ticks;
  summary.tick_ms_mean = ticks > 0 ? tick_ms_total / static_cast<double>(ticks) : 0;
  summary.services = world->Stats();
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
  nlohmann::ordered_json j = {{"backend", "sim"},
                              {"strategy", summary.options.strategy},
                              {"seed", summary.options.seed},
                              {"duration", FormatDuration(summary.options.duration)},
                              {"interval", FormatDuration(summary.options.interval)},
                              {"ticks", summary.ticks},
                              {"scaling_actions", summary.scaling_actions},
                              {"errors", summary.errors},
                              {"services", services}};
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
  return out;
}

void RegisterRunCommand(CLI::App& app, CommandContext& ctx) {
  struct Flags {
    std::string backend = "sim";
    std::string duration = "24h";
    std::string interval;
    uint64_t seed = 1;
    std::string json;
    std::string strategy = "kubernetes";
    bool no_progress = false;
    std::vector<std::string> config;
    std::string env = "prod";
    std::string metrics_listen;
    std::string metrics_out;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* run =
      app.add_subcommand("run", "Run the control loop (default: the embedded simulator)");
  run->add_option("--backend", flags->backend, "sim (default) or kubernetes")
      ->check(CLI::IsMember({"sim", "kubernetes"}));
  run->add_option("--duration", flags->duration, "Simulated time to run (Go duration)");
  run->add_option("--interval", flags->interval,
                  "Scaling interval (Go duration; default $SCALING_INTERVAL, else 30s)");
  run->add_option("--seed", flags->seed, "Seed of the generated scenario");
  run->add_option("--json", flags->json, "Write the summary as JSON to this path");
  run->add_option(
      "--strategy", flags->strategy,
      "Horizontal strategy: " + fmt::format("{}", fmt::join(HorizontalStrategyNames(), ", ")));
  run->add_option("--config", flags->config,
                  "Configuration files or directories: run their services with their effective "
                  "settings (hot reload on change or SIGHUP)");
  run->add_option("--env", flags->env, "Environment of the configuration to run (default prod)");
  run->add_option("--metrics-listen", flags->metrics_listen,
                  "Serve Crescendo's own metrics at http://ADDR/metrics while running "
                  "(e.g. 127.0.0.1:9464)");
  run->add_option("--metrics-out", flags->metrics_out,
                  "Write Crescendo's own metrics (Prometheus text format) to this path at the end");
  run->add_flag("--no-progress", flags->no_progress, "Do not draw the progress bar");
  run->callback([flags, &ctx] {
    auto fail = [&ctx](const Status& s, int code) {
      ctx.err << "crescendo run: " << s.message() << "\n";
      ctx.exit_code = code;
    };
    if (flags->backend != "sim") {
      return fail(UnavailableError("--backend kubernetes needs a reachable API server; this build "
                                   "runs the embedded simulator (--backend sim)"),
                  1);
    }
    RunOptions options;
    options.seed = flags->seed;
    options.strategy = flags->strategy;
    options.config_paths = flags->config;
    options.environment = flags->env;
    options.log = &ctx.err;
    api::MetricsExporter exporter;
    options.exporter = &exporter;
    std::unique_ptr<api::MetricsServer> server;
    if (!flags->metrics_listen.empty()) {
      StatusOr<std::unique_ptr<api::MetricsServer>> started =
          api::MetricsServer::Start(flags->metrics_listen, exporter.registry());
      if (!started.ok()) return fail(started.status().WithContext("--metrics-listen"), 2);
      server = std::move(started).value();
      ctx.err << "serving metrics at http://" << flags->metrics_listen << "/metrics\n";
    }
    StatusOr<Duration> duration = ParseDuration(flags->duration);
    if (!duration.ok()) return fail(duration.status().WithContext("--duration"), 2);
    options.duration = *duration;
    StatusOr<Duration> interval = flags->interval.empty()
                                      ? DefaultInterval(std::getenv("SCALING_INTERVAL"))
                                      : ParseDuration(flags->interval);
    if (!interval.ok()) return fail(interval.status().WithContext("--interval"), 2);
    options.interval = *interval;
    ProgressBar bar(ctx.err, "simulating", !flags->no_progress);
    StatusOr<RunSummary> summary =
        RunOnSimulator(options, [&bar](int64_t k, int64_t total) { bar.Update(k, total); });
    bar.Finish();
    if (!summary.ok()) return fail(summary.status(), 2);
    ctx.out << SummaryTable(*summary);
    if (!flags->metrics_out.empty()) {
      std::ofstream file(flags->metrics_out);
      file << exporter.RenderText();
      if (!file) return fail(UnavailableError("cannot write " + flags->metrics_out), 1);
    }
    if (!flags->json.empty()) {
      std::ofstream file(flags->json);
      file << SummaryJson(*summary);
      if (!file) return fail(UnavailableError("cannot write " + flags->json), 1);
    }
  });
}

}  // namespace crescendo::cli
