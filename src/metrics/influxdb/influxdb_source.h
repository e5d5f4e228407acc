// The `influxdb` metric source plug-in: reads a catalogue metric with one InfluxQL SELECT per
// batch of workloads through the InfluxDB client (crescendo/metrics/influxdb.h). Built by the
// registry's "influxdb" type (factory.cc); the integration test uses it directly.
//
// Thread safety: Source is safe for concurrent use.
#ifndef CRESCENDO_METRICS_INFLUXDB_INFLUXDB_SOURCE_H_
#define CRESCENDO_METRICS_INFLUXDB_INFLUXDB_SOURCE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/metrics/http_client.h"
#include "crescendo/metrics/influxdb.h"
#include "crescendo/metrics/metric_source.h"

namespace crescendo::metrics::influxdb {

struct SourceOptions {
  ClientOptions client;
  std::string namespace_tag = "namespace";
  std::string pod_tag = "pod";
  std::string workload_tag = "workload";  // a series without a pod tag but with this one is a
                                          // workload-level value
  size_t max_workloads_per_query = 500;
};

// The MetricSource. The query template (one SELECT) may use {{selector}} ("namespace" and pod
// regex conditions), {{namespace}}, {{workload}}, {{pod}}, {{tenant}}, {{environment}} (regex
// alternations for =~ /^(...)$/), {{window}} (an InfluxQL duration), {{window_seconds}},
// {{start}} and {{end}} (millisecond time literals, e.g. "1700000000000ms": now - window, now).
// Each series gives its newest non-null value of its first field column. Per workload: NotFound
// when no series matched. Whole request: InvalidArgument for a bad template or a statement
// error ("database not found" is NotFound), else the Client's errors.
class Source final : public MetricSource {
 public:
  Source(std::shared_ptr<HttpClient> http, SourceOptions options);
  std::string_view name() const override { return "influxdb"; }
  StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) override;

 private:
  Status ReadBatch(const MetricRequest& request, size_t first, size_t count,
                   std::vector<WorkloadMetric>& out) const;
  Client client_;
  SourceOptions options_;
};

}  // namespace crescendo::metrics::influxdb

#endif  // CRESCENDO_METRICS_INFLUXDB_INFLUXDB_SOURCE_H_
