// The bill of a set of services on one cloud provider, from a price catalogue, with spot advice.
//
// A price catalogue (data/prices/catalogue.csv, built by tools/build_price_catalogue.py, or the
// user's own file of the same columns) lists instance types per provider and region: vCPU,
// memory, on-demand and spot price per hour, spot discount and interruption band; its `# source:`
// lines carry each source's date.
//
// Pricing one provider: every service's pods (their average count) are placed on the provider's
// instance types of the region at the least cost (solve.h); with cost optimization off, on the
// one general-purpose type closest to 8 vCPU and 4 GiB per vCPU, first-fit decreasing, as a
// fixed node pool does. Each node's price is split over its resources in proportion to the
// resource prices of the cover LP (bounds.h), and each pod pays its share of each resource; a
// pod's allocation is max(request, usage), as OpenCost allocates
// (https://www.opencost.io/docs/specification: "max(request, usage)"). What no pod is allocated
// is the idle cost.
//
// Spot advice: a service may run on spot when it is stateless, keeps at least
// `min_spot_replicas` replicas, and its pods start within `max_spot_startup`. The expected net
// saving per hour is the spot discount on its cost less the cost of interruptions: the pods of a
// band lose (startup + `reprovision`) of capacity per interruption, at a rate of the band's upper
// bound per month (AWS Spot Advisor bands are the share of instances interrupted over a month);
// an unknown band (GCP, Azure) counts as the worst, ">20%" (25% a month).
//
// Thread safety: reentrant; the clock is only read to stop the solver.
#ifndef CRESCENDO_OPTIMIZE_COST_H_
#define CRESCENDO_OPTIMIZE_COST_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo::optimize {

struct InstancePrice {
  std::string provider;  // "aws", "gcp", "azure"
  std::string region;
  std::string instance_type;
  int64_t vcpu = 0;
  double memory_gib = 0;
  double ondemand_per_hour = 0;
  double spot_per_hour = 0;
  double spot_discount_pct = 0;
  std::string interruption_band;  // "<5%", "5-10%", ..., ">20%", or "unknown"
};

struct PriceCatalogue {
  std::vector<std::string> sources;  // the `# source:` lines, with their dates
  std::vector<InstancePrice> instances;
};

// Parses a catalogue file's text. Errors: InvalidArgument "path:line: column \"x\": expected
// ..., found ...".
StatusOr<PriceCatalogue> ParsePriceCatalogue(std::string_view text, const std::string& path);

// One service's pods, as the bill sees them (per pod; averages over the period priced).
struct ServiceDemand {
  std::string service;
  std::string tenant;
  double replicas = 1;  // average pods
  int32_t min_replicas = 1;
  int64_t cpu_millis = 0;    // allocation: max(request, usage)
  int64_t memory_bytes = 0;  // allocation: max(request, usage)
  Duration startup{};        // creation to ready, mean
  bool stateless = true;
};

struct CostOptions {
  std::string region;  // empty: the provider's first region in the catalogue
  bool cost_optimization = true;
  Duration time_limit = std::chrono::seconds(2);
  uint64_t seed = 1;
  int32_t min_spot_replicas = 2;  // one interruption leaves a replica serving
  Duration max_spot_startup = std::chrono::seconds(120);
  Duration reprovision = std::chrono::seconds(120);
};

struct ServiceBill {
  std::string service;
  std::string tenant;
  int64_t pods = 0;
  double cost_per_hour = 0;
  bool spot_eligible = false;
  std::string spot_reason;  // why not, or the band it would run at
  double spot_net_savings_per_hour = 0;
};

struct ProviderBill {
  std::string provider;
  std::string region;
  int64_t nodes = 0;
  std::map<std::string, int64_t> node_types;  // type -> count
  double cost_per_hour = 0;                   // the nodes' prices
  double lower_bound = 0;
  double gap = 0;
  double idle_per_hour = 0;
  std::vector<ServiceBill> services;
  std::map<std::string, double> tenants;  // tenant -> cost per hour
  double spot_net_savings_per_hour = 0;   // over the eligible services
};

// Prices `services` on `provider`. Errors: NotFound when the catalogue has no instance type of
// the provider (and region); those of SolvePlacement.
StatusOr<ProviderBill> PriceOnProvider(const PriceCatalogue& catalogue, std::string_view provider,
                                       const std::vector<ServiceDemand>& services,
                                       const CostOptions& options, const Clock& clock);

// Returns the upper bound of an interruption band per month, as a fraction (0.25 for ">20%" and
// "unknown").
double BandMonthlyRate(std::string_view band);

}  // namespace crescendo::optimize

#endif  // CRESCENDO_OPTIMIZE_COST_H_
