#include "crescendo/policy/policy.h"

#include <gtest/gtest.h>

namespace crescendo {
namespace {

struct BoundsCase {
  int32_t min, max, desired, want;
  const char* reason_prefix;  // empty: no trace entry
};

class BoundsPolicyTest : public ::testing::TestWithParam<BoundsCase> {};

TEST_P(BoundsPolicyTest, Clamps) {
  const BoundsCase& c = GetParam();
  HorizontalSpec spec;
  spec.min_replicas = c.min;
  spec.max_replicas = c.max;
  WorkloadId id{"prod", "t", "ns", "w"};
  Proposal p;
  p.current_replicas = 3;
  p.desired_replicas = c.desired;
  Proposal out = BoundsPolicy().Apply(p, {&id, &spec, Timestamp{}});
  EXPECT_EQ(out.desired_replicas, c.want);
  if (std::string(c.reason_prefix).empty()) {
    EXPECT_TRUE(out.trace.empty());
  } else {
    ASSERT_EQ(out.trace.size(), 1u);
    EXPECT_EQ(out.trace[0].reason.rfind(c.reason_prefix, 0), 0u) << out.trace[0].reason;
    EXPECT_EQ(out.trace[0].before, c.desired);
    EXPECT_EQ(out.trace[0].after, c.want);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, BoundsPolicyTest,
                         ::testing::Values(BoundsCase{1, 10, 5, 5, ""},
                                           BoundsCase{1, 10, 10, 10, ""},
                                           BoundsCase{1, 10, 1, 1, ""},
                                           BoundsCase{1, 10, 11, 10, "TooManyReplicas"},
                                           BoundsCase{2, 10, 0, 2, "TooFewReplicas"},
                                           BoundsCase{3, 3, 7, 3, "TooManyReplicas"},
                                           BoundsCase{3, 3, 1, 3, "TooFewReplicas"}));

TEST(PolicyChainTest, AppliesInOrder) {
  PolicyChain chain;
  chain.Add(std::make_unique<BoundsPolicy>());
  chain.Add(std::make_unique<BoundsPolicy>());
  HorizontalSpec spec;
  spec.min_replicas = 2;
  spec.max_replicas = 4;
  WorkloadId id{"prod", "t", "ns", "w"};
  Proposal p;
  p.desired_replicas = 9;
  Proposal out = chain.Apply(p, {&id, &spec, Timestamp{}});
  EXPECT_EQ(out.desired_replicas, 4);
  EXPECT_EQ(out.trace.size(), 1u);  // the second bound has nothing left to do
}

}  // namespace
}  // namespace crescendo
