#include <cmath>
#include <limits>
#include <map>

#include "crescendo/metrics/influxdb.h"
#include "metrics/json_util.h"

namespace crescendo::metrics::influxdb {
namespace {

namespace dom = simdjson::dom;
using json::Fail;
using json::JsonPath;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

StatusOr<Timestamp> ParseTime(dom::element value, const JsonPath& path) {
  int64_t ms = 0;
  if (value.get_int64().get(ms) == simdjson::SUCCESS) {
    return Timestamp(std::chrono::milliseconds(ms));
  }
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) {
    StatusOr<Timestamp> time = ParseRfc3339(text);
    if (time.ok()) return time;
  }
  return InvalidArgumentError(path.str() +
                              ": expected a time (integer epoch milliseconds or "
                              "RFC 3339 text)");
}

double ToNumber(dom::element value) {
  double number = 0;
  if (value.get_double().get(number) == simdjson::SUCCESS) return number;
  bool flag = false;
  if (value.get_bool().get(flag) == simdjson::SUCCESS) return flag ? 1.0 : 0.0;
  return kNaN;  // null or text
}

Status ParseRows(dom::element value, JsonPath& path, Series& series) {
  dom::array rows;
  if (auto error = value.get_array().get(rows)) return Fail(path, "an array of rows", error);
  size_t index = 0;
  for (dom::element row_element : rows) {
    path.Push(index++);
    dom::array row;
    if (auto error = row_element.get_array().get(row)) return Fail(path, "a row array", error);
    if (row.size() != series.columns.size() || row.size() == 0) {
      return InvalidArgumentError(path.str() + ": " + std::to_string(row.size()) +
                                  " values; expected one per column (" +
                                  std::to_string(series.columns.size()) + ")");
    }
    std::vector<double> values;
    values.reserve(row.size() - 1);
    bool first = true;
    for (dom::element cell : row) {
      if (first) {
        CRESCENDO_ASSIGN_OR_RETURN(Timestamp time, ParseTime(cell, path));
        series.times.push_back(time);
        first = false;
      } else {
        values.push_back(ToNumber(cell));
      }
    }
    series.rows.push_back(std::move(values));
    path.Pop();
  }
  return Status::Ok();
}

// Parses one series object; `partial` tells whether it continues in the next chunk.
Status ParseSeries(dom::element value, JsonPath& path, Series& series, bool& partial) {
  dom::object object;
  if (auto error = value.get_object().get(object)) return Fail(path, "a series object", error);
  dom::element values;
  bool have_values = false;
  for (dom::key_value_pair field : object) {
    path.Push(field.key);
    if (field.key == "name") {
      std::string_view name;
      if (auto error = field.value.get_string().get(name)) return Fail(path, "a string", error);
      series.name = std::string(name);
    } else if (field.key == "tags") {
      dom::object tags;
      if (auto error = field.value.get_object().get(tags)) return Fail(path, "an object", error);
      for (dom::key_value_pair tag : tags) {
        std::string_view text;
        if (auto error = tag.value.get_string().get(text)) {
          path.Push(tag.key);
          return Fail(path, "a tag value string", error);
        }
        series.tags.emplace_back(std::string(tag.key), std::string(text));
      }
    } else if (field.key == "columns") {
      CRESCENDO_RETURN_IF_ERROR(json::ParseStringArray(field.value, path, series.columns));
    } else if (field.key == "values") {
      values = field.value;  // parsed once the columns are known
      have_values = true;
    } else if (field.key == "partial") {
      if (auto error = field.value.get_bool().get(partial)) return Fail(path, "a boolean", error);
    }
    path.Pop();
  }
  if (have_values) {
    path.Push("values");
    CRESCENDO_RETURN_IF_ERROR(ParseRows(values, path, series));
    path.Pop();
  }
  return Status::Ok();
}

struct Joiner {
  std::map<int64_t, StatementResult> statements;
  std::map<int64_t, bool> open_series;  // the statement's last series continues

  void Add(int64_t id, Series series, bool partial) {
    StatementResult& statement = statements[id];
    statement.statement_id = static_cast<int>(id);
    bool& open = open_series[id];
    if (open && !statement.series.empty() && statement.series.back().name == series.name &&
        statement.series.back().tags == series.tags) {
      Series& last = statement.series.back();
      last.times.insert(last.times.end(), series.times.begin(), series.times.end());
      last.rows.insert(last.rows.end(), series.rows.begin(), series.rows.end());
    } else {
      statement.series.push_back(std::move(series));
    }
    open = partial;
  }
};

Status ParseStatement(dom::element value, JsonPath& path, Joiner& joiner) {
  dom::object object;
  if (auto error = value.get_object().get(object)) return Fail(path, "a result object", error);
  int64_t id = 0;
  if (object["statement_id"].get_int64().get(id) != simdjson::SUCCESS) id = 0;
  joiner.statements[id].statement_id = static_cast<int>(id);
  for (dom::key_value_pair field : object) {
    path.Push(field.key);
    if (field.key == "error") {
      std::string_view text;
      if (auto error = field.value.get_string().get(text)) return Fail(path, "a string", error);
      joiner.statements[id].error = std::string(text);
    } else if (field.key == "series") {
      dom::array array;
      if (auto error = field.value.get_array().get(array)) return Fail(path, "an array", error);
      size_t index = 0;
      for (dom::element element : array) {
        path.Push(index++);
        Series series;
        bool partial = false;
        CRESCENDO_RETURN_IF_ERROR(ParseSeries(element, path, series, partial));
        joiner.Add(id, std::move(series), partial);
        path.Pop();
      }
    }
    path.Pop();
  }
  return Status::Ok();
}

Status ParseChunk(std::string_view text, Joiner& joiner) {
  CRESCENDO_ASSIGN_OR_RETURN(dom::object root, json::ParseObject(text));
  JsonPath path;
  for (dom::key_value_pair field : root) {
    path.Push(field.key);
    if (field.key == "error") {
      std::string_view message;
      if (auto error = field.value.get_string().get(message)) return Fail(path, "a string", error);
      return InvalidArgumentError("InfluxDB error: " + std::string(message));
    }
    if (field.key == "results") {
      dom::array results;
      if (auto error = field.value.get_array().get(results)) return Fail(path, "an array", error);
      size_t index = 0;
      for (dom::element result : results) {
        path.Push(index++);
        CRESCENDO_RETURN_IF_ERROR(ParseStatement(result, path, joiner));
        path.Pop();
      }
    }
    path.Pop();
  }
  return Status::Ok();
}

QueryResponse Joined(Joiner& joiner) {
  QueryResponse response;
  for (auto& [id, statement] : joiner.statements) response.results.push_back(std::move(statement));
  return response;
}

}  // namespace

std::string_view Series::Tag(std::string_view tag) const {
  for (const auto& [key, value] : tags) {
    if (key == tag) return value;
  }
  return {};
}

// Parses the body as one object, or as one object per line (chunked).
StatusOr<QueryResponse> ParseQueryResponse(std::string_view body) {
  Joiner joiner;
  const Status whole = ParseChunk(body, joiner);
  if (whole.ok()) return Joined(joiner);
  const size_t last = body.find_last_not_of(" \t\r\n");
  const bool several_lines = last != std::string_view::npos && body.find('\n') < last;
  if (!several_lines) return whole.WithContext("InfluxDB response");
  joiner = Joiner();
  size_t chunk = 0;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view line = body.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    ++chunk;
    Status status = ParseChunk(line, joiner);
    if (!status.ok()) {
      return status.WithContext("InfluxDB response, chunk " + std::to_string(chunk));
    }
  }
  return Joined(joiner);
}

}  // namespace crescendo::metrics::influxdb
