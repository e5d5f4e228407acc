// PointModel: the algorithm inside a forecaster, on the slot grid.
//
// SlotForecaster (slot_forecaster.h) turns timestamps into slots, averages samples that share a
// slot, tracks residuals for intervals and checkpoints; a PointModel only sees one value per
// observed slot, in increasing slot order, and predicts future slots. Skipped slots are gaps.
//
// Thread safety: const methods may run concurrently; the others need exclusive access.
#ifndef CRESCENDO_SRC_FORECAST_POINT_MODEL_H_
#define CRESCENDO_SRC_FORECAST_POINT_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo::forecast {

class PointModel {
 public:
  virtual ~PointModel() = default;

  // Observes `value` for `slot`. REQUIRES: slot > every slot observed before; value finite and
  // >= min_value().
  virtual void Observe(int64_t slot, double value) = 0;
  // Replaces the value of the newest observed slot (more samples arrived in that slot).
  // REQUIRES: a slot was observed.
  virtual void Revise(double value) = 0;

  // Returns OK when Predict() can answer, else FailedPrecondition saying what is missing.
  virtual Status Ready() const = 0;
  // Returns the point forecast for `target`. REQUIRES: target > newest observed slot. Returns
  // nullopt when the model has no information for that slot (e.g. a phase never observed).
  virtual std::optional<double> Predict(int64_t target) const = 0;

  // The smallest value this model accepts (0 for multiplicative models).
  virtual double min_value() const { return -std::numeric_limits<double>::infinity(); }

  // Saves / loads the complete state. LoadState validates before changing anything and may
  // throw nlohmann::json::exception on malformed input (caught by SlotForecaster::Restore).
  virtual nlohmann::json SaveState() const = 0;
  virtual Status LoadState(const nlohmann::json& state) = 0;

  // Returns the bytes held by the state.
  virtual size_t StateBytes() const = 0;
};

// What every model factory receives besides its own parameters.
class ModelRegistry;
struct ModelContext {
  Duration step = std::chrono::minutes(1);
  double interval_level = 0.9;
  int64_t max_horizon_slots = 60;           // the longest horizon tracked, in slots
  const ModelRegistry* registry = nullptr;  // for composite models (ensemble); not owned
};

// A slot index meaning "none".
inline constexpr int64_t kNoSlot = std::numeric_limits<int64_t>::min();

// The first and newest observed slots, and the common readiness rule "the history spans n
// slots" (seasonal models are ready after one season).
struct HistorySpan {
  int64_t first = kNoSlot;
  int64_t newest = kNoSlot;

  void Observe(int64_t slot) {
    if (first == kNoSlot) first = slot;
    newest = slot;
  }
  int64_t length() const { return first == kNoSlot ? 0 : newest - first + 1; }
  // Returns OK once length() >= slots, else FailedPrecondition "warming up: history spans ...".
  Status ReadyAfter(int64_t slots, std::string_view what) const {
    if (length() >= slots) return Status::Ok();
    return FailedPreconditionError("warming up: history spans " + std::to_string(length()) +
                                   " of " + std::to_string(slots) + " slots" + std::string(what));
  }
  nlohmann::json ToJson() const { return {first, newest}; }
  static HistorySpan FromJson(const nlohmann::json& j) {
    return {j.at(0).get<int64_t>(), j.at(1).get<int64_t>()};
  }
};

// Returns `a` mod `b` in [0, b). REQUIRES: b > 0.
inline int64_t FloorMod(int64_t a, int64_t b) { return ((a % b) + b) % b; }
// Returns floor(a / b). REQUIRES: b > 0.
inline int64_t FloorDiv(int64_t a, int64_t b) { return (a - FloorMod(a, b)) / b; }

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_POINT_MODEL_H_
