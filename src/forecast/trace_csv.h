// Reading recorded series from CSV files, for backtests of the forecasters.
//
// A small reader for the forecast layer's own accuracy tests and tools (the simulator has its
// own trace loader in the sim layer, which this layer may not include).
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
// is kept. Empty lines are skipped. Errors: NotFound when the file cannot be opened;
// InvalidArgument "<path>:<line>: ..." naming the column, what was found and what was expected.
StatusOr<std::vector<Sample>> ReadCsvSeries(const std::string& path, const CsvSeriesFormat& format);

enum class Aggregation { kMean, kSum };

// Returns one sample per slot of `step` (epoch-aligned) that holds samples, at the slot's
// start, valued the mean or the sum of its samples. Slots without samples stay absent.
// REQUIRES: `samples` in time order, step > 0.
std::vector<Sample> ResampleToGrid(std::span<const Sample> samples, Duration step,
                                   Aggregation aggregation);

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_TRACE_CSV_H_
