#include "crescendo/metrics/registry.h"
#include "metrics/common/settings_reader.h"
#include "metrics/prometheus/prometheus.h"

namespace crescendo::metrics {

// Settings: url (required), bearer_token_env, namespace_label, pod_label, workload_label,
// max_workloads_per_query, accept_partial_responses.
StatusOr<std::shared_ptr<MetricSource>> NewPrometheusSource(const SourceSettings& settings,
                                                            const SourceContext& context) {
  SettingsReader reader("prometheus", settings, context);
  prometheus::SourceOptions options;
  CRESCENDO_ASSIGN_OR_RETURN(options.client.base_url, reader.Required("url"));
  CRESCENDO_ASSIGN_OR_RETURN(std::string token, reader.Secret("bearer_token_env"));
  if (!token.empty()) options.client.headers.emplace_back("Authorization", "Bearer " + token);
  options.namespace_label = reader.Optional("namespace_label", options.namespace_label);
  options.pod_label = reader.Optional("pod_label", options.pod_label);
  options.workload_label = reader.Optional("workload_label", options.workload_label);
  CRESCENDO_ASSIGN_OR_RETURN(int64_t batch, reader.Integer("max_workloads_per_query", 500, 1));
  options.max_workloads_per_query = static_cast<size_t>(batch);
  CRESCENDO_ASSIGN_OR_RETURN(options.accept_partial_responses,
                             reader.Boolean("accept_partial_responses", false));
  CRESCENDO_RETURN_IF_ERROR(reader.Finish());
  return std::shared_ptr<MetricSource>(
      std::make_shared<prometheus::Source>(context.http, std::move(options)));
}

}  // namespace crescendo::metrics
