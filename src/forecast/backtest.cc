#include "crescendo/forecast/backtest.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <memory>

#include "crescendo/forecast/registry.h"
#include "forecast/point_model.h"

namespace crescendo {
namespace {

using forecast::FloorDiv;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The series as slot means, dense from the first observed slot; NaN = gap.
struct SlotSeries {
  int64_t first_slot = 0;
  std::vector<double> values;
  double At(int64_t slot) const {
    const int64_t i = slot - first_slot;
    return i >= 0 && i < static_cast<int64_t>(values.size()) ? values[static_cast<size_t>(i)]
                                                             : kNaN;
  }
};

SlotSeries ToSlots(std::span<const Sample> series, Duration step) {
  SlotSeries out;
  out.first_slot = FloorDiv(series.front().time.time_since_epoch().count(), step.count());
  const int64_t last = FloorDiv(series.back().time.time_since_epoch().count(), step.count());
  out.values.assign(static_cast<size_t>(last - out.first_slot + 1), kNaN);
  std::vector<int> counts(out.values.size(), 0);
  for (const Sample& s : series) {
    const size_t i = static_cast<size_t>(FloorDiv(s.time.time_since_epoch().count(), step.count()) -
                                         out.first_slot);
    out.values[i] = counts[i] == 0 ? s.value : out.values[i] + s.value;
    ++counts[i];
  }
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > 1) out.values[i] /= counts[i];
  }
  return out;
}

// Mean absolute one-step change over consecutive observed slots before `end_slot`.
double NaiveScale(const SlotSeries& s, int64_t end_slot) {
  double sum = 0;
  int64_t n = 0;
  for (int64_t slot = s.first_slot + 1; slot < end_slot; ++slot) {
    const double a = s.At(slot - 1), b = s.At(slot);
    if (std::isnan(a) || std::isnan(b)) continue;
    sum += std::abs(b - a);
    ++n;
  }
  return n > 0 ? sum / static_cast<double>(n) : 0.0;
}

struct Accumulator {
  std::vector<double> abs_error;  // per horizon
  std::vector<int64_t> count;
  double smape = 0;
  int64_t covered = 0, interval_points = 0;
  int64_t origins = 0, answered = 0;

  void Add(size_t h, double actual, double predicted) {
    const double e = std::abs(actual - predicted);
    abs_error[h] += e;
    ++count[h];
    const double denominator = std::abs(actual) + std::abs(predicted);
    smape += denominator > 0 ? 2 * e / denominator : 0.0;
  }
};

StatusOr<ForecasterSpec> WithGrid(const ForecasterSpec& spec, const BacktestOptions& options) {
  ForecasterSpec out = spec;
  auto it = out.params.find("step");
  if (it == out.params.end()) {
    out.params["step"] = FormatDuration(options.step);
  } else if (StatusOr<Duration> d = ParseDuration(it->second); !d.ok() || *d != options.step) {
    return InvalidArgumentError("backtest of " + FormatForecasterSpec(spec) +
                                ": step=" + it->second + " differs from the series step " +
                                FormatDuration(options.step));
  }
  if (out.params.count("max_horizon") == 0) {
    out.params["max_horizon"] = FormatDuration(options.step * options.horizon_steps);
  }
  return out;
}

void ScoreOrigin(const Forecaster& f, const SlotSeries& slots, int64_t origin_slot, Timestamp now,
                 double last_value, const BacktestOptions& o, Accumulator& acc) {
  StatusOr<Forecast> fc = f.Forecast(now, o.step * o.horizon_steps, o.step);
  ++acc.origins;
  if (fc.ok()) ++acc.answered;
  for (int h = 1; h <= o.horizon_steps; ++h) {
    const double actual = slots.At(origin_slot + h);
    if (std::isnan(actual)) continue;
    if (!fc.ok()) {
      acc.Add(static_cast<size_t>(h - 1), actual, last_value);
      continue;
    }
    const ForecastPoint& p = fc->points[static_cast<size_t>(h - 1)];
    acc.Add(static_cast<size_t>(h - 1), actual, p.mean);
    ++acc.interval_points;
    if (actual >= p.lower && actual <= p.upper) ++acc.covered;
  }
}

BacktestResult Summarise(const std::string& spec, const Accumulator& acc, double scale) {
  BacktestResult r;
  r.forecaster = spec;
  double total_error = 0;
  int64_t total = 0;
  for (size_t h = 0; h < acc.abs_error.size(); ++h) {
    r.mase_by_horizon.push_back(acc.count[h] > 0 ? acc.abs_error[h] / acc.count[h] / scale : kNaN);
    total_error += acc.abs_error[h];
    total += acc.count[h];
  }
  r.scored_points = static_cast<size_t>(total);
  r.mase = total > 0 ? total_error / static_cast<double>(total) / scale : kNaN;
  r.smape_percent = total > 0 ? 100 * acc.smape / static_cast<double>(total) : kNaN;
  r.coverage = acc.interval_points > 0
                   ? static_cast<double>(acc.covered) / static_cast<double>(acc.interval_points)
                   : kNaN;
  r.origins = static_cast<size_t>(acc.origins);
  r.answered = acc.origins > 0 ? static_cast<double>(acc.answered) / acc.origins : 0.0;
  return r;
}

}  // namespace

StatusOr<BacktestResult> RunBacktest(const ForecasterSpec& spec, std::span<const Sample> series,
                                     const BacktestOptions& options) {
  if (options.step <= Duration::zero() || options.horizon_steps < 1 || options.origin_stride < 1) {
    return InvalidArgumentError(
        "backtest options: step, horizon_steps and origin_stride must be positive");
  }
  if (series.empty()) return InvalidArgumentError("backtest: the series is empty");
  CRESCENDO_ASSIGN_OR_RETURN(ForecasterSpec grid_spec, WithGrid(spec, options));
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<Forecaster> f, CreateForecaster(grid_spec));
  const SlotSeries slots = ToSlots(series, options.step);
  const int64_t warmup_end = slots.first_slot + options.warmup / options.step;
  const double scale = NaiveScale(slots, warmup_end);
  if (!(scale > 0)) {
    return InvalidArgumentError("backtest of " + f->spec() +
                                ": the warm-up has no two consecutive observed slots that differ; "
                                "MASE needs a non-zero in-sample naive error");
  }
  Accumulator acc;
  acc.abs_error.assign(static_cast<size_t>(options.horizon_steps), 0.0);
  acc.count.assign(static_cast<size_t>(options.horizon_steps), 0);
  int64_t observed_after_warmup = 0;
  for (size_t i = 0; i < series.size(); ++i) {
    CRESCENDO_RETURN_IF_ERROR(f->Update(series[i].time, series[i].value));
    const int64_t slot = FloorDiv(series[i].time.time_since_epoch().count(), options.step.count());
    const bool slot_complete =
        i + 1 == series.size() ||
        FloorDiv(series[i + 1].time.time_since_epoch().count(), options.step.count()) != slot;
    if (!slot_complete || slot < warmup_end) continue;
    if (observed_after_warmup++ % options.origin_stride != 0) continue;
    ScoreOrigin(*f, slots, slot, series[i].time, slots.At(slot), options, acc);
  }
  if (acc.origins == 0) {
    return InvalidArgumentError("backtest of " + f->spec() +
                                ": no observed slot after the warm-up of " +
                                FormatDuration(options.warmup));
  }
  return Summarise(FormatForecasterSpec(spec), acc, scale);
}

std::string FormatBacktestTable(std::span<const BacktestResult> results) {
  if (results.empty()) return "";
  const size_t h = results.front().mase_by_horizon.size();
  std::string out = fmt::format(
      "| forecaster | MASE | MASE h=1 | MASE h={} | sMAPE % | coverage % | answered % |\n"
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
      h);
  for (const BacktestResult& r : results) {
    out += fmt::format("| `{}` | {:.3f} | {:.3f} | {:.3f} | {:.2f} | {:.1f} | {:.1f} |\n",
                       r.forecaster, r.mase, r.mase_by_horizon.front(), r.mase_by_horizon.back(),
                       r.smape_percent, 100 * r.coverage, 100 * r.answered);
  }
  return out;
}

}  // namespace crescendo
