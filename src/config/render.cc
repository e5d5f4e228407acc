#include "crescendo/config/render.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace crescendo::config {

namespace {

std::string OriginText(const Setting& s) {
  std::string text = s.origin.ToString();
  if (s.origin.is_file() && !s.source_path.empty()) text += " (" + s.source_path + ")";
  return text;
}

std::string Pad(const std::string& text, size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

}  // namespace

std::string FormatEffectiveText(const ServiceConfig& service) {
  std::string text = "service " + service.service + "  " + service.id.ToString() + "\n" + "tier " +
                     service.tier + ", priority " + std::to_string(service.priority) + ", mode " +
                     std::string(AutoscalingModeName(service.mode)) + "\n\n";
  size_t path_width = 7;
  size_t value_width = 5;
  for (const Setting& s : service.settings) {
    path_width = std::max(path_width, s.path.size() + 2);
    value_width = std::max(value_width, std::min<size_t>(s.value.size(), 48) + 2);
  }
  text += Pad("SETTING", path_width) + Pad("VALUE", value_width) + "ORIGIN\n";
  for (const Setting& s : service.settings) {
    text += Pad(s.path, path_width) + Pad(s.value, value_width) + OriginText(s) + "\n";
  }
  return text;
}

std::string FormatEffectiveJson(std::span<const ServiceConfig* const> services) {
  nlohmann::json array = nlohmann::json::array();
  for (const ServiceConfig* service : services) {
    nlohmann::json settings = nlohmann::json::array();
    for (const Setting& s : service->settings) {
      settings.push_back({{"path", s.path},
                          {"value", s.value},
                          {"origin", s.origin.file},
                          {"line", s.origin.line},
                          {"column", s.origin.column},
                          {"source_path", s.source_path}});
    }
    array.push_back({{"id", service->id.ToString()},
                     {"service", service->service},
                     {"mode", AutoscalingModeName(service->mode)},
                     {"tier", service->tier},
                     {"priority", service->priority},
                     {"settings", std::move(settings)}});
  }
  return array.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace crescendo::config
