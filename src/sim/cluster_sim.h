// ClusterSim: the simulated cluster of one run: each service's pods (ServiceModel) on an optional
// node pool, as a ClusterBackend and a MetricSource ("sim"). The World and every strategy of the
// strategy runner drive one each, so the engine sees the same cluster in `run` and `simulate`.
//
// A tick: Advance(now, loads) reconciles the node pool with what the last tick's decisions asked
// for, advances the nodes and every service's pods to `now`, serving each its load; then the
// engine reads (Snapshot, Read) and applies (SetReplicas, SetResources) at `now`.
//
// Seeds: service i draws from SeedFor(seed, i + 1), the node pool from SeedFor(seed, 0), and
// dedicated pool k from SeedFor(seed, services + 1 + k), so two clusters built from the same
// services and seed behave identically under the same calls.
//
// Tenant isolation on the cluster side (ClusterIsolation, strict): dedicated node pools replace
// the shared one, each service placing its pods only on its own (node affinity and taints), and
// a tenant's quota caps the pods SetReplicas creates (a ResourceQuota: the replicas beyond it are
// not created; the workload runs what was admitted, and quota_refused(i) says how many were not
// until its next SetReplicas). Quota usage counts each pod at its template's requests.
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
#include "crescendo/tenancy/arbitration.h"
#include "metric_view.h"
#include "service_model.h"

namespace crescendo::sim {

// Returns the seed of stream `stream` of a run seeded `seed` (splitmix64 of the pair).
uint64_t SeedFor(uint64_t seed, uint64_t stream);

struct ClusterIsolation {
  std::vector<NodePoolSpec> pools;     // dedicated pools; empty: every service on the shared pool
  std::vector<size_t> pool_of;         // per service, an index in `pools` (when pools is not empty)
  std::vector<tenancy::Quota> quotas;  // per quota holder (a tenant)
  std::vector<int32_t> quota_of;       // per service, an index in `quotas`, or -1: no quota
};

class ClusterSim final : public ClusterBackend, public MetricSource {
 public:
  // REQUIRES: the specs are valid (ValidateService). spec.load is not read.
  // REQUIRES: isolation's per-service vectors, when not empty, have one entry per service.
  ClusterSim(const std::vector<ServiceSpec>& specs, uint64_t seed, Timestamp start,
             const std::optional<NodePoolSpec>& nodes, const ClusterIsolation& isolation = {});

  // Advances to `now`, each service serving loads[i] requests/s. REQUIRES: loads.size() equals
  // the number of services; now >= the previous call's time.
  void Advance(Timestamp now, std::span<const double> loads);

  size_t size() const { return models_.size(); }
  const ServiceModel& model(size_t i) const { return models_[i]; }
  // Returns the shared node pool (null without one, or with dedicated pools).
  const NodePool* nodes() const { return nodes_.get(); }
  // Returns whether pods run on nodes (a shared pool or dedicated ones).
  bool has_nodes() const { return nodes_ != nullptr || !pools_.empty(); }
  // Returns the cost of every node so far, over all pools.
  double node_cost() const;
  // Returns the replicas of service i that its tenant's quota kept from being created at its
  // last SetReplicas.
  int32_t quota_refused(size_t i) const { return refused_[i]; }
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
  // Returns what service i may run of `replicas` within its tenant's quota.
  int32_t Admitted(size_t i, int32_t replicas) const;
  // Reads `id`, at index `at` of the cluster when the caller knows it.
  WorkloadMetric ReadOne(const MetricRequest& request, const WorkloadId& id,
                         std::optional<size_t> at) const;

  std::vector<ServiceSpec> specs_;
  std::unique_ptr<NodePool> nodes_;               // before models_, which point to it
  std::vector<std::unique_ptr<NodePool>> pools_;  // dedicated pools, likewise
  ClusterIsolation isolation_;
  std::vector<int32_t> refused_;
  std::vector<ServiceModel> models_;
  std::vector<PodNames> names_;  // per model, its pods' names, refreshed after every change
  std::unordered_map<WorkloadId, size_t, WorkloadIdHash> index_;
  std::vector<std::string> business_names_;
  Timestamp now_;
  bool advanced_ = false;
};

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_CLUSTER_SIM_H_
