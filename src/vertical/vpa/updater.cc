#include "vertical/vpa/updater.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string_view>

#include "vertical/vpa/admission.h"

namespace crescendo::vertical {
namespace {

constexpr const char* kStep = "updater";

// logic/updater.go filterDeletedPods, and newPodLister's selector status.phase!=Succeeded,Failed.
bool IsLive(const PodState& pod) {
  return !pod.deleting && pod.phase != PodPhase::kSucceeded && pod.phase != PodPhase::kFailed;
}

// restriction/pods_restriction_factory.go singleGroupStats for the workload's one owner.
struct Budget {
  int configured = 0;
  int running = 0;
  int tolerance = 0;
  int disrupted = 0;  // evicted + inPlaceUpdateInitiated

  // singleGroupStats.isPodDisruptable.
  bool Disruptable() const {
    const int should_be_alive = configured - tolerance;
    const int actually_alive = running - disrupted;
    return actually_alive > should_be_alive ||
           (configured == running && tolerance == 0 && disrupted == 0);
  }
};

// Adds one resource of one container to the pod's priority (priority_processor.go
// GetUpdatePriority processContainer). Amounts are in milli-units, as Quantity.MilliValue().
struct ResourceTotals {
  bool recommended = false;
  int64_t request_milli = 0;
  int64_t recommended_milli = 0;
};

void AddResource(std::optional<int64_t> target, std::optional<int64_t> lower,
                 std::optional<int64_t> upper, int64_t request, int64_t milli_per_unit,
                 ResourceTotals& totals, PodPriority& priority) {
  if (!target) return;
  totals.recommended = true;
  totals.recommended_milli += *target * milli_per_unit;
  if (request == 0) {  // no request: VPA must set one
    priority.scale_up = true;
    priority.outside_recommended_range = true;
    return;
  }
  totals.request_milli += request * milli_per_unit;
  if (*target > request) priority.scale_up = true;
  if ((lower && request < *lower) || (upper && request > *upper)) {
    priority.outside_recommended_range = true;
  }
}

double RelativeDiff(const ResourceTotals& totals) {
  if (!totals.recommended) return 0;
  const double request = std::max(static_cast<double>(totals.request_milli), 1.0);
  return std::abs(request - static_cast<double>(totals.recommended_milli)) / request;
}

const PodWatch* FindWatch(const UpdaterInput& in, const std::string& pod) {
  if (in.watches == nullptr) return nullptr;
  auto it = in.watches->find(pod);
  return it == in.watches->end() ? nullptr : &it->second;
}

// update_priority_calculator.go AddPod: a container, not switched off, whose last termination
// was an OOM kill within --evict-after-oom-threshold of its start.
bool QuickOom(std::span<const PodContainerState> containers, const PodWatch* watch,
              const VerticalSpec& spec) {
  if (watch == nullptr) return false;
  for (const PodContainerState& c : containers) {
    const ContainerResourcePolicy* policy = FindContainerPolicy(&spec, c.name);
    if (policy != nullptr && policy->mode == ContainerScalingMode::kOff) continue;
    for (const ContainerWatch& w : watch->containers) {
      if (w.name == c.name && w.quick_oom && c.last_oom_kill &&
          c.last_oom_kill == w.last_oom_kill) {
        return true;
      }
    }
  }
  return false;
}

std::string Percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", fraction * 100);
  return buf;
}

std::string Number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", value);
  return buf;
}

struct Candidate {
  const PodState* pod = nullptr;
  PodPriority priority;
  std::string rule;
  bool resize_failed = false;  // resizing in place, and the resize failed: evict it
};

// pods_inplace_restriction.go CanEvictInPlacingPod, but for the budget: whether the pod's
// resize in place failed, so that recreating it is the fallback.
bool ResizeFailed(const PodState& pod, const PodWatch* watch, Timestamp now) {
  const Timestamp seen = watch && watch->resize_seen ? *watch->resize_seen : now;
  switch (pod.resize) {
    case ResizeStatus::kInfeasible:
      return true;
    case ResizeStatus::kDeferred:
      return now - seen > kDeferredResizeUpdateTimeout;
    case ResizeStatus::kInProgress:
      return now - seen > kInProgressResizeUpdateTimeout;
    case ResizeStatus::kNone:
      return false;
  }
  return false;
}

std::string ResizeNote(const PodState& pod) {
  switch (pod.resize) {
    case ResizeStatus::kInfeasible:
      return "its resize in place is Infeasible; ";
    case ResizeStatus::kDeferred:
      return "its resize in place was Deferred over 5m; ";
    default:
      return "its resize in place has been in progress over 1h; ";
  }
}

// Returns why the pod is a candidate, or nullopt when it is not (AddPod).
std::optional<std::string> CandidateRule(const UpdaterInput& in, const PodState& pod,
                                         const PodPriority& priority, bool quick_oom) {
  if (!priority.outside_recommended_range && !quick_oom) {
    if (pod.start_time == Timestamp{}) return std::nullopt;  // no status.startTime
    if (in.now < pod.start_time + kPodLifetimeUpdateThreshold) return std::nullopt;
    if (priority.resource_diff < kPodUpdateThreshold) return std::nullopt;
  }
  if (quick_oom && priority.resource_diff == 0) return std::nullopt;  // nothing would change
  if (priority.outside_recommended_range) return "a request is outside [lowerBound, upperBound]";
  if (quick_oom) return "OOM-killed within 10m of its start";
  return "lived 12h and its requests differ from the target by " + Percent(priority.resource_diff) +
         " (>= 10%)";
}

void Choose(const Candidate& c, std::string_view verb, UpdaterChoice& out) {
  out.pods.push_back(c.pod->name);
  out.trace.push_back({kStep, c.priority.resource_diff, 0,
                       std::string(verb) + " " + c.pod->name + ": " + c.rule +
                           (c.priority.scale_up ? ", to grow" : ", to shrink")});
}

}  // namespace

PodPriority UpdatePriority(std::span<const PodContainerState> containers,
                           const PodRecommendation& recommendation, const VerticalSpec& spec) {
  PodPriority priority;
  ResourceTotals cpu;
  ResourceTotals memory;
  for (const PodContainerState& c : containers) {
    std::optional<ContainerRecommendation> rec =
        ProcessRecommendation(recommendation, c.name, c.limits, spec);
    if (!rec) continue;
    AddResource(rec->target.cpu_millis, rec->lower_bound.cpu_millis, rec->upper_bound.cpu_millis,
                c.requests.cpu_millis, 1, cpu, priority);
    AddResource(rec->target.memory_bytes, rec->lower_bound.memory_bytes,
                rec->upper_bound.memory_bytes, c.requests.memory_bytes, 1000, memory, priority);
  }
  priority.resource_diff = RelativeDiff(cpu) + RelativeDiff(memory);
  return priority;
}

std::vector<PodContainerState> PodContainers(
    const PodState& pod, std::span<const ContainerResources> template_containers) {
  if (!pod.containers.empty()) return pod.containers;
  if (template_containers.size() != 1) return {};
  PodContainerState only;
  only.name = template_containers[0].name;
  only.requests = pod.requests;
  return {only};
}

bool AtTemplate(std::span<const PodContainerState> containers,
                std::span<const ContainerResources> template_containers, bool compare_limits) {
  if (template_containers.empty() || containers.empty()) return false;
  for (const ContainerResources& t : template_containers) {
    auto it = std::find_if(containers.begin(), containers.end(),
                           [&](const PodContainerState& c) { return c.name == t.name; });
    if (it == containers.end() || it->requests != t.requests) return false;
    if (compare_limits && it->limits != t.limits) return false;
  }
  return true;
}

UpdaterChoice ChoosePods(const UpdaterInput& in) {
  UpdaterChoice out;
  const WorkloadState& w = *in.workload;
  const bool in_place = in.update == VerticalUpdate::kInPlaceOrRecreate;
  std::vector<const PodState*> live;
  for (const PodState& pod : w.pods) {
    if (IsLive(pod)) live.push_back(&pod);
  }
  if (static_cast<int>(live.size()) < in.spec->min_replicas) {
    out.trace.push_back({kStep, static_cast<double>(live.size()), 0,
                         std::to_string(live.size()) + " live pod(s), fewer than min_replicas " +
                             std::to_string(in.spec->min_replicas) + ": no pod is disrupted"});
    return out;
  }
  if (w.spec_replicas <= 0) {
    out.trace.push_back({kStep, 0, 0, "no configured replicas: no pod is disrupted"});
    return out;
  }
  Budget budget;
  budget.configured = w.spec_replicas;
  budget.tolerance = static_cast<int>(w.spec_replicas * in.spec->eviction_tolerance);  // truncated
  budget.running = static_cast<int>(std::count_if(
      live.begin(), live.end(), [](const PodState* p) { return p->phase != PodPhase::kPending; }));

  std::vector<Candidate> candidates;
  int not_due = 0;
  for (const PodState* pod : live) {
    const std::vector<PodContainerState> containers = PodContainers(*pod, in.template_containers);
    if (AtTemplate(containers, in.template_containers, !pod->containers.empty())) continue;
    const PodWatch* watch = FindWatch(in, pod->name);
    // CanInPlaceUpdate, CanEvict: a pending pod waits for in place; a resizing one waits unless
    // its resize failed.
    if (in_place && pod->phase == PodPhase::kPending) continue;
    const bool resize_failed = ResizeFailed(*pod, watch, in.now);
    if (pod->resize != ResizeStatus::kNone && !resize_failed) continue;
    const PodPriority priority = UpdatePriority(containers, *in.recommendation, *in.spec);
    std::optional<std::string> rule =
        CandidateRule(in, *pod, priority, QuickOom(containers, watch, *in.spec));
    if (!rule) {
      ++not_due;
      continue;
    }
    candidates.push_back({pod, priority, *std::move(rule), resize_failed});
  }
  // GetSortedPods: growing pods first, then the larger difference; stable for ties.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) {
                     if (a.priority.scale_up != b.priority.scale_up) return a.priority.scale_up;
                     return a.priority.resource_diff > b.priority.resource_diff;
                   });

  size_t chosen = 0;
  for (Candidate& c : candidates) {
    if (c.resize_failed) c.rule = ResizeNote(*c.pod) + c.rule;
    if (in_place && c.resize_failed) continue;  // evicted after the resized ones
    if (!in_place && c.pod->phase == PodPhase::kPending) {
      Choose(c, "evict", out);  // CanEvict: pending pods always, not counted
      ++chosen;
      continue;
    }
    if (!budget.Disruptable()) continue;
    Choose(c, in_place && !c.resize_failed ? "resize in place" : "evict", out);
    ++budget.disrupted;
    ++chosen;
  }
  for (const Candidate& c : candidates) {
    if (!in_place || !c.resize_failed || !budget.Disruptable()) continue;
    Choose(c, "evict", out);
    ++budget.disrupted;
    ++chosen;
  }
  if (chosen < candidates.size()) {
    out.trace.push_back({kStep, static_cast<double>(candidates.size()), static_cast<double>(chosen),
                         std::to_string(candidates.size() - chosen) +
                             " candidate(s) wait: eviction tolerance allows floor(" +
                             std::to_string(budget.configured) + " x " +
                             Number(in.spec->eviction_tolerance) +
                             ") = " + std::to_string(budget.tolerance) + " of " +
                             std::to_string(budget.configured) + " replicas (" +
                             std::to_string(budget.running) + " running) to be disrupted at once"});
  }
  if (candidates.empty() && not_due > 0) {
    out.trace.push_back({kStep, static_cast<double>(not_due), 0,
                         std::to_string(not_due) +
                             " pod(s) differ from the template but are not due: requests within "
                             "[lowerBound, upperBound], and younger than 12h or within 10%"});
  }
  return out;
}

}  // namespace crescendo::vertical
