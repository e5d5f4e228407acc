#include "crescendo/metrics/registry.h"

namespace crescendo::metrics {

void RegisterBuiltinSources(MetricSourceRegistry& registry) {
  registry.Register("cloudwatch", NewCloudWatchSource).IgnoreError();
  registry.Register("influxdb", NewInfluxDbSource).IgnoreError();
  registry.Register("prometheus", NewPrometheusSource).IgnoreError();
}

}  // namespace crescendo::metrics
