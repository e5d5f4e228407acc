// Discrete Fourier transforms of any length, and the autocorrelation function.
//
// Powers of two use an iterative radix-2 Cooley-Tukey transform; other lengths use Bluestein's
// chirp-z algorithm on top of it, so every length costs O(n log n).
//
// Thread safety: thread-safe; twiddle factors and chirps are cached per thread (a few sizes).
#ifndef CRESCENDO_SRC_FORECAST_FFT_FFT_H_
#define CRESCENDO_SRC_FORECAST_FFT_FFT_H_

#include <complex>
#include <span>
#include <vector>

namespace crescendo::forecast {

using Complex = std::complex<double>;

// Returns X[k] = sum_n x[n] exp(-2 pi i k n / N) (inverse: +i, not divided by N).
std::vector<Complex> Dft(std::span<const Complex> x, bool inverse = false);
// Returns the DFT of a real sequence (all N bins).
std::vector<Complex> DftReal(std::span<const double> x);
// Returns the real part of the inverse DFT of `spectrum`, divided by N.
std::vector<double> InverseDftReal(std::span<const Complex> spectrum);

// Returns the sample autocorrelation r[k], k in [0, n), of x with its mean removed:
// r[k] = sum_{t < n-k} (x[t] - m)(x[t+k] - m) / sum_t (x[t] - m)^2 (so r[0] = 1), computed
// with a zero-padded FFT. Returns all zeros when x is constant.
std::vector<double> Autocorrelation(std::span<const double> x);

struct Correlations {
  std::vector<double> acf;     // Autocorrelation()
  std::vector<double> lagged;  // LaggedCorrelation()
};
// Returns both correlation functions of x from one pair of FFTs.
Correlations Correlate(std::span<const double> x);

// Returns c[k], k in [0, n): the Pearson correlation of x[0, n-k) with x[k, n), each segment
// with its own mean and variance (0 where a segment is constant). Unlike Autocorrelation() it
// has no (n - k) / n lean towards short lags and is exactly 1 at the period of a periodic x.
std::vector<double> LaggedCorrelation(std::span<const double> x);

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_FFT_FFT_H_
