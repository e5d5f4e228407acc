// Parses Prometheus HTTP API answers with simdjson (see json_util.h), decoding values straight
// into Series. Every error names the JSON path where it happened.
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "metrics/common/text_arena.h"
#include "metrics/json_util.h"
#include "metrics/prometheus/prometheus.h"

namespace crescendo::metrics::prometheus {
namespace {

namespace dom = simdjson::dom;
using json::Fail;
using json::JsonPath;

// Parses a sample value as Prometheus formats it (strconv.FormatFloat 'f'/'e', "NaN", "+Inf",
// "-Inf"; see prometheus/prometheus web/api/v1/api.go, marshalPointJSON).
StatusOr<double> ParseSampleValue(std::string_view text, const JsonPath& path) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return InvalidArgumentError(path.str() +
                                ": expected a sample value such as \"1.5\", \"NaN\" "
                                "or \"+Inf\", found \"" +
                                std::string(text.substr(0, 40)) + "\"");
  }
  return value;
}

Timestamp FromUnixSecondsMillis(double seconds) {
  return Timestamp(std::chrono::milliseconds(std::llround(seconds * 1000.0)));
}

// Parses [<unix seconds>, "<value>"].
Status ParsePoint(dom::element point, JsonPath& path, Sample& out) {
  dom::array pair;
  if (auto error = point.get_array().get(pair)) {
    return Fail(path, "a [time, \"value\"] pair", error);
  }
  size_t index = 0;
  for (dom::element v : pair) {
    path.Push(index);
    if (index == 0) {
      double seconds = 0;
      if (auto error = v.get_double().get(seconds)) return Fail(path, "a Unix time number", error);
      if (!std::isfinite(seconds) || std::fabs(seconds) > 1e11) {
        return InvalidArgumentError(path.str() + ": Unix time out of range");
      }
      out.time = FromUnixSecondsMillis(seconds);
    } else if (index == 1) {
      std::string_view text;
      if (auto error = v.get_string().get(text)) return Fail(path, "a value string", error);
      CRESCENDO_ASSIGN_OR_RETURN(out.value, ParseSampleValue(text, path));
    } else {
      return InvalidArgumentError(path.str() + ": expected a pair, found a third element");
    }
    path.Pop();
    ++index;
  }
  if (index != 2) {
    return InvalidArgumentError(path.str() + ": expected 2 elements, found " +
                                std::to_string(index));
  }
  return Status::Ok();
}

// Copies label text into the arena, reusing the previous series' text where a label repeats
// (metric name, job, namespace...), so a large answer costs one copy per distinct value.
class LabelText {
 public:
  explicit LabelText(TextArena& arena) : arena_(arena) {}

  void Add(std::string_view name, std::string_view value, Labels& out) {
    const size_t i = out.size();
    if (i < previous_.size() && previous_[i].first == name) {
      const std::string_view same_value =
          previous_[i].second == value ? previous_[i].second : arena_.Copy(value);
      out.emplace_back(previous_[i].first, same_value);
      return;
    }
    out.emplace_back(arena_.Copy(name), arena_.Copy(value));
  }
  void Finish(const Labels& labels) { previous_ = labels; }

 private:
  TextArena& arena_;
  Labels previous_;
};

Status ParseLabels(dom::element value, JsonPath& path, LabelText& text, Labels& out) {
  dom::object object;
  if (auto error = value.get_object().get(object)) return Fail(path, "a label object", error);
  out.reserve(object.size());
  for (dom::key_value_pair field : object) {
    path.Push(field.key);
    std::string_view label_value;
    if (auto error = field.value.get_string().get(label_value)) {
      return Fail(path, "a label value string", error);
    }
    text.Add(field.key, label_value, out);
    path.Pop();
  }
  text.Finish(out);
  return Status::Ok();
}

Status ParseValues(dom::element value, JsonPath& path, std::vector<Sample>& out) {
  dom::array points;
  if (auto error = value.get_array().get(points)) return Fail(path, "an array of points", error);
  size_t index = 0;
  for (dom::element point : points) {
    path.Push(index++);
    Sample sample;
    CRESCENDO_RETURN_IF_ERROR(ParsePoint(point, path, sample));
    out.push_back(sample);
    path.Pop();
  }
  return Status::Ok();
}

Status ParseSeries(dom::element value, JsonPath& path, LabelText& text, QueryResult& result) {
  dom::object object;
  if (auto error = value.get_object().get(object)) return Fail(path, "a series object", error);
  Series series;
  for (dom::key_value_pair field : object) {
    const std::string_view key = field.key;
    const dom::element v = field.value;
    path.Push(key);
    if (key == "metric") {
      CRESCENDO_RETURN_IF_ERROR(ParseLabels(v, path, text, series.labels));
    } else if (key == "value") {
      Sample sample;
      CRESCENDO_RETURN_IF_ERROR(ParsePoint(v, path, sample));
      series.samples.push_back(sample);
    } else if (key == "values") {
      CRESCENDO_RETURN_IF_ERROR(ParseValues(v, path, series.samples));
    } else if (key == "histogram" || key == "histograms") {
      ++result.skipped_histograms;
    }
    path.Pop();
  }
  result.series.push_back(std::move(series));
  return Status::Ok();
}

Status ParseResult(dom::element value, JsonPath& path, TextArena& arena, QueryResult& result) {
  if (result.type == ResultType::kScalar || result.type == ResultType::kString) {
    Series series;
    series.samples.emplace_back();
    if (result.type == ResultType::kString) {  // [time, "text"]: keep the time, value NaN
      dom::array pair;
      if (auto error = value.get_array().get(pair)) return Fail(path, "a [time, text] pair", error);
      double seconds = 0;
      if (auto error = pair.at(0).get_double().get(seconds)) return Fail(path, "a time", error);
      series.samples.back() = {FromUnixSecondsMillis(seconds),
                               std::numeric_limits<double>::quiet_NaN()};
    } else {
      CRESCENDO_RETURN_IF_ERROR(ParsePoint(value, path, series.samples.back()));
    }
    result.series.push_back(std::move(series));
    return Status::Ok();
  }
  dom::array array;
  if (auto error = value.get_array().get(array)) return Fail(path, "an array of series", error);
  result.series.reserve(array.size());
  LabelText text(arena);
  size_t index = 0;
  for (dom::element series : array) {
    path.Push(index++);
    CRESCENDO_RETURN_IF_ERROR(ParseSeries(series, path, text, result));
    path.Pop();
  }
  return Status::Ok();
}

StatusOr<ResultType> ParseResultType(std::string_view text, const JsonPath& path) {
  if (text == "vector") return ResultType::kVector;
  if (text == "matrix") return ResultType::kMatrix;
  if (text == "scalar") return ResultType::kScalar;
  if (text == "string") return ResultType::kString;
  return InvalidArgumentError(path.str() + ": expected vector, matrix, scalar or string, found \"" +
                              std::string(text.substr(0, 40)) + "\"");
}

// "data" must name resultType before result (Prometheus always writes it first).
Status ParseData(dom::element value, JsonPath& path, TextArena& arena, QueryResult& result) {
  dom::object object;
  if (auto error = value.get_object().get(object)) return Fail(path, "a data object", error);
  bool have_type = false;
  for (dom::key_value_pair field : object) {
    const std::string_view key = field.key;
    const dom::element v = field.value;
    path.Push(key);
    if (key == "resultType") {
      std::string_view text;
      if (auto error = v.get_string().get(text)) return Fail(path, "a string", error);
      CRESCENDO_ASSIGN_OR_RETURN(result.type, ParseResultType(text, path));
      have_type = true;
    } else if (key == "result") {
      if (!have_type) return InvalidArgumentError(path.str() + ": found before data.resultType");
      CRESCENDO_RETURN_IF_ERROR(ParseResult(v, path, arena, result));
    }
    path.Pop();
  }
  if (!have_type) return InvalidArgumentError("data: missing field resultType");
  return Status::Ok();
}

Status ErrorFromType(std::string_view type, std::string_view message) {
  std::string text = "Prometheus error (" + std::string(type) + "): " + std::string(message);
  if (type == "timeout") return DeadlineExceededError(std::move(text));
  if (type == "unavailable") return UnavailableError(std::move(text));
  if (type == "not_found") return NotFoundError(std::move(text));
  if (type == "internal") return InternalError(std::move(text));
  if (type == "canceled") return Status(StatusCode::kCancelled, std::move(text));
  return InvalidArgumentError(std::move(text));  // bad_data, execution, unknown kinds
}

struct Envelope {
  std::string status;
  std::string error_type;
  std::string error;
  bool have_data = false;
};

Status ParseRoot(dom::object root, TextArena& arena, QueryResult& result, Envelope& envelope) {
  JsonPath path;
  for (dom::key_value_pair field : root) {
    const std::string_view key = field.key;
    const dom::element v = field.value;
    path.Push(key);
    if (key == "status" || key == "errorType" || key == "error") {
      std::string_view text;
      if (auto error = v.get_string().get(text)) return Fail(path, "a string", error);
      (key == "status"  ? envelope.status
       : key == "error" ? envelope.error
                        : envelope.error_type) = std::string(text);
    } else if (key == "data" && !v.is_null()) {
      envelope.have_data = true;
      CRESCENDO_RETURN_IF_ERROR(ParseData(v, path, arena, result));
    } else if (key == "warnings") {
      CRESCENDO_RETURN_IF_ERROR(json::ParseStringArray(v, path, result.warnings));
    }
    path.Pop();
  }
  return Status::Ok();
}

}  // namespace

std::string_view Series::Label(std::string_view name) const {
  for (const auto& [key, value] : labels) {
    if (key == name) return value;
  }
  return {};
}

StatusOr<QueryResult> ParseQueryResponse(std::string_view body) {
  StatusOr<dom::object> root = json::ParseObject(body);
  if (!root.ok()) return root.status().WithContext("Prometheus response");
  QueryResult result;
  auto arena = std::make_shared<TextArena>();
  Envelope envelope;
  Status status = ParseRoot(*root, *arena, result, envelope);
  result.text = std::move(arena);
  if (!status.ok()) return status.WithContext("Prometheus response");
  if (envelope.status == "error") return ErrorFromType(envelope.error_type, envelope.error);
  if (envelope.status != "success") {
    return InvalidArgumentError(
        "Prometheus response: status: expected \"success\" or \"error\", "
        "found \"" +
        envelope.status + "\"");
  }
  if (!envelope.have_data) return InvalidArgumentError("Prometheus response: missing field data");
  return result;
}

}  // namespace crescendo::metrics::prometheus
