#include "forecast/slot_forecaster.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

#include "forecast/state_json.h"

namespace crescendo::forecast {
namespace {

constexpr char kFormat[] = "crescendo.forecast.v1";
constexpr int64_t kMaxPoints = 100000;

}  // namespace

SlotForecaster::SlotForecaster(std::string spec, const SlotOptions& options,
                               std::unique_ptr<PointModel> model)
    : spec_(std::move(spec)),
      options_(options),
      model_(std::move(model)),
      bands_(options.max_horizon_slots, options.residual_capacity) {
  assert(model_ != nullptr && options_.step > Duration::zero());
}

int64_t SlotForecaster::SlotOf(Timestamp t) const {
  return FloorDiv(t.time_since_epoch().count(), options_.step.count());
}

Status SlotForecaster::CheckSample(Timestamp time, double value, int64_t slot) const {
  auto where = [&] { return spec_ + ": sample at " + FormatRfc3339(time); };
  if (!std::isfinite(value)) {
    return InvalidArgumentError(where() + " has value " + std::to_string(value) +
                                "; expected a finite number (leave a missing sample out)");
  }
  if (value < model_->min_value()) {
    return InvalidArgumentError(where() + " has value " + std::to_string(value) +
                                "; expected a value >= " + std::to_string(model_->min_value()));
  }
  if (newest_slot_ != kNoSlot && slot < newest_slot_) {
    return InvalidArgumentError(where() + " is older than the newest sample's slot starting at " +
                                FormatRfc3339(Timestamp(options_.step * newest_slot_)) +
                                "; expected samples in time order");
  }
  return Status::Ok();
}

Status SlotForecaster::Update(Timestamp time, double value) {
  const int64_t slot = SlotOf(time);
  CRESCENDO_RETURN_IF_ERROR(CheckSample(time, value, slot));
  if (slot == newest_slot_) {
    slot_sum_ += value;
    ++slot_samples_;
    model_->Revise(LastValue());
    bands_.Revise(slot, LastValue());
  } else {
    model_->Observe(slot, value);
    bands_.Score(slot, value);
    newest_slot_ = slot;
    slot_sum_ = value;
    slot_samples_ = 1;
  }
  RecordPredictions();
  return Status::Ok();
}

double SlotForecaster::PointMean(int64_t target) const {
  const std::optional<double> p = model_->Predict(target);
  const double mean = p ? *p : LastValue();
  return options_.nonnegative ? std::max(0.0, mean) : mean;
}

void SlotForecaster::RecordPredictions() {
  const bool ready = model_->Ready().ok();
  bands_.Record(newest_slot_, [&](int64_t target) -> std::optional<double> {
    if (!ready) return std::nullopt;
    return PointMean(target);
  });
}

Status SlotForecaster::CheckForecastArgs(Timestamp now, Duration horizon, Duration step) const {
  if (horizon <= Duration::zero() || step <= Duration::zero()) {
    return InvalidArgumentError(spec_ + ": forecast horizon " + FormatDuration(horizon) +
                                " and step " + FormatDuration(step) + ": expected both positive");
  }
  if (horizon / step > kMaxPoints) {
    return InvalidArgumentError(spec_ + ": forecast of " + std::to_string(horizon / step) +
                                " points; expected at most " + std::to_string(kMaxPoints));
  }
  if (newest_slot_ == kNoSlot) {
    return FailedPreconditionError(spec_ + ": warming up: no sample observed yet");
  }
  if (SlotOf(now) < newest_slot_) {
    return InvalidArgumentError(spec_ + ": forecast at " + FormatRfc3339(now) +
                                " is before the newest sample's slot; expected now >= " +
                                FormatRfc3339(Timestamp(options_.step * newest_slot_)));
  }
  return Status::Ok();
}

ForecastPoint SlotForecaster::MakePoint(Timestamp time, int64_t target,
                                        const ResidualBands::Table& table) const {
  ForecastPoint point{.time = time, .mean = PointMean(target)};
  const auto band = bands_.Band(table, target - newest_slot_);
  point.lower = point.mean + (band ? band->first : 0.0);
  point.upper = point.mean + (band ? band->second : 0.0);
  if (options_.nonnegative) {
    point.lower = std::max(0.0, point.lower);
    point.upper = std::max(0.0, point.upper);
  }
  point.lower = std::min(point.lower, point.mean);
  point.upper = std::max(point.upper, point.mean);
  return point;
}

StatusOr<::crescendo::Forecast> SlotForecaster::Forecast(Timestamp now, Duration horizon,
                                                         Duration step) const {
  CRESCENDO_RETURN_IF_ERROR(CheckForecastArgs(now, horizon, step));
  if (Status ready = model_->Ready(); !ready.ok()) return ready.WithContext(spec_);
  if (bands_.one_step_count() < options_.min_residuals) {
    return FailedPreconditionError(
        spec_ + ": warming up: " + std::to_string(bands_.one_step_count()) + " of " +
        std::to_string(options_.min_residuals) + " one-step residuals needed for the interval");
  }
  const int64_t n = horizon / step;
  const int64_t last_target = std::max(SlotOf(now + step * n), newest_slot_ + 1);
  const ResidualBands::Table table =
      bands_.Quantiles(options_.interval_level, 1, last_target - newest_slot_);
  ::crescendo::Forecast out;
  out.interval_level = options_.interval_level;
  out.points.reserve(static_cast<size_t>(n));
  for (int64_t k = 1; k <= n; ++k) {
    const Timestamp t = now + step * k;
    out.points.push_back(MakePoint(t, std::max(SlotOf(t), newest_slot_ + 1), table));
  }
  return out;
}

std::string SlotForecaster::Checkpoint() const {
  nlohmann::json json = {{"format", kFormat},
                         {"spec", spec_},
                         {"newest_slot", newest_slot_},
                         {"slot_sum", slot_sum_},
                         {"slot_samples", slot_samples_},
                         {"model", model_->SaveState()},
                         {"residuals", bands_.SaveState()}};
  return json.dump();
}

Status SlotForecaster::LoadCheckpoint(const nlohmann::json& json) {
  ResidualBands bands = bands_;
  CRESCENDO_RETURN_IF_ERROR(bands.LoadState(json.at("residuals")));
  const int64_t newest_slot = json.at("newest_slot").get<int64_t>();
  const double slot_sum = json.at("slot_sum").get<double>();
  const int64_t slot_samples = json.at("slot_samples").get<int64_t>();
  CRESCENDO_RETURN_IF_ERROR(model_->LoadState(json.at("model")));
  bands_ = std::move(bands);
  newest_slot_ = newest_slot;
  slot_sum_ = slot_sum;
  slot_samples_ = slot_samples;
  return Status::Ok();
}

Status SlotForecaster::Restore(std::string_view checkpoint) {
  const nlohmann::json json =
      nlohmann::json::parse(checkpoint, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object() || json.value("format", "") != kFormat) {
    return InvalidArgumentError(spec_ + ": restore: expected a checkpoint of format " +
                                std::string(kFormat));
  }
  if (json.value("spec", "") != spec_) {
    return InvalidArgumentError(spec_ + ": restore: the checkpoint is of forecaster '" +
                                json.value("spec", "") + "'");
  }
  try {
    return LoadCheckpoint(json).WithContext(spec_ + ": restore");
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(spec_ + ": restore: malformed checkpoint: " + e.what());
  }
}

size_t SlotForecaster::StateBytes() const {
  return sizeof(*this) + spec_.capacity() + model_->StateBytes() + bands_.StateBytes() -
         sizeof(ResidualBands);
}

}  // namespace crescendo::forecast
