#include "vertical/intelligent/intelligent_strategy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

#include "vertical/spike_aware/spike_aware_strategy.h"
#include "vertical/vpa/vpa_strategy.h"

namespace crescendo::vertical {
namespace {

// Returns the HPA without its cpu metrics: CPU is sized with the replicas, so only the other
// resources it scales on are left to it. Null when nothing is left (no HPA resource remains).
std::optional<HorizontalSpec> WithoutCpu(const HorizontalSpec* horizontal) {
  if (horizontal == nullptr || horizontal->metrics.empty()) return std::nullopt;
  HorizontalSpec rest = *horizontal;
  std::erase_if(rest.metrics, [](const MetricSpec& m) {
    return (m.type == MetricSourceType::kResource ||
            m.type == MetricSourceType::kContainerResource) &&
           m.name == "cpu";
  });
  if (rest.metrics.empty()) return std::nullopt;
  return rest;
}

const ContainerResourcePolicy* PolicyFor(const VerticalSpec* spec, std::string_view container) {
  if (spec == nullptr) return nullptr;
  const ContainerResourcePolicy* wildcard = nullptr;
  for (const ContainerResourcePolicy& p : spec->container_policies) {
    if (p.container_name == container) return &p;
    if (p.container_name == "*") wildcard = &p;
  }
  return wildcard;
}

// The share of the planned pod CPU for `container`: in proportion to the template's requests,
// equal shares when the template has none.
double ShareOf(const std::vector<ContainerResources>& containers, std::string_view container) {
  int64_t total = 0, own = 0;
  for (const ContainerResources& c : containers) {
    total += c.requests.cpu_millis;
    if (c.name == container) own = c.requests.cpu_millis;
  }
  if (total > 0) return static_cast<double>(own) / static_cast<double>(total);
  return containers.empty() ? 1.0 : 1.0 / static_cast<double>(containers.size());
}

// The largest CPU request of `container` in force now (template or running pods).
int64_t LargestRequest(const WorkloadState& w, std::string_view container) {
  int64_t largest = 0;
  for (const ContainerResources& c : w.template_containers) {
    if (c.name == container) largest = std::max(largest, c.requests.cpu_millis);
  }
  for (const PodState& p : w.pods) {
    for (const crescendo::ContainerState& c : p.containers) {
      if (c.name == container) largest = std::max(largest, c.requests.cpu_millis);
    }
  }
  return largest;
}

}  // namespace

PodRecommendation IntelligentRecommendation(const WorkloadModel& model,
                                            const VerticalContext& ctx) {
  const Proposal* h = ctx.horizontal_proposal;
  if (h == nullptr || !h->pod_requests || h->pod_requests->cpu_millis <= 0 ||
      ctx.workload == nullptr) {
    return SpikeAwareRecommendation(model, ctx);
  }
  const std::optional<HorizontalSpec> rest = WithoutCpu(ctx.horizontal);
  PodRecommendation rec = model.Recommend({.spec = ctx.spec,
                                           .horizontal = rest ? &*rest : nullptr,
                                           .now = ctx.now,
                                           .spike_aware = true});
  const int64_t planned = h->pod_requests->cpu_millis;
  for (ContainerRecommendation& c : rec.containers) {
    if (!c.target.cpu_millis) continue;  // not controlled (policy) or no sample yet
    const double share = ShareOf(ctx.workload->template_containers, c.container_name);
    int64_t cpu = static_cast<int64_t>(std::ceil(static_cast<double>(planned) * share));
    if (const ContainerResourcePolicy* p = PolicyFor(ctx.spec, c.container_name)) {
      if (p->min_allowed && p->min_allowed->cpu_millis > 0) {
        cpu = std::max(cpu, p->min_allowed->cpu_millis);
      }
      if (p->max_allowed && p->max_allowed->cpu_millis > 0) {
        cpu = std::min(cpu, p->max_allowed->cpu_millis);
      }
    }
    c.notes.push_back(
        fmt::format("cpu sized with the replicas: {} pods x {}m a pod (VPA alone: {}m)",
                    h->desired_replicas, planned, *c.target.cpu_millis));
    c.target.cpu_millis = c.uncapped_target.cpu_millis = cpu;
    // The updater evicts pods outside [lower, upper]: never for a request that is only larger
    // than the new size (it shrinks with new pods), always for one below what the pods need.
    c.lower_bound.cpu_millis = std::min(c.lower_bound.cpu_millis.value_or(cpu), cpu);
    c.upper_bound.cpu_millis = std::max({c.upper_bound.cpu_millis.value_or(cpu), cpu,
                                         LargestRequest(*ctx.workload, c.container_name)});
  }
  return rec;
}

std::unique_ptr<VerticalRecommender> NewIntelligentStrategy() {
  return std::make_unique<VpaPipeline>("intelligent", IntelligentRecommendation);
}

}  // namespace crescendo::vertical
