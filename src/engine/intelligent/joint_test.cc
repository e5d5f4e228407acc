#include "engine/intelligent/joint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace crescendo::intelligent {
namespace {

// A service whose reference pod is 1000m at 70%: 700m of demand per pod.
JointInput Base() {
  JointInput in;
  in.cpu_demand_millis = 2800;
  in.target_utilization = 0.7;
  in.min_replicas = 1;
  in.max_replicas = 20;
  in.cpu_floor_millis = 25;
  in.replica_floor = 4;  // the predictive decision
  in.memory_bytes_per_pod = 1LL << 30;
  return in;
}

struct Case {
  const char* name;
  void (*adjust)(JointInput&);
  int32_t replicas;
  int64_t cpu_millis;
  bool covered;
};

const Case kCases[] = {
    // 2800 / 0.7 = 4000m over predictive's 4 pods: 1000m each.
    {"covers_the_demand_at_the_target", [](JointInput&) {}, 4, 1000, true},
    // The forecast's upper quantile (4400m) held at 100%: 1100m a pod, more than 1000m at 70%.
    {"upper_quantile_at_full_use", [](JointInput& in) { in.cpu_demand_upper_millis = 4400; }, 4,
     1100, true},
    // Forecast up: 3500m -> 5000m at 70% over the same pods: they grow to 1250m.
    {"forecast_up_grows_the_pods", [](JointInput& in) { in.cpu_demand_millis = 3500; }, 4, 1250,
     true},
    // The same with a 1000m reference pod: capped there, predictive's replicas carry the rest.
    {"reference_caps_the_growth",
     [](JointInput& in) {
       in.cpu_demand_millis = 3500;
       in.reference_cpu_millis = 1000;
     },
     4, 1000, false},
    // At maxReplicas the reference no longer caps: the pods grow.
    {"reference_lifted_at_max_replicas",
     [](JointInput& in) {
       in.cpu_demand_millis = 3500;
       in.reference_cpu_millis = 1000;
       in.max_replicas = 4;
     },
     4, 1250, true},
    // Forecast down: 700m -> 1000m at 70% over 4 pods: 250m each.
    {"forecast_down_shrinks_the_pods", [](JointInput& in) { in.cpu_demand_millis = 700; }, 4, 250,
     true},
    // Without a replica floor, cost alone: one pod of 4000m (fewer pods carry less memory).
    {"no_floor_fewest_pods", [](JointInput& in) { in.replica_floor = 0; }, 1, 4000, true},
    // Predictive wants 6: 6 pods, each 4000/6 = 667m.
    {"never_fewer_than_predictive_and_sized_down", [](JointInput& in) { in.replica_floor = 6; }, 6,
     667, true},
    // minReplicas 3 at the trough: 3 pods of 150/0.7/3 = 72m (the MPA case: pods shrink).
    {"min_replicas_shrinks_the_pods",
     [](JointInput& in) {
       in.cpu_demand_millis = 150;
       in.min_replicas = 3;
       in.replica_floor = 3;
     },
     3, 72, true},
    // The floor (what the busiest pod uses + margin) holds the size up.
    {"usage_floor_holds_the_size",
     [](JointInput& in) {
       in.cpu_demand_millis = 150;
       in.min_replicas = 3;
       in.replica_floor = 3;
       in.cpu_floor_millis = 300;
     },
     3, 300, true},
    // minAllowed 400m: the VPA's bound wins over the smaller need.
    {"min_allowed_bound",
     [](JointInput& in) {
       in.cpu_demand_millis = 150;
       in.min_replicas = 3;
       in.replica_floor = 3;
       in.min_allowed_cpu_millis = 400;
     },
     3, 400, true},
    // maxAllowed 500m: pods may not be 1000m, so 8 pods of 500m cover 4000m.
    {"max_allowed_bound_adds_pods", [](JointInput& in) { in.max_allowed_cpu_millis = 500; }, 8, 500,
     true},
    // maxReplicas 2 (predictive clamped to it): the pods grow to 2000m each.
    {"max_replicas_grows_the_pods",
     [](JointInput& in) {
       in.max_replicas = 2;
       in.replica_floor = 2;
     },
     2, 2000, true},
    // maxReplicas 2 and maxAllowed 1500m: not coverable, everything at its bound.
    {"not_coverable_at_the_bounds",
     [](JointInput& in) {
       in.max_replicas = 2;
       in.replica_floor = 2;
       in.max_allowed_cpu_millis = 1500;
     },
     2, 1500, false},
    // No demand: predictive's pods at the floor.
    {"no_demand", [](JointInput& in) { in.cpu_demand_millis = 0; }, 4, 25, true},
    // Predictive's 4 pods at 1000m; a pod overhead only makes more pods dearer.
    {"pod_overhead",
     [](JointInput& in) {
       in.replica_floor = 4;
       in.prices.per_pod_hour = 1;
     },
     4, 1000, true},
};

class ChooseJointTest : public ::testing::TestWithParam<Case> {};

TEST_P(ChooseJointTest, Chooses) {
  JointInput in = Base();
  GetParam().adjust(in);
  const JointChoice c = ChooseJoint(in);
  EXPECT_EQ(c.replicas, GetParam().replicas) << c.reason;
  EXPECT_EQ(c.cpu_millis, GetParam().cpu_millis) << c.reason;
  EXPECT_EQ(c.covered, GetParam().covered) << c.reason;
  EXPECT_GE(c.replicas, std::max(in.min_replicas, std::min(in.replica_floor, in.max_replicas)));
  EXPECT_LE(c.replicas, in.max_replicas);
  if (c.covered) {
    // At the size it sets, the HPA's own rule asks for no more replicas than chosen.
    EXPECT_GE(c.replicas * c.cpu_millis * in.target_utilization, in.cpu_demand_millis - 1e-6);
    EXPECT_GE(c.replicas * c.cpu_millis, in.cpu_demand_upper_millis - 1e-6);
  }
  EXPECT_NEAR(c.cost_per_hour,
              c.replicas * (c.cpu_millis / 1000.0 * in.prices.per_core_hour +
                            in.memory_bytes_per_pod / double(1LL << 30) * in.prices.per_gib_hour +
                            in.prices.per_pod_hour),
              1e-9);
  EXPECT_FALSE(c.reason.empty());
}

INSTANTIATE_TEST_SUITE_P(Cases, ChooseJointTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& p) {
                           return std::string(p.param.name);
                         });

// Among coverable pairs the cheapest wins: above the floor, more pods only add memory.
TEST(ChooseJoint, MorePodsThanTheFloorOnlyWhenTheSizeIsCapped) {
  JointInput in = Base();
  in.replica_floor = 2;
  EXPECT_EQ(ChooseJoint(in).replicas, 2);
  in.max_allowed_cpu_millis = 1200;  // 2 pods of 2000m are not allowed: 4 of 1000m
  const JointChoice c = ChooseJoint(in);
  EXPECT_EQ(c.replicas, 4);
  EXPECT_EQ(c.cpu_millis, 1000);
}

// The guard: a 1000m reference pod, pods at 600m now, 2000m used now.
GuardInput GuardBase() {
  GuardInput in;
  in.cpu_use_millis = 2000;
  in.forecast_mean_millis = 2000;
  in.current_cpu_millis = 600;
  in.reference_cpu_millis = 1000;
  in.now = FromUnixSeconds(1e6);
  return in;
}

struct GuardCase {
  const char* name;
  void (*adjust)(GuardInput&);
  int64_t min_cpu_millis;  // 0: the guard does not bind
  const char* reason_has;
};

const GuardCase kGuardCases[] = {
    {"steady_forecast_no_miss_free", [](GuardInput&) {}, 0, ""},
    // Falling demand: shrinking is what the joint choice is for.
    {"falling_forecast_free", [](GuardInput& in) { in.forecast_mean_millis = 1500; }, 0, ""},
    // Within the HPA's 10% tolerance: not rising.
    {"rise_within_tolerance_free", [](GuardInput& in) { in.forecast_mean_millis = 2200; }, 0, ""},
    {"rising_forecast_holds_the_size_in_force",
     [](GuardInput& in) { in.forecast_mean_millis = 2300; }, 600, "never shrink below 600m"},
    {"recent_miss_falls_back_to_the_reference",
     [](GuardInput& in) { in.last_miss = in.now - minutes(10); }, 1000, "the reference pod, 1000m"},
    // The miss wins over the rise: the reference is the larger bound.
    {"miss_and_rise_reference",
     [](GuardInput& in) {
       in.last_miss = in.now - minutes(59);
       in.forecast_mean_millis = 4000;
     },
     1000, "more cpu than their requests"},
    // A miss older than miss_hold no longer binds.
    {"old_miss_free", [](GuardInput& in) { in.last_miss = in.now - hours(1); }, 0, ""},
    {"shorter_hold",
     [](GuardInput& in) {
       in.last_miss = in.now - minutes(10);
       in.miss_hold = minutes(5);
     },
     0, ""},
    // Without a reference (no request in the template) a miss cannot fall back to it.
    {"miss_without_reference_free",
     [](GuardInput& in) {
       in.last_miss = in.now;
       in.reference_cpu_millis = 0;
     },
     0, ""},
    // Without a size in force a rise has nothing to hold.
    {"rise_without_size_free",
     [](GuardInput& in) {
       in.forecast_mean_millis = 4000;
       in.current_cpu_millis = 0;
     },
     0, ""},
};

TEST(GuardJointTest, Table) {
  for (const GuardCase& c : kGuardCases) {
    SCOPED_TRACE(c.name);
    GuardInput in = GuardBase();
    c.adjust(in);
    const GuardVerdict v = GuardJoint(in);
    EXPECT_EQ(v.min_cpu_millis, c.min_cpu_millis);
    EXPECT_EQ(v.reason.empty(), c.min_cpu_millis == 0) << v.reason;
    EXPECT_NE(v.reason.find(c.reason_has), std::string::npos) << v.reason;
  }
}

// The guard's bound fed to ChooseJoint as the floor gives predictive's pair back: its replicas
// at the reference size, though the demand alone would shrink the pods to 250m.
TEST(GuardJointTest, ReferenceFloorIsPredictivesPair) {
  JointInput in = Base();
  in.cpu_demand_millis = 700;
  in.reference_cpu_millis = 1000;
  GuardInput g = GuardBase();
  g.last_miss = g.now;
  in.cpu_floor_millis = std::max(in.cpu_floor_millis, GuardJoint(g).min_cpu_millis);
  const JointChoice choice = ChooseJoint(in);
  EXPECT_EQ(choice.replicas, 4);
  EXPECT_EQ(choice.cpu_millis, 1000);
}

}  // namespace
}  // namespace crescendo::intelligent
