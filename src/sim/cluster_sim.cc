#include "cluster_sim.h"

#include <algorithm>

#include "metric_view.h"

namespace crescendo::sim {
namespace {

constexpr std::string_view kBuiltinMetrics[] = {"cpu", "memory", "requests_per_second",
                                                "latency_ms"};

}  // namespace

uint64_t SeedFor(uint64_t seed, uint64_t stream) {
  uint64_t x = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

ClusterSim::ClusterSim(const std::vector<ServiceSpec>& specs, uint64_t seed, Timestamp start,
                       const std::optional<NodePoolSpec>& nodes)
    : specs_(specs), now_(start) {
  if (nodes) nodes_ = std::make_unique<NodePool>(*nodes, SeedFor(seed, 0), start);
  models_.reserve(specs_.size());
  for (size_t i = 0; i < specs_.size(); ++i) {
    models_.emplace_back(specs_[i], SeedFor(seed, i + 1), start, nodes_.get());
    index_.emplace(specs_[i].id, i);
    for (const BusinessMetricSpec& m : specs_[i].business_metrics) {
      business_names_.push_back(m.name);
    }
  }
}

void ClusterSim::Advance(Timestamp now, std::span<const double> loads) {
  // The node pool reacts to what the previous tick's decisions asked for before time moves on.
  if (nodes_ && advanced_) nodes_->Reconcile();
  advanced_ = true;
  now_ = now;
  if (nodes_) nodes_->Advance(now);
  for (size_t i = 0; i < models_.size(); ++i) models_[i].Step(now, loads[i]);
}

StatusOr<ClusterSnapshot> ClusterSim::Snapshot() {
  ClusterSnapshot snapshot;
  CRESCENDO_RETURN_IF_ERROR(SnapshotInto(snapshot));
  return snapshot;
}

Status ClusterSim::SnapshotInto(ClusterSnapshot& out) {
  out.time = now_;
  out.workloads.resize(models_.size());
  for (size_t i = 0; i < models_.size(); ++i) {
    out.workloads[i] = models_[i].state();  // copy assignment: reuses the strings and vectors
    std::vector<PodState>& pods = out.workloads[i].pods;
    std::span<const PodRuntime> runtime = models_[i].runtime();
    for (size_t p = 0; p < pods.size(); ++p) pods[p].resize = runtime[p].resize;
  }
  return Status::Ok();
}

StatusOr<size_t> ClusterSim::Find(const WorkloadId& workload) const {
  auto it = index_.find(workload);
  if (it == index_.end()) return NotFoundError("simulator: no workload " + workload.ToString());
  return it->second;
}

Status ClusterSim::SetReplicas(const WorkloadId& workload, int32_t replicas) {
  CRESCENDO_ASSIGN_OR_RETURN(size_t i, Find(workload));
  return models_[i].SetReplicas(replicas, now_);
}

Status ClusterSim::SetResources(const WorkloadId& workload, const ResourceUpdate& update) {
  CRESCENDO_ASSIGN_OR_RETURN(size_t i, Find(workload));
  return models_[i].ApplyResources(update, now_);
}

bool ClusterSim::KnownMetric(const std::string& metric) const {
  return std::find(std::begin(kBuiltinMetrics), std::end(kBuiltinMetrics), metric) !=
             std::end(kBuiltinMetrics) ||
         std::find(business_names_.begin(), business_names_.end(), metric) != business_names_.end();
}

StatusOr<std::vector<WorkloadMetric>> ClusterSim::Read(const MetricRequest& request) {
  // The simulator's query is the metric's own name; an empty query reads request.metric.
  MetricRequest r = request;
  if (!request.query.empty()) r.metric = request.query;
  if (!KnownMetric(r.metric)) {
    return NotFoundError("simulator: unknown metric \"" + r.metric +
                         "\" (expected cpu, memory, requests_per_second, latency_ms or a "
                         "business metric of the scenario)");
  }
  std::vector<WorkloadMetric> out;
  out.reserve(r.workloads.size());
  // Requests usually list the workloads in the cluster's order (chunks of it): try the one after
  // the last found before hashing the id.
  size_t next = 0;
  for (const WorkloadId& id : r.workloads) {
    StatusOr<size_t> found =
        next < specs_.size() && specs_[next].id == id ? StatusOr<size_t>(next) : Find(id);
    out.push_back(ReadOne(r, id, found.ok() ? std::optional<size_t>(*found) : std::nullopt));
    out.back().metric = request.metric;
    if (found.ok()) next = *found + 1;
  }
  return out;
}

WorkloadMetric ClusterSim::ReadOne(const MetricRequest& request, const WorkloadId& id,
                                   std::optional<size_t> at) const {
  WorkloadMetric out;
  out.metric = request.metric;
  out.time = now_;
  StatusOr<size_t> found = at ? StatusOr<size_t>(*at) : Find(id);
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

}  // namespace crescendo::sim
