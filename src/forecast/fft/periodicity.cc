#include "forecast/fft/periodicity.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "forecast/fft/fft.h"

namespace crescendo::forecast {
namespace {

// Least-squares slope of acf over [lo, hi].
double Slope(std::span<const double> acf, int64_t lo, int64_t hi) {
  double sx = 0, sy = 0, sxy = 0, sxx = 0;
  const double n = static_cast<double>(hi - lo + 1);
  for (int64_t j = lo; j <= hi; ++j) {
    const double x = static_cast<double>(j), y = acf[static_cast<size_t>(j)];
    sx += x, sy += y, sxy += x * y, sxx += x * x;
  }
  const double denominator = n * sxx - sx * sx;
  return denominator == 0 ? 0 : (n * sxy - sx * sy) / denominator;
}

// Returns x minus its least-squares line.
std::vector<double> Detrend(std::span<const double> x) {
  const double n = static_cast<double>(x.size());
  double sy = 0, sty = 0;
  for (size_t t = 0; t < x.size(); ++t) sy += x[t], sty += static_cast<double>(t) * x[t];
  const double st = n * (n - 1) / 2, stt = (n - 1) * n * (2 * n - 1) / 6;
  const double denominator = n * stt - st * st;
  const double slope = denominator == 0 ? 0 : (n * sty - st * sy) / denominator;
  const double intercept = (sy - slope * st) / n;
  std::vector<double> out(x.size());
  for (size_t t = 0; t < x.size(); ++t) out[t] = x[t] - intercept - slope * static_cast<double>(t);
  return out;
}

// The amplitude |X[k]| that the largest of the n/2 - 1 periodogram bins of white noise with
// x's variance exceeds with probability `significance`; infinite for a constant x.
// REQUIRES: x has zero mean.
double NoiseThreshold(std::span<const double> x, double significance) {
  const double n = static_cast<double>(x.size());
  double variance = 0;
  for (double v : x) variance += v * v;
  variance /= n;
  if (!(variance > 1e-24)) return std::numeric_limits<double>::infinity();
  const double bins = std::max(1.0, std::floor(n / 2) - 1);
  return std::sqrt(-n * variance * std::log(1 - std::pow(1 - significance, 1 / bins)));
}

// Periods n/k (integer division) of the bins k >= 2 whose amplitude beats white noise, longest
// first, within [min_period, max_period]. REQUIRES: x has zero mean.
std::vector<int64_t> ProposePeriods(std::span<const double> x, const PeriodSearch& search,
                                    int64_t max_period) {
  const int64_t n = static_cast<int64_t>(x.size());
  const double threshold = NoiseThreshold(x, search.significance);
  if (std::isinf(threshold)) return {};
  const std::vector<Complex> spectrum = DftReal(x);
  std::vector<int64_t> proposals;
  for (int64_t k = 2; k < n / 2; ++k) {
    if (std::abs(spectrum[static_cast<size_t>(k)]) <= threshold) continue;
    const int64_t period = n / k;
    if (period < search.min_period || period > max_period) continue;
    if (proposals.empty() || proposals.back() > period) proposals.push_back(period);
  }
  return proposals;
}

}  // namespace

bool IsAcfPeak(std::span<const double> acf, int64_t i, int64_t r) {
  const int64_t n = static_cast<int64_t>(acf.size());
  if (i < 1 || i > n - 2) return false;
  return Slope(acf, std::max<int64_t>(0, i - r), i) > 0 &&
         Slope(acf, i, std::min(n - 1, i + r)) < 0;
}

std::optional<int64_t> DetectPeriod(std::span<const double> x, const PeriodSearch& search) {
  const int64_t n = static_cast<int64_t>(x.size());
  if (n < 8) return std::nullopt;
  const int64_t max_period = search.max_period > 0 ? std::min(search.max_period, n / 2) : n / 2;
  const std::vector<double> detrended = Detrend(x);
  const std::vector<int64_t> proposals = ProposePeriods(detrended, search, max_period);
  if (proposals.empty()) return std::nullopt;
  const Correlations correlations = Correlate(detrended);
  const std::vector<double>& acf = correlations.acf;
  const std::vector<double>& correlation = correlations.lagged;
  std::optional<int64_t> best;
  double best_acf = 0;
  for (int64_t p : proposals) {
    const int64_t r = std::max<int64_t>(1, std::min(search.max_peak_radius, p / 2));
    if (!IsAcfPeak(acf, p, r)) continue;
    const int64_t lo = std::max<int64_t>({1, search.min_period, p - r});
    const int64_t hi = std::min({max_period, p + r, n - 2});
    // The ACF leans towards shorter lags by (n - k) / n; locate the peak without the lean.
    auto unbiased = [&](int64_t k) { return correlation[static_cast<size_t>(k)]; };
    int64_t refined = p;
    for (int64_t j = lo; j <= hi; ++j) {
      if (unbiased(j) > unbiased(refined)) refined = j;
    }
    const size_t j = static_cast<size_t>(refined);  // must be a true local maximum
    if (unbiased(refined) < unbiased(refined - 1) || unbiased(refined) < unbiased(refined + 1)) {
      continue;
    }
    if (acf[j] > best_acf) {
      best = refined;
      best_acf = acf[static_cast<size_t>(refined)];
    }
  }
  return best;
}

bool HasCycle(std::span<const double> x, int64_t period, double significance) {
  const int64_t total = static_cast<int64_t>(x.size());
  const int64_t cycles = period > 0 ? total / period : 0;
  if (cycles < 2) return false;
  const int64_t n = cycles * period;
  const std::vector<double> detrended = Detrend(x.subspan(static_cast<size_t>(total - n)));
  const std::vector<Complex> spectrum = DftReal(detrended);
  // Bin k has the period n / k; the cycle is bin `cycles`, the slower ones are bins 1..cycles-1.
  const double cycle_amplitude = std::abs(spectrum[static_cast<size_t>(cycles)]);
  for (int64_t k = 1; k < cycles; ++k) {
    if (std::abs(spectrum[static_cast<size_t>(k)]) >= cycle_amplitude) return false;
  }
  return cycle_amplitude > NoiseThreshold(detrended, significance);
}

std::vector<double> ReconstructLastCycle(std::span<const double> x, int64_t period,
                                         const ReconstructOptions& options) {
  const int64_t total = static_cast<int64_t>(x.size());
  const int64_t n = total / period * period;  // whole cycles
  std::vector<Complex> spectrum = DftReal(x.subspan(static_cast<size_t>(total - n)));
  std::vector<double> amplitudes;
  for (int64_t k = 1; k <= n / 2; ++k) {
    amplitudes.push_back(std::abs(spectrum[static_cast<size_t>(k)]));
  }
  std::sort(amplitudes.begin(), amplitudes.end(), std::greater<>());
  const size_t rank = std::min(amplitudes.size(), static_cast<size_t>(options.max_components));
  const double min_amplitude = rank > 0 ? amplitudes[rank - 1] : 0;
  for (int64_t k = 1; k < n; ++k) {
    const int64_t f = std::min(k, n - k);  // cycles per n slots
    const bool slow = f * options.keep_period <= n;
    if (!slow && std::abs(spectrum[static_cast<size_t>(k)]) < min_amplitude) {
      spectrum[static_cast<size_t>(k)] = 0;
    }
  }
  const std::vector<double> y = InverseDftReal(spectrum);
  return std::vector<double>(y.end() - period, y.end());
}

}  // namespace crescendo::forecast
