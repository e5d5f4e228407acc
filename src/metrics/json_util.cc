#include "metrics/json_util.h"

#include <algorithm>
#include <cctype>

namespace crescendo::metrics::json {

std::string JsonPath::str() const {
  if (segments_.empty()) return "(document root)";
  std::string out;
  for (const Segment& segment : segments_) {
    if (segment.is_index) {
      out += "[" + std::to_string(segment.index) + "]";
    } else {
      if (!out.empty()) out.push_back('.');
      out.append(segment.key);
    }
  }
  return out;
}

Status Fail(const JsonPath& path, std::string_view expected, simdjson::error_code error) {
  std::string reason = simdjson::error_message(error);
  if (error == simdjson::INCORRECT_TYPE) reason = "found a value of another JSON type";
  return InvalidArgumentError(path.str() + ": expected " + std::string(expected) + " (" + reason +
                              ")");
}

Status ParseStringArray(simdjson::dom::element value, JsonPath& path,
                        std::vector<std::string>& out) {
  simdjson::dom::array array;
  if (auto error = value.get_array().get(array)) return Fail(path, "an array of strings", error);
  size_t index = 0;
  for (simdjson::dom::element element : array) {
    path.Push(index++);
    std::string_view text;
    if (auto error = element.get_string().get(text)) return Fail(path, "a string", error);
    out.emplace_back(text);
    path.Pop();
  }
  return Status::Ok();
}

StatusOr<simdjson::dom::object> ParseObject(std::string_view body) {
  thread_local simdjson::dom::parser parser;
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || body[first] != '{') {
    return InvalidArgumentError("expected a JSON object, found " + DescribeNonJson(body));
  }
  simdjson::dom::object object;
  if (auto error = parser.parse(body.data(), body.size()).get_object().get(object)) {
    return InvalidArgumentError(std::string("malformed or truncated JSON (") +
                                simdjson::error_message(error) + ")");
  }
  return object;
}

std::string DescribeNonJson(std::string_view body) {
  if (body.empty()) return "an empty body";
  std::string lower(body.substr(0, 256));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("<html") != std::string::npos || lower.find("<!doctype") != std::string::npos) {
    return "an HTML page";
  }
  std::string excerpt(body.substr(0, 60));
  std::replace_if(
      excerpt.begin(), excerpt.end(), [](unsigned char c) { return c < 0x20; }, ' ');
  return "text starting with '" + excerpt + "'";
}

}  // namespace crescendo::metrics::json
