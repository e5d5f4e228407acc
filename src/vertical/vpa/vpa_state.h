// VpaState: the memory of the "vpa" and "spike-aware" vertical strategies for one workload, as
// the engine owns it (model/state.h).
//
// It holds VPA's whole model of the workload (WorkloadModel: per container name the decaying
// CPU and memory-peak histograms and sample span, per (pod, container) the open memory
// interval, per container name the spike tracker), and what the strategy saw of each listed
// pod's containers (PodWatch): the restart count, the newest OOM kill, the memory request in
// force, when the running instance started, and since when the pod has been resizing in place.
//
// ToJson() is exact (every histogram weight and timestamp; not VPA's lossy checkpoint): the
// state VpaState::FromJson() rebuilds from it makes bit-identical recommendations.
//
//   {"version": 1, "model": <WorkloadModel::ToExactJson()>, "last_gc_unix_ns": <int>,
//    "last_run_unix_ns": <int or null; absent in checkpoints written before it: null>,
//    "pods": {"web-1": {"resize_seen_unix_ns": <int or null>,
//                       "containers": [{"name": "app", "restarts": 0,
//                                       "last_oom_kill_unix_ns": <int or null>,
//                                       "memory_request_bytes": 0,
//                                       "instance_start_unix_ns": <int>, "quick_oom": false}]}}}
//
// Thread safety: not thread-safe; one user at a time (model/state.h).
#ifndef CRESCENDO_SRC_VERTICAL_VPA_VPA_STATE_H_
#define CRESCENDO_SRC_VERTICAL_VPA_VPA_STATE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/model/cluster.h"
#include "crescendo/model/state.h"
#include "crescendo/vertical/workload_model.h"

namespace crescendo::vertical {

// A container as the cluster snapshot shows it (not vertical::ContainerState, VPA's model).
using PodContainerState = ::crescendo::ContainerState;

// What the strategy saw of one container of a listed pod at the last tick.
struct ContainerWatch {
  std::string name;
  int32_t restarts = 0;
  std::optional<Timestamp> last_oom_kill;  // the newest OOM kill recorded (or seen at first sight)
  // The memory request in force at the last tick: VPA's OOM observer sizes an OOM from the pod
  // as it was before the restart (input/oom/observer.go processStatuses, oomPod = oldPod).
  int64_t memory_request_bytes = 0;
  // When the running instance started: the pod's start, or the OOM kill or restart seen last.
  Timestamp instance_start;
  // The instance that last_oom_kill ended ran for less than the updater's
  // --evict-after-oom-threshold (a "quick OOM", updater/priority/update_priority_calculator.go).
  bool quick_oom = false;

  friend bool operator==(const ContainerWatch&, const ContainerWatch&) = default;
};

struct PodWatch {
  std::vector<ContainerWatch> containers;
  // When the pod was first seen resizing in place (PodState::resize not kNone), the start of
  // the updater's fallback timeouts: VPA's lastInPlaceAttemptTimeMap, set by
  // restriction/pods_inplace_restriction.go CanEvictInPlacingPod. Unlike VPA's map, cleared
  // once the pod stops resizing, so that each resize is timed from its own start.
  std::optional<Timestamp> resize_seen;

  friend bool operator==(const PodWatch&, const PodWatch&) = default;
};

class VpaState final : public StrategyState {
 public:
  VpaState() = default;

  // Returns the state ToJson() wrote. Errors: InvalidArgument naming the field that is missing,
  // of the wrong type or out of range (e.g. "model: aggregates: app: cpu: histogram:
  // weights[3]: found \"x\", expected a non-negative number").
  static StatusOr<std::unique_ptr<VpaState>> FromJson(const nlohmann::json& json);

  // REQUIRES: `other` is a VpaState.
  void CopyFrom(const StrategyState& other) override;
  nlohmann::json ToJson() const override;
  size_t Bytes() const override;

  WorkloadModel& model() { return model_; }
  const WorkloadModel& model() const { return model_; }
  std::map<std::string, PodWatch, std::less<>>& pods() { return pods_; }
  const std::map<std::string, PodWatch, std::less<>>& pods() const { return pods_; }
  // When VPA's rate-limited garbage collection of container names last ran (the Unix epoch
  // before the first, as model/cluster.go NewClusterState).
  Timestamp last_gc() const { return last_gc_; }
  void set_last_gc(Timestamp t) { last_gc_ = t; }
  // When the strategy last fed, recommended and chose pods (unset before the first run).
  std::optional<Timestamp> last_run() const { return last_run_; }
  void set_last_run(Timestamp t) { last_run_ = t; }
  // The names of the pods listed at the last FeedTick, in the snapshot's order: while the list
  // stays the same no pod is gone, so FeedTick need not look for pods to forget (feeder.h).
  // Derived, not checkpointed: empty in a restored state (FeedTick then looks). Whatever adds a
  // pod watch or a container state outside FeedTick must clear it.
  std::vector<std::string>& listed_pods() { return listed_pods_; }

  // Per listed pod (listed_pods() order) and container position, the model's ContainerRef,
  // filled as samples arrive, and per listed pod its watch, so that FeedTick feeds a steady
  // workload without looking names up. Derived, not checkpointed; valid while the model's
  // generation is `generation` (a copy or restore changes it), the listed pods stay the same
  // (only FeedTick erases watches, and only when they change) and each pod has at most
  // `stride` containers.
  struct FeedCache {
    uint64_t generation = 0;
    size_t stride = 0;
    std::vector<WorkloadModel::ContainerRef> refs;  // [pod * stride + container position]
    std::vector<PodWatch*> watches;                 // [pod]; null: not looked up yet
  };
  FeedCache& feed_cache() { return feed_cache_; }

 private:
  WorkloadModel model_;
  std::map<std::string, PodWatch, std::less<>> pods_;
  Timestamp last_gc_{};
  std::optional<Timestamp> last_run_;
  std::vector<std::string> listed_pods_;
  FeedCache feed_cache_;
};

}  // namespace crescendo::vertical

#endif  // CRESCENDO_SRC_VERTICAL_VPA_VPA_STATE_H_
