// TimeSeries: a fixed-memory ring of (time, value) samples, oldest dropped first.
//
// Memory is capacity * 16 bytes and never grows. Samples must be appended in time order; an
// out-of-order sample is rejected. Missing data is absent, never zero.
//
// Thread safety: not thread-safe; one writer, no concurrent readers.
#ifndef CRESCENDO_MODEL_TIME_SERIES_H_
#define CRESCENDO_MODEL_TIME_SERIES_H_

#include <cstddef>
#include <optional>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo {

struct Sample {
  Timestamp time;
  double value = 0;
  friend bool operator==(const Sample&, const Sample&) = default;
};

class TimeSeries {
 public:
  // REQUIRES: capacity > 0.
  explicit TimeSeries(size_t capacity);

  // Appends a sample. Errors: InvalidArgument when `time` is earlier than the newest sample.
  // A sample at the same time as the newest replaces it.
  Status Append(Timestamp time, double value);

  size_t size() const { return size_; }
  size_t capacity() const { return buffer_.size(); }
  bool empty() const { return size_ == 0; }

  // Returns the i-th sample, 0 being the oldest kept. REQUIRES: i < size().
  const Sample& at(size_t i) const { return buffer_[(head_ + i) % buffer_.size()]; }
  // Returns the newest sample, if any.
  std::optional<Sample> Latest() const;
  // Returns the samples with time in [from, to], oldest first.
  std::vector<Sample> Range(Timestamp from, Timestamp to) const;
  // Returns the largest value with time in [from, to], if any.
  std::optional<double> MaxIn(Timestamp from, Timestamp to) const;

 private:
  std::vector<Sample> buffer_;
  size_t head_ = 0;  // index of the oldest sample
  size_t size_ = 0;
};

}  // namespace crescendo

#endif  // CRESCENDO_MODEL_TIME_SERIES_H_
