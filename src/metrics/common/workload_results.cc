#include "metrics/common/workload_results.h"

#include <cmath>

namespace crescendo::metrics {

WorkloadResults::WorkloadResults(std::string_view metric, size_t count)
    : metrics_(count), non_finite_(count, 0), values_(count, 0) {
  for (WorkloadMetric& m : metrics_) m.metric = std::string(metric);
}

void WorkloadResults::Touch(size_t index, Timestamp time) {
  if (time > metrics_[index].time) metrics_[index].time = time;
}

void WorkloadResults::AddPod(size_t index, std::string_view pod, const Sample& sample,
                             Duration window) {
  if (!std::isfinite(sample.value)) {
    ++non_finite_[index];
    return;
  }
  metrics_[index].pods.push_back({names_->Add(pod), sample.value, sample.time, window});
  Touch(index, sample.time);
}

void WorkloadResults::SetValue(size_t index, const Sample& sample) {
  if (!std::isfinite(sample.value)) {
    ++non_finite_[index];
    return;
  }
  ++values_[index];
  metrics_[index].value = sample.value;
  Touch(index, sample.time);
}

std::vector<WorkloadMetric> WorkloadResults::Finish(std::string_view source,
                                                    std::span<const WorkloadId> workloads) && {
  for (size_t i = 0; i < metrics_.size(); ++i) {
    WorkloadMetric& m = metrics_[i];
    if (!m.pods.empty()) m.names = names_;
    const std::string where = std::string(source) + ": metric " + m.metric + ", workload " +
                              workloads[i].ToString() + ": ";
    if (values_[i] > 1) {
      m.value.reset();
      m.status = InvalidArgumentError(
          where + std::to_string(values_[i]) +
          " workload-level series matched; aggregate the query to one series per workload");
    } else if (!m.value && m.pods.empty()) {
      m.status =
          NotFoundError(where + (non_finite_[i] > 0 ? std::to_string(non_finite_[i]) +
                                                          " sample(s), all NaN or infinite"
                                                    : std::string("no series in the answer")));
    }
  }
  return std::move(metrics_);
}

}  // namespace crescendo::metrics
