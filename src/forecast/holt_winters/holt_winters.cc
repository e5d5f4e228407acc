#include "forecast/holt_winters/holt_winters.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "forecast/state_json.h"

namespace crescendo::forecast {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMinIndex = 1e-3;  // multiplicative indices stay in [kMinIndex, kMaxIndex]
constexpr double kMaxIndex = 1e3;

struct HoltWintersOptions {
  bool multiplicative = false;
  int64_t season = 1;         // m1, slots
  int64_t second_season = 0;  // m2, slots; 0 = none
  double alpha = 0.2;
  double beta = 0.01;
  double gamma = 0.2;
  double gamma2 = 0.2;
  double phi = 0.98;
};

class HoltWintersModel final : public PointModel {
 public:
  explicit HoltWintersModel(const HoltWintersOptions& o)
      : o_(o),
        s1_(static_cast<size_t>(o.season), o.second_season ? Neutral() : kNaN),
        s2_(static_cast<size_t>(o.second_season), kNaN) {}

  void Observe(int64_t slot, double value) override;
  void Revise(double value) override;
  Status Ready() const override;
  std::optional<double> Predict(int64_t target) const override;
  double min_value() const override {
    return o_.multiplicative ? 0.0 : -std::numeric_limits<double>::infinity();
  }
  nlohmann::json SaveState() const override;
  Status LoadState(const nlohmann::json& state) override;
  size_t StateBytes() const override {
    return sizeof(*this) + (s1_.capacity() + s2_.capacity()) * sizeof(double);
  }

 private:
  // The state an observation changes, so a revision can undo it.
  struct Undo {
    double level = 0, trend = 0, s1 = 0, s2 = 0;
    int64_t newest_slot = kNoSlot;
  };

  double Neutral() const { return o_.multiplicative ? 1.0 : 0.0; }
  // Until initialised, the longest season's array holds the raw warm-up values.
  std::vector<double>& WarmStore() { return o_.second_season ? s2_ : s1_; }
  int64_t WarmLength() const { return o_.second_season ? o_.second_season : o_.season; }
  double& S1(int64_t slot) { return s1_[static_cast<size_t>(FloorMod(slot, o_.season))]; }
  double& S2(int64_t slot) {
    return o_.second_season ? s2_[static_cast<size_t>(FloorMod(slot, o_.second_season))] : dummy_;
  }
  double S1(int64_t slot) const { return s1_[static_cast<size_t>(FloorMod(slot, o_.season))]; }
  double S2(int64_t slot) const {
    return o_.second_season ? s2_[static_cast<size_t>(FloorMod(slot, o_.second_season))]
                            : Neutral();
  }
  // Sum of phi^1 .. phi^h.
  double DampedSum(int64_t h) const {
    if (o_.phi == 1.0) return static_cast<double>(h);
    return o_.phi * (1 - std::pow(o_.phi, static_cast<double>(h))) / (1 - o_.phi);
  }
  double Remove(double y, double a, double b) const {
    if (!o_.multiplicative) return y - a - b;
    return a * b > 0 ? y / (a * b) : y;
  }
  double Apply(double base, double a, double b) const {
    return o_.multiplicative ? base * a * b : base + a + b;
  }
  double ClampIndex(double s) const {
    return o_.multiplicative ? std::clamp(s, kMinIndex, kMaxIndex) : s;
  }
  void Initialize();
  void Smooth(int64_t slot, double y);

  HoltWintersOptions o_;
  std::vector<double> s1_, s2_;  // seasonal indices by slot mod season (raw values in warm-up)
  double level_ = 0, trend_ = 0;
  int64_t first_slot_ = kNoSlot, newest_slot_ = kNoSlot;
  bool initialized_ = false;
  Undo undo_;
  double dummy_ = Neutral();  // S2() target when there is no second season
};

void HoltWintersModel::Initialize() {
  const std::vector<double> warm_values = WarmStore();  // by slot mod WarmLength()
  double sum = 0;
  int n = 0;
  for (double v : warm_values) {
    if (!std::isnan(v)) sum += v, ++n;
  }
  level_ = n > 0 ? sum / n : 0.0;
  trend_ = 0;
  const bool usable_level = !o_.multiplicative || level_ > 0;
  std::vector<double> s1_sum(s1_.size(), 0.0);
  std::vector<int> s1_n(s1_.size(), 0);
  auto slot_of = [&](int64_t i) { return first_slot_ + FloorMod(i - first_slot_, WarmLength()); };
  for (int64_t i = 0; i < WarmLength() && usable_level; ++i) {
    const double v = warm_values[static_cast<size_t>(i)];
    if (std::isnan(v)) continue;
    const size_t p = static_cast<size_t>(FloorMod(slot_of(i), o_.season));
    s1_sum[p] += Remove(v, level_, Neutral());
    ++s1_n[p];
  }
  for (size_t p = 0; p < s1_.size(); ++p) {
    s1_[p] = s1_n[p] > 0 ? ClampIndex(s1_sum[p] / s1_n[p]) : Neutral();
  }
  for (int64_t i = 0; i < static_cast<int64_t>(s2_.size()); ++i) {
    const double v = warm_values[static_cast<size_t>(i)];
    s2_[static_cast<size_t>(i)] =
        std::isnan(v) || !usable_level ? Neutral() : ClampIndex(Remove(v, level_, S1(slot_of(i))));
  }
  initialized_ = true;
  newest_slot_ = first_slot_ + WarmLength() - 1;
}

void HoltWintersModel::Smooth(int64_t slot, double y) {
  const int64_t gap = slot - newest_slot_ - 1;  // skipped slots
  if (gap > 0) {
    level_ += DampedSum(gap) * trend_;
    trend_ *= std::pow(o_.phi, static_cast<double>(gap));
  }
  double& s1 = S1(slot);
  double& s2 = S2(slot);
  const double old_s1 = s1, old_s2 = s2;
  const double base = level_ + o_.phi * trend_;
  double level = o_.alpha * Remove(y, old_s1, old_s2) + (1 - o_.alpha) * base;
  if (o_.multiplicative) level = std::max(level, 0.0);
  trend_ = o_.beta * (level - level_) + (1 - o_.beta) * o_.phi * trend_;
  level_ = level;
  const bool usable_level = !o_.multiplicative || level > 0;
  if (usable_level) {
    s1 = ClampIndex(o_.gamma * Remove(y, level, old_s2) + (1 - o_.gamma) * old_s1);
    if (o_.second_season) {
      s2 = ClampIndex(o_.gamma2 * Remove(y, level, old_s1) + (1 - o_.gamma2) * old_s2);
    }
  }
  newest_slot_ = slot;
}

void HoltWintersModel::Observe(int64_t slot, double value) {
  if (first_slot_ == kNoSlot) first_slot_ = slot;
  if (!initialized_ && slot < first_slot_ + WarmLength()) {
    WarmStore()[static_cast<size_t>(FloorMod(slot, WarmLength()))] = value;
    newest_slot_ = slot;
    return;
  }
  if (!initialized_) Initialize();
  undo_ = {level_, trend_, S1(slot), S2(slot), newest_slot_};
  Smooth(slot, value);
}

void HoltWintersModel::Revise(double value) {
  const int64_t slot = newest_slot_;
  if (!initialized_) {
    WarmStore()[static_cast<size_t>(FloorMod(slot, WarmLength()))] = value;
    return;
  }
  level_ = undo_.level;
  trend_ = undo_.trend;
  S1(slot) = undo_.s1;
  S2(slot) = undo_.s2;
  newest_slot_ = undo_.newest_slot;
  Smooth(slot, value);
}

Status HoltWintersModel::Ready() const {
  if (initialized_) return Status::Ok();
  return HistorySpan{first_slot_, newest_slot_}.ReadyAfter(WarmLength() + 1,
                                                           " (the longest season plus one)");
}

std::optional<double> HoltWintersModel::Predict(int64_t target) const {
  if (!initialized_) return std::nullopt;
  const double base = level_ + DampedSum(target - newest_slot_) * trend_;
  return Apply(base, S1(target), S2(target));
}

nlohmann::json HoltWintersModel::SaveState() const {
  return {{"level", level_},
          {"trend", trend_},
          {"s1", ArrayToJson<double>(s1_)},
          {"s2", ArrayToJson<double>(s2_)},
          {"first_slot", first_slot_},
          {"newest_slot", newest_slot_},
          {"initialized", initialized_},
          {"undo", {undo_.level, undo_.trend, undo_.s1, undo_.s2}},
          {"undo_newest_slot", undo_.newest_slot}};
}

Status HoltWintersModel::LoadState(const nlohmann::json& state) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<double> s1,
                             ArrayFromJson<double>(state, "s1", s1_.size()));
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<double> s2,
                             ArrayFromJson<double>(state, "s2", s2_.size()));
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<double> undo, ArrayFromJson<double>(state, "undo", 4));
  Undo u{undo[0], undo[1], undo[2], undo[3], state.at("undo_newest_slot").get<int64_t>()};
  const double level = state.at("level").get<double>();
  const double trend = state.at("trend").get<double>();
  const int64_t first_slot = state.at("first_slot").get<int64_t>();
  const int64_t newest_slot = state.at("newest_slot").get<int64_t>();
  initialized_ = state.at("initialized").get<bool>();
  s1_ = std::move(s1), s2_ = std::move(s2);
  level_ = level, trend_ = trend, first_slot_ = first_slot, newest_slot_ = newest_slot;
  undo_ = u;
  return Status::Ok();
}

StatusOr<std::unique_ptr<PointModel>> Create(Params& params, const ModelContext& context,
                                             bool multiplicative) {
  HoltWintersOptions o;
  o.multiplicative = multiplicative;
  CRESCENDO_ASSIGN_OR_RETURN(o.season,
                             params.GetSlots("season", std::chrono::hours(24), context.step));
  if (params.Has("second_season")) {
    CRESCENDO_ASSIGN_OR_RETURN(o.second_season,
                               params.GetSlots("second_season", Duration(0), context.step));
    if (o.second_season <= o.season) {
      return params.Error("second_season", "a season longer than season");
    }
  }
  CRESCENDO_ASSIGN_OR_RETURN(o.alpha, params.GetDouble("alpha", 0.2, 0, 1));
  CRESCENDO_ASSIGN_OR_RETURN(o.beta, params.GetDouble("beta", 0.01, 0, 1));
  CRESCENDO_ASSIGN_OR_RETURN(o.gamma, params.GetDouble("gamma", 0.2, 0, 1));
  CRESCENDO_ASSIGN_OR_RETURN(o.gamma2, params.GetDouble("gamma2", 0.2, 0, 1));
  CRESCENDO_ASSIGN_OR_RETURN(o.phi, params.GetDouble("damping", 0.98, 0, 1));
  return std::unique_ptr<PointModel>(std::make_unique<HoltWintersModel>(o));
}

}  // namespace

StatusOr<std::unique_ptr<PointModel>> CreateHoltWintersAdditiveModel(Params& params,
                                                                     const ModelContext& context) {
  return Create(params, context, /*multiplicative=*/false);
}

StatusOr<std::unique_ptr<PointModel>> CreateHoltWintersMultiplicativeModel(
    Params& params, const ModelContext& context) {
  return Create(params, context, /*multiplicative=*/true);
}

}  // namespace crescendo::forecast
