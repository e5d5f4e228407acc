// DecidePredictive: the pure core of the predictive strategy (see predictive.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <span>

#include "crescendo/horizontal/predictive.h"

namespace crescendo::predictive {
namespace {

// A prediction older than this when its time comes is not compared with the load (the signal
// or the forecast was missing in between).
constexpr Duration kMaxPredictionAge = minutes(5);

enum class Band { kUnknown, kInside, kAbove, kBelow };

// Returns the newest prediction made for a time not after `now`, and forgets those.
std::optional<PendingPrediction> TakeExpected(std::vector<PendingPrediction>& pending,
                                              Timestamp now) {
  auto end = std::upper_bound(pending.begin(), pending.end(), now,
                              [](Timestamp t, const PendingPrediction& p) { return t < p.time; });
  if (end == pending.begin()) return std::nullopt;
  const PendingPrediction expected = *(end - 1);
  pending.erase(pending.begin(), end);
  if (now - expected.time > kMaxPredictionAge) return std::nullopt;
  return expected;
}

// Keeps the bands of `forecast`'s points as predictions; they replace older ones from the first
// point's time on.
void Remember(std::vector<PendingPrediction>& pending, const Forecast& forecast,
              const PredictiveSettings& s) {
  if (forecast.points.empty()) return;
  const Timestamp first = forecast.points.front().time;
  std::erase_if(pending, [first](const PendingPrediction& p) { return p.time >= first; });
  for (const ForecastPoint& p : forecast.points) {
    const double lower = ForecastQuantile(p, forecast.interval_level, 1 - s.band_quantile);
    const double upper = ForecastQuantile(p, forecast.interval_level, s.band_quantile);
    pending.push_back({p.time, static_cast<float>(std::max(0.0, lower) * (1 - s.band_margin)),
                       static_cast<float>(upper * (1 + s.band_margin))});
  }
  if (pending.size() > PredictiveMemory::kMaxPending) {
    pending.erase(pending.begin(), pending.end() - PredictiveMemory::kMaxPending);
  }
}

Band BandOf(std::optional<double> observed, const std::optional<PendingPrediction>& expected) {
  if (!observed || !expected) return Band::kUnknown;
  if (*observed > expected->upper) return Band::kAbove;
  if (*observed < expected->lower) return Band::kBelow;
  return Band::kInside;
}

int32_t ReplicasFor(double load, const PredictiveInput& in) {
  const double replicas = std::ceil(load / in.load_per_replica - 1e-9);
  const double clamped = std::clamp(replicas, static_cast<double>(in.min_replicas),
                                    static_cast<double>(in.max_replicas));
  return static_cast<int32_t>(clamped);
}

// Returns the widest spread Q(q) - Q(1 - q) of a point relative to max(mean, load_per_replica).
double RelativeSpread(std::span<const ForecastPoint> points, double level, double q,
                      double load_per_replica) {
  double widest = 0;
  for (const ForecastPoint& p : points) {
    const double spread = ForecastQuantile(p, level, q) - ForecastQuantile(p, level, 1 - q);
    widest = std::max(widest, spread / std::max(p.mean, load_per_replica));
  }
  return widest;
}

double PeakAtQuantile(std::span<const ForecastPoint> points, double level, double q) {
  double peak = 0;
  for (const ForecastPoint& p : points) peak = std::max(peak, ForecastQuantile(p, level, q));
  return peak;
}

// Returns the points due within the horizon (time <= now + horizon), and always the first one:
// the next slot starts within one grid step, and whether it falls inside the horizon depends only
// on the phase of the tick within the slot, which must not make the count flap.
std::span<const ForecastPoint> Due(const PredictiveInput& in) {
  const std::vector<ForecastPoint>& points = in.forecast->points;
  auto end = std::upper_bound(points.begin(), points.end(), in.now + in.horizon,
                              [](Timestamp t, const ForecastPoint& p) { return t < p.time; });
  if (end == points.begin() && !points.empty()) ++end;
  return {points.begin(), end};
}

struct Choice {
  int32_t replicas = 0;
  std::string reason;
};

// Above the band: replicas for the load times its surprise, kept until the hold ends.
Choice FlashCrowd(const PredictiveInput& in, Band band, const std::optional<PendingPrediction>& e,
                  bool held, const PredictiveSettings& s, PredictiveDecision& d) {
  d.mode = PredictiveMode::kFlashCrowd;
  PredictiveMemory& m = d.memory;
  if (band != Band::kAbove) {
    return {std::max(in.reactive_replicas, m.flash_replicas),
            fmt::format("FlashCrowd: within {} of load above its band, holding {}; reactive {}",
                        FormatDuration(s.flash_hold), m.flash_replicas, in.reactive_replicas)};
  }
  const double surprise = *in.observed_load / std::max<double>(e->upper, 1e-9);
  const double growth = std::min(surprise, s.flash_max_growth);
  const int32_t needed = ReplicasFor(*in.observed_load * growth, in);
  m.flash_replicas = held ? std::max(m.flash_replicas, needed) : needed;
  return {std::max(in.reactive_replicas, m.flash_replicas),
          fmt::format("FlashCrowd: load {:.6g} above its band (upper {:.6g}); {} replicas for "
                      "it x{:.3g}, holding {}; reactive {}",
                      *in.observed_load, e->upper, needed, growth, m.flash_replicas,
                      in.reactive_replicas)};
}

// The peak over the horizon is the larger of the load now and the quantile of the points due.
Choice ScaleAhead(const PredictiveInput& in, std::span<const ForecastPoint> due,
                  const PredictiveSettings& s, PredictiveDecision& d) {
  d.peak_load =
      std::max(*in.observed_load, PeakAtQuantile(due, in.forecast->interval_level, s.quantile));
  d.forecast_replicas = ReplicasFor(*d.peak_load, in);
  // The HPA's tolerance: a peak within it of what the current count carries at the target keeps
  // the count, so noise does not flap it.
  const double ratio = *d.peak_load / (in.load_per_replica * std::max(in.current_replicas, 1));
  if (std::abs(ratio - 1) <= s.tolerance) {
    d.forecast_replicas = std::clamp(in.current_replicas, in.min_replicas, in.max_replicas);
  }
  if (*d.forecast_replicas > in.reactive_replicas) {
    d.mode = PredictiveMode::kScaleAhead;
  } else if (s.scale_down_ahead && in.below_reactive_allowed &&
             *d.forecast_replicas < in.reactive_replicas) {
    d.mode = PredictiveMode::kScaleDownAhead;
  } else {
    d.mode = PredictiveMode::kReactiveFloor;
  }
  const int32_t proposed =
      d.mode == PredictiveMode::kReactiveFloor ? in.reactive_replicas : *d.forecast_replicas;
  return {
      proposed,
      fmt::format("{}: peak {:.6g} of the load now and its forecast (quantile {:g}) over "
                  "{} needs {} replicas at {:.6g} each; reactive {}",
                  PredictiveModeName(d.mode), *d.peak_load, s.quantile, FormatDuration(in.horizon),
                  *d.forecast_replicas, in.load_per_replica, in.reactive_replicas)};
}

// Returns the choice once the forecast is trusted: reactive when it is uncertain, else ahead.
Choice Trusted(const PredictiveInput& in, const PredictiveSettings& s, PredictiveDecision& d) {
  const std::span<const ForecastPoint> due = Due(in);
  const double spread =
      RelativeSpread(due, in.forecast->interval_level, s.quantile, in.load_per_replica);
  if (spread > s.max_relative_width) {
    d.mode = PredictiveMode::kUncertain;
    return {in.reactive_replicas,
            fmt::format("Uncertain: forecast spread {:.3g} x its mean, above {:g}; reactive {}",
                        spread, s.max_relative_width, in.reactive_replicas)};
  }
  return ScaleAhead(in, due, s, d);
}

Choice Choose(const PredictiveInput& in, const PredictiveSettings& s, PredictiveDecision& d) {
  const std::optional<PendingPrediction> expected = TakeExpected(d.memory.pending, in.now);
  const Band band = BandOf(in.observed_load, expected);
  const bool held = in.now < d.memory.flash_until;  // by an earlier tick above the band
  if (band == Band::kAbove) d.memory.flash_until = in.now + s.flash_hold;
  if (band == Band::kBelow) d.memory.distrust_until = in.now + s.below_band_hold;
  if (in.forecast != nullptr) Remember(d.memory.pending, *in.forecast, s);
  const int32_t reactive = in.reactive_replicas;
  // Both arms string_views: with a string literal and a std::string the conditional would be a
  // temporary std::string, gone before `why` is read.
  const std::string_view why = in.no_forecast_reason.empty()
                                   ? std::string_view("no forecast")
                                   : std::string_view(in.no_forecast_reason);
  if (!in.observed_load) {
    d.mode = PredictiveMode::kNoForecast;
    return {reactive, fmt::format("NoForecast: no load signal ({}); reactive {}", why, reactive)};
  }
  if (band == Band::kAbove || held) return FlashCrowd(in, band, expected, held, s, d);
  if (band == Band::kBelow || in.now < d.memory.distrust_until) {
    d.mode = PredictiveMode::kBelowBand;
    return {reactive, fmt::format("BelowBand: load {:.6g} fell below its predicted band; "
                                  "reactive {}",
                                  *in.observed_load, reactive)};
  }
  if (in.forecast == nullptr || in.forecast->points.empty()) {
    d.mode = PredictiveMode::kNoForecast;
    return {reactive, fmt::format("NoForecast: {}; reactive {}", why, reactive)};
  }
  return Trusted(in, s, d);
}

// Returns the count after scale-down stabilization over the window's proposals.
int32_t Stabilize(const PredictiveInput& in, int32_t proposed, const PredictiveSettings& s,
                  std::vector<TimestampedReplicas>& proposals) {
  const Timestamp cutoff = in.now - s.scale_down_stabilization;
  std::erase_if(proposals, [cutoff](const TimestampedReplicas& r) { return r.time <= cutoff; });
  proposals.push_back({in.now, proposed});
  if (proposed >= in.current_replicas) return proposed;
  int32_t highest = proposed;
  for (const TimestampedReplicas& r : proposals) highest = std::max(highest, r.replicas);
  return std::min(in.current_replicas, highest);
}

}  // namespace

std::string_view PredictiveModeName(PredictiveMode mode) {
  switch (mode) {
    case PredictiveMode::kScaleAhead:
      return "ScaleAhead";
    case PredictiveMode::kReactiveFloor:
      return "ReactiveFloor";
    case PredictiveMode::kScaleDownAhead:
      return "ScaleDownAhead";
    case PredictiveMode::kNoForecast:
      return "NoForecast";
    case PredictiveMode::kUncertain:
      return "Uncertain";
    case PredictiveMode::kFlashCrowd:
      return "FlashCrowd";
    case PredictiveMode::kBelowBand:
      return "BelowBand";
  }
  return "Unknown";
}

Status PredictiveSettings::Validate() const {
  auto bad = [](std::string_view field, double value, std::string_view expected) {
    return InvalidArgumentError(
        fmt::format("predictive: {} = {:g}: expected {}", field, value, expected));
  };
  if (!(quantile > 0.5 && quantile < 1)) return bad("quantile", quantile, "in (0.5, 1)");
  if (!(max_relative_width > 0)) return bad("max_relative_width", max_relative_width, "> 0");
  if (!(band_quantile > 0.5 && band_quantile < 1)) {
    return bad("band_quantile", band_quantile, "in (0.5, 1)");
  }
  if (!(band_margin >= 0)) return bad("band_margin", band_margin, ">= 0");
  if (!(tolerance >= 0 && tolerance < 1)) {
    return bad("tolerance", tolerance, "in [0, 1)");
  }
  if (!(flash_max_growth >= 1)) return bad("flash_max_growth", flash_max_growth, ">= 1");
  for (auto [field, d] :
       {std::pair{"flash_hold", flash_hold}, std::pair{"below_band_hold", below_band_hold},
        std::pair{"scale_down_stabilization", scale_down_stabilization}}) {
    if (d < Duration::zero()) return bad(field, ToSeconds(d), "a duration >= 0 (seconds)");
  }
  return Status::Ok();
}

PredictiveDecision DecidePredictive(const PredictiveInput& input, PredictiveMemory memory,
                                    const PredictiveSettings& settings) {
  PredictiveDecision d;
  d.memory = std::move(memory);
  const Choice choice = Choose(input, settings, d);
  d.trace.push_back({"predictive", static_cast<double>(input.reactive_replicas),
                     static_cast<double>(choice.replicas), choice.reason});
  d.desired_replicas = Stabilize(input, choice.replicas, settings, d.memory.proposals);
  if (d.desired_replicas != choice.replicas) {
    d.trace.push_back({"ScaleDownStabilized", static_cast<double>(choice.replicas),
                       static_cast<double>(d.desired_replicas),
                       fmt::format("highest proposal of the last {}",
                                   FormatDuration(settings.scale_down_stabilization))});
  }
  return d;
}

}  // namespace crescendo::predictive
