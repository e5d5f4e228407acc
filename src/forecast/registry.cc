#include "crescendo/forecast/registry.h"

#include <cassert>
#include <cmath>

#include "forecast/model_registry.h"
#include "forecast/slot_forecaster.h"

namespace crescendo {
namespace forecast {

void ModelRegistry::Add(std::string name, ModelFactory factory) {
  const bool added = factories_.emplace(std::move(name), factory).second;
  assert(added && "a forecaster is registered twice");
  (void)added;
}

std::vector<std::string> ModelRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories_) names.push_back(name);
  return names;
}

StatusOr<std::unique_ptr<PointModel>> ModelRegistry::CreateModel(
    std::string_view name, Params& params, const ModelContext& context) const {
  auto it = factories_.find(name);
  if (it == factories_.end()) {
    std::string known;
    for (const std::string& n : Names()) known += (known.empty() ? "" : ", ") + n;
    return NotFoundError("unknown forecaster '" + std::string(name) + "'; known: " + known);
  }
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<PointModel> model, it->second(params, context));
  CRESCENDO_RETURN_IF_ERROR(params.CheckAllUsed());
  return model;
}

StatusOr<std::unique_ptr<PointModel>> ModelRegistry::CreateModel(
    const ForecasterSpec& spec, const ModelContext& context) const {
  Params params(spec.name, spec.params);
  return CreateModel(spec.name, params, context);
}

const ModelRegistry& BuiltinModels() {
  static const ModelRegistry* const registry = [] {
    auto* r = new ModelRegistry();
    RegisterBuiltinModels(*r);
    return r;
  }();
  return *registry;
}

namespace {

StatusOr<SlotOptions> ReadSlotOptions(Params& params) {
  SlotOptions o;
  CRESCENDO_ASSIGN_OR_RETURN(o.step, params.GetDuration("step", std::chrono::minutes(1)));
  CRESCENDO_ASSIGN_OR_RETURN(o.interval_level, params.GetDouble("interval", 0.9, 0.01, 0.999));
  CRESCENDO_ASSIGN_OR_RETURN(Duration max_horizon,
                             params.GetDuration("max_horizon", std::chrono::hours(1)));
  o.max_horizon_slots = std::max<int64_t>(1, (max_horizon + o.step - Duration(1)) / o.step);
  if (o.max_horizon_slots > 100000) return params.Error("max_horizon", "at most 100000 steps");
  CRESCENDO_ASSIGN_OR_RETURN(int64_t capacity, params.GetInt("residuals", 128, 8, 100000));
  o.residual_capacity = static_cast<int>(capacity);
  CRESCENDO_ASSIGN_OR_RETURN(int64_t min_residuals,
                             params.GetInt("min_residuals", 12, 1, capacity));
  o.min_residuals = static_cast<int>(min_residuals);
  CRESCENDO_ASSIGN_OR_RETURN(o.nonnegative, params.GetBool("nonnegative", true));
  return o;
}

}  // namespace
}  // namespace forecast

std::vector<std::string> ForecasterNames() { return forecast::BuiltinModels().Names(); }

StatusOr<std::unique_ptr<Forecaster>> CreateForecaster(const ForecasterSpec& spec) {
  forecast::Params params(spec.name, spec.params);
  CRESCENDO_ASSIGN_OR_RETURN(forecast::SlotOptions options, forecast::ReadSlotOptions(params));
  const forecast::ModelContext context{.step = options.step,
                                       .interval_level = options.interval_level,
                                       .max_horizon_slots = options.max_horizon_slots,
                                       .registry = &forecast::BuiltinModels()};
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<forecast::PointModel> model,
                             context.registry->CreateModel(spec.name, params, context));
  return std::unique_ptr<Forecaster>(std::make_unique<forecast::SlotForecaster>(
      FormatForecasterSpec(spec), options, std::move(model)));
}

StatusOr<std::unique_ptr<Forecaster>> CreateForecaster(std::string_view spec_text) {
  CRESCENDO_ASSIGN_OR_RETURN(ForecasterSpec spec, ParseForecasterSpec(spec_text));
  return CreateForecaster(spec);
}

}  // namespace crescendo
