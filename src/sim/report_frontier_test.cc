#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crescendo/sim/report.h"

namespace crescendo::sim {
namespace {

// The HPA at 80, 60 and 40%: fewer pods, more under-provisioning.
std::vector<FrontierPoint> Hpa() {
  return {{60, 2000, 1.0, 30, 10}, {80, 1000, 5.0, 100, 8}, {40, 4000, 0.2, 5, 12}};
}

TEST(FrontierTest, InterpolatesTauUBetweenTheSweptPoints) {
  struct Case {
    const char* name;
    std::vector<FrontierPoint> hpa;
    double pod_seconds;
    std::optional<double> want;
  };
  const Case cases[] = {
      {"a swept point", Hpa(), 2000, 1.0},
      {"between 80% and 60%", Hpa(), 1500, 3.0},
      {"between 60% and 40%", Hpa(), 3000, 0.6},
      {"the cheapest end", Hpa(), 1000, 5.0},
      {"cheaper than the sweep", Hpa(), 900, std::nullopt},
      {"dearer than the sweep", Hpa(), 4001, std::nullopt},
      {"one point", {{70, 1000, 1, 0, 0}}, 1000, std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::optional<double> got = InterpolateTauU(c.hpa, c.pod_seconds);
    ASSERT_EQ(c.want.has_value(), got.has_value());
    if (c.want) {
      EXPECT_NEAR(*c.want, *got, 1e-12);
    }
  }
}

SimulationResult Result() {
  SimulationResult r;
  auto strategy = [](const char* name, double pod_seconds, double tau_u) {
    StrategyResult s;
    s.name = name;
    s.total.pod_seconds = pod_seconds;
    s.total.elasticity.tau_u = tau_u;
    return s;
  };
  r.strategies = {strategy("kubernetes", 2000, 1.0), strategy("predictive", 1500, 1.0),
                  strategy("oracle", 800, 0.0), strategy("lavish", 5000, 0.1)};
  return r;
}

TEST(FrontierTest, PlacesEveryStrategyAndItsDistanceToTheOracle) {
  Frontier f = PlaceOnFrontier(Hpa(), Result());
  ASSERT_EQ(3u, f.hpa.size());
  EXPECT_EQ(80, f.hpa[0].target_utilization);  // by pod-seconds
  ASSERT_EQ(4u, f.strategies.size());
  EXPECT_NEAR(1.0, *f.strategies[0].hpa_tau_u, 1e-12);  // on the frontier
  EXPECT_NEAR(3.0, *f.strategies[1].hpa_tau_u, 1e-12);  // below it: 1.0 < 3.0
  EXPECT_FALSE(f.strategies[2].hpa_tau_u.has_value());  // the oracle: cheaper than any target
  EXPECT_NEAR(1.5, *f.strategies[0].oracle_extra_pod_seconds, 1e-12);
  EXPECT_NEAR(1.0, *f.strategies[0].oracle_extra_tau_u, 1e-12);
  EXPECT_NEAR(0.0, *f.strategies[2].oracle_extra_pod_seconds, 1e-12);

  const std::string table = FrontierTable(f);
  EXPECT_NE(std::string::npos, table.find("HPA target")) << table;
  EXPECT_NE(std::string::npos, table.find("below")) << table;
  EXPECT_NE(std::string::npos, table.find("outside sweep")) << table;

  SimulationResult r = Result();
  nlohmann::json doc = nlohmann::json::parse(ResultJson(r, {}, &f));
  ASSERT_TRUE(doc.contains("frontier"));
  EXPECT_EQ(3u, doc["frontier"]["hpa"].size());
  EXPECT_EQ("predictive", doc["frontier"]["strategies"][1]["name"]);
  EXPECT_EQ(true, doc["frontier"]["strategies"][1]["below_frontier"]);
  EXPECT_NEAR(1.0 / 3, doc["frontier"]["strategies"][1]["tau_u_ratio"].get<double>(), 1e-12);
  EXPECT_EQ(false, doc["frontier"]["strategies"][0]["below_frontier"]);
  EXPECT_TRUE(doc["frontier"]["strategies"][2]["hpa_tau_u"].is_null());
  EXPECT_FALSE(nlohmann::json::parse(ResultJson(r, {})).contains("frontier"));
  EXPECT_NE(std::string::npos, HtmlReport(r, {}, &f).find("<h2>Against the HPA's frontier</h2>"));
}

TEST(FrontierTest, NoOracleNoDistance) {
  SimulationResult r = Result();
  r.strategies.erase(r.strategies.begin() + 2);
  Frontier f = PlaceOnFrontier(Hpa(), r);
  for (const FrontierPlacement& p : f.strategies) {
    EXPECT_FALSE(p.oracle_extra_pod_seconds.has_value()) << p.strategy;
    EXPECT_FALSE(p.oracle_extra_tau_u.has_value()) << p.strategy;
  }
}

}  // namespace
}  // namespace crescendo::sim
