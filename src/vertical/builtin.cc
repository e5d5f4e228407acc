// The vertical strategies, by name: one registration line each, alphabetical.
#include <functional>
#include <map>

#include "crescendo/vertical/strategy.h"
#include "vertical/intelligent/intelligent_strategy.h"
#include "vertical/spike_aware/spike_aware_strategy.h"
#include "vertical/vpa/vpa_strategy.h"

namespace crescendo {
namespace {

using Factory = std::function<std::unique_ptr<VerticalRecommender>()>;

const std::map<std::string, Factory, std::less<>>& Registry() {
  static const auto* registry = new std::map<std::string, Factory, std::less<>>{
      {"intelligent", vertical::NewIntelligentStrategy},
      {"spike-aware", vertical::NewSpikeAwareStrategy},
      {"vpa", vertical::NewVpaStrategy},
  };
  return *registry;
}

}  // namespace

StatusOr<std::unique_ptr<VerticalRecommender>> NewVerticalStrategy(std::string_view name) {
  auto it = Registry().find(name);
  if (it == Registry().end()) {
    std::string known;
    for (const std::string& n : VerticalStrategyNames()) known += (known.empty() ? "" : ", ") + n;
    return NotFoundError("unknown vertical strategy \"" + std::string(name) +
                         "\" (known: " + known + ")");
  }
  return it->second();
}

std::vector<std::string> VerticalStrategyNames() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : Registry()) names.push_back(name);
  return names;
}

}  // namespace crescendo
