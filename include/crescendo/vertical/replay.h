// Replay of vertical sizing strategies over usage samples, for `crescendo vpa evaluate`: how much
// of each allocation goes unused (slack) and how often usage exceeds the allocation in force
// (over), per strategy, under the rules of docs/vertical.md (Evaluation):
//
//   per series (one (pod, container) of a samples file, one task or VM of a trace), in time order:
//   after `warmup` from the series' first sample, every `recommend_every` each strategy
//   recommends; each later sample is scored against the allocation in force, then fed to the
//   strategies. Usage above the allocation is counted, not simulated as a kill or a throttle: all
//   strategies see the same input.
//
//   slack  (sum of allocated - sum of used) / sum of used, per resource, over all series
//   over   samples with usage > allocation / samples scored, per resource
//
// Strategies (EvaluationStrategies):
//   fixed      the row's own cpu_request / memory_request (the allocation the team set by hand)
//   vpa        the VPA recommender's target (WorkloadModel, plain VPA semantics)
//   crescendo  CPU sized ahead from the daily cycle and the last hour, calibrated by a rolling
//              backtest of its own forecast, on the containers where a second backtest shows it
//              cheaper than VPA's target and no less safe (VPA's target elsewhere); memory as
//              `spike-aware` (VPA, sized for recurring spikes), never below VPA's target
//              (src/vertical/cycle/cycle_sizing.h)
//
// Thread safety: pure functions; a SizingPolicy is used by one thread.
#ifndef CRESCENDO_VERTICAL_REPLAY_H_
#define CRESCENDO_VERTICAL_REPLAY_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/vertical/evaluation.h"
#include "crescendo/vertical/samples.h"

namespace crescendo::vertical {

// One container's samples, in time order.
struct ReplaySeries {
  std::string name;  // "<pod>/<container>", or the trace's series name
  std::vector<UsageRecord> records;
};

// Groups `records` per (pod, container), each in time order (stable). When `require_requests`,
// every row must carry cpu_request and memory_request.
// Errors: InvalidArgument "<source>:<line>: cpu_request: empty, expected cores (the fixed
// allocation) on every row once the file gives requests" (or memory_request).
StatusOr<std::vector<ReplaySeries>> SeriesFromRecords(std::vector<UsageRecord> records,
                                                      std::string_view source,
                                                      bool require_requests);
// Returns whether any record carries a cpu_request or a memory_request.
bool HasRequests(const std::vector<UsageRecord>& records);

// Converts trace series (evaluation.h) into replay series, each row carrying the trace's fixed
// requests.
std::vector<ReplaySeries> SeriesFromUsage(const std::vector<UsageSeries>& series);

// Allocation of one container, in cores and bytes.
struct Allocation {
  double cpu_cores = 0;
  double memory_bytes = 0;
};

// One strategy replayed over one series.
class SizingPolicy {
 public:
  virtual ~SizingPolicy() = default;
  // Recommends at `now` from the samples observed so far (all earlier than `now`).
  virtual void Recommend(Timestamp now) = 0;
  // Returns the allocation in force when `record` is observed.
  virtual Allocation InForce(const UsageRecord& record) const = 0;
  // Feeds `record` (after it was scored).
  virtual void Observe(const UsageRecord& record) = 0;
};

struct ReplayStrategy {
  std::string name;
  std::function<std::unique_ptr<SizingPolicy>()> make;  // a fresh policy per series
};

// Returns fixed (when `with_fixed`), vpa and crescendo.
std::vector<ReplayStrategy> EvaluationStrategies(bool with_fixed);

// Returns one score per strategy over all series, in the order of `strategies`; `samples` counts
// the scored rows. A resource absent from a row is not scored for it.
std::vector<StrategyScore> Replay(const std::vector<ReplaySeries>& series,
                                  const std::vector<ReplayStrategy>& strategies,
                                  const EvaluationOptions& options = {});

// Returns {"series": n, "strategies": [{"strategy", "cpu_slack", "memory_slack", "cpu_over",
// "memory_over", "samples"}]} (shares as fractions), indented.
std::string ScoresToJson(const std::vector<StrategyScore>& scores, size_t series_count);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_VERTICAL_REPLAY_H_
