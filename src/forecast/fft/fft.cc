#include "forecast/fft/fft.h"

#include <cmath>
#include <map>
#include <numbers>
#include <utility>

namespace crescendo::forecast {
namespace {

bool IsPowerOfTwo(size_t n) { return n > 0 && (n & (n - 1)) == 0; }

size_t NextPowerOfTwo(size_t n) {
  size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

// a * b without the NaN/infinity recovery of std::complex's operator* (inputs are finite).
inline Complex Multiply(Complex a, Complex b) {
  return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

// Returns exp(-2 pi i k / n) for k < n / 2, cached per thread (a refit reuses a few sizes).
// Any n: the radix-2 transform and the real-input packing both use it.
const std::vector<Complex>& Twiddles(size_t n) {
  thread_local std::map<size_t, std::vector<Complex>> cache;
  std::vector<Complex>& table = cache[n];
  if (table.empty()) {
    table.resize(std::max<size_t>(1, n / 2));
    for (size_t k = 0; k < table.size(); ++k) {
      const double angle = -2 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n);
      table[k] = Complex(std::cos(angle), std::sin(angle));
    }
  }
  return table;
}

// In place. REQUIRES: a.size() is a power of two.
void FftPowerOfTwo(std::vector<Complex>& a, bool inverse) {
  const size_t n = a.size();
  for (size_t i = 1, j = 0; i < n; ++i) {  // bit-reversal permutation
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  const std::vector<Complex>& twiddles = Twiddles(n);
  // Plain doubles (a complex array is an array of (real, imaginary) pairs by the standard):
  // the compiler keeps them in registers, where std::complex temporaries went through memory.
  double* d = reinterpret_cast<double*>(a.data());
  const double sign = inverse ? -1.0 : 1.0;
  for (size_t half = 1; half < n; half <<= 1) {
    const size_t stride = n / (2 * half);
    for (size_t i = 0; i < n; i += 2 * half) {
      for (size_t k = 0; k < half; ++k) {
        const double wr = twiddles[k * stride].real(), wi = sign * twiddles[k * stride].imag();
        double* u = d + 2 * (i + k);
        double* v = d + 2 * (i + k + half);
        const double vr = v[0] * wr - v[1] * wi, vi = v[0] * wi + v[1] * wr;
        v[0] = u[0] - vr, v[1] = u[1] - vi;
        u[0] += vr, u[1] += vi;
      }
    }
  }
}

// Bluestein: X[k] = w[k] * sum_n (x[n] w[n]) conj(w[k-n]) with w[n] = exp(-i pi n^2 / N); the
// inverse transform conjugates input and output.
struct Chirp {
  std::vector<Complex> w;         // n values
  std::vector<Complex> spectrum;  // FFT of the conjugate chirp, m values
};

const Chirp& ChirpFor(size_t n) {
  thread_local std::map<size_t, Chirp> cache;
  if (cache.size() > 16) cache.clear();  // bounds memory when many lengths occur
  Chirp& c = cache[n];
  if (!c.w.empty()) return c;
  const size_t m = NextPowerOfTwo(2 * n - 1);
  c.w.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t i2 = (i * i) % (2 * n);  // exact, keeps the angle small
    const double angle = -std::numbers::pi * static_cast<double>(i2) / static_cast<double>(n);
    c.w[i] = Complex(std::cos(angle), std::sin(angle));
  }
  c.spectrum.assign(m, Complex(0, 0));
  c.spectrum[0] = std::conj(c.w[0]);
  for (size_t i = 1; i < n; ++i) c.spectrum[i] = c.spectrum[m - i] = std::conj(c.w[i]);
  FftPowerOfTwo(c.spectrum, false);
  return c;
}

std::vector<Complex> Bluestein(std::span<const Complex> x, bool inverse) {
  const size_t n = x.size();
  const Chirp& chirp = ChirpFor(n);
  const size_t m = chirp.spectrum.size();
  std::vector<Complex> a(m);
  for (size_t i = 0; i < n; ++i) a[i] = Multiply(inverse ? std::conj(x[i]) : x[i], chirp.w[i]);
  FftPowerOfTwo(a, false);
  for (size_t i = 0; i < m; ++i) a[i] = Multiply(a[i], chirp.spectrum[i]);
  FftPowerOfTwo(a, true);
  std::vector<Complex> out(n);
  for (size_t k = 0; k < n; ++k) {
    const Complex v = Multiply(chirp.w[k], a[k]) / static_cast<double>(m);
    out[k] = inverse ? std::conj(v) : v;
  }
  return out;
}

}  // namespace

std::vector<Complex> Dft(std::span<const Complex> x, bool inverse) {
  if (x.empty()) return {};
  if (!IsPowerOfTwo(x.size())) return Bluestein(x, inverse);
  std::vector<Complex> a(x.begin(), x.end());
  FftPowerOfTwo(a, inverse);
  return a;
}

// A real sequence of even length n is transformed as the complex sequence z[j] = x[2j] +
// i x[2j+1] of length h = n/2: with Z its DFT, E[k] = (Z[k] + conj(Z[h-k])) / 2 and
// O[k] = (Z[k] - conj(Z[h-k])) / 2i are the DFTs of the even and odd samples, and
// X[k] = E[k] + W^k O[k], X[k+h] = E[k] - W^k O[k] with W = exp(-2 pi i / n). Half the work.
std::vector<Complex> DftReal(std::span<const double> x) {
  const size_t n = x.size();
  if (n % 2 != 0 || n < 4) {
    std::vector<Complex> c(x.begin(), x.end());
    return Dft(c);
  }
  const size_t h = n / 2;
  std::vector<Complex> z(h);
  for (size_t j = 0; j < h; ++j) z[j] = Complex(x[2 * j], x[2 * j + 1]);
  const std::vector<Complex> zf = Dft(z);
  const std::vector<Complex>& w = Twiddles(n);
  std::vector<Complex> out(n);
  for (size_t k = 0; k < h; ++k) {
    const Complex a = zf[k], b = std::conj(zf[k == 0 ? 0 : h - k]);
    const Complex even = (a + b) * 0.5;
    const Complex odd = Multiply((a - b) * 0.5, Complex(0, -1));
    const Complex rotated = Multiply(w[k], odd);
    out[k] = even + rotated;
    out[k + h] = even - rotated;
  }
  return out;
}

// The inverse of the packing above: Z[k] = E[k] + i O[k] with E[k] = (X[k] + X[k+h]) / 2 and
// O[k] = (X[k] - X[k+h]) W^-k / 2; the inverse DFT of Z holds the even samples in its real
// part and the odd ones in its imaginary part. Assumes a Hermitian spectrum (a real result).
std::vector<double> InverseDftReal(std::span<const Complex> spectrum) {
  const size_t n = spectrum.size();
  std::vector<double> out(n);
  if (n % 2 != 0 || n < 4) {
    const std::vector<Complex> x = Dft(spectrum, /*inverse=*/true);
    for (size_t i = 0; i < n; ++i) out[i] = x[i].real() / static_cast<double>(n);
    return out;
  }
  const size_t h = n / 2;
  const std::vector<Complex>& w = Twiddles(n);
  std::vector<Complex> z(h);
  for (size_t k = 0; k < h; ++k) {
    const Complex even = (spectrum[k] + spectrum[k + h]) * 0.5;
    const Complex odd = Multiply((spectrum[k] - spectrum[k + h]) * 0.5, std::conj(w[k]));
    z[k] = even + Multiply(Complex(0, 1), odd);
  }
  const std::vector<Complex> zt = Dft(z, /*inverse=*/true);
  for (size_t j = 0; j < h; ++j) {
    out[2 * j] = zt[j].real() / static_cast<double>(h);
    out[2 * j + 1] = zt[j].imag() / static_cast<double>(h);
  }
  return out;
}

// The centred series' products sum_{t < n-k} (x[t] - m)(x[t+k] - m) for every k, by FFT.
static std::vector<double> LagProducts(std::span<const double> x, double mean) {
  const size_t n = x.size();
  std::vector<double> padded(NextPowerOfTwo(2 * n), 0.0);  // zero padding: no circular wrap
  for (size_t i = 0; i < n; ++i) padded[i] = x[i] - mean;
  std::vector<Complex> spectrum = DftReal(padded);
  for (Complex& c : spectrum) c = std::norm(c);
  std::vector<double> products = InverseDftReal(spectrum);
  products.resize(n);
  return products;
}

Correlations Correlate(std::span<const double> x) {
  const size_t n = x.size();
  Correlations out{std::vector<double>(n, 0.0), std::vector<double>(n, 0.0)};
  if (n == 0) return out;
  double mean = 0;
  for (double v : x) mean += v / static_cast<double>(n);
  std::vector<double> sum(n + 1, 0.0), squares(n + 1, 0.0);  // prefix sums of centred x
  for (size_t i = 0; i < n; ++i) {
    const double v = x[i] - mean;
    sum[i + 1] = sum[i] + v;
    squares[i + 1] = squares[i] + v * v;
  }
  double raw_squares = 0;
  for (double v : x) raw_squares += v * v;
  if (squares[n] <= 1e-20 * raw_squares || squares[n] == 0) return out;  // constant series
  const std::vector<double> products = LagProducts(x, mean);
  for (size_t k = 0; k < n; ++k) {
    out.acf[k] = products[k] / products[0];
    if (k + 1 >= n) continue;
    const double m = static_cast<double>(n - k);
    const double head_sum = sum[n - k], tail_sum = sum[n] - sum[k];
    const double head_var = squares[n - k] - head_sum * head_sum / m;
    const double tail_var = (squares[n] - squares[k]) - tail_sum * tail_sum / m;
    if (head_var <= 1e-12 * squares[n] || tail_var <= 1e-12 * squares[n]) continue;
    out.lagged[k] = (products[k] - head_sum * tail_sum / m) / std::sqrt(head_var * tail_var);
  }
  return out;
}

std::vector<double> Autocorrelation(std::span<const double> x) { return Correlate(x).acf; }

std::vector<double> LaggedCorrelation(std::span<const double> x) { return Correlate(x).lagged; }

}  // namespace crescendo::forecast
