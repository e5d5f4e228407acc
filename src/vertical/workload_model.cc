#include "crescendo/vertical/workload_model.h"

#include <algorithm>
#include <cmath>

#include "crescendo/vertical/coordination.h"

namespace crescendo::vertical {
namespace {

// The VPA metrics client reads usage quantities with MilliValue() / Value(), which round up.
int64_t MillisFromCores(double cores) {
  return ResourceAmountFromDouble(std::ceil(cores * 1000.0 - 1e-6));
}
int64_t BytesFrom(double bytes) { return ResourceAmountFromDouble(std::ceil(bytes - 1e-6)); }

}  // namespace

WorkloadModel::WorkloadModel(const AggregationConfig* config, SpikeOptions spike_options)
    : config_(config), spike_options_(spike_options) {}

AggregateContainerState& WorkloadModel::AggregateFor(const std::string& container) {
  return aggregates_.try_emplace(container, config_).first->second;
}

bool WorkloadModel::Add(const UsageRecord& r) {
  AggregateContainerState& aggregate = AggregateFor(r.container);
  ContainerState& state = containers_.try_emplace({r.pod, r.container}, &aggregate).first->second;
  SpikeTracker& spikes = spikes_[r.container];
  bool ok = true;
  if (r.oom) {
    const int64_t before = state.MaxMemoryPeak();
    ok = state.RecordOom(r.time, BytesFrom(*r.memory_bytes)).ok();
    if (ok)
      spikes.ObserveOom(r.time, static_cast<double>(std::max(before, state.MaxMemoryPeak())),
                        spike_options_);
  } else if (r.memory_bytes) {
    ok = state.AddMemorySample(r.time, BytesFrom(*r.memory_bytes));
    if (ok) spikes.ObserveMemory(r.time, *r.memory_bytes, spike_options_);
  }
  if (r.cpu_cores && !r.oom) {
    const int64_t request = r.cpu_request_cores ? MillisFromCores(*r.cpu_request_cores) : 0;
    ok = state.AddCpuSample(r.time, MillisFromCores(*r.cpu_cores), request) && ok;
  }
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
  std::map<std::string, ResourceSelection> allowed;
  for (const auto& [container, state] : aggregates_) {
    allowed[container] = VerticallyControllable(request.horizontal, container);
  }
  PodRecommendation rec = RecommendPod(recommender_, aggregates_, request.spec, &allowed);
  if (!request.spike_aware) return rec;
  std::map<std::string, SpikeTracker::Finding> findings;
  for (const auto& [container, tracker] : spikes_) {
    findings[container] = tracker.Analyze(request.now, spike_options_);
  }
  SizeForRecurringSpikes(findings, request.spec, spike_options_, &rec);
  return rec;
}

size_t WorkloadModel::MemoryUsageBytes() const {
  size_t bytes = sizeof(*this);
  for (const auto& [name, state] : aggregates_) bytes += state.MemoryUsageBytes() + name.capacity();
  for (const auto& [key, state] : containers_) {
    bytes += sizeof(state) + key.first.capacity() + key.second.capacity();
  }
  for (const auto& [name, tracker] : spikes_) bytes += sizeof(tracker) + name.capacity();
  return bytes;
}

}  // namespace crescendo::vertical
