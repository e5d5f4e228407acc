// SlotForecaster: the Forecaster every built-in model is served through.
//
// It bins samples onto the slot grid (a slot's value is the mean of its samples: the first
// sample of a slot is observed, later ones revise it), rejects invalid samples, scores the
// model's own predictions into ResidualBands, builds Forecasts with residual intervals, clamps
// at zero for non-negative load, and writes and reads checkpoints. A point whose phase the model
// cannot predict (never observed) falls back to the last observed value.
//
// Thread safety: as Forecaster.
#ifndef CRESCENDO_SRC_FORECAST_SLOT_FORECASTER_H_
#define CRESCENDO_SRC_FORECAST_SLOT_FORECASTER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "crescendo/forecast/forecaster.h"
#include "forecast/point_model.h"
#include "forecast/residual_bands.h"

namespace crescendo::forecast {

struct SlotOptions {
  Duration step = std::chrono::minutes(1);  // REQUIRES: > 0
  double interval_level = 0.9;              // in (0, 1)
  int64_t max_horizon_slots = 60;           // >= 1
  int residual_capacity = 128;              // >= 1
  int min_residuals = 12;                   // one-step residuals before residual intervals
  bool nonnegative = true;
};

class SlotForecaster final : public Forecaster {
 public:
  // `spec` is the canonical spec text, checked by Restore(). REQUIRES: model != nullptr.
  SlotForecaster(std::string spec, const SlotOptions& options, std::unique_ptr<PointModel> model);

  const std::string& spec() const override { return spec_; }
  Status Update(Timestamp time, double value) override;
  StatusOr<::crescendo::Forecast> Forecast(Timestamp now, Duration horizon,
                                           Duration step) const override;
  std::string Checkpoint() const override;
  Status Restore(std::string_view checkpoint) override;
  size_t StateBytes() const override;

 private:
  int64_t SlotOf(Timestamp t) const;
  Status CheckSample(Timestamp time, double value, int64_t slot) const;
  Status CheckForecastArgs(Timestamp now, Duration horizon, Duration step) const;
  void RecordPredictions();
  // Returns the model's mean for `target` (the last value when it has none), clamped.
  double PointMean(int64_t target) const;
  double LastValue() const { return slot_sum_ / static_cast<double>(slot_samples_); }
  ForecastPoint MakePoint(Timestamp time, int64_t target, const ResidualBands::Table& table) const;
  Status LoadCheckpoint(const nlohmann::json& json);

  std::string spec_;
  SlotOptions options_;
  std::unique_ptr<PointModel> model_;
  ResidualBands bands_;
  int64_t newest_slot_ = kNoSlot;
  double slot_sum_ = 0;  // of the samples in the newest slot
  int64_t slot_samples_ = 0;
};

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_SLOT_FORECASTER_H_
