// WorkloadModel: the vertical state of one workload (one VerticalPodAutoscaler target), fed with
// usage records, as the VPA recommender's ClusterState holds it for one VPA whose pods share
// their labels: one AggregateContainerState per container name, one ContainerState per
// (pod, container), and a SpikeTracker per container name.
//
// Records must arrive in time order per (pod, container) for VPA's semantics (out-of-order CPU
// samples are discarded, as VPA does); FeedAll() sorts them first.
//
//   WorkloadModel model;
//   model.FeedAll(records);
//   PodRecommendation rec = model.Recommend({.spec = &spec, .now = now});
//
// The model has an exact JSON form (ToExactJson/FromExactJson: every histogram weight, sample
// span, open-interval peak and spike tracker, unlike the lossy VPA checkpoint of Export) and
// can be copied into another model reusing its storage (CopyFrom), for the engine's per-tick
// state handling (model/state.h).
//
// Thread safety: not thread-safe; one writer.
#ifndef CRESCENDO_VERTICAL_WORKLOAD_MODEL_H_
#define CRESCENDO_VERTICAL_WORKLOAD_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crescendo/model/autoscaling.h"
#include "crescendo/vertical/aggregate_state.h"
#include "crescendo/vertical/checkpoint.h"
#include "crescendo/vertical/recommender.h"
#include "crescendo/vertical/samples.h"
#include "crescendo/vertical/spike.h"

namespace crescendo::vertical {

// How a recommendation is made.
struct RecommendRequest {
  const VerticalSpec* spec = nullptr;          // resource policy; null: none
  const HorizontalSpec* horizontal = nullptr;  // the workload's HPA; null: none
  Timestamp now;
  bool spike_aware = true;  // false: plain VPA semantics
};

class WorkloadModel {
 public:
  // REQUIRES: `config` outlives the model.
  explicit WorkloadModel(const AggregationConfig* config = &AggregationConfig::Default(),
                         SpikeOptions spike_options = {});
  WorkloadModel(const WorkloadModel&) = delete;
  WorkloadModel& operator=(const WorkloadModel&) = delete;

  // Feeds one record. Returns false when VPA would discard (part of) it: an out-of-order or
  // duplicate sample, or a stale OOM.
  bool Add(const UsageRecord& record);

  // The state of one (pod, container) and its container name's spike tracker, for feeding
  // usage without looking names up (the engine's feeder keeps one per listed pod's container
  // across ticks). Valid while generation() is unchanged: inserting states moves none.
  struct ContainerRef {
    ContainerState* state = nullptr;  // null: not looked up yet
    SpikeTracker* spikes = nullptr;
    const std::string* container = nullptr;  // the container's name, as the model keys it
  };
  // Returns the state of (pod, container) and its tracker, making them (and the container's
  // aggregate) when missing, as Add() does for a record.
  ContainerRef Ref(std::string_view pod, std::string_view container);
  // Feed one usage sample as Add() feeds a record carrying only that value (same rounding, same
  // discards). REQUIRES: `ref` from Ref() of this model, generation() unchanged since.
  bool AddCpu(const ContainerRef& ref, Timestamp time, double cpu_cores,
              std::optional<double> cpu_request_cores);
  bool AddMemory(const ContainerRef& ref, Timestamp time, double memory_bytes);
  // Returns a number that changes, to one no model held before, whenever a ContainerRef may
  // dangle: ForgetPods, GarbageCollect, CopyFrom, FromExactJson.
  uint64_t generation() const { return generation_; }
  // Sorts `records` by time (stable) and feeds them; returns how many were (partly) discarded.
  size_t FeedAll(std::vector<UsageRecord> records);

  // Merges a checkpoint into the state of `checkpoint.container_name`.
  // Errors: as LoadFromCheckpoint, prefixed with the checkpoint's name.
  Status Import(const VpaCheckpoint& checkpoint);
  // Returns one checkpoint per container name, without the still-open interval's memory peaks.
  std::vector<VpaCheckpoint> Export(const std::string& vpa_name, const std::string& ns,
                                    Timestamp now) const;

  // Forgets container names whose last sample is older than the aggregation window.
  void GarbageCollect(Timestamp now);
  // Forgets the per-container states of the pods for which gone(pod) is true, as VPA's
  // ClusterState deletes the pods that are no longer listed (input/cluster_feeder.go LoadPods);
  // their samples stay in the aggregates. Returns how many container states were dropped.
  size_t ForgetPods(const std::function<bool(const std::string& pod)>& gone);

  // Makes this model equal to `other`, reusing this model's map nodes and histogram storage.
  // REQUIRES: both models use the same AggregationConfig.
  void CopyFrom(const WorkloadModel& other);

  // Returns the exact form: {"aggregates": {<container>: <AggregateContainerState>},
  // "spike_trackers": {<container>: <SpikeTracker>}, "containers": [{"pod": ..., "container":
  // ..., "state": <ContainerState>}]}.
  nlohmann::json ToExactJson() const;
  // Replaces the model's contents with the exact form. Errors: InvalidArgument naming the field
  // (e.g. "aggregates: app: cpu: histogram: weights[3]: ..."); unchanged on error.
  Status FromExactJson(const nlohmann::json& json);

  // Returns the recommendation: VPA's, honouring the policy, leaving resources that drive the
  // HPA to it, and (spike_aware) sized for recurring memory spikes.
  PodRecommendation Recommend(const RecommendRequest& request) const;

  const std::map<std::string, AggregateContainerState>& aggregates() const { return aggregates_; }
  // Returns how many (pod, container) states the model holds.
  size_t container_state_count() const { return containers_.size(); }
  // Returns the bytes the model holds, per-container states, spike trackers and map nodes
  // included.
  size_t MemoryUsageBytes() const;

 private:
  AggregateContainerState& AggregateFor(const std::string& container);

  const AggregationConfig* config_;
  SpikeOptions spike_options_;
  const PodResourceRecommender* recommender_;  // VPA's, shared by every model
  std::map<std::string, AggregateContainerState> aggregates_;
  // Orders (pod, container) keys and lets them be looked up by string views, without copies.
  struct PodContainerLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return std::pair<std::string_view, std::string_view>(a.first, a.second) <
             std::pair<std::string_view, std::string_view>(b.first, b.second);
    }
  };
  using ContainerMap =
      std::map<std::pair<std::string, std::string>, ContainerState, PodContainerLess>;
  // Returns the state of (pod, container), or containers_.end(). Usage comes pod by pod in name
  // order, so the entry found last and the one after it are tried before the tree is searched.
  ContainerMap::iterator FindContainer(std::string_view pod, std::string_view container);
  // Returns the tracker of `container`, made when missing (the one used last tried first).
  SpikeTracker& SpikesFor(std::string_view container);
  // Forgets the look-up hints and every ContainerRef handed out (a new generation); called by
  // every change that may erase map entries.
  void Invalidate();
  // Forgets the look-up hints; called by every change that may erase map entries.
  void ResetHints();

  ContainerMap containers_;  // (pod, container)
  std::map<std::string, SpikeTracker> spikes_;
  ContainerMap::iterator container_hint_;                     // containers_.end(): none
  std::map<std::string, SpikeTracker>::iterator spike_hint_;  // spikes_.end(): none
  uint64_t generation_ = 0;
};

}  // namespace crescendo::vertical

#endif  // CRESCENDO_VERTICAL_WORKLOAD_MODEL_H_
