// Histograms of resource usage, with the semantics of the Kubernetes VPA recommender
// (kubernetes/autoscaler, vertical-pod-autoscaler/pkg/recommender/util: histogram.go,
// histogram_options.go, decaying_histogram.go), stored compactly.
//
// HistogramOptions fixes the bucketing: exponential (bucket n >= 1 starts at
// first_bucket_size * (ratio^n - 1) / (ratio - 1)) or linear (bucket n starts at n * bucket_size).
// A value outside the range falls in the first or the last bucket. A bucket whose weight is below
// options.epsilon() counts as empty.
//
// Histogram keeps, like VPA's, the weight of each bucket, the total weight, and the first and last
// non-empty buckets. Unlike VPA's dense array of NumBuckets() doubles (176 for the default CPU and
// memory options, 1408 bytes each), it stores only the window of buckets that ever held weight
// since the window last emptied: typical usage fills 5-30 adjacent buckets (40-240 bytes). Every
// number it returns (percentiles, weights, checkpoints) is the number VPA returns.
//
// ToExactJson()/FromExactJson() are the exact form (unlike the checkpoint, which rounds bucket
// weights): a restored histogram holds the same doubles and makes bit-identical decisions.
//
// DecayingHistogram multiplies each sample's weight by 2^((t - reference) / half_life), so a
// sample loses half its importance every half-life. The reference timestamp is a multiple of the
// half-life (rounded as Go's time.Round from Go's zero time) and moves forward, rescaling every
// weight, when an exponent would exceed 100.
//
// Thread safety: value types; not thread-safe for concurrent mutation. HistogramOptions objects
// are immutable and are shared by pointer: REQUIRES they outlive every histogram using them.
#ifndef CRESCENDO_VERTICAL_HISTOGRAM_H_
#define CRESCENDO_VERTICAL_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo::vertical {

class HistogramOptions {
 public:
  // Exponential buckets: the first covers [0, first_bucket_size), bucket n has size
  // first_bucket_size * ratio^n, and the last bucket starts at or above max_value.
  // Errors: InvalidArgument unless max_value > 0, first_bucket_size > 0, ratio > 1, epsilon > 0.
  static StatusOr<HistogramOptions> Exponential(double max_value, double first_bucket_size,
                                                double ratio, double epsilon);
  // Linear buckets of bucket_size starting at 0, the last starting at or above max_value.
  // Errors: InvalidArgument unless max_value, bucket_size and epsilon are > 0.
  static StatusOr<HistogramOptions> Linear(double max_value, double bucket_size, double epsilon);

  // VPA's default CPU options: exponential, 0.01 core first bucket, ratio 1.05, up to 1000 cores,
  // epsilon 1e-4 (model/aggregations_config.go). Static storage; never null.
  static const HistogramOptions& DefaultCpu();
  // VPA's default memory options: exponential, 1e7 bytes first bucket, ratio 1.05, up to 1e12
  // bytes, epsilon 1e-4. Static storage.
  static const HistogramOptions& DefaultMemory();

  int num_buckets() const { return num_buckets_; }
  double epsilon() const { return epsilon_; }
  // Returns the bucket holding `value` (the first or last bucket when out of range).
  int FindBucket(double value) const;
  // Returns where bucket `bucket` starts. REQUIRES: 0 <= bucket < num_buckets().
  double BucketStart(int bucket) const;

  friend bool operator==(const HistogramOptions&, const HistogramOptions&) = default;

 private:
  HistogramOptions() = default;
  bool exponential_ = false;
  int num_buckets_ = 0;
  double first_bucket_size_ = 0;  // exponential: first bucket size; linear: bucket size
  double ratio_ = 0;
  double epsilon_ = 0;
};

// The serialized form of a histogram, as VPA's HistogramCheckpoint: bucket weights scaled so the
// largest is 10000 (rounded; zero weights dropped), the total weight, and for decaying histograms
// the reference timestamp (unset for a histogram that never received a sample).
struct HistogramCheckpoint {
  std::optional<Timestamp> reference_timestamp;
  std::map<int, uint32_t> bucket_weights;
  double total_weight = 0;
  friend bool operator==(const HistogramCheckpoint&, const HistogramCheckpoint&) = default;
};

// The largest bucket weight a checkpoint stores (util/histogram.go MaxCheckpointWeight).
inline constexpr uint32_t kMaxCheckpointWeight = 10000;

class Histogram {
 public:
  // REQUIRES: `options` outlives the histogram.
  explicit Histogram(const HistogramOptions* options);
  Histogram(const Histogram& other);
  // Reuses this histogram's storage when it holds as many buckets as `other`.
  Histogram& operator=(const Histogram& other);
  Histogram(Histogram&&) noexcept = default;
  Histogram& operator=(Histogram&&) noexcept = default;

  // Adds `weight` at `value`. REQUIRES: weight >= 0.
  void AddSample(double value, double weight);
  // Removes up to `weight` from the bucket of `value` (never below zero; a remainder below
  // epsilon is removed too). REQUIRES: weight >= 0.
  void SubtractSample(double value, double weight);
  // Adds every bucket of `other`'s non-empty range. REQUIRES: same options.
  void Merge(const Histogram& other);
  // Multiplies every weight in the non-empty range, and the total, by factor >= 0.
  void Scale(double factor);

  // Returns the end of the bucket where the cumulative weight first reaches
  // percentile * total (the start of the last bucket when it is the last); 0 when empty.
  // `percentile` is in [0, 1] (0.9 is P90).
  double Percentile(double percentile) const;
  bool IsEmpty() const;
  double total_weight() const { return total_weight_; }
  // Returns the weight stored in `bucket` (0 outside the stored window).
  double BucketWeight(int bucket) const;
  int min_bucket() const { return min_bucket_; }
  int max_bucket() const { return max_bucket_; }
  const HistogramOptions& options() const { return *options_; }

  // Returns true when the options, non-empty range and weights match within 1e-15.
  bool Equals(const Histogram& other) const;

  HistogramCheckpoint SaveToCheckpoint() const;
  // Adds the checkpoint's weights (rescaled to its total weight) to this histogram.
  // Errors: InvalidArgument for a negative total weight or a bucket outside
  // [0, num_buckets()), naming the bucket.
  Status LoadFromCheckpoint(const HistogramCheckpoint& checkpoint);

  // Returns the exact form: {"total_weight": 12.5, "min_bucket": 3, "max_bucket": 9,
  // "first_bucket": 3, "weights": [0.5, ...]}, the weights of the stored buckets first_bucket,
  // first_bucket + 1, ... (not only the non-empty range, so that storage is restored too).
  nlohmann::json ToExactJson() const;
  // Replaces this histogram's contents (not its options) with the exact form.
  // Errors: InvalidArgument naming the field that is missing, of the wrong type, negative or
  // outside [0, num_buckets()); the histogram is unchanged then.
  Status FromExactJson(const nlohmann::json& json);

  // Returns the bytes this histogram occupies, heap included.
  size_t MemoryUsageBytes() const;

 private:
  double* Slot(int bucket);  // grows the stored window to include `bucket`
  void UpdateMinAndMaxBucket();
  void TrimStorage();

  const HistogramOptions* options_;
  std::unique_ptr<double[]> weights_;  // weights_[i] is bucket lo_ + i
  double total_weight_ = 0;
  uint16_t lo_ = 0;
  uint16_t len_ = 0;
  uint16_t min_bucket_;  // first non-empty bucket, or num_buckets - 1
  uint16_t max_bucket_;  // last non-empty bucket, or 0
};

class DecayingHistogram {
 public:
  // REQUIRES: `options` outlives the histogram; half_life > 0.
  DecayingHistogram(const HistogramOptions* options, Duration half_life);

  // Adds a sample of `weight` at `value`, observed at `time`.
  void AddSample(double value, double weight, Timestamp time);
  void SubtractSample(double value, double weight, Timestamp time);
  // Merges `other` (same options and half-life) after aligning both reference timestamps to the
  // later one. `other` is taken by value because its reference may move.
  void Merge(DecayingHistogram other);

  double Percentile(double percentile) const { return histogram_.Percentile(percentile); }
  bool IsEmpty() const { return histogram_.IsEmpty(); }
  bool Equals(const DecayingHistogram& other) const;
  const Histogram& histogram() const { return histogram_; }
  Duration half_life() const { return half_life_; }
  std::optional<Timestamp> reference_timestamp() const;

  HistogramCheckpoint SaveToCheckpoint() const;
  // Loads weights as Histogram::LoadFromCheckpoint, then takes the checkpoint's reference
  // timestamp. Errors: as Histogram::LoadFromCheckpoint.
  Status LoadFromCheckpoint(const HistogramCheckpoint& checkpoint);

  // Returns the exact form: {"reference_unix_ns": <int or null>, "histogram": <Histogram's>}.
  // The half-life is not written: it is the constructor's.
  nlohmann::json ToExactJson() const;
  // Errors: as Histogram::FromExactJson, prefixed with the field; unchanged on error.
  Status FromExactJson(const nlohmann::json& json);

  size_t MemoryUsageBytes() const {
    return sizeof(*this) - sizeof(Histogram) + histogram_.MemoryUsageBytes();
  }

 private:
  double DecayFactor(Timestamp time);
  void ShiftReference(Timestamp new_reference);

  Histogram histogram_;
  Duration half_life_;
  int64_t reference_ns_;  // kNoReference until the first sample (Go's zero time)
};

// Returns `t` rounded to the nearest multiple of `d` counted from Go's zero time
// (0001-01-01T00:00:00Z), halfway values rounding up, as Go's time.Time.Round. REQUIRES: d > 0.
Timestamp RoundTime(Timestamp t, Duration d);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_VERTICAL_HISTOGRAM_H_
