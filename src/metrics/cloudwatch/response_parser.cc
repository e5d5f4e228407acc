#include <cmath>

#include "metrics/cloudwatch/cloudwatch.h"
#include "metrics/json_util.h"

namespace crescendo::metrics::cloudwatch {
namespace {

namespace dom = simdjson::dom;
using json::Fail;
using json::JsonPath;

Status ParseNumbers(dom::element value, JsonPath& path, std::vector<double>& out) {
  dom::array array;
  if (auto error = value.get_array().get(array)) return Fail(path, "an array of numbers", error);
  size_t index = 0;
  for (dom::element element : array) {
    path.Push(index++);
    double number = 0;
    if (auto error = element.get_double().get(number)) return Fail(path, "a number", error);
    out.push_back(number);
    path.Pop();
  }
  return Status::Ok();
}

Status ParseString(dom::element value, JsonPath& path, std::string& out) {
  std::string_view text;
  if (auto error = value.get_string().get(text)) return Fail(path, "a string", error);
  out = std::string(text);
  return Status::Ok();
}

Status ParseResult(dom::element value, JsonPath& path, DataResult& out) {
  dom::object object;
  if (auto error = value.get_object().get(object)) return Fail(path, "a result object", error);
  std::vector<double> times, values;
  for (dom::key_value_pair field : object) {
    path.Push(field.key);
    if (field.key == "Id") {
      CRESCENDO_RETURN_IF_ERROR(ParseString(field.value, path, out.id));
    } else if (field.key == "Label") {
      CRESCENDO_RETURN_IF_ERROR(ParseString(field.value, path, out.label));
    } else if (field.key == "StatusCode") {
      CRESCENDO_RETURN_IF_ERROR(ParseString(field.value, path, out.status_code));
    } else if (field.key == "Timestamps") {
      CRESCENDO_RETURN_IF_ERROR(ParseNumbers(field.value, path, times));
    } else if (field.key == "Values") {
      CRESCENDO_RETURN_IF_ERROR(ParseNumbers(field.value, path, values));
    }
    path.Pop();
  }
  if (times.size() != values.size()) {
    return InvalidArgumentError(path.str() + ": " + std::to_string(times.size()) +
                                " Timestamps but " + std::to_string(values.size()) +
                                " Values; expected as many of each");
  }
  for (size_t i = 0; i < times.size(); ++i) {
    if (!std::isfinite(times[i]) || std::fabs(times[i]) > 1e11) {
      return InvalidArgumentError(path.str() + ".Timestamps[" + std::to_string(i) +
                                  "]: Unix time out of range");
    }
    out.points.push_back(
        {Timestamp(std::chrono::milliseconds(std::llround(times[i] * 1000.0))), values[i]});
  }
  return Status::Ok();
}

Status ParseMessages(dom::element value, JsonPath& path, std::vector<std::string>& out) {
  dom::array array;
  if (auto error = value.get_array().get(array)) return Fail(path, "an array of messages", error);
  for (dom::element element : array) {
    std::string_view code, text;
    if (element["Code"].get_string().get(code) == simdjson::SUCCESS &&
        element["Value"].get_string().get(text) == simdjson::SUCCESS) {
      out.push_back(std::string(code) + ": " + std::string(text));
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<DataPage> ParseGetMetricDataResponse(std::string_view body) {
  StatusOr<dom::object> root = json::ParseObject(body);
  if (!root.ok()) return root.status().WithContext("CloudWatch GetMetricData response");
  DataPage page;
  JsonPath path;
  bool have_results = false;
  for (dom::key_value_pair field : *root) {
    path.Push(field.key);
    if (field.key == "MetricDataResults") {
      have_results = true;
      dom::array results;
      if (auto error = field.value.get_array().get(results)) {
        return Fail(path, "an array of results", error).WithContext("CloudWatch response");
      }
      size_t index = 0;
      for (dom::element result : results) {
        path.Push(index++);
        page.results.emplace_back();
        Status status = ParseResult(result, path, page.results.back());
        if (!status.ok()) return status.WithContext("CloudWatch response");
        path.Pop();
      }
    } else if (field.key == "NextToken" && !field.value.is_null()) {
      Status status = ParseString(field.value, path, page.next_token);
      if (!status.ok()) return status.WithContext("CloudWatch response");
    } else if (field.key == "Messages") {
      Status status = ParseMessages(field.value, path, page.messages);
      if (!status.ok()) return status.WithContext("CloudWatch response");
    }
    path.Pop();
  }
  if (!have_results) {
    return InvalidArgumentError("CloudWatch response: missing field MetricDataResults");
  }
  return page;
}

}  // namespace crescendo::metrics::cloudwatch
