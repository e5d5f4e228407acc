// `crescendo tenants arbitrate`: the documented output on the examples, --json, and located
// errors with exit code 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "cli/command_test_util.h"

namespace crescendo::cli {
namespace {

using ::testing::HasSubstr;

using Result = testing::CommandResult;

Result RunTenants(const std::vector<std::string>& args) {
  return testing::RunCommands({&RegisterTenantsCommands}, args);
}

std::string Example(const char* name) {
  const char* source = std::getenv("CRESCENDO_SOURCE_DIR");
  return std::string(source ? source : ".") + "/examples/tenancy/" + name;
}

TEST(TenantsCommandTest, PaperExampleAsText) {
  Result r = RunTenants({"tenants", "arbitrate", "--input", Example("nsdi-paper.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("isolation soft, capacity cpu 9 memory"));
  EXPECT_THAT(r.out, HasSubstr("A                    tasks                         100        3"));
  EXPECT_THAT(r.out, HasSubstr("B                    tasks                         100        2"));
  EXPECT_THAT(r.out, HasSubstr("tasks: tenant A (premium) dominant share 0.667"));
  EXPECT_THAT(r.out, HasSubstr("jain index 1.0000"));
}

TEST(TenantsCommandTest, JsonToAFileAndToStdout) {
  const std::string path = ::testing::TempDir() + "tenants.json";
  Result r =
      RunTenants({"tenants", "arbitrate", "--input", Example("evening-peak.json"), "--json", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(path);
  const nlohmann::json file = nlohmann::json::parse(in);
  EXPECT_EQ(file["allocations"].size(), 7u);
  EXPECT_EQ(file["allocations"][0].size(), 3u);  // tenant, service, replicas
  EXPECT_TRUE(file["dominant_shares"].contains("listeners-free"));
  EXPECT_GT(file["jain_index"].get<double>(), 0.0);

  Result only =
      RunTenants({"tenants", "arbitrate", "--input", Example("evening-peak.json"), "--json", "-"});
  ASSERT_EQ(only.exit_code, 0) << only.err;
  EXPECT_EQ(nlohmann::json::parse(only.out), file);
}

TEST(TenantsCommandTest, BadInputIsExitTwoWithTheField) {
  Result bad = RunTenants({"tenants", "arbitrate", "--input", Example("bad-quantity.json")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("crescendo tenants: "));
  EXPECT_THAT(bad.err, HasSubstr("bad-quantity.json: tenants[0].demands[0].per_replica.cpu: "
                                 "found \"one\", expected a Kubernetes quantity"));
  Result missing = RunTenants({"tenants", "arbitrate", "--input", "/nonexistent.json"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("/nonexistent.json: no such file"));
}

}  // namespace
}  // namespace crescendo::cli
