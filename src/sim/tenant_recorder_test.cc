// TenantRecorder over real arbitrations: what each tenant asked and was given, its shares, the
// ticks it was cut or held less than its guarantee, and Jain's index per tick.
#include "tenant_recorder.h"

#include <gtest/gtest.h>

#include <cmath>

namespace crescendo::sim {
namespace {

constexpr int64_t kGi = int64_t{1} << 30;

tenancy::TenantRequest Tenant(const std::string& name, double weight, int32_t replicas,
                              int64_t guarantee_cpu = 0) {
  tenancy::TenantRequest t;
  t.name = name;
  t.tier = "free";
  t.weight = weight;
  t.guarantee = {guarantee_cpu, 0};
  t.demands.push_back({"api", {1000, kGi}, replicas, 0, 0, std::nullopt});
  return t;
}

// Arbitrates `input` and hands it to `recorder`, as the TenantArbiter's observer does.
void Observe(TenantRecorder& recorder, const tenancy::ArbitrationInput& input) {
  StatusOr<tenancy::ArbitrationResult> r = tenancy::Arbitrate(input);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  recorder.Observe(input, *r);
}

TEST(TenantRecorderTest, IntegratesDemandAllocationAndShares) {
  SimTenancy tenancy;
  tenancy.tenants.push_back({"a", {.tier = "premium", .weight = 3}});
  tenancy.tenants.push_back({"b", {.tier = "free", .weight = 1}});
  TenantRecorder recorder(tenancy, 10);
  EXPECT_TRUE(std::isnan(recorder.EndTick()));  // nothing arbitrated
  tenancy::ArbitrationInput crunch{{10'000, 100 * kGi}, tenancy::Isolation::kSoft, {}};
  crunch.tenants = {Tenant("a", 3, 12), Tenant("b", 1, 12)};
  Observe(recorder, crunch);  // 10 CPUs split 3:1: a 7, b 3 (the TenantArbiter test's case)
  const double crunch_jain = recorder.EndTick();
  EXPECT_NEAR(crunch_jain, tenancy::JainIndex({0.7 / 3, 0.3}), 1e-9);
  tenancy::ArbitrationInput calm = crunch;
  calm.tenants = {Tenant("a", 3, 3), Tenant("b", 1, 1)};
  Observe(recorder, calm);  // everything fits
  recorder.EndTick();
  ServiceOutcome sla;
  sla.id = {"prod", "b", "music", "api"};
  sla.outcome.sla.violation_seconds = 30;
  const TenancyOutcome out = recorder.Result({sla});
  EXPECT_EQ(out.isolation, "soft");
  EXPECT_EQ(out.arbitrated_ticks, 2);
  EXPECT_EQ(out.arbitrated_seconds, 20);
  EXPECT_EQ(out.over_capacity_ticks, 0);
  EXPECT_NEAR(out.jain_min, std::min(crunch_jain, tenancy::JainIndex({0.1, 0.1})), 1e-9);
  ASSERT_EQ(out.tenants.size(), 2u);
  const TenantOutcome& a = out.tenants[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.demand_replica_seconds, (12 + 3) * 10);
  EXPECT_EQ(a.allocated_replica_seconds, (7 + 3) * 10);
  EXPECT_EQ(a.peak_demand_replicas, 12);
  EXPECT_EQ(a.peak_allocated_replicas, 7);
  EXPECT_NEAR(a.allocated_cpu_seconds, 100, 1e-9);
  EXPECT_NEAR(a.mean_dominant_share, (0.7 + 0.3) / 2, 1e-9);
  EXPECT_NEAR(a.max_dominant_share, 0.7, 1e-9);
  EXPECT_NEAR(a.mean_entitlement_share, 0.75, 1e-9);
  EXPECT_EQ(a.cut_ticks, 1);
  EXPECT_EQ(out.tenants[1].sla_violation_seconds, 30);
  EXPECT_EQ(out.tenants[1].cut_ticks, 1);
}

TEST(TenantRecorderTest, CountsTicksBelowTheGuarantee) {
  struct Case {
    const char* name;
    tenancy::Isolation isolation;
    int32_t demand;
    int64_t guarantee_cpu;
    int64_t below;
  };
  // b is guaranteed 4 of 10 CPUs; a (weight 9) wants everything.
  const Case cases[] = {
      {"soft gives the guarantee", tenancy::Isolation::kSoft, 8, 4000, 0},
      {"a demand under the guarantee is met whole", tenancy::Isolation::kSoft, 2, 4000, 0},
      {"none ignores it: weighted DRF gives b 1", tenancy::Isolation::kNone, 8, 4000, 1},
      {"no guarantee, never below", tenancy::Isolation::kNone, 8, 0, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    SimTenancy tenancy;
    tenancy.isolation = c.isolation;
    TenantRecorder recorder(tenancy, 15);
    tenancy::ArbitrationInput in{{10'000, 100 * kGi}, c.isolation, {}};
    in.tenants = {Tenant("a", 9, 20), Tenant("b", 1, c.demand, c.guarantee_cpu)};
    Observe(recorder, in);
    recorder.EndTick();
    const TenancyOutcome out = recorder.Result({});
    ASSERT_EQ(out.tenants.size(), 2u);  // added as they come
    EXPECT_EQ(out.tenants[1].below_guarantee_ticks, c.below);
    EXPECT_EQ(out.tenants[1].guarantee.cpu_millis, c.guarantee_cpu);
  }
}

}  // namespace
}  // namespace crescendo::sim
