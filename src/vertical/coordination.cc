#include "crescendo/vertical/coordination.h"

namespace crescendo::vertical {
namespace {

void Exclude(const std::string& resource, ResourceSelection* s) {
  if (resource == "cpu") s->cpu = false;
  if (resource == "memory") s->memory = false;
}

}  // namespace

ResourceSelection VerticallyControllable(const HorizontalSpec* horizontal,
                                         std::string_view container) {
  ResourceSelection s;
  if (horizontal == nullptr) return s;
  if (horizontal->metrics.empty()) {  // Kubernetes' default: 80% average CPU utilization
    s.cpu = false;
    return s;
  }
  for (const MetricSpec& metric : horizontal->metrics) {
    if (metric.type == MetricSourceType::kResource) Exclude(metric.name, &s);
    if (metric.type == MetricSourceType::kContainerResource && metric.container == container) {
      Exclude(metric.name, &s);
    }
  }
  return s;
}

}  // namespace crescendo::vertical
