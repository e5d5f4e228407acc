#include "crescendo/sim/elasticity.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>

namespace crescendo::sim {
namespace {

int Sign(double x) { return (x > 0) - (x < 0); }

}  // namespace

void ElasticityAccumulator::Add(double demand, double supply, double dt) {
  double denominator = std::max(demand, 1.0);
  seconds_ += dt;
  under_area_ += std::max(demand - supply, 0.0) / denominator * dt;
  over_area_ += std::max(supply - demand, 0.0) / denominator * dt;
  under_seconds_ += demand > supply ? dt : 0;
  over_seconds_ += supply > demand ? dt : 0;
  if (has_previous_) {
    int supply_sign = Sign(supply - previous_supply_);
    int demand_sign = Sign(demand - previous_demand_);
    paired_seconds_ += dt;
    unstable_seconds_ += std::min(std::abs(supply_sign - demand_sign), 1) * dt;
    supply_adaptations_ += supply_sign != 0 ? 1 : 0;
    demand_adaptations_ += demand_sign != 0 ? 1 : 0;
  }
  has_previous_ = true;
  previous_demand_ = demand;
  previous_supply_ = supply;
}

ElasticityMetrics ElasticityAccumulator::Result() const {
  ElasticityMetrics m;
  m.seconds = seconds_;
  m.supply_adaptations = supply_adaptations_;
  m.demand_adaptations = demand_adaptations_;
  if (seconds_ <= 0) return m;
  m.theta_u = 100 * under_area_ / seconds_;
  m.theta_o = 100 * over_area_ / seconds_;
  m.tau_u = 100 * under_seconds_ / seconds_;
  m.tau_o = 100 * over_seconds_ / seconds_;
  m.instability = paired_seconds_ > 0 ? 100 * unstable_seconds_ / paired_seconds_ : 0;
  m.jitter = static_cast<double>(supply_adaptations_ - demand_adaptations_) / (seconds_ / 60);
  return m;
}

ElasticityMetrics ComputeElasticity(std::span<const double> demand, std::span<const double> supply,
                                    double step_seconds) {
  assert(demand.size() == supply.size());
  ElasticityAccumulator acc;
  for (size_t i = 0; i < demand.size(); ++i) acc.Add(demand[i], supply[i], step_seconds);
  return acc.Result();
}

ElasticityMetrics CombineElasticity(std::span<const ElasticityMetrics> metrics) {
  ElasticityMetrics out;
  for (const ElasticityMetrics& m : metrics) out.seconds += m.seconds;
  if (out.seconds <= 0) return out;
  for (const ElasticityMetrics& m : metrics) {
    double w = m.seconds / out.seconds;
    out.theta_u += w * m.theta_u;
    out.theta_o += w * m.theta_o;
    out.tau_u += w * m.tau_u;
    out.tau_o += w * m.tau_o;
    out.instability += w * m.instability;
    out.jitter += w * m.jitter;
    out.supply_adaptations += m.supply_adaptations;
    out.demand_adaptations += m.demand_adaptations;
  }
  return out;
}

}  // namespace crescendo::sim
