// Estimators and the pod recommender. Expectations ported from kubernetes/autoscaler
// vertical-pod-autoscaler/pkg/recommender/logic (estimator_test.go, recommender_test.go) and
// pkg/utils/vpa/capping_test.go, plus end-to-end values computed from VPA's formulas.
#include "crescendo/vertical/recommender.h"

#include <gtest/gtest.h>

#include "crescendo/vertical/coordination.h"
#include "crescendo/vertical/estimator.h"

namespace crescendo::vertical {
namespace {

const Timestamp kAnyTime = FromUnixSeconds(0);
constexpr int64_t kMi = 1024 * 1024;

TEST(EstimatorTest, Percentile) {
  AggregateContainerState s;
  for (double cores : {1.0, 2.0, 3.0}) s.mutable_cpu().AddSample(cores, 1.0, kAnyTime);
  for (double bytes : {1e9, 2e9, 3e9}) s.mutable_memory_peaks().AddSample(bytes, 1.0, kAnyTime);
  Resources r = PercentileEstimator(0.2, 0.5)->Estimate(s);
  // Within 5% (histogram rounding), as VPA's test allows.
  EXPECT_NEAR(1000, r.cpu_millis, 50);
  EXPECT_NEAR(2e9, static_cast<double>(r.memory_bytes), 1e8);
}

TEST(EstimatorTest, ConfidenceMultiplier) {
  AggregateContainerState s;
  Timestamp t = kAnyTime;
  for (int i = 1; i <= 9; ++i, t += minutes(2)) s.AddCpuSample(t, 1000, 3140);
  EXPECT_EQ(0.00625, Confidence(s));  // 9 / (60 * 24)
  // 3.14 * (1 + 0.1 / 0.00625)^2 = 907.46 cores.
  Resources r = WithConfidenceMultiplier(0.1, 2.0, ConstEstimator({3140, 3140000000}))->Estimate(s);
  EXPECT_EQ(907460, r.cpu_millis);
}

TEST(EstimatorTest, ConfidenceMultiplierWithoutHistory) {
  AggregateContainerState s;
  EstimatorPtr base = ConstEstimator({3140, 3140000000});
  EXPECT_EQ(kMaxResourceAmount, WithConfidenceMultiplier(1.0, 1.0, base)->Estimate(s).cpu_millis);
  EXPECT_EQ(0, WithConfidenceMultiplier(1.0, -1.0, base)->Estimate(s).cpu_millis);
}

TEST(EstimatorTest, Confidence) {
  // Days of history at various sample rates: min(lifespan, samples / 1440).
  struct Case {
    const char* name;
    int samples;
    Duration step;
    double confidence;
  };
  const Case cases[] = {
      {"one sample", 1, minutes(1), 0.0},
      {"1 day at 1/min", 1441, minutes(1), 1.0},
      {"7 days at 1/min", 7 * 1440 + 1, minutes(1), 7.0},
      {"2 days at 1/5min: sample-limited", 2 * 288 + 1, minutes(5), 577.0 / 1440},
      {"10 samples over 10 days: lifespan 9 days, count-limited", 10, hours(24), 10.0 / 1440},
  };
  for (const Case& c : cases) {
    AggregateContainerState s;
    for (int i = 0; i < c.samples; ++i) s.AddCpuSample(kAnyTime + c.step * i, 100, 0);
    EXPECT_NEAR(c.confidence, Confidence(s), 1e-12) << c.name;
  }
}

TEST(EstimatorTest, Margin) {
  AggregateContainerState s;
  Resources r = WithMargin(0.1, ConstEstimator({3140, 3140000000}))->Estimate(s);
  EXPECT_EQ(3454, r.cpu_millis);
  EXPECT_EQ(3454000000, r.memory_bytes);
}

TEST(EstimatorTest, MinResources) {
  AggregateContainerState s;
  Resources r = WithMinResources({200, 400000000}, ConstEstimator({3140, 20000000}))->Estimate(s);
  EXPECT_EQ(3140, r.cpu_millis);         // above the minimum
  EXPECT_EQ(400000000, r.memory_bytes);  // raised to the minimum
}

AggregateContainerState WithSamples(int count) {
  AggregateContainerState s;
  for (int i = 0; i < count; ++i) s.AddCpuSample(kAnyTime + minutes(i), 1, 0);
  return s;
}

TEST(PodResourceRecommenderTest, PodMinimumSplitAcrossContainers) {
  EstimatorPtr tiny = ConstEstimator({1, 1000000});
  PodResourceRecommender recommender(tiny, tiny, tiny);
  AggregateContainerState a, b;
  struct Case {
    std::map<std::string, const AggregateContainerState*> states;
    Resources min;
  };
  const Case cases[] = {
      {{{"c1", &a}}, {25, 250 * kMi}},
      {{{"c1", &a}, {"c2", &b}}, {12, 125 * kMi}},  // 25m * 0.5 truncates to 12m
  };
  for (const Case& c : cases) {
    auto estimates = recommender.Estimate(c.states);
    ASSERT_EQ(c.states.size(), estimates.size());
    for (const auto& [name, e] : estimates) {
      EXPECT_EQ(c.min, e.target) << name;
      EXPECT_EQ(c.min, e.lower_bound) << name;
      EXPECT_EQ(c.min, e.upper_bound) << name;
    }
  }
}

TEST(RecommendPodTest, VpaNumbersForOneDayOfSteadyUsage) {
  // One day at one sample a minute: 0.5 cores, 300 MB. Buckets 25 (CPU) and 18 (memory);
  // P50/P90/P95 are the end of those buckets: 0.511 cores, 305390039 bytes; confidence 0.99931.
  std::map<std::string, AggregateContainerState> states;
  AggregateContainerState& s = states["app"];
  ContainerState c(&s);
  for (int i = 0; i < 1440; ++i) {
    c.AddCpuSample(kAnyTime + minutes(i), 500, 0);
    c.AddMemorySample(kAnyTime + minutes(i), 300000000);
  }
  PodRecommendation rec = RecommendPod(PodResourceRecommender(), states, nullptr);
  ASSERT_EQ(1u, rec.containers.size());
  const ContainerRecommendation& r = rec.containers[0];
  EXPECT_EQ("app", r.container_name);
  EXPECT_EQ((RecommendedAmounts{587, 351198544}), r.target);
  EXPECT_EQ((RecommendedAmounts{585, 350496712}), r.lower_bound);
  EXPECT_EQ((RecommendedAmounts{1174, 702641145}), r.upper_bound);
  EXPECT_EQ(r.target, r.uncapped_target);
  EXPECT_EQ(
      R"({"containerRecommendations":[{"containerName":"app","lowerBound":{"cpu":"585m","memory":"350496712"},)"
      R"("target":{"cpu":"587m","memory":"351198544"},"uncappedTarget":{"cpu":"587m","memory":"351198544"},)"
      R"("upperBound":{"cpu":"1174m","memory":"702641145"}}]})",
      RecommendationToJson(rec, -1));
}

TEST(RecommendPodTest, PolicyFiltersAndCaps) {
  std::map<std::string, AggregateContainerState> states;
  states.emplace("app", WithSamples(10));
  states.emplace("sidecar", WithSamples(10));
  states.emplace("off", WithSamples(10));
  states.emplace("no-samples", AggregateContainerState());
  VerticalSpec spec;
  ContainerResourcePolicy app{.container_name = "app"};
  app.min_allowed = Resources{100, 0};  // zero memory bound: no bound
  app.controlled_resources = {"cpu"};
  ContainerResourcePolicy off{.container_name = "off", .mode = ContainerScalingMode::kOff};
  ContainerResourcePolicy all{.container_name = "*"};
  all.max_allowed = Resources{0, 100 * kMi};
  spec.container_policies = {app, off, all};
  EstimatorPtr e = ConstEstimator({50, 200 * kMi});
  PodRecommendation rec = RecommendPod(PodResourceRecommender(e, e, e), states, &spec);
  ASSERT_EQ(2u, rec.containers.size());  // "off" and "no-samples" get none
  const ContainerRecommendation& a = rec.containers[0];
  EXPECT_EQ("app", a.container_name);
  EXPECT_EQ((RecommendedAmounts{50, std::nullopt}), a.uncapped_target);
  EXPECT_EQ((RecommendedAmounts{100, std::nullopt}), a.target);
  EXPECT_EQ((RecommendedAmounts{100, std::nullopt}), a.upper_bound);
  EXPECT_EQ(std::vector<std::string>{"cpu capped to minAllowed 100m"}, a.notes);
  const ContainerRecommendation& s = rec.containers[1];
  EXPECT_EQ("sidecar", s.container_name);
  EXPECT_EQ((RecommendedAmounts{50, 200 * kMi}), s.uncapped_target);
  EXPECT_EQ((RecommendedAmounts{50, 100 * kMi}), s.target);  // "*" policy's maxAllowed
  EXPECT_EQ((RecommendedAmounts{50, 100 * kMi}), s.lower_bound);
}

TEST(RecommendPodTest, HorizontalMetricsRemoveResources) {
  std::map<std::string, AggregateContainerState> states;
  states.emplace("app", WithSamples(10));
  std::map<std::string, ResourceSelection> allowed = {{"app", {false, true}}};
  EstimatorPtr e = ConstEstimator({500, 300 * kMi});
  PodRecommendation rec = RecommendPod(PodResourceRecommender(e, e, e), states, nullptr, &allowed);
  ASSERT_EQ(1u, rec.containers.size());
  EXPECT_EQ((RecommendedAmounts{std::nullopt, 300 * kMi}), rec.containers[0].target);
  EXPECT_EQ(std::vector<std::string>{"cpu left to horizontal scaling"}, rec.containers[0].notes);
}

TEST(PolicyTest, FindContainerPolicy) {
  VerticalSpec spec;
  spec.container_policies = {{.container_name = "*"}, {.container_name = "app"}};
  EXPECT_EQ(&spec.container_policies[1], FindContainerPolicy(&spec, "app"));
  EXPECT_EQ(&spec.container_policies[0], FindContainerPolicy(&spec, "other"));
  EXPECT_EQ(nullptr, FindContainerPolicy(nullptr, "app"));
  VerticalSpec none;
  EXPECT_EQ(nullptr, FindContainerPolicy(&none, "app"));
}

TEST(PolicyTest, ControlledResources) {
  ContainerResourcePolicy p;
  EXPECT_EQ((ResourceSelection{true, true}), ControlledResources(nullptr));
  EXPECT_EQ((ResourceSelection{true, true}), ControlledResources(&p));
  p.controlled_resources = {"memory"};
  EXPECT_EQ((ResourceSelection{false, true}), ControlledResources(&p));
  p.controlled_resources = {};
  EXPECT_EQ((ResourceSelection{false, false}), ControlledResources(&p));
}

TEST(PolicyTest, ApplyPolicyCaps) {
  ContainerResourcePolicy p;
  p.min_allowed = Resources{200, 0};
  p.max_allowed = Resources{1000, 1024 * kMi};
  struct Case {
    RecommendedAmounts in, out;
    size_t notes;
  };
  const Case cases[] = {
      {{100, 50 * kMi}, {200, 50 * kMi}, 1},
      {{2000, 2048 * kMi}, {1000, 1024 * kMi}, 2},
      {{500, 512 * kMi}, {500, 512 * kMi}, 0},
      {{std::nullopt, 4096 * kMi}, {std::nullopt, 1024 * kMi}, 1},
  };
  for (const Case& c : cases) {
    std::vector<std::string> notes;
    EXPECT_EQ(c.out, ApplyPolicy(c.in, &p, &notes));
    EXPECT_EQ(c.notes, notes.size());
  }
}

TEST(PolicyTest, ProportionalLimit) {
  EXPECT_EQ(400, ProportionalLimit(100, 200, 200, ControlledValues::kRequestsAndLimits));
  EXPECT_EQ(200, ProportionalLimit(100, 200, 200, ControlledValues::kRequestsOnly));
  EXPECT_EQ(std::nullopt,
            ProportionalLimit(100, std::nullopt, 200, ControlledValues::kRequestsAndLimits));
  EXPECT_EQ(std::nullopt, ProportionalLimit(0, 300, 200, ControlledValues::kRequestsAndLimits));
  EXPECT_EQ(333, ProportionalLimit(300, 500, 200, ControlledValues::kRequestsAndLimits));
}

TEST(QuantityStringTest, AsVpaWritesThem) {
  struct Case {
    int64_t millis;
    const char* cpu;
  };
  for (Case c : {Case{25, "25m"}, {1000, "1"}, {1500, "1500m"}, {kMaxResourceAmount, "100G"}}) {
    EXPECT_EQ(c.cpu, CpuQuantityString(c.millis));
  }
  struct MemCase {
    int64_t bytes;
    const char* memory;
  };
  for (MemCase c : {MemCase{262144000, "262144k"},
                    {131072000, "131072k"},
                    {100000000, "100M"},
                    {351198544, "351198544"}}) {
    EXPECT_EQ(c.memory, MemoryQuantityString(c.bytes));
  }
}

TEST(CoordinationTest, ResourcesDrivingTheHpaAreNotScaledVertically) {
  auto metric = [](MetricSourceType type, std::string name, std::string container = "") {
    MetricSpec m;
    m.type = type;
    m.name = std::move(name);
    m.container = std::move(container);
    return m;
  };
  HorizontalSpec default_cpu;  // no metrics: 80% CPU utilization
  HorizontalSpec memory;
  memory.metrics = {metric(MetricSourceType::kResource, "memory")};
  HorizontalSpec per_container;
  per_container.metrics = {metric(MetricSourceType::kContainerResource, "cpu", "app")};
  HorizontalSpec business;
  business.metrics = {metric(MetricSourceType::kExternal, "queue_length"),
                      metric(MetricSourceType::kPods, "requests_per_second")};
  struct Case {
    const char* name;
    const HorizontalSpec* hpa;
    const char* container;
    ResourceSelection want;
  };
  const Case cases[] = {
      {"no HPA", nullptr, "app", {true, true}},
      {"HPA with default metrics", &default_cpu, "app", {false, true}},
      {"memory Resource metric", &memory, "app", {true, false}},
      {"ContainerResource on this container", &per_container, "app", {false, true}},
      {"ContainerResource on another container", &per_container, "sidecar", {true, true}},
      {"business metrics only", &business, "app", {true, true}},
  };
  for (const Case& c : cases)
    EXPECT_EQ(c.want, VerticallyControllable(c.hpa, c.container)) << c.name;
}

}  // namespace
}  // namespace crescendo::vertical
