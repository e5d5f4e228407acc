// TenantArbiter over fake capacity and shape providers: it cuts only what exceeds the capacity,
// by tenant, with a trace entry per cut; passes everything through when it fits; leaves
// failed and unknown workloads alone; and follows the isolation mode.
#include "crescendo/engine/tenant_arbiter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace crescendo {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kGi = int64_t{1} << 30;
const Timestamp kNow = FromUnixSeconds(1795392000);

// The providers: a capacity the test sets, and 1 CPU / 1 Gi pods for every workload but
// "unmanaged".
struct FakeCluster {
  Resources capacity{10'000, 100 * kGi};
  std::map<std::string, WorkloadShape> shapes;

  TenantArbiterOptions Options(tenancy::Isolation isolation = tenancy::Isolation::kSoft) {
    TenantArbiterOptions o;
    o.isolation = isolation;
    o.capacity = [this] { return capacity; };
    o.shape = [this](const WorkloadId& id) -> std::optional<WorkloadShape> {
      if (id.name == "unmanaged") return std::nullopt;
      const auto it = shapes.find(id.name);
      return it == shapes.end() ? WorkloadShape{{1000, kGi}, 0} : it->second;
    };
    return o;
  }
};

WorkloadConfig Workload(const std::string& tenant, const std::string& name, int32_t min = 1) {
  WorkloadConfig w;
  w.id = {"prod", tenant, "music", name};
  w.horizontal.min_replicas = min;
  w.horizontal.max_replicas = 100;
  return w;
}

Proposal Asks(int32_t current, int32_t desired) {
  Proposal p;
  p.current_replicas = current;
  p.desired_replicas = desired;
  return p;
}

struct Tick {
  std::vector<WorkloadConfig> workloads;
  std::vector<Proposal> proposals;

  void Run(const TenantArbiter& arbiter) {
    std::vector<const WorkloadConfig*> w;
    std::vector<Proposal*> p;
    for (size_t i = 0; i < workloads.size(); ++i) {
      w.push_back(&workloads[i]);
      p.push_back(&proposals[i]);
    }
    arbiter.Arbitrate(w, p, kNow);
  }
  std::vector<int32_t> Desired() const {
    std::vector<int32_t> out;
    for (const Proposal& p : proposals) out.push_back(p.desired_replicas);
    return out;
  }
};

std::unique_ptr<TenantArbiter> Make(TenantArbiterOptions o) {
  auto arbiter = TenantArbiter::Create(std::move(o));
  EXPECT_TRUE(arbiter.ok()) << arbiter.status().ToString();
  return std::move(arbiter).value();
}

TEST(TenantArbiterTest, CutsTenantsToFairSharesWhenDemandExceedsCapacity) {
  FakeCluster cluster;
  TenantArbiterOptions o = cluster.Options();
  o.tenants["acme"] = {.tier = "premium", .tier_priority = 600, .weight = 3};
  o.tenants["tiny"] = {.tier = "free", .tier_priority = 100, .weight = 1};
  auto arbiter = Make(std::move(o));
  Tick tick{{Workload("acme", "api"), Workload("tiny", "api")}, {Asks(2, 12), Asks(2, 12)}};
  tick.Run(*arbiter);
  // 10 CPUs split 3:1 by weight, in whole replicas: acme 7 (0.7/3), tiny 3 (0.3/1).
  EXPECT_EQ(tick.Desired(), (std::vector<int32_t>{7, 3}));
  for (const Proposal& p : tick.proposals) {
    ASSERT_EQ(p.trace.size(), 1u);
    EXPECT_EQ(p.trace[0].step, "arbitrate");
    EXPECT_EQ(p.trace[0].before, 12);
  }
  EXPECT_THAT(tick.proposals[1].trace[0].reason,
              HasSubstr("tenant tiny (free) dominant share 0.300 against entitlement 0.250, "
                        "weight 1: cluster cpu 10 exhausted; 3 of 12 replicas"));
}

TEST(TenantArbiterTest, PassesThroughWhenEverythingFits) {
  FakeCluster cluster;
  auto arbiter = Make(cluster.Options());
  Tick tick{{Workload("acme", "api"), Workload("tiny", "api")}, {Asks(2, 5), Asks(6, 4)}};
  tick.Run(*arbiter);
  EXPECT_EQ(tick.Desired(), (std::vector<int32_t>{5, 4}));
  EXPECT_TRUE(tick.proposals[0].trace.empty());
  EXPECT_TRUE(tick.proposals[1].trace.empty());
}

TEST(TenantArbiterTest, LeavesFailedAndUnknownWorkloadsAlone) {
  FakeCluster cluster;
  cluster.capacity = {3000, 100 * kGi};
  auto arbiter = Make(cluster.Options());
  Tick tick{{Workload("acme", "api"), Workload("acme", "unmanaged"), Workload("acme", "failed")},
            {Asks(2, 5), Asks(9, 9), Asks(1, 1)}};
  std::vector<const WorkloadConfig*> w = {&tick.workloads[0], &tick.workloads[1],
                                          &tick.workloads[2]};
  std::vector<Proposal*> p = {&tick.proposals[0], &tick.proposals[1], nullptr};
  arbiter->Arbitrate(w, p, kNow);
  EXPECT_EQ(tick.Desired(), (std::vector<int32_t>{3, 9, 1}));
}

TEST(TenantArbiterTest, VerticalProposalSizesTheReplicaAndPriorityOrdersServices) {
  FakeCluster cluster;
  cluster.capacity = {8000, 100 * kGi};
  cluster.shapes["checkout"] = {{1000, kGi}, 10};
  auto arbiter = Make(cluster.Options());
  Tick tick{{Workload("acme", "batch", 0), Workload("acme", "checkout")}, {Asks(2, 4), Asks(2, 5)}};
  tick.proposals[0].pod_requests = Resources{2000, kGi};  // the VPA doubled batch's CPU
  tick.Run(*arbiter);
  // checkout (priority 10) gets its 5 first; batch the 1 replica of 2 CPUs that still fits.
  EXPECT_EQ(tick.Desired(), (std::vector<int32_t>{1, 5}));
}

TEST(TenantArbiterTest, ReclaimsBorrowedCapacityButKeepsTheGuarantee) {
  FakeCluster cluster;
  TenantArbiterOptions o = cluster.Options();
  o.tenants["acme"] = {.tier = "premium", .weight = 1, .guarantee = {7000, 0}};  // 70% of both
  auto arbiter = Make(std::move(o));
  // tiny borrowed 8 CPUs while acme was idle; acme now asks for 10.
  Tick tick{{Workload("acme", "api"), Workload("tiny", "api")}, {Asks(2, 10), Asks(8, 8)}};
  tick.Run(*arbiter);
  EXPECT_EQ(tick.Desired(), (std::vector<int32_t>{7, 3}));
  EXPECT_THAT(tick.proposals[1].trace[0].reason, HasSubstr("borrowed capacity reclaimed"));
}

TEST(TenantArbiterTest, StrictKeepsIdleCapacityInItsPool) {
  FakeCluster cluster;
  auto arbiter = Make(cluster.Options(tenancy::Isolation::kStrict));
  Tick tick{{Workload("acme", "api"), Workload("tiny", "api")}, {Asks(2, 10), Asks(1, 1)}};
  tick.Run(*arbiter);
  EXPECT_EQ(tick.Desired(), (std::vector<int32_t>{5, 1}));
  EXPECT_THAT(tick.proposals[0].trace[0].reason, HasSubstr("dedicated pool cpu 5 full"));
}

TEST(TenantArbiterTest, DedicatedPoolsArbitrateSeparatelyAndAreObserved) {
  FakeCluster cluster;
  TenantArbiterOptions o = cluster.Options(tenancy::Isolation::kStrict);
  o.pools["paid"] = {4000, 100 * kGi};
  o.tenants["acme"] = {.tier = "premium", .weight = 1, .pool = "paid"};
  o.tenants["beta"] = {.tier = "premium", .weight = 3, .pool = "paid"};
  std::vector<std::pair<int64_t, size_t>> seen;  // (capacity cpu, tenants) per arbitration
  o.observe = [&seen](const tenancy::ArbitrationInput& in, const tenancy::ArbitrationResult& r) {
    EXPECT_EQ(r.tenants.size(), in.tenants.size());
    seen.emplace_back(in.capacity.cpu_millis, in.tenants.size());
  };
  auto arbiter = Make(std::move(o));
  Tick tick{{Workload("acme", "api"), Workload("beta", "api"), Workload("tiny", "api")},
            {Asks(1, 9), Asks(1, 9), Asks(1, 9)}};
  tick.Run(*arbiter);
  // The paid pool's 4 CPUs split 1:3 between acme and beta; tiny alone has the shared 10.
  EXPECT_EQ(tick.Desired(), (std::vector<int32_t>{1, 3, 9}));
  EXPECT_EQ(seen, (std::vector<std::pair<int64_t, size_t>>{{10'000, 1}, {4000, 2}}));
}

TEST(TenantArbiterTest, RejectsBadOptions) {
  FakeCluster cluster;
  TenantArbiterOptions no_capacity = cluster.Options();
  no_capacity.capacity = nullptr;
  EXPECT_FALSE(TenantArbiter::Create(std::move(no_capacity)).ok());
  TenantArbiterOptions bad_weight = cluster.Options();
  bad_weight.tenants["acme"].weight = 0;
  auto r = TenantArbiter::Create(std::move(bad_weight));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("weight: found 0"));
  TenantArbiterOptions unknown_pool = cluster.Options();
  unknown_pool.tenants["acme"].pool = "gold";
  auto p = TenantArbiter::Create(std::move(unknown_pool));
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr("pool \"gold\""));
}

}  // namespace
}  // namespace crescendo
