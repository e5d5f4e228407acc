// Tables for stabilization, rate policies and bounds. Scenarios and expected values follow the
// Kubernetes documentation of `behavior` and kubernetes pkg/controller/podautoscaler/
// horizontal_test.go (TestScalingWithRules, TestConvertDesiredReplicasWithRules,
// TestNormalizeDesiredReplicas, TestCalculateScale{Up,Down}Limit...).
#include "horizontal/kubernetes/normalization.h"

#include <gtest/gtest.h>

#include "horizontal/kubernetes/hpa_test_util.h"

namespace crescendo::hpa::internal {
namespace {

using testing::CaseName;
using testing::kNow;

// ---------------------------------------------------------------------------------------------
// Without behavior: bounds and the max(2 x current, 4) cap

struct RulesCase {
  std::string name;
  int32_t current, desired, min, max;
  int32_t want;
  std::string want_reason;
};

class ConvertWithRulesTest : public ::testing::TestWithParam<RulesCase> {};

TEST_P(ConvertWithRulesTest, Limits) {
  const RulesCase& c = GetParam();
  Limited l = ConvertDesiredReplicasWithRules(c.current, c.desired, c.min, c.max, 2.0, 4.0);
  EXPECT_EQ(l.replicas, c.want);
  EXPECT_EQ(l.reason, c.want_reason);
}

INSTANTIATE_TEST_SUITE_P(
    Kubernetes, ConvertWithRulesTest,
    ::testing::Values(RulesCase{"within range", 5, 7, 3, 8, 7, "DesiredWithinRange"},
                      RulesCase{"below min", 3, 1, 2, 8, 2, "TooFewReplicas"},
                      RulesCase{"zero within range", 1, 0, 0, 10, 0, "DesiredWithinRange"},
                      RulesCase{"max below the cap", 20, 1000, 1, 10, 10, "TooManyReplicas"},
                      RulesCase{"cap below max", 3, 1000, 1, 2000, 6, "ScaleUpLimit"},
                      RulesCase{"cap of four from one replica", 1, 10, 1, 100, 4, "ScaleUpLimit"},
                      RulesCase{"cap of four from zero replicas", 0, 10, 0, 100, 4, "ScaleUpLimit"},
                      RulesCase{"double of ten", 10, 50, 1, 100, 20, "ScaleUpLimit"}),
    CaseName<RulesCase>);

// ---------------------------------------------------------------------------------------------
// Without behavior: the recommendation log

struct StabilizeCase {
  std::string name;
  std::vector<TimestampedRecommendation> log;
  int32_t proposal;
  int32_t want;
  size_t want_log_size;
};

class StabilizeTest : public ::testing::TestWithParam<StabilizeCase> {};

TEST_P(StabilizeTest, HighestRecentRecommendation) {
  const StabilizeCase& c = GetParam();
  std::vector<TimestampedRecommendation> log = c.log;
  EXPECT_EQ(StabilizeRecommendation(&log, c.proposal, kNow, minutes(5)), c.want);
  EXPECT_EQ(log.size(), c.want_log_size);
}

TimestampedRecommendation Rec(int32_t replicas, Duration ago) { return {replicas, kNow - ago}; }

INSTANTIATE_TEST_SUITE_P(
    Kubernetes, StabilizeTest,
    ::testing::Values(
        StabilizeCase{"empty log", {}, 5, 5, 1},
        StabilizeCase{"stabilize", {Rec(4, minutes(2)), Rec(5, minutes(1))}, 3, 5, 3},
        StabilizeCase{"no stabilize", {Rec(1, minutes(2)), Rec(2, minutes(1))}, 3, 3, 3},
        StabilizeCase{
            "old recommendations only", {Rec(10, minutes(10)), Rec(9, minutes(9))}, 3, 3, 2},
        StabilizeCase{
            "old and recent recommendations",
            {Rec(10, minutes(10)), Rec(4, minutes(1)), Rec(5, minutes(2)), Rec(9, minutes(9))},
            3,
            5,
            4},
        StabilizeCase{
            "a sample exactly at the window edge still counts", {Rec(7, minutes(5))}, 3, 7, 2}),
    CaseName<StabilizeCase>);

// ---------------------------------------------------------------------------------------------
// With behavior: rate policies (convertDesiredReplicasWithBehaviorRate)

std::optional<ScalingRules> Rules(int32_t pods, int32_t pods_period, int32_t percent,
                                  int32_t percent_period, int32_t window,
                                  SelectPolicy select = SelectPolicy::kMax) {
  ScalingRules r;
  r.stabilization_window_seconds = window;
  r.select_policy = select;
  if (pods != 0) r.policies.push_back({ScalingPolicyType::kPods, pods, pods_period});
  if (percent != 0) r.policies.push_back({ScalingPolicyType::kPercent, percent, percent_period});
  return r;
}

// Events spread evenly over the last `period_seconds`, one in the middle of each segment.
std::vector<ScaleEvent> Uniform(std::vector<int32_t> changes, int period_seconds) {
  std::vector<ScaleEvent> events;
  const double segment = static_cast<double>(period_seconds) / changes.size();
  for (size_t i = 0; i < changes.size(); ++i) {
    const double ago = period_seconds - segment * (i + 1) + segment / 2;
    events.push_back({changes[i], kNow - FromSeconds(ago), false});
  }
  return events;
}

struct RateCase {
  std::string name;
  int32_t current, desired, min, max;
  std::optional<ScalingRules> up, down;
  std::vector<ScaleEvent> up_events, down_events;
  int32_t want;
  std::string want_reason;
};

class BehaviorRateTest : public ::testing::TestWithParam<RateCase> {};

TEST_P(BehaviorRateTest, Limits) {
  const RateCase& c = GetParam();
  const ResolvedRules up = ResolveScaleUpRules(c.up);
  const ResolvedRules down = ResolveScaleDownRules(c.down, minutes(5));
  Limited l = ConvertDesiredReplicasWithBehaviorRate({c.current, c.desired, c.min, c.max, kNow}, up,
                                                     down, c.up_events, c.down_events);
  EXPECT_EQ(l.replicas, c.want);
  EXPECT_EQ(l.reason, c.want_reason);
}

const std::nullopt_t kDefault = std::nullopt;

INSTANTIATE_TEST_SUITE_P(
    Kubernetes, BehaviorRateTest,
    ::testing::Values(
        RateCase{"within range", 5, 7, 3, 8, kDefault, kDefault, {}, {}, 7, "DesiredWithinRange"},
        RateCase{"below min", 3, 1, 2, 8, kDefault, kDefault, {}, {}, 2, "TooFewReplicas"},
        RateCase{
            "zero with min zero", 1, 0, 0, 10, kDefault, kDefault, {}, {}, 0, "DesiredWithinRange"},
        RateCase{"max below the rate limit",
                 20,
                 1000,
                 1,
                 10,
                 kDefault,
                 kDefault,
                 {},
                 {},
                 10,
                 "TooManyReplicas"},
        RateCase{
            "max of 150", 100, 1000, 100, 150, kDefault, kDefault, {}, {}, 150, "TooManyReplicas"},
        RateCase{"one percent rounds up to a pod",
                 3,
                 1000,
                 1,
                 2000,
                 Rules(0, 0, 1, 60, 0),
                 kDefault,
                 {},
                 {},
                 4,
                 "ScaleUpLimit"},
        RateCase{"user pods policy on scale down",
                 1000,
                 3,
                 3,
                 2000,
                 kDefault,
                 Rules(20, 60, 0, 0, 0),
                 {},
                 {},
                 980,
                 "ScaleDownLimit"},
        RateCase{"default scale up policies",
                 10,
                 50,
                 1,
                 1000,
                 kDefault,
                 kDefault,
                 {},
                 {},
                 20,
                 "ScaleUpLimit"},
        RateCase{"pods policy larger than percent",
                 10,
                 500,
                 1,
                 1000,
                 Rules(100, 60, 100, 60, 0),
                 kDefault,
                 {},
                 {},
                 110,
                 "ScaleUpLimit"},
        RateCase{"percent policy larger than pods",
                 10,
                 500,
                 1,
                 1000,
                 Rules(2, 60, 100, 60, 0),
                 kDefault,
                 {},
                 {},
                 20,
                 "ScaleUpLimit"},
        RateCase{"large pods policy lets the proposal through",
                 10,
                 50,
                 1,
                 1000,
                 Rules(100, 60, 0, 0, 0),
                 kDefault,
                 {},
                 {},
                 50,
                 "DesiredWithinRange"},
        RateCase{"pods policy limits",
                 10,
                 50,
                 1,
                 1000,
                 Rules(30, 60, 0, 0, 0),
                 kDefault,
                 {},
                 {},
                 40,
                 "ScaleUpLimit"},
        RateCase{"percent policy limits",
                 10,
                 50,
                 1,
                 1000,
                 Rules(0, 0, 200, 60, 0),
                 kDefault,
                 {},
                 {},
                 30,
                 "ScaleUpLimit"},
        RateCase{"percent larger than pods on scale down",
                 100,
                 2,
                 1,
                 1000,
                 kDefault,
                 Rules(20, 60, 1, 60, 300),
                 {},
                 {},
                 80,
                 "ScaleDownLimit"},
        RateCase{"pods larger than percent on scale down",
                 100,
                 2,
                 1,
                 1000,
                 kDefault,
                 Rules(2, 60, 1, 60, 300),
                 {},
                 {},
                 98,
                 "ScaleDownLimit"},
        RateCase{"min replicas below a large pods policy",
                 10,
                 0,
                 1,
                 1000,
                 kDefault,
                 Rules(100, 60, 0, 0, 300),
                 {},
                 {},
                 1,
                 "TooFewReplicas"},
        RateCase{"min replicas below a large percent policy",
                 10,
                 2,
                 5,
                 1000,
                 kDefault,
                 Rules(0, 0, 100, 60, 300),
                 {},
                 {},
                 5,
                 "TooFewReplicas"},
        RateCase{"pods policy limits a scale down",
                 10,
                 2,
                 1,
                 1000,
                 kDefault,
                 Rules(5, 60, 0, 0, 300),
                 {},
                 {},
                 5,
                 "ScaleDownLimit"},
        RateCase{"percent policy allows exactly the proposal",
                 10,
                 5,
                 1,
                 1000,
                 kDefault,
                 Rules(0, 0, 50, 60, 300),
                 {},
                 {},
                 5,
                 "DesiredWithinRange"},
        RateCase{"max with a large pods policy and events",
                 100,
                 500,
                 1,
                 200,
                 Rules(300, 60, 0, 0, 0),
                 kDefault,
                 Uniform({1, 5, 9}, 120),
                 {},
                 200,
                 "TooManyReplicas"},
        RateCase{"max with a large percent policy and events",
                 100,
                 500,
                 1,
                 200,
                 Rules(0, 0, 10000, 60, 0),
                 kDefault,
                 Uniform({1, 5, 9}, 120),
                 {},
                 200,
                 "TooManyReplicas"},
        RateCase{"recent scale ups hold further scale up",
                 100,
                 500,
                 1,
                 1000,
                 Rules(5, 120, 0, 0, 0),
                 kDefault,
                 Uniform({1, 5, 9}, 120),
                 {},
                 100,
                 "ScaleUpLimit"},
        RateCase{"pods policy counts from the period start",
                 100,
                 500,
                 1,
                 1000,
                 Rules(150, 120, 0, 0, 0),
                 kDefault,
                 Uniform({1, 5, 9}, 120),
                 {},
                 235,
                 "ScaleUpLimit"},
        RateCase{"percent policy counts from the period start",
                 100,
                 500,
                 1,
                 1000,
                 Rules(0, 0, 200, 120, 0),
                 kDefault,
                 Uniform({1, 5, 9}, 120),
                 {},
                 255,
                 "ScaleUpLimit"},
        RateCase{"old scale down events do not limit the default policy",
                 10,
                 5,
                 1,
                 1000,
                 kDefault,
                 kDefault,
                 {},
                 Uniform({1, 5, 9}, 120),
                 5,
                 "DesiredWithinRange"},
        RateCase{"min replicas with a pods policy and events",
                 100,
                 0,
                 1,
                 1000,
                 kDefault,
                 Rules(115, 120, 0, 0, 300),
                 {},
                 Uniform({1, 5, 9}, 120),
                 1,
                 "TooFewReplicas"},
        RateCase{"min five with a pods policy and events",
                 100,
                 0,
                 5,
                 1000,
                 kDefault,
                 Rules(130, 120, 0, 0, 300),
                 {},
                 Uniform({1, 5, 9}, 120),
                 5,
                 "TooFewReplicas"},
        RateCase{"min five with a percent policy and events",
                 100,
                 2,
                 5,
                 1000,
                 kDefault,
                 Rules(0, 0, 100, 120, 300),
                 {},
                 Uniform({1, 5, 9}, 120),
                 5,
                 "TooFewReplicas"},
        RateCase{"recent scale downs hold further scale down",
                 100,
                 2,
                 1,
                 1000,
                 kDefault,
                 Rules(5, 120, 0, 0, 300),
                 {},
                 Uniform({1, 5, 9}, 120),
                 100,
                 "ScaleDownLimit"},
        RateCase{"percent scale down counts from the period start",
                 100,
                 0,
                 1,
                 1000,
                 kDefault,
                 Rules(0, 0, 50, 120, 300),
                 {},
                 Uniform({2, 4, 6}, 120),
                 56,
                 "ScaleDownLimit"},
        RateCase{"period start above current keeps current",
                 100,
                 0,
                 1,
                 1000,
                 kDefault,
                 Rules(0, 0, 10, 120, 300),
                 {},
                 Uniform({10, 10, 10}, 120),
                 100,
                 "ScaleDownLimit"},
        RateCase{"large percent still allows the proposal",
                 10,
                 5,
                 1,
                 1000,
                 kDefault,
                 Rules(0, 0, 1000, 120, 300),
                 {},
                 Uniform({10, 10, 10}, 120),
                 5,
                 "DesiredWithinRange"},
        RateCase{"events outside a shorter period",
                 100,
                 200,
                 1,
                 1000,
                 Rules(1000, 60, 0, 0, 0),
                 kDefault,
                 Uniform({8, 12, 9, 11}, 120),
                 {},
                 200,
                 "DesiredWithinRange"},
        RateCase{"events in two policies",
                 100,
                 200,
                 1,
                 1000,
                 Rules(1000, 120, 100, 60, 0),
                 kDefault,
                 Uniform({8, 12, 9, 11}, 120),
                 {},
                 200,
                 "DesiredWithinRange"},
        RateCase{"scale down events in two policies",
                 100,
                 5,
                 1,
                 1000,
                 kDefault,
                 Rules(1000, 120, 100, 60, 300),
                 {},
                 Uniform({8, 12, 9, 11}, 120),
                 5,
                 "DesiredWithinRange"},
        RateCase{"select min on scale up",
                 1,
                 10,
                 1,
                 100,
                 Rules(2, 60, 50, 60, 300, SelectPolicy::kMin),
                 kDefault,
                 {},
                 {},
                 2,
                 "ScaleUpLimit"},
        RateCase{"select min on scale down",
                 5,
                 1,
                 1,
                 100,
                 kDefault,
                 Rules(2, 60, 50, 60, 300, SelectPolicy::kMin),
                 {},
                 {},
                 3,
                 "ScaleDownLimit"},
        RateCase{"disabled scale up",
                 5,
                 10,
                 1,
                 100,
                 Rules(4, 15, 0, 0, 0, SelectPolicy::kDisabled),
                 kDefault,
                 {},
                 {},
                 5,
                 "ScaleUpLimit"},
        RateCase{"disabled scale down",
                 5,
                 1,
                 1,
                 100,
                 kDefault,
                 Rules(0, 0, 100, 15, 0, SelectPolicy::kDisabled),
                 {},
                 {},
                 5,
                 "ScaleDownLimit"},
        RateCase{"scale up percentages round up",
                 3,
                 10,
                 1,
                 100,
                 Rules(0, 0, 10, 60, 0),
                 kDefault,
                 {},
                 {},
                 4,
                 "ScaleUpLimit"},
        RateCase{"scale down percentages truncate",
                 3,
                 1,
                 1,
                 100,
                 kDefault,
                 Rules(0, 0, 10, 60, 0),
                 {},
                 {},
                 2,
                 "ScaleDownLimit"},
        RateCase{"min above the scale down limit",
                 10,
                 1,
                 8,
                 100,
                 kDefault,
                 Rules(0, 0, 50, 60, 0),
                 {},
                 {},
                 8,
                 "TooFewReplicas"},
        RateCase{"scale up events lower the period start of a scale down",
                 10,
                 1,
                 1,
                 100,
                 kDefault,
                 Rules(2, 60, 0, 0, 0),
                 {{4, kNow - seconds(30), false}},
                 {},
                 4,
                 "ScaleDownLimit"}),
    CaseName<RateCase>);

// ---------------------------------------------------------------------------------------------
// With behavior: stabilization windows

struct WindowCase {
  std::string name;
  std::vector<TimestampedRecommendation> log;
  int32_t current, desired;
  int32_t up_window, down_window;
  int32_t want;
  std::string want_reason;
  size_t want_log_size;
};

class BehaviorStabilizeTest : public ::testing::TestWithParam<WindowCase> {};

TEST_P(BehaviorStabilizeTest, Window) {
  const WindowCase& c = GetParam();
  std::vector<TimestampedRecommendation> log = c.log;
  const ResolvedRules up = ResolveScaleUpRules(Rules(4, 15, 0, 0, c.up_window));
  const ResolvedRules down = ResolveScaleDownRules(Rules(0, 0, 100, 15, c.down_window), minutes(5));
  Limited l = StabilizeRecommendationWithBehaviors(&log, c.current, c.desired, up, down, kNow);
  EXPECT_EQ(l.replicas, c.want);
  EXPECT_EQ(l.reason, c.want_reason);
  EXPECT_EQ(log.size(), c.want_log_size);
}

INSTANTIATE_TEST_SUITE_P(
    Kubernetes, BehaviorStabilizeTest,
    ::testing::Values(
        WindowCase{"recent higher recommendation holds a scale down",
                   {Rec(5, minutes(1))},
                   5,
                   3,
                   0,
                   300,
                   5,
                   "ScaleDownStabilized",
                   2},
        WindowCase{"old recommendation is replaced",
                   {Rec(7, seconds(400))},
                   5,
                   3,
                   0,
                   300,
                   3,
                   "ScaleDownStabilized",
                   1},
        WindowCase{"partial hold at the highest recent",
                   {Rec(4, minutes(1))},
                   5,
                   3,
                   0,
                   300,
                   4,
                   "ScaleDownStabilized",
                   2},
        WindowCase{"scale up window holds at the lowest recent",
                   {Rec(3, seconds(30))},
                   3,
                   8,
                   60,
                   300,
                   3,
                   "ScaleUpStabilized",
                   2},
        WindowCase{"scale up window allows the lowest recent",
                   {Rec(6, seconds(30))},
                   3,
                   8,
                   60,
                   300,
                   6,
                   "ScaleUpStabilized",
                   2},
        WindowCase{
            "no history lets the proposal through", {}, 3, 8, 0, 300, 8, "ScaleUpStabilized", 1},
        WindowCase{"zero scale down window",
                   {Rec(9, seconds(10))},
                   9,
                   3,
                   0,
                   0,
                   3,
                   "ScaleDownStabilized",
                   1}),
    CaseName<WindowCase>);

TEST(ScaleLimitTest, MinPolicySelection) {
  // Kubernetes' TestCalculateScaleUpLimitWithScalingRules and ...ScaleDownLimitWithBehaviors.
  const ResolvedRules rules = ResolveScaleUpRules(Rules(2, 60, 50, 60, 300, SelectPolicy::kMin));
  EXPECT_EQ(ScaleUpLimit(1, {}, {}, rules, kNow), 2);
  EXPECT_EQ(ScaleDownLimit(5, {}, {}, rules, kNow), 3);
}

TEST(ResolveRulesTest, Defaults) {
  const ResolvedRules up = ResolveScaleUpRules(std::nullopt);
  EXPECT_EQ(up.stabilization_window_seconds, 0);
  ASSERT_EQ(up.policies.size(), 2u);
  EXPECT_EQ(up.policies[0].type, ScalingPolicyType::kPods);
  EXPECT_EQ(up.policies[0].value, 4);
  EXPECT_EQ(up.policies[1].value, 100);
  const ResolvedRules down = ResolveScaleDownRules(ScalingRules{}, seconds(90) + milliseconds(999));
  EXPECT_EQ(down.stabilization_window_seconds, 90);  // the controller flag, truncated
  ASSERT_EQ(down.policies.size(), 1u);
  EXPECT_EQ(down.policies[0].type, ScalingPolicyType::kPercent);
  EXPECT_EQ(down.select_policy, SelectPolicy::kMax);
}

TEST(StoreScaleEventTest, ReusesTheLastOutdatedSlot) {
  HpaControllerState state;
  state.scale_up_events = {{3, kNow - seconds(200), false},
                           {2, kNow - seconds(100), false},
                           {1, kNow - seconds(10), false}};
  const ResolvedRules up = ResolveScaleUpRules(Rules(4, 60, 0, 0, 0));
  const ResolvedRules down = ResolveScaleDownRules(std::nullopt, minutes(5));
  StoreScaleEvent(true, up, down, 5, 9, kNow, &state);
  ASSERT_EQ(state.scale_up_events.size(), 3u);
  EXPECT_TRUE(state.scale_up_events[0].outdated);
  EXPECT_EQ(state.scale_up_events[1].replica_change, 4);  // the last outdated slot, reused
  EXPECT_EQ(state.scale_up_events[1].timestamp, kNow);
  StoreScaleEvent(true, up, down, 9, 6, kNow, &state);
  ASSERT_EQ(state.scale_down_events.size(), 1u);
  EXPECT_EQ(state.scale_down_events[0].replica_change, 3);
  StoreScaleEvent(false, up, down, 6, 8, kNow, &state);  // no behavior: nothing recorded
  EXPECT_EQ(state.scale_up_events.size(), 3u);
}

TEST(ReplicasChangePerPeriodTest, StrictlyWithinThePeriod) {
  const std::vector<ScaleEvent> events{
      {1, kNow - seconds(60), false}, {2, kNow - seconds(59), false}, {4, kNow, false}};
  EXPECT_EQ(ReplicasChangePerPeriod(60, events, kNow), 6);
  EXPECT_EQ(ReplicasChangePerPeriod(61, events, kNow), 7);
}

}  // namespace
}  // namespace crescendo::hpa::internal
