// FeedTick: one tick of VPA's cluster state feeder (recommender/input/cluster_feeder.go) for
// one workload: LoadPods, then LoadRealTimeMetrics with its OOM events.
//
//   1. Pods no longer listed are forgotten: their per-container states and watches go, their
//      samples stay in the aggregates (LoadPods: ClusterState.DeletePod).
//   2. Each PodMetric of ctx.cpu and ctx.memory is one usage sample of one container (an empty
//      PodMetric::container names the pod's only container), dated PodMetric::time (ctx.now
//      when unset). CPU samples are weighted by the container's CPU request in force, as
//      AggregateContainerState.addCPUSample; samples of unknown pods or containers are
//      dropped, as ClusterState.AddSample drops them (KeyError).
//   3. A container whose ContainerState::last_oom_kill is newer than the one its watch holds
//      records an OOM as VPA's OOM observer reports it (input/oom/observer.go processStatuses):
//      dated the kill, sized by the memory request in force before it; ClusterState.RecordOOM
//      turns it into a memory sample of max(m + 100 MiB, 1.2 m), m = max(request, the
//      interval's usage peak) (model/container.go RecordOOM). Like the observer's OnAdd, the
//      first sight of a pod records no OOM. OOMs come after the samples, as the feeder drains
//      its OOM channel at the end of LoadRealTimeMetrics.
//   4. A pod resizing in place (PodState::resize) is remembered from the tick it is first seen
//      so (PodWatch::resize_seen), as the updater's lastInPlaceAttemptTimeMap.
//
// Units: cpu millicores, memory bytes. Anything unusable is explained in `trace` (step "vpa
// input") and skipped; FeedTick never fails.
//
// Thread safety: mutates `state` only.
#ifndef CRESCENDO_SRC_VERTICAL_VPA_FEEDER_H_
#define CRESCENDO_SRC_VERTICAL_VPA_FEEDER_H_

#include <vector>

#include "crescendo/model/decision.h"
#include "crescendo/vertical/strategy.h"
#include "vertical/vpa/vpa_state.h"

namespace crescendo::vertical {

// The updater's --evict-after-oom-threshold default (updater/config/config.go
// DefaultUpdaterConfig EvictAfterOOMThreshold): an OOM kill this soon after the container
// started is a quick OOM.
inline constexpr Duration kEvictAfterOomThreshold = minutes(10);

// REQUIRES: ctx.workload non-null.
void FeedTick(const VerticalContext& ctx, VpaState& state, std::vector<TraceEntry>* trace);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_SRC_VERTICAL_VPA_FEEDER_H_
