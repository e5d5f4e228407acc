// The "intelligent" vertical strategy: the CPU the horizontal proposal planned, within the
// VPA's bounds; memory as spike-aware sizes it (never below observed use); no CPU-only eviction.
#include "vertical/intelligent/intelligent_strategy.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "vertical/spike_aware/spike_aware_strategy.h"
#include "vertical/vpa/test_workload.h"

namespace crescendo::vertical {
namespace {

using testing::kT0;
using testing::MakeWorkload;
using testing::PodUsage;
using testing::UsageAt;

constexpr int64_t kGi = 1LL << 30;

// Two hours of 400m and 1 GiB per pod, one sample a minute.
void Feed(WorkloadModel& model, const WorkloadState& w) {
  for (int i = 0; i < 120; ++i) {
    for (const PodState& p : w.pods) {
      UsageRecord r;
      r.time = kT0 + minutes(i);
      r.pod = p.name;
      r.container = "app";
      r.cpu_cores = 0.4;
      r.cpu_request_cores = 1;
      r.memory_bytes = static_cast<double>(kGi);
      model.Add(r);
    }
  }
}

HorizontalSpec CpuHpa() {
  HorizontalSpec h;
  h.min_replicas = 2;
  h.max_replicas = 20;
  MetricSpec cpu;
  cpu.name = "cpu";
  cpu.target.average_utilization = 70;
  h.metrics = {cpu};
  return h;
}

const ContainerRecommendation& App(const PodRecommendation& r) {
  EXPECT_EQ(r.containers.size(), 1u);
  return r.containers.at(0);
}

TEST(IntelligentVerticalTest, SetsThePlannedCpuWithinTheBounds) {
  struct Case {
    const char* name;
    std::optional<int64_t> planned;  // the horizontal proposal's pod cpu; unset: no size
    std::optional<Resources> min_allowed, max_allowed;
    std::vector<std::string> controlled = {"cpu", "memory"};
    std::optional<int64_t> want_cpu;  // unset: no cpu target (left to the HPA)
  };
  const Case cases[] = {
      {"planned", 700, std::nullopt, std::nullopt, {"cpu", "memory"}, 700},
      {"no size planned: cpu left to the hpa",
       std::nullopt,
       std::nullopt,
       std::nullopt,
       {"cpu", "memory"},
       std::nullopt},
      {"max allowed", 700, std::nullopt, Resources{500, 0}, {"cpu", "memory"}, 500},
      {"min allowed", 700, Resources{900, 0}, std::nullopt, {"cpu", "memory"}, 900},
      {"policy leaves cpu alone", 700, std::nullopt, std::nullopt, {"memory"}, std::nullopt},
  };
  const WorkloadState w = MakeWorkload(4, {1000, 2 * kGi});
  WorkloadModel model;
  Feed(model, w);
  const HorizontalSpec hpa = CpuHpa();
  for (const Case& c : cases) {
    VerticalSpec spec;
    ContainerResourcePolicy policy;
    policy.container_name = "app";
    policy.min_allowed = c.min_allowed;
    policy.max_allowed = c.max_allowed;
    policy.controlled_resources = c.controlled;
    spec.container_policies = {policy};
    Proposal proposal;
    proposal.desired_replicas = 4;
    if (c.planned) proposal.pod_requests = Resources{*c.planned, 2 * kGi};
    VerticalContext ctx;
    ctx.workload = &w;
    ctx.spec = &spec;
    ctx.horizontal = &hpa;
    ctx.now = kT0 + hours(2);
    ctx.horizontal_proposal = &proposal;
    const PodRecommendation got = IntelligentRecommendation(model, ctx);
    const PodRecommendation spiky = SpikeAwareRecommendation(model, ctx);
    EXPECT_EQ(App(got).target.cpu_millis, c.want_cpu) << c.name;
    // Memory is spike-aware's: VPA's target from the observed peaks (1 GiB + margin), never
    // below the use seen.
    EXPECT_EQ(App(got).target.memory_bytes, App(spiky).target.memory_bytes) << c.name;
    ASSERT_TRUE(App(got).target.memory_bytes.has_value()) << c.name;
    EXPECT_GE(*App(got).target.memory_bytes, kGi) << c.name;
    if (c.want_cpu) {
      // The updater's bounds hold the new size and every request in force (1000m).
      EXPECT_LE(*App(got).lower_bound.cpu_millis, *c.want_cpu) << c.name;
      EXPECT_GE(*App(got).upper_bound.cpu_millis, 1000) << c.name;
    }
  }
}

VerticalSpec AutoSpec() {
  VerticalSpec spec;
  spec.update_mode = "Auto";
  return spec;
}

// The horizontal proposal: 4 pods planned at 400m.
Proposal FourPodsOf400m() {
  Proposal proposal;
  proposal.desired_replicas = 4;
  proposal.pod_requests = Resources{400, 2 * kGi};
  return proposal;
}

// Recreate mode: a long-lived pod whose CPU alone differs from the new size is not evicted
// (VPA's 12-hour rule would), while the template takes the new size.
TEST(IntelligentVerticalTest, NeverEvictsForCpuAlone) {
  const std::unique_ptr<VerticalRecommender> s = NewIntelligentStrategy();
  EXPECT_EQ(s->name(), "intelligent");
  EXPECT_EQ((*NewVerticalStrategy("intelligent"))->name(), "intelligent");
  WorkloadState w = MakeWorkload(4, {1000, 2 * kGi}, {}, kT0 - hours(13));
  const VerticalSpec spec = AutoSpec();
  const HorizontalSpec hpa = CpuHpa();
  std::unique_ptr<StrategyState> state = s->NewState();
  const Proposal proposal = FourPodsOf400m();
  VerticalProposal p;
  int changes = 0, evicted_for_memory = 0, kept = 0;
  for (int i = 0; i < 120; ++i) {
    const Timestamp t = kT0 + minutes(i);
    auto [cpu, memory] = UsageAt(w, t, [](size_t) { return PodUsage{250, 2.0 * kGi}; });
    VerticalContext ctx{&w, &cpu, &memory, &spec, &hpa, t, nullptr, &proposal};
    p = s->Recommend(ctx, *state);
    s->Commit(*state, p, true, t);
    for (const TraceEntry& e : p.trace) kept += e.reason.find("cpu left out") != e.reason.npos;
    if (p.containers.empty()) continue;
    // Every pod evicted differs from the new template in memory, never in CPU alone.
    for (const std::string& name : p.pods) {
      for (const PodState& pod : w.pods) {
        if (pod.name != name) continue;
        EXPECT_NE(pod.containers[0].requests.memory_bytes, p.containers[0].requests.memory_bytes)
            << "minute " << i << ": " << name << " evicted for its cpu alone";
        ++evicted_for_memory;
      }
    }
    w.template_containers = p.containers;
    // The memory of the running pods is now the template's: only CPU differs.
    for (PodState& pod : w.pods) {
      pod.containers[0].requests.memory_bytes = p.containers[0].requests.memory_bytes;
      pod.requests.memory_bytes = p.containers[0].requests.memory_bytes;
    }
    ++changes;
  }
  EXPECT_GT(changes, 0);
  EXPECT_EQ(w.template_containers[0].requests.cpu_millis, 400);
  EXPECT_GT(evicted_for_memory, 0) << "memory still brings pods to the template";
  EXPECT_GT(kept, 0) << "the 12-hour rule never chose a pod for its cpu: the case is not tested";
}

// Three pods differ from the template in CPU alone and want to grow (the updater's first
// candidates); the fourth has the template's CPU and too much memory. The disruption budget
// (half of 4 pods) must go to the fourth: choosing the CPU-only pods and dropping them after the
// updater's choice, as this strategy once did, left it waiting with its stale memory.
TEST(IntelligentVerticalTest, CpuOnlyPodsTakeNoDisruptionBudget) {
  const std::unique_ptr<VerticalRecommender> s = NewIntelligentStrategy();
  WorkloadState w = MakeWorkload(4, {100, 2 * kGi}, {}, kT0 - hours(13));
  const VerticalSpec spec = AutoSpec();
  const HorizontalSpec hpa = CpuHpa();
  std::unique_ptr<StrategyState> state = s->NewState();
  const Proposal proposal = FourPodsOf400m();
  bool memory_pod_chosen = false, set_up = false;
  for (int i = 0; i < 120 && !memory_pod_chosen; ++i) {
    const Timestamp t = kT0 + minutes(i);
    auto [cpu, memory] = UsageAt(w, t, [](size_t) { return PodUsage{90, 1.0 * kGi}; });
    VerticalContext ctx{&w, &cpu, &memory, &spec, &hpa, t, nullptr, &proposal};
    const VerticalProposal p = s->Recommend(ctx, *state);
    s->Commit(*state, p, true, t);
    for (const std::string& name : p.pods) {
      if (!set_up) break;  // the first run: every pod's memory differs from the template
      EXPECT_EQ(name, w.pods[3].name) << "minute " << i << ": a pod evicted for its cpu alone";
      memory_pod_chosen |= name == w.pods[3].name;
    }
    if (p.containers.empty()) continue;
    w.template_containers = p.containers;
    const ContainerResources& t0 = p.containers[0];
    for (size_t k = 0; k < 3; ++k) {  // memory at the template, cpu still 100m
      w.pods[k].containers[0].requests.memory_bytes = t0.requests.memory_bytes;
      w.pods[k].requests.memory_bytes = t0.requests.memory_bytes;
    }
    w.pods[3].containers[0].requests.cpu_millis = t0.requests.cpu_millis;
    w.pods[3].requests.cpu_millis = t0.requests.cpu_millis;
    set_up = true;
  }
  EXPECT_TRUE(memory_pod_chosen) << "the pod whose memory must change never got the budget";
}

}  // namespace
}  // namespace crescendo::vertical
