#include "crescendo/model/decision.h"

#include <fmt/format.h>

namespace crescendo {

namespace {

const std::shared_ptr<const WorkloadId>& EmptyId() {
  static const auto* empty = new std::shared_ptr<const WorkloadId>(new WorkloadId());
  return *empty;
}

}  // namespace

SharedWorkloadId::SharedWorkloadId() : id_(EmptyId()) {}

SharedWorkloadId::SharedWorkloadId(WorkloadId id)
    : id_(std::make_shared<const WorkloadId>(std::move(id))) {}

SharedWorkloadId::SharedWorkloadId(std::shared_ptr<const WorkloadId> id)
    : id_(id != nullptr ? std::move(id) : EmptyId()) {}

void Proposal::Record(TraceText step, int32_t replicas, std::string reason) {
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
