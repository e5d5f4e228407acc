#include "crescendo/sim/world.h"

#include <algorithm>
#include <unordered_map>

#include "crescendo/sim/node_pool.h"
#include "metric_view.h"
#include "service_model.h"
#include "spec_validation.h"

namespace crescendo::sim {
namespace {

constexpr std::string_view kBuiltinMetrics[] = {"cpu", "memory", "requests_per_second",
                                                "latency_ms"};

class WorldImpl final : public World {
 public:
  explicit WorldImpl(const ScenarioSpec& spec) : specs_(spec.services), now_(spec.start) {
    Random seeds(spec.seed);
    if (spec.nodes) nodes_ = std::make_unique<NodePool>(*spec.nodes, seeds.Next(), spec.start);
    models_.reserve(specs_.size());
    for (size_t i = 0; i < specs_.size(); ++i) {
      models_.emplace_back(specs_[i], seeds.Next(), spec.start, nodes_.get());
      index_.emplace(specs_[i].id, i);
      for (const BusinessMetricSpec& m : specs_[i].business_metrics)
        business_names_.push_back(m.name);
    }
    Advance(spec.start);
  }

  std::string_view name() const override { return "sim"; }

  void Advance(Timestamp now) override {
    now_ = now;
    if (nodes_) nodes_->Advance(now);
    for (size_t i = 0; i < models_.size(); ++i) {
      std::optional<double> rps = specs_[i].load->RpsAt(now);
      models_[i].Step(now, rps.value_or(models_[i].load_rps()));
    }
    if (nodes_) nodes_->Reconcile();
  }

  double LoadRps(const WorkloadId& workload) const override {
    auto it = index_.find(workload);
    return it == index_.end() ? 0 : models_[it->second].load_rps();
  }

  std::vector<ServiceStats> Stats() const override {
    std::vector<ServiceStats> out;
    out.reserve(models_.size());
    for (const ServiceModel& m : models_) out.push_back(m.stats());
    return out;
  }

  Timestamp Now() const override { return now_; }

  StatusOr<ClusterSnapshot> Snapshot() override {
    ClusterSnapshot snapshot;
    snapshot.time = now_;
    snapshot.workloads.reserve(models_.size());
    for (const ServiceModel& m : models_) snapshot.workloads.push_back(m.state());
    return snapshot;
  }

  Status SetReplicas(const WorkloadId& workload, int32_t replicas) override {
    CRESCENDO_ASSIGN_OR_RETURN(size_t i, Find(workload));
    return models_[i].SetReplicas(replicas, now_);
  }

  Status SetResources(const WorkloadId& workload, const ResourceUpdate& update) override {
    CRESCENDO_ASSIGN_OR_RETURN(size_t i, Find(workload));
    if (update.containers.empty()) return Status::Ok();
    const Resources& r = update.containers.front().requests;
    if (r.cpu_millis <= 0 || r.memory_bytes <= 0) {
      return InvalidArgumentError(workload.ToString() + ": pod requests must be > 0, found cpu " +
                                  std::to_string(r.cpu_millis) + "m, memory " +
                                  std::to_string(r.memory_bytes) + " bytes");
    }
    models_[i].SetPodRequests(r);
    return Status::Ok();
  }

  StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) override {
    if (!KnownMetric(request.metric)) {
      return NotFoundError("simulator: unknown metric \"" + request.metric +
                           "\" (expected cpu, memory, requests_per_second, latency_ms or a "
                           "business metric of the scenario)");
    }
    std::vector<WorkloadMetric> out;
    out.reserve(request.workloads.size());
    for (const WorkloadId& id : request.workloads) out.push_back(ReadOne(request, id));
    return out;
  }

 private:
  StatusOr<size_t> Find(const WorkloadId& workload) const {
    auto it = index_.find(workload);
    if (it == index_.end()) {
      return NotFoundError("simulator: no workload " + workload.ToString());
    }
    return it->second;
  }

  bool KnownMetric(const std::string& metric) const {
    return std::find(std::begin(kBuiltinMetrics), std::end(kBuiltinMetrics), metric) !=
               std::end(kBuiltinMetrics) ||
           std::find(business_names_.begin(), business_names_.end(), metric) !=
               business_names_.end();
  }

  WorkloadMetric ReadOne(const MetricRequest& request, const WorkloadId& id) const {
    WorkloadMetric out;
    out.metric = request.metric;
    out.time = now_;
    StatusOr<size_t> found = Find(id);
    if (!found.ok()) {
      out.status = found.status();
      return out;
    }
    MetricBinding binding = BindMetric(specs_[*found], request.metric);
    if (binding.kind == MetricKind::kUnknown) {
      out.status = NotFoundError("simulator: " + id.ToString() + " defines no metric \"" +
                                 request.metric + "\"");
      return out;
    }
    ReadMetric(models_[*found], binding, now_, request.window, /*rename=*/true, out);
    return out;
  }

  std::vector<ServiceSpec> specs_;
  std::unique_ptr<NodePool> nodes_;  // before models_, which point to it
  std::vector<ServiceModel> models_;
  std::unordered_map<WorkloadId, size_t, WorkloadIdHash> index_;
  std::vector<std::string> business_names_;
  Timestamp now_;
};

}  // namespace

StatusOr<std::unique_ptr<World>> World::Create(const ScenarioSpec& spec) {
  CRESCENDO_RETURN_IF_ERROR(ValidateScenario(spec));
  return std::unique_ptr<World>(std::make_unique<WorldImpl>(spec));
}

}  // namespace crescendo::sim
