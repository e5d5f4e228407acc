#include "crescendo/api/metrics_exporter.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <cmath>
#include <limits>

namespace crescendo::api {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

struct MetricsExporter::Families {
  explicit Families(prometheus::Registry& r)
      : tick(BuildHistogram()
                 .Name("crescendo_tick_duration_seconds")
                 .Help("Duration of one engine tick (all workloads)")
                 .Register(r)
                 .Add({}, prometheus::Histogram::BucketBoundaries{0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                                  1, 2.5, 5, 10, 30, 60})),
        decisions(BuildCounter()
                      .Name("crescendo_decisions_total")
                      .Help("Scaling decisions, by direction")
                      .Register(r)),
        errors(
            BuildCounter().Name("crescendo_errors_total").Help("Errors, by component").Register(r)),
        up(BuildGauge()
               .Name("crescendo_metric_source_up")
               .Help("1 when the source's reads succeeded last tick")
               .Register(r)),
        circuit_open(BuildGauge()
                         .Name("crescendo_metric_source_circuit_open")
                         .Help("1 while the source's circuit breaker is open")
                         .Register(r)),
        staleness(BuildGauge()
                      .Name("crescendo_metric_source_staleness_seconds")
                      .Help("Seconds since the source's last successful read")
                      .Register(r)),
        sample_age(BuildGauge()
                       .Name("crescendo_metric_source_sample_age_seconds")
                       .Help("Age of the oldest newest-sample of a workload, last tick")
                       .Register(r)),
        read_seconds(BuildGauge()
                         .Name("crescendo_metric_source_read_seconds")
                         .Help("Longest read of the source last tick, retries included")
                         .Register(r)),
        retries(BuildCounter()
                    .Name("crescendo_metric_source_retries_total")
                    .Help("Read attempts beyond the first")
                    .Register(r)),
        failed_reads(BuildCounter()
                         .Name("crescendo_metric_source_failed_reads_total")
                         .Help("Reads that ended in an error")
                         .Register(r)),
        stale_samples(BuildCounter()
                          .Name("crescendo_metric_source_stale_samples_total")
                          .Help("Samples dropped as older than the max age")
                          .Register(r)) {}

  prometheus::Histogram& tick;
  prometheus::Family<prometheus::Counter>& decisions;
  prometheus::Family<prometheus::Counter>& errors;
  prometheus::Family<prometheus::Gauge>& up;
  prometheus::Family<prometheus::Gauge>& circuit_open;
  prometheus::Family<prometheus::Gauge>& staleness;
  prometheus::Family<prometheus::Gauge>& sample_age;
  prometheus::Family<prometheus::Gauge>& read_seconds;
  prometheus::Family<prometheus::Counter>& retries;
  prometheus::Family<prometheus::Counter>& failed_reads;
  prometheus::Family<prometheus::Counter>& stale_samples;
};

MetricsExporter::MetricsExporter()
    : registry_(std::make_shared<prometheus::Registry>()),
      families_(std::make_unique<Families>(*registry_)) {}

MetricsExporter::~MetricsExporter() = default;

void MetricsExporter::ObserveTick(Duration duration) {
  families_->tick.Observe(ToSeconds(duration));
}

void MetricsExporter::CountDecision(std::string_view direction) {
  families_->decisions.Add({{"direction", std::string(direction)}}).Increment();
}

void MetricsExporter::CountError(std::string_view component) {
  families_->errors.Add({{"component", std::string(component)}}).Increment();
}

void MetricsExporter::UpdateSources(std::span<const metrics::SourceReport> reports, Timestamp now) {
  using metrics::SourceHealth;
  for (const metrics::SourceReport& r : reports) {
    const prometheus::Labels labels = {{"source", r.source}};
    const bool answered = r.health == SourceHealth::kHealthy || r.health == SourceHealth::kDegraded;
    families_->up.Add(labels).Set(answered ? 1 : 0);
    families_->circuit_open.Add(labels).Set(r.circuit == metrics::CircuitState::kOpen ? 1 : 0);
    families_->staleness.Add(labels).Set(r.last_success == Timestamp{}
                                             ? std::numeric_limits<double>::infinity()
                                             : ToSeconds(now - r.last_success));
    families_->sample_age.Add(labels).Set(ToSeconds(r.max_sample_age));
    families_->read_seconds.Add(labels).Set(ToSeconds(r.read_latency));
    families_->retries.Add(labels).Increment(r.retries);
    families_->failed_reads.Add(labels).Increment(r.failed_reads);
    families_->stale_samples.Add(labels).Increment(static_cast<double>(r.stale_samples));
  }
}

std::string MetricsExporter::RenderText() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

std::vector<metrics::influxdb::Point> MetricsExporter::ToInfluxPoints(Timestamp now) const {
  std::vector<metrics::influxdb::Point> points;
  for (const prometheus::MetricFamily& family : registry_->Collect()) {
    for (const prometheus::ClientMetric& metric : family.metric) {
      metrics::influxdb::Point point{family.name, {}, {}, now};
      for (const auto& label : metric.label) point.tags.emplace_back(label.name, label.value);
      switch (family.type) {
        case prometheus::MetricType::Counter:
          point.fields.emplace_back("value", metric.counter.value);
          break;
        case prometheus::MetricType::Gauge:
          if (!std::isfinite(metric.gauge.value)) continue;  // the protocol has no Inf/NaN
          point.fields.emplace_back("value", metric.gauge.value);
          break;
        case prometheus::MetricType::Histogram:
          point.fields.emplace_back("count", static_cast<int64_t>(metric.histogram.sample_count));
          point.fields.emplace_back("sum", metric.histogram.sample_sum);
          break;
        default:
          continue;
      }
      points.push_back(std::move(point));
    }
  }
  return points;
}

Status PushToInflux(const MetricsExporter& exporter, const metrics::influxdb::Client& client,
                    Timestamp now, Duration timeout) {
  return client.Write(exporter.ToInfluxPoints(now), timeout);
}

}  // namespace crescendo::api
