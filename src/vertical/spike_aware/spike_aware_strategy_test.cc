// The "spike-aware" strategy: sized for recurring memory spikes where "vpa" is not, and
// leaving to the HPA the resources that drive it.
#include "vertical/spike_aware/spike_aware_strategy.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "crescendo/vertical/aggregate_state.h"
#include "vertical/vpa/test_workload.h"

namespace crescendo::vertical {
namespace {

using testing::kT0;
using testing::MakeWorkload;
using testing::PodUsage;
using testing::UsageAt;

constexpr int64_t kMi = 1024 * 1024;

VerticalProposal Tick(const VerticalRecommender& strategy, StrategyState& state,
                      const WorkloadState& workload, const VerticalSpec& spec,
                      const HorizontalSpec* hpa, Timestamp t, PodUsage usage) {
  auto [cpu, memory] = UsageAt(workload, t, [&](size_t) { return usage; });
  return strategy.Recommend({&workload, &cpu, &memory, &spec, hpa, t, nullptr}, state);
}

TEST(SpikeAwareStrategyTest, SizesForSpikesEveryFourDaysWhereVpaDoesNot) {
  // Nine days at one sample a minute: 1 GB, with a 20-minute model-loading spike to 3 GB at
  // noon on days 1 and 5. VPA's P90 of daily peaks stays near 1 GB: the next spike would be an
  // OOM kill.
  const WorkloadState workload = MakeWorkload(1, {400, 1000 * kMi});
  VerticalSpec spec;
  spec.update_mode = "Initial";
  const std::unique_ptr<VerticalRecommender> vpa = *NewVerticalStrategy("vpa");
  const std::unique_ptr<VerticalRecommender> spiky = NewSpikeAwareStrategy();
  std::unique_ptr<StrategyState> vpa_state = vpa->NewState();
  std::unique_ptr<StrategyState> spiky_state = spiky->NewState();
  WorkloadModel reference;
  VerticalProposal vpa_proposal;
  VerticalProposal spiky_proposal;
  for (int i = 0; i < 9 * 1440; ++i) {
    const int day = i / 1440;
    const int minute_of_day = i % 1440;
    const bool spike = (day == 1 || day == 5) && minute_of_day >= 720 && minute_of_day < 740;
    const PodUsage usage{400, spike ? 3e9 : 1e9};
    const Timestamp t = kT0 + minutes(i);
    vpa_proposal = Tick(*vpa, *vpa_state, workload, spec, nullptr, t, usage);
    spiky_proposal = Tick(*spiky, *spiky_state, workload, spec, nullptr, t, usage);
    UsageRecord r;
    r.time = t;
    r.pod = "web-0";
    r.container = "app";
    r.cpu_cores = 0.4;
    r.cpu_request_cores = 0.4;
    r.memory_bytes = usage.memory_bytes;
    reference.Add(r);
  }
  ASSERT_EQ(1u, vpa_proposal.containers.size());
  ASSERT_EQ(1u, spiky_proposal.containers.size());
  EXPECT_LT(vpa_proposal.containers[0].requests.memory_bytes, 1200000000);
  EXPECT_EQ(ResourceAmountFromDouble(3e9 * 1.15),
            spiky_proposal.containers[0].requests.memory_bytes);
  EXPECT_EQ(vpa_proposal.containers[0].requests.cpu_millis,
            spiky_proposal.containers[0].requests.cpu_millis);
  // As WorkloadModel's spike-aware recommendation on the same samples.
  const PodRecommendation expected =
      reference.Recommend({.spec = &spec, .now = kT0 + minutes(9 * 1440 - 1)});
  ASSERT_EQ(1u, expected.containers.size());
  EXPECT_EQ(*expected.containers[0].target.memory_bytes,
            spiky_proposal.containers[0].requests.memory_bytes);
  EXPECT_EQ(*expected.containers[0].target.cpu_millis,
            spiky_proposal.containers[0].requests.cpu_millis);
  bool explained = false;
  for (const TraceEntry& e : spiky_proposal.trace) {
    explained |= e.step == "spike-aware" &&
                 e.reason.find("memory sized for a spike to 3G seen 2 times") != std::string::npos;
  }
  EXPECT_TRUE(explained);
}

TEST(SpikeAwareStrategyTest, LeavesToTheHpaTheResourcesThatDriveIt) {
  auto metric = [](MetricSourceType type, std::string name, std::string container = "") {
    MetricSpec m;
    m.type = type;
    m.name = std::move(name);
    m.container = std::move(container);
    return m;
  };
  struct Case {
    const char* name;
    std::optional<std::vector<MetricSpec>> hpa_metrics;  // nullopt: no HPA
    bool cpu_vertical;
    bool memory_vertical;
  };
  const Case cases[] = {
      {"no HPA", std::nullopt, true, true},
      {"HPA on the default 80% CPU", std::vector<MetricSpec>{}, false, true},
      {"HPA on memory", std::vector{metric(MetricSourceType::kResource, "memory")}, true, false},
      {"HPA on the container's cpu",
       std::vector{metric(MetricSourceType::kContainerResource, "cpu", "app")}, false, true},
      {"HPA on another container's cpu",
       std::vector{metric(MetricSourceType::kContainerResource, "cpu", "proxy")}, true, true},
      {"HPA on requests per second",
       std::vector{metric(MetricSourceType::kPods, "requests_per_second")}, true, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Resources requests{100, 100 * kMi};
    const WorkloadState workload = MakeWorkload(2, requests);
    VerticalSpec spec;
    HorizontalSpec hpa;
    if (c.hpa_metrics) hpa.metrics = *c.hpa_metrics;
    const HorizontalSpec* hpa_ptr = c.hpa_metrics ? &hpa : nullptr;
    const std::unique_ptr<VerticalRecommender> strategy = NewSpikeAwareStrategy();
    std::unique_ptr<StrategyState> state = strategy->NewState();
    VerticalProposal p;
    for (int i = 0; i < 30; ++i) {
      p = Tick(*strategy, *state, workload, spec, hpa_ptr, kT0 + minutes(i), {400, 300.0 * kMi});
    }
    ASSERT_EQ(1u, p.containers.size());
    EXPECT_EQ(c.cpu_vertical, p.containers[0].requests.cpu_millis != requests.cpu_millis);
    EXPECT_EQ(c.memory_vertical, p.containers[0].requests.memory_bytes != requests.memory_bytes);
    int left = 0;
    for (const TraceEntry& e : p.trace) {
      left += e.reason.find("left to horizontal scaling: request kept") != std::string::npos;
    }
    EXPECT_EQ((c.cpu_vertical ? 0 : 1) + (c.memory_vertical ? 0 : 1), left);
  }
}

}  // namespace
}  // namespace crescendo::vertical
