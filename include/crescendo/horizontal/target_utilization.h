// TargetUtilizationRecommender: the plain proportional rule,
//   desired = ceil(current * observed / target)
// taking the largest proposal across metrics. It has no tolerance, no stabilization and no
// readiness rules: it is the simplest correct controller, kept as a reference strategy
// ("target-utilization"). The Kubernetes-exact HPA is in kubernetes_hpa.h.
//
// Metrics: Resource/ContainerResource Utilization uses pod usage over pod requests;
// AverageValue uses the mean per pod; Value uses the workload value. A metric whose read failed
// is skipped; when every metric failed the current count is kept (never a scale-down on missing
// data).
//
// Thread safety: stateless; Recommend() may be called concurrently.
#ifndef CRESCENDO_HORIZONTAL_TARGET_UTILIZATION_H_
#define CRESCENDO_HORIZONTAL_TARGET_UTILIZATION_H_

#include "crescendo/horizontal/recommender.h"

namespace crescendo {

class TargetUtilizationRecommender final : public StatelessHorizontalRecommender {
 public:
  std::string_view name() const override { return "target-utilization"; }
  Proposal Decide(const HorizontalContext& ctx) const override;
};

}  // namespace crescendo

#endif  // CRESCENDO_HORIZONTAL_TARGET_UTILIZATION_H_
