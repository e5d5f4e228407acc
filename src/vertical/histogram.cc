#include "crescendo/vertical/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "vertical/json_fields.h"

namespace crescendo::vertical {
namespace {

__extension__ using Int128 = __int128;

constexpr int64_t kNoReference = std::numeric_limits<int64_t>::min();
// When a decay exponent would exceed this many half-lives the reference moves forward
// (util/decaying_histogram.go maxDecayExponent).
constexpr int64_t kMaxDecayExponent = 100;
// Go's zero time (0001-01-01T00:00:00Z) is this many seconds before the Unix epoch.
constexpr int64_t kGoZeroTimeToUnixSeconds = 62135596800LL;

double LogBase(double base, double x) { return std::log(x) / std::log(base); }

// Go's round(): floor(x + 0.5) (util/decaying_histogram.go).
int64_t RoundHalfUp(double x) { return static_cast<int64_t>(std::floor(x + 0.5)); }

}  // namespace

StatusOr<HistogramOptions> HistogramOptions::Exponential(double max_value, double first_bucket_size,
                                                         double ratio, double epsilon) {
  if (!(max_value > 0) || !(first_bucket_size > 0) || !(ratio > 1) || !(epsilon > 0)) {
    return InvalidArgumentError(
        "exponential histogram options: max_value, first_bucket_size and epsilon must be > 0 "
        "and ratio > 1");
  }
  HistogramOptions o;
  o.exponential_ = true;
  o.num_buckets_ =
      static_cast<int>(std::ceil(LogBase(ratio, max_value * (ratio - 1) / first_bucket_size + 1))) +
      1;
  o.first_bucket_size_ = first_bucket_size;
  o.ratio_ = ratio;
  o.epsilon_ = epsilon;
  return o;
}

StatusOr<HistogramOptions> HistogramOptions::Linear(double max_value, double bucket_size,
                                                    double epsilon) {
  if (!(max_value > 0) || !(bucket_size > 0) || !(epsilon > 0)) {
    return InvalidArgumentError(
        "linear histogram options: max_value, bucket_size and epsilon must be > 0");
  }
  HistogramOptions o;
  o.num_buckets_ = static_cast<int>(std::ceil(max_value / bucket_size)) + 1;
  o.first_bucket_size_ = bucket_size;
  o.epsilon_ = epsilon;
  return o;
}

// Bucketing constants from kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender/model/
// aggregations_config.go: 5% bucket growth, epsilon = 0.001 * minSampleWeight (0.1).
const HistogramOptions& HistogramOptions::DefaultCpu() {
  static const HistogramOptions kOptions = *Exponential(1000.0, 0.01, 1.05, 1e-4);
  return kOptions;
}

const HistogramOptions& HistogramOptions::DefaultMemory() {
  static const HistogramOptions kOptions = *Exponential(1e12, 1e7, 1.05, 1e-4);
  return kOptions;
}

int HistogramOptions::FindBucket(double value) const {
  if (exponential_) {
    if (!(value >= first_bucket_size_)) return 0;  // also NaN
    double bucket = LogBase(ratio_, value * (ratio_ - 1) / first_bucket_size_ + 1);
    if (bucket >= num_buckets_) return num_buckets_ - 1;
    return static_cast<int>(bucket);
  }
  double bucket = value / first_bucket_size_;
  if (!(bucket >= 0) || bucket < 1) return 0;
  if (bucket >= num_buckets_) return num_buckets_ - 1;
  return static_cast<int>(bucket);
}

double HistogramOptions::BucketStart(int bucket) const {
  if (!exponential_) return static_cast<double>(bucket) * first_bucket_size_;
  if (bucket == 0) return 0.0;
  return first_bucket_size_ * (std::pow(ratio_, static_cast<double>(bucket)) - 1) / (ratio_ - 1);
}

// ---------------------------------------------------------------------------------------------
// Histogram

Histogram::Histogram(const HistogramOptions* options)
    : options_(options),
      min_bucket_(static_cast<uint16_t>(options->num_buckets() - 1)),
      max_bucket_(0) {}

Histogram::Histogram(const Histogram& other)
    : options_(other.options_),
      total_weight_(other.total_weight_),
      lo_(other.lo_),
      len_(other.len_),
      min_bucket_(other.min_bucket_),
      max_bucket_(other.max_bucket_) {
  if (len_ > 0) {
    weights_ = std::make_unique<double[]>(len_);
    std::memcpy(weights_.get(), other.weights_.get(), len_ * sizeof(double));
  }
}

Histogram& Histogram::operator=(const Histogram& other) {
  if (this == &other) return *this;
  if (len_ != other.len_) {
    weights_ = other.len_ > 0 ? std::make_unique<double[]>(other.len_) : nullptr;
  }
  if (other.len_ > 0) {
    std::memcpy(weights_.get(), other.weights_.get(), other.len_ * sizeof(double));
  }
  options_ = other.options_;
  total_weight_ = other.total_weight_;
  lo_ = other.lo_;
  len_ = other.len_;
  min_bucket_ = other.min_bucket_;
  max_bucket_ = other.max_bucket_;
  return *this;
}

double Histogram::BucketWeight(int bucket) const {
  if (bucket < lo_ || bucket >= lo_ + len_) return 0.0;
  return weights_[bucket - lo_];
}

double* Histogram::Slot(int bucket) {
  if (len_ == 0) {
    weights_ = std::make_unique<double[]>(1);
    weights_[0] = 0.0;
    lo_ = static_cast<uint16_t>(bucket);
    len_ = 1;
  } else if (bucket < lo_ || bucket >= lo_ + len_) {
    int new_lo = std::min<int>(lo_, bucket);
    int new_hi = std::max<int>(lo_ + len_ - 1, bucket);
    int new_len = new_hi - new_lo + 1;
    auto grown = std::make_unique<double[]>(new_len);  // value-initialized to 0
    std::memcpy(grown.get() + (lo_ - new_lo), weights_.get(), len_ * sizeof(double));
    weights_ = std::move(grown);
    lo_ = static_cast<uint16_t>(new_lo);
    len_ = static_cast<uint16_t>(new_len);
  }
  return &weights_[bucket - lo_];
}

void Histogram::TrimStorage() {
  int first = 0;
  int last = len_ - 1;
  while (first <= last && weights_[first] == 0.0) ++first;
  while (last >= first && weights_[last] == 0.0) --last;
  if (first == 0 && last == len_ - 1) return;
  if (first > last) {
    weights_.reset();
    lo_ = 0;
    len_ = 0;
    return;
  }
  int new_len = last - first + 1;
  auto kept = std::make_unique<double[]>(new_len);
  std::memcpy(kept.get(), weights_.get() + first, new_len * sizeof(double));
  weights_ = std::move(kept);
  lo_ = static_cast<uint16_t>(lo_ + first);
  len_ = static_cast<uint16_t>(new_len);
}

void Histogram::AddSample(double value, double weight) {
  assert(weight >= 0.0 && "sample weight must be non-negative");
  int bucket = options_->FindBucket(value);
  total_weight_ += weight;
  if (weight == 0.0) return;  // nothing to store; min/max only move for weight >= epsilon
  double* slot = Slot(bucket);
  *slot += weight;
  // As util/histogram.go: a bucket becomes the first/last non-empty one only once its weight
  // reaches epsilon.
  if (bucket < min_bucket_ && *slot >= options_->epsilon()) min_bucket_ = bucket;
  if (bucket > max_bucket_ && *slot >= options_->epsilon()) max_bucket_ = bucket;
}

void Histogram::SubtractSample(double value, double weight) {
  assert(weight >= 0.0 && "sample weight must be non-negative");
  int bucket = options_->FindBucket(value);
  double current = BucketWeight(bucket);
  if (weight > current - options_->epsilon()) weight = current;
  total_weight_ -= weight;
  if (current != 0.0) *Slot(bucket) -= weight;
  UpdateMinAndMaxBucket();
  TrimStorage();
}

void Histogram::Merge(const Histogram& other) {
  assert(*options_ == *other.options_ && "can't merge histograms with different options");
  for (int b = other.min_bucket_; b <= other.max_bucket_; ++b) {
    double w = other.BucketWeight(b);
    if (w != 0.0) *Slot(b) += w;
  }
  total_weight_ += other.total_weight_;
  min_bucket_ = std::min(min_bucket_, other.min_bucket_);
  max_bucket_ = std::max(max_bucket_, other.max_bucket_);
}

void Histogram::Scale(double factor) {
  assert(factor >= 0.0 && "scale factor must be non-negative");
  for (int b = std::max<int>(min_bucket_, lo_); b <= max_bucket_ && b < lo_ + len_; ++b) {
    weights_[b - lo_] *= factor;
  }
  total_weight_ *= factor;
  UpdateMinAndMaxBucket();
  if (factor == 0.0) TrimStorage();
}

void Histogram::UpdateMinAndMaxBucket() {
  const double epsilon = options_->epsilon();
  const int last = options_->num_buckets() - 1;
  while (BucketWeight(min_bucket_) < epsilon && min_bucket_ < last) ++min_bucket_;
  while (BucketWeight(max_bucket_) < epsilon && max_bucket_ > 0) --max_bucket_;
}

bool Histogram::IsEmpty() const { return BucketWeight(min_bucket_) < options_->epsilon(); }

double Histogram::Percentile(double percentile) const {
  if (IsEmpty()) return 0.0;
  double partial_sum = 0.0;
  const double threshold = percentile * total_weight_;
  int bucket = min_bucket_;
  for (; bucket < max_bucket_; ++bucket) {
    partial_sum += BucketWeight(bucket);
    if (partial_sum >= threshold) break;
  }
  if (bucket < options_->num_buckets() - 1) return options_->BucketStart(bucket + 1);
  return options_->BucketStart(bucket);  // the last bucket has no upper bound
}

bool Histogram::Equals(const Histogram& other) const {
  if (!(*options_ == *other.options_) || min_bucket_ != other.min_bucket_ ||
      max_bucket_ != other.max_bucket_) {
    return false;
  }
  for (int b = min_bucket_; b <= max_bucket_; ++b) {
    double diff = BucketWeight(b) - other.BucketWeight(b);
    if (diff > 1e-15 || diff < -1e-15) return false;
  }
  return true;
}

HistogramCheckpoint Histogram::SaveToCheckpoint() const {
  HistogramCheckpoint result;
  // Subtracting samples (memory peaks replaced in their interval) can leave a rounding residue
  // just below zero; a checkpoint's totalWeight is never negative, and loading one refuses it.
  result.total_weight = std::max(0.0, total_weight_);
  double max_weight = 0.0;
  for (int b = min_bucket_; b <= max_bucket_; ++b)
    max_weight = std::max(max_weight, BucketWeight(b));
  if (max_weight <= 0.0) return result;
  const double ratio = static_cast<double>(kMaxCheckpointWeight) / max_weight;
  for (int b = min_bucket_; b <= max_bucket_; ++b) {
    auto scaled = static_cast<uint32_t>(RoundHalfUp(BucketWeight(b) * ratio));
    if (scaled > 0) result.bucket_weights[b] = scaled;
  }
  return result;
}

Status Histogram::LoadFromCheckpoint(const HistogramCheckpoint& checkpoint) {
  if (checkpoint.total_weight < 0.0) {
    return InvalidArgumentError("histogram checkpoint: totalWeight is " +
                                std::to_string(checkpoint.total_weight) +
                                ", expected a non-negative number");
  }
  int64_t sum = 0;
  for (const auto& [bucket, weight] : checkpoint.bucket_weights) {
    sum += weight;
    if (bucket < 0 || bucket >= options_->num_buckets()) {
      return InvalidArgumentError("histogram checkpoint: bucket " + std::to_string(bucket) +
                                  " is outside [0, " + std::to_string(options_->num_buckets()) +
                                  ")");
    }
  }
  if (sum == 0) return Status::Ok();
  const double ratio = checkpoint.total_weight / static_cast<double>(sum);
  for (const auto& [bucket, weight] : checkpoint.bucket_weights) {
    min_bucket_ = std::min<uint16_t>(min_bucket_, static_cast<uint16_t>(bucket));
    max_bucket_ = std::max<uint16_t>(max_bucket_, static_cast<uint16_t>(bucket));
    *Slot(bucket) += static_cast<double>(weight) * ratio;
  }
  total_weight_ += checkpoint.total_weight;
  return Status::Ok();
}

nlohmann::json Histogram::ToExactJson() const {
  nlohmann::json weights = nlohmann::json::array();
  weights.get_ref<nlohmann::json::array_t&>().reserve(len_);
  for (int i = 0; i < len_; ++i) weights.push_back(weights_[i]);
  nlohmann::json json = nlohmann::json::object();
  json["total_weight"] = total_weight_;
  json["min_bucket"] = min_bucket_;
  json["max_bucket"] = max_bucket_;
  json["first_bucket"] = lo_;
  json["weights"] = std::move(weights);
  return json;
}

Status Histogram::FromExactJson(const nlohmann::json& json) {
  namespace jf = json_fields;
  const int n = options_->num_buckets();
  auto bucket = [n](const nlohmann::json& j, std::string_view key) -> StatusOr<int> {
    CRESCENDO_ASSIGN_OR_RETURN(int64_t b, jf::Int(j, key));
    if (b < 0 || b >= n) {
      return InvalidArgumentError(std::string(key) + ": " + std::to_string(b) + " is outside [0, " +
                                  std::to_string(n) + ")");
    }
    return static_cast<int>(b);
  };
  CRESCENDO_ASSIGN_OR_RETURN(double total, jf::Number(json, "total_weight"));
  CRESCENDO_ASSIGN_OR_RETURN(int min_bucket, bucket(json, "min_bucket"));
  CRESCENDO_ASSIGN_OR_RETURN(int max_bucket, bucket(json, "max_bucket"));
  CRESCENDO_ASSIGN_OR_RETURN(int first, bucket(json, "first_bucket"));
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* weights, jf::Array(json, "weights"));
  if (weights->size() > static_cast<size_t>(n - first)) {
    return InvalidArgumentError("weights: " + std::to_string(weights->size()) +
                                " buckets from first_bucket " + std::to_string(first) +
                                " go past the last bucket " + std::to_string(n - 1));
  }
  const int len = static_cast<int>(weights->size());
  auto stored = len > 0 ? std::make_unique<double[]>(len) : nullptr;
  for (int i = 0; i < len; ++i) {
    StatusOr<double> w = jf::AsNumber((*weights)[i]);
    if (!w.ok() || *w < 0) {
      return InvalidArgumentError("weights[" + std::to_string(i) + "]: found " +
                                  (*weights)[i].dump() + ", expected a non-negative number");
    }
    stored[i] = *w;
  }
  weights_ = std::move(stored);
  total_weight_ = total;
  lo_ = static_cast<uint16_t>(len > 0 ? first : 0);
  len_ = static_cast<uint16_t>(len);
  min_bucket_ = static_cast<uint16_t>(min_bucket);
  max_bucket_ = static_cast<uint16_t>(max_bucket);
  return Status::Ok();
}

size_t Histogram::MemoryUsageBytes() const { return sizeof(*this) + len_ * sizeof(double); }

// ---------------------------------------------------------------------------------------------
// DecayingHistogram

Timestamp RoundTime(Timestamp t, Duration d) {
  // Go's time.Round: the remainder is taken from Go's zero time; halfway rounds up.
  const Int128 since_zero = static_cast<Int128>(t.time_since_epoch().count()) +
                            static_cast<Int128>(kGoZeroTimeToUnixSeconds) * 1000000000;
  const Int128 dn = d.count();
  Int128 r = since_zero % dn;
  if (r < 0) r += dn;
  const int64_t r64 = static_cast<int64_t>(r);
  if (static_cast<Int128>(r64) * 2 < dn) return t - Duration(r64);
  return t + Duration(d.count() - r64);
}

DecayingHistogram::DecayingHistogram(const HistogramOptions* options, Duration half_life)
    : histogram_(options), half_life_(half_life), reference_ns_(kNoReference) {}

std::optional<Timestamp> DecayingHistogram::reference_timestamp() const {
  if (reference_ns_ == kNoReference) return std::nullopt;
  return Timestamp(Duration(reference_ns_));
}

void DecayingHistogram::ShiftReference(Timestamp new_reference) {
  new_reference = RoundTime(new_reference, half_life_);
  const int64_t new_ns = new_reference.time_since_epoch().count();
  if (reference_ns_ == kNoReference) {
    // Go's zero time is ~2000 years back: 2^exponent underflows to 0.
    histogram_.Scale(0.0);
  } else {
    int64_t exponent = RoundHalfUp(static_cast<double>(reference_ns_ - new_ns) /
                                   static_cast<double>(half_life_.count()));
    histogram_.Scale(
        std::ldexp(1.0, static_cast<int>(std::clamp<int64_t>(exponent, -100000, 100000))));
  }
  reference_ns_ = new_ns;
}

double DecayingHistogram::DecayFactor(Timestamp time) {
  const int64_t t_ns = time.time_since_epoch().count();
  if (reference_ns_ == kNoReference ||
      t_ns > reference_ns_ + half_life_.count() * kMaxDecayExponent) {
    ShiftReference(time);
  }
  return std::exp2(static_cast<double>(t_ns - reference_ns_) /
                   static_cast<double>(half_life_.count()));
}

void DecayingHistogram::AddSample(double value, double weight, Timestamp time) {
  histogram_.AddSample(value, weight * DecayFactor(time));
}

void DecayingHistogram::SubtractSample(double value, double weight, Timestamp time) {
  histogram_.SubtractSample(value, weight * DecayFactor(time));
}

void DecayingHistogram::Merge(DecayingHistogram other) {
  assert(half_life_ == other.half_life_ &&
         "can't merge decaying histograms with different half-lives");
  if (reference_ns_ < other.reference_ns_) {
    ShiftReference(Timestamp(Duration(other.reference_ns_)));
  } else if (other.reference_ns_ < reference_ns_) {
    other.ShiftReference(Timestamp(Duration(reference_ns_)));
  }
  histogram_.Merge(other.histogram_);
}

bool DecayingHistogram::Equals(const DecayingHistogram& other) const {
  return half_life_ == other.half_life_ && reference_ns_ == other.reference_ns_ &&
         histogram_.Equals(other.histogram_);
}

HistogramCheckpoint DecayingHistogram::SaveToCheckpoint() const {
  HistogramCheckpoint checkpoint = histogram_.SaveToCheckpoint();
  checkpoint.reference_timestamp = reference_timestamp();
  return checkpoint;
}

Status DecayingHistogram::LoadFromCheckpoint(const HistogramCheckpoint& checkpoint) {
  CRESCENDO_RETURN_IF_ERROR(histogram_.LoadFromCheckpoint(checkpoint));
  reference_ns_ = checkpoint.reference_timestamp
                      ? checkpoint.reference_timestamp->time_since_epoch().count()
                      : kNoReference;
  return Status::Ok();
}

nlohmann::json DecayingHistogram::ToExactJson() const {
  nlohmann::json json = nlohmann::json::object();
  json["reference_unix_ns"] =
      reference_ns_ == kNoReference ? nlohmann::json(nullptr) : nlohmann::json(reference_ns_);
  json["histogram"] = histogram_.ToExactJson();
  return json;
}

Status DecayingHistogram::FromExactJson(const nlohmann::json& json) {
  CRESCENDO_ASSIGN_OR_RETURN(std::optional<int64_t> reference,
                             json_fields::NullableInt(json, "reference_unix_ns"));
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* histogram,
                             json_fields::Object(json, "histogram"));
  if (reference && *reference == kNoReference) {
    return InvalidArgumentError("reference_unix_ns: " + std::to_string(*reference) +
                                " is reserved for no reference; write null");
  }
  CRESCENDO_RETURN_IF_ERROR(histogram_.FromExactJson(*histogram).WithContext("histogram"));
  reference_ns_ = reference.value_or(kNoReference);
  return Status::Ok();
}

}  // namespace crescendo::vertical
