// ResidualBands: prediction intervals from a forecaster's own recent errors, per horizon.
//
// After each observed slot the forecaster records its predictions for origin + h, for the
// tracked horizons h = 1, 2, 4, ... and max_horizon. When a slot is observed, the predictions
// that targeted it are scored: residual = actual - predicted, kept in a ring of `capacity` per
// horizon. The interval at horizon h is the forecast plus the (1-level)/2 and (1+level)/2
// empirical quantiles of the h-step residuals, interpolated linearly in h between tracked
// horizons; past max_horizon the last tracked horizon's quantiles are used. A tracked horizon
// without enough residuals borrows the nearest shorter one's, widened by sqrt(h / h_shorter).
//
// Memory: (number of tracked horizons) * capacity * 2 floats (the ring and its sorted copy), plus
// 12 bytes per pending prediction (sum of the tracked horizons). Cost per observed slot:
// O(number of tracked horizons * capacity) in the worst case (moving floats of the sorted copy);
// the quantiles then cost O(1) per tracked horizon.
//
// Thread safety: const methods may run concurrently; the others need exclusive access.
#ifndef CRESCENDO_SRC_FORECAST_RESIDUAL_BANDS_H_
#define CRESCENDO_SRC_FORECAST_RESIDUAL_BANDS_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "crescendo/base/status.h"
#include "forecast/point_model.h"

namespace crescendo::forecast {

class ResidualBands {
 public:
  // (low, high) residual quantiles of each tracked horizon, empty when too few residuals.
  using Table = std::vector<std::optional<std::pair<double, double>>>;

  // REQUIRES: max_horizon >= 1, capacity >= 1.
  ResidualBands(int64_t max_horizon, int capacity);

  // Scores the predictions that targeted `slot` against `value`.
  void Score(int64_t slot, double value);
  // Re-scores `slot`, already scored, with its revised `value`.
  void Revise(int64_t slot, double value);
  // Records predictions from `origin` for origin + h of every tracked horizon h.
  // `predict(target)` returns the point forecast or nullopt (nothing is recorded then).
  void Record(int64_t origin, const std::function<std::optional<double>(int64_t)>& predict);

  // Returns how many one-step residuals are held.
  int one_step_count() const { return buckets_.front().count; }
  // Returns the tracked horizons, shortest first.
  std::vector<int64_t> Horizons() const;

  // Returns the residual quantiles at `level` of every tracked horizon holding >= min_count.
  // With `up_to_horizon`, only the tracked horizons Band() reads for h <= up_to_horizon are
  // computed (those up to it and the next longer one); the others are left empty. Each tracked
  // horizon costs two selections among its residuals, so a short forecast skips most of them.
  Table Quantiles(double level, int min_count,
                  int64_t up_to_horizon = std::numeric_limits<int64_t>::max()) const;
  // Returns the (low, high) residual offsets for horizon h >= 1, or nullopt when no horizon up
  // to h has residuals.
  std::optional<std::pair<double, double>> Band(const Table& table, int64_t h) const;

  nlohmann::json SaveState() const;
  // Errors: InvalidArgument when `state` does not match this tracker's horizons and capacity.
  Status LoadState(const nlohmann::json& state);
  size_t StateBytes() const;

 private:
  struct Bucket {
    int64_t horizon = 1;
    std::vector<float> residuals;  // ring
    std::vector<float> sorted;     // the ring's `count` residuals in order, for the quantiles
    int head = 0;                  // next write position
    int count = 0;
    std::vector<int64_t> pending_slot;  // target slot of each pending prediction or kNoSlot
    std::vector<float> pending_value;
    int64_t scored_slot = kNoSlot;  // newest slot scored, for Revise
    float scored_prediction = 0;
  };
  static void Push(Bucket& b, float residual);
  // Replaces one occurrence of `old_value` in b.sorted with `new_value`, keeping it in order;
  // clears b.sorted when `old_value` is not there (a NaN), for the caller to Rebuild().
  static void Resort(Bucket& b, float old_value, float new_value);
  // Sets b.sorted to the first n residuals of the ring, in order.
  static void Rebuild(Bucket& b, int n);

  std::vector<Bucket> buckets_;
  int capacity_;
};

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_RESIDUAL_BANDS_H_
