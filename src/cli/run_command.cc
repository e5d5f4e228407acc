#include "cli/run_command.h"

#include <cmath>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/progress.h"
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

StatusOr<RunSummary> RunOnSimulator(const RunOptions& options, const ProgressFn& progress) {
  if (options.interval.count() <= 0 || options.duration < options.interval) {
    return InvalidArgumentError("--duration must be at least one --interval, and --interval > 0");
  }
  CRESCENDO_ASSIGN_OR_RETURN(auto recommender, NewHorizontalStrategy(options.strategy));
  Timestamp start = FromUnixSeconds(kScenarioStartUnix);
  sim::ScenarioSpec scenario = sim::MusicStreamingScenario(options.seed, start);
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<sim::World> world, sim::World::Create(scenario));
  EngineOptions engine_options;
  engine_options.backend = world.get();
  engine_options.metrics = world.get();
  engine_options.recommender = recommender.get();
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine,
                             Engine::Create(engine_options, WorkloadsOf(scenario)));

  RunSummary summary;
  summary.options = options;
  const int64_t ticks = options.duration / options.interval;
  summary.replicas.assign(scenario.services.size(), {});
  summary.load_rps.assign(scenario.services.size(), {});
  double tick_ms_total = 0;
  for (int64_t k = 1; k <= ticks; ++k) {
    Timestamp now = start + options.interval * k;
    world->Advance(now);
    TickReport report = engine->RunOnce(now);
    double tick_ms = 0;
    for (const StepTiming& s : report.timings) tick_ms += ToSeconds(s.elapsed) * 1e3;
    tick_ms_total += tick_ms;
    summary.tick_ms_max = std::max(summary.tick_ms_max, tick_ms);
    summary.scaling_actions += report.scaled;
    summary.errors += report.errors;
    for (size_t s = 0; s < report.decisions.size(); ++s) {
      const Decision& d = report.decisions[s];
      summary.replicas[s].push_back(d.applied ? d.desired_replicas : d.current_replicas);
      summary.load_rps[s].push_back(world->LoadRps(d.workload));
    }
    if (progress) progress(k, ticks);
  }
  world->Advance(start + options.interval * ticks);
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
  out += fmt::format("\n{} ticks of {} ({} simulated), strategy {}, seed {}: {} scaling actions, "
                     "{} errors, {:.1f} pod-hours; tick {:.2f} ms mean, {:.2f} ms max\n",
                     summary.ticks, FormatDuration(summary.options.interval),
                     FormatDuration(summary.options.duration), summary.options.strategy,
                     summary.options.seed, summary.scaling_actions, summary.errors, pod_hours,
                     summary.tick_ms_mean, summary.tick_ms_max);
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
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* run = app.add_subcommand("run", "Run the control loop (default: the embedded simulator)");
  run->add_option("--backend", flags->backend, "sim (default) or kubernetes")
      ->check(CLI::IsMember({"sim", "kubernetes"}));
  run->add_option("--duration", flags->duration, "Simulated time to run (Go duration)");
  run->add_option("--interval", flags->interval,
                  "Scaling interval (Go duration; default $SCALING_INTERVAL, else 30s)");
  run->add_option("--seed", flags->seed, "Seed of the generated scenario");
  run->add_option("--json", flags->json, "Write the summary as JSON to this path");
  run->add_option("--strategy", flags->strategy, "Horizontal strategy: " +
                  fmt::format("{}", fmt::join(HorizontalStrategyNames(), ", ")));
  run->add_flag("--no-progress", flags->no_progress, "Do not draw the progress bar");
  run->callback([flags, &ctx] {
    auto fail = [&ctx](const Status& s, int code) {
      ctx.err << "crescendo run: " << s.message() << "\n";
      ctx.exit_code = code;
    };
    if (flags->backend != "sim") {
      return fail(UnavailableError("--backend kubernetes needs a reachable API server; this build "
                                   "runs the embedded simulator (--backend sim)"), 1);
    }
    RunOptions options;
    options.seed = flags->seed;
    options.strategy = flags->strategy;
    StatusOr<Duration> duration = ParseDuration(flags->duration);
    if (!duration.ok()) return fail(duration.status().WithContext("--duration"), 2);
    options.duration = *duration;
    StatusOr<Duration> interval = flags->interval.empty()
                                      ? DefaultInterval(std::getenv("SCALING_INTERVAL"))
                                      : ParseDuration(flags->interval);
    if (!interval.ok()) return fail(interval.status().WithContext("--interval"), 2);
    options.interval = *interval;
    ProgressBar bar(ctx.err, "simulating", !flags->no_progress);
    StatusOr<RunSummary> summary = RunOnSimulator(
        options, [&bar](int64_t k, int64_t total) { bar.Update(k, total); });
    bar.Finish();
    if (!summary.ok()) return fail(summary.status(), 2);
    ctx.out << SummaryTable(*summary);
    if (!flags->json.empty()) {
      std::ofstream file(flags->json);
      file << SummaryJson(*summary);
      if (!file) return fail(UnavailableError("cannot write " + flags->json), 1);
    }
  });
}

}  // namespace crescendo::cli
