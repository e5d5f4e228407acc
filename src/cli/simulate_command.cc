// `crescendo simulate`: replays a trace or a scenario through one or more strategies side by side,
// prints the comparison table and writes the JSON document and the HTML report (see
// docs/simulation.md).
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

#include "cli/command.h"
#include "cli/progress.h"
#include "crescendo/engine/strategies.h"
#include "crescendo/sim/oracle.h"
#include "crescendo/sim/report.h"
#include "crescendo/sim/runner.h"
#include "crescendo/sim/scenario_file.h"

namespace crescendo::cli {
namespace {

struct SimulateFlags {
  std::string trace;
  std::string scenario;
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
  std::string interval;
  std::string duration;
  uint64_t seed = 1;
  bool seed_given = false;
  std::string json;
  std::string report;
  bool per_service = false;
  bool progress = false;
  bool no_progress = false;
  std::vector<int32_t> sweep_targets;  // --sweep-target: the kubernetes strategy at each
};

constexpr const char* kBuiltinScenario = "music-streaming";

// What the command runs: services with their loads, and the options.
struct Plan {
  std::vector<sim::SimService> services;
  sim::SimulationOptions options;
  sim::LoadDescription load;
};

// Splits at the commas outside parentheses, so "kubernetes,predictive(quantile=0.9,flash_hold=5m)"
// is two strategies.
std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  int depth = 0;
  for (char c : text + ",") {
    depth += (c == '(') - (c == ')');
    if (c != ',' || depth > 0) {
      item += c;
    } else if (!item.empty()) {
      out.push_back(std::exchange(item, {}));
    }
  }
  return out;
}

StatusOr<Duration> TimeUnit(const std::string& unit) {
  if (unit == "s") return Duration(seconds(1));
  if (unit == "ms") return Duration(milliseconds(1));
  if (unit == "us") return Duration(std::chrono::microseconds(1));
  if (unit == "ns") return Duration(1);
  return InvalidArgumentError("--time-unit: expected s, ms, us or ns, found \"" + unit + "\"");
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
      return InvalidArgumentError("--filter: expected COLUMN=VALUE, found \"" + f.filter + "\"");
    }
    load.trace.filter_column = f.filter.substr(0, eq);
    load.trace.filter_value = f.filter.substr(eq + 1);
  }
  if (!(f.compress > 0)) return InvalidArgumentError("--compress: expected a factor > 0");
  if (!(f.capacity_rps > 0)) return InvalidArgumentError("--capacity-rps: expected > 0");
  load.compression = f.compress;
  CRESCENDO_ASSIGN_OR_RETURN(sim::TraceSummary summary, sim::SummarizeTrace(load.trace));
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
  s.spec.horizontal.max_replicas =
      f.max_replicas > 0 ? f.max_replicas
                         : std::max(10, static_cast<int32_t>(std::ceil(2 * peak_pods)));
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
  const Timestamp start = FromUnixSeconds(1795392000);
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
  plan.options.strategies =
      file.strategies.empty() ? std::vector<std::string>{"kubernetes"} : file.strategies;
  plan.load = {"scenario", file.name, f.scenario, file.seed, {}, file.traces, 1, 1};
  for (const sim::SimService& s : file.services) plan.load.services.push_back(s.spec.id);
  plan.services = std::move(file.services);
  return plan;
}

// Applies the flags that override the trace's or scenario's own settings.
Status Override(const SimulateFlags& f, Plan& plan) {
  if (!f.strategies.empty()) plan.options.strategies = SplitList(f.strategies);
  plan.options.seed = f.seed_given ? f.seed : plan.load.seed;
  plan.load.seed = plan.options.seed;
  if (!f.interval.empty()) {
    StatusOr<Duration> interval = ParseDuration(f.interval);
    if (!interval.ok() || interval->count() <= 0) {
      return InvalidArgumentError(
          "--interval: expected a positive Go duration such as \"15s\", "
          "found \"" +
          f.interval + "\"");
    }
    plan.options.interval = *interval;
  }
  if (!f.duration.empty()) {
    StatusOr<Duration> duration = ParseDuration(f.duration);
    if (!duration.ok() || duration->count() <= 0) {
      return InvalidArgumentError(
          "--duration: expected a positive Go duration such as \"168h\", "
          "found \"" +
          f.duration + "\"");
    }
    plan.options.end = std::min(plan.options.end, plan.options.start + *duration);
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
  if (!file) return UnavailableError("cannot write " + path);
  return Status::Ok();
}

int ExitCode(const Status& s) {
  return s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kNotFound ? 2 : 1;
}

StatusOr<Plan> NewPlan(const SimulateFlags& f) {
  CRESCENDO_ASSIGN_OR_RETURN(Plan plan, f.trace.empty() ? ScenarioPlan(f) : TracePlan(f));
  CRESCENDO_RETURN_IF_ERROR(Override(f, plan));
  return plan;
}

// What the runner builds for a name: the registered strategies, and the oracle, which reads a
// second copy of the plan's loads ahead (crescendo/sim/oracle.h).
sim::StrategyFactory Strategies(const SimulateFlags& f) {
  return [f](std::string_view name) -> StatusOr<std::unique_ptr<HorizontalRecommender>> {
    if (name != "oracle") return NewHorizontalStrategy(name);
    CRESCENDO_ASSIGN_OR_RETURN(Plan ahead, NewPlan(f));
    return sim::NewOracleRecommender(std::move(ahead.services), ahead.options.start,
                                     ahead.options.interval);
  };
}

StatusOr<ModeStrategies> Resolve(std::string_view name) {
  if (name == "oracle") return ModeStrategies{"oracle", "vpa", true};
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
StatusOr<std::vector<sim::FrontierPoint>> Sweep(const SimulateFlags& f) {
  std::vector<sim::FrontierPoint> points;
  for (int32_t target : f.sweep_targets) {
    if (target <= 0 || target > 100) {
      return InvalidArgumentError("--sweep-target: expected percentages in 1..100, found " +
                                  std::to_string(target));
    }
    CRESCENDO_ASSIGN_OR_RETURN(Plan plan, NewPlan(f));
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
  auto fail = [&ctx](const Status& s) {
    ctx.err << "crescendo simulate: " << s.message() << "\n";
    ctx.exit_code = ExitCode(s);
  };
  if (f.trace.empty() == f.scenario.empty()) {
    return fail(InvalidArgumentError("give exactly one of --trace PATH and --scenario FILE"));
  }
  StatusOr<Plan> plan = NewPlan(f);
  if (!plan.ok()) return fail(plan.status());
  bool show = !f.no_progress && (f.progress || isatty(STDERR_FILENO) != 0);
  ProgressBar bar(ctx.err, "simulating", show);
  plan->options.resolve = Resolve;
  StatusOr<sim::SimulationResult> result =
      sim::RunSimulation(plan->services, plan->options, Strategies(f),
                         [&bar](int64_t done, int64_t total) { bar.Update(done, total); });
  bar.Finish();
  if (!result.ok()) return fail(result.status());
  ctx.out << Describe(*plan, *result) << sim::ComparisonTable(*result);
  if (f.per_service || plan->services.size() > 1) ctx.out << "\n" << sim::ServiceTable(*result);
  std::optional<sim::Frontier> frontier;
  if (!f.sweep_targets.empty()) {
    StatusOr<std::vector<sim::FrontierPoint>> hpa = Sweep(f);
    if (!hpa.ok()) return fail(hpa.status());
    frontier = sim::PlaceOnFrontier(*std::move(hpa), *result);
    ctx.out << "\n" << sim::FrontierTable(*frontier);
  }
  const sim::Frontier* placed = frontier ? &*frontier : nullptr;
  for (const auto& [path, content] :
       {std::pair{f.json, f.json.empty() ? "" : sim::ResultJson(*result, plan->load, placed)},
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
  cmd->add_option("--trace", f->trace, "CSV trace (plain or .gz) of load over time");
  cmd->add_option("--scenario", f->scenario,
                  "YAML scenario of many services and tenants, or music-streaming (the generated "
                  "scenario of crescendo run)");
  cmd->add_option("--time-column", f->time_column,
                  "Time column: header name or 1-based number (default 1)");
  cmd->add_option("--value-column", f->value_column,
                  "Value column: header name or 1-based number (default 2)");
  cmd->add_option("--time-unit", f->time_unit, "Unit of numeric times: s (default), ms, us, ns");
  cmd->add_option("--filter", f->filter, "Keep rows whose COLUMN equals VALUE (COLUMN=VALUE)");
  cmd->add_option("--peak-pods", f->peak_pods,
                  "Scale the trace so its peak needs N pods (default: values are requests/s)");
  cmd->add_option("--compress", f->compress, "Replay the trace this many times faster (default 1)");
  cmd->add_option("--capacity-rps", f->capacity_rps,
                  "Requests/s one pod serves at the latency target (default 100)");
  cmd->add_option("--target-utilization", f->target_utilization,
                  "CPU utilization target of the trace's HPA, percent (default 70)");
  cmd->add_option("--min-replicas", f->min_replicas, "minReplicas for --trace (default 1)");
  cmd->add_option("--max-replicas", f->max_replicas,
                  "maxReplicas for --trace (default: twice the peak, at least 10)");
  cmd->add_option("--strategies", f->strategies,
                  "Comma-separated strategies (default kubernetes; known: " +
                      fmt::format("{}", fmt::join(HorizontalStrategyNames(), ", ")) +
                      ", and oracle: knows the whole load, provisions it a startup delay ahead)");
  cmd->add_option("--seed", f->seed, "Seed of every random draw (default 1, or the scenario's)")
      ->each([f](const std::string&) { f->seed_given = true; });
  cmd->add_option("--interval", f->interval,
                  "Tick (Go duration; default 15s, the HPA sync period)");
  cmd->add_option("--duration", f->duration, "Stop after this much simulated time (Go duration)");
  cmd->add_option("--sweep-target", f->sweep_targets,
                  "Also run the kubernetes strategy at each CPU target utilization (e.g. "
                  "40,50,60,70,80) and place every strategy against that frontier")
      ->delimiter(',');
  cmd->add_option("--json", f->json, "Write the results as JSON to PATH");
  cmd->add_option("--report", f->report, "Write the HTML report to PATH.html");
  cmd->add_flag("--per-service", f->per_service, "Also print the table per service");
  cmd->add_flag("--progress", f->progress,
                "Draw the progress bar on stderr even when it is not a terminal");
  cmd->add_flag("--no-progress", f->no_progress, "Never draw the progress bar");
  cmd->callback([f, &ctx] { Simulate(*f, ctx); });
}

}  // namespace crescendo::cli
