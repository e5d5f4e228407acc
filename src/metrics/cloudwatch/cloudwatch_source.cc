#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "crescendo/metrics/query_template.h"
#include "metrics/cloudwatch/cloudwatch.h"
#include "metrics/common/workload_results.h"
#include "metrics/json_util.h"

namespace crescendo::metrics::cloudwatch {
namespace {

constexpr char kTarget[] = "GraniteServiceVersion20100801.GetMetricData";

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

struct AwsError {
  std::string type;  // "ThrottlingException" (namespace prefix removed)
  std::string message;
};

// Reads {"__type": "...#Type", "message": "..."} when the body is that; empty fields otherwise.
AwsError ReadAwsError(const HttpResponse& response) {
  AwsError error;
  StatusOr<simdjson::dom::object> root = json::ParseObject(response.body);
  if (root.ok()) {
    std::string_view text;
    if ((*root)["__type"].get_string().get(text) == simdjson::SUCCESS) error.type = text;
    if ((*root)["message"].get_string().get(text) == simdjson::SUCCESS ||
        (*root)["Message"].get_string().get(text) == simdjson::SUCCESS) {
      error.message = text;
    }
  }
  if (const size_t hash = error.type.rfind('#'); hash != std::string::npos) {
    error.type = error.type.substr(hash + 1);
  }
  if (error.type.empty()) {  // the awsQuery-compatible header: "Throttling;Sender"
    const std::string_view query_error = response.Header("x-amzn-query-error");
    error.type = query_error.substr(0, query_error.find(';'));
  }
  return error;
}

bool IsThrottling(const HttpResponse& response, const AwsError& error) {
  return response.status == 429 || Contains(error.type, "Throttling") ||
         Contains(error.type, "RequestLimitExceeded") || Contains(error.type, "TooManyRequests");
}

Status ErrorFor(const HttpResponse& response, const AwsError& error) {
  const std::string text =
      "CloudWatch answered " + (error.type.empty() ? DescribeHttpFailure(response)
                                                   : "HTTP " + std::to_string(response.status) +
                                                         " " + error.type + ": " + error.message);
  if (response.status >= 500) return UnavailableError(text);
  for (std::string_view auth :
       {"UnrecognizedClient", "InvalidSignature", "IncompleteSignature", "ExpiredToken",
        "MissingAuthenticationToken", "InvalidClientTokenId"}) {
    if (Contains(error.type, auth)) return UnauthenticatedError(text);
  }
  if (response.status == 401 || response.status == 403 || Contains(error.type, "AccessDenied")) {
    return PermissionDeniedError(text);
  }
  return InvalidArgumentError(text);
}

int64_t UnixSeconds(Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

int PeriodFor(const MetricQuery& query, Duration window) {
  if (query.period_seconds > 0) return query.period_seconds;
  const int64_t minutes =
      (std::chrono::duration_cast<std::chrono::seconds>(window).count() + 59) / 60;
  return static_cast<int>(std::max<int64_t>(1, minutes) * 60);
}

nlohmann::json QueryJson(const MetricQuery& query, size_t index, int period) {
  nlohmann::json q = {{"Id", "w" + std::to_string(index)}, {"ReturnData", true}};
  if (!query.expression.empty()) {
    q["Expression"] = query.expression;
    q["Period"] = period;
    return q;
  }
  nlohmann::json dimensions = nlohmann::json::array();
  for (const auto& [name, value] : query.dimensions) {
    dimensions.push_back({{"Name", name}, {"Value", value}});
  }
  q["MetricStat"] = {{"Metric",
                      {{"Namespace", query.metric_namespace},
                       {"MetricName", query.metric_name},
                       {"Dimensions", dimensions}}},
                     {"Period", period},
                     {"Stat", query.stat}};
  if (!query.unit.empty()) q["MetricStat"]["Unit"] = query.unit;
  return q;
}

StatusOr<MetricQuery> RenderQuery(const MetricRequest& request, const WorkloadId& workload) {
  const TemplateVariables variables = {
      {"namespace", workload.ns},
      {"workload", workload.name},
      {"tenant", workload.tenant},
      {"environment", workload.environment},
      {"window", PrometheusDuration(request.window)},
      {"window_seconds",
       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(request.window).count())}};
  StatusOr<std::string> text = RenderTemplate(request.query, variables);
  if (!text.ok()) return text.status();
  return ParseMetricQuery(*text);
}

}  // namespace

Source::Source(std::shared_ptr<HttpClient> http, SourceOptions options, Clock& clock)
    : http_(std::move(http)), options_(std::move(options)), clock_(clock) {
  if (options_.endpoint.empty()) {
    options_.endpoint = "https://monitoring." + options_.region + ".amazonaws.com";
  }
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/') {
    options_.endpoint.pop_back();
  }
  options_.max_queries_per_request = std::clamp<size_t>(options_.max_queries_per_request, 1, 500);
}

StatusOr<DataPage> Source::Call(const std::string& body, Timestamp deadline, Random& random) {
  for (int retry = 0;; ++retry) {
    const Duration remaining = deadline - clock_.Now();
    if (remaining <= Duration::zero()) {
      return DeadlineExceededError("CloudWatch: no answer before the deadline");
    }
    HttpRequest request;
    request.method = "POST";
    request.url = options_.endpoint + "/";
    request.headers = {{"Content-Type", "application/x-amz-json-1.0"}, {"X-Amz-Target", kTarget}};
    request.body = body;
    request.timeout = remaining;
    CRESCENDO_RETURN_IF_ERROR(aws::SignHttpRequest(request, options_.credentials, options_.region,
                                                   "monitoring", clock_.Now()));
    CRESCENDO_ASSIGN_OR_RETURN(HttpResponse response, http_->Send(request));
    if (response.status >= 200 && response.status < 300) {
      return ParseGetMetricDataResponse(response.body);
    }
    const AwsError error = ReadAwsError(response);
    if (!IsThrottling(response, error)) return ErrorFor(response, error);
    const std::string why =
        "CloudWatch throttled the request (" + error.type + ": " + error.message + ")";
    if (retry >= options_.max_throttle_retries) {
      return ResourceExhaustedError(why + "; still throttled after " + std::to_string(retry) +
                                    " retries");
    }
    const double seconds = std::min(ToSeconds(options_.max_backoff),
                                    ToSeconds(options_.initial_backoff) * std::pow(2.0, retry));
    const Duration backoff = FromSeconds(seconds * random.Uniform(0.5, 1.5));
    if (clock_.Now() + backoff >= deadline) {
      return ResourceExhaustedError(why + "; no time left to retry before the deadline");
    }
    clock_.SleepUntil(clock_.Now() + backoff);
  }
}

StatusOr<std::vector<WorkloadMetric>> Source::Read(const MetricRequest& request) {
  const Timestamp deadline = clock_.Now() + request.timeout;
  Random random(options_.seed ^ (reads_.fetch_add(1) * 0x9E3779B97F4A7C15ULL));
  return ReadInBatches("cloudwatch", request, options_.max_queries_per_request,
                       [&](size_t first, size_t count, std::vector<WorkloadMetric>& out) {
                         return ReadBatch(request, first, count, deadline, random, out);
                       });
}

Status Source::ReadBatch(const MetricRequest& request, size_t first, size_t count,
                         Timestamp deadline, Random& random, std::vector<WorkloadMetric>& out) {
  const auto batch = request.workloads.subspan(first, count);
  nlohmann::json queries = nlohmann::json::array();
  int longest_period = 60;
  for (size_t i = 0; i < batch.size(); ++i) {
    StatusOr<MetricQuery> query = RenderQuery(request, batch[i]);
    if (!query.ok()) {
      return query.status().WithContext("cloudwatch: metric " + request.metric + ", workload " +
                                        batch[i].ToString());
    }
    const int period = PeriodFor(*query, request.window);
    longest_period = std::max(longest_period, period);
    queries.push_back(QueryJson(*query, i, period));
  }
  const Duration span =
      std::max<Duration>(request.window, std::chrono::seconds(2 * longest_period));
  nlohmann::json body = {{"MetricDataQueries", std::move(queries)},
                         {"StartTime", UnixSeconds(request.now - span)},
                         {"EndTime", UnixSeconds(request.now)},
                         {"ScanBy", "TimestampDescending"}};
  std::map<std::string, DataResult> by_id;
  for (int page = 0;; ++page) {
    if (page >= options_.max_pages) {
      return InternalError("cloudwatch: metric " + request.metric + ": NextToken still set after " +
                           std::to_string(options_.max_pages) + " pages");
    }
    StatusOr<DataPage> answer = Call(body.dump(), deadline, random);
    if (!answer.ok()) return answer.status().WithContext("cloudwatch: metric " + request.metric);
    for (DataResult& result : answer->results) {
      DataResult& slot = by_id[result.id];
      slot.points.insert(slot.points.end(), result.points.begin(), result.points.end());
      if (!result.status_code.empty()) slot.status_code = result.status_code;
    }
    if (answer->next_token.empty()) break;
    body["NextToken"] = answer->next_token;
  }
  WorkloadResults results(request.metric, batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto it = by_id.find("w" + std::to_string(i));
    if (it == by_id.end() || it->second.points.empty()) continue;
    const auto newest =
        std::max_element(it->second.points.begin(), it->second.points.end(),
                         [](const Sample& a, const Sample& b) { return a.time < b.time; });
    results.SetValue(i, *newest);
  }
  std::vector<WorkloadMetric> metrics = std::move(results).Finish("cloudwatch", batch);
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto it = by_id.find("w" + std::to_string(i));
    if (metrics[i].status.ok() || it == by_id.end()) continue;
    const std::string& code = it->second.status_code;
    const std::string where = "cloudwatch: metric " + request.metric + ", workload " +
                              batch[i].ToString() + ": result status " + code;
    if (code == "InternalError") metrics[i].status = UnavailableError(where);
    if (code == "Forbidden") metrics[i].status = PermissionDeniedError(where);
  }
  for (WorkloadMetric& m : metrics) out.push_back(std::move(m));
  return Status::Ok();
}

}  // namespace crescendo::metrics::cloudwatch
