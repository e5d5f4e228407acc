#include "forecast/trace_csv.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <string_view>

#include "forecast/point_model.h"

namespace crescendo::forecast {
namespace {

std::vector<std::string_view> SplitLine(std::string_view line, char delimiter) {
  std::vector<std::string_view> fields;
  size_t begin = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == delimiter) {
      fields.push_back(line.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  return fields;
}

StatusOr<double> ParseNumber(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return InvalidArgumentError("expected a number, found '" + std::string(text) + "'");
  }
  return v;
}

StatusOr<Timestamp> ParseTime(std::string_view text, TimeFormat format) {
  if (format == TimeFormat::kUnixSeconds) {
    CRESCENDO_ASSIGN_OR_RETURN(double seconds, ParseNumber(text));
    return FromUnixSeconds(seconds);
  }
  std::string rfc3339(text);
  if (rfc3339.size() != 19 || rfc3339[10] != ' ') {
    return InvalidArgumentError("expected a time such as 1995-07-01 00:00:00, found '" + rfc3339 +
                                "'");
  }
  rfc3339[10] = 'T';
  return ParseRfc3339(rfc3339 + "Z");
}

StatusOr<Sample> ParseRow(std::string_view line, const CsvSeriesFormat& format) {
  const std::vector<std::string_view> fields = SplitLine(line, format.delimiter);
  const size_t needed = std::max(format.time_column, format.value_column) + 1;
  if (fields.size() < needed) {
    return InvalidArgumentError("expected at least " + std::to_string(needed) + " columns, found " +
                                std::to_string(fields.size()));
  }
  StatusOr<Timestamp> time = ParseTime(fields[format.time_column], format.time_format);
  if (!time.ok()) {
    return time.status().WithContext("column " + std::to_string(format.time_column + 1));
  }
  StatusOr<double> value = ParseNumber(fields[format.value_column]);
  if (!value.ok()) {
    return value.status().WithContext("column " + std::to_string(format.value_column + 1));
  }
  return Sample{*time, *value};
}

}  // namespace

StatusOr<std::vector<Sample>> ReadCsvSeries(const std::string& path,
                                            const CsvSeriesFormat& format) {
  std::ifstream in(path);
  if (!in) return NotFoundError(path + ": cannot open the file");
  std::vector<Sample> rows;
  std::string line;
  for (int line_number = 1; std::getline(in, line); ++line_number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (format.header && line_number == 1)) continue;
    StatusOr<Sample> row = ParseRow(line, format);
    if (!row.ok()) return row.status().WithContext(path + ":" + std::to_string(line_number));
    rows.push_back(*row);
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Sample& a, const Sample& b) { return a.time < b.time; });
  std::vector<Sample> out;  // of equal times, the last row
  for (const Sample& s : rows) {
    if (!out.empty() && out.back().time == s.time) {
      out.back() = s;
    } else {
      out.push_back(s);
    }
  }
  return out;
}

std::vector<Sample> ResampleToGrid(std::span<const Sample> samples, Duration step,
                                   Aggregation aggregation) {
  std::vector<Sample> out;
  int64_t current = 0, count = 0;
  double sum = 0;
  auto flush = [&] {
    if (count == 0) return;
    const double value = aggregation == Aggregation::kSum ? sum : sum / static_cast<double>(count);
    out.push_back({Timestamp(step * current), value});
  };
  for (const Sample& s : samples) {
    const int64_t slot = FloorDiv(s.time.time_since_epoch().count(), step.count());
    if (count > 0 && slot != current) {
      flush();
      sum = 0, count = 0;
    }
    current = slot;
    sum += s.value;
    ++count;
  }
  flush();
  return out;
}

}  // namespace crescendo::forecast
