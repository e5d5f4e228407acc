// Offline evaluation of vertical recommendations on real usage traces: how much allocated
// resource goes unused (slack) and how often usage exceeds the allocation, for the trace's own
// fixed requests, for plain VPA semantics and for Crescendo's spike-aware recommendations.
//
// Replay (per series, in time order): after a warm-up, every `recommend_every` each model
// recommends a target; each sample is then scored against the target in force, before it is fed
// to the models. Usage above the target is counted, not simulated as a kill: the models keep
// seeing true usage (a limit above the request), so the strategies are compared on the same input.
//
//   slack         (sum of allocated - sum of used) / sum of used, per resource
//   exceed share  samples with usage > allocation / samples scored
//
// Traces (read in place, never copied; see each folder's SOURCE.txt):
//   google-borg-2019-task-usage/job113/*.csv.gz   5-minute windows per task; CPU avg_cpu_usage,
//       memory max_memory_usage; fixed requests cpu_limit / memory_limit. Normalized units are
//       scaled to 1 NCU = 100 cores and 1.0 memory = 256 GiB (assumed machine size).
//   bitbrains-rnd-2013/2013-8/*.csv.gz            5-minute rows per VM; CPU usage MHz over
//       (capacity MHz / cores); memory usage KB; fixed requests the provisioned cores and memory.
//
// Thread safety: pure functions (file reads aside).
#ifndef CRESCENDO_VERTICAL_EVALUATION_H_
#define CRESCENDO_VERTICAL_EVALUATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo::vertical {

struct UsagePoint {
  Timestamp time;
  double cpu_cores = 0;
  double memory_bytes = 0;
};

struct UsageSeries {
  std::string name;
  double request_cpu_cores = 0;  // the trace's fixed allocation
  double request_memory_bytes = 0;
  std::vector<UsagePoint> points;  // in time order
};

// Reads every task of google-borg-2019-task-usage/job113 under `traces_dir`.
// Errors: NotFound when the folder is absent; InvalidArgument naming file and line.
StatusOr<std::vector<UsageSeries>> LoadBorgTasks(const std::string& traces_dir);
// Reads every VM file of bitbrains-rnd-2013/2013-8 under `traces_dir`.
StatusOr<std::vector<UsageSeries>> LoadBitbrainsVms(const std::string& traces_dir);

// Generates `count` inference services (seeded): 10 days at 5 minutes, CPU 0.2-2 cores with
// daily seasonality and noise, memory 0.5-4 GB, and a 15-25 minute model-reload spike to
// 1.8-3x memory every 2-4 days (each service its own period). Requests: 2x mean CPU, 1.5x base
// memory, as a team would set them by hand.
std::vector<UsageSeries> GenerateModelReloadSeries(uint64_t seed, int count);

struct EvaluationOptions {
  Duration warmup = hours(24);
  Duration recommend_every = hours(1);
};

struct StrategyScore {
  std::string strategy;  // "fixed requests", "vpa", "crescendo"
  double cpu_slack = 0;
  double memory_slack = 0;
  double cpu_exceed_share = 0;
  double memory_exceed_share = 0;  // OOM risk when the limit equals the request
  int64_t samples = 0;
};

// Returns one score per strategy, over all series.
std::vector<StrategyScore> Evaluate(const std::vector<UsageSeries>& series,
                                    const EvaluationOptions& options = {});

// Returns a Markdown table of the scores.
std::string ScoresToMarkdown(const std::vector<StrategyScore>& scores);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_VERTICAL_EVALUATION_H_
