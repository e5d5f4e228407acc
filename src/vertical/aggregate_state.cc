#include "crescendo/vertical/aggregate_state.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "vertical/json_fields.h"

namespace crescendo::vertical {
namespace {

// Go's zero time.Time: before every real timestamp.
constexpr int64_t kUnset = std::numeric_limits<int64_t>::min();

int64_t Ns(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp FromNs(int64_t ns) { return Timestamp(Duration(ns)); }
std::optional<Timestamp> OptionalTime(int64_t ns) {
  if (ns == kUnset) return std::nullopt;
  return FromNs(ns);
}

nlohmann::json NsJson(int64_t ns) {
  return ns == kUnset ? nlohmann::json(nullptr) : nlohmann::json(ns);
}

// Reads a nullable time field written by NsJson.
StatusOr<int64_t> ReadNs(const nlohmann::json& json, std::string_view key) {
  CRESCENDO_ASSIGN_OR_RETURN(std::optional<int64_t> ns, json_fields::NullableInt(json, key));
  if (ns && *ns == kUnset) {
    return InvalidArgumentError(std::string(key) + ": " + std::to_string(*ns) +
                                " is reserved for unset; write null");
  }
  return ns.value_or(kUnset);
}

// Reads a non-negative amount.
StatusOr<int64_t> ReadAmount(const nlohmann::json& json, std::string_view key) {
  CRESCENDO_ASSIGN_OR_RETURN(int64_t amount, json_fields::Int(json, key));
  if (amount < 0) {
    return InvalidArgumentError(std::string(key) + ": " + std::to_string(amount) +
                                " is negative, expected an amount >= 0");
  }
  return amount;
}

}  // namespace

const AggregationConfig& AggregationConfig::Default() {
  static const AggregationConfig kConfig;
  return kConfig;
}

int64_t ResourceAmountFromDouble(double amount) {
  if (!(amount >= 0)) return 0;  // negative or NaN
  if (amount > static_cast<double>(kMaxResourceAmount)) return kMaxResourceAmount;
  return static_cast<int64_t>(amount);
}

// ---------------------------------------------------------------------------------------------
// AggregateContainerState

AggregateContainerState::AggregateContainerState(const AggregationConfig* config)
    : config_(config),
      cpu_(config->cpu_options, config->cpu_half_life),
      memory_peaks_(config->memory_options, config->memory_half_life),
      first_sample_ns_(kUnset),
      last_sample_ns_(kUnset) {}

void AggregateContainerState::AddCpuSample(Timestamp start, int64_t usage_millis,
                                           int64_t request_millis) {
  // Samples are weighted by the current request, so the history accumulated under a smaller
  // request decays faster after the request grows (model/aggregate_container_state.go).
  cpu_.AddSample(CoresFromCpuMillis(usage_millis),
                 std::max(CoresFromCpuMillis(request_millis), kMinSampleWeight), start);
  const int64_t ns = Ns(start);
  if (ns > last_sample_ns_) last_sample_ns_ = ns;
  if (first_sample_ns_ == kUnset || ns < first_sample_ns_) first_sample_ns_ = ns;
  ++total_samples_count_;
}

void AggregateContainerState::AddMemoryPeak(Timestamp window_end, int64_t peak_bytes) {
  memory_peaks_.AddSample(static_cast<double>(peak_bytes), 1.0, window_end);
}

void AggregateContainerState::SubtractMemoryPeak(Timestamp window_end, int64_t peak_bytes) {
  memory_peaks_.SubtractSample(static_cast<double>(peak_bytes), 1.0, window_end);
}

void AggregateContainerState::Merge(const AggregateContainerState& other) {
  cpu_.Merge(other.cpu_);
  memory_peaks_.Merge(other.memory_peaks_);
  if (first_sample_ns_ == kUnset ||
      (other.first_sample_ns_ != kUnset && other.first_sample_ns_ < first_sample_ns_)) {
    first_sample_ns_ = other.first_sample_ns_;
  }
  if (other.last_sample_ns_ > last_sample_ns_) last_sample_ns_ = other.last_sample_ns_;
  total_samples_count_ += other.total_samples_count_;
}

std::optional<Timestamp> AggregateContainerState::first_sample_start() const {
  return OptionalTime(first_sample_ns_);
}

std::optional<Timestamp> AggregateContainerState::last_sample_start() const {
  return OptionalTime(last_sample_ns_);
}

void AggregateContainerState::set_sample_span(std::optional<Timestamp> first,
                                              std::optional<Timestamp> last, int64_t count) {
  first_sample_ns_ = first ? Ns(*first) : kUnset;
  last_sample_ns_ = last ? Ns(*last) : kUnset;
  total_samples_count_ = count;
}

bool AggregateContainerState::IsExpired(Timestamp now) const {
  if (total_samples_count_ == 0 || last_sample_ns_ == kUnset) return false;
  return Ns(now) - last_sample_ns_ >= config_->memory_aggregation_window().count();
}

nlohmann::json AggregateContainerState::ToExactJson() const {
  nlohmann::json json = nlohmann::json::object();
  json["cpu"] = cpu_.ToExactJson();
  json["memory_peaks"] = memory_peaks_.ToExactJson();
  json["first_sample_unix_ns"] = NsJson(first_sample_ns_);
  json["last_sample_unix_ns"] = NsJson(last_sample_ns_);
  json["total_samples_count"] = total_samples_count_;
  return json;
}

Status AggregateContainerState::FromExactJson(const nlohmann::json& json) {
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* cpu, json_fields::Object(json, "cpu"));
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* memory,
                             json_fields::Object(json, "memory_peaks"));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t first, ReadNs(json, "first_sample_unix_ns"));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t last, ReadNs(json, "last_sample_unix_ns"));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t count, ReadAmount(json, "total_samples_count"));
  CRESCENDO_RETURN_IF_ERROR(cpu_.FromExactJson(*cpu).WithContext("cpu"));
  CRESCENDO_RETURN_IF_ERROR(memory_peaks_.FromExactJson(*memory).WithContext("memory_peaks"));
  first_sample_ns_ = first;
  last_sample_ns_ = last;
  total_samples_count_ = count;
  return Status::Ok();
}

size_t AggregateContainerState::MemoryUsageBytes() const {
  return sizeof(*this) - 2 * sizeof(DecayingHistogram) + cpu_.MemoryUsageBytes() +
         memory_peaks_.MemoryUsageBytes();
}

// ---------------------------------------------------------------------------------------------
// ContainerState

ContainerState::ContainerState(AggregateContainerState* aggregate)
    : aggregate_(aggregate),
      last_cpu_sample_ns_(kUnset),
      last_memory_sample_ns_(kUnset),
      window_end_ns_(kUnset) {}

bool ContainerState::AddCpuSample(Timestamp start, int64_t usage_millis, int64_t request_millis) {
  // Discard invalid, duplicate or out-of-order samples (model/container.go addCPUSample).
  if (usage_millis < 0 || Ns(start) <= last_cpu_sample_ns_) return false;
  aggregate_->AddCpuSample(start, usage_millis, request_millis);
  last_cpu_sample_ns_ = Ns(start);
  return true;
}

bool ContainerState::AddMemorySample(Timestamp start, int64_t usage_bytes) {
  return AddMemory(start, usage_bytes, /*is_oom=*/false);
}

bool ContainerState::AddMemory(Timestamp start, int64_t usage_bytes, bool is_oom) {
  const int64_t ts = Ns(start);
  // OOM samples are always processed; others must not go back in time.
  if (usage_bytes < 0 || (!is_oom && ts < last_memory_sample_ns_)) return false;
  last_memory_sample_ns_ = ts;
  if (window_end_ns_ == kUnset) window_end_ns_ = ts;  // the first sample

  // One peak per container per aggregation interval: a larger sample inside the current
  // interval replaces the peak in the aggregate (model/container.go addMemorySample).
  bool add_new_peak = false;
  if (ts < window_end_ns_) {
    const int64_t old_peak = MaxMemoryPeak();
    if (old_peak != 0 && usage_bytes > old_peak) {
      aggregate_->SubtractMemoryPeak(FromNs(window_end_ns_), old_peak);
      add_new_peak = true;
    }
  } else {
    const int64_t interval = aggregate_->config().memory_aggregation_interval.count();
    const int64_t elapsed = ts - window_end_ns_;
    window_end_ns_ += elapsed - elapsed % interval + interval;
    memory_peak_ = 0;
    oom_peak_ = 0;
    add_new_peak = true;
  }
  if (add_new_peak) {
    aggregate_->AddMemoryPeak(FromNs(window_end_ns_), usage_bytes);
    (is_oom ? oom_peak_ : memory_peak_) = usage_bytes;
  }
  return true;
}

Status ContainerState::RecordOom(Timestamp time, int64_t memory_bytes) {
  const int64_t interval = aggregate_->config().memory_aggregation_interval.count();
  if (window_end_ns_ != kUnset && Ns(time) < window_end_ns_ - interval) {
    return FailedPreconditionError("OOM at " + FormatRfc3339(time) +
                                   " is discarded: it is older than the current memory "
                                   "aggregation interval (starting " +
                                   FormatRfc3339(FromNs(window_end_ns_ - interval)) + ")");
  }
  // The usage-based peak, not the OOM peak, keeps repeated OOMs from running away.
  const int64_t used = std::max(memory_bytes, memory_peak_);
  const int64_t needed = std::max(used + ResourceAmountFromDouble(kOomMinBumpUpBytes),
                                  ScaleResource(used, kOomBumpUpRatio));
  if (!AddMemory(time, needed, /*is_oom=*/true)) {
    return InvalidArgumentError("OOM at " + FormatRfc3339(time) + ": memory " +
                                std::to_string(memory_bytes) + " is negative");
  }
  return Status::Ok();
}

std::optional<Timestamp> ContainerState::window_end() const { return OptionalTime(window_end_ns_); }

std::optional<ContainerState::OpenPeak> ContainerState::OpenPeakAt(Timestamp now) const {
  if (window_end_ns_ == kUnset || Ns(now) >= window_end_ns_) return std::nullopt;
  return OpenPeak{FromNs(window_end_ns_), MaxMemoryPeak()};
}

nlohmann::json ContainerState::ToExactJson() const {
  nlohmann::json json = nlohmann::json::object();
  json["last_cpu_sample_unix_ns"] = NsJson(last_cpu_sample_ns_);
  json["last_memory_sample_unix_ns"] = NsJson(last_memory_sample_ns_);
  json["window_end_unix_ns"] = NsJson(window_end_ns_);
  json["memory_peak_bytes"] = memory_peak_;
  json["oom_peak_bytes"] = oom_peak_;
  return json;
}

Status ContainerState::FromExactJson(const nlohmann::json& json) {
  CRESCENDO_ASSIGN_OR_RETURN(int64_t last_cpu, ReadNs(json, "last_cpu_sample_unix_ns"));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t last_memory, ReadNs(json, "last_memory_sample_unix_ns"));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t window_end, ReadNs(json, "window_end_unix_ns"));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t memory_peak, ReadAmount(json, "memory_peak_bytes"));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t oom_peak, ReadAmount(json, "oom_peak_bytes"));
  last_cpu_sample_ns_ = last_cpu;
  last_memory_sample_ns_ = last_memory;
  window_end_ns_ = window_end;
  memory_peak_ = memory_peak;
  oom_peak_ = oom_peak;
  return Status::Ok();
}

}  // namespace crescendo::vertical
