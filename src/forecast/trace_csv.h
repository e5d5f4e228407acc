// Reading recorded series from CSV files, for backtests of the forecasters.
//
// A small reader for the forecast layer's own accuracy tests and tools, on the format layer's
// one CSV reader (the simulator's trace loader, in the sim layer, uses the same one).
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_FORECAST_TRACE_CSV_H_
#define CRESCENDO_SRC_FORECAST_TRACE_CSV_H_

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/model/time_series.h"

namespace crescendo::forecast {

enum class TimeFormat {
  kUnixSeconds,  // "1633478400"
  kDateTime,     // "1995-07-01 00:00:00", read as UTC
};

struct CsvSeriesFormat {
  char delimiter = ',';
  size_t time_column = 0;
  size_t value_column = 1;
  TimeFormat time_format = TimeFormat::kUnixSeconds;
  bool header = true;  // skip the first line
};

// Returns the (time, value) rows of `path` sorted by time; of rows with the same time the last
// is kept. Empty lines are skipped; the file is read through format::ReadFile and split by the
// format layer's CSV reader (RFC 4180 quoting). Errors: those of format::ReadFile (NotFound, ...);
// InvalidArgument in the one located form, "<path>:<line>:<column>: column N: found X, expected
// Y" (a number must be finite).
StatusOr<std::vector<Sample>> ReadCsvSeries(const std::string& path, const CsvSeriesFormat& format);

enum class Aggregation { kMean, kSum };

// Returns one sample per slot of `step` (epoch-aligned) that holds samples, at the slot's
// start, valued the mean or the sum of its samples. Slots without samples stay absent.
// REQUIRES: `samples` in time order, step > 0.
std::vector<Sample> ResampleToGrid(std::span<const Sample> samples, Duration step,
                                   Aggregation aggregation);

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_TRACE_CSV_H_
