#include "crescendo/engine/strategies.h"

#include <functional>
#include <map>

#include "crescendo/forecast/forecaster.h"
#include "crescendo/horizontal/kubernetes_hpa.h"
#include "crescendo/horizontal/target_utilization.h"
#include "engine/predictive/predictive_strategy.h"

namespace crescendo {
namespace {

using Factory = std::function<std::unique_ptr<HorizontalRecommender>()>;

const std::map<std::string, Factory, std::less<>>& Registry() {
  static const auto* registry = new std::map<std::string, Factory, std::less<>>{
      {"kubernetes", [] { return hpa::NewKubernetesHpaRecommender(); }},
      {"predictive", [] { return NewDefaultPredictiveStrategy(); }},
      {"target-utilization", [] { return std::make_unique<TargetUtilizationRecommender>(); }},
  };
  return *registry;
}

// "name(key=value,...)": the spec grammar of forecasters; only predictive takes parameters.
StatusOr<std::unique_ptr<HorizontalRecommender>> NewParameterizedStrategy(std::string_view text) {
  StatusOr<ForecasterSpec> spec = ParseForecasterSpec(text);
  if (!spec.ok()) {
    return InvalidArgumentError("strategy \"" + std::string(text) +
                                "\": expected name(key=value,...): " + spec.status().message());
  }
  if (spec->name != "predictive") {
    if (!Registry().contains(spec->name) || spec->params.empty()) {
      return NewHorizontalStrategy(spec->name);
    }
    return InvalidArgumentError("strategy \"" + std::string(text) + "\": " + spec->name +
                                " takes no parameters");
  }
  CRESCENDO_ASSIGN_OR_RETURN(PredictiveStrategyOptions options,
                             PredictiveOptionsFromParams(spec->params));
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<PredictiveStrategy> strategy,
                             NewPredictiveStrategy(options));
  return std::unique_ptr<HorizontalRecommender>(std::move(strategy));
}

}  // namespace

StatusOr<std::unique_ptr<HorizontalRecommender>> NewHorizontalStrategy(std::string_view name) {
  if (name.find('(') != std::string_view::npos) return NewParameterizedStrategy(name);
  auto it = Registry().find(name);
  if (it == Registry().end()) {
    std::string known;
    for (const std::string& n : HorizontalStrategyNames()) known += (known.empty() ? "" : ", ") + n;
    return NotFoundError("unknown strategy \"" + std::string(name) + "\" (known: " + known + ")");
  }
  return it->second();
}

StatusOr<ModeStrategies> StrategiesForMode(std::string_view mode) {
  if (mode == "kubernetes") return ModeStrategies{"kubernetes", "vpa", true};
  if (mode == "predictive" || mode == "intelligent") {
    return ModeStrategies{"predictive", "spike-aware", true};
  }
  if (mode == "recommend") return ModeStrategies{"kubernetes", "vpa", false};
  return NotFoundError("unknown mode \"" + std::string(mode) +
                       "\" (known: intelligent, kubernetes, predictive, recommend)");
}

std::vector<std::string> ModeNames() {
  return {"intelligent", "kubernetes", "predictive", "recommend"};
}

StatusOr<ModeStrategies> StrategiesForName(std::string_view name) {
  if (StatusOr<ModeStrategies> mode = StrategiesForMode(name); mode.ok()) return mode;
  CRESCENDO_RETURN_IF_ERROR(NewHorizontalStrategy(name).status());
  const std::string_view base = name.substr(0, name.find('('));
  ModeStrategies out{std::string(name), "vpa", true};
  if (base == "predictive") out.vertical = "spike-aware";
  return out;
}

std::vector<std::string> HorizontalStrategyNames() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : Registry()) names.push_back(name);
  return names;
}

}  // namespace crescendo
