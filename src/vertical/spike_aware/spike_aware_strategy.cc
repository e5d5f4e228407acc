#include "vertical/spike_aware/spike_aware_strategy.h"

#include "vertical/vpa/vpa_strategy.h"

namespace crescendo::vertical {

PodRecommendation SpikeAwareRecommendation(const WorkloadModel& model, const VerticalContext& ctx) {
  return model.Recommend(
      {.spec = ctx.spec, .horizontal = ctx.horizontal, .now = ctx.now, .spike_aware = true});
}

std::unique_ptr<VerticalRecommender> NewSpikeAwareStrategy() {
  return std::make_unique<VpaPipeline>("spike-aware", SpikeAwareRecommendation);
}

}  // namespace crescendo::vertical
