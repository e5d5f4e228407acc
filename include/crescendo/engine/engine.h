// Engine: one tick for all workloads.
//
//   snapshot -> metrics -> recommend -> policies -> apply -> record
//
// Each step is timed. A failure for one workload is recorded in that workload's Decision and
// never stops the others. A failure of a whole step (the cluster snapshot, say) makes the tick
// keep every workload's replicas and is reported in TickReport::status.
//
// Ownership: the engine borrows the backend, the metric source and the recommender; they must
// outlive it. Thread safety: RunOnce() and UpdateWorkloads() from one thread only.
#ifndef CRESCENDO_ENGINE_ENGINE_H_
#define CRESCENDO_ENGINE_ENGINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/cluster/cluster_backend.h"
#include "crescendo/horizontal/recommender.h"
#include "crescendo/metrics/metric_source.h"
#include "crescendo/model/autoscaling.h"
#include "crescendo/model/decision.h"
#include "crescendo/policy/policy.h"

namespace crescendo {

// What the engine manages for one workload.
struct WorkloadConfig {
  WorkloadId id;
  HorizontalSpec horizontal;
};

struct EngineOptions {
  ClusterBackend* backend = nullptr;             // REQUIRES: non-null
  MetricSource* metrics = nullptr;               // REQUIRES: non-null
  HorizontalRecommender* recommender = nullptr;  // REQUIRES: non-null
  bool apply = true;                             // false: `recommend` mode, compute and record only
  Duration metric_window = std::chrono::minutes(1);
  size_t decision_log_capacity = 100000;  // decisions kept in memory (newest)
};

struct StepTiming {
  std::string step;
  Duration elapsed{};
};

struct TickReport {
  Timestamp time;
  Status status;                    // non-OK when a whole step failed
  std::vector<Decision> decisions;  // one per managed workload, in configuration order
  std::vector<StepTiming> timings;  // snapshot, metrics, recommend, policies, apply, record
  int32_t scaled = 0;               // workloads whose replicas changed
  int32_t errors = 0;               // workloads whose decision carries an error
};

class Engine {
 public:
  // Errors: InvalidArgument when a required option is missing or two workloads share an id.
  static StatusOr<std::unique_ptr<Engine>> Create(EngineOptions options,
                                                  std::vector<WorkloadConfig> workloads);

  // Runs one tick at `now`.
  TickReport RunOnce(Timestamp now);

  // Runs ticks every `interval` on `clock` until `on_tick` returns false.
  void Run(Clock& clock, Duration interval, const std::function<bool(const TickReport&)>& on_tick);

  // Replaces the managed workloads (hot reload). All or nothing: on error nothing changes.
  Status UpdateWorkloads(std::vector<WorkloadConfig> workloads);

  const std::vector<WorkloadConfig>& workloads() const { return workloads_; }

 private:
  Engine(EngineOptions options, std::vector<WorkloadConfig> workloads);
  struct Metrics;  // collected values, per workload and metric
  Status Collect(const ClusterSnapshot& snapshot, Timestamp now, Metrics* out);
  void RecordStep(TickReport& report, const char* step, Timestamp start_wall) const;

  EngineOptions options_;
  std::vector<WorkloadConfig> workloads_;
  PolicyChain policies_;
  RealClock wall_;  // step timings only; decisions never read it
};

}  // namespace crescendo

#endif  // CRESCENDO_ENGINE_ENGINE_H_
