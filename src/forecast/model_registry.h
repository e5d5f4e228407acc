// ModelRegistry: model factories by name. builtin.cc registers the built-in ones, one line
// each, in alphabetical order; there is no static self-registration.
//
// Thread safety: const methods are thread-safe; Add() is for setup only.
#ifndef CRESCENDO_SRC_FORECAST_MODEL_REGISTRY_H_
#define CRESCENDO_SRC_FORECAST_MODEL_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/forecast/forecaster.h"
#include "forecast/params.h"
#include "forecast/point_model.h"

namespace crescendo::forecast {

// Creates a model from its own parameters (the common ones are already consumed). Errors:
// InvalidArgument from Params.
using ModelFactory = StatusOr<std::unique_ptr<PointModel>> (*)(Params& params,
                                                               const ModelContext& context);

class ModelRegistry {
 public:
  // Registers `factory` as `name`. REQUIRES: `name` is not registered yet.
  void Add(std::string name, ModelFactory factory);
  std::vector<std::string> Names() const;
  // Creates the model `spec` names from spec.params; every parameter must be used.
  // Errors: NotFound (the message lists the known names); InvalidArgument from the factory.
  StatusOr<std::unique_ptr<PointModel>> CreateModel(const ForecasterSpec& spec,
                                                    const ModelContext& context) const;
  // As above, with `params` possibly already partly consumed by the caller.
  StatusOr<std::unique_ptr<PointModel>> CreateModel(std::string_view name, Params& params,
                                                    const ModelContext& context) const;

 private:
  std::map<std::string, ModelFactory, std::less<>> factories_;
};

// Registers every built-in model (builtin.cc).
void RegisterBuiltinModels(ModelRegistry& registry);

// Returns the registry holding the built-in models, built on first use.
const ModelRegistry& BuiltinModels();

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_MODEL_REGISTRY_H_
