// The "spike-aware" vertical strategy: the "vpa" pipeline (vpa/vpa_strategy.h) with a
// recommendation that
//   - is sized for recurring memory spikes: a memory level reached by at least two spike
//     episodes in the last 8 days becomes the memory target + 15% (spike.h), so that a spike
//     every few days, below VPA's P90 of daily peaks, is not an OOM kill each time; and
//   - leaves to the HPA the resources that drive it: a Resource metric on cpu or memory (the
//     default 80% CPU utilization when the HPA names no metric) is not scaled vertically, a
//     ContainerResource metric only for its container (coordination.h).
//
// Thread safety: as VpaPipeline.
#ifndef CRESCENDO_SRC_VERTICAL_SPIKE_AWARE_SPIKE_AWARE_STRATEGY_H_
#define CRESCENDO_SRC_VERTICAL_SPIKE_AWARE_SPIKE_AWARE_STRATEGY_H_

#include <memory>

#include "crescendo/vertical/strategy.h"
#include "crescendo/vertical/workload_model.h"

namespace crescendo::vertical {

// The "spike-aware" recommendation step.
PodRecommendation SpikeAwareRecommendation(const WorkloadModel& model, const VerticalContext& ctx);

// Returns the "spike-aware" strategy.
std::unique_ptr<VerticalRecommender> NewSpikeAwareStrategy();

}  // namespace crescendo::vertical

#endif  // CRESCENDO_SRC_VERTICAL_SPIKE_AWARE_SPIKE_AWARE_STRATEGY_H_
