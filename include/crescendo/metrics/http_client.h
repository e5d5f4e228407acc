// HttpClient: the one seam between metric sources and the network.
//
// Sources (Prometheus, InfluxDB, CloudWatch) build an HttpRequest and parse the HttpResponse; they
// never open sockets themselves, so tests give them a fake client or a real one pointed at a local
// server. NewCurlHttpClient() is the production implementation (libcurl, keep-alive connections
// reused across calls).
//
// Errors of Send() are values:
//   Unavailable       the connection failed (refused, reset, DNS, TLS) or the peer closed early;
//   DeadlineExceeded  no complete answer within HttpRequest::timeout;
//   ResourceExhausted the body is larger than HttpClientOptions::max_body_bytes (read stops there);
//   InvalidArgument   the request itself is malformed (bad URL).
// An HTTP error status (4xx/5xx) is NOT an error of Send(): the response is returned and the
// caller decides what it means, because each API carries its error in the body.
//
// Thread safety: Send() may be called from many threads at once.
#ifndef CRESCENDO_METRICS_HTTP_CLIENT_H_
#define CRESCENDO_METRICS_HTTP_CLIENT_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo::metrics {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";                   // "GET" or "POST"
  std::string url;                              // absolute: "http://127.0.0.1:9090/api/v1/query"
  HttpHeaders headers;                          // sent as given, in order
  std::string body;                             // sent for POST
  Duration timeout = std::chrono::seconds(10);  // whole exchange, connect included
};

struct HttpResponse {
  int status = 0;       // HTTP status code, e.g. 200
  HttpHeaders headers;  // names lower-cased, in arrival order
  std::string body;

  // Returns the first value of header `name` (lower-case), or "" when absent.
  std::string_view Header(std::string_view name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends `request` and returns the whole response. See the file comment for errors.
  virtual StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

struct HttpClientOptions {
  size_t max_body_bytes = 256u << 20;  // a larger body is refused (ResourceExhausted)
  Duration connect_timeout = std::chrono::seconds(3);
  std::string user_agent = "crescendo/0.1";
};

// Returns the libcurl client. Connections are pooled per client object.
std::unique_ptr<HttpClient> NewCurlHttpClient(HttpClientOptions options = {});

// Returns `text` percent-encoded for a URL query or form body (RFC 3986 unreserved kept).
std::string UrlEncode(std::string_view text);
// Returns "k1=v1&k2=v2" with keys and values percent-encoded.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);
// Returns `text` with %XX sequences decoded and, when `plus_is_space`, '+' as a space.
std::string UrlDecode(std::string_view text, bool plus_is_space = true);
// Parses "k1=v1&k2=v2" into decoded pairs, in order.
std::vector<std::pair<std::string, std::string>> FormDecode(std::string_view body);
// Returns the standard Base64 encoding of `bytes`, e.g. for HTTP basic authentication.
std::string Base64Encode(std::string_view bytes);

// Returns a one-line summary of a non-2xx response for error messages, e.g.
// "HTTP 502 (text/html): <html><head><title>502 Bad Gateway..." (body cut at 200 bytes).
std::string DescribeHttpFailure(const HttpResponse& response);

}  // namespace crescendo::metrics

#endif  // CRESCENDO_METRICS_HTTP_CLIENT_H_
