// ShardLocks' checks before it connects, and an unreachable server. The locks themselves are
// tested against a real PostgreSQL in
// tests/integration/kubernetes/shards_postgres_integration_test.cc.
#include "crescendo/store/shard_locks.h"

#include <gtest/gtest.h>

namespace crescendo::store {
namespace {

ShardLockOptions Valid() {
  ShardLockOptions o;
  // Port 1 on the loopback: nothing listens, so the connection is refused at once.
  o.url = "postgresql://crescendo@127.0.0.1:1/postgres";
  o.identity = "r0";
  return o;
}

TEST(ShardLocksTest, CreateRefusesBadOptionsAndReportsAnUnreachableServer) {
  struct Case {
    const char* name;
    void (*edit)(ShardLockOptions&);
    StatusCode code;
    const char* message;
  };
  const Case cases[] = {
      {"no url", [](ShardLockOptions& o) { o.url.clear(); }, StatusCode::kInvalidArgument,
       "url must be set"},
      {"no identity", [](ShardLockOptions& o) { o.identity.clear(); }, StatusCode::kInvalidArgument,
       "identity must be set"},
      {"no shards", [](ShardLockOptions& o) { o.shards = 0; }, StatusCode::kInvalidArgument,
       "shards must be between 1 and 2147483646, got 0"},
      {"shard key of the members' lock", [](ShardLockOptions& o) { o.shards = 2147483647; },
       StatusCode::kInvalidArgument, "got 2147483647"},
      {"lease not above margin", [](ShardLockOptions& o) { o.lease_duration = o.safety_margin; },
       StatusCode::kInvalidArgument, "above safety_margin"},
      {"lease under a second",
       [](ShardLockOptions& o) {
         o.lease_duration = std::chrono::milliseconds(500);
         o.safety_margin = std::chrono::milliseconds(100);
       },
       StatusCode::kInvalidArgument, "at least 1s"},
      {"nothing listens", [](ShardLockOptions&) {}, StatusCode::kUnavailable,
       "shard locks: postgresql: cannot connect:"},
  };
  RealClock clock;
  for (const Case& c : cases) {
    ShardLockOptions o = Valid();
    c.edit(o);
    StatusOr<std::unique_ptr<ShardHolder>> got = ShardLocks::Create(o, &clock);
    ASSERT_FALSE(got.ok()) << c.name;
    EXPECT_EQ(got.status().code(), c.code) << c.name << ": " << got.status().ToString();
    EXPECT_NE(got.status().message().find(c.message), std::string::npos)
        << c.name << ": " << got.status().ToString();
  }
}

}  // namespace
}  // namespace crescendo::store
