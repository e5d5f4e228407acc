#include "forecast/ensemble/ensemble.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "crescendo/forecast/forecaster.h"
#include "forecast/model_registry.h"

namespace crescendo::forecast {
namespace {

constexpr double kMinMse = 1e-12;

struct EnsembleOptions {
  bool pick = false;
  std::vector<int64_t> horizons;  // tracked, shortest first
  double decay = 0.99;            // per scored forecast
  int64_t min_scored = 12;
  double within = 2.0;  // members whose MSE exceeds the best's by more take no part
};

// A member's rolling error at one horizon.
struct Score {
  double mse = 0;
  int64_t scored = 0;
  std::vector<int64_t> pending_slot;  // forecasts h ahead, by target slot mod h
  std::vector<double> pending_value;
  // Undo of the newest slot's scoring, for a revision.
  bool scored_newest = false;
  double previous_mse = 0;
  int64_t previous_scored = 0;
  double scored_prediction = 0;
};

struct Member {
  std::string spec;
  std::unique_ptr<PointModel> model;
  bool ready = false;
  std::vector<Score> scores;  // one per tracked horizon
};

nlohmann::json ScoreToJson(const Score& s) {
  return {{"mse", s.mse},
          {"scored", s.scored},
          {"pending_slot", s.pending_slot},
          {"pending_value", s.pending_value},
          {"undo", {s.scored_newest, s.previous_mse, s.previous_scored, s.scored_prediction}}};
}

StatusOr<Score> ScoreFromJson(const nlohmann::json& j, int64_t horizon) {
  Score s;
  s.mse = j.at("mse").get<double>();
  s.scored = j.at("scored").get<int64_t>();
  s.pending_slot = j.at("pending_slot").get<std::vector<int64_t>>();
  s.pending_value = j.at("pending_value").get<std::vector<double>>();
  const nlohmann::json& undo = j.at("undo");
  s.scored_newest = undo.at(0).get<bool>();
  s.previous_mse = undo.at(1).get<double>();
  s.previous_scored = undo.at(2).get<int64_t>();
  s.scored_prediction = undo.at(3).get<double>();
  if (s.pending_slot.size() != static_cast<size_t>(horizon) ||
      s.pending_value.size() != static_cast<size_t>(horizon)) {
    return InvalidArgumentError(
        "checkpoint: an ensemble member's pending forecasts do not match "
        "horizon " +
        std::to_string(horizon));
  }
  return s;
}

class EnsembleModel final : public PointModel {
 public:
  EnsembleModel(const EnsembleOptions& o, const ModelContext& context, std::vector<Member> members)
      : o_(o), context_(context), members_(std::move(members)) {}

  void Observe(int64_t slot, double value) override {
    newest_slot_ = slot;
    for (Member& m : members_) {
      for (size_t b = 0; b < o_.horizons.size(); ++b) {
        Score& s = m.scores[b];
        const size_t i = static_cast<size_t>(FloorMod(slot, o_.horizons[b]));
        s.scored_newest = s.pending_slot[i] == slot;
        if (!s.scored_newest) continue;
        s.previous_mse = s.mse, s.previous_scored = s.scored;
        s.scored_prediction = s.pending_value[i];
        Update(s, value);
      }
      m.model->Observe(slot, value);
    }
    Record();
  }

  void Revise(double value) override {
    for (Member& m : members_) {
      m.model->Revise(value);
      for (Score& s : m.scores) {
        if (!s.scored_newest) continue;
        s.mse = s.previous_mse, s.scored = s.previous_scored;
        Update(s, value);
      }
    }
    Record();
  }

  Status Ready() const override {
    for (const Member& m : members_) {
      if (m.ready) return Status::Ok();
    }
    return FailedPreconditionError("no member is ready; the first: " +
                                   members_.front().model->Ready().message());
  }

  std::optional<double> Predict(int64_t target) const override;
  double min_value() const override {
    double v = -std::numeric_limits<double>::infinity();
    for (const Member& m : members_) v = std::max(v, m.model->min_value());
    return v;
  }
  nlohmann::json SaveState() const override;
  Status LoadState(const nlohmann::json& state) override;
  size_t StateBytes() const override;

 private:
  void Update(Score& s, double value) const {
    const double e2 = (value - s.scored_prediction) * (value - s.scored_prediction);
    s.mse = s.scored == 0 ? e2 : o_.decay * s.mse + (1 - o_.decay) * e2;
    ++s.scored;
  }
  // Records every ready member's forecasts for newest + h at every tracked horizon.
  void Record() {
    for (Member& m : members_) {
      m.ready = m.model->Ready().ok();
      for (size_t b = 0; b < o_.horizons.size(); ++b) {
        const int64_t target = newest_slot_ + o_.horizons[b];
        const size_t i = static_cast<size_t>(FloorMod(target, o_.horizons[b]));
        const std::optional<double> p = m.ready ? m.model->Predict(target) : std::nullopt;
        m.scores[b].pending_slot[i] = p ? target : kNoSlot;
        m.scores[b].pending_value[i] = p ? *p : 0.0;
      }
    }
  }
  // The tracked horizon whose errors judge a forecast h slots ahead.
  size_t HorizonIndex(int64_t h) const {
    size_t b = 0;
    while (b + 1 < o_.horizons.size() && o_.horizons[b + 1] <= h) ++b;
    return b;
  }

  EnsembleOptions o_;
  ModelContext context_;
  std::vector<Member> members_;
  int64_t newest_slot_ = kNoSlot;
};

std::optional<double> EnsembleModel::Predict(int64_t target) const {
  const size_t b = HorizonIndex(target - newest_slot_);
  double best_mse = std::numeric_limits<double>::infinity();
  for (const Member& m : members_) {
    if (m.ready && m.scores[b].scored >= o_.min_scored) {
      best_mse = std::min(best_mse, m.scores[b].mse);
    }
  }
  const bool any_scored = best_mse < std::numeric_limits<double>::infinity();
  double weighted = 0, weights = 0, picked_mse = std::numeric_limits<double>::infinity();
  for (const Member& m : members_) {
    const Score& s = m.scores[b];
    if (!m.ready) continue;
    if (any_scored && (s.scored < o_.min_scored || s.mse > o_.within * best_mse)) continue;
    const std::optional<double> p = m.model->Predict(target);
    if (!p) continue;
    if (o_.pick && any_scored) {
      if (s.mse < picked_mse) picked_mse = s.mse, weighted = *p, weights = 1;
      continue;
    }
    const double w = any_scored ? 1 / std::max(s.mse, kMinMse) : 1.0;
    weighted += w * *p;
    weights += w;
  }
  if (weights == 0) return std::nullopt;
  return weighted / weights;
}

size_t EnsembleModel::StateBytes() const {
  size_t bytes = sizeof(*this) + o_.horizons.capacity() * sizeof(int64_t);
  for (const Member& m : members_) {
    bytes += sizeof(Member) + m.spec.capacity() + m.model->StateBytes();
    for (const Score& s : m.scores) {
      bytes += sizeof(Score) + s.pending_slot.capacity() * sizeof(int64_t) +
               s.pending_value.capacity() * sizeof(double);
    }
  }
  return bytes;
}

nlohmann::json EnsembleModel::SaveState() const {
  nlohmann::json members = nlohmann::json::array();
  for (const Member& m : members_) {
    nlohmann::json scores = nlohmann::json::array();
    for (const Score& s : m.scores) scores.push_back(ScoreToJson(s));
    members.push_back({{"spec", m.spec}, {"state", m.model->SaveState()}, {"scores", scores}});
  }
  return {{"newest_slot", newest_slot_}, {"members", members}};
}

Status EnsembleModel::LoadState(const nlohmann::json& state) {
  const nlohmann::json& saved = state.at("members");
  if (!saved.is_array() || saved.size() != members_.size()) {
    return InvalidArgumentError("checkpoint field 'members': expected " +
                                std::to_string(members_.size()) + " members");
  }
  std::vector<Member> loaded(members_.size());  // swapped in once every member loaded
  for (size_t i = 0; i < members_.size(); ++i) {
    const nlohmann::json& s = saved[i];
    Member& m = loaded[i];
    m.spec = members_[i].spec;
    if (s.at("spec").get<std::string>() != m.spec) {
      return InvalidArgumentError("checkpoint member " + std::to_string(i) + " is '" +
                                  s.at("spec").get<std::string>() + "', expected '" + m.spec + "'");
    }
    const nlohmann::json& scores = s.at("scores");
    if (!scores.is_array() || scores.size() != o_.horizons.size()) {
      return InvalidArgumentError("checkpoint member " + std::to_string(i) + ": expected " +
                                  std::to_string(o_.horizons.size()) + " tracked horizons");
    }
    for (size_t b = 0; b < o_.horizons.size(); ++b) {
      CRESCENDO_ASSIGN_OR_RETURN(Score score, ScoreFromJson(scores[b], o_.horizons[b]));
      m.scores.push_back(std::move(score));
    }
    CRESCENDO_ASSIGN_OR_RETURN(ForecasterSpec spec, ParseForecasterSpec(m.spec));
    CRESCENDO_ASSIGN_OR_RETURN(m.model, context_.registry->CreateModel(spec, context_));
    CRESCENDO_RETURN_IF_ERROR(m.model->LoadState(s.at("state")));
    m.ready = m.model->Ready().ok();
  }
  newest_slot_ = state.at("newest_slot").get<int64_t>();
  members_ = std::move(loaded);
  return Status::Ok();
}

StatusOr<std::vector<Member>> CreateMembers(const std::string& list,
                                            const std::vector<int64_t>& horizons,
                                            const ModelContext& context) {
  std::vector<Member> members;
  for (const std::string& text : SplitMembers(list)) {
    const std::string where = "ensemble member '" + text + "'";
    StatusOr<ForecasterSpec> spec = ParseForecasterSpec(text);
    if (!spec.ok()) return spec.status().WithContext(where);
    if (spec->name == "ensemble") return InvalidArgumentError(where + ": ensembles do not nest");
    StatusOr<std::unique_ptr<PointModel>> model = context.registry->CreateModel(*spec, context);
    if (!model.ok()) {
      return model.status().WithContext(where +
                                        " (step, interval and the residual parameters "
                                        "are set on the ensemble itself)");
    }
    Member m{.spec = FormatForecasterSpec(*spec), .model = std::move(model).value()};
    for (int64_t h : horizons) {
      Score s;
      s.pending_slot.assign(static_cast<size_t>(h), kNoSlot);
      s.pending_value.assign(static_cast<size_t>(h), 0.0);
      m.scores.push_back(std::move(s));
    }
    members.push_back(std::move(m));
  }
  if (members.empty()) {
    return InvalidArgumentError("ensemble: parameter members: expected at least one member");
  }
  return members;
}

}  // namespace

std::vector<std::string> SplitMembers(std::string_view text) {
  std::vector<std::string> out;
  int depth = 0;
  size_t begin = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ';';
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    if (c != ';' || depth > 0) continue;
    std::string item(text.substr(begin, i - begin));
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    begin = i + 1;
  }
  return out;
}

StatusOr<std::unique_ptr<PointModel>> CreateEnsembleModel(Params& params,
                                                          const ModelContext& context) {
  EnsembleOptions o;
  CRESCENDO_ASSIGN_OR_RETURN(std::string mode, params.GetString("mode", "weight"));
  if (mode != "weight" && mode != "pick") return params.Error("mode", "weight or pick");
  o.pick = mode == "pick";
  for (int64_t h = 1; h < context.max_horizon_slots; h *= 2) o.horizons.push_back(h);
  o.horizons.push_back(context.max_horizon_slots);
  CRESCENDO_ASSIGN_OR_RETURN(Duration half_life,
                             params.GetDuration("half_life", std::chrono::hours(6)));
  o.decay = std::pow(0.5, context.step / std::chrono::duration<double, std::nano>(half_life));
  CRESCENDO_ASSIGN_OR_RETURN(o.min_scored, params.GetInt("min_scored", 12, 1, 1000000));
  CRESCENDO_ASSIGN_OR_RETURN(o.within, params.GetDouble("within", 2.0, 1.0, 1e300));
  CRESCENDO_ASSIGN_OR_RETURN(std::string list,
                             params.GetString("members", std::string(kDefaultEnsembleMembers)));
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<Member> members, CreateMembers(list, o.horizons, context));
  return std::unique_ptr<PointModel>(
      std::make_unique<EnsembleModel>(o, context, std::move(members)));
}

}  // namespace crescendo::forecast
