#include "crescendo/model/decision.h"

#include <fmt/format.h>

namespace crescendo {

void Proposal::Record(std::string step, int32_t replicas, std::string reason) {
  trace.push_back({std::move(step), static_cast<double>(desired_replicas),
                   static_cast<double>(replicas), std::move(reason)});
  desired_replicas = replicas;
}

std::string Decision::Explain() const {
  std::string out = fmt::format("{} -> {}", current_replicas, desired_replicas);
  if (!status.ok()) out += " [" + status.ToString() + "]";
  for (size_t i = 0; i < trace.size(); ++i) {
    const TraceEntry& e = trace[i];
    out +=
        fmt::format("{}{}({}->{}: {})", i == 0 ? ": " : ", ", e.step, e.before, e.after, e.reason);
  }
  return out;
}

}  // namespace crescendo
