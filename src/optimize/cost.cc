#include "crescendo/optimize/cost.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "crescendo/optimize/solve.h"

namespace crescendo::optimize {
namespace {

constexpr int64_t kGiB = int64_t{1} << 30;
constexpr double kHoursPerMonth = 730;  // 365 * 24 / 12, as cloud bills count a month

std::vector<std::string> SplitCsv(std::string_view line) {
  std::vector<std::string> out;
  while (true) {
    const size_t comma = line.find(',');
    out.emplace_back(line.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    line.remove_prefix(comma + 1);
  }
}

StatusOr<double> Number(const std::string& text, const std::string& column,
                        const std::string& where) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v) || v < 0) {
    return InvalidArgumentError(where + ": column \"" + column +
                                "\": expected a number >= 0, found \"" + text + "\"");
  }
  return v;
}

}  // namespace

StatusOr<PriceCatalogue> ParsePriceCatalogue(std::string_view text, const std::string& path) {
  static const char* kHeader =
      "provider,region,instance_type,vcpu,memory_gib,ondemand_usd_per_hour,spot_usd_per_hour,"
      "spot_discount_pct,interruption_band";
  PriceCatalogue c;
  bool header = false;
  int line_no = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string where = path + ":" + std::to_string(line_no);
    if (line.empty()) continue;
    if (line.front() == '#') {
      constexpr std::string_view kSource = "# source: ";
      if (line.substr(0, kSource.size()) == kSource) {
        c.sources.emplace_back(line.substr(kSource.size()));
      }
      continue;
    }
    if (!header) {
      if (line != kHeader) {
        return InvalidArgumentError(where + ": expected the header `" + std::string(kHeader) + "`");
      }
      header = true;
      continue;
    }
    const std::vector<std::string> f = SplitCsv(line);
    if (f.size() != 9) {
      return InvalidArgumentError(where + ": expected 9 columns, found " +
                                  std::to_string(f.size()));
    }
    InstancePrice p{.provider = f[0], .region = f[1], .instance_type = f[2]};
    CRESCENDO_ASSIGN_OR_RETURN(double vcpu, Number(f[3], "vcpu", where));
    CRESCENDO_ASSIGN_OR_RETURN(p.memory_gib, Number(f[4], "memory_gib", where));
    CRESCENDO_ASSIGN_OR_RETURN(p.ondemand_per_hour, Number(f[5], "ondemand_usd_per_hour", where));
    CRESCENDO_ASSIGN_OR_RETURN(p.spot_per_hour, Number(f[6], "spot_usd_per_hour", where));
    CRESCENDO_ASSIGN_OR_RETURN(p.spot_discount_pct, Number(f[7], "spot_discount_pct", where));
    p.vcpu = static_cast<int64_t>(vcpu);
    p.interruption_band = f[8];
    if (p.vcpu <= 0 || p.memory_gib <= 0 || p.ondemand_per_hour <= 0) {
      return InvalidArgumentError(where +
                                  ": expected vcpu, memory_gib and ondemand_usd_per_hour "
                                  "> 0");
    }
    c.instances.push_back(std::move(p));
  }
  if (!header) return InvalidArgumentError(path + ": expected a header, found none");
  return c;
}

double BandMonthlyRate(std::string_view band) {
  if (band == "<5%") return 0.05;
  if (band == "5-10%") return 0.10;
  if (band == "10-15%") return 0.15;
  if (band == "15-20%") return 0.20;
  return 0.25;
}

namespace {

// The types of `provider` in `region` (the first region listed when empty).
std::vector<const InstancePrice*> TypesOf(const PriceCatalogue& c, std::string_view provider,
                                          std::string region) {
  std::vector<const InstancePrice*> out;
  for (const InstancePrice& p : c.instances) {
    if (p.provider != provider) continue;
    if (region.empty()) region = p.region;
    if (p.region == region) out.push_back(&p);
  }
  return out;
}

// The general-purpose type closest to 8 vCPU and 4 GiB per vCPU: a fixed pool's usual choice.
const InstancePrice* DefaultType(const std::vector<const InstancePrice*>& types) {
  const InstancePrice* best = nullptr;
  double best_distance = 0;
  for (const InstancePrice* t : types) {
    const double d = std::abs(std::log2(static_cast<double>(t->vcpu) / 8)) +
                     std::abs(std::log2(t->memory_gib / t->vcpu / 4));
    if (best == nullptr || d < best_distance) {
      best = t;
      best_distance = d;
    }
  }
  return best;
}

std::string SpotVerdict(const ServiceDemand& s, const CostOptions& o, bool* eligible) {
  *eligible = false;
  if (!s.stateless) return "stateful";
  if (s.min_replicas < o.min_spot_replicas) {
    return "min_replicas " + std::to_string(s.min_replicas) + " < " +
           std::to_string(o.min_spot_replicas);
  }
  if (s.startup > o.max_spot_startup) {
    return "startup " + FormatDuration(s.startup) + " > " + FormatDuration(o.max_spot_startup);
  }
  *eligible = true;
  return "";
}

}  // namespace

StatusOr<ProviderBill> PriceOnProvider(const PriceCatalogue& catalogue, std::string_view provider,
                                       const std::vector<ServiceDemand>& services,
                                       const CostOptions& options, const Clock& clock) {
  std::vector<const InstancePrice*> types = TypesOf(catalogue, provider, options.region);
  if (types.empty()) {
    return NotFoundError("the price catalogue has no instance type of provider \"" +
                         std::string(provider) + "\"" +
                         (options.region.empty() ? "" : " in region " + options.region));
  }
  if (!options.cost_optimization) types = {DefaultType(types)};
  PlacementProblem p;
  p.resources = {"cpu", "memory"};
  for (const InstancePrice* t : types) {
    p.node_types.push_back(
        {.name = t->instance_type,
         .capacity = {t->vcpu * 1000, static_cast<int64_t>(t->memory_gib * kGiB)},
         .price_per_hour = t->ondemand_per_hour});
  }
  std::vector<int> service_of;
  for (size_t s = 0; s < services.size(); ++s) {
    const int64_t pods = static_cast<int64_t>(std::ceil(services[s].replicas - 1e-9));
    for (int64_t k = 0; k < pods; ++k) {
      p.pods.push_back({.name = services[s].service + "-" + std::to_string(k),
                        .demand = {services[s].cpu_millis, services[s].memory_bytes}});
      service_of.push_back(static_cast<int>(s));
    }
  }
  SolveOptions so{.seed = options.seed, .time_limit = options.time_limit, .exact_max_pods = 0};
  if (!options.cost_optimization) so.max_generations = 0;
  CRESCENDO_ASSIGN_OR_RETURN(SolveResult r, SolvePlacement(p, so, clock));
  if (!options.cost_optimization) {
    CRESCENDO_ASSIGN_OR_RETURN(r.placement, FirstFitDecreasing(p));
    r.gap = Gap(r.placement.cost, r.lower_bound);
  }

  ProviderBill bill{.provider = std::string(provider), .region = types[0]->region};
  bill.nodes = static_cast<int64_t>(r.placement.nodes.size());
  bill.cost_per_hour = r.placement.cost;
  bill.lower_bound = r.lower_bound;
  bill.gap = r.gap;
  for (const ServiceDemand& s : services) {
    bill.services.push_back({.service = s.service, .tenant = s.tenant});
  }
  // Resource prices: the cover LP's duals; when degenerate (a zero), OpenCost's default split
  // of a node's cost, 0.031611 $/vCPU-h to 0.004237 $/GiB-h (opencost configs/default.json).
  std::vector<double> unit = r.bounds.resource_prices;
  if (unit.size() != 2 || unit[0] <= 0 || unit[1] <= 0) unit = {0.031611 / 1000, 0.004237 / kGiB};
  double allocated = 0;
  std::vector<std::string> band_of(services.size());
  for (const PlacedNode& node : r.placement.nodes) {
    const NodeType& t = p.node_types[node.type];
    ++bill.node_types[t.name];
    const double value = unit[0] * t.capacity[0] + unit[1] * t.capacity[1];
    for (int pod : node.pods) {
      const int s = service_of[pod];
      const double share = (unit[0] * p.pods[pod].demand[0] + unit[1] * p.pods[pod].demand[1]) /
                           value * t.price_per_hour;
      ServiceBill& sb = bill.services[s];
      sb.cost_per_hour += share;
      ++sb.pods;
      allocated += share;
      // The service's band: the worst of the types it runs on.
      const std::string& band = types[node.type]->interruption_band;
      if (band_of[s].empty() || BandMonthlyRate(band) > BandMonthlyRate(band_of[s])) {
        band_of[s] = band;
      }
      const double discount = types[node.type]->spot_discount_pct / 100;
      const double rate_per_hour = BandMonthlyRate(band) / kHoursPerMonth;
      const double lost_hours = ToSeconds(services[s].startup + options.reprovision) / 3600;
      // The pod's saving, less the expected capacity lost to interruptions, paid on demand.
      sb.spot_net_savings_per_hour += share * discount - rate_per_hour * lost_hours * share;
    }
  }
  bill.idle_per_hour = std::max(0.0, bill.cost_per_hour - allocated);
  for (size_t s = 0; s < services.size(); ++s) {
    ServiceBill& sb = bill.services[s];
    bill.tenants[sb.tenant] += sb.cost_per_hour;
    sb.spot_reason = SpotVerdict(services[s], options, &sb.spot_eligible);
    if (sb.spot_eligible) {
      sb.spot_reason = "band " + band_of[s];
      bill.spot_net_savings_per_hour += sb.spot_net_savings_per_hour;
    } else {
      sb.spot_net_savings_per_hour = 0;
    }
  }
  return bill;
}

}  // namespace crescendo::optimize
