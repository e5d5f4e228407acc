// The JSON input of `crescendo tenants arbitrate`: the examples parse and arbitrate as
// documented, and every bad input names the file, the field path and what was expected.
#include "crescendo/tenancy/arbitration_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace crescendo::tenancy {
namespace {

using ::testing::HasSubstr;

std::string Example(const std::string& name) {
  const char* source = std::getenv("CRESCENDO_SOURCE_DIR");
  std::ifstream in(std::string(source ? source : ".") + "/examples/tenancy/" + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ArbitrationJsonTest, PaperExampleGivesAThreeTasksAndBTwo) {
  StatusOr<ArbitrationInput> in = ParseArbitrationJson(Example("nsdi-paper.json"), "paper.json");
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->capacity, (Resources{9000, 18'000'000'000}));
  EXPECT_EQ(in->tenants[1].demands[0].per_replica, (Resources{3000, 1'000'000'000}));
  EXPECT_EQ(in->tenants[0].tier_priority, 600);
  StatusOr<ArbitrationResult> r = Arbitrate(*in);
  ASSERT_TRUE(r.ok());
  const nlohmann::json out = ArbitrationToJson(*in, *r);
  EXPECT_EQ(out["allocations"], nlohmann::json::parse(R"([
      {"tenant": "A", "service": "tasks", "replicas": 3},
      {"tenant": "B", "service": "tasks", "replicas": 2}])"));
  EXPECT_DOUBLE_EQ(out["dominant_shares"]["A"].get<double>(), 12.0 / 18);
  EXPECT_DOUBLE_EQ(out["dominant_shares"]["B"].get<double>(), 6.0 / 9);
  EXPECT_DOUBLE_EQ(out["jain_index"].get<double>(), 1.0);
  ASSERT_EQ(out["cuts"].size(), 2u);
  EXPECT_THAT(out["cuts"][0]["reason"].get<std::string>(), HasSubstr("tenant A (premium)"));
}

TEST(ArbitrationJsonTest, EveningPeakServesPaidTiersAndKeepsTheFreeGuarantee) {
  StatusOr<ArbitrationInput> in = ParseArbitrationJson(Example("evening-peak.json"), "e.json");
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  StatusOr<ArbitrationResult> r = Arbitrate(*in);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->used.cpu_millis, in->capacity.cpu_millis);
  // The free tier keeps at least its 4-CPU guarantee: 2 min replicas of stream-api first.
  EXPECT_GE(r->tenants[3].allocated.cpu_millis, 4000);
  EXPECT_EQ(in->isolation, Isolation::kSoft);
}

TEST(ArbitrationJsonTest, ReadsQuantitiesAsStringsOrNumbersAndTiersFromTheDocument) {
  StatusOr<ArbitrationInput> in = ParseArbitrationJson(R"({
    "capacity": {"cpu": 2.5, "memory": "1Gi"}, "isolation": "strict",
    "tiers": {"gold": 7},
    "tenants": [{"name": "a", "tier": "gold", "weight": 0.5,
                 "guarantee": {"cpu": "250m"}, "quota": {"memory": 1048576, "replicas": 3},
                 "demands": [{"service": "s", "per_replica": {"cpu": "100m", "memory": "1Mi"},
                              "replicas": 2, "priority": -1, "current_replicas": 1}]}]})",
                                                       "t.json");
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->capacity, (Resources{2500, int64_t{1} << 30}));
  EXPECT_EQ(in->isolation, Isolation::kStrict);
  const TenantRequest& t = in->tenants[0];
  EXPECT_EQ(t.tier_priority, 7);
  EXPECT_EQ(t.weight, 0.5);
  EXPECT_EQ(t.guarantee, (Resources{250, 0}));
  EXPECT_EQ(t.quota.memory_bytes, 1 << 20);
  EXPECT_EQ(t.quota.max_replicas, 3);
  EXPECT_EQ(t.quota.cpu_millis, std::nullopt);
  EXPECT_EQ(t.demands[0].priority, -1);
  EXPECT_EQ(t.demands[0].current_replicas, 1);
}

TEST(ArbitrationJsonTest, BadInputNamesFileFieldAndExpectation) {
  const std::string tenant =
      R"("name": "a", "tier": "free", "demands": [{"service": "s", "per_replica": {"cpu": "1", "memory": "1Gi"}, "replicas": 2}])";
  const std::string capacity = R"("capacity": {"cpu": "4", "memory": "8Gi"})";
  struct Case {
    std::string name;
    std::string text;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"syntax", "{\n  \"capacity\": ,\n}", "bad.json: line 2, column 15: malformed JSON"},
      {"not_object", "[]", "bad.json: (document): found [], expected an object"},
      {"no_capacity", R"({"tenants": []})",
       "bad.json: capacity: found missing, expected an object"},
      {"capacity_memory_missing", R"({"capacity": {"cpu": "1"}, "tenants": []})",
       "capacity.memory: found missing, expected a Kubernetes quantity"},
      {"bad_quantity", Example("bad-quantity.json"),
       "tenants[0].demands[0].per_replica.cpu: found \"one\", expected a Kubernetes quantity"},
      {"negative_quantity", R"({"capacity": {"cpu": "-1", "memory": "1"}, "tenants": []})",
       "capacity.cpu: found \"-1\", expected a quantity >= 0"},
      {"unknown_field", "{" + capacity + R"(, "tenant": []})",
       "bad.json: tenant: unknown field, expected one of capacity, isolation, tiers, tenants"},
      {"isolation", "{" + capacity + R"(, "isolation": "hard", "tenants": []})",
       "isolation: found \"hard\", expected strict, soft or none"},
      {"no_tenants", "{" + capacity + "}", "tenants: found missing, expected an array"},
      {"unknown_tier",
       "{" + capacity + R"(, "tenants": [{"name": "a", "tier": "gold", "demands": []}]})",
       "tenants[0].tier: found \"gold\", expected one of enterprise, family, free, internal, "
       "premium"},
      {"weight", "{" + capacity + R"(, "tenants": [{)" + tenant + R"(, "weight": -2}]})",
       "tenants[0].weight: found -2, expected a number > 0"},
      {"weight_type", "{" + capacity + R"(, "tenants": [{)" + tenant + R"(, "weight": "2"}]})",
       "tenants[0].weight: found \"2\", expected a number > 0"},
      {"replicas",
       "{" + capacity +
           R"(, "tenants": [{"name": "a", "tier": "free", "demands": [{"service": "s", "per_replica": {"cpu": "1", "memory": "1"}, "replicas": 1.5}]}]})",
       "tenants[0].demands[0].replicas: found 1.5, expected an integer >= 0"},
      {"min_above",
       "{" + capacity +
           R"(, "tenants": [{"name": "a", "tier": "free", "demands": [{"service": "s", "per_replica": {"cpu": "1", "memory": "1"}, "replicas": 1, "min_replicas": 2}]}]})",
       "tenants[0].demands[0].min_replicas: found 2, expected at most replicas (1)"},
      {"per_replica_field",
       "{" + capacity +
           R"(, "tenants": [{"name": "a", "tier": "free", "demands": [{"service": "s", "per_replica": {"cpus": "1"}, "replicas": 1}]}]})",
       "tenants[0].demands[0].per_replica.cpus: unknown field, expected one of cpu, memory"},
      {"quota",
       "{" + capacity + R"(, "tenants": [{)" + tenant + R"(, "quota": {"replicas": -1}}]})",
       "tenants[0].quota.replicas: found -1, expected an integer >= 0"},
      {"duplicate", "{" + capacity + R"(, "tenants": [{)" + tenant + "}, {" + tenant + "}]}",
       "bad.json: tenants[1].name: \"a\" appears twice"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    StatusOr<ArbitrationInput> in = ParseArbitrationJson(c.text, "bad.json");
    ASSERT_FALSE(in.ok());
    EXPECT_EQ(in.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(in.status().message(), HasSubstr(c.says));
  }
}

}  // namespace
}  // namespace crescendo::tenancy
