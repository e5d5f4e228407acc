#include "crescendo/vertical/workload_model.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cmath>
#include <nlohmann/json.hpp>

#include "crescendo/vertical/coordination.h"
#include "vertical/json_fields.h"
#include "vertical/map_copy.h"

namespace crescendo::vertical {
namespace {

// The VPA metrics client reads usage quantities with MilliValue() / Value(), which round up.
int64_t MillisFromCores(double cores) {
  return ResourceAmountFromDouble(std::ceil(cores * 1000.0 - 1e-6));
}
int64_t BytesFrom(double bytes) { return ResourceAmountFromDouble(std::ceil(bytes - 1e-6)); }

// VPA's recommender (logic/recommender.go CreatePodResourceRecommender): immutable, so one
// serves every model.
const PodResourceRecommender& VpaRecommender() {
  static const auto* recommender = new PodResourceRecommender();
  return *recommender;
}

// The bytes of a std::map node besides its value (libstdc++: colour and three links).
constexpr size_t kMapNodeBytes = 32;

size_t HeapBytes(const std::string& s) {
  return s.capacity() > 15 ? s.capacity() + 1 : 0;  // beyond libstdc++'s small-string buffer
}

}  // namespace

WorkloadModel::WorkloadModel(const AggregationConfig* config, SpikeOptions spike_options)
    : config_(config), spike_options_(spike_options), recommender_(&VpaRecommender()) {
  Invalidate();
}

AggregateContainerState& WorkloadModel::AggregateFor(const std::string& container) {
  return aggregates_.try_emplace(container, config_).first->second;
}

WorkloadModel::ContainerMap::iterator WorkloadModel::FindContainer(std::string_view pod,
                                                                   std::string_view container) {
  const auto is = [&](ContainerMap::iterator it) {
    return it != containers_.end() && it->first.first == pod && it->first.second == container;
  };
  if (container_hint_ != containers_.end()) {
    if (is(container_hint_)) return container_hint_;
    if (auto next = std::next(container_hint_); is(next)) return container_hint_ = next;
  }
  auto found = containers_.find(std::pair<std::string_view, std::string_view>(pod, container));
  if (found != containers_.end()) container_hint_ = found;
  return found;
}

SpikeTracker& WorkloadModel::SpikesFor(std::string_view container) {
  if (spike_hint_ == spikes_.end() || spike_hint_->first != container) {
    spike_hint_ = spikes_.try_emplace(std::string(container)).first;
  }
  return spike_hint_->second;
}

void WorkloadModel::ResetHints() {
  container_hint_ = containers_.end();
  spike_hint_ = spikes_.end();
}

void WorkloadModel::Invalidate() {
  ResetHints();
  // One sequence for every model, so that a reference taken from one model never matches
  // another's generation (states copied between models, engine threads).
  static std::atomic<uint64_t> next{1};
  generation_ = next.fetch_add(1, std::memory_order_relaxed);
}

WorkloadModel::ContainerRef WorkloadModel::Ref(std::string_view pod, std::string_view container) {
  // A (pod, container) state always has its container's aggregate (GarbageCollect drops both),
  // so the aggregate is looked up only for a new state.
  auto found = FindContainer(pod, container);
  if (found == containers_.end()) {
    AggregateContainerState& aggregate = AggregateFor(std::string(container));
    found = container_hint_ =
        containers_.try_emplace({std::string(pod), std::string(container)}, &aggregate).first;
  }
  return {&found->second, &SpikesFor(container), &found->first.second};
}

bool WorkloadModel::AddCpu(const ContainerRef& ref, Timestamp time, double cpu_cores,
                           std::optional<double> cpu_request_cores) {
  const int64_t request = cpu_request_cores ? MillisFromCores(*cpu_request_cores) : 0;
  return ref.state->AddCpuSample(time, MillisFromCores(cpu_cores), request);
}

bool WorkloadModel::AddMemory(const ContainerRef& ref, Timestamp time, double memory_bytes) {
  if (!ref.state->AddMemorySample(time, BytesFrom(memory_bytes))) return false;
  ref.spikes->ObserveMemory(time, memory_bytes, spike_options_);
  return true;
}

bool WorkloadModel::Add(const UsageRecord& r) {
  const ContainerRef ref = Ref(r.pod, r.container);
  bool ok = true;
  if (r.oom) {
    ContainerState& state = *ref.state;
    const int64_t before = state.MaxMemoryPeak();
    ok = state.RecordOom(r.time, BytesFrom(*r.memory_bytes)).ok();
    if (ok)
      ref.spikes->ObserveOom(r.time, static_cast<double>(std::max(before, state.MaxMemoryPeak())),
                             spike_options_);
  } else if (r.memory_bytes) {
    ok = AddMemory(ref, r.time, *r.memory_bytes);
  }
  if (r.cpu_cores && !r.oom) ok = AddCpu(ref, r.time, *r.cpu_cores, r.cpu_request_cores) && ok;
  return ok;
}

size_t WorkloadModel::FeedAll(std::vector<UsageRecord> records) {
  std::stable_sort(records.begin(), records.end(),
                   [](const UsageRecord& a, const UsageRecord& b) { return a.time < b.time; });
  size_t discarded = 0;
  for (const UsageRecord& r : records) discarded += Add(r) ? 0 : 1;
  return discarded;
}

Status WorkloadModel::Import(const VpaCheckpoint& checkpoint) {
  AggregateContainerState loaded(config_);
  CRESCENDO_RETURN_IF_ERROR(
      LoadFromCheckpoint(checkpoint.status, &loaded).WithContext("checkpoint " + checkpoint.name));
  AggregateFor(checkpoint.container_name).Merge(loaded);
  return Status::Ok();
}

std::vector<VpaCheckpoint> WorkloadModel::Export(const std::string& vpa_name, const std::string& ns,
                                                 Timestamp now) const {
  std::map<std::string, AggregateContainerState> closed = aggregates_;
  for (const auto& [key, state] : containers_) {
    if (auto peak = state.OpenPeakAt(now)) {
      closed.at(key.second).SubtractMemoryPeak(peak->window_end, peak->bytes);
    }
  }
  std::vector<VpaCheckpoint> result;
  for (const auto& [container, state] : closed) {
    result.push_back(
        {vpa_name + "-" + container, ns, vpa_name, container, SaveToCheckpoint(state, now)});
  }
  return result;
}

void WorkloadModel::GarbageCollect(Timestamp now) {
  Invalidate();
  for (auto it = aggregates_.begin(); it != aggregates_.end();) {
    if (!it->second.IsExpired(now)) {
      ++it;
      continue;
    }
    std::erase_if(containers_, [&](const auto& entry) { return entry.first.second == it->first; });
    spikes_.erase(it->first);
    it = aggregates_.erase(it);
  }
}

PodRecommendation WorkloadModel::Recommend(const RecommendRequest& request) const {
  // Without an HPA every resource is vertically controllable (coordination.h): no map needed.
  std::map<std::string, ResourceSelection> allowed;
  if (request.horizontal != nullptr) {
    for (const auto& [container, state] : aggregates_) {
      allowed[container] = VerticallyControllable(request.horizontal, container);
    }
  }
  PodRecommendation rec = RecommendPod(*recommender_, aggregates_, request.spec,
                                       request.horizontal != nullptr ? &allowed : nullptr);
  if (!request.spike_aware) return rec;
  std::map<std::string, SpikeTracker::Finding> findings;
  for (const auto& [container, tracker] : spikes_) {
    findings[container] = tracker.Analyze(request.now, spike_options_);
  }
  SizeForRecurringSpikes(findings, request.spec, spike_options_, &rec);
  return rec;
}

size_t WorkloadModel::ForgetPods(const std::function<bool(const std::string& pod)>& gone) {
  Invalidate();
  return std::erase_if(containers_, [&](const auto& entry) { return gone(entry.first.first); });
}

void WorkloadModel::CopyFrom(const WorkloadModel& other) {
  assert(config_ == other.config_ && "models with different aggregation configs");
  Invalidate();
  spike_options_ = other.spike_options_;
  CopyMapReusing(aggregates_, other.aggregates_);
  CopyMapReusing(containers_, other.containers_);
  for (auto& [key, state] : containers_) state.Rebind(&aggregates_.at(key.second));
  CopyMapReusing(spikes_, other.spikes_);
}

nlohmann::json WorkloadModel::ToExactJson() const {
  nlohmann::json aggregates = nlohmann::json::object();
  for (const auto& [name, state] : aggregates_) aggregates[name] = state.ToExactJson();
  nlohmann::json spikes = nlohmann::json::object();
  for (const auto& [name, tracker] : spikes_) spikes[name] = tracker.ToExactJson();
  nlohmann::json containers = nlohmann::json::array();
  for (const auto& [key, state] : containers_) {
    nlohmann::json c = nlohmann::json::object();
    c["pod"] = key.first;
    c["container"] = key.second;
    c["state"] = state.ToExactJson();
    containers.push_back(std::move(c));
  }
  nlohmann::json json = nlohmann::json::object();
  json["aggregates"] = std::move(aggregates);
  json["spike_trackers"] = std::move(spikes);
  json["containers"] = std::move(containers);
  return json;
}

Status WorkloadModel::FromExactJson(const nlohmann::json& json) {
  namespace jf = json_fields;
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* aggregates_json, jf::Object(json, "aggregates"));
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* spikes_json, jf::Object(json, "spike_trackers"));
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* containers_json, jf::Array(json, "containers"));
  std::map<std::string, AggregateContainerState> aggregates;
  for (const auto& [name, value] : aggregates_json->items()) {
    AggregateContainerState& state = aggregates.try_emplace(name, config_).first->second;
    CRESCENDO_RETURN_IF_ERROR(state.FromExactJson(value).WithContext("aggregates: " + name));
  }
  std::map<std::string, SpikeTracker> spikes;
  for (const auto& [name, value] : spikes_json->items()) {
    CRESCENDO_RETURN_IF_ERROR(
        spikes[name].FromExactJson(value).WithContext("spike_trackers: " + name));
  }
  decltype(containers_) containers;
  for (size_t i = 0; i < containers_json->size(); ++i) {
    const nlohmann::json& entry = (*containers_json)[i];
    const std::string where = "containers[" + std::to_string(i) + "]";
    StatusOr<std::string> pod = jf::String(entry, "pod");
    if (!pod.ok()) return pod.status().WithContext(where);
    StatusOr<std::string> container = jf::String(entry, "container");
    if (!container.ok()) return container.status().WithContext(where);
    StatusOr<const nlohmann::json*> state_json = jf::Object(entry, "state");
    if (!state_json.ok()) return state_json.status().WithContext(where);
    auto aggregate = aggregates.find(*container);
    if (aggregate == aggregates.end()) {
      return InvalidArgumentError(where + ": container: \"" + *container +
                                  "\" has no entry in aggregates");
    }
    auto [it, inserted] = containers.try_emplace({*pod, *container}, &aggregate->second);
    if (!inserted) {
      return InvalidArgumentError(where + ": pod \"" + *pod + "\" container \"" + *container +
                                  "\" is listed twice");
    }
    CRESCENDO_RETURN_IF_ERROR(
        it->second.FromExactJson(**state_json).WithContext(where + ": state"));
  }
  aggregates_.swap(aggregates);  // map nodes stay put: the containers' pointers remain valid
  containers_.swap(containers);
  spikes_.swap(spikes);
  Invalidate();
  return Status::Ok();
}

size_t WorkloadModel::MemoryUsageBytes() const {
  size_t bytes = sizeof(*this);
  for (const auto& [name, state] : aggregates_) {
    bytes += kMapNodeBytes + sizeof(name) + state.MemoryUsageBytes() + HeapBytes(name);
  }
  for (const auto& [key, state] : containers_) {
    bytes +=
        kMapNodeBytes + sizeof(key) + sizeof(state) + HeapBytes(key.first) + HeapBytes(key.second);
  }
  for (const auto& [name, tracker] : spikes_) {
    bytes += kMapNodeBytes + sizeof(name) + sizeof(tracker) + HeapBytes(name);
  }
  return bytes;
}

}  // namespace crescendo::vertical
