// The `predictive` strategy: the Kubernetes HPA's proposal as the floor, an online forecaster
// per workload, and predictive::DecidePredictive to combine them (see predictive_strategy.h).
#include "engine/predictive/predictive_strategy.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "crescendo/forecast/registry.h"

namespace crescendo {
namespace {

// Readiness later than this after the pod started is a restart or a flapping probe, not the
// startup delay.
constexpr Duration kMaxStartupDelay = minutes(10);

struct ForecasterRecipe {
  std::string spec;  // canonical, interval set
  Duration step{};   // the forecaster's grid
};

// Returns the spec with interval = 2q - 1 unless given, and its grid step (1m by default).
StatusOr<ForecasterRecipe> Recipe(const PredictiveStrategyOptions& o) {
  CRESCENDO_ASSIGN_OR_RETURN(ForecasterSpec spec, ParseForecasterSpec(o.forecaster));
  if (!spec.params.contains("interval")) {
    spec.params["interval"] = fmt::format("{:g}", 2 * o.decision.quantile - 1);
  }
  ForecasterRecipe recipe{FormatForecasterSpec(spec), minutes(1)};
  if (auto it = spec.params.find("step"); it != spec.params.end()) {
    CRESCENDO_ASSIGN_OR_RETURN(recipe.step, ParseDuration(it->second));
  }
  CRESCENDO_RETURN_IF_ERROR(CreateForecaster(spec).status().WithContext("predictive forecaster"));
  return recipe;
}

Status ValidateDurations(const PredictiveStrategyOptions& o) {
  for (auto [field, d] : {std::pair{"default_startup_delay", o.default_startup_delay},
                          std::pair{"default_interval", o.default_interval},
                          std::pair{"startup_delay", o.startup_delay.value_or(seconds(1))}}) {
    if (d <= Duration::zero()) {
      return InvalidArgumentError(fmt::format("predictive: {} = {}: expected a positive duration",
                                              field, FormatDuration(d)));
    }
  }
  return Status::Ok();
}

// Moves each point's time to the start of the grid slot it predicts: the slot containing it,
// but never earlier than the slot after now's (the forecaster's rule, forecaster.h), so the
// core compares the load of a slot with the prediction made for that slot.
int64_t SlotOf(Timestamp t, Duration step) {
  const int64_t ns = t.time_since_epoch().count();
  const int64_t slot = ns / step.count();
  return ns % step.count() < 0 ? slot - 1 : slot;  // floor, also before the epoch
}

void AlignToSlots(Forecast& forecast, Timestamp now, Duration step) {
  const int64_t next_slot = SlotOf(now, step) + 1;
  for (ForecastPoint& p : forecast.points) {
    p.time = Timestamp(step * std::max(SlotOf(p.time, step), next_slot));
  }
}

double ToForecastSpace(LoadTransform t, double load, double load_per_replica) {
  return t == LoadTransform::kLog ? std::log1p(std::max(0.0, load) / load_per_replica) : load;
}

double FromForecastSpace(LoadTransform t, double y, double load_per_replica) {
  return t == LoadTransform::kLog ? load_per_replica * std::expm1(y) : y;
}

void MapBack(Forecast& forecast, LoadTransform t, double load_per_replica) {
  if (t == LoadTransform::kNone) return;
  for (ForecastPoint& p : forecast.points) {
    p.mean = FromForecastSpace(t, p.mean, load_per_replica);
    p.lower = FromForecastSpace(t, p.lower, load_per_replica);
    p.upper = FromForecastSpace(t, p.upper, load_per_replica);
  }
}

// Returns the mean of the forecast point that predicts the load at now + horizon: the last point
// due by then (points predict from their time until the next point's), else the first one;
// empty when the forecast has no points.
std::optional<double> LoadAtHorizon(const Forecast& forecast, Timestamp now, Duration horizon) {
  const ForecastPoint* at = nullptr;
  for (const ForecastPoint& p : forecast.points) {
    if (at != nullptr && p.time > now + horizon) break;
    at = &p;
  }
  return at == nullptr ? std::nullopt : std::optional(at->mean);
}

// One metric (or the default cpu) and no scale-down behavior of the owner's: the HPA's proposal
// then exceeds the load signal's need only through its default scale-down hold.
bool BelowReactiveAllowed(const HorizontalSpec& spec) {
  return spec.metrics.size() <= 1 && !(spec.behavior && spec.behavior->scale_down);
}

using Json = nlohmann::json;

int64_t Nanos(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp FromNanos(int64_t ns) { return Timestamp(Duration(ns)); }

Status StateError(std::string_view field, std::string_view expected) {
  return InvalidArgumentError(fmt::format("predictive state: {}: expected {}", field, expected));
}

Json MemoryToJson(const predictive::PredictiveMemory& m) {
  Json pending = Json::array(), proposals = Json::array();
  for (const predictive::PendingPrediction& p : m.pending) {
    pending.push_back({Nanos(p.time), p.lower, p.upper});
  }
  for (const predictive::TimestampedReplicas& p : m.proposals) {
    proposals.push_back({Nanos(p.time), p.replicas});
  }
  return {{"pending", std::move(pending)},
          {"proposals", std::move(proposals)},
          {"flash_until", Nanos(m.flash_until)},
          {"flash_replicas", m.flash_replicas},
          {"distrust_until", Nanos(m.distrust_until)}};
}

StatusOr<predictive::PredictiveMemory> MemoryFromJson(const Json& j) {
  predictive::PredictiveMemory m;
  if (!j.is_object()) return StateError("memory", "an object");
  for (const char* key : {"flash_until", "flash_replicas", "distrust_until"}) {
    if (!j.contains(key) || !j[key].is_number_integer()) {
      return StateError(fmt::format("memory.{}", key), "an integer");
    }
  }
  m.flash_until = FromNanos(j["flash_until"].get<int64_t>());
  m.flash_replicas = j["flash_replicas"].get<int32_t>();
  m.distrust_until = FromNanos(j["distrust_until"].get<int64_t>());
  const Json& pending = j.value("pending", Json());
  if (!pending.is_array() || pending.size() > predictive::PredictiveMemory::kMaxPending) {
    return StateError("memory.pending", "an array of at most 16 [time, lower, upper]");
  }
  for (const Json& p : pending) {
    if (!p.is_array() || p.size() != 3 || !p[0].is_number_integer() || !p[1].is_number() ||
        !p[2].is_number()) {
      return StateError("memory.pending[]", "[unix_nanos, lower, upper]");
    }
    m.pending.push_back({FromNanos(p[0].get<int64_t>()), p[1].get<float>(), p[2].get<float>()});
  }
  const Json& proposals = j.value("proposals", Json());
  if (!proposals.is_array()) return StateError("memory.proposals", "an array");
  for (const Json& p : proposals) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_number_integer() || !p[1].is_number_integer()) {
      return StateError("memory.proposals[]", "[unix_nanos, replicas]");
    }
    m.proposals.push_back({FromNanos(p[0].get<int64_t>()), p[1].get<int32_t>()});
  }
  return m;
}

// What the strategy keeps for one workload: the reactive floor's state, the forecaster and the
// core's memory.
struct PredictiveState final : StrategyState {
  std::unique_ptr<StrategyState> hpa;
  std::unique_ptr<Forecaster> forecaster;
  predictive::PredictiveMemory memory;
  std::optional<size_t> metric_index;  // the load signal's metric, fixed once read
  std::optional<Timestamp> last_tick;

  void CopyFrom(const StrategyState& other) override {
    const auto& o = static_cast<const PredictiveState&>(other);
    hpa->CopyFrom(*o.hpa);
    // Restoring a checkpoint of the same spec cannot fail.
    forecaster->Restore(o.forecaster->Checkpoint()).IgnoreError();
    memory = o.memory;
    metric_index = o.metric_index;
    last_tick = o.last_tick;
  }
  Json ToJson() const override {
    return {{"hpa", hpa->ToJson()},
            {"forecaster", Json::parse(forecaster->Checkpoint())},
            {"memory", MemoryToJson(memory)},
            {"metric_index", metric_index ? Json(*metric_index) : Json(nullptr)},
            {"last_tick", last_tick ? Json(Nanos(*last_tick)) : Json(nullptr)}};
  }
  size_t Bytes() const override {
    return sizeof(*this) + hpa->Bytes() + forecaster->StateBytes() +
           memory.pending.capacity() * sizeof(predictive::PendingPrediction) +
           memory.proposals.capacity() * sizeof(predictive::TimestampedReplicas);
  }
};

class PredictiveStrategyImpl final : public PredictiveStrategy {
 public:
  PredictiveStrategyImpl(const PredictiveStrategyOptions& options, ForecasterRecipe recipe)
      : options_(options),
        recipe_(std::move(recipe)),
        hpa_(hpa::NewKubernetesHpaRecommender(options.hpa)) {}

  std::string_view name() const override { return "predictive"; }
  std::unique_ptr<StrategyState> NewState() const override;
  StatusOr<std::unique_ptr<StrategyState>> RestoreState(const Json& json) const override;
  Proposal Recommend(const HorizontalContext& ctx, StrategyState& state) const override;
  void Commit(StrategyState& state, int32_t current, int32_t applied,
              Timestamp now) const override {
    hpa_->Commit(*static_cast<PredictiveState&>(state).hpa, current, applied, now);
  }

 private:
  Duration StartupDelay(const WorkloadState& w) const;
  // Feeds the load to the forecaster and fills the input's load and forecast.
  void Observe(const HorizontalContext& ctx, PredictiveState& p, Duration horizon,
               predictive::PredictiveInput& in, Forecast& forecast) const;

  const PredictiveStrategyOptions options_;
  const ForecasterRecipe recipe_;
  const std::unique_ptr<HorizontalRecommender> hpa_;
};

std::unique_ptr<StrategyState> PredictiveStrategyImpl::NewState() const {
  auto p = std::make_unique<PredictiveState>();
  p->hpa = hpa_->NewState();
  // The spec was created once in NewPredictiveStrategy: creating it again cannot fail.
  p->forecaster = std::move(CreateForecaster(recipe_.spec)).value();
  return p;
}

StatusOr<std::unique_ptr<StrategyState>> PredictiveStrategyImpl::RestoreState(
    const Json& json) const {
  if (!json.is_object()) return StateError("(root)", "an object");
  auto out = std::make_unique<PredictiveState>();
  if (!json.contains("hpa")) return StateError("hpa", "the reactive floor's state");
  CRESCENDO_ASSIGN_OR_RETURN(out->hpa, hpa_->RestoreState(json["hpa"]));
  out->forecaster = std::move(CreateForecaster(recipe_.spec)).value();
  if (!json.contains("forecaster")) return StateError("forecaster", "a forecaster checkpoint");
  CRESCENDO_RETURN_IF_ERROR(
      out->forecaster->Restore(json["forecaster"].dump()).WithContext("predictive state"));
  if (!json.contains("memory")) return StateError("memory", "an object");
  CRESCENDO_ASSIGN_OR_RETURN(out->memory, MemoryFromJson(json["memory"]));
  const Json& index = json.value("metric_index", Json());
  if (index.is_number_unsigned()) {
    out->metric_index = index.get<size_t>();
  } else if (!index.is_null()) {
    return StateError("metric_index", "a metric index or null");
  }
  const Json& last = json.value("last_tick", Json());
  if (last.is_number_integer()) {
    out->last_tick = FromNanos(last.get<int64_t>());
  } else if (!last.is_null()) {
    return StateError("last_tick", "unix nanoseconds or null");
  }
  return std::unique_ptr<StrategyState>(std::move(out));
}

Duration PredictiveStrategyImpl::StartupDelay(const WorkloadState& w) const {
  if (options_.startup_delay) return *options_.startup_delay;
  std::optional<Duration> longest;
  for (const PodState& pod : w.pods) {
    const Duration d = pod.ready_transition_time - pod.start_time;
    if (!pod.ready || d < Duration::zero() || d > kMaxStartupDelay) continue;
    longest = std::max(longest.value_or(d), d);
  }
  return longest.value_or(options_.default_startup_delay);
}

void PredictiveStrategyImpl::Observe(const HorizontalContext& ctx, PredictiveState& p,
                                     Duration horizon, predictive::PredictiveInput& in,
                                     Forecast& forecast) const {
  StatusOr<predictive::LoadSignal> signal = predictive::ReadLoadSignal(ctx, p.metric_index);
  if (!signal.ok()) {
    in.no_forecast_reason = signal.status().message();
    return;
  }
  p.metric_index = signal->metric_index;
  in.observed_load = signal->load;
  in.load_per_replica = signal->load_per_replica;
  const double y = ToForecastSpace(options_.transform, signal->load, signal->load_per_replica);
  if (Status s = p.forecaster->Update(ctx.now, y); !s.ok()) {
    in.no_forecast_reason = s.message();
    return;
  }
  StatusOr<Forecast> f = p.forecaster->Forecast(ctx.now, horizon, std::min(horizon, recipe_.step));
  if (!f.ok()) {
    in.no_forecast_reason = f.status().message();
    return;
  }
  forecast = *std::move(f);
  MapBack(forecast, options_.transform, signal->load_per_replica);
  AlignToSlots(forecast, ctx.now, recipe_.step);
  in.forecast = &forecast;
}

Proposal PredictiveStrategyImpl::Recommend(const HorizontalContext& ctx,
                                           StrategyState& state) const {
  auto& p = static_cast<PredictiveState&>(state);
  Proposal proposal = hpa_->Recommend(ctx, *p.hpa);
  const Duration interval =
      p.last_tick && ctx.now > *p.last_tick ? ctx.now - *p.last_tick : options_.default_interval;
  p.last_tick = ctx.now;
  predictive::PredictiveInput in{.now = ctx.now,
                                 .current_replicas = ctx.workload->spec_replicas,
                                 .reactive_replicas = proposal.desired_replicas,
                                 .below_reactive_allowed = BelowReactiveAllowed(*ctx.spec),
                                 .min_replicas = ctx.spec->min_replicas,
                                 .max_replicas = ctx.spec->max_replicas};
  in.horizon = StartupDelay(*ctx.workload) + interval;
  Forecast forecast;
  Observe(ctx, p, in.horizon, in, forecast);
  if (in.forecast != nullptr) proposal.forecast_load = LoadAtHorizon(forecast, ctx.now, in.horizon);
  predictive::PredictiveDecision d =
      predictive::DecidePredictive(in, std::move(p.memory), options_.decision);
  p.memory = std::move(d.memory);
  proposal.trace.insert(proposal.trace.end(), std::make_move_iterator(d.trace.begin()),
                        std::make_move_iterator(d.trace.end()));
  proposal.desired_replicas = d.desired_replicas;
  return proposal;
}

}  // namespace

StatusOr<std::unique_ptr<PredictiveStrategy>> NewPredictiveStrategy(
    const PredictiveStrategyOptions& options) {
  CRESCENDO_RETURN_IF_ERROR(options.decision.Validate());
  CRESCENDO_RETURN_IF_ERROR(ValidateDurations(options));
  CRESCENDO_ASSIGN_OR_RETURN(ForecasterRecipe recipe, Recipe(options));
  return std::unique_ptr<PredictiveStrategy>(
      new PredictiveStrategyImpl(options, std::move(recipe)));
}

namespace {

Status ParamError(const std::string& key, const std::string& value, std::string_view expected) {
  return InvalidArgumentError(
      fmt::format("predictive: parameter {} = \"{}\": expected {}", key, value, expected));
}

Status SetNumber(const std::string& key, const std::string& value, double& out) {
  double v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(v)) {
    return ParamError(key, value, "a number");
  }
  out = v;
  return Status::Ok();
}

Status SetDuration(const std::string& key, const std::string& value, Duration& out) {
  StatusOr<Duration> d = ParseDuration(value);
  if (!d.ok()) return ParamError(key, value, "a Go duration such as 30s or 5m");
  out = *d;
  return Status::Ok();
}

Status SetParam(const std::string& key, const std::string& value, PredictiveStrategyOptions& o) {
  predictive::PredictiveSettings& s = o.decision;
  const std::map<std::string_view, double*> numbers = {
      {"quantile", &s.quantile},           {"max_relative_width", &s.max_relative_width},
      {"band_quantile", &s.band_quantile}, {"band_margin", &s.band_margin},
      {"tolerance", &s.tolerance},         {"flash_max_growth", &s.flash_max_growth}};
  const std::map<std::string_view, Duration*> durations = {
      {"flash_hold", &s.flash_hold},
      {"below_band_hold", &s.below_band_hold},
      {"scale_down_stabilization", &s.scale_down_stabilization},
      {"default_startup_delay", &o.default_startup_delay},
      {"default_interval", &o.default_interval}};
  if (auto it = numbers.find(key); it != numbers.end()) return SetNumber(key, value, *it->second);
  if (auto it = durations.find(key); it != durations.end()) {
    return SetDuration(key, value, *it->second);
  }
  if (key == "startup_delay") {
    Duration d{};
    CRESCENDO_RETURN_IF_ERROR(SetDuration(key, value, d));
    o.startup_delay = d;
    return Status::Ok();
  }
  if (key == "forecaster") {
    o.forecaster = value;
    return Status::Ok();
  }
  if (key == "transform") {
    if (value != "log" && value != "none") return ParamError(key, value, "log or none");
    o.transform = value == "log" ? LoadTransform::kLog : LoadTransform::kNone;
    return Status::Ok();
  }
  if (key == "scale_down_ahead") {
    if (value != "true" && value != "false") return ParamError(key, value, "true or false");
    s.scale_down_ahead = value == "true";
    return Status::Ok();
  }
  // The known names, derived from the tables above so the message cannot drift from them.
  std::vector<std::string_view> known = {"forecaster", "scale_down_ahead", "startup_delay",
                                         "transform"};
  for (const auto& [name, field] : numbers) known.push_back(name);
  for (const auto& [name, field] : durations) known.push_back(name);
  std::sort(known.begin(), known.end());
  return InvalidArgumentError(
      fmt::format("predictive: unknown parameter \"{}\" (known: {})", key, fmt::join(known, ", ")));
}

}  // namespace

StatusOr<PredictiveStrategyOptions> PredictiveOptionsFromParams(
    const std::map<std::string, std::string>& params) {
  PredictiveStrategyOptions options;
  for (const auto& [key, value] : params) {
    CRESCENDO_RETURN_IF_ERROR(SetParam(key, value, options));
  }
  return options;
}

std::unique_ptr<HorizontalRecommender> NewDefaultPredictiveStrategy() {
  // The default options are valid (predictive_strategy_test checks it).
  return std::move(NewPredictiveStrategy(PredictiveStrategyOptions{})).value();
}

}  // namespace crescendo
