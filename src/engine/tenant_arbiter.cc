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
  for (const auto& [name, policy] : options.tenants) {
    if (!policy.pool.empty() && !options.pools.contains(policy.pool)) {
      return InvalidArgumentError("TenantArbiter: tenant " + name + " is confined to pool \"" +
                                  policy.pool + "\", expected one of the options' pools");
    }
  }
  if (!options.default_policy.pool.empty() &&
      !options.pools.contains(options.default_policy.pool)) {
    return InvalidArgumentError("TenantArbiter: the default policy's pool \"" +
                                options.default_policy.pool +
                                "\" is not one of the options' pools");
  }
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

namespace {

// One arbitration: the tenants sharing one capacity (the shared one, or a dedicated pool), and
// where each arbitrated workload sits in it.
struct Group {
  tenancy::ArbitrationInput input;
  std::map<std::string, size_t> tenant_index;
};

// Where workload w went: its group, tenant and service indices.
struct Place {
  Group* group = nullptr;
  size_t tenant = 0;
  size_t service = 0;
};

}  // namespace

void TenantArbiter::Arbitrate(const std::vector<const WorkloadConfig*>& workloads,
                              std::vector<Proposal*>& proposals, Timestamp /*now*/) const {
  std::map<std::string, Group> groups;  // by pool; "" is the shared capacity
  std::vector<Place> place(workloads.size());
  for (size_t w = 0; w < workloads.size(); ++w) {
    Proposal* p = proposals[w];
    if (p == nullptr || workloads[w] == nullptr) continue;
    const WorkloadId& id = workloads[w]->id;
    std::optional<WorkloadShape> shape = options_.shape(id);
    if (!shape) continue;
    const TenantPolicy& policy = PolicyOf(id.tenant);
    auto [group_it, new_group] = groups.try_emplace(policy.pool);
    Group& g = group_it->second;
    if (new_group) {
      g.input.capacity = policy.pool.empty() ? options_.capacity() : options_.pools.at(policy.pool);
      g.input.isolation = options_.isolation;
    }
    auto [it, added] = g.tenant_index.try_emplace(id.tenant, g.input.tenants.size());
    if (added) g.input.tenants.push_back(RequestOf(id.tenant, policy));
    tenancy::TenantRequest& t = g.input.tenants[it->second];
    tenancy::ServiceDemand d;
    d.service = id.ToString();
    d.per_replica = p->pod_requests.value_or(shape->per_replica);
    d.replicas = std::max(0, p->desired_replicas);
    d.min_replicas = std::clamp(workloads[w]->horizontal.min_replicas, 0, d.replicas);
    d.priority = shape->priority;
    d.current_replicas = std::max(0, p->current_replicas);
    place[w] = {&g, it->second, t.demands.size()};
    t.demands.push_back(std::move(d));
  }
  for (auto& [pool, group] : groups) {
    StatusOr<tenancy::ArbitrationResult> result = tenancy::Arbitrate(group.input);
    if (result.ok() && options_.observe) options_.observe(group.input, *result);
    std::map<std::pair<size_t, size_t>, const tenancy::Cut*> cuts;
    if (result.ok()) {
      for (const tenancy::Cut& c : result->cuts) cuts[{c.tenant, c.service}] = &c;
    }
    for (size_t w = 0; w < workloads.size(); ++w) {
      if (place[w].group != &group) continue;
      Proposal& p = *proposals[w];
      if (!result.ok()) {
        // Only a negative capacity or request gets here; leave the proposal as it was, and say so.
        p.trace.push_back({"arbitrate", static_cast<double>(p.desired_replicas),
                           static_cast<double>(p.desired_replicas),
                           "skipped: " + result.status().message()});
        continue;
      }
      const int32_t allowed = result->replicas[place[w].tenant][place[w].service];
      if (allowed >= p.desired_replicas) continue;
      p.Record(
          "arbitrate", allowed,
          tenancy::ExplainCut(group.input, *result, *cuts.at({place[w].tenant, place[w].service})));
    }
  }
}

}  // namespace crescendo
