#include "crescendo/vertical/recommender.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "crescendo/base/quantity.h"

namespace crescendo::vertical {
namespace {

__extension__ using Int128 = __int128;

RecommendedAmounts Select(const Resources& r, ResourceSelection controlled) {
  RecommendedAmounts out;
  if (controlled.cpu) out.cpu_millis = r.cpu_millis;
  if (controlled.memory) out.memory_bytes = r.memory_bytes;
  return out;
}

// Caps `value` to [min, max] where a zero bound means none (capping.go maybeCapToMin/Max).
int64_t CapOne(int64_t value, int64_t min, int64_t max, const char* resource,
               std::string (*format)(int64_t), std::vector<std::string>* notes) {
  if (min != 0 && value < min) {
    if (notes) notes->push_back(std::string(resource) + " capped to minAllowed " + format(min));
    value = min;
  }
  if (max != 0 && value > max) {
    if (notes) notes->push_back(std::string(resource) + " capped to maxAllowed " + format(max));
    value = max;
  }
  return value;
}

nlohmann::json AmountsJson(const RecommendedAmounts& a) {
  nlohmann::json j = nlohmann::json::object();
  if (a.cpu_millis) j["cpu"] = CpuQuantityString(*a.cpu_millis);
  if (a.memory_bytes) j["memory"] = MemoryQuantityString(*a.memory_bytes);
  return j;
}

}  // namespace

PodResourceRecommender::PodResourceRecommender(const RecommenderOptions& options)
    : options_(options) {
  // logic/recommender.go CreatePodResourceRecommender: percentiles + margin, and confidence
  // multipliers that widen the bounds for short histories.
  const double margin = options.safety_margin_fraction;
  target_ =
      WithMargin(margin, PercentileEstimator(options.target_percentile, options.target_percentile));
  lower_bound_ = WithConfidenceMultiplier(
      0.001, -2.0,
      WithMargin(margin, PercentileEstimator(options.lower_bound_percentile,
                                             options.lower_bound_percentile)));
  upper_bound_ = WithConfidenceMultiplier(
      1.0, 1.0,
      WithMargin(margin, PercentileEstimator(options.upper_bound_percentile,
                                             options.upper_bound_percentile)));
  one_container_ = WithPodMinimum(1);
}

PodResourceRecommender::PodResourceRecommender(EstimatorPtr target, EstimatorPtr lower_bound,
                                               EstimatorPtr upper_bound,
                                               const RecommenderOptions& options)
    : target_(std::move(target)),
      lower_bound_(std::move(lower_bound)),
      upper_bound_(std::move(upper_bound)),
      options_(options),
      one_container_(WithPodMinimum(1)) {}

PodResourceRecommender::Wrapped PodResourceRecommender::WithPodMinimum(size_t containers) const {
  const double fraction = 1.0 / static_cast<double>(containers);
  const Resources min{
      ScaleResource(CpuMillisFromCores(options_.pod_min_cpu_millicores * 0.001), fraction),
      ScaleResource(ResourceAmountFromDouble(options_.pod_min_memory_mb * 1024 * 1024), fraction)};
  return {WithMinResources(min, target_), WithMinResources(min, lower_bound_),
          WithMinResources(min, upper_bound_)};
}

std::map<std::string, PodResourceRecommender::Estimates> PodResourceRecommender::Estimate(
    const std::map<std::string, const AggregateContainerState*>& states) const {
  std::map<std::string, Estimates> result;
  if (states.empty()) return result;
  // Most pods have one container: its estimators are built once, in the constructor.
  const Wrapped built = states.size() == 1 ? Wrapped{} : WithPodMinimum(states.size());
  const Wrapped& e = states.size() == 1 ? one_container_ : built;
  for (const auto& [name, state] : states) {
    result[name] = {e.target->Estimate(*state), e.lower_bound->Estimate(*state),
                    e.upper_bound->Estimate(*state)};
  }
  return result;
}

const ContainerResourcePolicy* FindContainerPolicy(const VerticalSpec* spec,
                                                   std::string_view container) {
  if (spec == nullptr) return nullptr;
  const ContainerResourcePolicy* fallback = nullptr;
  for (const ContainerResourcePolicy& policy : spec->container_policies) {
    if (policy.container_name == container) return &policy;
    if (policy.container_name == "*") fallback = &policy;
  }
  return fallback;
}

ResourceSelection ControlledResources(const ContainerResourcePolicy* policy) {
  if (policy == nullptr) return {};
  ResourceSelection s{false, false};
  for (const std::string& name : policy->controlled_resources) {
    if (name == "cpu") s.cpu = true;
    if (name == "memory") s.memory = true;
  }
  return s;
}

RecommendedAmounts ApplyPolicy(const RecommendedAmounts& amounts,
                               const ContainerResourcePolicy* policy,
                               std::vector<std::string>* notes) {
  if (policy == nullptr) return amounts;
  const Resources min = policy->min_allowed.value_or(Resources{});
  const Resources max = policy->max_allowed.value_or(Resources{});
  RecommendedAmounts out = amounts;
  if (out.cpu_millis) {
    out.cpu_millis =
        CapOne(*out.cpu_millis, min.cpu_millis, max.cpu_millis, "cpu", CpuQuantityString, notes);
  }
  if (out.memory_bytes) {
    out.memory_bytes = CapOne(*out.memory_bytes, min.memory_bytes, max.memory_bytes, "memory",
                              MemoryQuantityString, notes);
  }
  return out;
}

PodRecommendation RecommendPod(const PodResourceRecommender& recommender,
                               const std::map<std::string, AggregateContainerState>& states,
                               const VerticalSpec* spec,
                               const std::map<std::string, ResourceSelection>* allowed) {
  // Only containers not switched off and with samples are recommended for
  // (model/vpa.go, pkg/recommender/routines GetContainerNameToAggregateStateMap).
  std::map<std::string, const AggregateContainerState*> recommended;
  for (const auto& [name, state] : states) {
    const ContainerResourcePolicy* policy = FindContainerPolicy(spec, name);
    if (policy != nullptr && policy->mode == ContainerScalingMode::kOff) continue;
    if (state.total_samples_count() > 0) recommended[name] = &state;
  }
  PodRecommendation result;
  for (const auto& [name, estimates] : recommender.Estimate(recommended)) {
    const ContainerResourcePolicy* policy = FindContainerPolicy(spec, name);
    ResourceSelection controlled = ControlledResources(policy);
    ContainerRecommendation rec;
    rec.container_name = name;
    if (allowed != nullptr) {
      if (auto it = allowed->find(name); it != allowed->end()) {
        if (controlled.cpu && !it->second.cpu)
          rec.notes.push_back("cpu left to horizontal scaling");
        if (controlled.memory && !it->second.memory) {
          rec.notes.push_back("memory left to horizontal scaling");
        }
        controlled = {controlled.cpu && it->second.cpu, controlled.memory && it->second.memory};
      }
    }
    rec.uncapped_target = Select(estimates.target, controlled);
    rec.target = ApplyPolicy(rec.uncapped_target, policy, &rec.notes);
    rec.lower_bound = ApplyPolicy(Select(estimates.lower_bound, controlled), policy);
    rec.upper_bound = ApplyPolicy(Select(estimates.upper_bound, controlled), policy);
    result.containers.push_back(std::move(rec));
  }
  return result;
}

std::optional<int64_t> ProportionalLimit(int64_t request, std::optional<int64_t> limit,
                                         int64_t new_request, ControlledValues controlled) {
  if (controlled == ControlledValues::kRequestsOnly) return limit;
  if (!limit || *limit == 0 || request == 0) return std::nullopt;
  const Int128 scaled = static_cast<Int128>(*limit) * new_request / request;
  if (scaled > static_cast<Int128>(INT64_MAX)) return INT64_MAX;
  return static_cast<int64_t>(scaled);
}

std::string CpuQuantityString(int64_t millis) {
  return Quantity::FromScaled(millis, -3).ToString();
}
std::string MemoryQuantityString(int64_t bytes) {
  return Quantity::FromScaled(bytes, 0).ToString();
}

std::string RecommendationToJson(const PodRecommendation& recommendation, int indent) {
  nlohmann::json containers = nlohmann::json::array();
  for (const ContainerRecommendation& c : recommendation.containers) {
    nlohmann::json j = nlohmann::json::object();
    j["containerName"] = c.container_name;
    j["target"] = AmountsJson(c.target);
    j["lowerBound"] = AmountsJson(c.lower_bound);
    j["upperBound"] = AmountsJson(c.upper_bound);
    j["uncappedTarget"] = AmountsJson(c.uncapped_target);
    containers.push_back(std::move(j));
  }
  nlohmann::json root = nlohmann::json::object();
  root["containerRecommendations"] = std::move(containers);
  return root.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace crescendo::vertical
