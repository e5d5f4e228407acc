// The "kubernetes" recommender (views of the engine's state, no explanation) against
// EvaluateHpa() over HpaPods and MetricReadings converted as its contract states, on a random
// fleet over many ticks: the same replica counts and the same trace, word for word.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "crescendo/horizontal/kubernetes_hpa.h"
#include "horizontal/kubernetes/hpa_test_util.h"

namespace crescendo::hpa {
namespace {

// The conversions NewKubernetesHpaRecommender() documents, written out plainly.
std::map<std::string, int64_t> RequestsMilli(const Resources& r) {
  std::map<std::string, int64_t> m;  // a zero request counts as no request
  if (r.cpu_millis > 0) m["cpu"] = r.cpu_millis;
  if (r.memory_bytes > 0) m["memory"] = r.memory_bytes * 1000;
  return m;
}

std::vector<HpaPod> PodsOf(const WorkloadState& w) {
  std::vector<HpaPod> pods;
  for (const PodState& p : w.pods) {
    HpaPod pod;
    pod.name = p.name;
    pod.phase = p.phase;
    pod.deleting = p.deleting;
    pod.start_time = p.start_time;
    pod.ready = p.ready ? ConditionStatus::kTrue : ConditionStatus::kFalse;
    pod.ready_transition_time = p.ready_transition_time;
    for (const ContainerState& c : p.containers) {
      pod.containers.push_back({c.name, RequestsMilli(c.requests)});
    }
    if (pod.containers.empty()) {
      pod.containers.push_back(
          {"", RequestsMilli(p.requests == Resources{} ? w.pod_requests : p.requests)});
    }
    pods.push_back(std::move(pod));
  }
  return pods;
}

// Quantity.MilliValue() rounding after absorbing binary noise, as the recommender converts.
int64_t ToMilli(double value, double scale) {
  const double x = value * scale;
  const double nearest = std::nearbyint(x);
  return static_cast<int64_t>(
      std::fabs(x - nearest) <= 1e-9 * std::max(1.0, std::fabs(x)) ? nearest : std::ceil(x));
}

MetricReading ReadingOf(const MetricSpec& spec, const WorkloadMetric* m) {
  MetricReading reading;
  if (m == nullptr) {
    reading.fetch_status = UnavailableError("the engine passed no metric for " + spec.name);
    return reading;
  }
  reading.fetch_status = m->status;
  const bool resource =
      spec.type == MetricSourceType::kResource || spec.type == MetricSourceType::kContainerResource;
  const double scale = resource && spec.name == "cpu" ? 1.0 : 1000.0;
  if (spec.type == MetricSourceType::kObject || spec.type == MetricSourceType::kExternal) {
    if (m->value.has_value()) reading.values_milli.push_back(ToMilli(*m->value, scale));
    return reading;
  }
  for (const PodMetric& p : m->pods) {
    const Duration window = p.window == Duration::zero() ? minutes(1) : p.window;
    reading.pods.push_back({std::string(p.pod), ToMilli(p.value, scale), p.time, window});
  }
  return reading;
}

// The reference: EvaluateHpa() from the converted state, as a Proposal.
Proposal Reference(const HorizontalContext& ctx, HpaControllerState* memory) {
  const WorkloadState& w = *ctx.workload;
  const std::span<const MetricSpec> specs = crescendo::EffectiveMetrics(*ctx.spec);
  std::vector<MetricReading> readings;
  for (size_t i = 0; i < specs.size(); ++i) {
    readings.push_back(ReadingOf(specs[i], i < ctx.metrics.size() ? &ctx.metrics[i] : nullptr));
  }
  const std::vector<HpaPod> pods = PodsOf(w);
  HpaInput in;
  in.spec = ctx.spec;
  in.ns = w.id.ns;
  in.scale_target.name = w.id.name;
  in.spec_replicas = w.spec_replicas;
  in.status_replicas = w.status_replicas;
  in.pods = pods;
  in.readings = readings;
  in.now = ctx.now;
  HpaDecision d = EvaluateHpa(in, std::move(*memory), HpaControllerSettings{});
  *memory = std::move(d.state);
  Proposal p;
  p.current_replicas = d.current_replicas;
  p.desired_replicas = d.desired_replicas;
  p.trace = std::move(d.trace);
  if (!d.status.ok()) {
    p.trace.push_back({"kubernetes", static_cast<double>(d.current_replicas),
                       static_cast<double>(d.desired_replicas), d.status.message()});
  }
  return p;
}

// A random fleet: every metric source the engine feeds, with and without behavior, pods in
// every readiness state, missing and foreign samples, duplicate pod names, missing requests,
// failed reads, zero replicas.
class RandomFleet {
 public:
  struct Workload {
    WorkloadState state;
    HorizontalSpec spec;
    int kind = 0;  // which metrics the spec holds (see Spec())
    HpaControllerState reference_memory;
  };

  explicit RandomFleet(uint32_t seed) : rng_(seed) {}

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  Workload MakeWorkload(int i) {
    Workload w;
    w.state.id = {"prod", "t", "ns" + std::to_string(i % 3), "svc-" + std::to_string(i)};
    w.state.spec_replicas = w.state.status_replicas = Uniform(0, 12);
    w.state.pod_requests = {Uniform(0, 3) == 0 ? 0 : 500,
                            Uniform(0, 4) == 0 ? 0 : int64_t{1} << 28};
    w.spec.min_replicas = Uniform(0, 2);
    w.spec.max_replicas = Uniform(1, 30);
    w.kind = Uniform(0, 6);
    w.spec.metrics = Metrics(w.kind);
    if (Uniform(0, 1) == 1) w.spec.behavior = Behavior();
    return w;
  }

  // The pods and metrics of `w` at tick `tick`.
  std::vector<WorkloadMetric> Observe(Workload& w, int tick, Timestamp now) {
    w.state.pods.clear();
    WorkloadMetric first, second;
    auto names = std::make_shared<NameStore>();
    first.names = second.names = names;
    const int n = w.state.spec_replicas;
    const bool duplicate_names = Uniform(0, 30) == 0;
    for (int p = 0; p < n; ++p) {
      PodState pod = Pod(w, duplicate_names ? 0 : p, now);
      if (Uniform(0, 12) != 0) {  // else the pod has no sample
        const double load = 100 + 80 * std::sin(tick / 10.0 + n) + Uniform(0, 300);
        const Duration window = Uniform(0, 1) == 1 ? seconds(30) : Duration{};
        first.pods.push_back({names->Add(pod.name), w.kind == 3 ? load * 1e6 : load,
                              now - seconds(Uniform(0, 40)), window});
        second.pods.push_back({names->Add(pod.name), load, now, {}});
      }
      w.state.pods.push_back(std::move(pod));
    }
    if (Uniform(0, 15) == 0) {  // a sample of a pod the workload does not list
      first.pods.push_back({names->Add("stranger-" + std::to_string(Uniform(0, 2))), 400, now, {}});
    }
    if (w.kind == 5 && Uniform(0, 8) != 0) first.value = Uniform(0, 600) / 3.0;
    if (Uniform(0, 40) == 0) first.status = UnavailableError("prometheus down");
    std::vector<WorkloadMetric> metrics{first};
    if (w.kind == 4 && Uniform(0, 10) != 0) metrics.push_back(second);  // else it is missing
    return metrics;
  }

 private:
  std::vector<MetricSpec> Metrics(int kind) {
    MetricSpec m;
    switch (kind) {
      case 0:
        return {};  // Kubernetes' default cpu metric
      case 1:
      case 2:
        m.name = "cpu";
        m.target.average_utilization = Uniform(20, 90);
        return {m};
      case 3:
        m.name = "memory";
        m.target.type = MetricTargetType::kAverageValue;
        m.target.average_value = Quantity::FromInt(int64_t{1} << 27);
        return {m};
      case 4: {
        m.type = MetricSourceType::kPods;
        m.name = "rps";
        m.target.type = MetricTargetType::kAverageValue;
        m.target.average_value = Quantity::FromInt(10);
        MetricSpec cpu;
        cpu.name = "cpu";
        cpu.target.average_utilization = 50;
        return {m, cpu};
      }
      case 5:
        m.type = MetricSourceType::kExternal;
        m.name = "q";
        m.selector = {{"a", "b"}};
        m.target.type = MetricTargetType::kAverageValue;
        m.target.average_value = Quantity::FromInt(30);
        return {m};
      default:
        m.type = MetricSourceType::kContainerResource;
        m.name = "cpu";
        m.container = Uniform(0, 1) == 1 ? "app" : "side";
        m.target.average_utilization = 60;
        return {m};
    }
  }

  HpaBehavior Behavior() {
    HpaBehavior b;
    if (Uniform(0, 1) == 1) {
      b.scale_up = ScalingRules{std::nullopt,
                                std::nullopt,
                                {{ScalingPolicyType::kPods, Uniform(1, 3), 60}},
                                std::nullopt};
    }
    if (Uniform(0, 1) == 1) {
      ScalingRules down;
      if (Uniform(0, 1) == 1) down.stabilization_window_seconds = 60;
      if (Uniform(0, 1) == 1) down.tolerance = 0.2;
      b.scale_down = down;
    }
    return b;
  }

  PodState Pod(const Workload& w, int index, Timestamp now) {
    PodState pod;
    pod.name = w.state.id.name + "-abcdef-" + std::to_string(index);
    const int k = Uniform(0, 20);
    pod.phase = k == 0 ? PodPhase::kPending : k == 1 ? PodPhase::kFailed : PodPhase::kRunning;
    pod.deleting = k == 2;
    pod.ready = k != 3;
    pod.start_time = now - (k == 4 ? seconds(60) : hours(1));  // k == 4: still initializing
    pod.ready_transition_time = k == 4 ? now - seconds(20) : now - minutes(50);
    if (Uniform(0, 3) == 0) pod.requests = {Uniform(0, 4) * 250, int64_t{1} << 28};
    if (w.kind == 6 || Uniform(0, 10) == 0) {
      pod.containers.push_back({"app", {Uniform(0, 5) == 0 ? 0 : 300, 1000}});
      if (Uniform(0, 1) == 1) pod.containers.push_back({"side", {100, 0}});
    }
    return pod;
  }

  std::mt19937 rng_;
};

TEST(KubernetesRecommenderEquivalenceTest, MatchesEvaluateHpaOnARandomFleet) {
  constexpr int kWorkloads = 150;
  constexpr int kTicks = 40;
  RandomFleet fleet(42);
  std::vector<RandomFleet::Workload> workloads;
  for (int i = 0; i < kWorkloads; ++i) workloads.push_back(fleet.MakeWorkload(i));
  auto recommender = NewKubernetesHpaRecommender();
  std::vector<std::unique_ptr<StrategyState>> states;
  for (int i = 0; i < kWorkloads; ++i) states.push_back(recommender->NewState());
  int changes = 0, failures = 0;
  for (int tick = 0; tick < kTicks; ++tick) {
    const Timestamp now = testing::kNow + seconds(15 * tick);
    for (size_t i = 0; i < workloads.size(); ++i) {
      RandomFleet::Workload& w = workloads[i];
      const std::vector<WorkloadMetric> metrics = fleet.Observe(w, tick, now);
      const HorizontalContext ctx{&w.state, metrics, &w.spec, now, nullptr};
      const Proposal got = recommender->Recommend(ctx, *states[i]);
      recommender->Commit(*states[i], got.current_replicas, got.desired_replicas, now);
      const Proposal want = Reference(ctx, &w.reference_memory);
      const std::string where = w.state.id.name + " at tick " + std::to_string(tick);
      ASSERT_EQ(got.current_replicas, want.current_replicas) << where;
      ASSERT_EQ(got.desired_replicas, want.desired_replicas) << where;
      ASSERT_EQ(got.trace.size(), want.trace.size()) << where;
      for (size_t t = 0; t < got.trace.size(); ++t) {
        EXPECT_EQ(got.trace[t].step, want.trace[t].step) << where;
        EXPECT_EQ(got.trace[t].before, want.trace[t].before) << where;
        EXPECT_EQ(got.trace[t].after, want.trace[t].after) << where;
        EXPECT_EQ(got.trace[t].reason, want.trace[t].reason) << where;
      }
      changes += got.desired_replicas != got.current_replicas ? 1 : 0;
      failures += got.trace.back().step == "kubernetes" ? 1 : 0;
      w.state.spec_replicas = w.state.status_replicas = got.desired_replicas;  // applied
    }
  }
  // The fleet exercises scaling and failing decisions, not only steady ones (seed 42: 310
  // changes and 2307 failures in 6000 decisions).
  EXPECT_GT(changes, 150);
  EXPECT_GT(failures, 1000);
  EXPECT_LT(failures, kWorkloads * kTicks - 2000);
}

}  // namespace
}  // namespace crescendo::hpa
