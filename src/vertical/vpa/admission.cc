#include "vertical/vpa/admission.h"

#include <algorithm>

namespace crescendo::vertical {
namespace {

ControlledValues ControlledValuesOf(const ContainerResourcePolicy* policy) {
  // utils/vpa/api.go GetContainerControlledValues: RequestsAndLimits unless the policy says.
  return policy ? policy->controlled_values : ControlledValues::kRequestsAndLimits;
}

void CapToLimit(RecommendedAmounts& amounts, const Resources& limits) {
  if (amounts.cpu_millis && limits.cpu_millis != 0) {
    amounts.cpu_millis = std::min(*amounts.cpu_millis, limits.cpu_millis);
  }
  if (amounts.memory_bytes && limits.memory_bytes != 0) {
    amounts.memory_bytes = std::min(*amounts.memory_bytes, limits.memory_bytes);
  }
}

}  // namespace

std::optional<ContainerRecommendation> ProcessRecommendation(
    const PodRecommendation& recommendation, std::string_view container, const Resources& limits,
    const VerticalSpec& spec) {
  auto it =
      std::find_if(recommendation.containers.begin(), recommendation.containers.end(),
                   [&](const ContainerRecommendation& c) { return c.container_name == container; });
  if (it == recommendation.containers.end()) return std::nullopt;
  const ContainerResourcePolicy* policy = FindContainerPolicy(&spec, container);
  ContainerRecommendation out;
  out.container_name = it->container_name;
  out.uncapped_target = it->uncapped_target;
  out.target = ApplyPolicy(it->target, policy);
  out.lower_bound = ApplyPolicy(it->lower_bound, policy);
  out.upper_bound = ApplyPolicy(it->upper_bound, policy);
  if (ControlledValuesOf(policy) == ControlledValues::kRequestsOnly) {
    CapToLimit(out.target, limits);
    CapToLimit(out.lower_bound, limits);
    CapToLimit(out.upper_bound, limits);
  }
  return out;
}

std::optional<int64_t> VpaProportionalLimit(int64_t request, int64_t limit, int64_t new_request) {
  if (limit == 0 || new_request == 0) return std::nullopt;
  if (request == 0) return new_request;
  return ProportionalLimit(request, limit, new_request, ControlledValues::kRequestsAndLimits);
}

std::vector<ContainerResources> AdmitContainers(std::span<const ContainerResources> containers,
                                                const PodRecommendation& recommendation,
                                                const VerticalSpec& spec) {
  std::vector<ContainerResources> result(containers.begin(), containers.end());
  for (ContainerResources& c : result) {
    std::optional<ContainerRecommendation> rec =
        ProcessRecommendation(recommendation, c.name, c.limits, spec);
    if (!rec) continue;  // no recommendation: the container keeps its resources
    const bool proportional = ControlledValuesOf(FindContainerPolicy(&spec, c.name)) ==
                              ControlledValues::kRequestsAndLimits;
    const Resources original_requests = c.requests;
    if (rec->target.cpu_millis) {
      c.requests.cpu_millis = *rec->target.cpu_millis;
      if (proportional) {
        c.limits.cpu_millis = VpaProportionalLimit(original_requests.cpu_millis,
                                                   c.limits.cpu_millis, c.requests.cpu_millis)
                                  .value_or(c.limits.cpu_millis);
      }
    }
    if (rec->target.memory_bytes) {
      c.requests.memory_bytes = *rec->target.memory_bytes;
      if (proportional) {
        c.limits.memory_bytes = VpaProportionalLimit(original_requests.memory_bytes,
                                                     c.limits.memory_bytes, c.requests.memory_bytes)
                                    .value_or(c.limits.memory_bytes);
      }
    }
  }
  return result;
}

}  // namespace crescendo::vertical
