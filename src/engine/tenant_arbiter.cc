#include "crescendo/engine/tenant_arbiter.h"

#include <algorithm>
#include <utility>

namespace crescendo {
namespace {

tenancy::TenantRequest RequestOf(const std::string& name, const TenantPolicy& p) {
  tenancy::TenantRequest t;
  t.name = name;
  t.tier = p.tier;
  t.tier_priority = p.tier_priority;
  t.weight = p.weight;
  t.guarantee = p.guarantee;
  t.quota = p.quota;
  return t;
}

}  // namespace

StatusOr<std::unique_ptr<TenantArbiter>> TenantArbiter::Create(TenantArbiterOptions options) {
  if (!options.capacity || !options.shape) {
    return InvalidArgumentError("TenantArbiter: the capacity and shape providers are required");
  }
  // Check every policy as the library would, with a tenant of no demand.
  tenancy::ArbitrationInput probe;
  probe.tenants.push_back(RequestOf("(default)", options.default_policy));
  for (const auto& [name, policy] : options.tenants)
    probe.tenants.push_back(RequestOf(name, policy));
  Status valid = tenancy::Validate(probe);
  if (!valid.ok()) {
    return InvalidArgumentError("TenantArbiter: " + valid.message() +
                                " (tenants[0] is the default)");
  }
  return std::unique_ptr<TenantArbiter>(new TenantArbiter(std::move(options)));
}

const TenantPolicy& TenantArbiter::PolicyOf(const std::string& tenant) const {
  const auto it = options_.tenants.find(tenant);
  return it == options_.tenants.end() ? options_.default_policy : it->second;
}

void TenantArbiter::Arbitrate(const std::vector<const WorkloadConfig*>& workloads,
                              std::vector<Proposal*>& proposals, Timestamp /*now*/) const {
  tenancy::ArbitrationInput in;
  in.capacity = options_.capacity();
  in.isolation = options_.isolation;
  std::map<std::string, size_t> tenant_index;
  std::vector<std::pair<size_t, size_t>> place(workloads.size(), {SIZE_MAX, 0});
  for (size_t w = 0; w < workloads.size(); ++w) {
    Proposal* p = proposals[w];
    if (p == nullptr || workloads[w] == nullptr) continue;
    const WorkloadId& id = workloads[w]->id;
    std::optional<WorkloadShape> shape = options_.shape(id);
    if (!shape) continue;
    auto [it, added] = tenant_index.try_emplace(id.tenant, in.tenants.size());
    if (added) in.tenants.push_back(RequestOf(id.tenant, PolicyOf(id.tenant)));
    tenancy::TenantRequest& t = in.tenants[it->second];
    tenancy::ServiceDemand d;
    d.service = id.ToString();
    d.per_replica = p->pod_requests.value_or(shape->per_replica);
    d.replicas = std::max(0, p->desired_replicas);
    d.min_replicas = std::clamp(workloads[w]->horizontal.min_replicas, 0, d.replicas);
    d.priority = shape->priority;
    d.current_replicas = std::max(0, p->current_replicas);
    place[w] = {it->second, t.demands.size()};
    t.demands.push_back(std::move(d));
  }
  StatusOr<tenancy::ArbitrationResult> result = tenancy::Arbitrate(in);
  if (!result.ok()) {
    // Only a negative capacity or request gets here; leave every proposal as it was, and say so.
    for (size_t w = 0; w < workloads.size(); ++w) {
      if (place[w].first == SIZE_MAX) continue;
      proposals[w]->trace.push_back({"arbitrate",
                                     static_cast<double>(proposals[w]->desired_replicas),
                                     static_cast<double>(proposals[w]->desired_replicas),
                                     "skipped: " + result.status().message()});
    }
    return;
  }
  std::map<std::pair<size_t, size_t>, const tenancy::Cut*> cuts;
  for (const tenancy::Cut& c : result->cuts) cuts[{c.tenant, c.service}] = &c;
  for (size_t w = 0; w < workloads.size(); ++w) {
    const auto [t, s] = place[w];
    if (t == SIZE_MAX) continue;
    const int32_t allowed = result->replicas[t][s];
    if (allowed >= proposals[w]->desired_replicas) continue;
    proposals[w]->Record("arbitrate", allowed, tenancy::ExplainCut(in, *result, *cuts.at({t, s})));
  }
}

}  // namespace crescendo
