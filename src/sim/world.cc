#include "crescendo/sim/world.h"

#include "cluster_sim.h"
#include "spec_validation.h"

namespace crescendo::sim {
namespace {

// The World: a ClusterSim whose services read their load profiles.
class WorldImpl final : public World {
 public:
  explicit WorldImpl(const ScenarioSpec& spec)
      : specs_(spec.services),
        cluster_(spec.services, spec.seed, spec.start, spec.nodes),
        loads_(spec.services.size(), 0.0) {
    Advance(spec.start);
  }

  std::string_view name() const override { return "sim"; }

  void Advance(Timestamp now) override {
    for (size_t i = 0; i < specs_.size(); ++i) {
      // A gap in the profile holds the last known load.
      loads_[i] = specs_[i].load->RpsAt(now).value_or(loads_[i]);
    }
    cluster_.Advance(now, loads_);
  }

  double LoadRps(const WorkloadId& workload) const override {
    for (size_t i = 0; i < specs_.size(); ++i) {
      if (specs_[i].id == workload) return cluster_.model(i).load_rps();
    }
    return 0;
  }

  std::vector<ServiceStats> Stats() const override {
    std::vector<ServiceStats> out;
    out.reserve(cluster_.size());
    for (size_t i = 0; i < cluster_.size(); ++i) out.push_back(cluster_.model(i).stats());
    return out;
  }

  Timestamp Now() const override { return cluster_.now(); }

  StatusOr<ClusterSnapshot> Snapshot() override { return cluster_.Snapshot(); }
  Status SnapshotInto(ClusterSnapshot& out) override { return cluster_.SnapshotInto(out); }
  Status SetReplicas(const WorkloadId& workload, int32_t replicas) override {
    return cluster_.SetReplicas(workload, replicas);
  }
  Status SetResources(const WorkloadId& workload, const ResourceUpdate& update) override {
    return cluster_.SetResources(workload, update);
  }
  StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) override {
    return cluster_.Read(request);
  }

 private:
  std::vector<ServiceSpec> specs_;
  ClusterSim cluster_;
  std::vector<double> loads_;
};

}  // namespace

StatusOr<std::unique_ptr<World>> World::Create(const ScenarioSpec& spec) {
  CRESCENDO_RETURN_IF_ERROR(ValidateScenario(spec));
  return std::unique_ptr<World>(std::make_unique<WorldImpl>(spec));
}

}  // namespace crescendo::sim
