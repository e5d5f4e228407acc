// The InfluxDB 1.x client: InfluxQL over /query (what the `influxdb` metric source plug-in,
// src/metrics/influxdb/, reads through) and line protocol over /write (the sink for Crescendo's
// own metrics, api/metrics_exporter.h).
//
// Queries are POSTed with epoch=ms and chunked=true: the server streams one JSON object per line,
// and a series cut by a chunk boundary carries "partial":true and continues in the next object;
// ParseQueryResponse joins them. Authentication: none, user/password as query parameters
// (u=, p=) or HTTP basic.
// Reference: InfluxDB 1.x HTTP API (/query, /write) and line protocol documentation.
//
// Thread safety: the free functions are pure; Client is safe for concurrent use.
#ifndef CRESCENDO_METRICS_INFLUXDB_H_
#define CRESCENDO_METRICS_INFLUXDB_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/metrics/http_client.h"

namespace crescendo::metrics::influxdb {

using Tags = std::vector<std::pair<std::string, std::string>>;

struct Series {
  std::string name;                       // measurement
  Tags tags;                              // GROUP BY tags
  std::vector<std::string> columns;       // "time" first
  std::vector<Timestamp> times;           // one per row
  std::vector<std::vector<double>> rows;  // rows[r][c-1] for column c >= 1; NaN for null/text
  // Returns the value of tag `tag`, or "" when absent.
  std::string_view Tag(std::string_view tag) const;
};

struct StatementResult {
  int statement_id = 0;
  std::vector<Series> series;
  std::string error;  // a failed statement (the others may still have succeeded)
};

struct QueryResponse {
  std::vector<StatementResult> results;  // by statement_id, chunks joined
};

// Parses a /query body: one JSON object, or one per line when chunked.
// Errors: InvalidArgument with the chunk number and JSON path for a body that is not that
// (HTML, truncated, wrong types, rows of the wrong width); InvalidArgument for a top-level
// {"error": ...} object.
StatusOr<QueryResponse> ParseQueryResponse(std::string_view body);

using FieldValue = std::variant<double, int64_t, bool, std::string>;

struct Point {
  std::string measurement;
  Tags tags;
  std::vector<std::pair<std::string, FieldValue>> fields;  // at least one
  std::optional<Timestamp> time;                           // server time when absent
};

// Returns the points in line protocol, one per line, escaping measurement, tag and field names
// and values as the protocol requires (nanosecond timestamps; integers get an "i" suffix).
// Errors: InvalidArgument naming the point for an empty measurement, no fields, an empty tag
// value, or a non-finite float field (the protocol cannot carry NaN or Inf).
StatusOr<std::string> FormatLineProtocol(std::span<const Point> points);

enum class Auth { kNone, kQueryParameters, kBasic };

struct ClientOptions {
  std::string base_url;  // e.g. "http://127.0.0.1:8086"
  std::string database;
  std::string retention_policy;  // optional, for writes
  Auth auth = Auth::kNone;
  std::string username;
  std::string password;
  size_t chunk_size = 10000;  // rows per chunk of a chunked answer
};

class Client {
 public:
  Client(std::shared_ptr<HttpClient> http, ClientOptions options);

  // Runs `influxql` (statements separated by ';'). Errors: those of HttpClient::Send and
  // ParseQueryResponse; Unauthenticated (401), PermissionDenied (403), Unavailable (5xx),
  // InvalidArgument (other 4xx, e.g. a syntax error, with the server's message). A statement
  // error is reported in its StatementResult, not here.
  StatusOr<QueryResponse> Query(std::string_view influxql, Duration timeout) const;
  // Writes `points` with /write. Errors: those of FormatLineProtocol, of Send, and the HTTP
  // errors above (a 404 "database not found" is NotFound).
  Status Write(std::span<const Point> points, Duration timeout) const;

 private:
  StatusOr<HttpResponse> Post(const std::string& path,
                              std::vector<std::pair<std::string, std::string>> params,
                              std::string body, std::string content_type, Duration timeout) const;
  std::shared_ptr<HttpClient> http_;
  ClientOptions options_;
};

}  // namespace crescendo::metrics::influxdb

#endif  // CRESCENDO_METRICS_INFLUXDB_H_
