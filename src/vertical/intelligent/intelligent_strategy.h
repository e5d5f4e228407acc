// The "intelligent" vertical strategy: the "vpa" pipeline (vpa/vpa_strategy.h) whose
// recommendation is
//   - for memory, the spike-aware one (spike_aware/spike_aware_strategy.h): VPA's target from
//     observed peaks, sized for recurring spikes, never below what the pods were seen to use
//     (OOM safety); left to the HPA when the HPA scales on memory (coordination.h);
//   - for CPU, when this tick's horizontal proposal (VerticalContext::horizontal_proposal)
//     carries a pod size, that size: the one the `intelligent` horizontal strategy decided its
//     replicas against (src/engine/intelligent/joint.h), split over the containers in the
//     proportion of the template's requests, never below VPA's lower bound (the P50 of the
//     usage history plus margin: on the tuning traces a floor at this tick's use alone let
//     crane input1 lose 35% more SLA seconds than predictive, this one 1%), and kept within
//     each container's minAllowed and maxAllowed. The bounds the updater reads are widened to hold
//     every CPU request in force, so CPU alone never evicts or resizes a running pod (an eviction
//     is a lost pod for the SLO, and the replicas do not depend on the pods' requests): new pods
//     get the new size, and memory, as in spike-aware, still brings pods to the template when it
//     must. Without a planned size (a failed read, no VPA control of CPU) CPU is left as
//     spike-aware leaves it.
// The CPU that the HPA's utilization reads is not a conflict here: the horizontal strategy
// reads utilization against its reference pod, not against the size set below.
//
// Thread safety: as VpaPipeline.
#ifndef CRESCENDO_SRC_VERTICAL_INTELLIGENT_INTELLIGENT_STRATEGY_H_
#define CRESCENDO_SRC_VERTICAL_INTELLIGENT_INTELLIGENT_STRATEGY_H_

#include <memory>

#include "crescendo/vertical/strategy.h"
#include "crescendo/vertical/workload_model.h"

namespace crescendo::vertical {

// The "intelligent" recommendation step.
PodRecommendation IntelligentRecommendation(const WorkloadModel& model, const VerticalContext& ctx);

// Returns the "intelligent" strategy.
std::unique_ptr<VerticalRecommender> NewIntelligentStrategy();

}  // namespace crescendo::vertical

#endif  // CRESCENDO_SRC_VERTICAL_INTELLIGENT_INTELLIGENT_STRATEGY_H_
