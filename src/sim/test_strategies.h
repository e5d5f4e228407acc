// Strategies for the sim layer's tests and benchmarks: simple, exact recommenders, so a test
// checks the runner and not a recommender. (The real strategies come from the engine.)
#ifndef CRESCENDO_SRC_SIM_TEST_STRATEGIES_H_
#define CRESCENDO_SRC_SIM_TEST_STRATEGIES_H_

#include <cmath>
#include <memory>
#include <string>
#include <string_view>

#include "crescendo/horizontal/recommender.h"

namespace crescendo::sim {

// Keeps a fixed replica count.
class FixedRecommender final : public StatelessHorizontalRecommender {
 public:
  explicit FixedRecommender(int32_t replicas) : replicas_(replicas) {}
  std::string_view name() const override { return "fixed"; }
  Proposal Decide(const HorizontalContext& ctx) const override {
    Proposal p;
    p.current_replicas = ctx.workload->spec_replicas;
    p.desired_replicas = replicas_;
    return p;
  }

 private:
  int32_t replicas_;
};

// ceil(current * utilization / target) over the CPU of running pods: enough for the runner's
// tests, which check the runner, not the recommender.
class ProportionalRecommender final : public StatelessHorizontalRecommender {
 public:
  std::string_view name() const override { return "proportional"; }
  Proposal Decide(const HorizontalContext& ctx) const override {
    Proposal p;
    p.current_replicas = ctx.workload->spec_replicas;
    p.desired_replicas = p.current_replicas;
    const WorkloadMetric& cpu = ctx.metrics[0];
    if (cpu.pods.empty()) return p;
    double used = 0;
    for (const PodMetric& m : cpu.pods) used += m.value;
    double utilization = used / (static_cast<double>(cpu.pods.size()) *
                                 static_cast<double>(ctx.workload->pod_requests.cpu_millis));
    double target = *EffectiveMetrics(*ctx.spec)[0].target.average_utilization / 100.0;
    p.desired_replicas =
        static_cast<int32_t>(std::ceil(p.current_replicas * utilization / target - 1e-9));
    return p;
  }
};

// "proportional" or "fixed-N".
inline StatusOr<std::unique_ptr<HorizontalRecommender>> TestStrategies(std::string_view name) {
  if (name == "proportional")
    return std::unique_ptr<HorizontalRecommender>(new ProportionalRecommender());
  if (name.starts_with("fixed-")) {
    return std::unique_ptr<HorizontalRecommender>(
        new FixedRecommender(std::stoi(std::string(name.substr(6)))));
  }
  return NotFoundError("unknown strategy \"" + std::string(name) + "\"");
}

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_TEST_STRATEGIES_H_
