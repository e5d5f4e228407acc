// Engine: one tick for all the workloads of one cluster.
//
//   snapshot -> collect -> recommend (horizontal and vertical) -> policies -> arbitrate
//            -> apply -> record
//
// snapshot   ClusterBackend::Snapshot(): every workload's pods, requests, limits, restarts.
// collect    metrics::Collector::Collect() of every binding for every workload: the metrics each
//            HorizontalSpec names (EffectiveMetrics: Kubernetes' default cpu when it names
//            none) and, for workloads sized vertically, cpu and memory usage (memory only on
//            ticks where some vertical strategy is Due(): VPA runs once a minute).
// recommend  per workload, its horizontal strategy and (when it has a VerticalSpec) its vertical
//            strategy, each a pure function of the context and the state the engine keeps for
//            it (model/state.h). Strategies that forecast do it here, on their own state.
// policies   each workload's PolicyChain (its configured policies, or the HPA bounds alone), with
//            the metrics they name, the replicas applied recently and, for cost budgets, what
//            was spent in the budget's period (engine-owned accounts, checkpointed).
// arbitrate  across workloads: the Arbiter (a pass-through until tenant shares and capacity
//            arbitration land; docs/architecture.md).
// apply      SetReplicas for a changed replica count, SetResources for a vertical change, unless
//            the workload only recommends (`recommend` mode, updateMode Off).
// record     each strategy's Commit() of what was applied, the decisions and the counters.
//
// Each stage is timed (TickReport::timings). A failure for one workload is recorded in that
// workload's Decision and never stops the others; a failed snapshot keeps every workload as it
// is and commits no state.
//
// State: one StrategyState per workload and strategy, owned here. Checkpoint() returns all of it
// as JSON and Restore() takes it back, so an engine restarted from its last checkpoint makes the
// decisions of an uninterrupted one. The state of a workload that leaves the configuration is
// dropped, and so is that of one missing from the cluster for longer than `forget_after`.
//
// Ownership: the engine borrows the backend and the collector; they must outlive it. It owns its
// strategies (one instance per name, shared by the workloads using it) and their states.
// Thread safety: every method from one thread only.
#ifndef CRESCENDO_ENGINE_ENGINE_H_
#define CRESCENDO_ENGINE_ENGINE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/cluster/cluster_backend.h"
#include "crescendo/engine/strategies.h"
#include "crescendo/horizontal/recommender.h"
#include "crescendo/metrics/collector.h"
#include "crescendo/model/autoscaling.h"
#include "crescendo/model/decision.h"
#include "crescendo/policy/policy.h"
#include "crescendo/vertical/strategy.h"

namespace crescendo {

// What the engine manages for one workload.
struct WorkloadConfig {
  WorkloadId id;
  HorizontalSpec horizontal;
  std::optional<VerticalSpec> vertical;            // unset: not sized vertically
  std::string horizontal_strategy = "kubernetes";  // a name of NewHorizontalStrategy()
  std::string vertical_strategy = "vpa";           // a name of NewVerticalStrategy()
  bool apply = true;                               // false: compute and record only
  std::string mode = "kubernetes";                 // the mode it came from, for reports
  // The service's configured policies (policy::BuildChain, the HPA bounds included), run in the
  // policies stage; null: the HPA bounds alone. Shared: one chain may serve many workloads.
  std::shared_ptr<const PolicyChain> policies;
  // What those policies read: the catalogue metrics they name (collected for them; a metric
  // without a binding has no value), the tenant's tier, the service's priority and labels.
  std::vector<std::string> policy_metrics;
  std::string tier;
  int32_t priority = 0;
  std::map<std::string, std::string> labels;
};

// Returns workload `id` with its specs, run by `plan`'s strategies; `mode` names it in reports.
WorkloadConfig WorkloadFor(const WorkloadId& id, const HorizontalSpec& horizontal,
                           const std::optional<VerticalSpec>& vertical, const ModeStrategies& plan,
                           std::string mode);

// Make a strategy by name; the engine's defaults are NewHorizontalStrategy and
// NewVerticalStrategy (tests pass their own).
using HorizontalFactory =
    std::function<StatusOr<std::unique_ptr<HorizontalRecommender>>(std::string_view name)>;
using VerticalFactory =
    std::function<StatusOr<std::unique_ptr<VerticalRecommender>>(std::string_view name)>;

struct EngineOptions {
  ClusterBackend* backend = nullptr;        // REQUIRES: non-null
  metrics::Collector* collector = nullptr;  // REQUIRES: non-null
  // How each metric is read: one binding per metric name. A metric a workload needs without a
  // binding is NotFound for that workload (its decision says so; it keeps its replicas).
  std::vector<metrics::MetricBinding> bindings;
  // The state of a workload missing from the cluster this long is dropped.
  Duration forget_after = std::chrono::minutes(10);
  HorizontalFactory horizontal_strategies;  // null: NewHorizontalStrategy
  VerticalFactory vertical_strategies;      // null: NewVerticalStrategy
};

struct StepTiming {
  std::string step;
  Duration elapsed{};
};

// What the engine did about one workload's pod size this tick.
struct VerticalDecision {
  std::vector<ContainerResources> containers;  // the template's new containers (empty: kept)
  VerticalUpdate update = VerticalUpdate::kOff;
  std::vector<std::string> pods;  // pods brought to the template now
  bool applied = false;
  std::vector<TraceEntry> trace;
  vertical::PodRecommendation recommendation;  // the run's target and bounds (empty between runs)
};

struct TickReport {
  Timestamp time;
  Status status;                    // non-OK when a whole step failed
  std::vector<Decision> decisions;  // one per managed workload, in configuration order
  std::vector<std::optional<VerticalDecision>> vertical;  // parallel to decisions
  // snapshot, collect, recommend, policies, arbitrate, apply, record
  std::vector<StepTiming> timings;
  int32_t scaled = 0;                          // workloads whose replicas changed
  int32_t resized = 0;                         // workloads whose pod template or pods were resized
  int32_t errors = 0;                          // workloads whose decision carries an error
  std::vector<metrics::SourceReport> sources;  // the collector's view of each source
};

// The arbitrate stage: all the tick's proposals at once, after the per-workload policies.
// Pure; the default passes every proposal through.
class Arbiter {
 public:
  virtual ~Arbiter() = default;
  // Adjusts `proposals` (parallel to `workloads`; entries of failed workloads are null), adding
  // a trace entry to each one it changes.
  virtual void Arbitrate(const std::vector<const WorkloadConfig*>& workloads,
                         std::vector<Proposal*>& proposals, Timestamp now) const = 0;
};

class Engine {
 public:
  // Errors: InvalidArgument when a required option is missing, two workloads share an id, a
  // workload's bounds are inverted, or it names an unknown strategy (the registry's message).
  static StatusOr<std::unique_ptr<Engine>> Create(EngineOptions options,
                                                  std::vector<WorkloadConfig> workloads);
  ~Engine();

  // Runs one tick at `now`.
  TickReport RunOnce(Timestamp now);

  // Runs ticks every `interval` on `clock` until `on_tick` returns false.
  void Run(Clock& clock, Duration interval, const std::function<bool(const TickReport&)>& on_tick);

  // Replaces the managed workloads (hot reload). All or nothing: on error nothing changes.
  // Workloads that stay with the same strategies keep their state; the others start afresh.
  Status UpdateWorkloads(std::vector<WorkloadConfig> workloads);

  // Replaces the arbitrate stage (the default passes proposals through). Not owned.
  void SetArbiter(const Arbiter* arbiter) { arbiter_ = arbiter; }

  // Returns every workload's state: {"version":1,"workloads":[{"id":{...},"horizontal":
  // {"strategy":name,"state":{...}},"vertical":{...}},...]}.
  nlohmann::json Checkpoint() const;
  // Takes back a Checkpoint(). Entries of workloads no longer configured, or configured with
  // another strategy, are skipped (counted in *skipped when given). All or nothing: on error
  // no state changes. Errors: InvalidArgument naming the entry and field that is malformed.
  Status Restore(const nlohmann::json& checkpoint, size_t* skipped = nullptr);

  // Returns the bytes of all the workloads' states.
  size_t StateBytes() const;

  // A workload's policy records, as checkpointed: budget accounts (parallel to its chain's
  // policies), the replicas applied recently, how far the accounts run.
  struct PolicyRecords {
    std::vector<SpendAccount> accounts;
    std::vector<ReplicaRecord> history;
    std::optional<Timestamp> accrued_to;
  };

  const std::vector<WorkloadConfig>& workloads() const { return workloads_; }

  // Returns the budget account of policy `policy` (by name) of workloads()[index]: what it spent
  // in its period and when that period started; nullopt when the workload has no such policy or
  // the index is out of range. Cheap: no serialization (Checkpoint() carries the same numbers).
  std::optional<SpendAccount> Account(size_t index, std::string_view policy) const;

 private:
  struct Slot;
  struct Tick;
  Engine(EngineOptions options);
  Status Install(std::vector<WorkloadConfig> workloads);
  void Collect(Tick& t);
  void Recommend(Tick& t);
  void ApplyPolicies(Tick& t);
  void Arbitrate(Tick& t);
  void Apply(Tick& t);
  void Record(Tick& t);

  EngineOptions options_;
  std::vector<WorkloadConfig> workloads_;
  std::vector<Slot> slots_;  // parallel to workloads_
  std::map<std::string, std::unique_ptr<HorizontalRecommender>> horizontal_;
  std::map<std::string, std::unique_ptr<VerticalRecommender>> vertical_;
  PolicyChain policies_;
  const Arbiter* arbiter_ = nullptr;
  std::vector<WorkloadId> ids_;               // parallel to workloads_, for the collector
  std::vector<SharedWorkloadId> shared_ids_;  // parallel to workloads_, shared with the decisions
  std::map<std::string, size_t> binding_index_;         // metric name -> index in options_.bindings
  std::optional<size_t> cpu_binding_, memory_binding_;  // vertical usage, when bound
  bool memory_for_horizontal_ = false;  // a horizontal spec reads the memory binding
  ClusterSnapshot snapshot_;            // the last tick's, kept so the next one reuses its storage
  RealClock wall_;                      // step timings only; decisions never read it
};

// Returns the bindings that read every metric of `workloads` from the one source `source`
// (the simulator's, or a single backend's): query = the metric name, window 1 minute, scale 1;
// cpu and memory usage too when a workload is sized vertically.
std::vector<metrics::MetricBinding> BindAllTo(const std::vector<WorkloadConfig>& workloads,
                                              const std::string& source);

}  // namespace crescendo

#endif  // CRESCENDO_ENGINE_ENGINE_H_
