// `crescendo run`: the control loop. With the simulator backend (the default) it runs a
// generated, seeded music streaming scenario on a simulated clock and summarises each service.
#ifndef CRESCENDO_CLI_RUN_COMMAND_H_
#define CRESCENDO_CLI_RUN_COMMAND_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "crescendo/api/metrics_exporter.h"
#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/sim/world.h"

namespace crescendo::cli {

struct RunOptions {
  Duration duration = std::chrono::hours(24);
  Duration interval = std::chrono::seconds(30);
  uint64_t seed = 1;
  std::string strategy = "kubernetes";
  // With configuration paths, the configuration's services of `environment` run, each with its
  // effective settings and its mode's strategy; changes to the files are applied while running
  // (checked every `reload_every` ticks, and at once after SIGHUP).
  std::vector<std::string> config_paths;
  std::string environment = "prod";
  int64_t reload_every = 10;
  // When set: loaded at start when it exists (the run resumes after its tick), and saved
  // atomically after every tick.
  std::string checkpoint_path;
  // When the simulated clock starts; unset: the fixed 2026-11-23T00:00:00Z. A resumed run
  // starts where its checkpoint's run started (the checkpoint's time wins).
  std::optional<Timestamp> start;
  // MIN_REPLICAS / MAX_REPLICAS for the generated scenario (without configuration paths; with
  // them the configuration applies the variables itself).
  std::optional<int32_t> min_replicas;
  std::optional<int32_t> max_replicas;
  // The override variables set, as "NAME=value" lines saying what each changed (for the summary).
  std::vector<std::string> overrides;
  std::ostream* log = nullptr;               // reload messages; may be null
  api::MetricsExporter* exporter = nullptr;  // Crescendo's own metrics; may be null
};

struct RunSummary {
  RunOptions options;
  int64_t ticks = 0;
  int64_t scaling_actions = 0;
  int64_t resizes = 0;  // ticks x workloads whose pod size changed
  int64_t errors = 0;
  int64_t decisions = 0;          // decisions made (workloads x ticks), resumed ones included
  uint64_t decisions_digest = 0;  // FNV-1a of every decision, in order: equal runs, equal digest
  int64_t resumed_from_tick = 0;  // 0: started afresh
  size_t state_bytes = 0;         // the engine's state at the end
  int64_t config_reloads = 0;     // applied configuration changes
  int64_t config_rejections = 0;
  double tick_ms_mean = 0;
  double tick_ms_max = 0;
  std::vector<sim::ServiceStats> services;
  // With --config: how tenants share the environment ("tenant arbitration (soft) over ..." or
  // why there is none), the decisions each configured policy changed (by "name@file:line"), and
  // per tenant the decisions arbitration cut and the replica-seconds it withheld.
  std::string tenancy;
  std::map<std::string, int64_t> policy_actions;
  struct TenantCuts {
    int64_t decisions = 0;
    double replica_seconds = 0;
  };
  std::map<std::string, TenantCuts> tenant_cuts;
  Timestamp start;  // when the simulated clock started
  // When each configured policy acted, over the ticks this process ran: per policy
  // ("name@file:line"), the runs of consecutive ticks in which it changed a workload's decision.
  struct PolicyInterval {
    std::string workload;
    Timestamp from, to;  // the first and the last tick of the run
    int64_t ticks = 0;
    double before = 0, after = 0;  // at the first tick
    std::string reason;            // at the first tick
  };
  std::map<std::string, std::vector<PolicyInterval>> policy_intervals;
  int64_t policy_intervals_dropped = 0;  // beyond kMaxPolicyIntervals per policy
  // Each budget's spending over the ticks this process ran, from the engine's accounts: at the
  // first and last tick, at every UTC midnight, when a period ends and the next starts, and at
  // the first tick of a period in which the budget changed a decision ("exhausted").
  struct BudgetSample {
    Timestamp time;
    double spent = 0;
    std::string event;  // start | day | period_end | reset | exhausted | end
  };
  struct BudgetTimeline {
    std::string policy;  // "name@file:line"
    std::string workload;
    double amount = 0;
    std::string currency;
    std::string period;  // month | day
    double max_spent = 0;
    std::vector<BudgetSample> samples;
  };
  std::vector<BudgetTimeline> budgets;
  // replicas[s][k]: replicas of service s after the k-th tick this process ran (tests, plots).
  std::vector<std::vector<int32_t>> replicas;
  std::vector<std::vector<double>> load_rps;
};

// Runs kept per policy in RunSummary::policy_intervals; later ones are counted, not kept.
inline constexpr size_t kMaxPolicyIntervals = 2000;

// Called after each tick with (tick index, total ticks).
using ProgressFn = std::function<void(int64_t, int64_t)>;

// Runs the scenario on the simulator. Errors: InvalidArgument for bad options, NotFound for an
// unknown strategy.
StatusOr<RunSummary> RunOnSimulator(const RunOptions& options, const ProgressFn& progress);

// Returns the summary as JSON text: {"services": [...], "ticks": ..., ...}.
std::string SummaryJson(const RunSummary& summary);

// Returns the summary as an aligned text table.
std::string SummaryTable(const RunSummary& summary);

// Returns the default interval: SCALING_INTERVAL when set (Go duration), else 30s.
// Errors: InvalidArgument naming SCALING_INTERVAL when its value is malformed.
StatusOr<Duration> DefaultInterval(const char* scaling_interval_env);

}  // namespace crescendo::cli

#endif  // CRESCENDO_CLI_RUN_COMMAND_H_
