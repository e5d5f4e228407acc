// Resource estimators: functions from an AggregateContainerState to CPU and memory amounts, built
// by wrapping a base estimator, as the VPA recommender's logic/estimator.go.
//
//   Percentile(cpu p, memory p)         the percentiles of the CPU and memory-peak histograms
//   WithMargin(f, base)                 base + base * f
//   WithConfidenceMultiplier(m, e, b)   b * (1 + m / confidence)^e
//   WithMinResources(min, base)         max(base, min), per resource
//
// Confidence (days of history) is min(days between the first and last CPU sample,
// CPU sample count / 1440): a steady stream of one sample a minute over N days gives N. With
// VPA's multipliers (upper bound m=1, e=+1; lower bound m=0.001, e=-2) the effect is:
//   history  upper bound x   lower bound x
//   none     +inf (1e14)     0
//   5 min    -               0.6
//   12 h     3               ~1
//   24 h     2               ~1
//   1 week   1.14            ~1
//
// Thread safety: estimators are immutable and may be shared across threads.
#ifndef CRESCENDO_VERTICAL_ESTIMATOR_H_
#define CRESCENDO_VERTICAL_ESTIMATOR_H_

#include <memory>

#include "crescendo/model/resources.h"
#include "crescendo/vertical/aggregate_state.h"

namespace crescendo::vertical {

class ResourceEstimator {
 public:
  virtual ~ResourceEstimator() = default;
  // Returns the CPU (millicores) and memory (bytes) estimate for `state`.
  virtual Resources Estimate(const AggregateContainerState& state) const = 0;
};

using EstimatorPtr = std::shared_ptr<const ResourceEstimator>;

// Returns the confidence in days of history, as above.
double Confidence(const AggregateContainerState& state);

EstimatorPtr ConstEstimator(Resources resources);
// Percentiles in [0, 1].
EstimatorPtr PercentileEstimator(double cpu_percentile, double memory_percentile);
EstimatorPtr WithMargin(double margin_fraction, EstimatorPtr base);
EstimatorPtr WithConfidenceMultiplier(double multiplier, double exponent, EstimatorPtr base);
EstimatorPtr WithMinResources(Resources min_resources, EstimatorPtr base);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_VERTICAL_ESTIMATOR_H_
