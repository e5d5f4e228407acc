#include "crescendo/metrics/registry.h"

#include <gtest/gtest.h>

#include "metrics/common/fake_http_client.h"

namespace crescendo::metrics {
namespace {

class RegistryTest : public testing::Test {
 protected:
  RegistryTest() {
    RegisterBuiltinSources(registry_);
    context_.http = std::make_shared<FakeHttpClient>();
    context_.clock = &clock_;
    context_.env = [this](std::string_view name) -> std::optional<std::string> {
      auto it = env_.find(std::string(name));
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }
  MetricSourceRegistry registry_;
  SimulatedClock clock_{Timestamp{}};
  SourceContext context_;
  std::map<std::string, std::string> env_ = {{"INFLUX_PASSWORD", "pw"},
                                             {"AWS_ACCESS_KEY_ID", "AKID"},
                                             {"AWS_SECRET_ACCESS_KEY", "secret"}};
};

TEST_F(RegistryTest, BuildsEachBuiltinType) {
  EXPECT_EQ(registry_.Types(), (std::vector<std::string>{"cloudwatch", "influxdb", "prometheus"}));
  struct Case {
    std::string type;
    SourceSettings settings;
  };
  for (const Case& c : std::vector<Case>{
           {"prometheus", {{"type", "prometheus"}, {"url", "http://p:9090"}, {"pod_label", "pod"}}},
           {"influxdb",
            {{"url", "http://i:8086"},
             {"database", "k8s"},
             {"auth", "basic"},
             {"username", "u"},
             {"password_env", "INFLUX_PASSWORD"},
             {"chunk_size", "500"}}},
           {"cloudwatch", {{"region", "eu-west-1"}}}}) {
    auto source = registry_.Create(c.type, c.settings, context_);
    ASSERT_TRUE(source.ok()) << c.type << ": " << source.status().ToString();
    EXPECT_EQ((*source)->name(), c.type);
  }
}

TEST_F(RegistryTest, ErrorsNameTheSetting) {
  struct Case {
    std::string type;
    SourceSettings settings;
    StatusCode code;
    std::string part;
  };
  for (const Case& c : std::vector<Case>{
           {"graphite",
            {},
            StatusCode::kNotFound,
            "\"graphite\" is unknown; expected one of cloudwatch, influxdb, prometheus"},
           {"prometheus", {}, StatusCode::kInvalidArgument, "setting url: missing"},
           {"prometheus",
            {{"url", "u"}, {"colour", "red"}},
            StatusCode::kInvalidArgument,
            "setting colour: unknown; expected one of"},
           {"prometheus",
            {{"url", "u"}, {"max_workloads_per_query", "0"}},
            StatusCode::kInvalidArgument,
            "found \"0\"; expected an integer >= 1"},
           {"prometheus",
            {{"url", "u"}, {"accept_partial_responses", "yes"}},
            StatusCode::kInvalidArgument,
            "expected true or false"},
           {"prometheus",
            {{"url", "u"}, {"bearer_token_env", "NOPE"}},
            StatusCode::kInvalidArgument,
            "environment variable NOPE is not set"},
           {"influxdb",
            {{"url", "u"}, {"database", "d"}, {"auth", "magic"}},
            StatusCode::kInvalidArgument,
            "expected none, query or basic"},
           {"influxdb",
            {{"url", "u"}, {"database", "d"}, {"auth", "basic"}},
            StatusCode::kInvalidArgument,
            "setting username: missing"}}) {
    auto source = registry_.Create(c.type, c.settings, context_);
    ASSERT_FALSE(source.ok()) << c.part;
    EXPECT_EQ(source.status().code(), c.code) << source.status().ToString();
    EXPECT_NE(source.status().message().find(c.part), std::string::npos)
        << source.status().ToString();
  }
  env_.clear();
  env_["HOME"] = "/nonexistent";
  auto cloudwatch = registry_.Create("cloudwatch", {{"region", "r"}}, context_);
  EXPECT_EQ(cloudwatch.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(registry_.Register("prometheus", NewPrometheusSource).code(),
            StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace crescendo::metrics
