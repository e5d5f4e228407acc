// The tenant-crunch scenario (examples/scenarios/tenant-crunch.yaml, issue 14's "Done when"):
// five tenants of five tiers, a node pool that tops out, a free-tier flash crowd during the
// premium evening peak. Run with each isolation and, as the reference, with capacity to spare
// (every pool may grow to 5,000 nodes), all from the same seed.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "crescendo/engine/strategies.h"
#include "crescendo/sim/runner.h"
#include "crescendo/sim/scenario_file.h"

namespace crescendo::sim {
namespace {

namespace fs = std::filesystem;

std::string ScenarioPath() {
  const char* source = std::getenv("CRESCENDO_SOURCE_DIR");
  return (fs::path(source != nullptr ? source : ".") / "examples" / "scenarios" /
          "tenant-crunch.yaml")
      .string();
}

// Runs the scenario in `isolation`, with every pool's maximum lifted when `spare`.
StatusOr<StrategyResult> RunScenario(tenancy::Isolation isolation, bool spare) {
  CRESCENDO_ASSIGN_OR_RETURN(ScenarioFile file, LoadScenarioFile(ScenarioPath()));
  SimulationOptions o;
  o.start = file.start;
  o.end = file.end;
  o.interval = file.interval;
  o.seed = file.seed;
  o.strategies = file.strategies;
  o.nodes = file.nodes;
  o.tenancy = file.tenancy;
  o.tenancy->isolation = isolation;
  o.resolve = StrategiesForName;
  if (spare) {
    o.nodes->max_nodes = 5000;
    for (SimPool& pool : o.tenancy->pools) pool.spec.max_nodes = 5000;
  }
  CRESCENDO_ASSIGN_OR_RETURN(SimulationResult r,
                             RunSimulation(file.services, o, NewHorizontalStrategy));
  return r.strategies.at(0);
}

std::map<std::string, TenantOutcome> ByName(const StrategyResult& r) {
  std::map<std::string, TenantOutcome> out;
  for (const TenantOutcome& t : r.tenancy->tenants) out[t.name] = t;
  return out;
}

TEST(TenantScenarioTest, PaidTiersKeepTheirSlaAndTheFreeTierItsGuarantee) {
  if (!fs::exists(ScenarioPath())) GTEST_SKIP() << ScenarioPath() << " not found";
  StatusOr<StrategyResult> spare = RunScenario(tenancy::Isolation::kSoft, /*spare=*/true);
  ASSERT_TRUE(spare.ok()) << spare.status().ToString();
  ASSERT_TRUE(spare->tenancy.has_value());
  const std::map<std::string, TenantOutcome> reference = ByName(*spare);
  ASSERT_EQ(reference.size(), 5u);
  for (tenancy::Isolation isolation :
       {tenancy::Isolation::kStrict, tenancy::Isolation::kSoft, tenancy::Isolation::kNone}) {
    SCOPED_TRACE(tenancy::IsolationName(isolation));
    StatusOr<StrategyResult> crunch = RunScenario(isolation, /*spare=*/false);
    ASSERT_TRUE(crunch.ok()) << crunch.status().ToString();
    ASSERT_TRUE(crunch->tenancy.has_value());
    const TenancyOutcome& t = *crunch->tenancy;
    EXPECT_EQ(t.isolation, tenancy::IsolationName(isolation));
    EXPECT_GT(t.arbitrated_ticks, 0);
    EXPECT_EQ(t.over_capacity_ticks, 0);  // allocations never above capacity
    std::map<std::string, TenantOutcome> tenants = ByName(*crunch);
    for (const char* paid : {"nightowl", "harmonia"}) {  // premium, enterprise
      SCOPED_TRACE(paid);
      EXPECT_LE(tenants[paid].sla_violation_seconds, reference.at(paid).sla_violation_seconds);
      EXPECT_EQ(tenants[paid].cut_ticks, 0);
    }
    const TenantOutcome& free = tenants["listeners"];
    EXPECT_EQ(free.below_guarantee_ticks, 0);  // at every tick
    EXPECT_GT(free.cut_ticks, 0);              // the crunch binds: the free tier is cut...
    EXPECT_GT(free.sla_violation_seconds,      // ...and degrades
              reference.at("listeners").sla_violation_seconds);
    EXPECT_LT(t.jain_min, 1.0);
    EXPECT_LE(t.jain_min, t.jain_mean);
  }
}

}  // namespace
}  // namespace crescendo::sim
