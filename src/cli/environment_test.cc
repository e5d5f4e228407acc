#include "cli/environment.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crescendo/cli/cli.h"

namespace crescendo::cli {
namespace {

TEST(EnvironmentOverridesTest, ReadsValidValuesAndRefusesOthersByName) {
  struct Case {
    config::EnvironmentVariables env;
    const char* want_error;  // nullptr: valid
  };
  const Case cases[] = {
      {{}, nullptr},
      {{{"AUTOSCALING_MODE", "predictive"}, {"SCALING_INTERVAL", "1m"}}, nullptr},
      {{{"MIN_REPLICAS", "2"}, {"MAX_REPLICAS", "10000"}}, nullptr},
      {{{"TENANT_ISOLATION", "disabled"}, {"COST_OPTIMIZATION", "true"}}, nullptr},
      {{{"AUTOSCALING_MODE", ""}}, nullptr},  // empty: unset
      {{{"AUTOSCALING_MODE", "psychic"}}, "AUTOSCALING_MODE: found \"psychic\""},
      {{{"SCALING_INTERVAL", "1ns"}}, "SCALING_INTERVAL"},
      {{{"SCALING_INTERVAL", "2h"}}, "SCALING_INTERVAL"},
      {{{"MIN_REPLICAS", "-1"}}, "MIN_REPLICAS"},
      {{{"MAX_REPLICAS", "0"}}, "MAX_REPLICAS"},
      {{{"MAX_REPLICAS", "2000000000"}}, "from 1 to 10000"},
      {{{"MAX_REPLICAS", "3x"}}, "MAX_REPLICAS"},
      {{{"MIN_REPLICAS", "9"}, {"MAX_REPLICAS", "3"}}, "above MAX_REPLICAS"},
      {{{"TENANT_ISOLATION", "yes"}}, "TENANT_ISOLATION"},
      {{{"COST_OPTIMIZATION", "1"}}, "COST_OPTIMIZATION"},
  };
  for (const Case& c : cases) {
    StatusOr<EnvironmentOverrides> o = ReadEnvironmentOverrides(c.env);
    if (c.want_error == nullptr) {
      EXPECT_TRUE(o.ok()) << o.status().ToString();
      continue;
    }
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(o.status().message().find(c.want_error), std::string::npos) << o.status().message();
  }
}

TEST(EnvironmentOverridesTest, ReplicaOverridesApplyAndMustStayOrdered) {
  HorizontalSpec spec;
  spec.min_replicas = 2;
  spec.max_replicas = 20;
  EnvironmentOverrides o;
  o.min_replicas = 5;
  ASSERT_TRUE(ApplyReplicaOverrides(o, "svc", spec).ok());
  EXPECT_EQ(spec.min_replicas, 5);
  EXPECT_EQ(spec.max_replicas, 20);
  o = {};
  o.max_replicas = 3;
  Status s = ApplyReplicaOverrides(o, "svc", spec);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("service svc: minReplicas 5 is above maxReplicas 3"),
            std::string::npos)
      << s.message();
}

constexpr const char* kVariables[] = {"AUTOSCALING_MODE", "SCALING_INTERVAL", "MIN_REPLICAS",
                                      "MAX_REPLICAS",     "TENANT_ISOLATION", "COST_OPTIMIZATION"};

// Runs the command line with exactly `env` among the override variables set; returns the JSON
// it wrote to `json_path`.
nlohmann::json RunWith(const config::EnvironmentVariables& env, std::vector<std::string> args,
                       const std::string& json_path, std::string* err_text = nullptr) {
  for (const char* v : kVariables) unsetenv(v);
  for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  args.insert(args.end(), {"--json", json_path, "--no-progress"});
  std::vector<const char*> argv = {"crescendo"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
  for (const char* v : kVariables) unsetenv(v);
  EXPECT_EQ(code, 0) << err.str();
  if (err_text != nullptr) *err_text = err.str();
  std::ifstream in(json_path);
  return code == 0 ? nlohmann::json::parse(in) : nlohmann::json();
}

TEST(EnvironmentOverridesTest, RunWithoutConfigHonoursEachVariable) {
  const std::string path = ::testing::TempDir() + "/crescendo-env-run.json";
  const std::vector<std::string> run = {"run", "--duration", "3h"};
  const nlohmann::json plain = RunWith({}, run, path);
  ASSERT_FALSE(plain.is_null());

  const nlohmann::json mode = RunWith({{"AUTOSCALING_MODE", "predictive"}}, run, path);
  EXPECT_EQ(mode["strategy"], "predictive");
  EXPECT_NE(mode["decisions_digest"], plain["decisions_digest"]);

  const nlohmann::json interval = RunWith({{"SCALING_INTERVAL", "1m"}}, run, path);
  EXPECT_EQ(interval["ticks"], 180);
  EXPECT_EQ(plain["ticks"], 360);

  const nlohmann::json bounded = RunWith({{"MIN_REPLICAS", "4"}, {"MAX_REPLICAS", "6"}}, run, path);
  bool plain_outside = false;
  for (size_t s = 0; s < bounded["services"].size(); ++s) {
    EXPECT_GE(bounded["services"][s]["replicas_min"].get<int>(), 4);
    EXPECT_LE(bounded["services"][s]["replicas_max"].get<int>(), 6);
    plain_outside = plain_outside || plain["services"][s]["replicas_min"].get<int>() < 4 ||
                    plain["services"][s]["replicas_max"].get<int>() > 6;
  }
  EXPECT_TRUE(plain_outside);  // the variables changed something

  // Validated and reported, but no decision changes: without a configuration there are no
  // tenants to arbitrate, and the loop has no cost optimizer.
  std::string err;
  const nlohmann::json reported = RunWith(
      {{"TENANT_ISOLATION", "disabled"}, {"COST_OPTIMIZATION", "enabled"}}, run, path, &err);
  EXPECT_EQ(reported["decisions_digest"], plain["decisions_digest"]);
  ASSERT_EQ(reported["environment_overrides"].size(), 2u);
  EXPECT_NE(
      err.find(
          "TENANT_ISOLATION=none: valid; no effect without --config or a scenario with tenancy:"),
      std::string::npos)
      << err;
  EXPECT_NE(err.find("COST_OPTIMIZATION=enabled: valid; no effect"), std::string::npos) << err;
  EXPECT_TRUE(plain["environment_overrides"].empty());
}

TEST(EnvironmentOverridesTest, SimulateHonoursModeIntervalAndReplicas) {
  const std::string path = ::testing::TempDir() + "/crescendo-env-simulate.json";
  const std::vector<std::string> simulate = {"simulate", "--scenario", "music-streaming",
                                             "--duration", "2h"};
  const nlohmann::json plain = RunWith({}, simulate, path);
  ASSERT_FALSE(plain.is_null());
  EXPECT_EQ(plain["strategies"][0]["name"], "kubernetes");

  const nlohmann::json mode = RunWith({{"AUTOSCALING_MODE", "predictive"}}, simulate, path);
  EXPECT_EQ(mode["strategies"][0]["name"], "predictive");

  const nlohmann::json interval = RunWith({{"SCALING_INTERVAL", "1m"}}, simulate, path);
  EXPECT_EQ(interval["trace"]["ticks"], 120);
  EXPECT_EQ(plain["trace"]["ticks"], 480);

  // Eight services held at exactly two pods each for two hours.
  const nlohmann::json fixed =
      RunWith({{"MIN_REPLICAS", "2"}, {"MAX_REPLICAS", "2"}}, simulate, path);
  EXPECT_NEAR(fixed["strategies"][0]["pod_seconds"].get<double>(), 8 * 2 * 7200, 8 * 2 * 600);
  EXPECT_NE(fixed["strategies"][0]["pod_seconds"], plain["strategies"][0]["pod_seconds"]);

  // The flag wins over the variable.
  std::vector<std::string> flagged = simulate;
  flagged.insert(flagged.end(), {"--strategies", "target-utilization"});
  const nlohmann::json flag = RunWith({{"AUTOSCALING_MODE", "predictive"}}, flagged, path);
  EXPECT_EQ(flag["strategies"][0]["name"], "target-utilization");
}

}  // namespace
}  // namespace crescendo::cli
