// Shared helpers for the On-Demand JSON parsers of the metric sources (private to the layer).
//
// The parsers use simdjson's DOM API, which picks the fastest kernel for the CPU at run time
// (the On-Demand API would be fixed at compile time to the portable fallback kernel).
// JsonPath tracks where the parser is ("data.result[3].value[1]") so every error names the place.
//
// Thread safety: ParseObject uses a thread-local parser; the element it returns is valid until the
// same thread calls ParseObject again.
#ifndef CRESCENDO_SRC_METRICS_JSON_UTIL_H_
#define CRESCENDO_SRC_METRICS_JSON_UTIL_H_

#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"

namespace crescendo::metrics::json {

class JsonPath {
 public:
  // REQUIRES: `key` outlives this path's use (On-Demand keys live as long as the document).
  void Push(std::string_view key) { segments_.push_back({key, 0, false}); }
  void Push(size_t index) { segments_.push_back({{}, index, true}); }
  void Pop() { segments_.pop_back(); }
  // Returns e.g. "data.result[3].value[1]", or "(document root)" when empty.
  std::string str() const;

 private:
  struct Segment {
    std::string_view key;
    size_t index;
    bool is_index;
  };
  std::vector<Segment> segments_;
};

// Returns InvalidArgument "<path>: expected <expected> (<simdjson reason>)".
Status Fail(const JsonPath& path, std::string_view expected, simdjson::error_code error);

// Appends the strings of a JSON array of strings to `out`.
Status ParseStringArray(simdjson::dom::element value, JsonPath& path,
                        std::vector<std::string>& out);

// Parses `body`, which must hold exactly one JSON object, and returns that object.
// Errors: InvalidArgument for a body that is not a JSON object (empty, an HTML page, text),
// malformed or truncated JSON, or nesting deeper than 1024 levels, naming the reason.
StatusOr<simdjson::dom::object> ParseObject(std::string_view body);

// Describes what a body looks like when it is not the JSON expected, for error messages:
// "an HTML page", "an empty body", or "text starting with '...'".
std::string DescribeNonJson(std::string_view body);

}  // namespace crescendo::metrics::json

#endif  // CRESCENDO_SRC_METRICS_JSON_UTIL_H_
