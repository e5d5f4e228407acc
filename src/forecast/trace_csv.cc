#include "forecast/trace_csv.h"

#include <algorithm>
#include <string_view>

#include "crescendo/base/text.h"
#include "crescendo/format/csv.h"
#include "crescendo/format/file.h"
#include "forecast/point_model.h"

namespace crescendo::forecast {
namespace {

using format::CsvField;

// Recorded series for backtests: a year of one-second samples is about 32 million rows.
constexpr size_t kMaxSeriesBytes = size_t{1} << 30;

std::string ColumnName(size_t index) { return "column " + std::to_string(index + 1); }

StatusOr<Timestamp> ParseTime(const std::string& file, int line, const CsvField& field,
                              size_t index, TimeFormat format) {
  if (format == TimeFormat::kUnixSeconds) {
    CRESCENDO_ASSIGN_OR_RETURN(std::optional<double> seconds,
                               format::CsvNumber(file, line, field, ColumnName(index), {}));
    return FromUnixSeconds(*seconds);
  }
  std::string rfc3339 = field.text;
  if (rfc3339.size() == 19 && rfc3339[10] == ' ') {
    rfc3339[10] = 'T';
    if (StatusOr<Timestamp> t = ParseRfc3339(rfc3339 + "Z"); t.ok()) return t;
  }
  return format::CsvError(file, line, field, ColumnName(index), QuoteExcerpt(field.text),
                          "a time such as 1995-07-01 00:00:00");
}

StatusOr<Sample> ParseRow(const std::string& file, const format::CsvRow& row,
                          const CsvSeriesFormat& format) {
  const size_t needed = std::max(format.time_column, format.value_column) + 1;
  if (row.fields.size() < needed) {
    return format::LocatedError(format::Location::InFile(file, row.line, 0), "row",
                                std::to_string(row.fields.size()) + " columns",
                                "at least " + std::to_string(needed) + " columns");
  }
  CRESCENDO_ASSIGN_OR_RETURN(
      Timestamp time, ParseTime(file, row.line, row.fields[format.time_column], format.time_column,
                                format.time_format));
  CRESCENDO_ASSIGN_OR_RETURN(std::optional<double> value,
                             format::CsvNumber(file, row.line, row.fields[format.value_column],
                                               ColumnName(format.value_column), {}));
  return Sample{time, *value};
}

}  // namespace

StatusOr<std::vector<Sample>> ReadCsvSeries(const std::string& path,
                                            const CsvSeriesFormat& format) {
  CRESCENDO_ASSIGN_OR_RETURN(std::string text, format::ReadFile(path, kMaxSeriesBytes));
  format::CsvOptions options;
  options.dialect.delimiter = format.delimiter;
  options.header = format.header;
  CRESCENDO_ASSIGN_OR_RETURN(format::CsvTable table, format::ParseCsv(text, path, options));
  std::vector<Sample> rows;
  rows.reserve(table.rows.size());
  for (const format::CsvRow& row : table.rows) {
    CRESCENDO_ASSIGN_OR_RETURN(Sample sample, ParseRow(path, row, format));
    rows.push_back(sample);
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
