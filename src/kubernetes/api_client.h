// ApiClient: HTTP to the Kubernetes API server with libcurl, as client-go's rest client does it:
// bearer token or client certificate, the cluster's CA, a client-side token bucket, and retries
// with exponential backoff and jitter on 429 (Retry-After honoured), 5xx and transport errors.
//
// Errors of Call(): only transport failures that outlast the retries (Unavailable,
// DeadlineExceeded). An HTTP error status is returned in the response; StatusFromResponse()
// maps it (the API's Status object) to a Status.
//
// Thread safety: Call() and Watch() may be called from many threads at once.
#ifndef CRESCENDO_KUBERNETES_API_CLIENT_H_
#define CRESCENDO_KUBERNETES_API_CLIENT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/base/random.h"
#include "crescendo/kubernetes/kubernetes.h"

namespace crescendo::kubernetes {

// A token bucket (client-go's flowcontrol.NewTokenBucketRateLimiter): `burst` tokens at most,
// refilled at `qps` per second. Pure: time is passed in.
class TokenBucket {
 public:
  TokenBucket(double qps, int32_t burst, Timestamp now);
  // Takes one token and returns when it may be used: `now` when one is available, else the
  // time the bucket holds one again (the caller sleeps until then).
  Timestamp Take(Timestamp now);

 private:
  double qps_;
  double burst_;
  double tokens_;
  Timestamp last_;
};

// The delay before retry `attempt` (1-based): initial * 2^(attempt-1) capped at `max`, times a
// jitter factor in [0.5, 1.5) from `random`; at least `retry_after` when the server sent one.
Duration BackoffDelay(int attempt, Duration initial, Duration max, Duration retry_after,
                      double jitter);

// Parses Retry-After in its delay-seconds form (RFC 9110 10.2.3); 0 when absent or a date.
Duration ParseRetryAfter(std::string_view value);

struct ApiResponse {
  int status = 0;
  std::string body;
  std::string retry_after;
};

// Maps a non-2xx answer to a Status whose message is "METHOD PATH: HTTP code reason: message"
// from the API's Status object (kind Status, reason, message, code):
// 404 NotFound, 409 Aborted, 403 PermissionDenied, 401 Unauthenticated, 400/422
// InvalidArgument, 410 OutOfRange (Expired), 429 ResourceExhausted, others Unavailable.
Status StatusFromResponse(std::string_view method, std::string_view path,
                          const ApiResponse& response);

class ApiClient {
 public:
  // Errors: InvalidArgument when the credentials name no server.
  static StatusOr<std::unique_ptr<ApiClient>> Create(const Credentials& credentials,
                                                     const ClientOptions& options,
                                                     std::string user_agent, Clock* clock);
  ~ApiClient();

  // Sends one request (path with its query: "/api/v1/pods?limit=500"), retrying as the file
  // comment says. `content_type` for bodies: "application/json",
  // "application/merge-patch+json", "application/strategic-merge-patch+json".
  StatusOr<ApiResponse> Call(std::string_view method, const std::string& path,
                             const std::string& body = "",
                             std::string_view content_type = "application/json");

  // Streams a watch: calls `on_line` with every newline-terminated line until the server ends
  // the stream, `on_line` returns false, or `stop` becomes true. Returns the HTTP status (the
  // body of a non-200 answer in *error_body) or a transport error. One attempt, no retry.
  StatusOr<int> Watch(const std::string& path, const std::function<bool(std::string_view)>& on_line,
                      const std::atomic<bool>& stop, std::string* error_body);

  ClientStats stats() const;
  void CountRelist() { relists_++; }
  void CountWatchRestart() { watch_restarts_++; }
  void CountEvent() { events_++; }
  Clock& clock() { return *clock_; }
  Duration watch_timeout() const { return options_.watch_timeout; }

 private:
  ApiClient(const Credentials& credentials, const ClientOptions& options, std::string user_agent,
            Clock* clock);
  StatusOr<ApiResponse> Once(std::string_view method, const std::string& path,
                             const std::string& body, std::string_view content_type);
  std::string BearerToken() const;
  void WaitForToken();
  void* AcquireHandle();  // a CURL* from the pool, or a new one
  void ReleaseHandle(void* handle);

  Credentials credentials_;
  ClientOptions options_;
  std::string user_agent_;
  Clock* clock_;
  std::mutex mu_;            // guards bucket_, random_ and idle_
  std::vector<void*> idle_;  // CURL handles with their open connections
  TokenBucket bucket_;
  Random random_;
  std::atomic<int64_t> requests_{0}, retries_{0}, throttled_{0}, conflicts_{0}, relists_{0},
      watch_restarts_{0}, events_{0};
};

}  // namespace crescendo::kubernetes

#endif  // CRESCENDO_KUBERNETES_API_CLIENT_H_
