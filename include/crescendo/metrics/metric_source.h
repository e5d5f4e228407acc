// MetricSource: reads samples of one metric for a set of workloads.
//
// A source (Prometheus, InfluxDB, CloudWatch, a trace file, the simulator) answers one request
// per metric for many workloads at once, so a tick costs one round trip per metric and source,
// not one per workload. Errors are values:
//   NotFound        the metric or workload is unknown to the source;
//   Unavailable     the source is down or timed out; the engine holds its last safe decision;
//   InvalidArgument the query or response is malformed (the message names which and where).
// A per-workload failure is reported in that workload's WorkloadMetric::status; a failure of the
// whole request is the returned Status.
//
// Thread safety: implementations must allow concurrent Read() calls.
#ifndef CRESCENDO_METRICS_METRIC_SOURCE_H_
#define CRESCENDO_METRICS_METRIC_SOURCE_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/model/ids.h"
#include "crescendo/model/metrics.h"

namespace crescendo {

struct MetricRequest {
  std::string metric;  // catalogue name, e.g. "cpu"
  std::string query;   // source-specific template; may be empty for built-ins
  std::span<const WorkloadId> workloads;
  Timestamp now;                              // evaluation time
  Duration window = std::chrono::minutes(1);  // averaging window / range
  // Real time the source may spend on this request, retries excluded; the Collector sets it from
  // the per-source deadline. A source that cannot answer in time returns DeadlineExceeded.
  Duration timeout = std::chrono::seconds(10);
};

class MetricSource {
 public:
  virtual ~MetricSource() = default;
  // Returns the source's name, e.g. "prometheus".
  virtual std::string_view name() const = 0;
  // Returns one WorkloadMetric per requested workload, in request order.
  virtual StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) = 0;
};

}  // namespace crescendo

#endif  // CRESCENDO_METRICS_METRIC_SOURCE_H_
