// StrategyState: a strategy's memory for one workload, owned by the engine.
//
// Recommenders are pure (docs/architecture.md, "State"): the engine hands each one the state it
// committed for the workload at the last tick, the recommender returns its proposal and updates
// a scratch copy, and the engine commits the copy only for a workload whose tick completed,
// after telling the recommender what was applied (Commit). The engine drops the state of
// workloads that disappear and checkpoints the rest (ToJson), so a restarted engine decides as
// an uninterrupted one would.
//
// Each strategy defines its own state type; the engine only copies, serializes and measures it.
//
// Thread safety: a state is used by one thread at a time.
#ifndef CRESCENDO_MODEL_STATE_H_
#define CRESCENDO_MODEL_STATE_H_

#include <cstddef>
#include <nlohmann/json.hpp>

namespace crescendo {

class StrategyState {
 public:
  virtual ~StrategyState() = default;
  // Makes this state equal to `other`, reusing this state's storage where it can.
  // REQUIRES: `other` was made by the same strategy (the same dynamic type).
  virtual void CopyFrom(const StrategyState& other) = 0;
  // Returns the whole state as JSON. The strategy's RestoreState() of it gives a state that makes
  // bit-identical decisions (doubles are written in their shortest exact form).
  virtual nlohmann::json ToJson() const = 0;
  // Returns the bytes the state holds, heap included (reports and benchmarks).
  virtual size_t Bytes() const = 0;
};

}  // namespace crescendo

#endif  // CRESCENDO_MODEL_STATE_H_
