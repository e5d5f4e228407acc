// MetricCatalogue: the metrics Crescendo knows, their units, and the query that reads each from
// each source. Loaded from YAML (see examples/metrics/catalogue.yaml and docs/metrics.md):
//
//   metrics:
//     cpu:
//       kind: system              # system | business
//       unit: millicores          # see kUnits below
//       window: 2m                # averaging window, a Go duration (default 1m)
//       description: CPU used by the workload's containers
//       sensitive: false          # stored only encrypted (default: true for business metrics)
//       queries:
//         prometheus: {query: 'sum by (namespace, pod) (rate(...{{{selector}}}[{{window}}]))',
//                      scale: 1000}          # source value * scale = value in `unit`
//         influxdb:   {query: 'SELECT ...'}
//         cloudwatch: {query: 'namespace=ContainerInsights metric=pod_cpu_utilization ...'}
//
// The standard catalogue must define the system metrics cpu, memory, network_receive,
// network_transmit, disk_read, disk_write and the business metrics audio_queue_length,
// ml_inference_latency, user_sessions, api_request_rate and error_rate (CheckStandard()).
//
// Thread safety: immutable after loading; safe to share.
#ifndef CRESCENDO_METRICS_CATALOGUE_H_
#define CRESCENDO_METRICS_CATALOGUE_H_

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/metrics/collector.h"

namespace crescendo::metrics {

enum class MetricKind { kSystem, kBusiness };

// The units a catalogue may use.
inline constexpr std::string_view kUnits[] = {
    "millicores",          "bytes", "bytes_per_second", "count", "milliseconds", "seconds",
    "requests_per_second", "ratio", "percent"};

// The metric names CheckStandard() requires, system metrics first.
inline constexpr std::string_view kStandardMetrics[] = {
    "cpu",           "memory",           "network_receive",    "network_transmit",
    "disk_read",     "disk_write",       "audio_queue_length", "ml_inference_latency",
    "user_sessions", "api_request_rate", "error_rate"};

struct SourceQuery {
  std::string query;   // the source's template
  double scale = 1.0;  // source unit -> catalogue unit
};

struct MetricDefinition {
  std::string name;
  MetricKind kind = MetricKind::kSystem;
  std::string unit;
  std::string description;
  Duration window = std::chrono::minutes(1);
  std::map<std::string, SourceQuery> queries;  // by source name
  // True when its values may be stored only encrypted (`crescendo serve` seals them under the
  // tenant's data key): `sensitive:` in the YAML, else true for kind business, false for system.
  bool sensitive = false;
};

class MetricCatalogue {
 public:
  // Parses catalogue YAML. `file_name` is used in messages only.
  // Errors: InvalidArgument "<file>:<line>:<column>: <field>: <what was found>; expected ..."
  // for bad YAML, an unknown field, kind or unit, a bad window, a non-numeric or zero scale, an
  // empty query, or a query with an unknown "{{placeholder}}".
  static StatusOr<MetricCatalogue> Parse(std::string_view yaml, std::string_view file_name);
  // Reads and parses `path`. Errors: NotFound when unreadable, and those of Parse.
  static StatusOr<MetricCatalogue> LoadFile(const std::string& path);

  const std::vector<MetricDefinition>& metrics() const { return metrics_; }
  // Returns the metric named `name`, or nullptr.
  const MetricDefinition* Find(std::string_view name) const;

  // Returns the collector binding of `metric` read from `source`.
  // Errors: NotFound naming the metric, or the source and the sources that do have a query.
  StatusOr<MetricBinding> Bind(std::string_view metric, std::string_view source) const;
  // Returns one binding per metric, from the first source in `preference` that has a query for
  // it; metrics no preferred source can read are left out.
  std::vector<MetricBinding> BindAll(std::span<const std::string> preference) const;

  // Returns OK when every name of kStandardMetrics is defined, else NotFound listing the missing.
  Status CheckStandard() const;

 private:
  std::vector<MetricDefinition> metrics_;
};

}  // namespace crescendo::metrics

#endif  // CRESCENDO_METRICS_CATALOGUE_H_
