#include "cluster_sim.h"

#include <algorithm>

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
                       const std::optional<NodePoolSpec>& nodes, const ClusterIsolation& isolation)
    : specs_(specs), isolation_(isolation), refused_(specs.size(), 0), now_(start) {
  for (size_t k = 0; k < isolation_.pools.size(); ++k) {
    pools_.push_back(std::make_unique<NodePool>(isolation_.pools[k],
                                                SeedFor(seed, specs_.size() + 1 + k), start));
  }
  if (nodes && pools_.empty()) nodes_ = std::make_unique<NodePool>(*nodes, SeedFor(seed, 0), start);
  models_.reserve(specs_.size());
  for (size_t i = 0; i < specs_.size(); ++i) {
    NodePool* pool = pools_.empty() ? nodes_.get() : pools_[isolation_.pool_of[i]].get();
    models_.emplace_back(specs_[i], SeedFor(seed, i + 1), start, pool);
    index_.emplace(specs_[i].id, i);
    for (const BusinessMetricSpec& m : specs_[i].business_metrics) {
      business_names_.push_back(m.name);
    }
  }
  names_.resize(models_.size());
  for (size_t i = 0; i < models_.size(); ++i) names_[i].Refresh(models_[i]);
}

void ClusterSim::Advance(Timestamp now, std::span<const double> loads) {
  // The node pool reacts to what the previous tick's decisions asked for before time moves on.
  if (nodes_ && advanced_) nodes_->Reconcile();
  for (auto& pool : pools_) {
    if (advanced_) pool->Reconcile();
  }
  advanced_ = true;
  now_ = now;
  if (nodes_) nodes_->Advance(now);
  for (auto& pool : pools_) pool->Advance(now);
  for (size_t i = 0; i < models_.size(); ++i) {
    models_[i].Step(now, loads[i]);
    names_[i].Refresh(models_[i]);
  }
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

double ClusterSim::node_cost() const {
  double cost = nodes_ ? nodes_->cost() : 0;
  for (const auto& pool : pools_) cost += pool->cost();
  return cost;
}

int32_t ClusterSim::Admitted(size_t i, int32_t replicas) const {
  const int32_t have = static_cast<int32_t>(models_[i].state().pods.size());
  if (isolation_.quota_of.empty() || isolation_.quota_of[i] < 0 || replicas <= have) {
    return replicas;
  }
  const int32_t holder = isolation_.quota_of[i];
  const tenancy::Quota& quota = isolation_.quotas[static_cast<size_t>(holder)];
  int64_t pods = 0, cpu = 0, memory = 0;
  for (size_t j = 0; j < models_.size(); ++j) {
    if (isolation_.quota_of[j] != holder) continue;
    const WorkloadState& s = models_[j].state();
    const auto n = static_cast<int64_t>(s.pods.size());
    pods += n;
    cpu += n * s.pod_requests.cpu_millis;
    memory += n * s.pod_requests.memory_bytes;
  }
  int64_t room = replicas - have;
  const Resources& per_pod = models_[i].state().pod_requests;
  if (quota.max_replicas) room = std::min(room, *quota.max_replicas - pods);
  if (quota.cpu_millis && per_pod.cpu_millis > 0) {
    room = std::min(room, (*quota.cpu_millis - cpu) / per_pod.cpu_millis);
  }
  if (quota.memory_bytes && per_pod.memory_bytes > 0) {
    room = std::min(room, (*quota.memory_bytes - memory) / per_pod.memory_bytes);
  }
  return have + static_cast<int32_t>(std::max<int64_t>(room, 0));
}

Status ClusterSim::SetReplicas(const WorkloadId& workload, int32_t replicas) {
  CRESCENDO_ASSIGN_OR_RETURN(size_t i, Find(workload));
  const int32_t admitted = replicas < 0 ? replicas : Admitted(i, replicas);
  refused_[i] = replicas - admitted;
  Status s = models_[i].SetReplicas(admitted, now_);
  names_[i].Refresh(models_[i]);
  return s;
}

Status ClusterSim::SetResources(const WorkloadId& workload, const ResourceUpdate& update) {
  CRESCENDO_ASSIGN_OR_RETURN(size_t i, Find(workload));
  Status s = models_[i].ApplyResources(update, now_);
  names_[i].Refresh(models_[i]);
  return s;
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
  WorkloadMetric out;  // Read() names the metric
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
  ReadMetric(models_[*found], names_[*found], binding, now_, request.window, out);
  return out;
}

}  // namespace crescendo::sim
