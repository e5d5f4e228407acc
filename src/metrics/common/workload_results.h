// Builds the per-workload answer of a MetricSource from the rows of a query result (private to
// the layer). Rows are added as they are matched; Finish() turns workloads that got nothing
// usable into NotFound with the reason.
//
// Thread safety: not thread-safe; one per Read() call.
#ifndef CRESCENDO_SRC_METRICS_COMMON_WORKLOAD_RESULTS_H_
#define CRESCENDO_SRC_METRICS_COMMON_WORKLOAD_RESULTS_H_

#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/metrics/metric_source.h"
#include "crescendo/model/ids.h"
#include "crescendo/model/metrics.h"
#include "crescendo/model/time_series.h"

namespace crescendo::metrics {

class WorkloadResults {
 public:
  WorkloadResults(std::string_view metric, size_t count);

  // Records pod `pod` of workload `index` with `sample`; a non-finite value is only counted.
  void AddPod(size_t index, std::string_view pod, const Sample& sample, Duration window);
  // Records the workload-level value of workload `index`. A second value for the same workload
  // marks it ambiguous (InvalidArgument at Finish()).
  void SetValue(size_t index, const Sample& sample);
  // Returns one WorkloadMetric per workload; those without a finite sample get NotFound naming
  // `source`, the metric and the workload.
  std::vector<WorkloadMetric> Finish(std::string_view source,
                                     std::span<const WorkloadId> workloads) &&;

 private:
  void Touch(size_t index, Timestamp time);
  std::vector<WorkloadMetric> metrics_;
  // The pod names of every workload of the answer, shared by its WorkloadMetrics (interned once).
  std::shared_ptr<NameStore> names_ = std::make_shared<NameStore>();
  std::vector<int> non_finite_;  // per workload: samples dropped as NaN/Inf
  std::vector<int> values_;      // per workload: workload-level values seen
};

// Calls read(first, count) for consecutive slices of at most `batch` (>= 1) of `total` items,
// in order; returns the first error.
template <typename ReadFn>
Status ForEachBatch(size_t total, size_t batch, ReadFn&& read) {
  for (size_t first = 0; first < total; first += batch) {
    CRESCENDO_RETURN_IF_ERROR(read(first, std::min(batch, total - first)));
  }
  return Status::Ok();
}

// The common shape of MetricSource::Read for batching sources: checks that the request has a
// query, then calls read_batch(first, count, out) for each batch of at most `batch` workloads,
// which appends one WorkloadMetric per workload of its batch to `out`.
template <typename ReadBatchFn>
StatusOr<std::vector<WorkloadMetric>> ReadInBatches(std::string_view source,
                                                    const MetricRequest& request, size_t batch,
                                                    ReadBatchFn&& read_batch) {
  if (request.query.empty()) {
    return InvalidArgumentError(std::string(source) + ": metric " + request.metric +
                                ": no query configured for this source");
  }
  std::vector<WorkloadMetric> out;
  out.reserve(request.workloads.size());
  CRESCENDO_RETURN_IF_ERROR(
      ForEachBatch(request.workloads.size(), std::max<size_t>(batch, 1),
                   [&](size_t first, size_t count) { return read_batch(first, count, out); }));
  return out;
}

}  // namespace crescendo::metrics

#endif  // CRESCENDO_SRC_METRICS_COMMON_WORKLOAD_RESULTS_H_
