// Amazon CloudWatch as a metric source: GetMetricData over the AWS JSON 1.0 protocol
// (POST /, X-Amz-Target: GraniteServiceVersion20100801.GetMetricData), signed with SigV4.
//
// A catalogue query for CloudWatch is a line of key=value words, rendered once per workload:
//   namespace=ContainerInsights metric=pod_cpu_usage_total stat=Average period=60
//       dim.ClusterName={{environment}} dim.Namespace={{namespace}} dim.PodName={{workload}}
// or a metric-math / Metrics Insights expression:
//   expression="SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId)" period=300
// Values may be double-quoted (with \" and \\ escapes). period defaults to the request window
// rounded up to a whole minute (at least 60 s). Placeholders: {{namespace}}, {{workload}},
// {{tenant}}, {{environment}} (raw values), {{window}}, {{window_seconds}}.
//
// Up to 500 workloads share one request (each is one MetricDataQuery, Id "w<index>"); pages are
// followed through NextToken; throttling (HTTP 429, or 400 with a Throttling error type) is
// retried with exponential backoff and jitter within the request's timeout. Each workload gets
// the newest datapoint as its workload-level value.
//
// Thread safety: ParseMetricQuery and ParseGetMetricDataResponse are pure; Source is safe for
// concurrent Read() calls.
#ifndef CRESCENDO_METRICS_CLOUDWATCH_H_
#define CRESCENDO_METRICS_CLOUDWATCH_H_

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/base/random.h"
#include "crescendo/base/status.h"
#include "crescendo/metrics/http_client.h"
#include "crescendo/metrics/metric_source.h"
#include "crescendo/model/time_series.h"
#include "metrics/cloudwatch/aws.h"

namespace crescendo::metrics::cloudwatch {

struct MetricQuery {
  std::string metric_namespace;  // e.g. "AWS/EC2"
  std::string metric_name;
  std::string stat;                                             // "Average", "Sum", "p95", ...
  std::string unit;                                             // optional
  std::vector<std::pair<std::string, std::string>> dimensions;  // in query order
  std::string expression;  // set instead of the four fields above
  int period_seconds = 0;  // 0: from the request window
};

// Parses a rendered query line. Errors: InvalidArgument naming the word and what is expected
// (unknown key, missing namespace/metric/stat, a bad period, an unterminated quote).
StatusOr<MetricQuery> ParseMetricQuery(std::string_view text);

struct DataResult {
  std::string id;
  std::string label;
  std::vector<Sample> points;  // as answered (newest first with ScanBy TimestampDescending)
  std::string status_code;     // "Complete", "PartialData", "InternalError", "Forbidden"
};

struct DataPage {
  std::vector<DataResult> results;
  std::string next_token;  // empty on the last page
  std::vector<std::string> messages;
};

// Parses a GetMetricData JSON answer. Errors: InvalidArgument with the JSON path for a body that
// is not that answer (HTML, truncated, wrong types, Timestamps and Values of different lengths).
StatusOr<DataPage> ParseGetMetricDataResponse(std::string_view body);

struct SourceOptions {
  std::string region = "us-east-1";
  std::string endpoint;  // default "https://monitoring.<region>.amazonaws.com"
  aws::Credentials credentials;
  int max_throttle_retries = 4;
  Duration initial_backoff = std::chrono::milliseconds(200);
  Duration max_backoff = std::chrono::seconds(5);
  uint64_t seed = 1;                     // backoff jitter
  size_t max_queries_per_request = 500;  // the API's limit
  int max_pages = 50;                    // a guard against a NextToken that never ends
};

// The MetricSource. Errors of the whole request: InvalidArgument for a bad template or query
// line; ResourceExhausted when still throttled after the retries (or at the timeout);
// Unavailable for 5xx and network failures; Unauthenticated / PermissionDenied for rejected
// credentials; DeadlineExceeded when the timeout passes. Per workload: NotFound without a
// datapoint, Unavailable for a result with StatusCode InternalError, PermissionDenied for
// Forbidden.
class Source final : public MetricSource {
 public:
  // `clock` (signing time, backoff sleeps) must outlive the source.
  Source(std::shared_ptr<HttpClient> http, SourceOptions options, Clock& clock);
  std::string_view name() const override { return "cloudwatch"; }
  StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) override;

 private:
  StatusOr<DataPage> Call(const std::string& body, Timestamp deadline, Random& random);
  Status ReadBatch(const MetricRequest& request, size_t first, size_t count, Timestamp deadline,
                   Random& random, std::vector<WorkloadMetric>& out);
  std::shared_ptr<HttpClient> http_;
  SourceOptions options_;
  Clock& clock_;
  std::atomic<uint64_t> reads_{0};  // varies the jitter seed per Read
};

}  // namespace crescendo::metrics::cloudwatch

#endif  // CRESCENDO_METRICS_CLOUDWATCH_H_
