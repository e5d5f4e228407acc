#include "config/overrides.h"

#include <limits>
#include <optional>

#include "config/reader.h"

namespace crescendo::config {

namespace {

constexpr std::string_view kModes[] = {"kubernetes", "predictive", "intelligent", "recommend"};

struct VariableSpec {
  std::string_view variable;
  std::string_view setting;
};

constexpr VariableSpec kVariables[] = {
    {"AUTOSCALING_MODE", "mode"},
    {"SCALING_INTERVAL", "scalingInterval"},
    {"MIN_REPLICAS", "horizontal.minReplicas"},
    {"MAX_REPLICAS", "horizontal.maxReplicas"},
    {"TENANT_ISOLATION", "tenantIsolation"},
    {"COST_OPTIMIZATION", "costOptimization"},
};

// Returns whether `value` (located at its variable) is valid for `variable`.
bool IsValid(std::string_view variable, const Node& value, FieldReader& reader) {
  if (value.scalar.empty()) {
    reader.Error(value, "an empty value", "a value (unset the variable to use the files)");
    return false;
  }
  constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
  if (variable == "AUTOSCALING_MODE") return reader.Enum(value, kModes).has_value();
  if (variable == "SCALING_INTERVAL") {
    return reader.DurationIn(value, std::chrono::seconds(1), std::chrono::hours(1)).has_value();
  }
  if (variable == "MIN_REPLICAS") return reader.Int(value, 0, kInt32Max).has_value();
  if (variable == "MAX_REPLICAS") return reader.Int(value, 1, kInt32Max).has_value();
  if (variable == "TENANT_ISOLATION") {
    if (ParseTenantIsolation(value.scalar)) return true;
    reader.Error(value, value.Describe(),
                 "strict, soft or none (enabled means soft, disabled none)");
    return false;
  }
  return reader.Switch(value).has_value();
}

void CheckMinAtMostMax(const std::vector<Override>& overrides, DiagnosticList& diagnostics) {
  const Override* min = nullptr;
  const Override* max = nullptr;
  for (const Override& o : overrides) {
    if (o.variable == "MIN_REPLICAS") min = &o;
    if (o.variable == "MAX_REPLICAS") max = &o;
  }
  if (min == nullptr || max == nullptr) return;
  if (std::stoll(min->value.scalar) > std::stoll(max->value.scalar)) {
    diagnostics.AddError(min->value.location, min->variable, min->value.Describe(),
                         "at most MAX_REPLICAS (" + max->value.scalar + ")");
  }
}

Node& MapAt(Node& root, std::string_view key) {
  Node* child = root.FindMutable(key);
  if (child == nullptr || !child->is_map()) {
    root.Set(key, MakeMap(root.location, JoinPath(root.path, key)));
    child = root.FindMutable(key);
  }
  return *child;
}

bool HorizontalDisabled(const Node& settings) {
  const Node* horizontal = settings.Find("horizontal");
  const Node* enabled = horizontal != nullptr ? horizontal->Find("enabled") : nullptr;
  return enabled != nullptr && enabled->is_scalar() &&
         (enabled->scalar == "false" || enabled->scalar == "False" || enabled->scalar == "FALSE");
}

}  // namespace

std::vector<Override> ParseOverrides(const EnvironmentVariables& environment,
                                     DiagnosticList& diagnostics) {
  std::vector<Override> overrides;
  FieldReader reader(diagnostics);
  for (const VariableSpec& spec : kVariables) {
    auto it = environment.find(std::string(spec.variable));
    if (it == environment.end()) continue;
    Node value = MakeScalar(it->second, Location::EnvironmentVariable(spec.variable),
                            std::string(spec.variable));
    if (!IsValid(spec.variable, value, reader)) continue;
    overrides.push_back(Override{std::string(spec.variable), std::string(spec.setting), value});
  }
  CheckMinAtMostMax(overrides, diagnostics);
  return overrides;
}

void ApplyOverrides(std::span<const Override> overrides, Node& settings) {
  if (!settings.is_map()) settings = MakeMap(settings.location, settings.path);
  for (const Override& o : overrides) {
    std::string_view setting = o.setting;
    size_t dot = setting.find('.');
    if (dot == std::string_view::npos) {
      settings.Set(setting, o.value);
      continue;
    }
    if (HorizontalDisabled(settings)) continue;  // only horizontal.* settings have a dot
    MapAt(settings, setting.substr(0, dot)).Set(setting.substr(dot + 1), o.value);
  }
}

}  // namespace crescendo::config
