// Forecaster: online forecasting of one series (one workload's metric), with uncertainty.
//
// A Forecaster holds the state for ONE series. It is fed samples in time order with Update() and
// answers Forecast() for any horizon: a mean and a prediction interval per point.
//
// Time grid. Samples are binned onto a regular grid of `step` (a parameter of every forecaster,
// default 1m) aligned to the Unix epoch: slot k covers [k*step, (k+1)*step). A slot's value is the
// mean of the samples that fell into it, so a caller may feed one sample per step or several.
// Seasonal phases are positions on this grid (UTC), so a season of 24h means "same time of day".
//
// Gaps. A slot without samples is a gap. It is never read as zero: each model treats it as "not
// observed" (Holt-Winters advances its level and trend through it, seasonal models keep the last
// observed value of that phase, the FFT model interpolates short gaps and drops history before a
// long one). Feed nothing for a missing sample; NaN or infinite values are rejected.
//
// Cost. Update() costs O(1) per sample for naive, seasonal naive, Holt-Winters and quantile
// forecasters, plus O(number of residual buckets) for the interval tracking; the FFT forecaster
// pushes into a ring in O(1) and refits every `refit` (O(window log window), amortised over the
// slots between refits); an ensemble costs the sum of its members. Memory is fixed at creation
// (see StateBytes()) and never grows.
//
// Intervals. Unless a model has its own (the quantile forecaster), the interval at horizon h is
// the forecast plus the empirical quantiles of that forecaster's own recent h-step residuals
// (actual minus forecast), tracked online for h = 1, 2, 4, ... up to `max_horizon`.
//
// Checkpoints. Checkpoint() returns the whole state as JSON text; Restore() of that text into a
// forecaster created from the same spec gives bit-identical forecasts.
//
// Thread safety: spec(), Forecast(), Checkpoint() and StateBytes() are const and may run
// concurrently with each other; Update() and Restore() need exclusive access.
#ifndef CRESCENDO_FORECAST_FORECASTER_H_
#define CRESCENDO_FORECAST_FORECASTER_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/model/forecast.h"

namespace crescendo {

// A forecaster's name and parameters, e.g. holt_winters_additive(season=24h,alpha=0.3).
// Parameter values are text; each forecaster parses and validates its own (see registry.h).
struct ForecasterSpec {
  std::string name;
  std::map<std::string, std::string> params;
  friend bool operator==(const ForecasterSpec&, const ForecasterSpec&) = default;
};

// Parses "name" or "name(key=value, key=value)". A value may itself contain parentheses and
// commas inside them (ensemble members: "ensemble(members=naive;fft(window=168h))").
// Errors: InvalidArgument naming the text, the offset and what was expected.
StatusOr<ForecasterSpec> ParseForecasterSpec(std::string_view text);

// Returns the canonical text of `spec`: "name" or "name(k1=v1,k2=v2)" with keys sorted.
// ParseForecasterSpec(FormatForecasterSpec(s)) == s.
std::string FormatForecasterSpec(const ForecasterSpec& spec);

class Forecaster {
 public:
  virtual ~Forecaster() = default;

  // Returns the spec this forecaster was created from, in canonical text form.
  virtual const std::string& spec() const = 0;

  // Adds one sample of the series.
  // Errors: InvalidArgument when `value` is not finite, when `value` is outside the model's
  // domain (negative for holt_winters_multiplicative), or when `time` falls in a slot earlier
  // than the newest sample's slot (samples must come in time order). The state is unchanged on
  // error.
  virtual Status Update(Timestamp time, double value) = 0;

  // Returns points at now+step, now+2*step, ... up to now+horizon (inclusive). A point's target
  // is the grid slot containing its time, but never earlier than the slot after the newest
  // sample. Errors: InvalidArgument when horizon or step is not positive, when more than
  // 100,000 points are asked, or when `now` is before the newest sample's slot;
  // FailedPrecondition while the forecaster is warming up (the message says what is missing).
  virtual StatusOr<::crescendo::Forecast> Forecast(Timestamp now, Duration horizon,
                                                   Duration step) const = 0;

  // Returns the complete state as JSON text (a few bytes per state value; see StateBytes()).
  virtual std::string Checkpoint() const = 0;

  // Replaces the state with one returned by Checkpoint(). Errors: InvalidArgument when the text
  // is not a checkpoint, or was taken from a forecaster with another spec (the message names
  // both), or its arrays do not have the sizes this spec implies. The state is unchanged on
  // error.
  virtual Status Restore(std::string_view checkpoint) = 0;

  // Returns the bytes of memory held by this forecaster's state (fixed after creation).
  virtual size_t StateBytes() const = 0;
};

}  // namespace crescendo

#endif  // CRESCENDO_FORECAST_FORECASTER_H_
