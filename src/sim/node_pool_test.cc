#include "crescendo/sim/node_pool.h"

#include <gtest/gtest.h>

namespace crescendo::sim {
namespace {

const Timestamp kStart = FromUnixSeconds(1'800'000'000);

TEST(NodePoolTest, TryResizeNeedsRoomForTheGrowth) {
  // One node of 1000m and 1000 bytes, holding a pod of 400m/400 and one of 300m/300.
  struct Case {
    const char* name;
    Resources to;  // the first pod's new requests
    bool want_ok;
    Resources want_free;  // what the node has left after
  };
  const Case cases[] = {
      {"grow within room", {700, 400}, true, {0, 300}},
      {"grow memory within room", {400, 700}, true, {300, 0}},
      {"grow past cpu", {701, 400}, false, {300, 300}},
      {"grow past memory", {400, 701}, false, {300, 300}},
      {"shrink", {100, 100}, true, {600, 600}},
      {"same", {400, 400}, true, {300, 300}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    NodePoolSpec spec;
    spec.capacity = {1000, 1000};
    spec.min_nodes = 1;
    spec.max_nodes = 1;
    NodePool pool(spec, 1, kStart);
    int32_t node = pool.TryPlace({400, 400});
    ASSERT_EQ(node, 0);
    ASSERT_EQ(pool.TryPlace({300, 300}), 0);
    EXPECT_EQ(pool.TryResize(node, {400, 400}, c.to), c.want_ok);
    // What is left is exactly the room: it fits, and a millicore or a byte more does not.
    EXPECT_EQ(pool.TryPlace({c.want_free.cpu_millis + 1, 0}), -1);
    EXPECT_EQ(pool.TryPlace({0, c.want_free.memory_bytes + 1}), -1);
    EXPECT_EQ(pool.TryPlace(c.want_free), 0);
  }
}

TEST(NodePoolTest, ResizeGrowthIsNotPendingForTheAutoscaler) {
  NodePoolSpec spec;
  spec.capacity = {1000, 1000};
  spec.min_nodes = 1;
  spec.max_nodes = 5;
  NodePool pool(spec, 1, kStart);
  ASSERT_EQ(pool.TryPlace({900, 100}), 0);
  EXPECT_FALSE(pool.TryResize(0, {900, 100}, {1000, 2000}));
  pool.Reconcile();
  EXPECT_EQ(pool.total_nodes(), 1);
  EXPECT_EQ(pool.allocatable(), spec.capacity);
}

}  // namespace
}  // namespace crescendo::sim
