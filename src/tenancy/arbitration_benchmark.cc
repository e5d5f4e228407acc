// Cost of one arbitration at the scale: 1,000 tenants, 10,000 services (10 each, 1 to 40
// replicas of 100m-2 CPU and 128Mi-4Gi), demand twice the capacity, a third of the tenants with
// guarantees and a quarter with quotas. Target: <= 20 ms on one core.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>

#include "crescendo/base/random.h"
#include "crescendo/tenancy/arbitration.h"

namespace crescendo::tenancy {
namespace {

constexpr int64_t kMi = int64_t{1} << 20;

ArbitrationInput Fleet(int tenants, int services_per_tenant, Isolation isolation) {
  Random rng(42);
  ArbitrationInput in;
  in.isolation = isolation;
  Resources demand;
  for (int t = 0; t < tenants; ++t) {
    TenantRequest tr;
    tr.name = "tenant-" + std::to_string(t);
    tr.tier_priority = static_cast<int32_t>(rng.UniformInt(1, 5) * 100);
    tr.tier = "tier-" + std::to_string(tr.tier_priority);
    tr.weight = static_cast<double>(rng.UniformInt(1, 8));
    for (int s = 0; s < services_per_tenant; ++s) {
      ServiceDemand d;
      d.service = "service-" + std::to_string(s);
      d.per_replica = {rng.UniformInt(1, 20) * 100, rng.UniformInt(1, 32) * 128 * kMi};
      d.replicas = static_cast<int32_t>(rng.UniformInt(1, 40));
      d.min_replicas = static_cast<int32_t>(rng.UniformInt(0, std::min(2, d.replicas)));
      d.priority = static_cast<int32_t>(rng.UniformInt(0, 3));
      demand.cpu_millis += d.replicas * d.per_replica.cpu_millis;
      demand.memory_bytes += d.replicas * d.per_replica.memory_bytes;
      tr.demands.push_back(d);
    }
    in.tenants.push_back(std::move(tr));
  }
  in.capacity = {demand.cpu_millis / 2, demand.memory_bytes / 2};
  for (size_t t = 0; t < in.tenants.size(); ++t) {
    if (t % 3 == 0) {
      in.tenants[t].guarantee = {in.capacity.cpu_millis / (2 * tenants),
                                 in.capacity.memory_bytes / (2 * tenants)};
    }
    if (t % 4 == 0) in.tenants[t].quota.max_replicas = 150;
  }
  return in;
}

void BM_Arbitrate(benchmark::State& state) {
  const auto isolation = static_cast<Isolation>(state.range(2));
  const ArbitrationInput in =
      Fleet(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), isolation);
  int64_t replicas = 0;
  for (auto _ : state) {
    StatusOr<ArbitrationResult> r = Arbitrate(in);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
    replicas = 0;
    for (const TenantAllocation& a : r->tenants) replicas += a.replicas;
    benchmark::DoNotOptimize(r);
  }
  state.counters["replicas"] = static_cast<double>(replicas);
  state.SetLabel(std::string(IsolationName(isolation)));
}
BENCHMARK(BM_Arbitrate)
    ->Args({1000, 10, static_cast<int>(Isolation::kSoft)})
    ->Args({1000, 10, static_cast<int>(Isolation::kNone)})
    ->Args({1000, 10, static_cast<int>(Isolation::kStrict)})
    ->Args({100, 10, static_cast<int>(Isolation::kSoft)})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace crescendo::tenancy
