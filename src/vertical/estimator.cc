#include "crescendo/vertical/estimator.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace crescendo::vertical {
namespace {

class Const final : public ResourceEstimator {
 public:
  explicit Const(Resources r) : r_(r) {}
  Resources Estimate(const AggregateContainerState&) const override { return r_; }

 private:
  Resources r_;
};

class Percentile final : public ResourceEstimator {
 public:
  Percentile(double cpu, double memory) : cpu_(cpu), memory_(memory) {}
  Resources Estimate(const AggregateContainerState& s) const override {
    return {CpuMillisFromCores(s.cpu().Percentile(cpu_)),
            ResourceAmountFromDouble(s.memory_peaks().Percentile(memory_))};
  }

 private:
  double cpu_;
  double memory_;
};

class Margin final : public ResourceEstimator {
 public:
  Margin(double fraction, EstimatorPtr base) : fraction_(fraction), base_(std::move(base)) {}
  Resources Estimate(const AggregateContainerState& s) const override {
    Resources r = base_->Estimate(s);
    return {r.cpu_millis + ScaleResource(r.cpu_millis, fraction_),
            r.memory_bytes + ScaleResource(r.memory_bytes, fraction_)};
  }

 private:
  double fraction_;
  EstimatorPtr base_;
};

class ConfidenceMultiplier final : public ResourceEstimator {
 public:
  ConfidenceMultiplier(double multiplier, double exponent, EstimatorPtr base)
      : multiplier_(multiplier), exponent_(exponent), base_(std::move(base)) {}
  Resources Estimate(const AggregateContainerState& s) const override {
    const double factor = std::pow(1.0 + multiplier_ / Confidence(s), exponent_);
    Resources r = base_->Estimate(s);
    return {ScaleResource(r.cpu_millis, factor), ScaleResource(r.memory_bytes, factor)};
  }

 private:
  double multiplier_;
  double exponent_;
  EstimatorPtr base_;
};

class MinResources final : public ResourceEstimator {
 public:
  MinResources(Resources min, EstimatorPtr base) : min_(min), base_(std::move(base)) {}
  Resources Estimate(const AggregateContainerState& s) const override {
    Resources r = base_->Estimate(s);
    return {std::max(r.cpu_millis, min_.cpu_millis), std::max(r.memory_bytes, min_.memory_bytes)};
  }

 private:
  Resources min_;
  EstimatorPtr base_;
};

}  // namespace

// logic/estimator.go getConfidence.
double Confidence(const AggregateContainerState& state) {
  double lifespan_days = 0.0;
  if (auto first = state.first_sample_start(), last = state.last_sample_start(); first && last) {
    lifespan_days = static_cast<double>((*last - *first).count()) /
                    static_cast<double>(Duration(hours(24)).count());
  }
  const double samples_days = static_cast<double>(state.total_samples_count()) / (60 * 24);
  return std::min(lifespan_days, samples_days);
}

EstimatorPtr ConstEstimator(Resources resources) { return std::make_shared<Const>(resources); }

EstimatorPtr PercentileEstimator(double cpu_percentile, double memory_percentile) {
  return std::make_shared<Percentile>(cpu_percentile, memory_percentile);
}

EstimatorPtr WithMargin(double margin_fraction, EstimatorPtr base) {
  return std::make_shared<Margin>(margin_fraction, std::move(base));
}

EstimatorPtr WithConfidenceMultiplier(double multiplier, double exponent, EstimatorPtr base) {
  return std::make_shared<ConfidenceMultiplier>(multiplier, exponent, std::move(base));
}

EstimatorPtr WithMinResources(Resources min_resources, EstimatorPtr base) {
  return std::make_shared<MinResources>(min_resources, std::move(base));
}

}  // namespace crescendo::vertical
