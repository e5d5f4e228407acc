#include "forecast/quantile/quantile.h"

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "forecast/state_json.h"
#include "forecast/stats.h"

namespace crescendo::forecast {
namespace {

constexpr int64_t kMaxCycles = 52;

class QuantileModel final : public PointModel {
 public:
  QuantileModel(int64_t season, int64_t cycles, double quantile)
      : season_(season),
        quantile_(quantile),
        values_(static_cast<size_t>(season * cycles), std::numeric_limits<float>::quiet_NaN()),
        row_cycle_(static_cast<size_t>(cycles), kNoSlot) {}

  void Observe(int64_t slot, double value) override {
    span_.Observe(slot);
    const int64_t cycle = FloorDiv(slot, season_);
    const size_t row = Row(cycle);
    if (row_cycle_[row] != cycle) {  // a new season: forget the one this row held
      std::fill_n(values_.begin() + static_cast<std::ptrdiff_t>(row) * season_, season_,
                  std::numeric_limits<float>::quiet_NaN());
      row_cycle_[row] = cycle;
    }
    Cell(slot) = static_cast<float>(value);
  }
  void Revise(double value) override { Cell(span_.newest) = static_cast<float>(value); }
  Status Ready() const override { return span_.ReadyAfter(season_, " of a season"); }

  std::optional<double> Predict(int64_t target) const override {
    std::array<double, kMaxCycles> sample;
    size_t n = 0;
    const int64_t newest_cycle = FloorDiv(span_.newest, season_);
    const size_t phase = static_cast<size_t>(FloorMod(target, season_));
    for (size_t row = 0; row < row_cycle_.size(); ++row) {
      const int64_t c = row_cycle_[row];
      if (c == kNoSlot || c <= newest_cycle - Cycles()) continue;  // older than `cycles`
      const float v = values_[row * static_cast<size_t>(season_) + phase];
      if (!std::isnan(v)) sample[n++] = v;
    }
    if (n == 0) return std::nullopt;
    return QuantileInPlace(std::span<double>(sample.data(), n), quantile_);
  }

  nlohmann::json SaveState() const override {
    return {{"span", span_.ToJson()},
            {"row_cycle", row_cycle_},
            {"values", ArrayToJson<float>(values_)}};
  }
  Status LoadState(const nlohmann::json& state) override {
    CRESCENDO_ASSIGN_OR_RETURN(std::vector<float> values,
                               ArrayFromJson<float>(state, "values", values_.size()));
    auto row_cycle = state.at("row_cycle").get<std::vector<int64_t>>();
    if (row_cycle.size() != row_cycle_.size()) {
      return InvalidArgumentError("checkpoint field 'row_cycle': expected " +
                                  std::to_string(row_cycle_.size()) + " values");
    }
    span_ = HistorySpan::FromJson(state.at("span"));
    values_ = std::move(values);
    row_cycle_ = std::move(row_cycle);
    return Status::Ok();
  }
  size_t StateBytes() const override {
    return sizeof(*this) + values_.capacity() * sizeof(float) +
           row_cycle_.capacity() * sizeof(int64_t);
  }

 private:
  int64_t Cycles() const { return static_cast<int64_t>(row_cycle_.size()); }
  size_t Row(int64_t cycle) const { return static_cast<size_t>(FloorMod(cycle, Cycles())); }
  float& Cell(int64_t slot) {
    return values_[Row(FloorDiv(slot, season_)) * static_cast<size_t>(season_) +
                   static_cast<size_t>(FloorMod(slot, season_))];
  }

  int64_t season_;
  double quantile_;
  std::vector<float> values_;       // row (cycle mod cycles) x phase
  std::vector<int64_t> row_cycle_;  // the cycle each row holds, kNoSlot if none
  HistorySpan span_;
};

}  // namespace

StatusOr<std::unique_ptr<PointModel>> CreateQuantileModel(Params& params,
                                                          const ModelContext& context) {
  CRESCENDO_ASSIGN_OR_RETURN(int64_t season,
                             params.GetSlots("season", std::chrono::hours(24), context.step));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t cycles, params.GetInt("cycles", 7, 1, kMaxCycles));
  CRESCENDO_ASSIGN_OR_RETURN(double quantile, params.GetDouble("quantile", 0.5, 0, 1));
  if (season * cycles > Params::kMaxSlots) {
    return params.Error(
        "cycles", "season * cycles of at most " + std::to_string(Params::kMaxSlots) + " steps");
  }
  return std::unique_ptr<PointModel>(std::make_unique<QuantileModel>(season, cycles, quantile));
}

}  // namespace crescendo::forecast
