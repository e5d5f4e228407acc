#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "crescendo/metrics/query_template.h"
#include "metrics/common/workload_results.h"
#include "metrics/prometheus/prometheus.h"

namespace crescendo::metrics::prometheus {
namespace {

// Returns Unix seconds with millisecond precision, as the API accepts ("1700000000.123").
std::string ApiTime(Timestamp t) {
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld.%03lld", static_cast<long long>(ms / 1000),
                static_cast<long long>(std::abs(ms % 1000)));
  return buffer;
}

Status HttpStatusError(const HttpResponse& response) {
  std::string text = "Prometheus answered " + DescribeHttpFailure(response);
  if (response.status >= 500 || response.status == 429) return UnavailableError(std::move(text));
  return InvalidArgumentError(std::move(text));
}

TemplateVariables BatchVariables(std::span<const WorkloadId> workloads, Duration window,
                                 const SourceOptions& options) {
  std::vector<std::string> namespaces, names, tenants, environments;
  for (const WorkloadId& w : workloads) {
    namespaces.push_back(w.ns);
    names.push_back(w.name);
    tenants.push_back(w.tenant);
    environments.push_back(w.environment);
  }
  std::string ns = EscapeQuoted(RegexAlternation(namespaces));
  std::string workload = EscapeQuoted(RegexAlternation(names));
  std::string pod = "(?:" + workload + ")(?:-.*)?";
  std::string selector =
      options.namespace_label + "=~\"" + ns + "\"," + options.pod_label + "=~\"" + pod + "\"";
  return {{"namespace", std::move(ns)},
          {"workload", std::move(workload)},
          {"pod", std::move(pod)},
          {"selector", std::move(selector)},
          {"tenant", EscapeQuoted(RegexAlternation(tenants))},
          {"environment", EscapeQuoted(RegexAlternation(environments))},
          {"window", PrometheusDuration(window)}};
}

// Returns the newest finite sample of `series`, else its newest sample.
const Sample& Newest(const Series& series) {
  for (auto it = series.samples.rbegin(); it != series.samples.rend(); ++it) {
    if (std::isfinite(it->value)) return *it;
  }
  return series.samples.back();
}

std::string JoinWarnings(const std::vector<std::string>& warnings) {
  std::string out;
  for (const std::string& w : warnings) out += (out.empty() ? "" : "; ") + w;
  return out;
}

}  // namespace

Client::Client(std::shared_ptr<HttpClient> http, ClientOptions options)
    : http_(std::move(http)), options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') {
    options_.base_url.pop_back();
  }
}

StatusOr<QueryResult> Client::Post(std::string_view path,
                                   const std::vector<std::pair<std::string, std::string>>& form,
                                   Duration timeout) const {
  HttpRequest request;
  request.method = "POST";
  request.url = options_.base_url + std::string(path);
  request.headers = options_.headers;
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.headers.emplace_back("Accept", "application/json");
  request.body = FormEncode(form);
  request.timeout = timeout;
  CRESCENDO_ASSIGN_OR_RETURN(HttpResponse response, http_->Send(request));
  StatusOr<QueryResult> result = ParseQueryResponse(response.body);
  const bool http_ok = response.status >= 200 && response.status < 300;
  if (result.ok() && !http_ok) return HttpStatusError(response);  // JSON, yet an HTTP failure
  if (!result.ok()) {
    // A Prometheus error body explains itself; anything else is described by its HTTP status.
    const bool api_error = result.status().message().starts_with("Prometheus error");
    if (!http_ok && !api_error) return HttpStatusError(response);
    return result.status().WithContext(request.url);
  }
  return result;
}

StatusOr<QueryResult> Client::Query(std::string_view promql, Timestamp time,
                                    Duration timeout) const {
  return Post("/api/v1/query",
              {{"query", std::string(promql)},
               {"time", ApiTime(time)},
               {"timeout", PrometheusDuration(std::max<Duration>(timeout, milliseconds(1)))}},
              timeout);
}

StatusOr<QueryResult> Client::QueryRange(std::string_view promql, Timestamp start, Timestamp end,
                                         Duration step, Duration timeout) const {
  return Post("/api/v1/query_range",
              {{"query", std::string(promql)},
               {"start", ApiTime(start)},
               {"end", ApiTime(end)},
               {"step", PrometheusDuration(step)},
               {"timeout", PrometheusDuration(std::max<Duration>(timeout, milliseconds(1)))}},
              timeout);
}

Source::Source(std::shared_ptr<HttpClient> http, SourceOptions options)
    : client_(std::move(http), options.client), options_(std::move(options)) {
  options_.max_workloads_per_query = std::max<size_t>(options_.max_workloads_per_query, 1);
}

StatusOr<std::vector<WorkloadMetric>> Source::Read(const MetricRequest& request) {
  return ReadInBatches("prometheus", request, options_.max_workloads_per_query,
                       [&](size_t first, size_t count, std::vector<WorkloadMetric>& out) {
                         return ReadBatch(request, first, count, out);
                       });
}

Status Source::ReadBatch(const MetricRequest& request, size_t first, size_t count,
                         std::vector<WorkloadMetric>& out) const {
  const auto batch = request.workloads.subspan(first, count);
  StatusOr<std::string> query =
      RenderTemplate(request.query, BatchVariables(batch, request.window, options_));
  if (!query.ok()) return query.status().WithContext("prometheus: metric " + request.metric);
  CRESCENDO_ASSIGN_OR_RETURN(QueryResult result,
                             client_.Query(*query, request.now, request.timeout));
  if (!result.warnings.empty() && !options_.accept_partial_responses) {
    return UnavailableError(
        "prometheus: metric " + request.metric +
        ": partial response refused (warnings: " + JoinWarnings(result.warnings) + ")");
  }
  const WorkloadMatcher matcher(batch);
  WorkloadResults results(request.metric, batch.size());
  for (const Series& series : result.series) {
    if (series.samples.empty()) continue;
    const Sample& sample = Newest(series);
    if (result.type == ResultType::kScalar) {
      for (size_t i = 0; i < batch.size(); ++i) results.SetValue(i, sample);
      continue;
    }
    const std::string_view ns = series.Label(options_.namespace_label);
    const std::string_view pod = series.Label(options_.pod_label);
    const std::string_view workload = options_.workload_label.empty()
                                          ? std::string_view()
                                          : series.Label(options_.workload_label);
    if (!pod.empty()) {
      if (auto index = matcher.ByPod(ns, pod)) results.AddPod(*index, pod, sample, request.window);
    } else if (!workload.empty()) {
      if (auto index = matcher.ByName(ns, workload)) results.SetValue(*index, sample);
    }
  }
  for (WorkloadMetric& m : std::move(results).Finish("prometheus", batch)) {
    out.push_back(std::move(m));
  }
  return Status::Ok();
}

}  // namespace crescendo::metrics::prometheus
