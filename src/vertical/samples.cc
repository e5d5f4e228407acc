#include "crescendo/vertical/samples.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "crescendo/base/text.h"
#include "crescendo/format/csv.h"
#include "crescendo/format/location.h"

namespace crescendo::vertical {
namespace {

constexpr std::array<const char*, 6> kRequired = {"timestamp", "pod",    "container",
                                                  "cpu",       "memory", "event"};
constexpr std::array<const char*, 2> kOptional = {"cpu_request", "memory_request"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Limits of one sample (docs/vertical.md): far above any real container, low enough that the
// histograms' sums and exponential weights stay finite.
constexpr double kMaxCpuCores = 1e6;
constexpr double kMaxMemoryBytes = 1e18;
// Times from 1970-01-01 to 2200-01-01 (unix seconds): nanoseconds since 1970 and the span
// between any two such times fit in 64 bits.
constexpr double kMinUnixSeconds = 0;
constexpr double kMaxUnixSeconds = 7258118400.0;
// A Kubernetes object name is at most 253 bytes (a DNS subdomain).
constexpr size_t kMaxNameBytes = 253;

// Returns format's one located error: "SOURCE:LINE[:COLUMN]: FIELD: found F, expected E"
// (column 0, for JSON lines, leaves the column out).
Status LineError(std::string_view source, int line, int column, std::string_view field,
                 std::string_view found, std::string_view expected) {
  return format::LocatedError(format::Location::InFile(std::string(source), line, column), field,
                              found, expected);
}

// Returns the non-blank lines of `text` with their 1-based numbers.
std::vector<std::pair<int, std::string_view>> NonBlankLines(std::string_view text) {
  std::vector<std::pair<int, std::string_view>> lines;
  int line_no = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_no;
    if (!Trim(line).empty()) lines.emplace_back(line_no, line);
  }
  return lines;
}

std::optional<double> ParseNumber(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

// A row's fields by column name, whatever the input format; an empty text means absent. A JSON
// line's fields have column 0 (no column is known).
using Row = std::map<std::string, format::CsvField>;

Status Amount(const Row& row, const char* field, std::string_view source, int line, double max,
              std::optional<double>* out) {
  auto it = row.find(field);
  if (it == row.end()) return Status::Ok();
  CRESCENDO_ASSIGN_OR_RETURN(*out, format::CsvNumber(std::string(source), line, it->second, field,
                                                     {0, max, false, /*empty_ok=*/true}));
  return Status::Ok();
}

StatusOr<UsageRecord> RecordFromRow(const Row& row, std::string_view source, int line) {
  UsageRecord r;
  r.line = line;
  const format::CsvField& ts = row.at("timestamp");
  auto time = ParseTimestamp(ts.text);
  if (!time.ok()) {
    return LineError(source, line, ts.column, "timestamp", QuoteExcerpt(ts.text),
                     "RFC 3339 (2026-11-27T18:00:00Z) or unix seconds, from 1970 to 2200");
  }
  r.time = *time;
  r.pod = row.at("pod").text;
  r.container = row.at("container").text;
  // Names travel into checkpoints and JSON output: printable UTF-8 only, as Kubernetes names are.
  for (const char* field : {"pod", "container"}) {
    const format::CsvField& name = row.at(field);
    if (name.text.empty()) {
      return LineError(source, line, name.column, field, "nothing",
                       std::string("a ") + field + " name");
    }
    if (name.text.size() > kMaxNameBytes || !IsPrintableUtf8(name.text)) {
      return LineError(
          source, line, name.column, field, QuoteExcerpt(name.text),
          "a name of printable UTF-8, at most " + std::to_string(kMaxNameBytes) + " bytes");
    }
  }
  CRESCENDO_RETURN_IF_ERROR(Amount(row, "cpu", source, line, kMaxCpuCores, &r.cpu_cores));
  CRESCENDO_RETURN_IF_ERROR(Amount(row, "memory", source, line, kMaxMemoryBytes, &r.memory_bytes));
  CRESCENDO_RETURN_IF_ERROR(
      Amount(row, "cpu_request", source, line, kMaxCpuCores, &r.cpu_request_cores));
  CRESCENDO_RETURN_IF_ERROR(
      Amount(row, "memory_request", source, line, kMaxMemoryBytes, &r.memory_request_bytes));
  const format::CsvField& event = row.at("event");
  if (event.text == "oom" || event.text == "OOM") {
    r.oom = true;
    if (!r.memory_bytes) {
      return LineError(source, line, row.at("memory").column, "memory", "nothing on an oom row",
                       "the memory at the OOM kill");
    }
  } else if (!event.text.empty()) {
    return LineError(source, line, event.column, "event", QuoteExcerpt(event.text),
                     "nothing or \"oom\"");
  }
  if (!r.cpu_cores && !r.memory_bytes) {
    return LineError(source, line, row.at("cpu").column, "cpu,memory", "both empty",
                     "at least one sample");
  }
  return r;
}

StatusOr<std::vector<UsageRecord>> ParseCsv(std::string_view text, std::string_view source) {
  const std::string file(source);
  CRESCENDO_ASSIGN_OR_RETURN(format::CsvTable table, format::ParseCsv(text, file));
  const std::vector<std::string>& header = table.header;
  if (table.header_line == 0) {
    return LineError(source, 1, 1, "", "an empty file",
                     "a header timestamp,pod,container,cpu,memory,event");
  }
  for (const std::string& f : header) {
    bool known = false;
    for (const char* k : kRequired) known = known || f == k;
    for (const char* k : kOptional) known = known || f == k;
    if (!known) {
      return LineError(source, table.header_line, 0, "header", "unknown column " + QuoteExcerpt(f),
                       "timestamp,pod,container,cpu,memory,event (and optionally cpu_request, "
                       "memory_request)");
    }
  }
  for (const char* k : kRequired) {
    if (std::find(header.begin(), header.end(), k) == header.end()) {
      return LineError(source, table.header_line, 0, "header",
                       std::string("no column \"") + k + "\"",
                       "timestamp,pod,container,cpu,memory,event");
    }
  }
  std::vector<UsageRecord> records;
  records.reserve(table.rows.size());
  for (format::CsvRow& csv_row : table.rows) {
    CRESCENDO_RETURN_IF_ERROR(format::RequireFieldCount(file, csv_row, header.size()));
    Row row;
    for (size_t i = 0; i < header.size(); ++i) row[header[i]] = std::move(csv_row.fields[i]);
    CRESCENDO_ASSIGN_OR_RETURN(UsageRecord r, RecordFromRow(row, source, csv_row.line));
    records.push_back(std::move(r));
  }
  return records;
}

StatusOr<std::vector<UsageRecord>> ParseJsonLines(std::string_view text, std::string_view source) {
  std::vector<UsageRecord> records;
  for (auto [line_no, line] : NonBlankLines(text)) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {  // syntax, or a number out of range
      return LineError(source, line_no, 0, "line", "not JSON: " + QuoteExcerpt(e.what()),
                       "one JSON object a line");
    }
    if (!j.is_object()) {
      return LineError(source, line_no, 0, "line", QuoteExcerpt(j.dump()), "a JSON object");
    }
    Row row;
    for (const char* k : kRequired) row[k] = format::CsvField{"", 0};
    for (const auto& [key, value] : j.items()) {
      if (value.is_null()) continue;
      if (value.is_string()) {
        row[key] = format::CsvField{value.get<std::string>(), 0};
      } else if (value.is_number()) {
        row[key] = format::CsvField{value.dump(), 0};
      } else {
        return LineError(source, line_no, 0, key, QuoteExcerpt(value.dump()), "a string or number");
      }
    }
    CRESCENDO_ASSIGN_OR_RETURN(UsageRecord r, RecordFromRow(row, source, line_no));
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace

StatusOr<Timestamp> ParseTimestamp(std::string_view text) {
  text = Trim(text);
  auto in_range = [](double unix_seconds) {
    return unix_seconds >= kMinUnixSeconds && unix_seconds <= kMaxUnixSeconds;
  };
  const Status out_of_range = InvalidArgumentError("time out of range, expected 1970 to 2200");
  if (std::optional<double> unix_seconds = ParseNumber(text)) {
    if (!in_range(*unix_seconds)) return out_of_range;
    return FromUnixSeconds(*unix_seconds);
  }
  CRESCENDO_ASSIGN_OR_RETURN(Timestamp t, ParseRfc3339(text));
  if (!in_range(ToUnixSeconds(t))) return out_of_range;
  return t;
}

StatusOr<std::vector<UsageRecord>> ParseUsageRecords(std::string_view text,
                                                     std::string_view source) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return ParseJsonLines(text, source);
  return ParseCsv(text, source);
}

}  // namespace crescendo::vertical
