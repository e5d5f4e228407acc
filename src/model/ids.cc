#include "crescendo/model/ids.h"

namespace crescendo {

std::string WorkloadId::ToString() const {
  return environment + "/" + tenant + "/" + ns + "/" + name;
}

StatusOr<WorkloadId> WorkloadId::Parse(std::string_view text) {
  WorkloadId id;
  std::string* parts[] = {&id.environment, &id.tenant, &id.ns, &id.name};
  static constexpr const char* kNames[] = {"environment", "tenant", "namespace", "name"};
  size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    size_t slash = text.find('/', start);
    bool last = i == 3;
    if (last != (slash == std::string_view::npos)) {
      return InvalidArgumentError("workload id \"" + std::string(text) +
                                  "\": expected environment/tenant/namespace/name");
    }
    std::string_view part = text.substr(start, last ? std::string_view::npos : slash - start);
    if (part.empty()) {
      return InvalidArgumentError("workload id \"" + std::string(text) + "\": empty " + kNames[i]);
    }
    *parts[i] = std::string(part);
    start = slash + 1;
  }
  return id;
}

size_t WorkloadIdHash::operator()(const WorkloadId& id) const {
  std::hash<std::string> h;
  size_t seed = h(id.environment);
  for (const std::string* s : {&id.tenant, &id.ns, &id.name}) {
    seed ^= h(*s) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  }
  return seed;
}

}  // namespace crescendo
