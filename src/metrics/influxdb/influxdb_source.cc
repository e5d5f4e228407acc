#include "metrics/influxdb/influxdb_source.h"

#include <cmath>

#include "crescendo/metrics/influxdb.h"
#include "crescendo/metrics/query_template.h"
#include "metrics/common/workload_results.h"

namespace crescendo::metrics::influxdb {
namespace {

Status HttpError(const HttpResponse& response, std::string_view what) {
  std::string text = "InfluxDB " + std::string(what) + ": " + DescribeHttpFailure(response);
  if (response.status == 401) return UnauthenticatedError(std::move(text));
  if (response.status == 403) return PermissionDeniedError(std::move(text));
  if (response.status == 404) return NotFoundError(std::move(text));
  if (response.status >= 500 || response.status == 429) return UnavailableError(std::move(text));
  return InvalidArgumentError(std::move(text));
}

// Escapes a regex alternation for an InfluxQL /.../ literal.
std::string InfluxRegex(std::vector<std::string> values) {
  std::string out;
  for (char c : RegexAlternation(std::move(values))) {
    if (c == '/') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string MillisLiteral(Timestamp t) {
  return std::to_string(
             std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count()) +
         "ms";
}

TemplateVariables BatchVariables(std::span<const WorkloadId> batch, const MetricRequest& request,
                                 const SourceOptions& options) {
  std::vector<std::string> namespaces, names, tenants, environments;
  for (const WorkloadId& w : batch) {
    namespaces.push_back(w.ns);
    names.push_back(w.name);
    tenants.push_back(w.tenant);
    environments.push_back(w.environment);
  }
  std::string ns = InfluxRegex(namespaces);
  std::string workload = InfluxRegex(names);
  std::string pod = "(?:" + workload + ")(?:-.*)?";
  std::string selector = "\"" + EscapeQuoted(options.namespace_tag) + "\" =~ /^(?:" + ns +
                         ")$/ AND \"" + EscapeQuoted(options.pod_tag) + "\" =~ /^" + pod + "$/";
  return {
      {"namespace", std::move(ns)},
      {"workload", std::move(workload)},
      {"pod", std::move(pod)},
      {"selector", std::move(selector)},
      {"tenant", InfluxRegex(tenants)},
      {"environment", InfluxRegex(environments)},
      {"window", PrometheusDuration(request.window)},
      {"window_seconds",
       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(request.window).count())},
      {"start", MillisLiteral(request.now - request.window)},
      {"end", MillisLiteral(request.now)}};
}

// Returns the newest row with a finite first value, if any.
std::optional<Sample> Newest(const Series& series) {
  for (size_t r = series.rows.size(); r-- > 0;) {
    if (!series.rows[r].empty() && std::isfinite(series.rows[r][0])) {
      return Sample{series.times[r], series.rows[r][0]};
    }
  }
  if (!series.rows.empty() && !series.rows.back().empty()) {
    return Sample{series.times.back(), series.rows.back()[0]};  // counted as non-finite
  }
  return std::nullopt;
}

}  // namespace

Client::Client(std::shared_ptr<HttpClient> http, ClientOptions options)
    : http_(std::move(http)), options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') {
    options_.base_url.pop_back();
  }
}

StatusOr<HttpResponse> Client::Post(const std::string& path,
                                    std::vector<std::pair<std::string, std::string>> params,
                                    std::string body, std::string content_type,
                                    Duration timeout) const {
  HttpRequest request;
  request.method = "POST";
  if (options_.auth == Auth::kQueryParameters) {
    params.emplace_back("u", options_.username);
    params.emplace_back("p", options_.password);
  } else if (options_.auth == Auth::kBasic) {
    request.headers.emplace_back(
        "Authorization", "Basic " + Base64Encode(options_.username + ":" + options_.password));
  }
  request.url = options_.base_url + path + "?" + FormEncode(params);
  request.headers.emplace_back("Content-Type", std::move(content_type));
  request.body = std::move(body);
  request.timeout = timeout;
  return http_->Send(request);
}

StatusOr<QueryResponse> Client::Query(std::string_view influxql, Duration timeout) const {
  std::vector<std::pair<std::string, std::string>> params = {
      {"epoch", "ms"}, {"chunked", "true"}, {"chunk_size", std::to_string(options_.chunk_size)}};
  if (!options_.database.empty()) params.emplace_back("db", options_.database);
  CRESCENDO_ASSIGN_OR_RETURN(
      HttpResponse response,
      Post("/query", std::move(params), FormEncode({{"q", std::string(influxql)}}),
           "application/x-www-form-urlencoded", timeout));
  if (response.status < 200 || response.status >= 300) return HttpError(response, "query");
  return ParseQueryResponse(response.body);
}

Status Client::Write(std::span<const Point> points, Duration timeout) const {
  CRESCENDO_ASSIGN_OR_RETURN(std::string lines, FormatLineProtocol(points));
  std::vector<std::pair<std::string, std::string>> params = {{"db", options_.database}};
  if (!options_.retention_policy.empty()) params.emplace_back("rp", options_.retention_policy);
  CRESCENDO_ASSIGN_OR_RETURN(
      HttpResponse response,
      Post("/write", std::move(params), std::move(lines), "text/plain; charset=utf-8", timeout));
  if (response.status < 200 || response.status >= 300) return HttpError(response, "write");
  return Status::Ok();
}

Source::Source(std::shared_ptr<HttpClient> http, SourceOptions options)
    : client_(std::move(http), options.client), options_(std::move(options)) {
  options_.max_workloads_per_query = std::max<size_t>(options_.max_workloads_per_query, 1);
}

StatusOr<std::vector<WorkloadMetric>> Source::Read(const MetricRequest& request) {
  return ReadInBatches("influxdb", request, options_.max_workloads_per_query,
                       [&](size_t first, size_t count, std::vector<WorkloadMetric>& out) {
                         return ReadBatch(request, first, count, out);
                       });
}

Status Source::ReadBatch(const MetricRequest& request, size_t first, size_t count,
                         std::vector<WorkloadMetric>& out) const {
  const auto batch = request.workloads.subspan(first, count);
  StatusOr<std::string> query =
      RenderTemplate(request.query, BatchVariables(batch, request, options_));
  if (!query.ok()) return query.status().WithContext("influxdb: metric " + request.metric);
  StatusOr<QueryResponse> response = client_.Query(*query, request.timeout);
  if (!response.ok()) return response.status().WithContext("influxdb: metric " + request.metric);
  const WorkloadMatcher matcher(batch);
  WorkloadResults results(request.metric, batch.size());
  for (const StatementResult& statement : response->results) {
    if (!statement.error.empty()) {
      std::string text = "influxdb: metric " + request.metric + ": " + statement.error;
      if (statement.error.starts_with("database not found")) return NotFoundError(std::move(text));
      return InvalidArgumentError(std::move(text));
    }
    for (const Series& series : statement.series) {
      const std::optional<Sample> sample = Newest(series);
      if (!sample) continue;
      const std::string_view ns = series.Tag(options_.namespace_tag);
      const std::string_view pod = series.Tag(options_.pod_tag);
      const std::string_view workload = series.Tag(options_.workload_tag);
      if (!pod.empty()) {
        if (auto index = matcher.ByPod(ns, pod)) {
          results.AddPod(*index, pod, *sample, request.window);
        }
      } else if (!workload.empty()) {
        if (auto index = matcher.ByName(ns, workload)) results.SetValue(*index, *sample);
      }
    }
  }
  for (WorkloadMetric& m : std::move(results).Finish("influxdb", batch)) {
    out.push_back(std::move(m));
  }
  return Status::Ok();
}

}  // namespace crescendo::metrics::influxdb
