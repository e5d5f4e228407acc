#include "horizontal/kubernetes/replica_calculator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace crescendo::hpa::internal {
namespace {

__extension__ using Int128 = __int128;  // exact totals, as Kubernetes' big.Int fallback

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
constexpr char kNoPods[] = "no pods returned by selector while calculating replica count";
constexpr char kNoTargetedMetrics[] =
    "did not receive metrics for targeted pods (pods might be unready)";

enum class Group : uint8_t { kReady, kUnready, kMissing, kIgnored };

using SampleMap = std::unordered_map<std::string_view, const PodSample*>;

// Returns the samples by pod name; a later sample for the same pod replaces an earlier one,
// as filling Kubernetes' PodMetricsInfo map does.
SampleMap IndexSamples(std::span<const PodSample> samples) {
  SampleMap map;
  map.reserve(samples.size());
  for (const PodSample& s : samples) map[s.pod] = &s;
  return map;
}

// The CPU rule of groupPods: a sample is unready while the pod initializes, or when the pod
// never became ready after start-up. Source: kubernetes replica_calculator.go groupPods.
bool UnreadyCpuSample(const HpaPod& pod, const PodSample& sample, const CalcContext& ctx) {
  if (!pod.ready.has_value() || !pod.start_time.has_value()) return true;
  const bool ready_false = *pod.ready == ConditionStatus::kFalse;
  if (*pod.start_time + ctx.cpu_initialization_period > ctx.now) {
    return ready_false || sample.timestamp < pod.ready_transition_time + sample.window;
  }
  return ready_false && *pod.start_time + ctx.initial_readiness_delay > pod.ready_transition_time;
}

struct Grouping {
  std::vector<Group> group;  // per pod
  PodGroups names;
  int ready_count = 0;
};

Grouping GroupWithIndex(std::span<const HpaPod> pods, const SampleMap& samples,
                        std::string_view resource, const CalcContext& ctx) {
  Grouping g;
  g.group.reserve(pods.size());
  for (const HpaPod& pod : pods) {
    Group group = Group::kReady;
    if (pod.deleting || pod.phase == PodPhase::kFailed) {
      group = Group::kIgnored;
    } else if (pod.phase == PodPhase::kPending) {
      group = Group::kUnready;
    } else if (auto it = samples.find(pod.name); it == samples.end()) {
      group = Group::kMissing;
    } else if (resource == "cpu" && UnreadyCpuSample(pod, *it->second, ctx)) {
      group = Group::kUnready;
    }
    g.group.push_back(group);
    switch (group) {
      case Group::kReady: g.names.ready.push_back(pod.name), ++g.ready_count; break;
      case Group::kUnready: g.names.unready.push_back(pod.name); break;
      case Group::kMissing: g.names.missing.push_back(pod.name); break;
      case Group::kIgnored: g.names.ignored.push_back(pod.name); break;
    }
  }
  for (auto* v : {&g.names.ready, &g.names.unready, &g.names.missing, &g.names.ignored}) {
    std::sort(v->begin(), v->end());
  }
  return g;
}

// Samples of pods that are not in the pod list ("superfluous metrics"): Kubernetes keeps them.
struct Extras {
  Int128 total = 0;
  int64_t count = 0;
};

Extras ExtraSamples(std::span<const HpaPod> pods, const SampleMap& samples) {
  std::unordered_set<std::string_view> names;
  names.reserve(pods.size());
  for (const HpaPod& pod : pods) names.insert(pod.name);
  Extras extras;
  for (const auto& [name, sample] : samples) {
    if (names.count(name) == 0) extras.total += sample->value_milli, ++extras.count;
  }
  return extras;
}

std::string Counts(const PodGroups& g) {
  return fmt::format("pods: {} ready, {} unready, {} missing a metric, {} ignored", g.ready.size(),
                     g.unready.size(), g.missing.size(), g.ignored.size());
}

bool Flips(double before, double after) {
  return (before < 1.0 && after > 1.0) || (before > 1.0 && after < 1.0);
}

int64_t ToInt64Saturating(Int128 v) {
  if (v > kMaxInt64) return kMaxInt64;
  if (v < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

// GetResourceUtilizationRatio over the entries that have a request.
struct Utilization {
  std::string error;
  double ratio = 0;
  int32_t percent = 0;
  int64_t raw_average = 0;
};

Utilization UtilizationOf(Int128 usage_total, Int128 request_total, int64_t entries,
                          int32_t target) {
  Utilization u;
  if (request_total == 0) {
    u.error = "no metrics returned matched known pods";
    return u;
  }
  const Int128 percent = usage_total * 100 / request_total;  // truncated, as Go's integers
  if (percent < std::numeric_limits<int32_t>::min() ||
      percent > std::numeric_limits<int32_t>::max()) {
    u.error = fmt::format("resource utilization {} is outside the int32 range",
                          static_cast<long double>(percent));
    return u;
  }
  u.percent = static_cast<int32_t>(percent);
  u.raw_average = entries > 0 ? ToInt64Saturating(usage_total / entries) : 0;
  u.ratio = static_cast<double>(u.percent) / static_cast<double>(target);
  return u;
}

// Shared shape of the final step of both per-pod calculators.
int32_t KeepOrRescale(int32_t current, double ratio, double new_ratio, int64_t entries,
                      const Tolerances& tolerances, CalcResult* r) {
  r->adjusted_ratio = new_ratio;
  if (tolerances.IsWithin(new_ratio) || Flips(ratio, new_ratio)) {
    r->steps.push_back(fmt::format(
        "recomputed ratio {:.4f} is within tolerance or flips the direction: keep {} replicas",
        new_ratio, current));
    return current;
  }
  const int32_t replicas = SaturatingCeil(new_ratio * static_cast<double>(entries));
  if ((new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current)) {
    r->steps.push_back(fmt::format(
        "ceil({:.4f} x {} samples) = {} would move against the ratio: keep {} replicas", new_ratio,
        entries, replicas, current));
    return current;
  }
  r->steps.push_back(
      fmt::format("ceil({:.4f} x {} samples) = {} replicas", new_ratio, entries, replicas));
  return replicas;
}

// The grouping both per-pod calculators start from. Returns false (with r->error set) when
// there are no pods or no usable samples.
struct Prepared {
  SampleMap index;
  Grouping g;
  Extras extras;
};

bool Prepare(std::span<const PodSample> samples, std::string_view resource,
             const CalcContext& ctx, Prepared* p, CalcResult* r) {
  if (ctx.pods.empty()) return r->error = kNoPods, false;
  p->index = IndexSamples(samples);
  p->g = GroupWithIndex(ctx.pods, p->index, resource, ctx);
  r->groups = p->g.names;
  r->steps.push_back(Counts(p->g.names));
  p->extras = ExtraSamples(ctx.pods, p->index);
  if (p->g.ready_count == 0 && p->extras.count == 0) return r->error = kNoTargetedMetrics, false;
  return true;
}

// The first pass: without unready pods to rebalance and without missing pods, the ratio over
// the ready pods decides. Returns false when the second pass is needed.
bool FirstPass(int32_t current, double ratio, bool scale_up_with_unready, const Grouping& g,
               const Tolerances& tolerances, CalcResult* r) {
  if (scale_up_with_unready || !g.names.missing.empty()) return false;
  if (tolerances.IsWithin(ratio)) {
    r->steps.push_back(fmt::format("ratio within tolerance: keep {} replicas", current));
    r->replicas = current;
    return true;
  }
  r->replicas = SaturatingCeil(ratio * g.ready_count);
  r->steps.push_back(fmt::format("ceil({:.4f} x {} ready pods) = {} replicas", ratio,
                                 g.ready_count, r->replicas));
  return true;
}

}  // namespace

int32_t SaturatingCeil(double x) {
  if (std::isnan(x)) return 0;
  const double c = std::ceil(x);
  if (c >= static_cast<double>(std::numeric_limits<int32_t>::max())) {
    return std::numeric_limits<int32_t>::max();
  }
  if (c <= static_cast<double>(std::numeric_limits<int32_t>::min())) {
    return std::numeric_limits<int32_t>::min();
  }
  return static_cast<int32_t>(c);
}

PodGroups GroupPods(std::span<const HpaPod> pods, std::span<const PodSample> samples,
                    std::string_view resource, const CalcContext& ctx, int* ready_count) {
  Grouping g = GroupWithIndex(pods, IndexSamples(samples), resource, ctx);
  if (ready_count != nullptr) *ready_count = g.ready_count;
  return std::move(g.names);
}

std::string CalculateRequests(std::span<const HpaPod> pods, std::string_view container,
                              std::string_view resource, bool pod_level_resources,
                              std::vector<int64_t>* requests) {
  requests->clear();
  requests->reserve(pods.size());
  for (const HpaPod& pod : pods) {
    if (pod_level_resources && container.empty() && pod.pod_requests_milli.has_value() &&
        !pod.pod_requests_milli->empty()) {
      auto it = pod.pod_requests_milli->find(std::string(resource));
      if (it == pod.pod_requests_milli->end()) {
        return fmt::format("missing pod-level request for {} in Pod {}", resource, pod.name);
      }
      requests->push_back(it->second);
      continue;
    }
    int64_t sum = 0;
    bool found = container.empty();
    for (const HpaContainer& c : pod.containers) {
      if (!container.empty() && c.name != container) continue;
      auto it = c.requests_milli.find(std::string(resource));
      if (it == c.requests_milli.end()) {
        return fmt::format("missing request for {} in container {} of Pod {}", resource, c.name,
                           pod.name);
      }
      sum += it->second;
      if (!container.empty()) {
        found = true;
        break;
      }
    }
    if (!found) return fmt::format("container {} not found in Pod {}", container, pod.name);
    requests->push_back(sum);
  }
  return "";
}

CalcResult ResourceUtilizationReplicas(int32_t current, int32_t target,
                                       std::string_view resource, std::string_view container,
                                       std::span<const PodSample> samples,
                                       const CalcContext& ctx) {
  CalcResult r;
  Prepared p;
  if (!Prepare(samples, resource, ctx, &p, &r)) return r;
  const SampleMap& index = p.index;
  const Grouping& g = p.g;
  std::vector<int64_t> requests;
  r.error = CalculateRequests(ctx.pods, container, resource, ctx.pod_level_resources, &requests);
  if (!r.error.empty()) return r;

  Int128 usage = 0, requested = 0, missing_requested = 0, unready_requested = 0;
  std::vector<size_t> missing;
  for (size_t i = 0; i < ctx.pods.size(); ++i) {
    if (g.group[i] == Group::kReady) {
      usage += index.at(ctx.pods[i].name)->value_milli;
      requested += requests[i];
    } else if (g.group[i] == Group::kMissing) {
      missing.push_back(i), missing_requested += requests[i];
    } else if (g.group[i] == Group::kUnready) {
      unready_requested += requests[i];
    }
  }
  const Utilization u = UtilizationOf(usage, requested, g.ready_count, target);
  if (!u.error.empty()) return r.error = u.error, r;
  r.utilization = u.percent;
  r.usage_milli = u.raw_average;
  r.usage_ratio = u.ratio;
  r.steps.push_back(fmt::format("utilization {}% of requests against a target of {}%: ratio {:.4f}",
                                u.percent, target, u.ratio));

  const bool scale_up_with_unready = !g.names.unready.empty() && u.ratio > 1.0;
  if (FirstPass(current, u.ratio, scale_up_with_unready, g, ctx.tolerances, &r)) return r;
  int64_t entries = g.ready_count + p.extras.count;
  Int128 new_usage = usage, new_requested = requested;
  if (!missing.empty() && u.ratio != 1.0) {
    entries += static_cast<int64_t>(missing.size());
    new_requested += missing_requested;
    if (u.ratio < 1.0) {  // scale-down: missing pods use 100% of requests, or the target
      const int64_t fallback = std::max<int64_t>(100, target);
      for (size_t i : missing) new_usage += Int128(requests[i]) * fallback / 100;
      r.steps.push_back(fmt::format("scale-down: pods missing a metric counted at {}% of requests",
                                    fallback));
    } else {
      r.steps.push_back("scale-up: pods missing a metric counted at 0");
    }
  }
  if (scale_up_with_unready) {
    entries += static_cast<int64_t>(g.names.unready.size());
    new_requested += unready_requested;
    r.steps.push_back("scale-up: unready pods counted at 0");
  }
  const Utilization nu = UtilizationOf(new_usage, new_requested, entries, target);
  if (!nu.error.empty()) return r.error = nu.error, r;
  r.replicas = KeepOrRescale(current, u.ratio, nu.ratio, entries, ctx.tolerances, &r);
  return r;
}

CalcResult PlainMetricReplicas(int32_t current, int64_t target, std::string_view resource,
                               std::span<const PodSample> samples, const CalcContext& ctx) {
  CalcResult r;
  Prepared p;
  if (!Prepare(samples, resource, ctx, &p, &r)) return r;
  const SampleMap& index = p.index;
  const Grouping& g = p.g;
  int64_t entries = g.ready_count + p.extras.count;
  Int128 total = p.extras.total;
  for (size_t i = 0; i < ctx.pods.size(); ++i) {
    if (g.group[i] == Group::kReady) total += index.at(ctx.pods[i].name)->value_milli;
  }
  const int64_t usage = ToInt64Saturating(total / entries);
  const double ratio = static_cast<double>(usage) / static_cast<double>(target);
  r.usage_milli = usage;
  r.usage_ratio = ratio;
  r.steps.push_back(fmt::format("average {}m against a target of {}m: ratio {:.4f}", usage, target,
                                ratio));

  const bool scale_up_with_unready = !g.names.unready.empty() && ratio > 1.0;
  if (FirstPass(current, ratio, scale_up_with_unready, g, ctx.tolerances, &r)) return r;
  if (!g.names.missing.empty() && ratio != 1.0) {
    const int64_t n = static_cast<int64_t>(g.names.missing.size());
    entries += n;
    if (ratio < 1.0) {
      total += Int128(target) * n;
      r.steps.push_back("scale-down: pods missing a metric counted at the target");
    } else {
      r.steps.push_back("scale-up: pods missing a metric counted at 0");
    }
  }
  if (scale_up_with_unready) {
    entries += static_cast<int64_t>(g.names.unready.size());
    r.steps.push_back("scale-up: unready pods counted at 0");
  }
  const int64_t new_usage = ToInt64Saturating(total / entries);
  const double new_ratio = static_cast<double>(new_usage) / static_cast<double>(target);
  r.replicas = KeepOrRescale(current, ratio, new_ratio, entries, ctx.tolerances, &r);
  return r;
}

CalcResult ValueMetricReplicas(int32_t current, int64_t usage, int64_t target,
                               const CalcContext& ctx) {
  CalcResult r;
  r.usage_milli = usage;
  const double ratio = static_cast<double>(usage) / static_cast<double>(target);
  r.usage_ratio = ratio;
  r.steps.push_back(
      fmt::format("value {}m against a target of {}m: ratio {:.4f}", usage, target, ratio));
  if (current == 0) {  // scale from zero: neither tolerance nor ready pods apply
    r.replicas = SaturatingCeil(ratio);
    r.steps.push_back(fmt::format("from zero replicas: ceil({:.4f}) = {}", ratio, r.replicas));
    return r;
  }
  if (ctx.tolerances.IsWithin(ratio)) {
    r.steps.push_back(fmt::format("ratio within tolerance: keep {} replicas", current));
    return r.replicas = current, r;
  }
  if (ctx.pods.empty()) {
    r.error = std::string("unable to calculate ready pods: ") + kNoPods;
    return r;
  }
  int64_t ready = 0;
  for (const HpaPod& pod : ctx.pods) {
    if (pod.phase == PodPhase::kRunning && pod.ready == ConditionStatus::kTrue) ++ready;
  }
  r.replicas = SaturatingCeil(ratio * static_cast<double>(ready));
  r.steps.push_back(
      fmt::format("ceil({:.4f} x {} ready pods) = {} replicas", ratio, ready, r.replicas));
  return r;
}

CalcResult PerPodMetricReplicas(int32_t status_replicas, int64_t usage, int64_t target_per_pod,
                                const CalcContext& ctx) {
  CalcResult r;
  const double ratio = static_cast<double>(usage) /
                       (static_cast<double>(target_per_pod) * static_cast<double>(status_replicas));
  r.usage_ratio = ratio;
  r.replicas = status_replicas;
  r.steps.push_back(fmt::format("total {}m against {}m per pod x {} replicas: ratio {:.4f}", usage,
                                target_per_pod, status_replicas, ratio));
  if (!ctx.tolerances.IsWithin(ratio)) {
    r.replicas = SaturatingCeil(static_cast<double>(usage) / static_cast<double>(target_per_pod));
    r.steps.push_back(fmt::format("ceil({}m / {}m) = {} replicas", usage, target_per_pod,
                                  r.replicas));
  } else {
    r.steps.push_back(fmt::format("ratio within tolerance: keep {} replicas", status_replicas));
  }
  // The total's overflow guard of GetExternalPerPodMetricReplicas; a zero status count (an
  // infinite average) saturates too.
  const double per_pod = std::ceil(static_cast<double>(usage) / status_replicas);
  const bool saturated = static_cast<double>(usage) >= static_cast<double>(kMaxInt64) ||
                         std::isnan(per_pod) || per_pod >= static_cast<double>(kMaxInt64) ||
                         per_pod <= static_cast<double>(std::numeric_limits<int64_t>::min());
  r.usage_milli = saturated ? kMaxInt64 : static_cast<int64_t>(per_pod);
  return r;
}

int64_t SumExternalValue(std::span<const int64_t> values) {
  int64_t usage = 0;
  for (int64_t v : values) {
    if (v > 0 && usage > kMaxInt64 - v) return kMaxInt64;
    usage += v;
  }
  return usage;
}

int64_t SumExternalPerPodValue(std::span<const int64_t> values) {
  uint64_t usage = 0;  // wraps like Go's int64 addition
  for (int64_t v : values) {
    usage += static_cast<uint64_t>(v);
    if (static_cast<int64_t>(usage) < 0) return kMaxInt64;
  }
  return static_cast<int64_t>(usage);
}

}  // namespace crescendo::hpa::internal
