// The engine in `intelligent` mode: one tick decides the replicas against the pod size the same
// tick sets (the horizontal proposal is made first and handed to the vertical strategy).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <regex>

#include "crescendo/engine/engine.h"
#include "crescendo/engine/strategies.h"

namespace crescendo {
namespace {

const Timestamp kT0 = FromUnixSeconds(1795392000);

// One workload whose pods have one container "app"; SetResources changes the template (and
// the named pods), which new pods get.
class Cluster : public ClusterBackend {
 public:
  explicit Cluster(WorkloadId id) : id_(std::move(id)) {}
  std::string_view name() const override { return "fake"; }
  StatusOr<ClusterSnapshot> Snapshot() override {
    ClusterSnapshot snap;
    WorkloadState w;
    w.id = id_;
    w.spec_replicas = w.status_replicas = static_cast<int32_t>(pods_.size());
    w.template_containers = {template_};
    w.pod_requests = template_.requests;
    for (size_t i = 0; i < pods_.size(); ++i) {
      PodState p;
      p.name = "app-" + std::to_string(i);
      p.phase = PodPhase::kRunning;
      p.ready = true;
      p.start_time = kT0 - hours(1);
      p.ready_transition_time = p.start_time + seconds(20);
      p.requests = pods_[i].requests;
      p.containers = {{"app", pods_[i].requests, pods_[i].limits, 0, std::nullopt}};
      w.pods.push_back(std::move(p));
    }
    snap.workloads.push_back(std::move(w));
    return snap;
  }
  Status SetReplicas(const WorkloadId&, int32_t replicas) override {
    pods_.resize(static_cast<size_t>(replicas), template_);
    return Status::Ok();
  }
  Status SetResources(const WorkloadId&, const ResourceUpdate& update) override {
    for (const ContainerResources& c : update.containers) {
      if (c.name == template_.name) template_ = c;
    }
    ++resizes;
    return Status::Ok();
  }
  // Total CPU use spread over the pods.
  double load_millis = 2800;
  int resizes = 0;

 private:
  WorkloadId id_;
  ContainerResources template_{"app", {1000, 1LL << 30}, {}};
  std::vector<ContainerResources> pods_ = std::vector<ContainerResources>(4, template_);
};

class Usage : public MetricSource {
 public:
  explicit Usage(Cluster* cluster) : cluster_(cluster) {}
  std::string_view name() const override { return "fake"; }
  StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) override {
    StatusOr<ClusterSnapshot> snap = cluster_->Snapshot();
    const WorkloadState& w = snap->workloads[0];
    WorkloadMetric m;
    m.metric = request.metric;
    auto names = std::make_shared<NameStore>();
    m.names = names;
    for (const PodState& p : w.pods) {
      const double cpu = cluster_->load_millis / static_cast<double>(w.pods.size());
      m.pods.push_back(
          {names->Add(p.name), request.metric == "cpu" ? cpu : 600.0 * (1 << 20), request.now});
    }
    return std::vector<WorkloadMetric>{m};
  }

 private:
  Cluster* cluster_;
};

TEST(IntelligentEngineTest, ReplicasAreDecidedAgainstTheNewPodSizeInTheSameTick) {
  const WorkloadId id{"prod", "acme", "music", "recommendations"};
  Cluster cluster(id);
  SimulatedClock clock(kT0);
  auto collector =
      metrics::Collector::Create({}, {std::make_shared<Usage>(&cluster)}, clock).value();
  HorizontalSpec hpa;
  hpa.min_replicas = 2;
  hpa.max_replicas = 40;
  MetricSpec cpu;
  cpu.name = "cpu";
  cpu.target.average_utilization = 70;
  hpa.metrics = {cpu};
  VerticalSpec vpa;
  vpa.update_mode = "Auto";
  const ModeStrategies plan = StrategiesForMode("intelligent").value();
  std::vector<WorkloadConfig> workloads = {WorkloadFor(id, hpa, vpa, plan, "intelligent")};
  EngineOptions o;
  o.backend = &cluster;
  o.collector = collector.get();
  o.bindings = BindAllTo(workloads, "fake");
  auto engine = Engine::Create(o, workloads).value();

  // Ten minutes of steady load, then the load falls by half: the pods shrink and the replicas
  // follow predictive; in every tick where the vertical strategy ran, the template it set and
  // the replicas the engine applied are one decision.
  int checked = 0, cpu_changed = 0;
  for (int tick = 0; tick < 80; ++tick) {
    if (tick == 40) cluster.load_millis = 1400;
    const Timestamp now = kT0 + seconds(15) * tick;
    if (tick > 0) clock.Advance(seconds(15));
    TickReport r = engine->RunOnce(now);
    ASSERT_EQ(r.decisions.size(), 1u);
    const Decision& d = r.decisions[0];
    ASSERT_TRUE(d.status.ok()) << d.status.ToString();
    const TraceEntry* joint = nullptr;
    for (const TraceEntry& e : d.trace) {
      if (e.step == "joint") joint = &e;
    }
    ASSERT_NE(joint, nullptr) << d.Explain();
    if (!r.vertical[0] || r.vertical[0]->containers.empty()) continue;
    // The vertical strategy set the size the horizontal one planned in this very tick (or
    // more, never less: VPA's lower bound is its floor)...
    const int64_t new_cpu = r.vertical[0]->containers[0].requests.cpu_millis;
    std::smatch planned;
    ASSERT_TRUE(std::regex_search(joint->reason, planned, std::regex(" x ([0-9]+)m cover")))
        << joint->reason;
    EXPECT_GE(new_cpu, std::stoll(planned[1].str())) << "tick " << tick << ": " << joint->reason;
    // ...and at that size the HPA's rule (70% of the new request) needs no more replicas than
    // the engine applied: ceil(use / (0.7 x new)) <= desired.
    const auto hpa_at_new_size =
        static_cast<int32_t>(std::ceil(cluster.load_millis / (0.7 * new_cpu) - 1e-9));
    EXPECT_LE(hpa_at_new_size, d.desired_replicas)
        << "tick " << tick << ": " << new_cpu << "m, " << d.Explain();
    ++checked;
    cpu_changed += new_cpu != 1000;
  }
  EXPECT_GT(checked, 0) << "the vertical strategy never changed the template";
  // Without the horizontal proposal in its context the vertical strategy would leave CPU to
  // the HPA (1000m throughout).
  EXPECT_GT(cpu_changed, 0) << "the template's CPU never followed the joint plan";
  EXPECT_GT(cluster.resizes, 0);
  // The state checkpoints and restores, whole.
  const nlohmann::json saved = engine->Checkpoint();
  auto again = Engine::Create(o, workloads).value();
  ASSERT_TRUE(again->Restore(saved).ok());
  EXPECT_EQ(again->Checkpoint(), saved);
}

}  // namespace
}  // namespace crescendo
