// The normal quantile function and the quantile of a forecast point.
#include <array>
#include <cassert>
#include <cmath>
#include <numbers>

#include "crescendo/horizontal/predictive.h"

namespace crescendo::predictive {
namespace {

// Rational approximations of Phi^-1 (relative error below 1.2e-9), from P. J. Acklam, "An
// algorithm for computing the inverse normal cumulative distribution function" (2003); the
// coefficients are his.
constexpr std::array<double, 6> kA = {-3.969683028665376e+01, 2.209460984245205e+02,
                                      -2.759285104469687e+02, 1.383577518672690e+02,
                                      -3.066479806614716e+01, 2.506628277459239e+00};
constexpr std::array<double, 5> kB = {-5.447609879822406e+01, 1.615858368580409e+02,
                                      -1.556989798598866e+02, 6.680131188771972e+01,
                                      -1.328068155288572e+01};
constexpr std::array<double, 6> kC = {-7.784894002430293e-03, -3.223964580411365e-01,
                                      -2.400758277161838e+00, -2.549732539343734e+00,
                                      4.374664141464968e+00,  2.938163982698783e+00};
constexpr std::array<double, 4> kD = {7.784695709041462e-03, 3.224671290700398e-01,
                                      2.445134137142996e+00, 3.754408661907416e+00};
constexpr double kLowTail = 0.02425;

// Returns the approximation in the lower tail, p < kLowTail.
double LowerTail(double p) {
  const double q = std::sqrt(-2 * std::log(p));
  return (((((kC[0] * q + kC[1]) * q + kC[2]) * q + kC[3]) * q + kC[4]) * q + kC[5]) /
         ((((kD[0] * q + kD[1]) * q + kD[2]) * q + kD[3]) * q + 1);
}

double Central(double p) {
  const double q = p - 0.5;
  const double r = q * q;
  return (((((kA[0] * r + kA[1]) * r + kA[2]) * r + kA[3]) * r + kA[4]) * r + kA[5]) * q /
         (((((kB[0] * r + kB[1]) * r + kB[2]) * r + kB[3]) * r + kB[4]) * r + 1);
}

}  // namespace

double NormalQuantile(double p) {
  assert(p > 0 && p < 1);
  double x = p < kLowTail ? LowerTail(p) : p > 1 - kLowTail ? -LowerTail(1 - p) : Central(p);
  // One Halley step on Phi(x) - p brings the result to full double precision (Acklam, ibid.).
  const double e = 0.5 * std::erfc(-x / std::numbers::sqrt2) - p;
  const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

namespace {

// NormalQuantile(p) remembered for the few p a strategy asks for again and again (its quantile,
// its band's, the interval's bound): each costs an erfc and an exp.
double CachedNormalQuantile(double p) {
  struct Entry {
    double p = -1;
    double z = 0;
  };
  thread_local std::array<Entry, 4> cache;
  thread_local size_t next = 0;
  for (const Entry& e : cache) {
    if (e.p == p) return e.z;
  }
  Entry& e = cache[next++ % cache.size()];
  e = {p, NormalQuantile(p)};
  return e.z;
}

}  // namespace

double ForecastQuantile(const ForecastPoint& point, double interval_level, double q) {
  assert(q > 0 && q < 1 && interval_level > 0 && interval_level < 1);
  const double bound = (1 + interval_level) / 2;
  if (std::abs(q - bound) < 1e-12) return point.upper;
  if (std::abs(1 - q - bound) < 1e-12) return point.lower;
  const double z_bound = CachedNormalQuantile(bound);
  const double z = CachedNormalQuantile(q);
  const double half_width = z >= 0 ? point.upper - point.mean : point.mean - point.lower;
  return point.mean + half_width * z / z_bound;
}

}  // namespace crescendo::predictive
