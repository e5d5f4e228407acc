// MetricSourceRegistry: builds the configured metric sources by type name.
//
// A source is configured by a type ("prometheus", "influxdb", "cloudwatch") and flat settings,
// e.g. from YAML:
//   sources:
//     prometheus: {type: prometheus, url: "http://prometheus:9090"}
//     influxdb:   {type: influxdb, url: "http://influx:8086", database: k8s, auth: basic,
//                  username: crescendo, password_env: INFLUX_PASSWORD}
//     cloudwatch: {type: cloudwatch, region: eu-west-1}
// The settings each type accepts are listed in docs/metrics.md. Secrets are never inline:
// *_env settings name the environment variable that holds them.
// Adding a source type is one folder plus one line in builtin.cc (kept alphabetical).
//
// Thread safety: Register() before use; Create() may then be called from any thread.
#ifndef CRESCENDO_METRICS_REGISTRY_H_
#define CRESCENDO_METRICS_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/base/status.h"
#include "crescendo/metrics/http_client.h"
#include "crescendo/metrics/metric_source.h"

namespace crescendo::metrics {

using SourceSettings = std::map<std::string, std::string>;

// Looks up an environment variable; injected so tests never touch the real environment.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
// Returns the process environment (getenv).
EnvLookup ProcessEnvironment();

// What every factory may use. The sources share `http`; `clock` must outlive them.
struct SourceContext {
  std::shared_ptr<HttpClient> http;
  Clock* clock = nullptr;
  EnvLookup env;  // environment variables (credentials, *_env secrets)
};

using SourceFactory = std::function<StatusOr<std::shared_ptr<MetricSource>>(
    const SourceSettings& settings, const SourceContext& context)>;

class MetricSourceRegistry {
 public:
  // Errors: AlreadyExists when `type` is registered.
  Status Register(std::string type, SourceFactory factory);
  // Builds a source of `type`. Errors: NotFound naming the known types; InvalidArgument from the
  // factory naming the setting that is missing, unknown or malformed.
  StatusOr<std::shared_ptr<MetricSource>> Create(std::string_view type,
                                                 const SourceSettings& settings,
                                                 const SourceContext& context) const;
  // As Create(), the source answering to `name` (its MetricSource::name(), what bindings and
  // the collector's policies call it) instead of its type's name: e.g. two Prometheus servers
  // configured as "prometheus" and "prometheus-eu".
  StatusOr<std::shared_ptr<MetricSource>> CreateNamed(std::string name, std::string_view type,
                                                      const SourceSettings& settings,
                                                      const SourceContext& context) const;
  std::vector<std::string> Types() const;

 private:
  std::map<std::string, SourceFactory, std::less<>> factories_;
};

// Registers the built-in types: cloudwatch, influxdb, prometheus.
void RegisterBuiltinSources(MetricSourceRegistry& registry);

// The built-in factories (one per plug-in folder).
StatusOr<std::shared_ptr<MetricSource>> NewCloudWatchSource(const SourceSettings& settings,
                                                            const SourceContext& context);
StatusOr<std::shared_ptr<MetricSource>> NewInfluxDbSource(const SourceSettings& settings,
                                                          const SourceContext& context);
StatusOr<std::shared_ptr<MetricSource>> NewPrometheusSource(const SourceSettings& settings,
                                                            const SourceContext& context);

}  // namespace crescendo::metrics

#endif  // CRESCENDO_METRICS_REGISTRY_H_
