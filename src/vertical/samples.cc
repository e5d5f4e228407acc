#include "crescendo/vertical/samples.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "crescendo/base/text.h"

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

Status LineError(std::string_view source, int line, std::string_view field,
                 const std::string& what) {
  return InvalidArgumentError(std::string(source) + ":" + std::to_string(line) + ": " +
                              std::string(field) + ": " + what);
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

// Splits one CSV line; double quotes enclose fields, "" is a quote inside them.
std::vector<std::string> SplitCsv(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  for (auto& f : fields) f = std::string(Trim(f));
  return fields;
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

// A row as strings, whatever the input format; empty means absent.
using Row = std::map<std::string, std::string>;

Status Amount(const Row& row, const char* field, std::string_view source, int line, double max,
              std::optional<double>* out) {
  auto it = row.find(field);
  if (it == row.end() || it->second.empty()) return Status::Ok();
  std::optional<double> v = ParseNumber(it->second);
  if (!v || *v < 0 || *v > max) {
    char bound[32];
    std::snprintf(bound, sizeof(bound), "%g", max);
    return LineError(source, line, field,
                     "found " + QuoteExcerpt(it->second) + ", expected a finite number from 0 to " +
                         bound + ", or nothing");
  }
  *out = *v;
  return Status::Ok();
}

StatusOr<UsageRecord> RecordFromRow(const Row& row, std::string_view source, int line) {
  UsageRecord r;
  r.line = line;
  const std::string& ts = row.at("timestamp");
  auto time = ParseTimestamp(ts);
  if (!time.ok()) {
    return LineError(
        source, line, "timestamp",
        "found " + QuoteExcerpt(ts) +
            ", expected RFC 3339 (2026-11-27T18:00:00Z) or unix seconds, from 1970 to 2200");
  }
  r.time = *time;
  r.pod = row.at("pod");
  r.container = row.at("container");
  if (r.pod.empty()) return LineError(source, line, "pod", "empty, expected a pod name");
  if (r.container.empty())
    return LineError(source, line, "container", "empty, expected a container name");
  // Names travel into checkpoints and JSON output: printable UTF-8 only, as Kubernetes names are.
  for (const auto& [field, name] :
       {std::pair<const char*, const std::string*>{"pod", &r.pod}, {"container", &r.container}}) {
    if (name->size() > kMaxNameBytes || !IsPrintableUtf8(*name)) {
      return LineError(source, line, field,
                       "found " + QuoteExcerpt(*name) +
                           ", expected a name of printable UTF-8, at "
                           "most " +
                           std::to_string(kMaxNameBytes) + " bytes");
    }
  }
  CRESCENDO_RETURN_IF_ERROR(Amount(row, "cpu", source, line, kMaxCpuCores, &r.cpu_cores));
  CRESCENDO_RETURN_IF_ERROR(Amount(row, "memory", source, line, kMaxMemoryBytes, &r.memory_bytes));
  CRESCENDO_RETURN_IF_ERROR(
      Amount(row, "cpu_request", source, line, kMaxCpuCores, &r.cpu_request_cores));
  CRESCENDO_RETURN_IF_ERROR(
      Amount(row, "memory_request", source, line, kMaxMemoryBytes, &r.memory_request_bytes));
  const std::string& event = row.at("event");
  if (event == "oom" || event == "OOM") {
    r.oom = true;
    if (!r.memory_bytes) {
      return LineError(source, line, "memory",
                       "empty on an oom row, expected the memory at the OOM kill");
    }
  } else if (!event.empty()) {
    return LineError(source, line, "event",
                     "found " + QuoteExcerpt(event) + ", expected nothing or \"oom\"");
  }
  if (!r.cpu_cores && !r.memory_bytes) {
    return LineError(source, line, "cpu,memory", "both empty, expected at least one sample");
  }
  return r;
}

StatusOr<std::vector<UsageRecord>> ParseCsv(std::string_view text, std::string_view source) {
  std::vector<UsageRecord> records;
  std::vector<std::string> header;
  for (auto [line_no, line] : NonBlankLines(text)) {
    std::vector<std::string> fields = SplitCsv(line);
    if (header.empty()) {
      for (const std::string& f : fields) {
        bool known = false;
        for (const char* k : kRequired) known = known || f == k;
        for (const char* k : kOptional) known = known || f == k;
        if (!known) {
          return LineError(source, line_no, "header",
                           "unknown column " + QuoteExcerpt(f) +
                               ", expected timestamp,pod,container,cpu,memory,event "
                               "(and optionally cpu_request, memory_request)");
        }
      }
      for (const char* k : kRequired) {
        if (std::find(fields.begin(), fields.end(), k) == fields.end()) {
          return LineError(source, line_no, "header",
                           std::string("missing column \"") + k +
                               "\", expected timestamp,pod,container,cpu,memory,event");
        }
      }
      header = std::move(fields);
      continue;
    }
    if (fields.size() != header.size()) {
      return LineError(source, line_no, "row",
                       "found " + std::to_string(fields.size()) + " fields, expected " +
                           std::to_string(header.size()) + " as in the header");
    }
    Row row;
    for (size_t i = 0; i < header.size(); ++i) row[header[i]] = fields[i];
    CRESCENDO_ASSIGN_OR_RETURN(UsageRecord r, RecordFromRow(row, source, line_no));
    records.push_back(std::move(r));
  }
  if (header.empty()) {
    return InvalidArgumentError(
        std::string(source) +
        ": empty, expected a header timestamp,pod,container,cpu,memory,event");
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
      return LineError(source, line_no, "line", "not JSON: " + QuoteExcerpt(e.what()));
    }
    if (!j.is_object()) return LineError(source, line_no, "line", "expected a JSON object");
    Row row;
    for (const char* k : kRequired) row[k] = "";
    for (const auto& [key, value] : j.items()) {
      if (value.is_null()) continue;
      if (value.is_string()) {
        row[key] = value.get<std::string>();
      } else if (value.is_number()) {
        row[key] = value.dump();
      } else {
        return LineError(source, line_no, key,
                         "found " + QuoteExcerpt(value.dump()) + ", expected a string or number");
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
