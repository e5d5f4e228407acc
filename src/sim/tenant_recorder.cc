#include "tenant_recorder.h"

#include <algorithm>
#include <limits>

namespace crescendo::sim {
namespace {

// Returns whether `allocated` holds less than min(guarantee, demand) by at least `replica` in a
// resource the guarantee names: one more replica would still have been within the guarantee.
bool BelowGuarantee(const Resources& guarantee, const Resources& demand, const Resources& allocated,
                    const Resources& replica) {
  auto below = [](int64_t g, int64_t d, int64_t a, int64_t r) {
    return g > 0 && std::min(g, d) - a >= std::max<int64_t>(r, 1);
  };
  return below(guarantee.cpu_millis, demand.cpu_millis, allocated.cpu_millis, replica.cpu_millis) ||
         below(guarantee.memory_bytes, demand.memory_bytes, allocated.memory_bytes,
               replica.memory_bytes);
}

}  // namespace

TenantRecorder::TenantRecorder(const SimTenancy& tenancy, double tick_seconds) : dt_(tick_seconds) {
  out_.isolation = std::string(tenancy::IsolationName(tenancy.isolation));
  out_.jain_min = 1;
  for (const SimTenant& t : tenancy.tenants) {
    index_[t.name] = out_.tenants.size();
    TenantOutcome o;
    o.name = t.name;
    o.tier = t.policy.tier;
    o.pool = t.policy.pool;
    o.weight = t.policy.weight;
    o.guarantee = t.policy.guarantee;
    out_.tenants.push_back(std::move(o));
  }
}

size_t TenantRecorder::IndexOf(const tenancy::TenantRequest& tenant) {
  auto [it, added] = index_.try_emplace(tenant.name, out_.tenants.size());
  if (added) {
    TenantOutcome o;
    o.name = tenant.name;
    o.tier = tenant.tier;
    o.weight = tenant.weight;
    o.guarantee = tenant.guarantee;
    out_.tenants.push_back(std::move(o));
  }
  return it->second;
}

void TenantRecorder::Observe(const tenancy::ArbitrationInput& input,
                             const tenancy::ArbitrationResult& result) {
  observed_ = true;
  over_capacity_ = over_capacity_ || result.used.cpu_millis > input.capacity.cpu_millis ||
                   result.used.memory_bytes > input.capacity.memory_bytes;
  std::vector<bool> cut(input.tenants.size(), false);
  for (const tenancy::Cut& c : result.cuts) cut[c.tenant] = true;
  for (size_t t = 0; t < input.tenants.size(); ++t) {
    const tenancy::TenantRequest& request = input.tenants[t];
    const tenancy::TenantAllocation& given = result.tenants[t];
    TenantOutcome& o = out_.tenants[IndexOf(request)];
    int32_t replicas = 0;
    Resources demand, largest;
    for (const tenancy::ServiceDemand& d : request.demands) {
      replicas += d.replicas;
      demand.cpu_millis += d.replicas * d.per_replica.cpu_millis;
      demand.memory_bytes += d.replicas * d.per_replica.memory_bytes;
      if (d.replicas == 0) continue;
      largest.cpu_millis = std::max(largest.cpu_millis, d.per_replica.cpu_millis);
      largest.memory_bytes = std::max(largest.memory_bytes, d.per_replica.memory_bytes);
    }
    o.demand_replica_seconds += replicas * dt_;
    o.allocated_replica_seconds += given.replicas * dt_;
    o.demand_cpu_seconds += static_cast<double>(demand.cpu_millis) / 1000 * dt_;
    o.allocated_cpu_seconds += static_cast<double>(given.allocated.cpu_millis) / 1000 * dt_;
    o.peak_demand_replicas = std::max(o.peak_demand_replicas, replicas);
    o.peak_allocated_replicas = std::max(o.peak_allocated_replicas, given.replicas);
    o.mean_dominant_share += given.dominant_share * dt_;  // divided in Result()
    o.max_dominant_share = std::max(o.max_dominant_share, given.dominant_share);
    o.mean_entitlement_share += given.entitlement_share * dt_;
    if (cut[t]) ++o.cut_ticks;
    if (BelowGuarantee(request.guarantee, demand, given.allocated, largest)) {
      ++o.below_guarantee_ticks;
    }
    if (replicas > 0) weighted_shares_.push_back(given.dominant_share / request.weight);
  }
}

double TenantRecorder::EndTick() {
  if (!observed_) return std::numeric_limits<double>::quiet_NaN();
  const double jain = tenancy::JainIndex(weighted_shares_);
  ++out_.arbitrated_ticks;
  out_.arbitrated_seconds += dt_;
  if (over_capacity_) ++out_.over_capacity_ticks;
  out_.jain_min = std::min(out_.jain_min, jain);
  jain_seconds_ += jain * dt_;
  weighted_shares_.clear();
  observed_ = false;
  over_capacity_ = false;
  return jain;
}

TenancyOutcome TenantRecorder::Result(const std::vector<ServiceOutcome>& services) const {
  TenancyOutcome r = out_;
  const double seconds = r.arbitrated_seconds;
  r.jain_mean = seconds > 0 ? jain_seconds_ / seconds : 1;
  for (TenantOutcome& t : r.tenants) {
    t.mean_dominant_share = seconds > 0 ? t.mean_dominant_share / seconds : 0;
    t.mean_entitlement_share = seconds > 0 ? t.mean_entitlement_share / seconds : 0;
  }
  for (const ServiceOutcome& s : services) {
    auto it = index_.find(s.id.tenant);
    if (it == index_.end()) continue;
    r.tenants[it->second].sla_violation_seconds += s.outcome.sla.violation_seconds;
    r.tenants[it->second].quota_refused_pod_seconds += s.outcome.quota_refused_pod_seconds;
  }
  return r;
}

}  // namespace crescendo::sim
