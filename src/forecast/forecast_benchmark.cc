// Costs of the forecasters: one update per sample (amortised over refits), one forecast call,
// checkpoints; state size per workload as counters. Run:
//   build/src/forecast/forecast_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <string>

#include "crescendo/forecast/registry.h"
#include "forecast/fft/fft.h"
#include "forecast/fft/periodicity.h"
#include "forecast/test_series.h"

namespace crescendo::forecast {
namespace {

// Load with a daily shape, a weekday effect and deterministic noise.
double Load(int64_t i, Duration step) {
  const int64_t day = std::chrono::floor<std::chrono::days>(step * i).count();  // 0 = Monday
  return DailyLoad(i, step) * (day % 7 >= 5 ? 0.8 : 1.0) +
         8 * std::sin(static_cast<double>(i) * 12.9898);
}

Duration StepOf(const Forecaster& f) {
  return f.spec().find("step=1m") != std::string::npos ? std::chrono::minutes(1)
                                                       : std::chrono::minutes(5);
}

// A forecaster warmed up on 8 days of load, and the index of the next sample.
std::unique_ptr<Forecaster> Warm(const std::string& spec, int64_t& next) {
  std::unique_ptr<Forecaster> f = std::move(CreateForecaster(std::string_view(spec))).value();
  const Duration step = StepOf(*f);
  next = std::chrono::hours(24 * 8) / step;
  const Status s = Feed(*f, 0, next, step, [&](int64_t i) { return Load(i, step); });
  if (!s.ok()) std::abort();
  return f;
}

void SetStateCounters(benchmark::State& state, const Forecaster& f) {
  state.counters["state_bytes"] = static_cast<double>(f.StateBytes());
  state.counters["checkpoint_bytes"] = static_cast<double>(f.Checkpoint().size());
}

void BM_Update(benchmark::State& state, const std::string& spec) {
  int64_t i = 0;
  std::unique_ptr<Forecaster> f = Warm(spec, i);
  const Duration step = StepOf(*f);
  for (auto _ : state) {
    benchmark::DoNotOptimize(f->Update(TestTime(i, step), Load(i, step)));
    ++i;
  }
  SetStateCounters(state, *f);
}

void BM_Forecast(benchmark::State& state, const std::string& spec) {
  int64_t i = 0;
  std::unique_ptr<Forecaster> f = Warm(spec, i);
  const Timestamp now = TestTime(i - 1, StepOf(*f));
  for (auto _ : state) {
    auto fc = f->Forecast(now, std::chrono::hours(1), std::chrono::minutes(5));
    benchmark::DoNotOptimize(fc);
  }
  state.counters["points"] = 12;
}

void BM_Checkpoint(benchmark::State& state, const std::string& spec) {
  int64_t i = 0;
  std::unique_ptr<Forecaster> f = Warm(spec, i);
  for (auto _ : state) benchmark::DoNotOptimize(f->Checkpoint());
  SetStateCounters(state, *f);
}

void BM_Restore(benchmark::State& state, const std::string& spec) {
  int64_t i = 0;
  std::unique_ptr<Forecaster> f = Warm(spec, i);
  const std::string checkpoint = f->Checkpoint();
  for (auto _ : state) benchmark::DoNotOptimize(f->Restore(checkpoint));
}

#define CRESCENDO_FORECASTER_BENCHMARKS(name, spec)      \
  BENCHMARK_CAPTURE(BM_Update, name, std::string(spec)); \
  BENCHMARK_CAPTURE(BM_Forecast, name, std::string(spec));

CRESCENDO_FORECASTER_BENCHMARKS(naive_5m, "naive(step=5m)")
CRESCENDO_FORECASTER_BENCHMARKS(seasonal_naive_daily_5m, "seasonal_naive(step=5m,season=24h)")
CRESCENDO_FORECASTER_BENCHMARKS(seasonal_naive_weekly_5m, "seasonal_naive(step=5m,season=168h)")
CRESCENDO_FORECASTER_BENCHMARKS(hw_additive_daily_5m, "holt_winters_additive(step=5m,season=24h)")
CRESCENDO_FORECASTER_BENCHMARKS(hw_additive_weekly_5m, "holt_winters_additive(step=5m,season=168h)")
CRESCENDO_FORECASTER_BENCHMARKS(hw_additive_daily_weekly_5m,
                                "holt_winters_additive(step=5m,season=24h,second_season=168h)")
CRESCENDO_FORECASTER_BENCHMARKS(
    hw_multiplicative_daily_weekly_5m,
    "holt_winters_multiplicative(step=5m,season=24h,second_season=168h)")
CRESCENDO_FORECASTER_BENCHMARKS(fft_5m, "fft(step=5m)")
CRESCENDO_FORECASTER_BENCHMARKS(quantile_daily_5m, "quantile(step=5m,season=24h)")
CRESCENDO_FORECASTER_BENCHMARKS(ensemble_5m, "ensemble(step=5m)")
CRESCENDO_FORECASTER_BENCHMARKS(hw_additive_daily_weekly_1m,
                                "holt_winters_additive(step=1m,season=24h,second_season=168h)")
CRESCENDO_FORECASTER_BENCHMARKS(fft_1m, "fft(step=1m)")
CRESCENDO_FORECASTER_BENCHMARKS(ensemble_1m, "ensemble(step=1m)")
// The predictive strategy's default forecaster (src/engine/predictive/predictive_strategy.h).
CRESCENDO_FORECASTER_BENCHMARKS(predictive_default_1m,
                                "ensemble(step=1m,members=naive;holt_winters_additive(season=24h))")

BENCHMARK_CAPTURE(BM_Checkpoint, hw_additive_daily_weekly_5m,
                  std::string("holt_winters_additive(step=5m,season=24h,second_season=168h)"));
BENCHMARK_CAPTURE(BM_Restore, hw_additive_daily_weekly_5m,
                  std::string("holt_winters_additive(step=5m,season=24h,second_season=168h)"));
BENCHMARK_CAPTURE(BM_Checkpoint, ensemble_5m, std::string("ensemble(step=5m)"));
BENCHMARK_CAPTURE(BM_Restore, ensemble_5m, std::string("ensemble(step=5m)"));

// The FFT forecaster's refit, by window length in slots (7 days of 5 or 1 minutes).
void BM_DftReal(benchmark::State& state) {
  std::vector<double> x(static_cast<size_t>(state.range(0)));
  for (size_t t = 0; t < x.size(); ++t)
    x[t] = Load(static_cast<int64_t>(t), std::chrono::minutes(5));
  for (auto _ : state) benchmark::DoNotOptimize(DftReal(x));
}
BENCHMARK(BM_DftReal)->Arg(2016)->Arg(2048)->Arg(10080);

void BM_DetectPeriod(benchmark::State& state) {
  std::vector<double> x(static_cast<size_t>(state.range(0)));
  const Duration step = state.range(0) == 2016 ? std::chrono::minutes(5) : std::chrono::minutes(1);
  for (size_t t = 0; t < x.size(); ++t) x[t] = Load(static_cast<int64_t>(t), step);
  const int64_t hour = std::chrono::hours(1) / step;
  for (auto _ : state) {
    benchmark::DoNotOptimize(DetectPeriod(
        x, {.min_period = 4, .max_period = state.range(0) / 2, .max_peak_radius = 4 * hour}));
  }
}
BENCHMARK(BM_DetectPeriod)->Arg(2016)->Arg(10080);

}  // namespace
}  // namespace crescendo::forecast
