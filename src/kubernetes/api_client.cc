#include "kubernetes/api_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "crescendo/format/file.h"

namespace crescendo::kubernetes {
namespace {

std::once_flag g_curl_init;

// The service account token file, re-read for each request as the kubelet rotates it; through
// the file seam. A token file that cannot be read gives no token: the API server then answers
// 401, which names the problem where it shows.
std::string ReadTokenFile(const std::string& path) {
  StatusOr<std::string> text = format::ReadFile(path, size_t{1} << 20);
  return text.ok() ? *text : std::string();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

struct Transfer {
  ApiResponse response;
  // Watch streaming: lines go to on_line instead of the body.
  const std::function<bool(std::string_view)>* on_line = nullptr;
  const std::atomic<bool>* stop = nullptr;
  std::string pending;  // a partial line
  bool stopped = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  long code = t->response.status;
  if (t->on_line == nullptr || code != 200) {
    t->response.body.append(data, n);
    return n;
  }
  t->pending.append(data, n);
  size_t start = 0;
  for (size_t nl; (nl = t->pending.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string_view line(t->pending.data() + start, nl - start);
    if (!Trim(line).empty() && !(*t->on_line)(line)) {
      t->stopped = true;
      return 0;  // ends the transfer (CURLE_WRITE_ERROR)
    }
  }
  t->pending.erase(0, start);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // "HTTP/1.1 200 OK": the status is known before the body arrives.
    size_t sp = line.find(' ');
    if (sp != std::string_view::npos) {
      int code = 0;
      std::from_chars(line.data() + sp + 1, line.data() + line.size(), code);
      t->response.status = code;
    }
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(Trim(line.substr(0, colon)));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name == "retry-after") t->response.retry_after = std::string(Trim(line.substr(colon + 1)));
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return (t->stop != nullptr && t->stop->load()) ? 1 : 0;  // non-zero aborts
}

void SetBlob(CURL* h, CURLoption option, const std::string& data) {
  curl_blob blob{const_cast<char*>(data.data()), data.size(), CURL_BLOB_COPY};
  curl_easy_setopt(h, option, &blob);
}

// Sets what every request shares: URL, callbacks, user agent, authentication and TLS.
// Returns the header list (the caller frees it after the transfer).
curl_slist* Prepare(CURL* h, const Credentials& c, const std::string& url, const std::string& ua,
                    const std::string& token, Transfer& t, char* error) {
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, ua.c_str());
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
  if (!token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  }
  // TLS: the cluster's CA, or no verification at all when insecure-skip-tls-verify.
  if (c.insecure_skip_tls_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!c.ca_data.empty()) {
    SetBlob(h, CURLOPT_CAINFO_BLOB, c.ca_data);
  } else if (!c.ca_file.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, c.ca_file.c_str());
  }
  if (!c.client_certificate_data.empty()) {
    SetBlob(h, CURLOPT_SSLCERT_BLOB, c.client_certificate_data);
  } else if (!c.client_certificate_file.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT, c.client_certificate_file.c_str());
  }
  if (!c.client_key_data.empty()) {
    SetBlob(h, CURLOPT_SSLKEY_BLOB, c.client_key_data);
  } else if (!c.client_key_file.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLKEY, c.client_key_file.c_str());
  }
  return headers;
}

bool Retryable(int status) { return status == 429 || status >= 500; }

}  // namespace

TokenBucket::TokenBucket(double qps, int32_t burst, Timestamp now)
    : qps_(qps), burst_(std::max<int32_t>(1, burst)), tokens_(burst_), last_(now) {}

Timestamp TokenBucket::Take(Timestamp now) {
  if (qps_ <= 0) return now;  // unlimited
  if (now > last_) {
    tokens_ = std::min(burst_, tokens_ + ToSeconds(now - last_) * qps_);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return now;
  // The debt is paid at qps: the caller waits until the bucket is back at zero.
  return last_ + FromSeconds(-tokens_ / qps_);
}

Duration BackoffDelay(int attempt, Duration initial, Duration max, Duration retry_after,
                      double jitter) {
  double scaled = ToSeconds(initial) * std::ldexp(1.0, std::min(attempt - 1, 30));
  Duration d = FromSeconds(std::min(scaled, ToSeconds(max)) * jitter);
  return std::max(d, retry_after);
}

Duration ParseRetryAfter(std::string_view value) {
  value = Trim(value);
  int64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || ptr != value.data() + value.size() || value.empty() || seconds < 0) {
    return Duration(0);
  }
  return std::chrono::seconds(seconds);
}

Status StatusFromResponse(std::string_view method, std::string_view path,
                          const ApiResponse& response) {
  std::string reason, message;
  nlohmann::json j = nlohmann::json::parse(response.body, nullptr, false);
  if (j.is_object() && j.value("kind", "") == "Status") {
    reason = j.value("reason", "");
    message = j.value("message", "");
  } else {
    message = response.body.substr(0, 200);
  }
  std::string text =
      fmt::format("{} {}: HTTP {}{}{}", method, path, response.status,
                  reason.empty() ? "" : " " + reason, message.empty() ? "" : ": " + message);
  switch (response.status) {
    case 400:
    case 422:
      return InvalidArgumentError(text);
    case 401:
      return UnauthenticatedError(text);
    case 403:
      return PermissionDeniedError(text);
    case 404:
      return NotFoundError(text);
    case 409:
      return Status(StatusCode::kAborted, text);
    case 410:
      return OutOfRangeError(text);
    case 429:
      return ResourceExhaustedError(text);
    default:
      return UnavailableError(text);
  }
}

StatusOr<std::unique_ptr<ApiClient>> ApiClient::Create(const Credentials& credentials,
                                                       const ClientOptions& options,
                                                       std::string user_agent, Clock* clock) {
  if (credentials.server.empty()) {
    return InvalidArgumentError(credentials.origin + ": no API server address (cluster.server)");
  }
  return std::unique_ptr<ApiClient>(
      new ApiClient(credentials, options, std::move(user_agent), clock));
}

ApiClient::ApiClient(const Credentials& credentials, const ClientOptions& options,
                     std::string user_agent, Clock* clock)
    : credentials_(credentials),
      options_(options),
      user_agent_(std::move(user_agent)),
      clock_(clock),
      bucket_(options.qps, options.burst, clock->Now()),
      random_(options.seed) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  while (credentials_.server.ends_with('/')) credentials_.server.pop_back();
}

ApiClient::~ApiClient() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* ApiClient::AcquireHandle() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      curl_easy_reset(static_cast<CURL*>(h));
      return h;
    }
  }
  return curl_easy_init();
}

void ApiClient::ReleaseHandle(void* h) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(h);
}

std::string ApiClient::BearerToken() const {
  if (!credentials_.token_file.empty()) {
    return std::string(Trim(ReadTokenFile(credentials_.token_file)));
  }
  return credentials_.token;
}

void ApiClient::WaitForToken() {
  Timestamp at;
  {
    std::lock_guard<std::mutex> lock(mu_);
    at = bucket_.Take(clock_->Now());
  }
  clock_->SleepUntil(at);
}

StatusOr<ApiResponse> ApiClient::Call(std::string_view method, const std::string& path,
                                      const std::string& body, std::string_view content_type) {
  Status last;
  for (int attempt = 1;; ++attempt) {
    WaitForToken();
    requests_++;
    StatusOr<ApiResponse> r = Once(method, path, body, content_type);
    Duration retry_after(0);
    if (r.ok()) {
      if (r->status == 429) throttled_++;
      if (r->status == 409) conflicts_++;
      if (!Retryable(r->status) || attempt >= options_.max_attempts) return r;
      retry_after = ParseRetryAfter(r->retry_after);
    } else if (attempt >= options_.max_attempts) {
      return r.status();
    }
    double jitter;
    {
      std::lock_guard<std::mutex> lock(mu_);
      jitter = random_.Uniform(0.5, 1.5);
    }
    retries_++;
    clock_->SleepUntil(clock_->Now() + BackoffDelay(attempt, options_.initial_backoff,
                                                    options_.max_backoff, retry_after, jitter));
  }
}

StatusOr<ApiResponse> ApiClient::Once(std::string_view method, const std::string& path,
                                      const std::string& body, std::string_view content_type) {
  Transfer t;
  std::atomic<bool> never{false};
  t.stop = &never;
  CURL* h = static_cast<CURL*>(AcquireHandle());
  const std::string url = credentials_.server + path;
  const std::string m(method);
  char error[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = Prepare(h, credentials_, url, user_agent_, BearerToken(), t, error);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(ToSeconds(options_.request_timeout) * 1000));
  if (m != "GET") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m.c_str());
  if (!body.empty() || m == "POST" || m == "PUT" || m == "PATCH") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  headers = curl_slist_append(headers, "Expect:");
  headers = curl_slist_append(headers, ("Content-Type: " + std::string(content_type)).c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  const CURLcode code = curl_easy_perform(h);
  curl_slist_free_all(headers);
  if (code == CURLE_OK) {
    ReleaseHandle(h);  // keeps its connection for the next request
  } else {
    curl_easy_cleanup(h);  // the connection's state is unknown
  }
  if (code != CURLE_OK) {
    std::string what = error[0] != '\0' ? error : curl_easy_strerror(code);
    if (code == CURLE_OPERATION_TIMEDOUT) {
      return DeadlineExceededError(fmt::format("{} {}: {}", m, path, what));
    }
    return UnavailableError(fmt::format("{} {}: {}", m, path, what));
  }
  return std::move(t.response);
}

StatusOr<int> ApiClient::Watch(const std::string& path,
                               const std::function<bool(std::string_view)>& on_line,
                               const std::atomic<bool>& stop, std::string* error_body) {
  WaitForToken();
  requests_++;
  Transfer t;
  t.on_line = &on_line;
  t.stop = &stop;
  CURL* h = curl_easy_init();
  const std::string url = credentials_.server + path;
  char error[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = Prepare(h, credentials_, url, user_agent_, BearerToken(), t, error);
  // The server ends the watch after timeoutSeconds; allow a margin before giving up on it.
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(ToSeconds(options_.watch_timeout) * 1000) + 30000L);
  if (options_.watch_idle_timeout.count() > 0) {
    // Under one byte a second for the whole idle time: the stream went silent.
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                     std::max(1L, static_cast<long>(ToSeconds(options_.watch_idle_timeout))));
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  const CURLcode code = curl_easy_perform(h);
  curl_slist_free_all(headers);
  curl_easy_cleanup(h);
  if (t.stopped || stop.load()) return t.response.status;
  if (code != CURLE_OK) {
    return UnavailableError(
        fmt::format("WATCH {}: {}", path, error[0] != '\0' ? error : curl_easy_strerror(code)));
  }
  if (error_body != nullptr) *error_body = t.response.body;
  return t.response.status;
}

ClientStats ApiClient::stats() const {
  ClientStats s;
  s.requests = requests_;
  s.retries = retries_;
  s.throttled = throttled_;
  s.conflicts = conflicts_;
  s.relists = relists_;
  s.watch_restarts = watch_restarts_;
  s.events = events_;
  return s;
}

}  // namespace crescendo::kubernetes
