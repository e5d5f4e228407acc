#include "horizontal/kubernetes/replica_calculator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

namespace crescendo::hpa::internal {
namespace {

__extension__ using Int128 = __int128;  // exact totals, as Kubernetes' big.Int fallback

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
constexpr char kNoPods[] = "no pods returned by selector while calculating replica count";
constexpr char kNoTargetedMetrics[] =
    "did not receive metrics for targeted pods (pods might be unready)";

enum class Group : uint8_t { kReady, kUnready, kMissing, kIgnored };

// Returns up to 8 bytes of `name` from `offset` as an integer (zero-padded).
uint64_t Bytes8(std::string_view name, size_t offset) {
  uint64_t v = 0;
  if (name.size() - offset >= 8) {
    std::memcpy(&v, name.data() + offset, 8);  // one load
  } else {
    std::memcpy(&v, name.data() + offset, name.size() - offset);
  }
  return v;
}

// An open-addressing index from names (views) to positions, rebuilt in place for each use so that
// steady-state calls allocate nothing.
class NameIndex {
 public:
  struct Slot {
    std::string_view name;
    int32_t index = -1;  // -1: empty
  };

  // Indexes name_at(i) for i < n; a later equal name replaces an earlier one, as filling a Go
  // map does. Returns the number of distinct names.
  template <typename NameAt>
  size_t Build(size_t n, NameAt name_at) {
    size_t capacity = 16;
    while (capacity < 2 * n) capacity <<= 1;
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    size_t distinct = 0;
    for (size_t i = 0; i < n; ++i) {
      const std::string_view name = name_at(i);
      Slot& slot = slots_[Position(name)];
      if (slot.index < 0) ++distinct;
      slot = {name, static_cast<int32_t>(i)};
    }
    return distinct;
  }

  // Returns the position stored for `name`, or -1.
  int32_t Find(std::string_view name) const { return slots_[Position(name)].index; }

  const std::vector<Slot>& slots() const { return slots_; }

 private:
  size_t Position(std::string_view name) const {
    size_t i = std::hash<std::string_view>{}(name)&mask_;
    while (slots_[i].index >= 0 && slots_[i].name != name) i = (i + 1) & mask_;
    return i;
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

// Returns whether the names of `pods` are distinct: pairwise for a few pods (comparing length
// and last bytes first), through `index` for more.
bool DistinctNames(std::span<const PodView> pods, NameIndex* index) {
  constexpr size_t kPairwise = 32;
  if (pods.size() > kPairwise) {
    return index->Build(pods.size(), [&](size_t i) { return pods[i].name; }) == pods.size();
  }
  uint64_t tails[kPairwise];
  for (size_t i = 0; i < pods.size(); ++i) {
    const std::string_view n = pods[i].name;
    tails[i] = (n.empty() ? 0 : Bytes8(n, n.size() > 8 ? n.size() - 8 : 0)) ^ (n.size() << 56);
  }
  for (size_t i = 0; i < pods.size(); ++i) {
    for (size_t j = i + 1; j < pods.size(); ++j) {
      if (tails[i] == tails[j] && pods[i].name == pods[j].name) return false;
    }
  }
  return true;
}

// Each pod's sample, and the samples of pods that are not in the pod list ("superfluous
// metrics": Kubernetes keeps them).
struct Match {
  std::vector<int32_t> sample;  // per pod: position in the samples, or -1
  Int128 extras_total = 0;
  int64_t extras_count = 0;
};

// The pods grouped as groupPods() does.
struct Grouping {
  std::vector<Group> group;  // per pod
  int ready_count = 0;
  int unready_count = 0;
  int missing_count = 0;
  int ignored_count = 0;
  PodGroups names;  // only when the context explains
};

// Per-thread buffers the calculators reuse (they never nest).
struct Scratch {
  NameIndex samples;
  NameIndex pods;
  Match match;
  Grouping grouping;
  std::vector<int64_t> requests;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// Pairs each pod with its sample as Kubernetes' PodMetricsInfo map does: a later sample for the
// same pod replaces an earlier one.
void MatchSamples(std::span<const PodView> pods, std::span<const SampleView> samples, Scratch* s) {
  Match& m = s->match;
  m.sample.assign(pods.size(), -1);
  m.extras_total = 0;
  m.extras_count = 0;
  const auto pod_name = [&](size_t i) { return pods[i].name; };
  // The usual case: one sample per pod, in pod order, pod names distinct.
  bool in_order = samples.size() == pods.size();
  for (size_t i = 0; in_order && i < pods.size(); ++i) in_order = samples[i].pod == pods[i].name;
  if (in_order && DistinctNames(pods, &s->pods)) {
    for (size_t i = 0; i < pods.size(); ++i) m.sample[i] = static_cast<int32_t>(i);
    return;
  }
  s->samples.Build(samples.size(), [&](size_t i) { return samples[i].pod; });
  s->pods.Build(pods.size(), pod_name);
  for (size_t i = 0; i < pods.size(); ++i) m.sample[i] = s->samples.Find(pods[i].name);
  for (const NameIndex::Slot& slot : s->samples.slots()) {
    if (slot.index >= 0 && s->pods.Find(slot.name) < 0) {
      m.extras_total += samples[static_cast<size_t>(slot.index)].value_milli;
      ++m.extras_count;
    }
  }
}

// The CPU rule of groupPods: a sample is unready while the pod initializes, or when the pod
// never became ready after start-up. Source: kubernetes replica_calculator.go groupPods.
bool UnreadyCpuSample(const PodView& pod, const SampleView& sample, const CalcContext& ctx) {
  if (!pod.ready.has_value() || !pod.start_time.has_value()) return true;
  const bool ready_false = *pod.ready == ConditionStatus::kFalse;
  if (*pod.start_time + ctx.cpu_initialization_period > ctx.now) {
    return ready_false || sample.timestamp < pod.ready_transition_time + sample.window;
  }
  return ready_false && *pod.start_time + ctx.initial_readiness_delay > pod.ready_transition_time;
}

void GroupWithMatch(std::span<const PodView> pods, std::span<const SampleView> samples,
                    const Match& m, std::string_view resource, bool names, const CalcContext& ctx,
                    Grouping* g) {
  g->group.clear();
  g->group.reserve(pods.size());
  g->ready_count = g->unready_count = g->missing_count = g->ignored_count = 0;
  g->names = {};
  const bool cpu = resource == "cpu";
  for (size_t i = 0; i < pods.size(); ++i) {
    const PodView& pod = pods[i];
    Group group = Group::kReady;
    if (pod.deleting || pod.phase == PodPhase::kFailed) {
      group = Group::kIgnored;
    } else if (pod.phase == PodPhase::kPending) {
      group = Group::kUnready;
    } else if (m.sample[i] < 0) {
      group = Group::kMissing;
    } else if (cpu && UnreadyCpuSample(pod, samples[static_cast<size_t>(m.sample[i])], ctx)) {
      group = Group::kUnready;
    }
    g->group.push_back(group);
    std::vector<std::string>* list = nullptr;
    switch (group) {
      case Group::kReady:
        ++g->ready_count, list = &g->names.ready;
        break;
      case Group::kUnready:
        ++g->unready_count, list = &g->names.unready;
        break;
      case Group::kMissing:
        ++g->missing_count, list = &g->names.missing;
        break;
      case Group::kIgnored:
        ++g->ignored_count, list = &g->names.ignored;
        break;
    }
    if (names) list->emplace_back(pod.name);
  }
  if (!names) return;
  for (auto* v : {&g->names.ready, &g->names.unready, &g->names.missing, &g->names.ignored}) {
    std::sort(v->begin(), v->end());
  }
}

std::string Counts(const Grouping& g) {
  return fmt::format("pods: {} ready, {} unready, {} missing a metric, {} ignored", g.ready_count,
                     g.unready_count, g.missing_count, g.ignored_count);
}

// The value of the sample of pod `i`, which has one.
int64_t SampleValue(std::span<const SampleView> samples, const Match& m, size_t i) {
  return samples[static_cast<size_t>(m.sample[i])].value_milli;
}

// Runs `calc` over a context whose pods are views with requests, built from ctx.pods when the
// caller set none.
template <typename Calc>
CalcResult WithViews(const CalcContext& ctx, Calc calc) {
  if (ctx.requests != nullptr) return calc(ctx);
  const std::vector<PodView> views = ViewsOf(ctx.pods);
  const HpaPodRequests requests(ctx.pods);
  CalcContext c = ctx;
  c.views = views;
  c.requests = &requests;
  return calc(c);
}

// calculateRequests over HpaPods: request maps are small, so a linear search avoids building a
// key string per lookup.
std::optional<int64_t> Lookup(const std::map<std::string, int64_t>& requests,
                              std::string_view resource) {
  for (const auto& [name, value] : requests) {
    if (name == resource) return value;
  }
  return std::nullopt;
}

struct HpaPodAccess {
  std::span<const HpaPod> pods;

  size_t size() const { return pods.size(); }
  std::string_view PodName(size_t i) const { return pods[i].name; }
  bool HasPodLevel(size_t i) const {
    return pods[i].pod_requests_milli.has_value() && !pods[i].pod_requests_milli->empty();
  }
  std::optional<int64_t> PodLevel(size_t i, std::string_view resource) const {
    return Lookup(*pods[i].pod_requests_milli, resource);
  }
  size_t Containers(size_t i) const { return pods[i].containers.size(); }
  std::string_view ContainerName(size_t i, size_t c) const { return pods[i].containers[c].name; }
  std::optional<int64_t> ContainerRequest(size_t i, size_t c, std::string_view resource) const {
    return Lookup(pods[i].containers[c].requests_milli, resource);
  }
};

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
                      const CalcContext& ctx, CalcResult* r) {
  r->adjusted_ratio = new_ratio;
  if (ctx.tolerances.IsWithin(new_ratio) || Flips(ratio, new_ratio)) {
    if (ctx.explain) {
      r->steps.push_back(fmt::format(
          "recomputed ratio {:.4f} is within tolerance or flips the direction: keep {} replicas",
          new_ratio, current));
    }
    return current;
  }
  const int32_t replicas = SaturatingCeil(new_ratio * static_cast<double>(entries));
  if ((new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current)) {
    if (ctx.explain) {
      r->steps.push_back(fmt::format(
          "ceil({:.4f} x {} samples) = {} would move against the ratio: keep {} replicas",
          new_ratio, entries, replicas, current));
    }
    return current;
  }
  if (ctx.explain) {
    r->steps.push_back(
        fmt::format("ceil({:.4f} x {} samples) = {} replicas", new_ratio, entries, replicas));
  }
  return replicas;
}

// The matching and grouping both per-pod calculators start from, into the thread's scratch.
// Returns false (with r->error set) when there are no pods or no usable samples.
bool Prepare(std::span<const SampleView> samples, std::string_view resource, const CalcContext& ctx,
             Scratch* s, CalcResult* r) {
  if (ctx.views.empty()) return r->error = kNoPods, false;
  MatchSamples(ctx.views, samples, s);
  GroupWithMatch(ctx.views, samples, s->match, resource, ctx.explain, ctx, &s->grouping);
  if (ctx.explain) {
    r->groups = s->grouping.names;
    r->steps.push_back(Counts(s->grouping));
  }
  if (s->grouping.ready_count == 0 && s->match.extras_count == 0) {
    return r->error = kNoTargetedMetrics, false;
  }
  return true;
}

// The first pass: without unready pods to rebalance and without missing pods, the ratio over
// the ready pods decides. Returns false when the second pass is needed.
bool FirstPass(int32_t current, double ratio, bool scale_up_with_unready, const Grouping& g,
               const CalcContext& ctx, CalcResult* r) {
  if (scale_up_with_unready || g.missing_count > 0) return false;
  if (ctx.tolerances.IsWithin(ratio)) {
    if (ctx.explain) {
      r->steps.push_back(fmt::format("ratio within tolerance: keep {} replicas", current));
    }
    r->replicas = current;
    return true;
  }
  r->replicas = SaturatingCeil(ratio * g.ready_count);
  if (ctx.explain) {
    r->steps.push_back(fmt::format("ceil({:.4f} x {} ready pods) = {} replicas", ratio,
                                   g.ready_count, r->replicas));
  }
  return true;
}

CalcResult ResourceUtilization(int32_t current, int32_t target, std::string_view resource,
                               std::string_view container, std::span<const SampleView> samples,
                               const CalcContext& ctx) {
  CalcResult r;
  Scratch& s = ThreadScratch();
  if (!Prepare(samples, resource, ctx, &s, &r)) return r;
  const Match& m = s.match;
  const Grouping& g = s.grouping;
  std::vector<int64_t>& requests = s.requests;
  r.error = ctx.requests->Requests(container, resource, ctx.pod_level_resources, &requests);
  if (!r.error.empty()) return r;

  Int128 usage = 0, requested = 0, missing_requested = 0, unready_requested = 0;
  for (size_t i = 0; i < ctx.views.size(); ++i) {
    if (g.group[i] == Group::kReady) {
      usage += SampleValue(samples, m, i);
      requested += requests[i];
    } else if (g.group[i] == Group::kMissing) {
      missing_requested += requests[i];
    } else if (g.group[i] == Group::kUnready) {
      unready_requested += requests[i];
    }
  }
  const Utilization u = UtilizationOf(usage, requested, g.ready_count, target);
  if (!u.error.empty()) return r.error = u.error, r;
  r.utilization = u.percent;
  r.usage_milli = u.raw_average;
  r.usage_ratio = u.ratio;
  if (ctx.explain) {
    r.steps.push_back(
        fmt::format("utilization {}% of requests against a target of {}%: ratio {:.4f}", u.percent,
                    target, u.ratio));
  }

  const bool scale_up_with_unready = g.unready_count > 0 && u.ratio > 1.0;
  if (FirstPass(current, u.ratio, scale_up_with_unready, g, ctx, &r)) return r;
  int64_t entries = g.ready_count + m.extras_count;
  Int128 new_usage = usage, new_requested = requested;
  if (g.missing_count > 0 && u.ratio != 1.0) {
    entries += g.missing_count;
    new_requested += missing_requested;
    if (u.ratio < 1.0) {  // scale-down: missing pods use 100% of requests, or the target
      const int64_t fallback = std::max<int64_t>(100, target);
      for (size_t i = 0; i < ctx.views.size(); ++i) {
        if (g.group[i] == Group::kMissing) new_usage += Int128(requests[i]) * fallback / 100;
      }
      if (ctx.explain) {
        r.steps.push_back(
            fmt::format("scale-down: pods missing a metric counted at {}% of requests", fallback));
      }
    } else if (ctx.explain) {
      r.steps.push_back("scale-up: pods missing a metric counted at 0");
    }
  }
  if (scale_up_with_unready) {
    entries += g.unready_count;
    new_requested += unready_requested;
    if (ctx.explain) r.steps.push_back("scale-up: unready pods counted at 0");
  }
  const Utilization nu = UtilizationOf(new_usage, new_requested, entries, target);
  if (!nu.error.empty()) return r.error = nu.error, r;
  r.replicas = KeepOrRescale(current, u.ratio, nu.ratio, entries, ctx, &r);
  return r;
}

CalcResult PlainMetric(int32_t current, int64_t target, std::string_view resource,
                       std::span<const SampleView> samples, const CalcContext& ctx) {
  CalcResult r;
  Scratch& s = ThreadScratch();
  if (!Prepare(samples, resource, ctx, &s, &r)) return r;
  const Match& m = s.match;
  const Grouping& g = s.grouping;
  int64_t entries = g.ready_count + m.extras_count;
  Int128 total = m.extras_total;
  for (size_t i = 0; i < ctx.views.size(); ++i) {
    if (g.group[i] == Group::kReady) total += SampleValue(samples, m, i);
  }
  const int64_t usage = ToInt64Saturating(total / entries);
  const double ratio = static_cast<double>(usage) / static_cast<double>(target);
  r.usage_milli = usage;
  r.usage_ratio = ratio;
  if (ctx.explain) {
    r.steps.push_back(
        fmt::format("average {}m against a target of {}m: ratio {:.4f}", usage, target, ratio));
  }

  const bool scale_up_with_unready = g.unready_count > 0 && ratio > 1.0;
  if (FirstPass(current, ratio, scale_up_with_unready, g, ctx, &r)) return r;
  if (g.missing_count > 0 && ratio != 1.0) {
    const int64_t n = g.missing_count;
    entries += n;
    if (ratio < 1.0) {
      total += Int128(target) * n;
      if (ctx.explain) r.steps.push_back("scale-down: pods missing a metric counted at the target");
    } else if (ctx.explain) {
      r.steps.push_back("scale-up: pods missing a metric counted at 0");
    }
  }
  if (scale_up_with_unready) {
    entries += g.unready_count;
    if (ctx.explain) r.steps.push_back("scale-up: unready pods counted at 0");
  }
  const int64_t new_usage = ToInt64Saturating(total / entries);
  const double new_ratio = static_cast<double>(new_usage) / static_cast<double>(target);
  r.replicas = KeepOrRescale(current, ratio, new_ratio, entries, ctx, &r);
  return r;
}

CalcResult ValueMetric(int32_t current, int64_t usage, int64_t target, const CalcContext& ctx) {
  CalcResult r;
  r.usage_milli = usage;
  const double ratio = static_cast<double>(usage) / static_cast<double>(target);
  r.usage_ratio = ratio;
  if (ctx.explain) {
    r.steps.push_back(
        fmt::format("value {}m against a target of {}m: ratio {:.4f}", usage, target, ratio));
  }
  if (current == 0) {  // scale from zero: neither tolerance nor ready pods apply
    r.replicas = SaturatingCeil(ratio);
    if (ctx.explain) {
      r.steps.push_back(fmt::format("from zero replicas: ceil({:.4f}) = {}", ratio, r.replicas));
    }
    return r;
  }
  if (ctx.tolerances.IsWithin(ratio)) {
    if (ctx.explain) {
      r.steps.push_back(fmt::format("ratio within tolerance: keep {} replicas", current));
    }
    return r.replicas = current, r;
  }
  if (ctx.views.empty()) {
    r.error = std::string("unable to calculate ready pods: ") + kNoPods;
    return r;
  }
  int64_t ready = 0;
  for (const PodView& pod : ctx.views) {
    if (pod.phase == PodPhase::kRunning && pod.ready == ConditionStatus::kTrue) ++ready;
  }
  r.replicas = SaturatingCeil(ratio * static_cast<double>(ready));
  if (ctx.explain) {
    r.steps.push_back(
        fmt::format("ceil({:.4f} x {} ready pods) = {} replicas", ratio, ready, r.replicas));
  }
  return r;
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

std::vector<PodView> ViewsOf(std::span<const HpaPod> pods) {
  std::vector<PodView> views;
  views.reserve(pods.size());
  for (const HpaPod& p : pods) {
    views.push_back({p.name, p.phase, p.deleting, p.start_time, p.ready, p.ready_transition_time});
  }
  return views;
}

std::vector<SampleView> ViewsOf(std::span<const PodSample> samples) {
  std::vector<SampleView> views;
  views.reserve(samples.size());
  for (const PodSample& s : samples) views.push_back({s.pod, s.value_milli, s.timestamp, s.window});
  return views;
}

std::string HpaPodRequests::Requests(std::string_view container, std::string_view resource,
                                     bool pod_level_resources,
                                     std::vector<int64_t>* requests) const {
  return CalculateRequestsOver(HpaPodAccess{pods_}, container, resource, pod_level_resources,
                               requests);
}

std::string MissingPodLevelRequest(std::string_view resource, std::string_view pod) {
  return fmt::format("missing pod-level request for {} in Pod {}", resource, pod);
}

std::string MissingRequest(std::string_view resource, std::string_view container,
                           std::string_view pod) {
  return fmt::format("missing request for {} in container {} of Pod {}", resource, container, pod);
}

std::string ContainerNotFound(std::string_view container, std::string_view pod) {
  return fmt::format("container {} not found in Pod {}", container, pod);
}

PodGroups GroupPods(std::span<const HpaPod> pods, std::span<const PodSample> samples,
                    std::string_view resource, const CalcContext& ctx, int* ready_count) {
  const std::vector<PodView> pod_views = ViewsOf(pods);
  const std::vector<SampleView> sample_views = ViewsOf(samples);
  Scratch& s = ThreadScratch();
  MatchSamples(pod_views, sample_views, &s);
  GroupWithMatch(pod_views, sample_views, s.match, resource, true, ctx, &s.grouping);
  if (ready_count != nullptr) *ready_count = s.grouping.ready_count;
  return std::move(s.grouping.names);
}

std::string CalculateRequests(std::span<const HpaPod> pods, std::string_view container,
                              std::string_view resource, bool pod_level_resources,
                              std::vector<int64_t>* requests) {
  return HpaPodRequests(pods).Requests(container, resource, pod_level_resources, requests);
}

CalcResult ResourceUtilizationReplicas(int32_t current, int32_t target, std::string_view resource,
                                       std::string_view container,
                                       std::span<const PodSample> samples, const CalcContext& ctx) {
  return ResourceUtilizationReplicas(current, target, resource, container,
                                     std::span<const SampleView>(ViewsOf(samples)), ctx);
}

CalcResult ResourceUtilizationReplicas(int32_t current, int32_t target, std::string_view resource,
                                       std::string_view container,
                                       std::span<const SampleView> samples,
                                       const CalcContext& ctx) {
  return WithViews(ctx, [&](const CalcContext& c) {
    return ResourceUtilization(current, target, resource, container, samples, c);
  });
}

CalcResult PlainMetricReplicas(int32_t current, int64_t target, std::string_view resource,
                               std::span<const PodSample> samples, const CalcContext& ctx) {
  return PlainMetricReplicas(current, target, resource,
                             std::span<const SampleView>(ViewsOf(samples)), ctx);
}

CalcResult PlainMetricReplicas(int32_t current, int64_t target, std::string_view resource,
                               std::span<const SampleView> samples, const CalcContext& ctx) {
  return WithViews(ctx, [&](const CalcContext& c) {
    return PlainMetric(current, target, resource, samples, c);
  });
}

CalcResult ValueMetricReplicas(int32_t current, int64_t usage, int64_t target,
                               const CalcContext& ctx) {
  return WithViews(ctx,
                   [&](const CalcContext& c) { return ValueMetric(current, usage, target, c); });
}

CalcResult PerPodMetricReplicas(int32_t status_replicas, int64_t usage, int64_t target_per_pod,
                                const CalcContext& ctx) {
  CalcResult r;
  const double ratio = static_cast<double>(usage) /
                       (static_cast<double>(target_per_pod) * static_cast<double>(status_replicas));
  r.usage_ratio = ratio;
  r.replicas = status_replicas;
  if (ctx.explain) {
    r.steps.push_back(fmt::format("total {}m against {}m per pod x {} replicas: ratio {:.4f}",
                                  usage, target_per_pod, status_replicas, ratio));
  }
  if (!ctx.tolerances.IsWithin(ratio)) {
    r.replicas = SaturatingCeil(static_cast<double>(usage) / static_cast<double>(target_per_pod));
    if (ctx.explain) {
      r.steps.push_back(
          fmt::format("ceil({}m / {}m) = {} replicas", usage, target_per_pod, r.replicas));
    }
  } else if (ctx.explain) {
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
