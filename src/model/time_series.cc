#include "crescendo/model/time_series.h"

#include <algorithm>
#include <cassert>

namespace crescendo {

TimeSeries::TimeSeries(size_t capacity) : buffer_(capacity) { assert(capacity > 0); }

Status TimeSeries::Append(Timestamp time, double value) {
  if (size_ > 0) {
    Sample& newest = buffer_[(head_ + size_ - 1) % buffer_.size()];
    if (time < newest.time) {
      return InvalidArgumentError("time series: sample at " + FormatRfc3339(time) +
                                  " is older than the newest sample at " +
                                  FormatRfc3339(newest.time));
    }
    if (time == newest.time) {
      newest.value = value;
      return Status::Ok();
    }
  }
  if (size_ < buffer_.size()) {
    buffer_[(head_ + size_) % buffer_.size()] = {time, value};
    ++size_;
  } else {
    buffer_[head_] = {time, value};
    head_ = (head_ + 1) % buffer_.size();
  }
  return Status::Ok();
}

std::optional<Sample> TimeSeries::Latest() const {
  if (size_ == 0) return std::nullopt;
  return at(size_ - 1);
}

std::vector<Sample> TimeSeries::Range(Timestamp from, Timestamp to) const {
  std::vector<Sample> out;
  for (size_t i = 0; i < size_; ++i) {
    const Sample& s = at(i);
    if (s.time >= from && s.time <= to) out.push_back(s);
  }
  return out;
}

std::optional<double> TimeSeries::MaxIn(Timestamp from, Timestamp to) const {
  std::optional<double> best;
  for (size_t i = 0; i < size_; ++i) {
    const Sample& s = at(i);
    if (s.time >= from && s.time <= to) best = std::max(best.value_or(s.value), s.value);
  }
  return best;
}

}  // namespace crescendo
