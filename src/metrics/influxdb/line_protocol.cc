// Line protocol: measurement[,tag=value...] field=value[,field=value...] [timestamp-ns]
// Escaping (InfluxDB 1.x line protocol reference): measurement: comma, space; tag keys, tag
// values and field keys: comma, equals sign, space; string field values: double quote, backslash.
#include <cmath>
#include <cstdio>

#include "crescendo/metrics/influxdb.h"

namespace crescendo::metrics::influxdb {
namespace {

void AppendEscaped(std::string& out, std::string_view text, std::string_view specials) {
  for (char c : text) {
    if (specials.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
}

Status AppendField(std::string& out, const FieldValue& value, const std::string& where) {
  if (const double* d = std::get_if<double>(&value)) {
    if (!std::isfinite(*d)) {
      return InvalidArgumentError(where +
                                  ": a float field must be finite; line protocol cannot "
                                  "carry NaN or Inf");
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", *d);
    out += buffer;
  } else if (const int64_t* i = std::get_if<int64_t>(&value)) {
    out += std::to_string(*i) + "i";
  } else if (const bool* b = std::get_if<bool>(&value)) {
    out += *b ? "true" : "false";
  } else {
    out.push_back('"');
    AppendEscaped(out, std::get<std::string>(value), "\"\\");
    out.push_back('"');
  }
  return Status::Ok();
}

Status AppendPoint(std::string& out, const Point& point, size_t index) {
  const std::string where =
      "line protocol: point " + std::to_string(index) + " (" + point.measurement + ")";
  if (point.measurement.empty()) return InvalidArgumentError(where + ": empty measurement");
  if (point.fields.empty()) return InvalidArgumentError(where + ": expected at least one field");
  AppendEscaped(out, point.measurement, ", ");
  for (const auto& [key, value] : point.tags) {
    if (key.empty() || value.empty()) {
      return InvalidArgumentError(where + ": tag \"" + key +
                                  "\": keys and values must be non-empty");
    }
    out.push_back(',');
    AppendEscaped(out, key, ",= ");
    out.push_back('=');
    AppendEscaped(out, value, ",= ");
  }
  char separator = ' ';
  for (const auto& [key, value] : point.fields) {
    out.push_back(separator);
    separator = ',';
    AppendEscaped(out, key, ",= ");
    out.push_back('=');
    CRESCENDO_RETURN_IF_ERROR(AppendField(out, value, where + ": field \"" + key + "\""));
  }
  if (point.time) out += " " + std::to_string(point.time->time_since_epoch().count());
  out.push_back('\n');
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> FormatLineProtocol(std::span<const Point> points) {
  std::string out;
  for (size_t i = 0; i < points.size(); ++i) {
    CRESCENDO_RETURN_IF_ERROR(AppendPoint(out, points[i], i));
  }
  return out;
}

}  // namespace crescendo::metrics::influxdb
