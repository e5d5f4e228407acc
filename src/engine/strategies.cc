#include "crescendo/engine/strategies.h"

#include <functional>
#include <map>

#include "crescendo/horizontal/kubernetes_hpa.h"
#include "crescendo/horizontal/target_utilization.h"

namespace crescendo {
namespace {

using Factory = std::function<std::unique_ptr<HorizontalRecommender>()>;

const std::map<std::string, Factory, std::less<>>& Registry() {
  static const auto* registry = new std::map<std::string, Factory, std::less<>>{
      {"kubernetes", [] { return hpa::NewKubernetesHpaRecommender(); }},
      {"target-utilization", [] { return std::make_unique<TargetUtilizationRecommender>(); }},
  };
  return *registry;
}

}  // namespace

StatusOr<std::unique_ptr<HorizontalRecommender>> NewHorizontalStrategy(std::string_view name) {
  auto it = Registry().find(name);
  if (it == Registry().end()) {
    std::string known;
    for (const std::string& n : HorizontalStrategyNames()) known += (known.empty() ? "" : ", ") + n;
    return NotFoundError("unknown strategy \"" + std::string(name) + "\" (known: " + known + ")");
  }
  return it->second();
}

std::vector<std::string> HorizontalStrategyNames() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : Registry()) names.push_back(name);
  return names;
}

}  // namespace crescendo
