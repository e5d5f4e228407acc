// `crescendo optimize ...`: placement of pods on node types at the least cost (src/optimize),
// and the bill of a scenario per provider with spot advice.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli/command.h"
#include "crescendo/base/clock.h"
#include "crescendo/optimize/cost.h"
#include "crescendo/optimize/csv.h"
#include "crescendo/optimize/solve.h"
#include "crescendo/sim/scenario_file.h"

namespace crescendo::cli {
namespace {

using optimize::PlacementProblem;
using optimize::SolveResult;

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot open for reading");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Fail(CommandContext& ctx, const Status& s) {
  ctx.err << "crescendo optimize: " << s.message() << "\n";
  ctx.exit_code =
      s.code() == StatusCode::kNotFound || s.code() == StatusCode::kInvalidArgument ? 2 : 1;
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
    nodes.push_back({{"type", p.node_types[n.type].name}, {"pods", pods}});
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
  StatusOr<Duration> limit = ParseDuration(a.time_limit);
  if (!limit.ok() || *limit <= Duration(0)) {
    return Fail(ctx, InvalidArgumentError("--time-limit: expected a duration > 0 such as 10s or "
                                          "500ms, found \"" +
                                          a.time_limit + "\""));
  }
  StatusOr<std::string> pods = ReadFile(a.pods);
  if (!pods.ok()) return Fail(ctx, pods.status());
  StatusOr<std::string> nodes = ReadFile(a.nodes);
  if (!nodes.ok()) return Fail(ctx, nodes.status());
  StatusOr<PlacementProblem> p = optimize::ParsePlacementCsv(*pods, a.pods, *nodes, a.nodes);
  if (!p.ok()) return Fail(ctx, p.status());
  RealClock clock;
  StatusOr<SolveResult> r =
      optimize::SolvePlacement(*p, {.seed = a.seed, .time_limit = *limit}, clock);
  if (!r.ok()) return Fail(ctx, r.status());
  PrintPlacement(*p, *r, ctx.out);
  if (a.json.empty()) return;
  const std::string json = PlacementJson(*p, *r).dump(2);
  if (a.json == "-") {
    ctx.out << json << "\n";
    return;
  }
  std::ofstream out(a.json, std::ios::binary);
  if (!(out << json << "\n")) return Fail(ctx, UnavailableError(a.json + ": cannot write"));
}

struct CostArgs {
  std::string scenario;
  std::string provider = "all";
  std::string catalogue = "data/prices/catalogue.csv";
  std::string json;
  std::string time_limit = "2s";
};

// Returns what the bill prices of each service of the scenario: its average replicas over the
// scenario's period (sampled hourly, replicas = ceil(load / capacity_rps) within min and max)
// and its allocation per pod, max(request, mean usage) as OpenCost allocates.
StatusOr<std::vector<optimize::ServiceDemand>> DemandsOf(sim::ScenarioFile& f) {
  std::vector<optimize::ServiceDemand> out;
  for (sim::SimService& s : f.services) {
    const sim::PodModel& pod = s.spec.pod;
    const int32_t lo = s.spec.horizontal.min_replicas, hi = s.spec.horizontal.max_replicas;
    double replicas = 0, cpu = 0, mem = 0;
    int samples = 0;
    for (Timestamp t = f.start; t <= f.end; t += std::chrono::hours(1)) {
      CRESCENDO_ASSIGN_OR_RETURN(std::optional<double> rps, s.source->RpsAt(t));
      if (!rps) continue;
      const double n = std::clamp(std::ceil(*rps / pod.capacity_rps), double(lo), double(hi));
      replicas += n;
      cpu += pod.cpu_base_millis + pod.cpu_millis_per_request * *rps / n;
      mem += pod.memory_base_bytes + pod.memory_bytes_per_request * *rps / n;
      ++samples;
    }
    if (samples == 0) samples = 1, replicas = lo;
    out.push_back(
        {.service = s.spec.id.ToString(),
         .tenant = s.spec.id.tenant,
         .replicas = replicas / samples,
         .min_replicas = lo,
         .cpu_millis = std::max<int64_t>(pod.requests.cpu_millis, std::llround(cpu / samples)),
         .memory_bytes = std::max<int64_t>(pod.requests.memory_bytes, std::llround(mem / samples)),
         .startup = pod.startup_delay,
         .stateless = true});
  }
  return out;
}

StatusOr<bool> CostOptimizationFromEnv() {
  const char* v = std::getenv("COST_OPTIMIZATION");
  if (v == nullptr) return true;
  const std::string s = v;
  if (s == "on" || s == "true" || s == "1") return true;
  if (s == "off" || s == "false" || s == "0") return false;
  return InvalidArgumentError("COST_OPTIMIZATION: expected on or off, found \"" + s + "\"");
}

nlohmann::json BillJson(const optimize::ProviderBill& b) {
  nlohmann::json services = nlohmann::json::array();
  for (const optimize::ServiceBill& s : b.services) {
    services.push_back({{"service", s.service},
                        {"tenant", s.tenant},
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

void PrintBill(const optimize::ProviderBill& b, std::ostream& out) {
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
  out << std::left << std::setw(42) << "service" << std::setw(12) << "tenant" << std::right
      << std::setw(5) << "pods" << std::setw(10) << "$/hour"
      << "  spot advice\n";
  for (const optimize::ServiceBill& s : b.services) {
    out << std::left << std::setw(42) << s.service << std::setw(12) << s.tenant << std::right
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

void RunCost(const CostArgs& a, CommandContext& ctx) {
  StatusOr<Duration> limit = ParseDuration(a.time_limit);
  if (!limit.ok() || *limit <= Duration(0)) {
    return Fail(ctx, InvalidArgumentError("--time-limit: expected a duration > 0 such as 2s, "
                                          "found \"" +
                                          a.time_limit + "\""));
  }
  StatusOr<bool> optimization = CostOptimizationFromEnv();
  if (!optimization.ok()) return Fail(ctx, optimization.status());
  StatusOr<std::string> text = ReadFile(a.catalogue);
  if (!text.ok()) return Fail(ctx, text.status());
  StatusOr<optimize::PriceCatalogue> catalogue = optimize::ParsePriceCatalogue(*text, a.catalogue);
  if (!catalogue.ok()) return Fail(ctx, catalogue.status());
  StatusOr<sim::ScenarioFile> scenario = sim::LoadScenarioFile(a.scenario);
  if (!scenario.ok()) return Fail(ctx, scenario.status());
  StatusOr<std::vector<optimize::ServiceDemand>> demands = DemandsOf(*scenario);
  if (!demands.ok()) return Fail(ctx, demands.status());

  ctx.out << "scenario " << scenario->name << ": " << demands->size() << " services, averaged over "
          << FormatDuration(scenario->end - scenario->start) << "\nprice catalogue " << a.catalogue
          << "\n";
  for (const std::string& s : catalogue->sources) ctx.out << "  source: " << s << "\n";
  ctx.out << "cost optimization: " << (*optimization ? "on" : "off")
          << " (COST_OPTIMIZATION; off: one general-purpose type, first fit)\n";
  std::vector<std::string> providers = {a.provider};
  if (a.provider == "all") providers = {"aws", "gcp", "azure"};
  RealClock clock;
  nlohmann::json bills = nlohmann::json::array();
  for (const std::string& provider : providers) {
    StatusOr<optimize::ProviderBill> bill = optimize::PriceOnProvider(
        *catalogue, provider, *demands, {.cost_optimization = *optimization, .time_limit = *limit},
        clock);
    if (!bill.ok()) return Fail(ctx, bill.status());
    PrintBill(*bill, ctx.out);
    bills.push_back(BillJson(*bill));
  }
  if (a.json.empty()) return;
  nlohmann::json j = {{"scenario", scenario->name},
                      {"catalogue", a.catalogue},
                      {"sources", catalogue->sources},
                      {"cost_optimization", *optimization},
                      {"providers", bills}};
  std::ofstream out(a.json, std::ios::binary);
  if (!(out << j.dump(2) << "\n")) return Fail(ctx, UnavailableError(a.json + ": cannot write"));
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
  cost->add_option("--scenario", ca->scenario, "scenario file (YAML, docs/simulation.md)")
      ->required();
  cost->add_option("--provider", ca->provider, "aws, gcp, azure or all (default all)")
      ->check(CLI::IsMember({"aws", "gcp", "azure", "all"}));
  cost->add_option("--catalogue", ca->catalogue,
                   "price catalogue CSV (default data/prices/catalogue.csv)");
  cost->add_option("--time-limit", ca->time_limit, "placement search per provider (default 2s)");
  cost->add_option("--json", ca->json, "write the bills as JSON to this file");
  cost->callback([ca, &ctx] { RunCost(*ca, ctx); });
}

}  // namespace crescendo::cli
