// The strategy runner: replays the same load through several horizontal strategies side by side,
// each on its own simulated cluster, and evaluates them.
//
// Each strategy runs on its own simulated cluster (ClusterSim, the same one `crescendo run`
// drives) through its own Engine, the engine `crescendo run` uses, reading metrics through a
// metrics::Collector from the cluster's "sim" source. Every tick (the interval, 15 s by default,
// the HPA's sync period) and for every strategy: the node pool and each service's pods advance to
// the tick and serve its load; the state reached is evaluated (below); then the engine runs one
// tick: snapshot, collect, recommend (horizontal, and vertical for services with a VerticalSpec),
// policies (the bounds), arbitrate, apply. The state reached at the tick is evaluated over the
// interval that ends there:
//   demand d_t = max(1, ceil(load / capacity_rps)) pods, supply s_t = Ready pods, for the
//   elasticity metrics (elasticity.h);
//   SLA: a second violates the SLO when the mean latency exceeds the service's SLO latency or
//   requests are dropped; p95 latency over all requests (dropped ones count at the request
//   timeout), from a log histogram with 2% buckets;
//   pod_seconds (every pod that exists, Pending included), cost (node-hours when the cluster has
//   a node pool, else pod-hours at each service's price), scaling actions, OOM kills.
// While a service's load is unknown (a gap in its trace), its pods keep serving the last known
// load but nothing is evaluated: gaps are never zero load.
//
//   vertical: CPU and memory allocated (requests) and used, integrated over time, for the slack
//   (allocated - used) / used; throttled seconds, OOM kills, restarts, recreations, resizes.
// Memory is constant in the length of the run: the loads stream, the accumulators are fixed,
// and the plotted series are downsampled to at most `plot_points` points (buckets merge in pairs
// when full).
//
// Determinism: the same inputs and seed give identical results; every strategy's cluster starts
// from the same state and draws its delays from the same seeds.
//
// Thread safety: RunSimulation is reentrant; it uses the calling thread only.
#ifndef CRESCENDO_SIM_RUNNER_H_
#define CRESCENDO_SIM_RUNNER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/engine/engine.h"
#include "crescendo/engine/strategies.h"
#include "crescendo/engine/tenant_arbiter.h"
#include "crescendo/horizontal/recommender.h"
#include "crescendo/sim/elasticity.h"
#include "crescendo/sim/node_pool.h"
#include "crescendo/sim/trace.h"
#include "crescendo/sim/world.h"
#include "crescendo/tenancy/arbitration.h"

namespace crescendo::sim {

// A service's load, read once per tick in time order.
class LoadSource {
 public:
  virtual ~LoadSource() = default;
  // Returns the load at `t` in requests/s, nullopt when unknown. REQUIRES: t non-decreasing.
  // Errors: a trace that turns out malformed while streaming (InvalidArgument, file and line).
  virtual StatusOr<std::optional<double>> RpsAt(Timestamp t) = 0;
};

// Returns a source reading `profile`.
std::unique_ptr<LoadSource> ProfileSource(std::shared_ptr<const LoadProfile> profile);
// Returns a source streaming `trace`.
std::unique_ptr<LoadSource> TraceSource(std::unique_ptr<TraceLoad> trace);

struct SimService {
  ServiceSpec spec;                    // spec.load is not used; `source` is
  std::unique_ptr<LoadSource> source;  // REQUIRES: non-null
  // The SLO on mean latency; 0: the latency one pod has at capacity_rps.
  double slo_latency_ms = 0;
  // Start with the replicas the first known load needs at capacity_rps (within min/max)
  // instead of spec.initial_replicas.
  bool initial_replicas_from_load = false;
};

// Returns the services of a generated scenario (e.g. MusicStreamingScenario), each reading its
// ServiceSpec::load and starting with its initial_replicas.
std::vector<SimService> ServicesOf(const ScenarioSpec& scenario);

// Returns a new horizontal recommender for a strategy name (crescendo::NewHorizontalStrategy in
// the CLI); the engine of each strategy makes its recommenders with it.
using StrategyFactory = HorizontalFactory;
// Returns what a strategy name runs (crescendo::StrategiesForName in the CLI).
using StrategyResolver = std::function<StatusOr<ModeStrategies>(std::string_view name)>;

// Tenants of a simulation (a scenario's `tenancy:`; docs/tenancy.md, "In the simulator"). Every
// strategy's engine arbitrates through a TenantArbiter (crescendo/engine/tenant_arbiter.h, the
// arbitrate stage `crescendo run` uses) over the node pool's allocatable at its maximum size.
// In strict with `pools`, the cluster isolates too: each pool is a node pool of its own that runs
// only its tenants' pods (as node affinity and taints would), each arbitrated over its own
// capacity, and each tenant's quota caps the pods the cluster admits (as a ResourceQuota: a pod
// beyond it is not created). In soft and none, or without pools, one shared pool.
struct SimTenant {
  std::string name;
  TenantPolicy policy;  // policy.pool names one of SimTenancy::pools (strict only)
};

struct SimPool {
  std::string name;
  NodePoolSpec spec;
};

struct SimTenancy {
  tenancy::Isolation isolation = tenancy::Isolation::kSoft;
  std::vector<SimTenant> tenants;  // in report order; other tenants take TenantPolicy{}
  std::vector<SimPool> pools;      // strict: dedicated node pools; ignored in soft and none
};

// Called with (ticks done, total ticks).
using RunProgress = std::function<void(int64_t, int64_t)>;

struct SimulationOptions {
  Timestamp start;
  Timestamp end;  // the last tick is the last one <= end
  Duration interval = seconds(15);
  uint64_t seed = 1;
  std::vector<std::string> strategies;
  std::optional<NodePoolSpec> nodes;  // unset: unlimited nodes, costs per pod-hour
  size_t plot_points = 720;
  // Unset: each name is a horizontal strategy, sized vertically by "vpa", applied.
  StrategyResolver resolve;
  VerticalFactory vertical_strategies;  // unset: NewVerticalStrategy
  // Unset: no arbitration. REQUIRES: `nodes` set (the capacity the tenants share).
  std::optional<SimTenancy> tenancy;
  // Called for each service's workload of each strategy's engine, after the strategy's plan
  // (WorkloadFor) is applied and before the engine is made: `crescendo simulate --config`
  // attaches the configuration's policies, tier, priority and labels, and for its `configured`
  // strategy the service's own mode. Unset: nothing. Errors end the simulation before it starts.
  std::function<Status(std::string_view strategy, size_t service, WorkloadConfig& workload)>
      configure;
  // The collector bindings of a strategy's workloads, all read from the cluster's "sim" source.
  // Unset: every metric by its own name (BindAllTo).
  std::function<std::vector<metrics::MetricBinding>(const std::vector<WorkloadConfig>&)> bindings;
  // Called after each strategy's engine tick (`tick` from 1) with its report and engine, e.g. to
  // record what the policies did. Unset: nothing.
  std::function<void(size_t strategy, int64_t tick, Timestamp now, const TickReport& report,
                     const Engine& engine)>
      observe;
};

// Vertical figures, summed over time (see ServiceStats).
struct VerticalMetrics {
  double cpu_slack = 0;  // (allocated - used) / used over the run; 0 when nothing was used
  double memory_slack = 0;
  double throttled_seconds = 0;  // pod-seconds a pod's CPU was throttled at its limit
  int64_t oom_kills = 0;
  int64_t restarts = 0;  // container restarts after OOM kills, and pods recreated to resize
  int64_t resizes = 0;   // in-place resizes
};

struct SlaMetrics {
  double violation_seconds = 0;
  double p95_latency_ms = 0;
  double dropped_requests = 0;
};

// What one strategy did to one service (or, summed, to all).
struct Outcome {
  ElasticityMetrics elasticity;
  SlaMetrics sla;
  double pod_seconds = 0;
  double cost = 0;
  int64_t scaling_actions = 0;
  int64_t oom_kills = 0;
  VerticalMetrics vertical;
  // strict with quotas: pods the tenant's quota kept the cluster from creating, times seconds.
  double quota_refused_pod_seconds = 0;
};

struct ServiceOutcome {
  WorkloadId id;
  Outcome outcome;
  double peak_load_rps = 0;
  int32_t min_replicas = 0;  // pods that existed, over the evaluated ticks
  int32_t max_replicas = 0;
};

// One plotted point per bucket of ticks; NaN where every tick of the bucket was in a gap.
struct StrategyPlots {
  std::vector<double> ready_pods;  // total over services
  std::vector<double> latency_ms;  // mean over services, weighted by load
  std::vector<double> cost;        // cumulative
  std::vector<double> jain_index;  // with tenancy: Jain's index of each tick's arbitration
};

// What one tenant asked for and was given, over the ticks the engine arbitrated. Replicas and CPU
// are integrated over time (divide by TenancyOutcome::arbitrated_seconds for the mean). Shares
// are of the capacity the tenant was arbitrated over (its pool's in strict with pools).
struct TenantOutcome {
  std::string name;
  std::string tier;
  std::string pool;  // strict with pools: its node pool; else empty (the shared pool)
  double weight = 1;
  Resources guarantee;                   // as configured
  double demand_replica_seconds = 0;     // replicas its autoscalers proposed
  double allocated_replica_seconds = 0;  // replicas the arbitration allowed
  double demand_cpu_seconds = 0;         // CPU cores those replicas request, times seconds
  double allocated_cpu_seconds = 0;
  int32_t peak_demand_replicas = 0;
  int32_t peak_allocated_replicas = 0;
  double mean_dominant_share = 0;  // time-weighted
  double max_dominant_share = 0;
  double mean_entitlement_share = 0;  // its weighted entitlement (guarantee + weighted part)
  int64_t cut_ticks = 0;              // ticks where the arbitration cut one of its services
  // Ticks where its allocation held less than min(guarantee, demand) by a whole replica or more
  // (of its largest) in a resource the guarantee names: the guarantee was not met.
  int64_t below_guarantee_ticks = 0;
  double sla_violation_seconds = 0;  // summed over its services
  double quota_refused_pod_seconds = 0;
};

struct TenancyOutcome {
  std::string isolation;  // strict, soft or none
  int64_t arbitrated_ticks = 0;
  double arbitrated_seconds = 0;
  // Ticks where an arbitration allocated more than its capacity in CPU or memory (never, unless
  // the arbitration is broken).
  int64_t over_capacity_ticks = 0;
  // Jain's index (tenancy::JainIndex) over the tenants' weighted dominant shares, each tick;
  // min and time-weighted mean over the arbitrated ticks.
  double jain_min = 1;
  double jain_mean = 1;
  std::vector<TenantOutcome> tenants;
};

struct StrategyResult {
  std::string name;
  Outcome total;  // elasticity: time-weighted mean over services; the rest summed
  std::vector<ServiceOutcome> services;
  StrategyPlots plots;
  std::optional<TenancyOutcome> tenancy;  // with SimulationOptions::tenancy
};

struct SimulationResult {
  Timestamp start;
  Timestamp end;
  Duration interval{};
  int64_t ticks = 0;
  int64_t evaluated_service_ticks = 0;
  int64_t gap_service_ticks = 0;     // service-ticks whose load was unknown
  std::vector<double> plot_seconds;  // seconds since start, the middle of each bucket
  std::vector<double> load_rps;      // total known load
  std::vector<double> demand_pods;   // total demand
  std::vector<StrategyResult> strategies;
};

// Runs every strategy on the services' load from options.start to options.end. The services are
// consumed: their sources advance, and initial_replicas is set where it comes from the load.
// Errors: InvalidArgument for bad options or a service spec (naming it), NotFound for an
// unknown strategy (from the factory), the errors of a load source.
StatusOr<SimulationResult> RunSimulation(std::vector<SimService>& services,
                                         const SimulationOptions& options,
                                         const StrategyFactory& strategies,
                                         const RunProgress& progress = nullptr);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SIM_RUNNER_H_
