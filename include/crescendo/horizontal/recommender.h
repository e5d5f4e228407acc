// HorizontalRecommender: decides a replica count for one workload, as a pure function.
//
// Input: the workload's state, its current metrics, its HorizontalSpec, `now` (and a forecast
// for predictive recommenders) and the recommender's own memory for the workload
// (StrategyState, owned by the engine). Output: a Proposal whose trace explains each step.
//
// The engine's protocol for one workload and one tick:
//   proposal = Recommend(ctx, state);   // records what was observed (load, the proposal)
//   ... policies, arbitration, apply ...
//   Commit(state, current, applied, now);  // records what the cluster now has
// Recommend() records only what it saw and proposed (the HPA's recommendation log, a
// forecaster's sample), which holds whatever is applied; everything that depends on the applied
// change (the HPA's scale events, which its rate limits read) waits for Commit(), so a clamped,
// refused or merely recommended proposal leaves no trace of a change that did not happen. The
// engine calls neither for a workload missing from the cluster, drops the state of workloads
// that disappear, and checkpoints the rest (StrategyState::ToJson), so a restarted engine decides
// as an uninterrupted one would.
//
// Thread safety: the methods are const; Recommend() may run concurrently for different
// workloads (different states).
#ifndef CRESCENDO_HORIZONTAL_RECOMMENDER_H_
#define CRESCENDO_HORIZONTAL_RECOMMENDER_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/model/autoscaling.h"
#include "crescendo/model/cluster.h"
#include "crescendo/model/decision.h"
#include "crescendo/model/forecast.h"
#include "crescendo/model/metrics.h"
#include "crescendo/model/state.h"

namespace crescendo {

struct HorizontalContext {
  const WorkloadState* workload = nullptr;  // REQUIRES: non-null
  std::span<const WorkloadMetric> metrics;  // one per EffectiveMetrics(*spec), same order
  const HorizontalSpec* spec = nullptr;     // REQUIRES: non-null
  Timestamp now;
  const Forecast* forecast = nullptr;  // optional
  // The workload's VPA when it is sized vertically (null: it is not), for strategies that
  // decide the pod size with the replicas (the `intelligent` strategy reads its bounds).
  const VerticalSpec* vertical = nullptr;
};

class HorizontalRecommender {
 public:
  virtual ~HorizontalRecommender() = default;
  // Returns the recommender's name, e.g. "kubernetes".
  virtual std::string_view name() const = 0;
  // Returns a new, empty state (a workload seen for the first time).
  virtual std::unique_ptr<StrategyState> NewState() const = 0;
  // Returns the state that StrategyState::ToJson() wrote.
  // Errors: InvalidArgument naming the field that is missing or malformed.
  virtual StatusOr<std::unique_ptr<StrategyState>> RestoreState(
      const nlohmann::json& json) const = 0;
  // Returns the proposal for ctx.workload and records what it observed in `state`. Never fails: a
  // metric it cannot use is recorded in the trace and the proposal keeps the current replica count.
  // REQUIRES: `state` came from this recommender.
  virtual Proposal Recommend(const HorizontalContext& ctx, StrategyState& state) const = 0;
  // Records in `state` what the engine applied: the workload went from `current` to `applied`
  // replicas at `now` (equal when nothing changed: the proposal was clamped away, refused, or
  // the engine only recommends). The default records nothing.
  virtual void Commit(StrategyState& state, int32_t current, int32_t applied, Timestamp now) const {
    (void)state, (void)current, (void)applied, (void)now;
  }
};

// The state of a recommender that keeps none: serializes as {}.
class NoState final : public StrategyState {
 public:
  void CopyFrom(const StrategyState&) override {}
  nlohmann::json ToJson() const override { return nlohmann::json::object(); }
  size_t Bytes() const override { return 0; }
};

// A recommender without memory across ticks: it implements Decide().
class StatelessHorizontalRecommender : public HorizontalRecommender {
 public:
  std::unique_ptr<StrategyState> NewState() const final { return std::make_unique<NoState>(); }
  StatusOr<std::unique_ptr<StrategyState>> RestoreState(const nlohmann::json&) const final {
    return std::unique_ptr<StrategyState>(std::make_unique<NoState>());
  }
  Proposal Recommend(const HorizontalContext& ctx, StrategyState&) const final {
    return Decide(ctx);
  }
  // Returns the proposal for ctx.workload.
  virtual Proposal Decide(const HorizontalContext& ctx) const = 0;
};

}  // namespace crescendo

#endif  // CRESCENDO_HORIZONTAL_RECOMMENDER_H_
