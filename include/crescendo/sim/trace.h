// Load traces: CSV files of (time, value) read as a stream, and the load a trace replays.
//
// A trace file is CSV with a header row; plain or gzip-compressed (read transparently). The
// delimiter is found in the header (';' if present, else ',' if present, else a tab) unless
// given; fields are trimmed of spaces and tabs, and may be double-quoted. The time column holds
// unix time (a number, in `time_unit`), ISO 8601 / RFC 3339 ("2026-11-27T18:00:00Z",
// "2026-11-27T18:00:00+01:00") or "YYYY-MM-DD HH:MM:SS"; times without a zone are UTC. The value
// column holds a number; an empty, "NaN" or "NA" value is missing data.
//
// Missing data stays missing: a row without a value, and the time between two rows further apart
// than `gap_factor` times the trace's step (the most frequent interval between rows), are gaps,
// never zeros. A row with the time of the previous row is a duplicate and is skipped (the first
// wins). A row earlier than the previous row is an error.
//
// Errors name the file and the line: "nasa.csv:1234: time column \"minute\": \"1995-07-0x\" is
// not a time (expected unix seconds, ISO 8601 or YYYY-MM-DD HH:MM:SS)".
//
// Memory: a reader holds one line and its read buffers (128 KiB); a TraceLoad holds two rows.
// Neither grows with the trace.
// Thread safety: not thread-safe.
#ifndef CRESCENDO_SIM_TRACE_H_
#define CRESCENDO_SIM_TRACE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo::format {
class LineReader;
}  // namespace crescendo::format

namespace crescendo::sim {

struct TraceOptions {
  std::string path;
  // A header name, or a 1-based column number ("1"). Empty: column 1 for time, 2 for value.
  std::string time_column;
  std::string value_column;
  Duration time_unit = seconds(1);  // the unit of numeric times (borg: microseconds)
  // Keep only rows whose `filter_column` equals `filter_value` (one series of a file holding
  // many, e.g. vm_id=1). Empty: every row.
  std::string filter_column;
  std::string filter_value;
  char delimiter = 0;       // 0: found from the header
  double gap_factor = 1.5;  // an interval longer than gap_factor * step is a gap
};

struct TraceRow {
  int64_t line = 0;  // 1-based line number in the file
  Timestamp time;
  std::optional<double> value;  // nullopt: missing
};

class TraceReader {
 public:
  // Opens the file and reads its header. Errors: NotFound for a missing file; InvalidArgument
  // naming the file and line 1 when the header lacks a column asked for.
  static StatusOr<std::unique_ptr<TraceReader>> Open(const TraceOptions& options);
  ~TraceReader();

  // Returns the next row, nullopt at the end of the file. Duplicates are skipped (and counted).
  // Errors: InvalidArgument naming the file, the line, the column and what was wrong.
  StatusOr<std::optional<TraceRow>> Next();

  int64_t lines() const { return lines_; }            // data lines read, filtered out included
  int64_t rows() const { return rows_; }              // rows kept, duplicates included
  int64_t duplicates() const { return duplicates_; }  // rows skipped as duplicates
  int64_t missing_values() const { return missing_; }
  const std::string& time_column_name() const { return time_name_; }
  const std::string& value_column_name() const { return value_name_; }

 private:
  TraceReader() = default;
  Status ReadHeader();
  // Reads the next line into line_; false at the end. Errors: LineError's.
  StatusOr<bool> ReadLine();
  Status LineError(std::string_view what) const;

  TraceOptions options_;
  std::unique_ptr<format::LineReader> reader_;  // plain or gzip, through the file seam
  std::string line_;
  int64_t line_number_ = 0;
  size_t time_index_ = 0;
  size_t value_index_ = 1;
  std::optional<size_t> filter_index_;
  std::string time_name_;
  std::string value_name_;
  std::optional<Timestamp> last_time_;
  int64_t lines_ = 0;
  int64_t rows_ = 0;
  int64_t duplicates_ = 0;
  int64_t missing_ = 0;
};

// What one pass over a trace found.
struct TraceSummary {
  std::string path;
  std::string time_column;
  std::string value_column;
  int64_t lines = 0;  // data lines, rows of other series included
  int64_t rows = 0;
  int64_t duplicates = 0;
  int64_t missing_values = 0;
  int64_t gaps = 0;        // intervals longer than gap_factor * step, plus missing values
  double gap_seconds = 0;  // time inside those intervals
  Timestamp first;
  Timestamp last;
  Duration step{};  // the most frequent interval between consecutive rows
  double peak_value = 0;
  double mean_value = 0;
};

// Reads the whole trace twice (values and step, then gaps), streaming. Errors: those of
// TraceReader; InvalidArgument when the trace has fewer than two rows with values.
StatusOr<TraceSummary> SummarizeTrace(const TraceOptions& options);

// How a trace becomes load.
struct TraceLoadOptions {
  TraceOptions trace;
  // value * rps_per_value is the load in requests/s. ScaleToPeakPods() sets it.
  double rps_per_value = 1;
  // Simulated time runs `compression` times faster than trace time (>= 1 shortens the run).
  double compression = 1;
  // Simulated time of the trace's first row. Unset: the first row's own time.
  std::optional<Timestamp> start;
};

// Returns the rps_per_value that makes the trace's peak need `peak_pods` pods of
// `capacity_rps` each. REQUIRES: summary.peak_value > 0.
double ScaleToPeakPods(const TraceSummary& summary, double peak_pods, double capacity_rps);

// The load a trace replays: each row's value holds from its time until the next row (the row
// is the rate of the interval it starts), and is unknown inside gaps. Streams the file.
class TraceLoad {
 public:
  // `summary` is SummarizeTrace(options.trace): its step finds the gaps, its last row the end.
  static StatusOr<std::unique_ptr<TraceLoad>> Open(const TraceLoadOptions& options,
                                                   const TraceSummary& summary);

  // Returns the load at simulated time `t` in requests/s, or nullopt inside a gap, before the
  // first row or after the last interval. REQUIRES: t non-decreasing across calls.
  // Errors: those of TraceReader, for rows read while advancing.
  StatusOr<std::optional<double>> RpsAt(Timestamp t);

  // Returns the simulated time of the first row and the end of the last row's interval.
  Timestamp start() const { return start_; }
  Timestamp end() const { return end_; }

 private:
  TraceLoad() = default;
  Timestamp ToSim(Timestamp trace_time) const;
  Status Advance();

  TraceLoadOptions options_;
  std::unique_ptr<TraceReader> reader_;
  Duration step_{};
  Duration max_interval_{};
  Timestamp trace_origin_;
  Timestamp start_;
  Timestamp end_;
  std::optional<TraceRow> current_;
  std::optional<TraceRow> next_;
};

}  // namespace crescendo::sim

#endif  // CRESCENDO_SIM_TRACE_H_
