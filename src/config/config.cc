#include "crescendo/config/config.h"

#include <algorithm>

namespace crescendo::config {

namespace {
constexpr std::string_view kModeNames[] = {"kubernetes", "predictive", "intelligent", "recommend"};
}  // namespace

std::string_view AutoscalingModeName(AutoscalingMode mode) {
  return kModeNames[static_cast<size_t>(mode)];
}

std::string_view TenantIsolationName(TenantIsolation isolation) {
  constexpr std::string_view kNames[] = {"strict", "soft", "none"};
  return kNames[static_cast<size_t>(isolation)];
}

std::optional<TenantIsolation> ParseTenantIsolation(std::string_view text) {
  if (text == "strict") return TenantIsolation::kStrict;
  if (text == "soft" || text == "enabled" || text == "true") return TenantIsolation::kSoft;
  if (text == "none" || text == "disabled" || text == "false") return TenantIsolation::kNone;
  return std::nullopt;
}

std::optional<AutoscalingMode> ParseAutoscalingMode(std::string_view text) {
  for (size_t i = 0; i < std::size(kModeNames); ++i) {
    if (kModeNames[i] == text) return static_cast<AutoscalingMode>(i);
  }
  return std::nullopt;
}

const Setting* ServiceConfig::FindSetting(std::string_view path) const {
  auto it = std::find_if(settings.begin(), settings.end(),
                         [&](const Setting& s) { return s.path == path; });
  return it == settings.end() ? nullptr : &*it;
}

const ServiceConfig* Config::Find(const WorkloadId& id) const {
  auto it =
      std::lower_bound(services.begin(), services.end(), id,
                       [](const ServiceConfig& s, const WorkloadId& key) { return s.id < key; });
  return it != services.end() && it->id == id ? &*it : nullptr;
}

std::vector<const ServiceConfig*> Config::Select(std::string_view service,
                                                 std::string_view environment,
                                                 std::string_view tenant) const {
  std::vector<const ServiceConfig*> selected;
  for (const ServiceConfig& s : services) {
    if (s.service != service || s.id.environment != environment) continue;
    if (!tenant.empty() && s.id.tenant != tenant) continue;
    selected.push_back(&s);
  }
  return selected;
}

}  // namespace crescendo::config
