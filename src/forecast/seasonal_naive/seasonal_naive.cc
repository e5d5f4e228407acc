#include "forecast/seasonal_naive/seasonal_naive.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "forecast/state_json.h"

namespace crescendo::forecast {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

class SeasonalNaiveModel final : public PointModel {
 public:
  explicit SeasonalNaiveModel(int64_t season) : values_(static_cast<size_t>(season), kNaN) {}

  void Observe(int64_t slot, double value) override {
    span_.Observe(slot);
    values_[Phase(slot)] = value;
  }
  void Revise(double value) override { values_[Phase(span_.newest)] = value; }
  Status Ready() const override { return span_.ReadyAfter(Season(), " of a season"); }

  std::optional<double> Predict(int64_t target) const override {
    const double v = values_[Phase(target)];
    if (std::isnan(v)) return std::nullopt;
    return v;
  }

  nlohmann::json SaveState() const override {
    return {{"span", span_.ToJson()}, {"values", ArrayToJson<double>(values_)}};
  }
  Status LoadState(const nlohmann::json& state) override {
    CRESCENDO_ASSIGN_OR_RETURN(std::vector<double> values,
                               ArrayFromJson<double>(state, "values", values_.size()));
    span_ = HistorySpan::FromJson(state.at("span"));
    values_ = std::move(values);
    return Status::Ok();
  }
  size_t StateBytes() const override { return sizeof(*this) + values_.capacity() * sizeof(double); }

 private:
  int64_t Season() const { return static_cast<int64_t>(values_.size()); }
  size_t Phase(int64_t slot) const { return static_cast<size_t>(FloorMod(slot, Season())); }

  std::vector<double> values_;  // per phase; NaN = never observed
  HistorySpan span_;
};

}  // namespace

StatusOr<std::unique_ptr<PointModel>> CreateSeasonalNaiveModel(Params& params,
                                                               const ModelContext& context) {
  CRESCENDO_ASSIGN_OR_RETURN(int64_t season,
                             params.GetSlots("season", std::chrono::hours(24), context.step));
  return std::unique_ptr<PointModel>(std::make_unique<SeasonalNaiveModel>(season));
}

}  // namespace crescendo::forecast
