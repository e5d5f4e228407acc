// `crescendo optimize ...`: placement of pods on node types at the least cost (src/optimize),
// the consolidation plan from a current placement, and the bill of a scenario or a
// configuration per provider with spot advice.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "cli/command.h"
#include "cli/config_scenario.h"
#include "crescendo/base/clock.h"
#include "crescendo/config/config_files.h"
#include "crescendo/config/loader.h"
#include "crescendo/format/file.h"
#include "crescendo/optimize/consolidation.h"
#include "crescendo/optimize/cost.h"
#include "crescendo/optimize/csv.h"
#include "crescendo/optimize/solve.h"
#include "crescendo/sim/scenario_file.h"

namespace crescendo::cli {
namespace {

using optimize::PlacementProblem;
using optimize::SolveResult;

void Fail(CommandContext& ctx, const Status& s) {
  ctx.err << "crescendo optimize: " << s.message() << "\n";
  ctx.exit_code =
      s.code() == StatusCode::kNotFound || s.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

// Parses --time-limit: a duration > 0 (`example` shows one in the error).
StatusOr<Duration> ParseTimeLimit(const std::string& text, const std::string& example) {
  StatusOr<Duration> limit = ParseDuration(text);
  if (!limit.ok() || *limit <= Duration(0)) {
    return InvalidArgumentError("--time-limit: expected a duration > 0 such as " + example +
                                ", found \"" + text + "\"");
  }
  return *limit;
}

// Reads and parses the pods and node types files.
StatusOr<PlacementProblem> ReadProblem(const std::string& pods_path,
                                       const std::string& nodes_path) {
  CRESCENDO_ASSIGN_OR_RETURN(std::string pods, format::ReadFile(pods_path));
  CRESCENDO_ASSIGN_OR_RETURN(std::string nodes, format::ReadFile(nodes_path));
  return optimize::ParsePlacementCsv(pods, pods_path, nodes, nodes_path);
}

// Writes `j` to `path`, or to `out` when the path is "-".
Status WriteJson(const nlohmann::json& j, const std::string& path, std::ostream& out) {
  if (path == "-") {
    out << j.dump(2) << "\n";
    return Status::Ok();
  }
  std::ofstream file(path, std::ios::binary);
  if (!(file << j.dump(2) << "\n")) return UnavailableError(path + ": cannot write");
  return Status::Ok();
}

struct PlacementArgs {
  std::string pods;
  std::string nodes;
  std::string time_limit = "10s";
  std::string json;
  uint64_t seed = 1;
};

nlohmann::json PlacementJson(const PlacementProblem& p, const SolveResult& r) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const optimize::PlacedNode& n : r.placement.nodes) {
    nlohmann::json pods = nlohmann::json::array();
    for (int i : n.pods) pods.push_back(p.pods[i].name);
    nlohmann::json node = {{"type", p.node_types[n.type].name}, {"pods", pods}};
    const std::string zone = optimize::ZoneOf(p.node_types[n.type]);
    if (!zone.empty()) node["zone"] = zone;
    nodes.push_back(std::move(node));
  }
  return {{"node_count", r.placement.nodes.size()},
          {"cost", r.placement.cost},
          {"lower_bound", r.lower_bound},
          {"gap", r.gap},
          {"proven_optimal", r.proven_optimal},
          {"method", r.method},
          {"ffd_cost", r.ffd_cost},
          {"bfd_cost", r.bfd_cost},
          {"generations", r.generations},
          {"nodes", nodes}};
}

void PrintPlacement(const PlacementProblem& p, const SolveResult& r, std::ostream& out) {
  std::map<std::string, int> per_type;
  for (const optimize::PlacedNode& n : r.placement.nodes) ++per_type[p.node_types[n.type].name];
  out << std::fixed << std::setprecision(4);
  out << p.pods.size() << " pods, " << p.node_types.size() << " node types\n";
  out << "lower bound    " << r.lower_bound;
  if (r.bounds.nodes > 0) out << " (" << r.bounds.nodes << " nodes, L1/L2)";
  out << "\nfirst fit      " << r.ffd_cost << "\nbest fit       " << r.bfd_cost << "\n";
  out << "placement      " << r.placement.cost << " on " << r.placement.nodes.size()
      << " nodes, gap " << std::setprecision(2) << 100 * r.gap << "%"
      << (r.proven_optimal ? " (optimal)" : "") << ", by " << r.method;
  if (r.generations > 0) out << " after " << r.generations << " generations";
  out << "\n";
  for (const auto& [type, count] : per_type) out << "  " << type << " x" << count << "\n";
}

void RunPlacement(const PlacementArgs& a, CommandContext& ctx) {
  StatusOr<Duration> limit = ParseTimeLimit(a.time_limit, "10s or 500ms");
  if (!limit.ok()) return Fail(ctx, limit.status());
  StatusOr<PlacementProblem> p = ReadProblem(a.pods, a.nodes);
  if (!p.ok()) return Fail(ctx, p.status());
  RealClock clock;
  StatusOr<SolveResult> r =
      optimize::SolvePlacement(*p, {.seed = a.seed, .time_limit = *limit}, clock);
  if (!r.ok()) return Fail(ctx, r.status());
  PrintPlacement(*p, *r, ctx.out);
  if (a.json.empty()) return;
  if (Status s = WriteJson(PlacementJson(*p, *r), a.json, ctx.out); !s.ok()) return Fail(ctx, s);
}

struct CostArgs {
  std::string scenario;
  std::vector<std::string> config;
  std::string environment = "prod";
  std::string provider = "all";
  std::string catalogue = "data/prices/catalogue.csv";
  std::string json;
  std::string time_limit = "2s";
};

// Returns what the bill prices of one service: its average replicas over [start, end] (sampled
// hourly, replicas = ceil(load / capacity_rps) within min and max) and its allocation per pod,
// max(request, mean usage) as OpenCost allocates. `rps_at` gives the load at a time.
template <typename RpsAt>
StatusOr<optimize::ServiceDemand> DemandOf(const sim::ServiceSpec& spec, Timestamp start,
                                           Timestamp end, const RpsAt& rps_at) {
  const sim::PodModel& pod = spec.pod;
  const int32_t lo = spec.horizontal.min_replicas, hi = spec.horizontal.max_replicas;
  double replicas = 0, cpu = 0, mem = 0;
  int samples = 0;
  for (Timestamp t = start; t <= end; t += std::chrono::hours(1)) {
    CRESCENDO_ASSIGN_OR_RETURN(std::optional<double> rps, rps_at(t));
    if (!rps) continue;
    const double n = std::clamp(std::ceil(*rps / pod.capacity_rps), double(lo), double(hi));
    replicas += n;
    cpu += pod.cpu_base_millis + pod.cpu_millis_per_request * *rps / n;
    mem += pod.memory_base_bytes + pod.memory_bytes_per_request * *rps / n;
    ++samples;
  }
  if (samples == 0) samples = 1, replicas = lo;
  return optimize::ServiceDemand{
      .service = spec.id.ToString(),
      .tenant = spec.id.tenant,
      .replicas = replicas / samples,
      .min_replicas = lo,
      .cpu_millis = std::max<int64_t>(pod.requests.cpu_millis, std::llround(cpu / samples)),
      .memory_bytes = std::max<int64_t>(pod.requests.memory_bytes, std::llround(mem / samples)),
      .startup = pod.startup_delay,
      .stateless = true};
}

StatusOr<std::vector<optimize::ServiceDemand>> DemandsOf(sim::ScenarioFile& f) {
  std::vector<optimize::ServiceDemand> out;
  for (sim::SimService& s : f.services) {
    CRESCENDO_ASSIGN_OR_RETURN(
        optimize::ServiceDemand d,
        DemandOf(s.spec, f.start, f.end, [&](Timestamp t) { return s.source->RpsAt(t); }));
    out.push_back(std::move(d));
  }
  return out;
}

// The start of the day `crescendo run --config` simulates (run_command.cc), 2026-11-23T00:00Z;
// the bill averages the configured services over that day.
constexpr int64_t kConfigDayStartUnix = 1795392000;

StatusOr<bool> CostOptimizationFromEnv() {
  const char* v = std::getenv("COST_OPTIMIZATION");
  if (v == nullptr) return true;
  const std::string s = v;
  if (s == "on" || s == "true" || s == "1" || s == "enabled") return true;
  if (s == "off" || s == "false" || s == "0" || s == "disabled") return false;
  return InvalidArgumentError(
      "COST_OPTIMIZATION: expected on or off (enabled or disabled), "
      "found \"" +
      s + "\"");
}

nlohmann::json BillJson(const optimize::ProviderBill& b, const std::set<std::string>& optimized) {
  nlohmann::json services = nlohmann::json::array();
  for (const optimize::ServiceBill& s : b.services) {
    services.push_back({{"service", s.service},
                        {"tenant", s.tenant},
                        {"cost_optimization", optimized.count(s.service) > 0},
                        {"pods", s.pods},
                        {"cost_per_hour", s.cost_per_hour},
                        {"spot_eligible", s.spot_eligible},
                        {"spot", s.spot_reason},
                        {"spot_net_savings_per_hour", s.spot_net_savings_per_hour}});
  }
  return {{"provider", b.provider},
          {"region", b.region},
          {"nodes", b.nodes},
          {"node_types", b.node_types},
          {"cost_per_hour", b.cost_per_hour},
          {"lower_bound", b.lower_bound},
          {"gap", b.gap},
          {"idle_per_hour", b.idle_per_hour},
          {"tenants", b.tenants},
          {"services", services},
          {"spot_net_savings_per_hour", b.spot_net_savings_per_hour}};
}

void PrintBill(const optimize::ProviderBill& b, const std::set<std::string>& optimized,
               std::ostream& out) {
  out << "\n== " << b.provider << " " << b.region << ": " << b.nodes << " nodes (";
  bool first = true;
  for (const auto& [type, n] : b.node_types) {
    out << (first ? "" : ", ") << type << " x" << n;
    first = false;
  }
  out << std::fixed << std::setprecision(3) << "), $" << b.cost_per_hour << "/h ($"
      << std::setprecision(0) << b.cost_per_hour * 730 << "/month), lower bound $"
      << std::setprecision(3) << b.lower_bound << "/h, gap " << std::setprecision(1) << 100 * b.gap
      << "%, idle $" << std::setprecision(3) << b.idle_per_hour << "/h\n";
  size_t width = 8;
  for (const optimize::ServiceBill& s : b.services) width = std::max(width, s.service.size() + 2);
  const int name_width = static_cast<int>(width);
  out << std::left << std::setw(name_width) << "service" << std::setw(12) << "tenant"
      << std::setw(11) << "pool" << std::right << std::setw(5) << "pods" << std::setw(10)
      << "$/hour"
      << "  spot advice\n";
  for (const optimize::ServiceBill& s : b.services) {
    out << std::left << std::setw(name_width) << s.service << std::setw(12) << s.tenant
        << std::setw(11) << (optimized.count(s.service) ? "optimized" : "fixed") << std::right
        << std::setw(5) << s.pods << std::setw(10) << std::setprecision(4) << s.cost_per_hour
        << "  ";
    if (s.spot_eligible) {
      out << "spot, " << s.spot_reason << ", saves $" << s.spot_net_savings_per_hour << "/h net";
    } else {
      out << "on-demand (" << s.spot_reason << ")";
    }
    out << "\n";
  }
  for (const auto& [tenant, cost] : b.tenants) {
    out << "tenant " << std::left << std::setw(12) << tenant << std::right << " $"
        << std::setprecision(4) << cost << "/h\n";
  }
  out << "spot advice saves $" << b.spot_net_savings_per_hour << "/h net of interruptions\n";
}

// What a bill prices: the services, and which of them the cost optimizer may place.
struct Workload {
  std::string title;  // "scenario NAME: ..." or "configuration ...: ..."
  std::vector<optimize::ServiceDemand> services;
  std::set<std::string> optimized;  // services priced with cost optimization on
  std::string optimization;         // where the switch came from, for the output
};

StatusOr<Workload> WorkloadOfScenario(const std::string& path) {
  CRESCENDO_ASSIGN_OR_RETURN(bool on, CostOptimizationFromEnv());
  CRESCENDO_ASSIGN_OR_RETURN(sim::ScenarioFile scenario, sim::LoadScenarioFile(path));
  Workload w;
  CRESCENDO_ASSIGN_OR_RETURN(w.services, DemandsOf(scenario));
  w.title = "scenario " + scenario.name + ": " + std::to_string(w.services.size()) +
            " services, averaged over " + FormatDuration(scenario.end - scenario.start);
  if (on) {
    for (const optimize::ServiceDemand& d : w.services) w.optimized.insert(d.service);
  }
  w.optimization =
      std::string(on ? "on" : "off") + " for every service (COST_OPTIMIZATION=" +
      (std::getenv("COST_OPTIMIZATION") ? std::getenv("COST_OPTIMIZATION") : "unset, default on") +
      ")";
  return w;
}

// The configuration's services as `crescendo run --config` builds them (config_scenario.h),
// averaged over the day it simulates; each service's effective costOptimization (which the
// loader overrides with COST_OPTIMIZATION=enabled|disabled) decides its pool.
StatusOr<Workload> WorkloadOfConfig(const std::vector<std::string>& paths,
                                    const std::string& environment) {
  config::LoadOptions load;
  load.environment = config::CaptureOverrideVariables();
  config::LocalConfigFiles files;
  const config::LoadResult loaded = config::LoadConfigFiles(paths, load, files);
  if (!loaded.ok()) return loaded.ToStatus();
  const Timestamp start = FromUnixSeconds(kConfigDayStartUnix);
  const Timestamp end = start + std::chrono::hours(24);
  CRESCENDO_ASSIGN_OR_RETURN(sim::ScenarioSpec spec,
                             ScenarioFromConfig(*loaded.config, environment, /*seed=*/1, start));
  Workload w;
  for (const sim::ServiceSpec& svc : spec.services) {
    CRESCENDO_ASSIGN_OR_RETURN(optimize::ServiceDemand d,
                               DemandOf(svc, start, end, [&](Timestamp t) {
                                 return StatusOr<std::optional<double>>(svc.load->RpsAt(t));
                               }));
    const config::ServiceConfig* c = loaded.config->Find(svc.id);
    if (c != nullptr && c->cost_optimization) w.optimized.insert(d.service);
    w.services.push_back(std::move(d));
  }
  std::string joined;
  for (const std::string& p : paths) joined += (joined.empty() ? "" : ", ") + p;
  w.title = "configuration " + joined + ", environment " + environment + ": " +
            std::to_string(w.services.size()) +
            " horizontally scaled services, load of the simulated day (as run --config), "
            "averaged over 24h";
  w.optimization = "on for " + std::to_string(w.optimized.size()) + " of " +
                   std::to_string(w.services.size()) +
                   " services (each service's costOptimization; COST_OPTIMIZATION=enabled|disabled "
                   "overrides them all)";
  return w;
}

// Adds the bill of a second pool of the same provider to `into`.
void MergeBill(optimize::ProviderBill& into, const optimize::ProviderBill& more) {
  into.nodes += more.nodes;
  for (const auto& [type, n] : more.node_types) into.node_types[type] += n;
  into.cost_per_hour += more.cost_per_hour;
  into.lower_bound += more.lower_bound;
  into.gap = optimize::Gap(into.cost_per_hour, into.lower_bound);
  into.idle_per_hour += more.idle_per_hour;
  into.services.insert(into.services.end(), more.services.begin(), more.services.end());
  for (const auto& [tenant, cost] : more.tenants) into.tenants[tenant] += cost;
  into.spot_net_savings_per_hour += more.spot_net_savings_per_hour;
}

// Prices the workload on one provider: the optimized services and the fixed ones are two pools.
StatusOr<optimize::ProviderBill> PriceWorkload(const optimize::PriceCatalogue& catalogue,
                                               const std::string& provider, const Workload& w,
                                               Duration limit, const Clock& clock) {
  std::vector<optimize::ServiceDemand> on, off;
  for (const optimize::ServiceDemand& d : w.services) {
    (w.optimized.count(d.service) ? on : off).push_back(d);
  }
  std::optional<optimize::ProviderBill> bill;
  for (bool optimization : {true, false}) {
    const auto& pool = optimization ? on : off;
    if (pool.empty()) continue;
    CRESCENDO_ASSIGN_OR_RETURN(
        optimize::ProviderBill b,
        optimize::PriceOnProvider(catalogue, provider, pool,
                                  {.cost_optimization = optimization, .time_limit = limit}, clock));
    if (bill) {
      MergeBill(*bill, b);
    } else {
      bill = std::move(b);
    }
  }
  if (!bill) return NotFoundError("no service to price");
  return *bill;
}

void RunCost(const CostArgs& a, CommandContext& ctx) {
  StatusOr<Duration> limit = ParseTimeLimit(a.time_limit, "2s");
  if (!limit.ok()) return Fail(ctx, limit.status());
  if (a.scenario.empty() == a.config.empty()) {
    return Fail(ctx, InvalidArgumentError("expected exactly one of --scenario FILE and --config "
                                          "DIR, found " +
                                          std::string(a.scenario.empty() ? "neither" : "both")));
  }
  StatusOr<std::string> text = format::ReadFile(a.catalogue);
  if (!text.ok()) return Fail(ctx, text.status());
  StatusOr<optimize::PriceCatalogue> catalogue = optimize::ParsePriceCatalogue(*text, a.catalogue);
  if (!catalogue.ok()) return Fail(ctx, catalogue.status());
  StatusOr<Workload> w =
      a.config.empty() ? WorkloadOfScenario(a.scenario) : WorkloadOfConfig(a.config, a.environment);
  if (!w.ok()) return Fail(ctx, w.status());

  ctx.out << w->title << "\nprice catalogue " << a.catalogue << "\n";
  for (const std::string& s : catalogue->sources) ctx.out << "  source: " << s << "\n";
  ctx.out << "cost optimization: " << w->optimization << "\n"
          << "  on  (pool \"optimized\"): the provider's instance types mixed at the least cost, "
             "pods placed by the solver, its lower bound and gap stated\n"
          << "  off (pool \"fixed\"): one general-purpose type per provider (closest to 8 vCPU "
             "and 4 GiB per vCPU), first-fit decreasing, as a fixed node pool\n"
          << "  spot advice is given either way\n";
  std::vector<std::string> providers = {a.provider};
  if (a.provider == "all") providers = {"aws", "gcp", "azure"};
  RealClock clock;
  nlohmann::json bills = nlohmann::json::array();
  for (const std::string& provider : providers) {
    StatusOr<optimize::ProviderBill> bill = PriceWorkload(*catalogue, provider, *w, *limit, clock);
    if (!bill.ok()) return Fail(ctx, bill.status());
    PrintBill(*bill, w->optimized, ctx.out);
    bills.push_back(BillJson(*bill, w->optimized));
  }
  if (a.json.empty()) return;
  nlohmann::json j = {{"workload", w->title},
                      {"catalogue", a.catalogue},
                      {"sources", catalogue->sources},
                      {"cost_optimization", w->optimization},
                      {"providers", bills}};
  if (!a.scenario.empty()) j["scenario"] = a.scenario;
  if (Status s = WriteJson(j, a.json, ctx.out); !s.ok()) return Fail(ctx, s);
}

struct ConsolidateArgs {
  std::string pods;
  std::string nodes;
  std::string placement;
  std::vector<std::string> pdbs;
  std::string time_limit = "10s";
  std::string json;
  uint64_t seed = 1;
};

// Parses "--pdb SERVICE=N" values.
StatusOr<std::vector<optimize::DisruptionBudget>> ParseBudgets(
    const std::vector<std::string>& pdbs) {
  std::vector<optimize::DisruptionBudget> out;
  for (const std::string& pdb : pdbs) {
    const size_t eq = pdb.rfind('=');
    int32_t n = -1;
    const char* first = pdb.data() + (eq == std::string::npos ? 0 : eq + 1);
    const char* last = pdb.data() + pdb.size();
    auto [ptr, ec] = std::from_chars(first, last, n);
    if (eq == std::string::npos || eq == 0 || ec != std::errc() || ptr != last || n < 0) {
      return InvalidArgumentError(
          "--pdb: expected SERVICE=MAX_UNAVAILABLE with an integer >= 0, "
          "found \"" +
          pdb + "\"");
    }
    out.push_back({.group = pdb.substr(0, eq), .max_unavailable = n});
  }
  return out;
}

void RunConsolidate(const ConsolidateArgs& a, CommandContext& ctx) {
  StatusOr<Duration> limit = ParseTimeLimit(a.time_limit, "10s or 500ms");
  if (!limit.ok()) return Fail(ctx, limit.status());
  StatusOr<std::vector<optimize::DisruptionBudget>> budgets = ParseBudgets(a.pdbs);
  if (!budgets.ok()) return Fail(ctx, budgets.status());
  StatusOr<PlacementProblem> p = ReadProblem(a.pods, a.nodes);
  if (!p.ok()) return Fail(ctx, p.status());
  StatusOr<std::string> current_text = format::ReadFile(a.placement);
  if (!current_text.ok()) return Fail(ctx, current_text.status());
  StatusOr<optimize::NamedPlacement> current =
      optimize::ParsePlacementFileCsv(*current_text, a.placement, *p);
  if (!current.ok()) return Fail(ctx, current.status());
  RealClock clock;
  StatusOr<SolveResult> r =
      optimize::SolvePlacement(*p, {.seed = a.seed, .time_limit = *limit}, clock);
  if (!r.ok()) return Fail(ctx, r.status());
  // Keep the current placement when the solver found nothing cheaper.
  const bool cheaper = r->placement.cost < current->placement.cost - 1e-9;
  optimize::ConsolidationInput in{.problem = &*p,
                                  .current = current->placement,
                                  .target = cheaper ? r->placement : current->placement,
                                  .pod_group = {},
                                  .budgets = *budgets};
  for (const optimize::Pod& pod : p->pods) in.pod_group.push_back(pod.service);
  StatusOr<optimize::ConsolidationPlan> plan = optimize::PlanConsolidation(in);
  if (!plan.ok()) return Fail(ctx, plan.status());
  if (Status v = optimize::VerifyPlan(in, *plan); !v.ok()) return Fail(ctx, v);

  std::vector<std::string> names = current->node_names;
  for (size_t k = names.size(); k < plan->nodes.size(); ++k) {
    names.push_back("new-" + std::to_string(k - current->node_names.size() + 1));
  }
  auto label = [&](int node) {
    return names[node] + " (" + p->node_types[plan->nodes[node].type].name + ")";
  };
  std::ostream& out = ctx.out;
  out << std::fixed << std::setprecision(4);
  out << "current  " << current->placement.cost << " on " << current->placement.nodes.size()
      << " nodes\ntarget   " << in.target.cost << " on " << in.target.nodes.size()
      << " nodes (lower bound " << r->lower_bound << ", by " << r->method << ")"
      << (cheaper ? "" : ": nothing cheaper found, no moves") << "\nsaves    "
      << current->placement.cost - in.target.cost << "/h with " << plan->evictions
      << " evictions in " << plan->waves.size() << " waves\n";
  for (int k : plan->added) out << "add      " << label(k) << "\n";
  for (size_t w = 0; w < plan->waves.size(); ++w) {
    out << "wave " << w + 1 << "\n";
    for (const optimize::PodMove& m : plan->waves[w]) {
      out << "  " << p->pods[m.pod].name << ": " << label(m.from) << " -> " << label(m.to) << "\n";
    }
  }
  for (int k : plan->removed) out << "remove   " << label(k) << "\n";
  if (a.json.empty()) return;
  nlohmann::json waves = nlohmann::json::array();
  for (const auto& wave : plan->waves) {
    nlohmann::json moves = nlohmann::json::array();
    for (const optimize::PodMove& m : wave) {
      moves.push_back({{"pod", p->pods[m.pod].name}, {"from", names[m.from]}, {"to", names[m.to]}});
    }
    waves.push_back(moves);
  }
  nlohmann::json added = nlohmann::json::array(), removed = nlohmann::json::array();
  for (int k : plan->added) {
    added.push_back({{"node", names[k]}, {"type", p->node_types[plan->nodes[k].type].name}});
  }
  for (int k : plan->removed) removed.push_back(names[k]);
  const nlohmann::json j = {{"cost_before", current->placement.cost},
                            {"cost_after", in.target.cost},
                            {"lower_bound", r->lower_bound},
                            {"evictions", plan->evictions},
                            {"added", added},
                            {"waves", waves},
                            {"removed", removed}};
  if (Status s = WriteJson(j, a.json, out); !s.ok()) return Fail(ctx, s);
}

}  // namespace

void RegisterOptimizeCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* opt = app.add_subcommand("optimize", "placement and cost optimization");
  opt->require_subcommand(1);

  auto pa = std::make_shared<PlacementArgs>();
  CLI::App* placement = opt->add_subcommand(
      "placement", "place pods on the cheapest set of nodes, with its lower bound and gap");
  placement->add_option("--pods", pa->pods, "pods CSV: name,<resource>,...")->required();
  placement
      ->add_option("--nodes", pa->nodes, "node types CSV: type,<resource>,...,price[,max_count]")
      ->required();
  placement->add_option("--time-limit", pa->time_limit, "search time, e.g. 10s (default 10s)");
  placement->add_option("--json", pa->json,
                        "write the placement as JSON to this file (- : stdout)");
  placement->add_option("--seed", pa->seed, "seed of the genetic algorithm (default 1)");
  placement->callback([pa, &ctx] { RunPlacement(*pa, ctx); });

  auto ca = std::make_shared<CostArgs>();
  CLI::App* cost = opt->add_subcommand(
      "cost", "the bill per service and tenant on AWS, GCP and Azure, with spot advice");
  cost->add_option("--scenario", ca->scenario, "scenario file (YAML, docs/simulation.md)");
  cost->add_option("--config", ca->config,
                   "configuration files or directories (as crescendo run --config)");
  cost->add_option("--environment", ca->environment,
                   "environment of --config to price (default prod)");
  cost->add_option("--provider", ca->provider, "aws, gcp, azure or all (default all)")
      ->check(CLI::IsMember({"aws", "gcp", "azure", "all"}));
  cost->add_option("--catalogue", ca->catalogue,
                   "price catalogue CSV (default data/prices/catalogue.csv)");
  cost->add_option("--time-limit", ca->time_limit, "placement search per provider (default 2s)");
  cost->add_option("--json", ca->json, "write the bills as JSON to this file");
  cost->callback([ca, &ctx] { RunCost(*ca, ctx); });

  auto co = std::make_shared<ConsolidateArgs>();
  CLI::App* consolidate = opt->add_subcommand(
      "consolidate", "plan the moves from the current placement to a cheaper one, within the PDBs");
  consolidate->add_option("--pods", co->pods, "pods CSV (its service column is the PDB group)")
      ->required();
  consolidate->add_option("--nodes", co->nodes, "node types CSV")->required();
  consolidate->add_option("--placement", co->placement, "current placement CSV: node,type,pods")
      ->required();
  consolidate->add_option("--pdb", co->pdbs,
                          "SERVICE=MAX_UNAVAILABLE, a PodDisruptionBudget (repeatable; services "
                          "without one are not limited)");
  consolidate->add_option("--time-limit", co->time_limit, "search time (default 10s)");
  consolidate->add_option("--json", co->json, "write the plan as JSON to this file (- : stdout)");
  consolidate->add_option("--seed", co->seed, "seed of the genetic algorithm (default 1)");
  consolidate->callback([co, &ctx] { RunConsolidate(*co, ctx); });
}

}  // namespace crescendo::cli
