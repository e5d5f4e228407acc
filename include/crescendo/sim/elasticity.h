// Elasticity metrics of the SPEC Research Group (Herbst et al.), as the BUNGEE elasticity
// benchmark computes them from a demand curve d_t and a supply curve s_t sampled at times t with
// durations dt_t (T = sum of dt_t, the evaluated time):
//
//   theta_U = 100/T * sum max(d_t - s_t, 0) / d_t * dt_t      under-provisioning accuracy [%]
//   theta_O = 100/T * sum max(s_t - d_t, 0) / d_t * dt_t      over-provisioning accuracy [%]
//   tau_U   = 100/T * sum [d_t > s_t] * dt_t                  under-provisioning timeshare [%]
//   tau_O   = 100/T * sum [s_t > d_t] * dt_t                  over-provisioning timeshare [%]
//   upsilon = 100/(T - dt_1) * sum_{t>=2} min(|sgn(s_t - s_{t-1}) - sgn(d_t - d_{t-1})|, 1) * dt_t
//                                                             instability [%]
//   j       = (E_S - E_D) / T                                 jitter [adaptations per minute]
//
// E_S and E_D count the adaptations (changes) of the supply and the demand curve. Sources:
// N. Herbst et al., "Ready for Rain? A View from SPEC Research on the Future of Cloud Metrics",
// SPEC-RG-2016-01; A. Bauer et al., "Chameleon: A Hybrid, Proactive Auto-Scaling Mechanism on a
// Level-Playing Field", IEEE TPDS 30(4), 2019, section 5; the BUNGEE implementation
// (github.com/NikolasHerbst/BUNGEE, tools.descartes.bungee/metric/*.java: time in minutes for
// jitter). Conventions here (docs/simulation.md): d_t below 1 counts as 1 in the accuracy
// denominators; samples inside gaps are left out of every sum and T, and no difference is taken
// across a gap.
//
// Thread safety: value types.
#ifndef CRESCENDO_SIM_ELASTICITY_H_
#define CRESCENDO_SIM_ELASTICITY_H_

#include <cstdint>
#include <span>

namespace crescendo::sim {

struct ElasticityMetrics {
  double theta_u = 0;      // percent
  double theta_o = 0;      // percent
  double tau_u = 0;        // percent
  double tau_o = 0;        // percent
  double instability = 0;  // percent
  double jitter = 0;       // adaptations per minute
  double seconds = 0;      // T
  int64_t supply_adaptations = 0;
  int64_t demand_adaptations = 0;
};

// Accumulates the metrics sample by sample in constant memory.
class ElasticityAccumulator {
 public:
  // Adds a sample: `demand` and `supply` (resource units, e.g. pods) over `dt_seconds`.
  void Add(double demand, double supply, double dt_seconds);
  // Marks a gap: the next sample has no predecessor.
  void Break() { has_previous_ = false; }
  ElasticityMetrics Result() const;

 private:
  double seconds_ = 0;
  double under_area_ = 0;  // sum max(d - s, 0) / d * dt
  double over_area_ = 0;
  double under_seconds_ = 0;
  double over_seconds_ = 0;
  double paired_seconds_ = 0;  // T - dt_1 of each run
  double unstable_seconds_ = 0;
  int64_t supply_adaptations_ = 0;
  int64_t demand_adaptations_ = 0;
  bool has_previous_ = false;
  double previous_demand_ = 0;
  double previous_supply_ = 0;
};

// Returns the metrics of equally spaced samples. REQUIRES: demand.size() == supply.size().
ElasticityMetrics ComputeElasticity(std::span<const double> demand, std::span<const double> supply,
                                    double step_seconds);

// Returns the mean of `metrics` weighted by their evaluated time (the aggregate over services),
// with the adaptation counts summed.
ElasticityMetrics CombineElasticity(std::span<const ElasticityMetrics> metrics);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SIM_ELASTICITY_H_
