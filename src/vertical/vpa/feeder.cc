#include "vertical/vpa/feeder.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "crescendo/vertical/aggregate_state.h"
#include "crescendo/vertical/recommender.h"
#include "crescendo/vertical/samples.h"

namespace crescendo::vertical {
namespace {

constexpr const char* kStep = "vpa input";

void Note(std::vector<TraceEntry>* trace, std::string reason, double before = 0, double after = 0) {
  if (trace != nullptr) trace->push_back({kStep, before, after, std::move(reason)});
}

// The workload's pods, by name. Metrics usually list pods in the snapshot's order, so Find()
// looks at the pod after the last one found before it searches (sorting only then).
class PodIndex {
 public:
  explicit PodIndex(const std::vector<PodState>& pods) : pods_(pods) {}
  const PodState* Find(std::string_view name) const {
    if (next_ < pods_.size() && pods_[next_].name == name) return &pods_[next_++];
    if (sorted_.size() != pods_.size()) {
      sorted_.clear();
      sorted_.reserve(pods_.size());
      for (const PodState& pod : pods_) sorted_.push_back(&pod);
      std::sort(sorted_.begin(), sorted_.end(),
                [](const PodState* a, const PodState* b) { return a->name < b->name; });
    }
    auto it = std::lower_bound(sorted_.begin(), sorted_.end(), name,
                               [](const PodState* p, std::string_view n) { return p->name < n; });
    if (it == sorted_.end() || (*it)->name != name) return nullptr;
    next_ = static_cast<size_t>(*it - pods_.data()) + 1;
    return *it;
  }
  // Restarts the in-order guess at the first pod.
  void Rewind() const { next_ = 0; }

 private:
  const std::vector<PodState>& pods_;
  mutable size_t next_ = 0;
  mutable std::vector<const PodState*> sorted_;  // built on the first out-of-order lookup
};

// The container a usage value belongs to, its CPU request in force (the sample's weight), and
// its position among the pod's containers (or the template's, when the pod's are unknown).
struct SampleTarget {
  std::string_view container;
  int64_t cpu_request_millis = 0;
  size_t position = 0;
};

// Returns where `m` belongs in `pod`, or nullopt when no single known container matches: VPA
// only takes samples of containers it knows from the pod spec (model/cluster.go AddSample).
std::optional<SampleTarget> Resolve(const PodState& pod, const PodMetric& m,
                                    const std::vector<ContainerResources>& template_containers) {
  if (!pod.containers.empty()) {
    if (m.container.empty()) {
      if (pod.containers.size() != 1) return std::nullopt;
      return SampleTarget{pod.containers[0].name, pod.containers[0].requests.cpu_millis, 0};
    }
    for (size_t i = 0; i < pod.containers.size(); ++i) {
      const PodContainerState& c = pod.containers[i];
      if (c.name == m.container) return SampleTarget{c.name, c.requests.cpu_millis, i};
    }
    return std::nullopt;
  }
  // Per-container detail unknown: the pod's only container is the template's only container.
  if (template_containers.size() > 1) {
    if (m.container.empty()) return std::nullopt;
    for (size_t i = 0; i < template_containers.size(); ++i) {
      const ContainerResources& c = template_containers[i];
      if (c.name == m.container) return SampleTarget{c.name, c.requests.cpu_millis, i};
    }
    return std::nullopt;
  }
  if (template_containers.empty() && m.container.empty()) return std::nullopt;
  std::string_view name = m.container.empty() ? template_containers[0].name : m.container;
  if (!template_containers.empty() && name != template_containers[0].name) return std::nullopt;
  return SampleTarget{name, pod.requests.cpu_millis, 0};
}

// Returns the model's state for `target` of the pod at `pod_index`: the cached reference when
// it is still the target's (same generation, same container name), else looked up (and made)
// by name and cached.
WorkloadModel::ContainerRef RefFor(VpaState::FeedCache& cache, size_t pod_index,
                                   std::string_view pod, const SampleTarget& target,
                                   WorkloadModel& model) {
  WorkloadModel::ContainerRef* slot = target.position < cache.stride
                                          ? &cache.refs[pod_index * cache.stride + target.position]
                                          : nullptr;
  if (slot != nullptr && slot->state != nullptr && *slot->container == target.container) {
    return *slot;
  }
  WorkloadModel::ContainerRef ref = model.Ref(pod, target.container);
  if (slot != nullptr) *slot = ref;
  return ref;
}

void FeedMetric(const WorkloadMetric* metric, bool is_cpu, const VerticalContext& ctx,
                const PodIndex& pods, VpaState& state, std::vector<TraceEntry>* trace) {
  const std::string resource = is_cpu ? "cpu" : "memory";
  if (metric == nullptr) {
    Note(trace, "no " + resource + " metric: no " + resource + " sample this tick");
    return;
  }
  if (!metric->status.ok()) {
    Note(trace, resource + " read failed (" + metric->status.ToString() + "): no " + resource +
                    " sample this tick");
    return;
  }
  int unattributed = 0;
  int discarded = 0;
  WorkloadModel& model = state.model();
  VpaState::FeedCache& cache = state.feed_cache();
  const PodState* first = ctx.workload->pods.data();
  pods.Rewind();
  for (const PodMetric& m : metric->pods) {
    const PodState* pod = pods.Find(m.pod);
    std::optional<SampleTarget> target =
        pod ? Resolve(*pod, m, ctx.workload->template_containers) : std::nullopt;
    if (!target) {
      ++unattributed;
      continue;
    }
    if (!(m.value >= 0)) {  // negative or NaN: ContainerUsageSample.isValid fails
      ++discarded;
      continue;
    }
    const Timestamp time = m.time == Timestamp{} ? ctx.now : m.time;
    const WorkloadModel::ContainerRef ref =
        RefFor(cache, static_cast<size_t>(pod - first), m.pod, *target, model);
    const bool added = is_cpu
                           ? model.AddCpu(ref, time, m.value / 1000.0,
                                          static_cast<double>(target->cpu_request_millis) / 1000.0)
                           : model.AddMemory(ref, time, m.value);
    if (!added) ++discarded;
  }
  if (unattributed > 0) {
    Note(trace, std::to_string(unattributed) + " " + resource +
                    " value(s) dropped: pod not listed, or no single known container to "
                    "attribute them to");
  }
  if (discarded > 0) {
    Note(trace, std::to_string(discarded) + " " + resource +
                    " sample(s) discarded as VPA does: negative, duplicate or out of order");
  }
}

// Returns whether `pods` are named `names`, in that order.
bool SameNames(const std::vector<PodState>& pods, const std::vector<std::string>& names) {
  if (pods.size() != names.size()) return false;
  for (size_t i = 0; i < pods.size(); ++i) {
    if (pods[i].name != names[i]) return false;
  }
  return true;
}

// Keeps the feed cache when it still holds for `pods` (listed as before, the model's
// generation unchanged, no pod with more containers than its stride), else empties it.
void PrepareFeedCache(const std::vector<PodState>& pods,
                      const std::vector<ContainerResources>& template_containers, bool relisted,
                      VpaState& state) {
  size_t stride = std::max<size_t>(template_containers.size(), 1);
  for (const PodState& pod : pods) stride = std::max(stride, pod.containers.size());
  VpaState::FeedCache& cache = state.feed_cache();
  const uint64_t generation = state.model().generation();
  if (!relisted && cache.generation == generation && cache.stride == stride &&
      cache.refs.size() == pods.size() * stride && cache.watches.size() == pods.size()) {
    return;
  }
  cache.generation = generation;
  cache.stride = stride;
  cache.refs.assign(pods.size() * stride, WorkloadModel::ContainerRef{});
  cache.watches.assign(pods.size(), nullptr);
}

ContainerWatch FirstSight(const PodState& pod, const PodContainerState& c) {
  ContainerWatch w;
  w.name = c.name;
  w.restarts = c.restarts;
  w.last_oom_kill = c.last_oom_kill;
  w.memory_request_bytes = c.requests.memory_bytes;
  // The start of the running instance; when unknown, the pod's start: the earliest it can be,
  // so that a later OOM is not taken for a quick one.
  w.instance_start = c.last_oom_kill ? *c.last_oom_kill : pod.start_time;
  // Restarted once: the killed instance was the pod's first, started with the pod.
  w.quick_oom = c.last_oom_kill && c.restarts == 1 && *c.last_oom_kill >= pod.start_time &&
                *c.last_oom_kill - pod.start_time < kEvictAfterOomThreshold;
  return w;
}

void Observe(const PodState& pod, const PodContainerState& c, Timestamp now, ContainerWatch& w,
             WorkloadModel& model, std::vector<TraceEntry>* trace) {
  const bool new_oom = c.last_oom_kill && (!w.last_oom_kill || *c.last_oom_kill > *w.last_oom_kill);
  if (new_oom) {
    UsageRecord r;
    r.time = *c.last_oom_kill;
    r.pod = pod.name;
    r.container = c.name;
    r.memory_bytes = static_cast<double>(w.memory_request_bytes);
    r.oom = true;
    const std::string what = pod.name + "/" + c.name + " OOM-killed at " + FormatRfc3339(r.time);
    const double request = static_cast<double>(w.memory_request_bytes);
    if (model.Add(r)) {
      Note(trace,
           what + ": memory sample of max(m + 100 MiB, 1.2 m), m = max(request " +
               MemoryQuantityString(w.memory_request_bytes) + ", the interval's usage peak)",
           request, std::max(request + kOomMinBumpUpBytes, request * kOomBumpUpRatio));
    } else {
      Note(trace, what + ": discarded as VPA does, older than the current memory interval");
    }
    w.quick_oom = *c.last_oom_kill >= w.instance_start &&
                  *c.last_oom_kill - w.instance_start < kEvictAfterOomThreshold;
    w.instance_start = *c.last_oom_kill;
    w.last_oom_kill = c.last_oom_kill;
  } else if (c.restarts > w.restarts) {
    w.quick_oom = false;  // restarted for another reason: its last termination is no OOM
    w.instance_start = now;
  }
  if (!c.last_oom_kill) w.quick_oom = false;
  w.restarts = c.restarts;
  w.memory_request_bytes = c.requests.memory_bytes;
}

void ObservePods(const VerticalContext& ctx, VpaState& state, std::vector<TraceEntry>* trace) {
  // Pods are usually listed in name order, the map's: each is looked for after the previous.
  // The watches found at the last tick come first (FeedCache: map nodes stay put while no watch
  // is erased, and erasing one relists the pods).
  auto& watches = state.pods();
  std::vector<PodWatch*>& cached = state.feed_cache().watches;
  auto next = watches.begin();
  for (size_t i = 0; i < ctx.workload->pods.size(); ++i) {
    const PodState& pod = ctx.workload->pods[i];
    if (cached[i] == nullptr) {
      if (next == watches.end() || next->first != pod.name) {
        next = watches.try_emplace(pod.name).first;
      }
      cached[i] = &next->second;
      ++next;
    }
    PodWatch& watch = *cached[i];
    if (pod.resize == ResizeStatus::kNone) {
      watch.resize_seen.reset();
    } else if (!watch.resize_seen) {
      watch.resize_seen = ctx.now;
    }
    for (const PodContainerState& c : pod.containers) {
      auto it = std::find_if(watch.containers.begin(), watch.containers.end(),
                             [&](const ContainerWatch& w) { return w.name == c.name; });
      if (it == watch.containers.end()) {
        watch.containers.push_back(FirstSight(pod, c));
      } else if (c.restarts < it->restarts) {
        *it = FirstSight(pod, c);  // a new pod under the same name (a StatefulSet's)
      } else {
        Observe(pod, c, ctx.now, *it, state.model(), trace);
      }
    }
  }
}

}  // namespace

void FeedTick(const VerticalContext& ctx, VpaState& state, std::vector<TraceEntry>* trace) {
  const PodIndex pods(ctx.workload->pods);
  // After a FeedTick every pod watched and every pod with a container state was listed (only
  // listed pods are added; the others were forgotten): with the same list, none is gone.
  const bool same = SameNames(ctx.workload->pods, state.listed_pods());
  if (!same) {
    const auto gone = [&](const std::string& pod) { return pods.Find(pod) == nullptr; };
    // The model's states are ordered by pod name: Find() sorts the index once for them.
    state.model().ForgetPods(gone);
    std::erase_if(state.pods(), [&](const auto& entry) { return gone(entry.first); });
  }
  PrepareFeedCache(ctx.workload->pods, ctx.workload->template_containers, !same, state);
  FeedMetric(ctx.cpu, /*is_cpu=*/true, ctx, pods, state, trace);
  FeedMetric(ctx.memory, /*is_cpu=*/false, ctx, pods, state, trace);
  ObservePods(ctx, state, trace);
  std::vector<std::string>& listed = state.listed_pods();
  listed.resize(ctx.workload->pods.size());
  for (size_t i = 0; i < listed.size(); ++i) listed[i] = ctx.workload->pods[i].name;
}

}  // namespace crescendo::vertical
