// ClusterSim: the simulated cluster of one run: each service's pods (ServiceModel) on an optional
// node pool, as a ClusterBackend and a MetricSource ("sim"). The World and every strategy of the
// strategy runner drive one each, so the engine sees the same cluster in `run` and `simulate`.
//
// A tick: Advance(now, loads) reconciles the node pool with what the last tick's decisions asked
// for, advances the nodes and every service's pods to `now`, serving each its load; then the
// engine reads (Snapshot, Read) and applies (SetReplicas, SetResources) at `now`.
//
// Seeds: service i draws from SeedFor(seed, i + 1), the node pool from SeedFor(seed, 0), so two
// clusters built from the same services and seed behave identically under the same calls.
//
// Thread safety: Read() may be called concurrently while Advance() and the setters are not
// running; everything else from one thread.
#ifndef CRESCENDO_SRC_SIM_CLUSTER_SIM_H_
#define CRESCENDO_SRC_SIM_CLUSTER_SIM_H_

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "crescendo/cluster/cluster_backend.h"
#include "crescendo/metrics/metric_source.h"
#include "crescendo/sim/node_pool.h"
#include "crescendo/sim/world.h"
#include "service_model.h"

namespace crescendo::sim {

// Returns the seed of stream `stream` of a run seeded `seed` (splitmix64 of the pair).
uint64_t SeedFor(uint64_t seed, uint64_t stream);

class ClusterSim final : public ClusterBackend, public MetricSource {
 public:
  // REQUIRES: the specs are valid (ValidateService). spec.load is not read.
  ClusterSim(const std::vector<ServiceSpec>& specs, uint64_t seed, Timestamp start,
             const std::optional<NodePoolSpec>& nodes);

  // Advances to `now`, each service serving loads[i] requests/s. REQUIRES: loads.size() equals
  // the number of services; now >= the previous call's time.
  void Advance(Timestamp now, std::span<const double> loads);

  size_t size() const { return models_.size(); }
  const ServiceModel& model(size_t i) const { return models_[i]; }
  const NodePool* nodes() const { return nodes_.get(); }
  Timestamp now() const { return now_; }

  std::string_view name() const override { return "sim"; }
  StatusOr<ClusterSnapshot> Snapshot() override;
  Status SnapshotInto(ClusterSnapshot& out) override;
  Status SetReplicas(const WorkloadId& workload, int32_t replicas) override;
  Status SetResources(const WorkloadId& workload, const ResourceUpdate& update) override;
  StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) override;

 private:
  StatusOr<size_t> Find(const WorkloadId& workload) const;
  bool KnownMetric(const std::string& metric) const;
  // Reads `id`, at index `at` of the cluster when the caller knows it.
  WorkloadMetric ReadOne(const MetricRequest& request, const WorkloadId& id,
                         std::optional<size_t> at) const;

  std::vector<ServiceSpec> specs_;
  std::unique_ptr<NodePool> nodes_;  // before models_, which point to it
  std::vector<ServiceModel> models_;
  std::unordered_map<WorkloadId, size_t, WorkloadIdHash> index_;
  std::vector<std::string> business_names_;
  Timestamp now_;
  bool advanced_ = false;
};

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_CLUSTER_SIM_H_
