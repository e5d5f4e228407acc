#include "crescendo/sim/distribution.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace crescendo::sim {
namespace {

struct NamedDistribution {
  std::string_view name;
  DelayDistribution value;
};
constexpr NamedDistribution kDistributions[] = {
    {"fixed", DelayDistribution::kFixed},
    {"uniform", DelayDistribution::kUniform},
    {"normal", DelayDistribution::kNormal},
    {"lognormal", DelayDistribution::kLogNormal},
    {"exponential", DelayDistribution::kExponential},
};

}  // namespace

StatusOr<DelayDistribution> ParseDelayDistribution(std::string_view name) {
  for (const NamedDistribution& d : kDistributions) {
    if (d.name == name) return d.value;
  }
  return InvalidArgumentError("unknown delay distribution \"" + std::string(name) +
                              "\" (expected fixed, uniform, normal, lognormal or exponential)");
}

std::string_view DelayDistributionName(DelayDistribution value) {
  for (const NamedDistribution& d : kDistributions) {
    if (d.value == value) return d.name;
  }
  return "unknown";
}

Duration DelaySpec::Sample(Random& rng) const {
  double mean_s = ToSeconds(mean);
  double spread_s = ToSeconds(spread);
  double s = mean_s;
  switch (distribution) {
    case DelayDistribution::kFixed:
      break;
    case DelayDistribution::kUniform:
      s = rng.Uniform(mean_s - spread_s, mean_s + spread_s);
      break;
    case DelayDistribution::kNormal:
      s = spread_s > 0 ? rng.Normal(mean_s, spread_s) : mean_s;
      break;
    case DelayDistribution::kLogNormal: {
      if (mean_s <= 0 || spread_s <= 0) break;
      // Parameters of the underlying normal for a log-normal of mean m and deviation s:
      // sigma^2 = ln(1 + s^2 / m^2), mu = ln m - sigma^2 / 2.
      double sigma2 = std::log1p(spread_s * spread_s / (mean_s * mean_s));
      s = std::exp(rng.Normal(std::log(mean_s) - sigma2 / 2, std::sqrt(sigma2)));
      break;
    }
    case DelayDistribution::kExponential:
      s = mean_s > 0 ? rng.Exponential(mean_s) : 0;
      break;
  }
  return FromSeconds(std::max(s, 0.0));
}

}  // namespace crescendo::sim
