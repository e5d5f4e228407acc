// MetricsExporter: Crescendo's own metrics (tick duration, decisions, errors, and the standing
// of every metric source), in a prometheus-cpp registry that MetricsServer serves at /metrics
// and that can also be pushed to InfluxDB with the line protocol.
//
// Families (all prefixed crescendo_):
//   tick_duration_seconds                          histogram of Engine::RunOnce durations
//   decisions_total{direction}                     counter; direction: up, down, hold, ...
//   errors_total{component}                        counter; component: engine step or source
//   metric_source_up{source}                       1 when the last tick's reads succeeded (fully
//                                                  or partly), else 0
//   metric_source_circuit_open{source}             1 while the source's circuit is open
//   metric_source_staleness_seconds{source}        time since the source's last successful read
//                                                  (+Inf when it never answered)
//   metric_source_sample_age_seconds{source}       age of the oldest "newest sample" last tick
//   metric_source_read_seconds{source}             longest read last tick, retries included
//   metric_source_retries_total{source}, metric_source_failed_reads_total{source},
//   metric_source_stale_samples_total{source}      counters
//
// Thread safety: every method may be called from any thread.
#ifndef CRESCENDO_API_METRICS_EXPORTER_H_
#define CRESCENDO_API_METRICS_EXPORTER_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/time.h"
#include "crescendo/metrics/collector.h"
#include "crescendo/metrics/influxdb.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace crescendo::api {

class MetricsExporter {
 public:
  MetricsExporter();
  ~MetricsExporter();

  // The registry to serve (MetricsServer) or to add more families to.
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  // Records one tick that took `duration`.
  void ObserveTick(Duration duration);
  // Counts one decision in `direction` ("up", "down", "hold"...).
  void CountDecision(std::string_view direction);
  // Counts one error in `component`.
  void CountError(std::string_view component);
  // Records the Collector's per-source reports of a tick evaluated at `now`.
  void UpdateSources(std::span<const metrics::SourceReport> reports, Timestamp now);

  // Returns the Prometheus text exposition of every family.
  std::string RenderText() const;
  // Returns every sample as line-protocol points at `now`: measurement = family name, tags =
  // labels, field "value" (counters, gauges) or "count" and "sum" (histograms).
  std::vector<metrics::influxdb::Point> ToInfluxPoints(Timestamp now) const;

 private:
  struct Families;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
};

// Writes the exporter's samples to InfluxDB through `client` (one /write). Errors: those of
// influxdb::Client::Write.
Status PushToInflux(const MetricsExporter& exporter, const metrics::influxdb::Client& client,
                    Timestamp now, Duration timeout);

}  // namespace crescendo::api

#endif  // CRESCENDO_API_METRICS_EXPORTER_H_
