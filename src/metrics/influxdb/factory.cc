#include "crescendo/metrics/influxdb.h"
#include "crescendo/metrics/registry.h"
#include "metrics/common/settings_reader.h"
#include "metrics/influxdb/influxdb_source.h"

namespace crescendo::metrics {

// Settings: url, database (required), retention_policy, auth (none | query | basic), username,
// password_env, chunk_size, namespace_tag, pod_tag, workload_tag, max_workloads_per_query.
StatusOr<std::shared_ptr<MetricSource>> NewInfluxDbSource(const SourceSettings& settings,
                                                          const SourceContext& context) {
  SettingsReader reader("influxdb", settings, context);
  influxdb::SourceOptions options;
  CRESCENDO_ASSIGN_OR_RETURN(options.client.base_url, reader.Required("url"));
  CRESCENDO_ASSIGN_OR_RETURN(options.client.database, reader.Required("database"));
  options.client.retention_policy = reader.Optional("retention_policy", "");
  const std::string auth = reader.Optional("auth", "none");
  if (auth == "none") {
    options.client.auth = influxdb::Auth::kNone;
  } else if (auth == "query") {
    options.client.auth = influxdb::Auth::kQueryParameters;
  } else if (auth == "basic") {
    options.client.auth = influxdb::Auth::kBasic;
  } else {
    return reader.Error("auth", "found \"" + auth + "\"; expected none, query or basic");
  }
  options.client.username = reader.Optional("username", "");
  CRESCENDO_ASSIGN_OR_RETURN(options.client.password, reader.Secret("password_env"));
  if (options.client.auth != influxdb::Auth::kNone && options.client.username.empty()) {
    return reader.Error("username", "missing; required with auth " + auth);
  }
  CRESCENDO_ASSIGN_OR_RETURN(int64_t chunk, reader.Integer("chunk_size", 10000, 1));
  options.client.chunk_size = static_cast<size_t>(chunk);
  options.namespace_tag = reader.Optional("namespace_tag", options.namespace_tag);
  options.pod_tag = reader.Optional("pod_tag", options.pod_tag);
  options.workload_tag = reader.Optional("workload_tag", options.workload_tag);
  CRESCENDO_ASSIGN_OR_RETURN(int64_t batch, reader.Integer("max_workloads_per_query", 500, 1));
  options.max_workloads_per_query = static_cast<size_t>(batch);
  CRESCENDO_RETURN_IF_ERROR(reader.Finish());
  return std::shared_ptr<MetricSource>(
      std::make_shared<influxdb::Source>(context.http, std::move(options)));
}

}  // namespace crescendo::metrics
