// Delay distributions for pod scheduling, startup and node provisioning.
//
// Thread safety: DelaySpec is a value; Sample() uses the caller's generator.
#ifndef CRESCENDO_SIM_DISTRIBUTION_H_
#define CRESCENDO_SIM_DISTRIBUTION_H_

#include <string_view>

#include "crescendo/base/random.h"
#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo::sim {

enum class DelayDistribution {
  kFixed,        // always `mean`
  kUniform,      // uniform on [mean - spread, mean + spread]
  kNormal,       // normal with standard deviation `spread`
  kLogNormal,    // log-normal with the given mean and standard deviation `spread`
  kExponential,  // exponential with the given mean (`spread` unused)
};

// Parses "fixed", "uniform", "normal", "lognormal", "exponential".
// Errors: InvalidArgument naming the input and the accepted names.
StatusOr<DelayDistribution> ParseDelayDistribution(std::string_view name);
std::string_view DelayDistributionName(DelayDistribution d);

struct DelaySpec {
  DelayDistribution distribution = DelayDistribution::kFixed;
  Duration mean{};
  Duration spread{};

  // Returns one delay, never negative. Fixed draws consume no randomness.
  Duration Sample(Random& rng) const;
};

}  // namespace crescendo::sim

#endif  // CRESCENDO_SIM_DISTRIBUTION_H_
