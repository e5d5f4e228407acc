// Periodicity detection and reconstruction from dominant frequencies.
//
// The approach is that of Crane's DSP predictor (gocrane/crane, pkg/prediction/dsp: signal.go
// FindPeriod, auto_correlation.go, peak.go, estimators.go fftEstimator); the code is our own
// and differs where noted.
//
// DetectPeriod(x):
//  1. Periodogram |X[k]| of the series, its least-squares line removed, by FFT (Crane leaves
//     a trend in: its deTrend() is empty; a trend buries periods under low-frequency power).
//  2. Amplitude threshold: the level the largest of the n/2 periodogram amplitudes of white
//     noise with x's variance exceeds with probability `significance`. Crane estimates it by
//     shuffling x 100 times and taking the 99th largest peak; for white noise |X[k]|^2 is
//     exponential with mean n*var, so the threshold is sqrt(-n var ln(1 - (1-p)^(1/M))), M the
//     number of bins: the same test without 100 FFTs and without randomness.
//  3. Each bin k >= 2 above the threshold proposes the period n / k (integer division).
//  4. Each proposal is verified on the autocorrelation function: it must be a peak, i.e. a
//     least-squares line over [p - r, p] rises and one over [p, p + r] falls, with
//     r = min(max_peak_radius, p / 2) (Crane: peak.go, radius at most 4 hours).
//  5. Unlike Crane, a verified proposal is refined to the maximum of the lagged correlation
//     (LaggedCorrelation(), without the ACF's lean to short lags) within +-r, so a period that
//     does not divide n is found exactly;
//     it must be a local maximum (not cut off by min_period or max_period). The refined
//     proposal with the highest (biased, so shorter periods win ties) ACF wins.
//
// ReconstructLastCycle(x, period): the last whole cycles of x are transformed; bins whose
// period is at least `keep_period` are always kept (Crane: highFrequencyThreshold, 1 hour);
// of the others only those among the `max_components` largest amplitudes of the spectrum
// are kept and the rest zeroed (Crane: 100; Crane's absolute lowAmplitudeThreshold of 1.0
// depends on the metric's unit and is left out). Unlike Crane the filter treats bin k and its
// mirror n-k alike, so the inverse transform is real. The last cycle of the inverse transform is
// the forecast of the next cycle (Crane takes the last cycle the same way).
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_FORECAST_FFT_PERIODICITY_H_
#define CRESCENDO_SRC_FORECAST_FFT_PERIODICITY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace crescendo::forecast {

struct PeriodSearch {
  int64_t min_period = 2;        // slots
  int64_t max_period = 0;        // slots; 0 = n / 2
  int64_t max_peak_radius = 48;  // slots
  double significance = 0.01;    // of the periodogram amplitude test
};

// Returns the dominant period of x in slots, or nullopt when no proposal passes.
// REQUIRES: no NaN in x.
std::optional<int64_t> DetectPeriod(std::span<const double> x, const PeriodSearch& search);

// Returns true when x has the cycle `period` by Crane's test (frequency_spectrum.go
// IsPeriodic, which Crane's predictor applies to 1 day, then 1 week): over the last whole
// cycles of x (at least two), the strongest spectral bin with a period of at least `period`
// slots is the one at exactly `period`. Unlike Crane, the series' least-squares line is removed
// first (a trend would mask the cycle) and the bin must also beat the white-noise threshold of
// DetectPeriod step 2 at `significance` (without it, noise passes for one cycle in `cycles`).
bool HasCycle(std::span<const double> x, int64_t period, double significance = 0.01);

struct ReconstructOptions {
  int64_t keep_period = 60;  // slots; bins with a period at least this long are always kept
  int max_components = 100;
};

// Returns `period` values: the reconstruction of x's last cycle from its dominant frequencies,
// computed over the last floor(n / period) whole cycles. REQUIRES: period <= x.size().
std::vector<double> ReconstructLastCycle(std::span<const double> x, int64_t period,
                                         const ReconstructOptions& options);

// Returns true when the least-squares slope of acf over [i-r, i] is positive and over [i, i+r]
// negative (Crane's peak test). REQUIRES: r >= 1.
bool IsAcfPeak(std::span<const double> acf, int64_t i, int64_t r);

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_FFT_PERIODICITY_H_
