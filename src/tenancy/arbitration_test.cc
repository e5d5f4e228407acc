// Table tests of the arbitration: the NSDI 2011 example, weights, guarantees, quotas, borrowing
// and reclaiming, the isolation modes, rounding to whole replicas, and the trace of every cut.
#include "crescendo/tenancy/arbitration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace crescendo::tenancy {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kGi = int64_t{1} << 30;

Resources Cpu(int64_t cores, int64_t memory_gi = 0) { return {cores * 1000, memory_gi * kGi}; }

ServiceDemand Demand(std::string service, Resources per_replica, int32_t replicas,
                     int32_t min_replicas = 0, int32_t priority = 0) {
  ServiceDemand d;
  d.service = std::move(service);
  d.per_replica = per_replica;
  d.replicas = replicas;
  d.min_replicas = min_replicas;
  d.priority = priority;
  return d;
}

TenantRequest Tenant(std::string name, std::vector<ServiceDemand> demands, double weight = 1) {
  TenantRequest t;
  t.name = std::move(name);
  t.tier = "standard";
  t.weight = weight;
  t.demands = std::move(demands);
  return t;
}

struct Case {
  std::string name;
  ArbitrationInput input;
  std::vector<std::vector<int32_t>> replicas;  // expected, [tenant][service]
};

ArbitrationInput Input(Resources capacity, std::vector<TenantRequest> tenants,
                       Isolation isolation = Isolation::kSoft) {
  return {capacity, isolation, std::move(tenants)};
}

TenantRequest With(TenantRequest t, Resources guarantee, Quota quota = {}) {
  t.guarantee = guarantee;
  t.quota = quota;
  return t;
}

TenantRequest Tiered(TenantRequest t, std::string tier, int32_t priority) {
  t.tier = std::move(tier);
  t.tier_priority = priority;
  return t;
}

std::vector<Case> Cases() {
  // Ghodsi et al., NSDI 2011, section 4: 9 CPUs and 18 GB; user A runs tasks of <1 CPU, 4 GB>,
  // user B tasks of <3 CPUs, 1 GB>; DRF gives A three tasks and B two.
  const TenantRequest paper_a = Tenant("A", {Demand("a", Cpu(1, 4), 100)});
  const TenantRequest paper_b = Tenant("B", {Demand("b", Cpu(3, 1), 100)});
  const Resources paper_capacity = Cpu(9, 18);
  const TenantRequest one = Tenant("one", {Demand("s", Cpu(1), 10)});
  const TenantRequest two = Tenant("two", {Demand("s", Cpu(1), 10)});
  return {
      {"nsdi_paper_example", Input(paper_capacity, {paper_a, paper_b}), {{3}, {2}}},
      {"nsdi_paper_example_without_isolation",
       Input(paper_capacity, {paper_a, paper_b}, Isolation::kNone),
       {{3}, {2}}},
      {"nsdi_paper_example_input_order_does_not_matter",
       Input(paper_capacity, {paper_b, paper_a}),
       {{2}, {3}}},
      // Weighted DRF (section 5.1): shares proportional to the weights.
      {"weights_two_to_one",
       Input(Cpu(9), {Tenant("heavy", {Demand("s", Cpu(1), 10)}, 2),
                      Tenant("light", {Demand("s", Cpu(1), 10)}, 1)}),
       {{6}, {3}}},
      // A of weight 2: A 1, B 1, A 2, A 3, (tie at 1/3: A by name) A 4; B's next 3 CPUs no
      // longer fit, nor does A's fifth 4 GB.
      {"weighted_paper_example_favours_a",
       Input(paper_capacity, {Tenant("A", {Demand("a", Cpu(1, 4), 100)}, 2), paper_b}),
       {{4}, {1}}},
      {"capacity_to_spare_gives_every_demand", Input(Cpu(100), {one, two}), {{10}, {10}}},
      {"equal_split", Input(Cpu(10), {one, two}), {{5}, {5}}},
      {"guarantee_comes_first", Input(Cpu(10), {With(one, Cpu(7)), two}), {{7}, {3}}},
      // 7 of 10 CPUs also guarantee 7 of the 10 Gi.
      {"guarantee_naming_cpu_only_covers_memory_alike",
       Input(Cpu(10, 10), {With(Tenant("one", {Demand("s", Cpu(1, 1), 10)}), Cpu(7)),
                           Tenant("two", {Demand("s", Cpu(1, 1), 10)})}),
       {{7}, {3}}},
      {"guarantee_above_demand_frees_the_rest",
       Input(Cpu(10), {With(Tenant("one", {Demand("s", Cpu(1), 2)}), Cpu(8)), two}),
       {{2}, {8}}},
      {"guarantees_above_capacity_scale_down",
       Input(Cpu(10), {With(one, Cpu(10)), With(two, Cpu(10))}),
       {{5}, {5}}},
      {"no_guarantees_without_isolation",
       Input(Cpu(10), {With(one, Cpu(7)), two}, Isolation::kNone),
       {{5}, {5}}},
      {"cpu_quota_caps_and_frees_the_rest",
       Input(Cpu(10), {With(one, {}, {.cpu_millis = 2000}), two}),
       {{2}, {8}}},
      {"replica_quota", Input(Cpu(10), {With(one, {}, {.max_replicas = 3}), two}), {{3}, {7}}},
      {"memory_quota",
       Input(Cpu(10, 100),
             {With(Tenant("one", {Demand("s", Cpu(1, 10), 10)}), {}, {.memory_bytes = 25 * kGi}),
              two}),
       {{2}, {8}}},
      {"quota_ignored_without_isolation",
       Input(Cpu(10), {With(one, {}, {.cpu_millis = 2000}), two}, Isolation::kNone),
       {{5}, {5}}},
      {"soft_lends_idle_capacity",
       Input(Cpu(10), {one, Tenant("two", {Demand("s", Cpu(1), 1)})}),
       {{9}, {1}}},
      {"strict_keeps_each_tenant_in_its_pool",
       Input(Cpu(10), {one, Tenant("two", {Demand("s", Cpu(1), 1)})}, Isolation::kStrict),
       {{5}, {1}}},
      {"strict_pool_is_guarantee_plus_weighted_rest",
       Input(Cpu(10), {With(one, Cpu(4)), two}, Isolation::kStrict),
       {{7}, {3}}},
      {"strict_enforces_quota",
       Input(Cpu(10), {With(one, {}, {.max_replicas = 2}), two}, Isolation::kStrict),
       {{2}, {5}}},
      {"tenant_asking_nothing_gets_nothing",
       Input(Cpu(10), {one, Tenant("idle", {}), Tenant("zero", {Demand("s", Cpu(1), 0)})}),
       {{10}, {}, {0}}},
      // 3-CPU and 2-CPU replicas in 10 CPUs: A 3, B 2, B 4, A 6; no further replica fits.
      {"rounds_to_whole_replicas_below_capacity",
       Input(Cpu(10),
             {Tenant("A", {Demand("s", Cpu(3), 10)}), Tenant("B", {Demand("s", Cpu(2), 10)})}),
       {{2}, {2}}},
      // When the lowest share cannot grow, the others use what is left (no idle capacity).
      {"blocked_tenant_leaves_capacity_to_others",
       Input(Cpu(10),
             {Tenant("big", {Demand("s", Cpu(6), 2)}), Tenant("small", {Demand("s", Cpu(1), 10)})}),
       {{1}, {4}}},
      {"equal_shares_go_to_the_higher_tier",
       Input(Cpu(5), {Tiered(one, "free", 100), Tiered(two, "premium", 600)}),
       {{2}, {3}}},
      {"service_priority_within_a_tenant",
       Input(Cpu(6),
             {Tenant("t", {Demand("low", Cpu(1), 5, 1, 0), Demand("high", Cpu(1), 5, 1, 10)})}),
       {{1, 5}}},
      {"min_replicas_before_extra_replicas",
       Input(Cpu(4),
             {Tenant("t", {Demand("low", Cpu(1), 5, 2, 0), Demand("high", Cpu(1), 5, 1, 10)})}),
       {{2, 2}}},
      {"a_service_too_big_lets_the_next_one_in",
       Input(Cpu(4), {Tenant("t", {Demand("huge", Cpu(8), 1, 0, 10), Demand("s", Cpu(1), 3)})}),
       {{0, 3}}},
      {"zero_capacity_gives_nothing", Input(Cpu(0), {one, two}), {{0}, {0}}},
  };
}

TEST(ArbitrationTest, Table) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    StatusOr<ArbitrationResult> result = Arbitrate(c.input);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->replicas, c.replicas);
    EXPECT_LE(result->used.cpu_millis, c.input.capacity.cpu_millis);
    EXPECT_LE(result->used.memory_bytes, c.input.capacity.memory_bytes);
  }
}

TEST(ArbitrationTest, PaperExampleSharesAndJainIndex) {
  ArbitrationInput in = Input(Cpu(9, 18), {Tenant("A", {Demand("a", Cpu(1, 4), 100)}),
                                           Tenant("B", {Demand("b", Cpu(3, 1), 100)})});
  StatusOr<ArbitrationResult> r = Arbitrate(in);
  ASSERT_TRUE(r.ok());
  // A holds <3 CPUs, 12 GB>: memory share 2/3; B holds <6 CPUs, 2 GB>: CPU share 2/3.
  EXPECT_DOUBLE_EQ(r->tenants[0].dominant_share, 2.0 / 3);
  EXPECT_DOUBLE_EQ(r->tenants[1].dominant_share, 2.0 / 3);
  EXPECT_DOUBLE_EQ(r->jain_index, 1.0);
  EXPECT_EQ(r->used, Cpu(9, 14));
  ASSERT_EQ(r->cuts.size(), 2u);
  EXPECT_EQ(r->cuts[0].cause, CutCause::kCapacity);
}

TEST(ArbitrationTest, EachCutSaysTenantShareAndWhy) {
  struct CutCase {
    std::string name;
    ArbitrationInput input;
    CutCause cause;
    bool reclaimed;
    std::vector<std::string> says;
  };
  TenantRequest borrower = Tenant("borrower", {Demand("s", Cpu(1), 10)});
  borrower.demands[0].current_replicas = 9;  // borrowed 4 above its entitlement of 5
  TenantRequest returning = Tenant("returning", {Demand("s", Cpu(1), 5)});
  TenantRequest within = Tenant("within", {Demand("s", Cpu(1), 10)});
  within.demands[0].current_replicas = 4;
  const std::vector<CutCase> cases = {
      {"capacity",
       Input(Cpu(10),
             {Tenant("a", {Demand("s", Cpu(1), 10)}), Tenant("b", {Demand("s", Cpu(1), 10)})}),
       CutCause::kCapacity,
       false,
       {"tenant a (standard)", "dominant share 0.500 against entitlement 0.500",
        "cluster cpu 10 exhausted", "5 of 10 replicas"}},
      {"quota",
       Input(Cpu(10), {With(Tenant("a", {Demand("s", Cpu(1), 10)}), {}, {.cpu_millis = 1500})}),
       CutCause::kQuota,
       false,
       {"quota of cpu 1500m reached", "1 of 10 replicas"}},
      {"pool",
       Input(Cpu(10), {Tenant("a", {Demand("s", Cpu(1), 10)}), Tenant("b", {})},
             Isolation::kStrict),
       CutCause::kPool,
       false,
       {"dedicated pool cpu 5 full"}},
      {"reclaim",
       Input(Cpu(10), {borrower, returning}),
       CutCause::kCapacity,
       true,
       {"tenant borrower", "borrowed capacity reclaimed", "5 of 10 replicas"}},
      {"cut_below_entitlement_is_no_reclaim",
       Input(Cpu(8), {within, Tenant("b", {Demand("s", Cpu(1), 4)})}),
       CutCause::kCapacity,
       false,
       {"4 of 10 replicas"}},
  };
  for (const CutCase& c : cases) {
    SCOPED_TRACE(c.name);
    StatusOr<ArbitrationResult> r = Arbitrate(c.input);
    ASSERT_TRUE(r.ok());
    ASSERT_FALSE(r->cuts.empty());
    const Cut& cut = r->cuts[0];
    EXPECT_EQ(cut.tenant, 0u);
    EXPECT_EQ(cut.cause, c.cause);
    EXPECT_EQ(cut.reclaimed, c.reclaimed);
    const std::string reason = ExplainCut(c.input, *r, cut);
    for (const std::string& s : c.says) EXPECT_THAT(reason, HasSubstr(s));
  }
}

TEST(ArbitrationTest, BorrowingIsReportedAndReclaimedUpToTheGuarantee) {
  // The borrower holds 9 of 10 CPUs while the other tenant is idle.
  TenantRequest borrower = With(Tenant("borrower", {Demand("s", Cpu(1), 10)}), Cpu(3));
  TenantRequest other = Tenant("other", {Demand("s", Cpu(1), 1)});
  StatusOr<ArbitrationResult> idle = Arbitrate(Input(Cpu(10), {borrower, other}));
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(idle->replicas, (std::vector<std::vector<int32_t>>{{9}, {1}}));
  EXPECT_TRUE(idle->tenants[0].borrowing);
  // Entitlement: 3 guaranteed + half of the 7 unreserved CPUs.
  EXPECT_EQ(idle->tenants[0].entitlement.cpu_millis, 6500);
  // The other tenant comes back asking for everything: the borrowed CPUs return, yet the
  // borrower keeps at least its guarantee and its weighted share.
  borrower.demands[0].current_replicas = 9;
  other.demands[0].replicas = 10;
  other.demands[0].current_replicas = 1;
  StatusOr<ArbitrationResult> back = Arbitrate(Input(Cpu(10), {borrower, other}));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->replicas, (std::vector<std::vector<int32_t>>{{5}, {5}}));
  EXPECT_FALSE(back->tenants[0].borrowing);
  ASSERT_EQ(back->cuts.size(), 2u);
  EXPECT_TRUE(back->cuts[0].reclaimed);
  EXPECT_FALSE(back->cuts[1].reclaimed);
  // A large guarantee survives the reclaim.
  borrower.guarantee = Cpu(8);
  StatusOr<ArbitrationResult> guarded = Arbitrate(Input(Cpu(10), {borrower, other}));
  ASSERT_TRUE(guarded.ok());
  EXPECT_EQ(guarded->replicas, (std::vector<std::vector<int32_t>>{{8}, {2}}));
}

TEST(ArbitrationTest, RejectsBadInputNamingTheField) {
  struct BadCase {
    std::string name;
    ArbitrationInput input;
    std::string says;
  };
  TenantRequest ok = Tenant("ok", {Demand("s", Cpu(1), 2)});
  TenantRequest zero_weight = ok;
  zero_weight.weight = 0;
  TenantRequest inverted = Tenant("t", {Demand("s", Cpu(1), 2, 3)});
  TenantRequest negative = Tenant("t", {Demand("s", {-1, 0}, 2)});
  TenantRequest twice = Tenant("t", {Demand("s", Cpu(1), 1), Demand("s", Cpu(1), 1)});
  TenantRequest bad_quota = With(ok, {}, {.max_replicas = -1});
  const std::vector<BadCase> cases = {
      {"capacity", Input({-1, 0}, {}), "capacity.cpu: found -1, expected >= 0"},
      {"weight", Input(Cpu(1), {ok, zero_weight}),
       "tenants[1].weight: found 0, expected a number > 0"},
      {"min_above_replicas", Input(Cpu(1), {inverted}),
       "tenants[0].demands[0].min_replicas: found 3, expected 0 <= min_replicas <= replicas (2)"},
      {"negative_request", Input(Cpu(1), {negative}), "tenants[0].demands[0].per_replica.cpu"},
      {"duplicate_service", Input(Cpu(1), {twice}), "tenants[0].demands[1].service"},
      {"duplicate_tenant", Input(Cpu(1), {ok, ok}), "tenants[1].name: \"ok\" appears twice"},
      {"quota", Input(Cpu(1), {bad_quota}), "tenants[0].quota.max_replicas"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    StatusOr<ArbitrationResult> r = Arbitrate(c.input);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr(c.says));
  }
}

TEST(ArbitrationTest, JainIndex) {
  EXPECT_DOUBLE_EQ(JainIndex({}), 1.0);
  EXPECT_DOUBLE_EQ(JainIndex({0.5, 0.5, 0.5}), 1.0);
  EXPECT_DOUBLE_EQ(JainIndex({1, 0, 0, 0}), 0.25);  // one of four served: 1/n
  EXPECT_DOUBLE_EQ(JainIndex({1, 2}), 9.0 / 10);
}

TEST(ArbitrationTest, IsolationNames) {
  for (Isolation i : {Isolation::kStrict, Isolation::kSoft, Isolation::kNone}) {
    EXPECT_EQ(ParseIsolation(IsolationName(i)), i);
  }
  EXPECT_EQ(ParseIsolation("disabled"), std::nullopt);
}

}  // namespace
}  // namespace crescendo::tenancy
