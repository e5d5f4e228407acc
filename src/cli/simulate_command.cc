// `crescendo simulate`: replays a trace or a scenario through one or more strategies side by side,
// prints the comparison table and writes the JSON document and the HTML report (see
// docs/simulation.md).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <utility>

#include "cli/command.h"
#include "cli/config_scenario.h"
#include "cli/environment.h"
#include "cli/policy_timeline.h"
#include "cli/progress.h"
#include "cli/validate.h"
#include "crescendo/config/config_files.h"
#include "crescendo/config/loader.h"
#include "crescendo/engine/strategies.h"
#include "crescendo/sim/oracle.h"
#include "crescendo/sim/report.h"
#include "crescendo/sim/runner.h"
#include "crescendo/sim/scenario_file.h"
#include "crescendo/tenancy/arbitration.h"

namespace crescendo::cli {
namespace {

struct SimulateFlags {
  std::string trace;
  std::string scenario;
  std::vector<std::string> config;  // --config: the configuration's services and policies
  std::string env = "prod";
  bool env_given = false;
  std::string start;  // --config: RFC 3339
  std::string time_column;
  std::string value_column;
  std::string time_unit = "s";
  std::string filter;  // COLUMN=VALUE
  double peak_pods = 0;
  double compress = 1;
  double capacity_rps = 100;
  int32_t target_utilization = 70;
  int32_t min_replicas = 1;
  int32_t max_replicas = 0;
  std::string strategies;
  bool strategies_given = false;
  bool min_replicas_given = false;
  bool max_replicas_given = false;
  std::string interval;
  std::string duration;
  uint64_t seed = 1;
  bool seed_given = false;
  std::string json;
  std::string report;
  bool per_service = false;
  bool progress = false;
  bool no_progress = false;
  bool spare_capacity = false;         // --spare-capacity: every node pool may grow to kMaxNodes
  std::vector<int32_t> sweep_targets;  // --sweep-target: the kubernetes strategy at each
};

constexpr const char* kBuiltinScenario = "music-streaming";
// --spare-capacity: the most nodes a scenario's pool may have (scenario_file.cc's limit, the
// Kubernetes documented maximum of 5,000 nodes).
constexpr int32_t kSpareNodes = 5000;

// What the configured policies did in each strategy's run (--config): one RunSummary per
// strategy, of which only the policy fields are used.
struct PolicyRecords {
  std::vector<RunSummary> summaries;
  std::vector<std::unique_ptr<PolicyTimeline>> timelines;
};

// What the command runs: services with their loads, and the options.
struct Plan {
  std::vector<sim::SimService> services;
  sim::SimulationOptions options;
  sim::LoadDescription load;
  // --config: the configuration and its environment.
  std::shared_ptr<const config::Config> config;
  std::string environment;
};

// The name of the strategy that runs each configured service in its own mode (--config).
constexpr const char* kConfiguredStrategy = "configured";

StatusOr<Duration> TimeUnit(const std::string& unit) {
  if (unit == "s") return Duration(seconds(1));
  if (unit == "ms") return Duration(milliseconds(1));
  if (unit == "us") return Duration(std::chrono::microseconds(1));
  if (unit == "ns") return Duration(1);
  return InvalidArgumentError("--time-unit: found " + Quote(unit) + ", expected s, ms, us or ns");
}

// A pod whose CPU at capacity is 84% of its 500m request and whose queue saturates at 1.6 times
// its capacity, whatever the capacity (the default PodModel, scaled).
sim::PodModel TracePod(double capacity_rps) {
  sim::PodModel pod;
  double scale = 100.0 / capacity_rps;
  pod.capacity_rps = capacity_rps;
  pod.cpu_millis_per_request *= scale;
  pod.service_time_ms *= scale;
  return pod;
}

StatusOr<Plan> TracePlan(const SimulateFlags& f) {
  Plan plan;
  sim::TraceLoadOptions load;
  load.trace.path = f.trace;
  load.trace.time_column = f.time_column;
  load.trace.value_column = f.value_column;
  CRESCENDO_ASSIGN_OR_RETURN(load.trace.time_unit, TimeUnit(f.time_unit));
  if (!f.filter.empty()) {
    size_t eq = f.filter.find('=');
    if (eq == std::string::npos) {
      return InvalidArgumentError("--filter: found " + Quote(f.filter) + ", expected COLUMN=VALUE");
    }
    load.trace.filter_column = f.filter.substr(0, eq);
    load.trace.filter_value = f.filter.substr(eq + 1);
  }
  load.compression = f.compress;
  CRESCENDO_ASSIGN_OR_RETURN(sim::TraceSummary summary, sim::SummarizeTrace(load.trace));
  if (f.peak_pods > 0 && !(summary.peak_value > 0)) {
    return InvalidArgumentError("--peak-pods: trace " + f.trace +
                                " has no value above 0 to scale to the peak");
  }
  if (f.peak_pods > 0)
    load.rps_per_value = sim::ScaleToPeakPods(summary, f.peak_pods, f.capacity_rps);
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<sim::TraceLoad> trace,
                             sim::TraceLoad::Open(load, summary));

  sim::SimService s;
  std::string stem = std::filesystem::path(f.trace).stem().string();
  s.spec.id = WorkloadId{"sim", "trace", "default", stem.empty() ? "trace" : stem};
  s.spec.pod = TracePod(f.capacity_rps);
  double peak_pods = summary.peak_value * load.rps_per_value / f.capacity_rps;
  s.spec.horizontal.min_replicas = f.min_replicas;
  // Twice the peak, at least 10, at most the limit (a trace whose peak needs more is refused).
  if (!f.max_replicas_given && peak_pods > kMaxReplicas) {
    return InvalidArgumentError(fmt::format(
        "trace {}: its peak needs {:.0f} pods of --capacity-rps {}, expected at most {} "
        "(docs/cli.md, Limits): give --peak-pods or a larger --capacity-rps",
        f.trace, peak_pods, f.capacity_rps, kMaxReplicas));
  }
  s.spec.horizontal.max_replicas =
      f.max_replicas_given
          ? f.max_replicas
          : std::clamp(static_cast<int32_t>(std::ceil(2 * peak_pods)), 10, kMaxReplicas);
  MetricSpec cpu;
  cpu.name = "cpu";
  cpu.target.average_utilization = f.target_utilization;
  s.spec.horizontal.metrics = {cpu};
  s.initial_replicas_from_load = true;
  plan.options.start = trace->start();
  plan.options.end = trace->end();
  s.source = sim::TraceSource(std::move(trace));
  plan.load = {"trace",   f.trace, f.trace, f.seed, {s.spec.id}, {summary}, load.rps_per_value,
               f.compress};
  plan.services.push_back(std::move(s));
  plan.options.strategies = {"kubernetes"};
  return plan;
}

// `--scenario music-streaming`: the generated scenario of `crescendo run`, from a fixed Monday
// (2026-11-23T00:00:00Z) for a day unless --duration says otherwise.
Plan BuiltinPlan(const SimulateFlags& f) {
  Plan plan;
  const Timestamp start = FromUnixSeconds(kScenarioStartUnix);
  sim::ScenarioSpec spec = sim::MusicStreamingScenario(f.seed, start);
  plan.options.start = start;
  plan.options.end = start + hours(24);
  plan.options.nodes = spec.nodes;
  plan.options.strategies = {"kubernetes"};
  plan.load = {"scenario", kBuiltinScenario, kBuiltinScenario, f.seed, {}, {}, 1, 1};
  for (const sim::ServiceSpec& s : spec.services) plan.load.services.push_back(s.id);
  plan.services = sim::ServicesOf(spec);
  return plan;
}

StatusOr<Plan> ScenarioPlan(const SimulateFlags& f) {
  if (f.scenario == kBuiltinScenario) return BuiltinPlan(f);
  CRESCENDO_ASSIGN_OR_RETURN(
      sim::ScenarioFile file,
      sim::LoadScenarioFile(f.scenario, f.seed_given ? std::optional(f.seed) : std::nullopt));
  Plan plan;
  plan.options.start = file.start;
  plan.options.end = file.end;
  plan.options.interval = file.interval;
  plan.options.nodes = file.nodes;
  plan.options.tenancy = file.tenancy;
  plan.options.strategies =
      file.strategies.empty() ? std::vector<std::string>{"kubernetes"} : file.strategies;
  plan.load = {"scenario", file.name, f.scenario, file.seed, {}, file.traces, 1, 1};
  for (const sim::SimService& s : file.services) plan.load.services.push_back(s.spec.id);
  plan.services = std::move(file.services);
  return plan;
}

// `--config PATH...`: the configuration's horizontally scaled services of --env, each with the
// load and pod model `crescendo run --config` gives it (ScenarioFromConfig), its policies, tier,
// priority and labels; strategy `configured` runs each in its configured mode. A day from
// --start (default 2026-11-23T00:00:00Z) at the configuration's tick interval.
StatusOr<Plan> ConfigPlan(const SimulateFlags& f) {
  config::LoadOptions load;
  load.environment = config::CaptureOverrideVariables();
  config::LocalConfigFiles files;
  config::LoadResult loaded = config::LoadConfigFiles(f.config, load, files);
  if (!loaded.ok()) return loaded.ToStatus();
  Duration length = hours(24);
  if (!f.duration.empty()) {
    CRESCENDO_ASSIGN_OR_RETURN(length, ParseDurationFlag("--duration", f.duration, kMinInterval));
  }
  Timestamp start = FromUnixSeconds(kScenarioStartUnix);
  if (!f.start.empty()) {
    CRESCENDO_ASSIGN_OR_RETURN(start, ParseStartFlag(f.start, length));
  }
  CRESCENDO_ASSIGN_OR_RETURN(sim::ScenarioSpec spec,
                             ScenarioFromConfig(*loaded.config, f.env, f.seed, start));
  Plan plan;
  plan.config = loaded.config;
  plan.environment = f.env;
  plan.options.start = start;
  plan.options.end = start + length;
  plan.options.interval = loaded.config->global.tick_interval;
  plan.options.nodes = spec.nodes;
  plan.options.strategies = {kConfiguredStrategy};
  std::string paths;
  for (const std::string& path : f.config) paths += (paths.empty() ? "" : ",") + path;
  plan.load = {"scenario", "configuration, environment " + f.env, paths, f.seed, {}, {}, 1, 1};
  for (const sim::ServiceSpec& s : spec.services) plan.load.services.push_back(s.id);
  plan.services = sim::ServicesOf(spec);
  // Each strategy's workloads carry the configured policies; `configured` runs the services'
  // own modes. The loader validated the policies, so attaching them cannot fail.
  auto configured = std::make_shared<std::map<WorkloadId, WorkloadConfig>>();
  for (WorkloadConfig& w : WorkloadsOf(*plan.config, f.env)) configured->emplace(w.id, w);
  plan.options.configure = [configured](std::string_view strategy, size_t,
                                        WorkloadConfig& w) -> Status {
    auto it = configured->find(w.id);
    if (it == configured->end()) return Status::Ok();
    if (strategy == kConfiguredStrategy) {
      w = it->second;
      return Status::Ok();
    }
    w.policies = it->second.policies;
    w.policy_metrics = it->second.policy_metrics;
    w.tier = it->second.tier;
    w.priority = it->second.priority;
    w.labels = it->second.labels;
    return Status::Ok();
  };
  plan.options.bindings = [config = plan.config](const std::vector<WorkloadConfig>& workloads) {
    return SimBindings(config.get(), workloads);
  };
  return plan;
}

// Applies the flags, then the environment variables, that override the trace's or scenario's
// own settings, and checks the size of the work against the limits.
Status Override(const SimulateFlags& f, const EnvironmentOverrides& env, Plan& plan) {
  if (f.strategies_given) {
    CRESCENDO_ASSIGN_OR_RETURN(plan.options.strategies,
                               ParseStrategyList("--strategies", f.strategies));
  } else if (env.mode) {
    plan.options.strategies = {*env.mode};
  }
  if (!plan.config && std::find(plan.options.strategies.begin(), plan.options.strategies.end(),
                                kConfiguredStrategy) != plan.options.strategies.end()) {
    return InvalidArgumentError(
        "--strategies: \"configured\" runs each service of --config in its own mode, expected "
        "--config");
  }
  plan.options.seed = f.seed_given ? f.seed : plan.load.seed;
  plan.load.seed = plan.options.seed;
  if (!f.interval.empty()) {
    CRESCENDO_ASSIGN_OR_RETURN(plan.options.interval,
                               ParseDurationFlag("--interval", f.interval, kMinInterval));
  } else if (env.interval) {
    plan.options.interval = *env.interval;
  }
  if (plan.options.interval < kMinInterval) {
    return InvalidArgumentError("scenario interval " + FormatDuration(plan.options.interval) +
                                " is below the minimum of 1s");
  }
  if (env.tenant_isolation && plan.options.tenancy) {
    plan.options.tenancy->isolation =
        *tenancy::ParseIsolation(config::TenantIsolationName(*env.tenant_isolation));
  }
  if (f.spare_capacity) {
    if (plan.options.nodes) plan.options.nodes->max_nodes = kSpareNodes;
    if (plan.options.tenancy) {
      for (sim::SimPool& pool : plan.options.tenancy->pools) pool.spec.max_nodes = kSpareNodes;
    }
  }
  if (!f.duration.empty()) {
    CRESCENDO_ASSIGN_OR_RETURN(Duration duration,
                               ParseDurationFlag("--duration", f.duration, kMinInterval));
    plan.options.end = std::min(plan.options.end, plan.options.start + duration);
  }
  for (sim::SimService& s : plan.services) {
    const std::string name = s.spec.id.ToString();
    EnvironmentOverrides replicas = env;
    if (!f.trace.empty() && f.min_replicas_given) replicas.min_replicas.reset();
    if (!f.trace.empty() && f.max_replicas_given) replicas.max_replicas.reset();
    CRESCENDO_RETURN_IF_ERROR(ApplyReplicaOverrides(replicas, name, s.spec.horizontal));
    if (s.spec.horizontal.max_replicas > kMaxReplicas) {
      return InvalidArgumentError(
          fmt::format("service {}: maxReplicas {}, expected at most {} "
                      "(docs/cli.md, Limits)",
                      name, s.spec.horizontal.max_replicas, kMaxReplicas));
    }
  }
  CRESCENDO_ASSIGN_OR_RETURN(int64_t ticks, CheckTicks(plan.options.end - plan.options.start,
                                                       plan.options.interval, kMaxServiceTicks));
  const int64_t work = ticks * static_cast<int64_t>(plan.services.size()) *
                       static_cast<int64_t>(plan.options.strategies.size());
  if (work > kMaxServiceTicks) {
    return InvalidArgumentError(fmt::format(
        "{} ticks x {} services x {} strategies is {} service-ticks, expected at most {} "
        "(docs/cli.md, Limits): shorten --duration, lengthen --interval or compare fewer "
        "strategies",
        ticks, plan.services.size(), plan.options.strategies.size(), work, kMaxServiceTicks));
  }
  return Status::Ok();
}

std::string Describe(const Plan& plan, const sim::SimulationResult& r) {
  std::string out;
  if (plan.load.kind == "trace") {
    const sim::TraceSummary& t = plan.load.traces[0];
    out += fmt::format(
        "trace {}: {} rows ({} duplicates), {} gaps ({:.1f} h), step {}, peak {} "
        "-> {:.1f} requests/s\n",
        t.path, t.rows, t.duplicates, t.gaps, t.gap_seconds / 3600, FormatDuration(t.step),
        t.peak_value, t.peak_value * plan.load.rps_per_value);
  } else {
    out += fmt::format("scenario {} ({}): {} services\n", plan.load.name, plan.load.path,
                       plan.services.size());
  }
  out +=
      fmt::format("{} .. {}: {} ticks of {}, seed {}; {} service-ticks in gaps not evaluated\n\n",
                  FormatRfc3339(r.start), FormatRfc3339(r.end), r.ticks, FormatDuration(r.interval),
                  plan.options.seed, r.gap_service_ticks);
  return out;
}

Status WriteFile(const std::string& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary);
  file << content;
  file.close();
  if (!file) return UnavailableError("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

// Checks what relates several flags, before any file is read.
Status CheckFlags(const SimulateFlags& f) {
  if (int{!f.trace.empty()} + int{!f.scenario.empty()} + int{!f.config.empty()} != 1) {
    return InvalidArgumentError(
        "give exactly one of --trace PATH, --scenario FILE and --config PATH...");
  }
  if (f.config.empty()) {
    for (auto [given, flag] :
         {std::pair{f.env_given, "--env"}, std::pair{!f.start.empty(), "--start"}}) {
      if (given) {
        return InvalidArgumentError(std::string(flag) +
                                    " applies to --config (a scenario sets its own start and "
                                    "has no environments)");
      }
    }
  }
  if (!f.scenario.empty() && f.scenario != kBuiltinScenario) {
    CRESCENDO_RETURN_IF_ERROR(CheckReadableFile(f.scenario).WithContext("--scenario"));
  }
  if (f.trace.empty()) {
    for (auto [given, flag] : {std::pair{f.min_replicas_given, "--min-replicas"},
                               std::pair{f.max_replicas_given, "--max-replicas"}}) {
      if (given) {
        return InvalidArgumentError(std::string(flag) +
                                    " applies to --trace; a scenario or a configuration sets "
                                    "each service's replicas (or use MIN_REPLICAS / "
                                    "MAX_REPLICAS)");
      }
    }
  }
  if (f.min_replicas_given && f.max_replicas_given && f.min_replicas > f.max_replicas) {
    return InvalidArgumentError(fmt::format("--min-replicas {} is above --max-replicas {}",
                                            f.min_replicas, f.max_replicas));
  }
  for (const std::string& path : {f.json, f.report}) {
    if (!path.empty() && path == f.trace) {
      return InvalidArgumentError(path + ": is both the input trace and an output");
    }
  }
  if (!f.json.empty() && f.json == f.report) {
    return InvalidArgumentError(f.json + ": given to both --json and --report");
  }
  return Status::Ok();
}

StatusOr<Plan> NewPlan(const SimulateFlags& f, const EnvironmentOverrides& env) {
  CRESCENDO_ASSIGN_OR_RETURN(Plan plan, !f.trace.empty()    ? TracePlan(f)
                                        : !f.config.empty() ? ConfigPlan(f)
                                                            : ScenarioPlan(f));
  CRESCENDO_RETURN_IF_ERROR(Override(f, env, plan));
  return plan;
}

// What the runner builds for a name: the registered strategies, and the oracle, which reads a
// second copy of the plan's loads ahead (crescendo/sim/oracle.h).
sim::StrategyFactory Strategies(const SimulateFlags& f, const EnvironmentOverrides& env) {
  return [f, env](std::string_view name) -> StatusOr<std::unique_ptr<HorizontalRecommender>> {
    if (name != "oracle") return NewHorizontalStrategy(name);
    CRESCENDO_ASSIGN_OR_RETURN(Plan ahead, NewPlan(f, env));
    return sim::NewOracleRecommender(std::move(ahead.services), ahead.options.start,
                                     ahead.options.interval);
  };
}

StatusOr<ModeStrategies> Resolve(std::string_view name) {
  if (name == "oracle") return ModeStrategies{"oracle", "vpa", true};
  // Each workload's own mode replaces it (Plan::options.configure).
  if (name == kConfiguredStrategy) return ModeStrategies{"kubernetes", "vpa", true};
  return StrategiesForName(name);
}

// Sets the CPU utilization target of every service's HPA that scales on CPU utilization.
void SetCpuTarget(Plan& plan, int32_t percent) {
  for (sim::SimService& s : plan.services) {
    for (MetricSpec& m : s.spec.horizontal.metrics) {
      if (m.name == "cpu" && m.target.average_utilization) m.target.average_utilization = percent;
    }
  }
}

// Runs the kubernetes strategy at each swept target: the HPA's frontier.
StatusOr<std::vector<sim::FrontierPoint>> Sweep(const SimulateFlags& f,
                                                const EnvironmentOverrides& env) {
  std::vector<sim::FrontierPoint> points;
  for (int32_t target : f.sweep_targets) {  // 1..100, checked by the flag's validator
    CRESCENDO_ASSIGN_OR_RETURN(Plan plan, NewPlan(f, env));
    SetCpuTarget(plan, target);
    plan.options.strategies = {"kubernetes"};
    plan.options.resolve = Resolve;
    CRESCENDO_ASSIGN_OR_RETURN(
        sim::SimulationResult r,
        sim::RunSimulation(plan.services, plan.options, NewHorizontalStrategy));
    const sim::Outcome& o = r.strategies[0].total;
    points.push_back(
        {target, o.pod_seconds, o.elasticity.tau_u, o.sla.violation_seconds, o.scaling_actions});
  }
  return points;
}

void Simulate(const SimulateFlags& f, CommandContext& ctx) {
  auto fail = [&ctx](const Status& s) { Fail(ctx, "simulate", s); };
  Status checked = CheckFlags(f);
  if (!checked.ok()) return fail(checked);
  StatusOr<EnvironmentOverrides> env = ReadEnvironmentOverrides(config::CaptureOverrideVariables());
  if (!env.ok()) return fail(env.status());
  StatusOr<Plan> plan = NewPlan(f, *env);
  if (!plan.ok()) return fail(plan.status());
  for (const std::string& line : DescribeOverrides(*env)) {
    // With a scenario's tenants, TENANT_ISOLATION does act: say so instead.
    if (plan->options.tenancy && line.starts_with("TENANT_ISOLATION=")) {
      ctx.err << "TENANT_ISOLATION=" << tenancy::IsolationName(plan->options.tenancy->isolation)
              << ": the isolation of the scenario's tenants\n";
      continue;
    }
    ctx.err << line << "\n";
  }
  bool show = !f.no_progress && (f.progress || isatty(STDERR_FILENO) != 0);
  ProgressBar bar(ctx.err, "simulating", show);
  plan->options.resolve = Resolve;
  std::shared_ptr<PolicyRecords> policies;
  if (plan->config) {
    if (auto e = plan->config->environments.find(plan->environment);
        e != plan->config->environments.end() && e->second.capacity) {
      ctx.err << "the configuration's tenant arbitration (environment capacity) is not "
                 "simulated by simulate --config: crescendo run --config arbitrates it\n";
    }
    policies = std::make_shared<PolicyRecords>();
    const std::vector<BudgetOfService> budgets = BudgetsOf(*plan->config, plan->environment);
    policies->summaries.resize(plan->options.strategies.size());
    for (RunSummary& summary : policies->summaries) {
      policies->timelines.push_back(std::make_unique<PolicyTimeline>(budgets, summary));
    }
    plan->options.observe = [policies](size_t r, int64_t tick, Timestamp now,
                                       const TickReport& report, const Engine& engine) {
      policies->timelines[r]->Observe(tick, now, report, engine, policies->summaries[r]);
    };
  }
  StatusOr<sim::SimulationResult> result =
      sim::RunSimulation(plan->services, plan->options, Strategies(f, *env),
                         [&bar](int64_t done, int64_t total) { bar.Update(done, total); });
  bar.Finish();
  if (!result.ok()) return fail(result.status());
  ctx.out << Describe(*plan, *result) << sim::ComparisonTable(*result);
  if (plan->options.tenancy) ctx.out << "\n" << sim::TenantTable(*result);
  if (f.per_service || plan->services.size() > 1) ctx.out << "\n" << sim::ServiceTable(*result);
  if (policies) {
    for (size_t r = 0; r < policies->summaries.size(); ++r) {
      RunSummary& summary = policies->summaries[r];
      policies->timelines[r]->Finish(summary);
      if (summary.policy_actions.empty() && summary.budgets.empty()) continue;
      ctx.out << "\n" << result->strategies[r].name << ":\n";
      for (const auto& [policy, n] : summary.policy_actions) {
        ctx.out << "  " << PolicyLine(summary, policy, n);
      }
      for (const RunSummary::BudgetTimeline& b : summary.budgets) ctx.out << "  " << BudgetLine(b);
    }
  }
  std::optional<sim::Frontier> frontier;
  if (!f.sweep_targets.empty()) {
    StatusOr<std::vector<sim::FrontierPoint>> hpa = Sweep(f, *env);
    if (!hpa.ok()) return fail(hpa.status());
    frontier = sim::PlaceOnFrontier(*std::move(hpa), *result);
    ctx.out << "\n" << sim::FrontierTable(*frontier);
  }
  const sim::Frontier* placed = frontier ? &*frontier : nullptr;
  std::string json = f.json.empty() ? "" : sim::ResultJson(*result, plan->load, placed);
  if (policies && !json.empty()) {
    // Each strategy gains what the configured policies did in its run (as `run --json` says).
    nlohmann::ordered_json doc = nlohmann::ordered_json::parse(json);
    for (size_t r = 0; r < policies->summaries.size(); ++r) {
      const RunSummary& summary = policies->summaries[r];
      doc["strategies"][r]["policy_actions"] = summary.policy_actions;
      doc["strategies"][r]["policy_timeline"] = TimelineJson(summary);
      if (summary.policy_intervals_dropped > 0) {
        doc["strategies"][r]["policy_timeline_dropped"] = summary.policy_intervals_dropped;
      }
      doc["strategies"][r]["budgets"] = BudgetsJson(summary);
    }
    json = doc.dump(2);
  }
  for (const auto& [path, content] :
       {std::pair{f.json, json},
        std::pair{f.report,
                  f.report.empty() ? "" : sim::HtmlReport(*result, plan->load, placed)}}) {
    if (path.empty()) continue;
    Status written = WriteFile(path, content);
    if (!written.ok()) return fail(written);
    ctx.err << "wrote " << path << "\n";
  }
}

}  // namespace

void RegisterSimulateCommand(CLI::App& app, CommandContext& ctx) {
  auto f = std::make_shared<SimulateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Replay a trace or a scenario through strategies side by side and compare them");
  cmd->add_option("--trace", f->trace, "CSV trace (plain or .gz) of load over time")
      ->check(ReadableFile());
  cmd->add_option("--scenario", f->scenario,
                  "YAML scenario of many services and tenants, or music-streaming (the generated "
                  "scenario of crescendo run)");
  cmd->add_option("--config", f->config,
                  "Configuration files or directories: simulate their services of --env with the "
                  "load `crescendo run --config` gives them, their policies, and strategy "
                  "`configured` (each service in its own mode)");
  cmd->add_option("--env", f->env, "Environment of --config (default prod)")
      ->each([f](const std::string&) { f->env_given = true; });
  cmd->add_option("--start", f->start,
                  "With --config: when the simulated clock starts (RFC 3339, e.g. "
                  "2027-03-15T00:00:00+01:00; default 2026-11-23T00:00:00Z)");
  cmd->add_option("--time-column", f->time_column,
                  "Time column: header name or 1-based number (default 1)");
  cmd->add_option("--value-column", f->value_column,
                  "Value column: header name or 1-based number (default 2)");
  cmd->add_option("--time-unit", f->time_unit, "Unit of numeric times: s (default), ms, us, ns");
  cmd->add_option("--filter", f->filter, "Keep rows whose COLUMN equals VALUE (COLUMN=VALUE)");
  cmd->add_option("--peak-pods", f->peak_pods,
                  "Scale the trace so its peak needs N pods (default: values are requests/s)")
      ->check(FiniteNumber(0, kMaxReplicas, /*min_exclusive=*/true));
  cmd->add_option("--compress", f->compress, "Replay the trace this many times faster (default 1)")
      ->check(FiniteNumber(0, 1e6, /*min_exclusive=*/true));
  cmd->add_option("--capacity-rps", f->capacity_rps,
                  "Requests/s one pod serves at the latency target (default 100)")
      ->check(FiniteNumber(0, 1e9, /*min_exclusive=*/true));
  cmd->add_option("--target-utilization", f->target_utilization,
                  "CPU utilization target of the trace's HPA, percent, 1 to 100 (default 70)")
      ->check(IntegerIn(1, 100));
  cmd->add_option("--min-replicas", f->min_replicas,
                  "minReplicas for --trace, 0 to " + std::to_string(kMaxReplicas) + " (default 1)")
      ->check(IntegerIn(0, kMaxReplicas))
      ->each([f](const std::string&) { f->min_replicas_given = true; });
  cmd->add_option("--max-replicas", f->max_replicas,
                  "maxReplicas for --trace, 1 to " + std::to_string(kMaxReplicas) +
                      " (default: twice the peak, at least 10)")
      ->check(IntegerIn(1, kMaxReplicas))
      ->each([f](const std::string&) { f->max_replicas_given = true; });
  cmd->add_option(
         "--strategies", f->strategies,
         "Comma-separated strategies (default $AUTOSCALING_MODE, else the scenario's, else "
         "kubernetes; known: " +
             fmt::format("{}", fmt::join(HorizontalStrategyNames(), ", ")) +
             "; oracle: knows the whole load, provisions it a startup delay ahead; with "
             "--config, configured (the default there): each service in its own mode)")
      ->each([f](const std::string&) { f->strategies_given = true; });
  cmd->add_option("--seed", f->seed,
                  "Seed of every random draw, 0 to 2^63-1 (default 1, or the scenario's)")
      ->check(IntegerIn(0, std::numeric_limits<int64_t>::max()))
      ->each([f](const std::string&) { f->seed_given = true; });
  cmd->add_option("--interval", f->interval,
                  "Tick, at least 1s (Go duration; default $SCALING_INTERVAL, else the "
                  "scenario's, else 15s, the HPA sync period)")
      ->check(GoDuration(kMinInterval));
  cmd->add_option("--duration", f->duration, "Stop after this much simulated time (Go duration)")
      ->check(GoDuration(kMinInterval));
  cmd->add_option("--sweep-target", f->sweep_targets,
                  "Also run the kubernetes strategy at each CPU target utilization, percent "
                  "(e.g. 40,50,60,70,80), and place every strategy against that frontier")
      ->delimiter(',')
      ->check(IntegerIn(1, 100));
  cmd->add_option("--json", f->json, "Write the results as JSON to PATH")->check(WritableFile());
  cmd->add_option("--report", f->report, "Write the HTML report to PATH.html")
      ->check(WritableFile());
  cmd->add_flag("--per-service", f->per_service, "Also print the table per service");
  cmd->add_flag("--spare-capacity", f->spare_capacity,
                "Let every node pool grow to 5000 nodes: the same load with capacity to spare, "
                "the reference for what tenant arbitration costs");
  cmd->add_flag("--progress", f->progress,
                "Draw the progress bar on stderr even when it is not a terminal");
  cmd->add_flag("--no-progress", f->no_progress, "Never draw the progress bar");
  cmd->callback([f, &ctx] { Simulate(*f, ctx); });
}

}  // namespace crescendo::cli
