// Prometheus as a metric source: the HTTP API client, its response parser, and the MetricSource
// that templates PromQL per batch of workloads and splits the result back by labels.
//
// Response format: https://prometheus.io/docs/prometheus/latest/querying/api/ (Prometheus 2.42).
// Sample values travel as strings ("1.5", "NaN", "+Inf", "-Inf") and timestamps as float Unix
// seconds with millisecond precision. Stale markers never appear in API answers: a series whose
// last sample is a stale marker (or older than the 5-minute lookback) is simply absent, and a
// range result has a gap where the series was stale; absence is therefore "missing", never zero.
//
// Thread safety: ParseQueryResponse is pure; PrometheusClient and PrometheusSource are safe for
// concurrent use (they share one HttpClient, which must be).
#ifndef CRESCENDO_METRICS_PROMETHEUS_H_
#define CRESCENDO_METRICS_PROMETHEUS_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/metrics/http_client.h"
#include "crescendo/metrics/metric_source.h"
#include "crescendo/model/time_series.h"

namespace crescendo::metrics {
class TextArena;
}  // namespace crescendo::metrics

namespace crescendo::metrics::prometheus {

// Label names and values are views into the QueryResult that holds them (its `text` storage,
// shared by copies): keep the QueryResult alive while using them.
using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

struct Series {
  Labels labels;                // as in the response ("__name__" included when present)
  std::vector<Sample> samples;  // oldest first; one sample for a vector result
  // Returns the value of label `name`, or "" when absent.
  std::string_view Label(std::string_view name) const;
};

enum class ResultType { kVector, kMatrix, kScalar, kString };

struct QueryResult {
  ResultType type = ResultType::kVector;
  std::vector<Series> series;             // a scalar is one series without labels
  std::vector<std::string> warnings;      // non-empty means the answer may be partial
  size_t skipped_histograms = 0;          // native-histogram samples, not supported, skipped
  std::shared_ptr<const TextArena> text;  // owns the label text of `series`
};

// Parses the JSON body of /api/v1/query or /api/v1/query_range.
// Errors:
//   InvalidArgument   not JSON, truncated, a field of the wrong type (the message gives the
//                     JSON path, e.g. "data.result[3].value[1]", what was found and expected),
//                     or a "status":"error" answer with errorType bad_data/execution;
//   Unavailable / DeadlineExceeded / NotFound / Internal / Cancelled
//                     for a "status":"error" answer with errorType unavailable / timeout /
//                     not_found / internal / canceled.
StatusOr<QueryResult> ParseQueryResponse(std::string_view body);

struct ClientOptions {
  std::string base_url;  // e.g. "http://127.0.0.1:9090" (no trailing slash needed)
  HttpHeaders headers;   // added to every request, e.g. {"Authorization", "Bearer ..."}
};

// The HTTP API client. Queries are POSTed as forms, so long batched selectors never hit URL
// length limits. Errors: those of HttpClient::Send, those of ParseQueryResponse, and for a
// non-2xx answer without a Prometheus error body: Unavailable (5xx, 429) or InvalidArgument
// (other 4xx), with DescribeHttpFailure() in the message.
class Client {
 public:
  Client(std::shared_ptr<HttpClient> http, ClientOptions options);

  // Evaluates `promql` at `time` (instant query).
  StatusOr<QueryResult> Query(std::string_view promql, Timestamp time, Duration timeout) const;
  // Evaluates `promql` over [start, end] every `step` (range query). REQUIRES: step > 0.
  StatusOr<QueryResult> QueryRange(std::string_view promql, Timestamp start, Timestamp end,
                                   Duration step, Duration timeout) const;

 private:
  StatusOr<QueryResult> Post(std::string_view path,
                             const std::vector<std::pair<std::string, std::string>>& form,
                             Duration timeout) const;
  std::shared_ptr<HttpClient> http_;
  ClientOptions options_;
};

struct SourceOptions {
  ClientOptions client;
  std::string namespace_label = "namespace";
  std::string pod_label = "pod";
  // A series with the pod label is a pod sample of the workload owning that pod (matched by name
  // prefix, see WorkloadMatcher::ByPod); a series without it but with this label (when non-empty)
  // is the workload-level value of the workload of that name.
  std::string workload_label = "workload";
  size_t max_workloads_per_query = 500;
  // A response with warnings may be missing series (e.g. a failed remote-read store); missing
  // pods look like less load, so by default such an answer is Unavailable for every workload.
  bool accept_partial_responses = false;
};

// The MetricSource. A request's query is a PromQL template (see query_template.h) rendered once
// per batch of at most max_workloads_per_query workloads. Each series of the answer is given to
// the workload it belongs to (see SourceOptions); the newest finite sample of each series counts.
// Per workload: NotFound when no series matched or only NaN/Inf samples did. Whole request:
// InvalidArgument for an empty or bad template, errors of Client otherwise; a partial response
// (warnings) is Unavailable unless accept_partial_responses.
class Source final : public MetricSource {
 public:
  Source(std::shared_ptr<HttpClient> http, SourceOptions options);
  std::string_view name() const override { return "prometheus"; }
  StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) override;

 private:
  Status ReadBatch(const MetricRequest& request, size_t first, size_t count,
                   std::vector<WorkloadMetric>& out) const;
  Client client_;
  SourceOptions options_;
};

}  // namespace crescendo::metrics::prometheus

#endif  // CRESCENDO_METRICS_PROMETHEUS_H_
