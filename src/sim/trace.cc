#include "crescendo/sim/trace.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <vector>

#include "crescendo/base/text.h"
#include "crescendo/format/csv.h"
#include "crescendo/format/lines.h"

namespace crescendo::sim {
namespace {

// Limits (docs/simulation.md, "Limits"): a line longer than this is refused rather than held in
// memory, and a value (requests/s or any load unit) above kMaxValue is refused as absurd.
constexpr size_t kMaxLineBytes = 1 << 20;
constexpr double kMaxValue = 1e12;
// Times from 1970-01-01 to 2200-01-01 (unix seconds): nanoseconds since 1970 and the span
// between any two such times fit in 64 bits.
constexpr double kMinUnixSeconds = 0;
constexpr double kMaxUnixSeconds = 7258118400.0;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

bool IsNumber(std::string_view s) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  bool digit = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digit = true;
    } else if (s[i] != '.' && s[i] != 'e' && s[i] != 'E' && s[i] != '-' && s[i] != '+') {
      return false;
    }
  }
  return digit;
}

std::optional<double> ParseDouble(std::string_view s) {
  std::string buffer(s);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(buffer.c_str(), &end);
  if (end != buffer.c_str() + buffer.size() || errno == ERANGE || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

// Parses unix time in `unit`, RFC 3339 / ISO 8601, or "YYYY-MM-DD HH:MM:SS" (zone-less: UTC).
std::optional<Timestamp> ParseTime(std::string_view s, Duration unit) {
  if (IsNumber(s)) {
    std::optional<double> v = ParseDouble(s);
    if (!v) return std::nullopt;
    const double seconds = *v * static_cast<double>(unit.count()) / 1e9;
    if (!(seconds >= kMinUnixSeconds && seconds <= kMaxUnixSeconds)) return std::nullopt;
    return Timestamp(Duration(static_cast<int64_t>(std::llround(*v * unit.count()))));
  }
  if (s.size() < 19) return std::nullopt;
  std::string text(s);
  if (text[10] == ' ') text[10] = 'T';
  bool zoned =
      text.back() == 'Z' || text.back() == 'z' ||
      (text.size() >= 25 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-'));
  if (!zoned) text += 'Z';
  StatusOr<Timestamp> t = ParseRfc3339(text);
  if (!t.ok()) return std::nullopt;
  const double seconds = ToUnixSeconds(*t);
  if (seconds < kMinUnixSeconds || seconds > kMaxUnixSeconds) return std::nullopt;
  return *t;
}

// Returns the index of `column` (a header name or a 1-based number) in `header`.
std::optional<size_t> FindColumn(const std::vector<std::string_view>& header,
                                 std::string_view column) {
  if (IsNumber(column) && column.find('.') == std::string_view::npos) {
    long n = std::strtol(std::string(column).c_str(), nullptr, 10);
    if (n >= 1 && static_cast<size_t>(n) <= header.size()) return static_cast<size_t>(n - 1);
    return std::nullopt;
  }
  auto it = std::find(header.begin(), header.end(), column);
  if (it == header.end()) return std::nullopt;
  return static_cast<size_t>(it - header.begin());
}

std::string Join(const std::vector<std::string_view>& fields) {
  std::string out;
  constexpr size_t kMaxShown = 20;
  for (size_t i = 0; i < std::min(fields.size(), kMaxShown); ++i) {
    out += (out.empty() ? "" : ", ") + QuoteExcerpt(fields[i]);
  }
  if (fields.size() > kMaxShown) out += fmt::format(" and {} more", fields.size() - kMaxShown);
  return out;
}

}  // namespace

TraceReader::~TraceReader() = default;

StatusOr<std::unique_ptr<TraceReader>> TraceReader::Open(const TraceOptions& options) {
  StatusOr<std::unique_ptr<format::LineReader>> lines =
      format::LineReader::Open(options.path, kMaxLineBytes);
  if (!lines.ok()) return Status(lines.status().code(), "trace " + lines.status().message());
  std::unique_ptr<TraceReader> reader(new TraceReader());
  reader->options_ = options;
  reader->reader_ = std::move(*lines);
  CRESCENDO_RETURN_IF_ERROR(reader->ReadHeader());
  return reader;
}

StatusOr<bool> TraceReader::ReadLine() {
  StatusOr<bool> more = reader_->Next(line_);
  line_number_ = reader_->line_number();
  if (more.ok()) return *more;
  std::string what = more.status().message();
  if (more.status().code() == StatusCode::kResourceExhausted) what += " (is this a CSV trace?)";
  return LineError(what);
}

Status TraceReader::LineError(std::string_view what) const {
  return InvalidArgumentError(options_.path + ":" + std::to_string(line_number_) + ": " +
                              std::string(what));
}

Status TraceReader::ReadHeader() {
  CRESCENDO_ASSIGN_OR_RETURN(const bool read, ReadLine());
  if (!read) return LineError("empty file (expected a header row)");
  if (options_.delimiter == 0) options_.delimiter = format::DetectDelimiter(line_);
  CRESCENDO_ASSIGN_OR_RETURN(
      std::vector<format::CsvField> header_fields,
      format::SplitCsvLine(line_, options_.path, line_number_, {options_.delimiter, true}));
  std::vector<std::string_view> header;
  for (const format::CsvField& f : header_fields) header.push_back(f.text);
  struct Wanted {
    const std::string& asked;
    size_t fallback;
    size_t* index;
    std::string* name;
    const char* role;
  };
  const Wanted wanted[] = {{options_.time_column, 0, &time_index_, &time_name_, "time"},
                           {options_.value_column, 1, &value_index_, &value_name_, "value"}};
  for (const Wanted& w : wanted) {
    std::optional<size_t> index =
        w.asked.empty() ? std::optional<size_t>(w.fallback) : FindColumn(header, w.asked);
    if (!index || *index >= header.size()) {
      return LineError(std::string(w.role) + " column " +
                       QuoteExcerpt(w.asked.empty() ? (w.fallback == 0 ? "1" : "2") : w.asked) +
                       " not found in the header (columns: " + Join(header) + ")");
    }
    *w.index = *index;
    *w.name = std::string(header[*index]);
  }
  if (!options_.filter_column.empty()) {
    filter_index_ = FindColumn(header, options_.filter_column);
    if (!filter_index_) {
      return LineError("filter column " + QuoteExcerpt(options_.filter_column) +
                       " not found in the header (columns: " + Join(header) + ")");
    }
  }
  return Status::Ok();
}

StatusOr<std::optional<TraceRow>> TraceReader::Next() {
  while (true) {
    CRESCENDO_ASSIGN_OR_RETURN(const bool read, ReadLine());
    if (!read) break;
    if (Trim(line_).empty()) continue;
    CRESCENDO_ASSIGN_OR_RETURN(
        std::vector<format::CsvField> fields,
        format::SplitCsvLine(line_, options_.path, line_number_, {options_.delimiter, true}));
    size_t needed = std::max({time_index_, value_index_, filter_index_.value_or(0)}) + 1;
    if (fields.size() < needed) {
      return LineError("expected at least " + std::to_string(needed) + " fields, found " +
                       std::to_string(fields.size()));
    }
    ++lines_;
    if (filter_index_ && fields[*filter_index_].text != options_.filter_value) continue;
    std::optional<Timestamp> time = ParseTime(fields[time_index_].text, options_.time_unit);
    if (!time) {
      return LineError("time column " + QuoteExcerpt(time_name_) + ": " +
                       QuoteExcerpt(fields[time_index_].text) +
                       " is not a time (expected unix time, ISO 8601 or YYYY-MM-DD HH:MM:SS, from "
                       "1970 to 2200)");
    }
    ++rows_;
    if (last_time_ && *time < *last_time_) {
      return LineError("time " + FormatRfc3339(*time) + " is earlier than the previous row's " +
                       FormatRfc3339(*last_time_) + " (expected rows in time order)");
    }
    if (last_time_ && *time == *last_time_) {
      ++duplicates_;
      continue;
    }
    last_time_ = time;
    TraceRow row{line_number_, *time, std::nullopt};
    std::string_view v = fields[value_index_].text;
    if (v.empty() || v == "NaN" || v == "nan" || v == "NA") {
      ++missing_;
      return std::optional<TraceRow>(row);
    }
    row.value = ParseDouble(v);
    if (!row.value) {
      return LineError("value column " + QuoteExcerpt(value_name_) + ": " + QuoteExcerpt(v) +
                       " is not a finite number");
    }
    if (*row.value < 0 || *row.value > kMaxValue) {
      return LineError("value column " + QuoteExcerpt(value_name_) + ": " + QuoteExcerpt(v) +
                       " is out of range (expected a load from 0 to 1e12)");
    }
    return std::optional<TraceRow>(row);
  }
  return std::optional<TraceRow>();
}

namespace {

// Returns the most frequent interval between rows (the trace's step), counting at most
// kDistinct distinct intervals so memory stays bounded on irregular traces.
class StepFinder {
 public:
  void Add(Duration interval) {
    auto it = counts_.find(interval);
    if (it != counts_.end()) {
      ++it->second;
    } else if (counts_.size() < kDistinct) {
      counts_.emplace(interval, 1);
    }
  }
  Duration Step() const {
    auto best = std::max_element(counts_.begin(), counts_.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    return best == counts_.end() ? Duration(0) : best->first;
  }

 private:
  static constexpr size_t kDistinct = 4096;
  std::map<Duration, int64_t> counts_;
};

// The first pass: rows, times, values and the step.
Status ScanValues(TraceReader& reader, TraceSummary& s, StepFinder& steps) {
  std::optional<Timestamp> previous;
  double sum = 0;
  int64_t values = 0;
  while (true) {
    CRESCENDO_ASSIGN_OR_RETURN(std::optional<TraceRow> row, reader.Next());
    if (!row) break;
    if (!previous) s.first = row->time;
    if (previous) steps.Add(row->time - *previous);
    previous = row->time;
    s.last = row->time;
    if (row->value) {
      s.peak_value = std::max(s.peak_value, *row->value);
      sum += *row->value;
      ++values;
    }
  }
  if (values < 2) {
    return InvalidArgumentError("trace " + s.path +
                                ": expected at least two rows with values in column " +
                                QuoteExcerpt(s.value_column) + ", found " + std::to_string(values));
  }
  s.mean_value = sum / static_cast<double>(values);
  return Status::Ok();
}

// The second pass: gaps, now that the step is known.
Status ScanGaps(TraceReader& reader, double gap_factor, TraceSummary& s) {
  std::optional<Timestamp> previous;
  double step_s = ToSeconds(s.step);
  while (true) {
    CRESCENDO_ASSIGN_OR_RETURN(std::optional<TraceRow> row, reader.Next());
    if (!row) break;
    if (previous) {
      double interval_s = ToSeconds(row->time - *previous);
      if (interval_s > gap_factor * step_s) {
        ++s.gaps;
        s.gap_seconds += interval_s - step_s;
      }
    }
    if (!row->value) {
      ++s.gaps;
      s.gap_seconds += step_s;
    }
    previous = row->time;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<TraceSummary> SummarizeTrace(const TraceOptions& options) {
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<TraceReader> reader, TraceReader::Open(options));
  TraceSummary s;
  s.path = options.path;
  s.time_column = reader->time_column_name();
  s.value_column = reader->value_column_name();
  StepFinder steps;
  CRESCENDO_RETURN_IF_ERROR(ScanValues(*reader, s, steps));
  s.lines = reader->lines();
  s.rows = reader->rows();
  s.duplicates = reader->duplicates();
  s.missing_values = reader->missing_values();
  s.step = steps.Step();
  CRESCENDO_ASSIGN_OR_RETURN(reader, TraceReader::Open(options));
  CRESCENDO_RETURN_IF_ERROR(ScanGaps(*reader, options.gap_factor, s));
  return s;
}

double ScaleToPeakPods(const TraceSummary& summary, double peak_pods, double capacity_rps) {
  return peak_pods * capacity_rps / summary.peak_value;
}

StatusOr<std::unique_ptr<TraceLoad>> TraceLoad::Open(const TraceLoadOptions& options,
                                                     const TraceSummary& summary) {
  if (!(options.compression > 0)) {
    return InvalidArgumentError("trace " + options.trace.path + ": compression must be > 0");
  }
  std::unique_ptr<TraceLoad> load(new TraceLoad());
  load->options_ = options;
  CRESCENDO_ASSIGN_OR_RETURN(load->reader_, TraceReader::Open(options.trace));
  load->step_ = summary.step;
  load->max_interval_ = Duration(
      static_cast<int64_t>(static_cast<double>(summary.step.count()) * options.trace.gap_factor));
  load->trace_origin_ = summary.first;
  load->start_ = options.start.value_or(summary.first);
  load->end_ = load->ToSim(summary.last + summary.step);
  CRESCENDO_RETURN_IF_ERROR(load->Advance());
  return load;
}

Timestamp TraceLoad::ToSim(Timestamp trace_time) const {
  double offset_ns =
      static_cast<double>((trace_time - trace_origin_).count()) / options_.compression;
  return start_ + Duration(static_cast<int64_t>(std::llround(offset_ns)));
}

// Moves to the next row: current_ <- next_, next_ <- the reader's next row.
Status TraceLoad::Advance() {
  current_ = next_;
  CRESCENDO_ASSIGN_OR_RETURN(next_, reader_->Next());
  return Status::Ok();
}

StatusOr<std::optional<double>> TraceLoad::RpsAt(Timestamp t) {
  while (next_ && ToSim(next_->time) <= t) CRESCENDO_RETURN_IF_ERROR(Advance());
  if (!current_ || !current_->value) return std::optional<double>();
  bool gap_follows = !next_ || next_->time - current_->time > max_interval_;
  if (gap_follows && t >= ToSim(current_->time + step_)) return std::optional<double>();
  return std::optional<double>(*current_->value * options_.rps_per_value);
}

}  // namespace crescendo::sim
