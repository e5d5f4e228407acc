#include "config/merge.h"

#include <array>
#include <string>

namespace crescendo::config {

namespace {

constexpr std::array<std::string_view, 3> kTargetKeys = {"utilization", "averageValue", "value"};

// Returns whether `relative` (a settings-relative path) names one metric: horizontal.metrics.X.
bool IsMetricEntry(std::string_view relative) {
  constexpr std::string_view kPrefix = "horizontal.metrics.";
  return relative.size() > kPrefix.size() && relative.substr(0, kPrefix.size()) == kPrefix &&
         relative.find('.', kPrefix.size()) == std::string_view::npos;
}

bool SetsTarget(const Node& overlay) {
  for (std::string_view key : kTargetKeys) {
    const Node* value = overlay.Find(key);
    if (value != nullptr && !value->is_null()) return true;
  }
  return false;
}

void MergeMap(Node& base, const Node& overlay, const std::string& relative) {
  if (IsMetricEntry(relative) && SetsTarget(overlay)) {
    for (std::string_view key : kTargetKeys) base.Erase(key);
  }
  for (const Node& entry : overlay.children) {
    if (entry.is_null()) {
      base.Erase(entry.key);
      continue;
    }
    std::string child_relative = relative.empty() ? entry.key : relative + "." + entry.key;
    Node* existing = base.FindMutable(entry.key);
    if (existing != nullptr && existing->is_map() && entry.is_map()) {
      MergeMap(*existing, entry, child_relative);
    } else {
      base.Set(entry.key, entry);
    }
  }
}

}  // namespace

void MergeSettings(Node& base, const Node& overlay) {
  if (!overlay.is_map()) return;
  if (!base.is_map()) base = MakeMap(overlay.location, overlay.path);
  MergeMap(base, overlay, "");
}

Node MergeLayers(std::span<const Node* const> layers, const Location& location,
                 std::string_view path) {
  Node merged = MakeMap(location, std::string(path));
  for (const Node* layer : layers) {
    if (layer != nullptr) MergeSettings(merged, *layer);
  }
  return merged;
}

}  // namespace crescendo::config
