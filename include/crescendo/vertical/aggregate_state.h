// Per-container usage state, with the semantics of the VPA recommender's model package
// (kubernetes/autoscaler, vertical-pod-autoscaler/pkg/recommender/model:
// aggregate_container_state.go, container.go, aggregations_config.go, types.go).
//
// AggregateContainerState aggregates the samples of every container with one name in one
// workload: a decaying histogram of CPU usage (each sample weighted by max(request, 0.1 core)),
// a decaying histogram of memory peaks (one peak per container per 24 h interval, weight 1), and
// the first/last CPU sample start and CPU sample count (from which confidence is computed).
//
// ContainerState follows one container instance (one pod's container): it discards duplicate and
// out-of-order samples, keeps the current interval's memory peak (replacing it in the aggregate
// when a larger one arrives) and turns OOM kills into memory samples bumped to
// max(memory + 100 MiB, memory * 1.2).
//
// Both classes have an exact JSON form (ToExactJson/FromExactJson), unlike VPA's lossy
// checkpoint: restored, they make bit-identical decisions.
//
// Units: CPU amounts are millicores (int64), memory amounts bytes (int64), as VPA's
// ResourceAmount; amounts are clamped to [0, 1e14].
//
// Thread safety: not thread-safe; one writer.
#ifndef CRESCENDO_VERTICAL_AGGREGATE_STATE_H_
#define CRESCENDO_VERTICAL_AGGREGATE_STATE_H_

#include <algorithm>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/vertical/histogram.h"

namespace crescendo::vertical {

// VPA constants (model/aggregations_config.go, model/container.go, model/types.go).
inline constexpr double kMinSampleWeight = 0.1;  // cores
inline constexpr double kOomBumpUpRatio = 1.2;
inline constexpr double kOomMinBumpUpBytes = 100.0 * 1024 * 1024;  // 100 MiB
inline constexpr int64_t kMaxResourceAmount = 100000000000000;     // 1e14
inline constexpr const char* kCheckpointVersion = "v3";

// How samples are aggregated. The defaults are VPA's.
struct AggregationConfig {
  Duration memory_aggregation_interval = hours(24);
  int memory_aggregation_interval_count = 8;
  Duration cpu_half_life = hours(24);
  Duration memory_half_life = hours(24);
  const HistogramOptions* cpu_options = &HistogramOptions::DefaultCpu();
  const HistogramOptions* memory_options = &HistogramOptions::DefaultMemory();

  // Returns interval * count (8 days by default): history older than this is forgotten.
  Duration memory_aggregation_window() const {
    return memory_aggregation_interval * memory_aggregation_interval_count;
  }
  static const AggregationConfig& Default();
};

// Conversions as VPA's model/types.go: amounts truncate toward zero and clamp to [0, 1e14]
// (NaN becomes 0).
int64_t ResourceAmountFromDouble(double amount);
inline int64_t CpuMillisFromCores(double cores) { return ResourceAmountFromDouble(cores * 1000.0); }
inline double CoresFromCpuMillis(int64_t millis) { return static_cast<double>(millis) / 1000.0; }
// Returns amount * factor, converted as above.
inline int64_t ScaleResource(int64_t amount, double factor) {
  return ResourceAmountFromDouble(static_cast<double>(amount) * factor);
}

class AggregateContainerState {
 public:
  // REQUIRES: `config` outlives the state.
  explicit AggregateContainerState(const AggregationConfig* config = &AggregationConfig::Default());

  // Adds a CPU sample of `usage_millis` measured from `start`, weighted by
  // max(request, 0.1 core), and updates first/last sample start and the sample count.
  void AddCpuSample(Timestamp start, int64_t usage_millis, int64_t request_millis);
  // Adds/removes one memory peak (weight 1) dated `window_end`.
  void AddMemoryPeak(Timestamp window_end, int64_t peak_bytes);
  void SubtractMemoryPeak(Timestamp window_end, int64_t peak_bytes);
  // Adds `other`'s histograms, widens the sample time span and adds the sample counts.
  void Merge(const AggregateContainerState& other);

  const DecayingHistogram& cpu() const { return cpu_; }
  const DecayingHistogram& memory_peaks() const { return memory_peaks_; }
  DecayingHistogram& mutable_cpu() { return cpu_; }
  DecayingHistogram& mutable_memory_peaks() { return memory_peaks_; }
  std::optional<Timestamp> first_sample_start() const;
  std::optional<Timestamp> last_sample_start() const;
  int64_t total_samples_count() const { return total_samples_count_; }
  void set_sample_span(std::optional<Timestamp> first, std::optional<Timestamp> last,
                       int64_t count);
  const AggregationConfig& config() const { return *config_; }

  // Returns true when the last sample is at least memory_aggregation_window() before `now`
  // (VPA garbage-collects such states). An empty state is not expired.
  bool IsExpired(Timestamp now) const;

  // Returns {"cpu": <DecayingHistogram>, "memory_peaks": <DecayingHistogram>,
  // "first_sample_unix_ns": <int or null>, "last_sample_unix_ns": <int or null>,
  // "total_samples_count": <int>}.
  nlohmann::json ToExactJson() const;
  // Replaces the state (not its config) with the exact form. Errors: InvalidArgument naming the
  // field; the state may be partly replaced then (discard it).
  Status FromExactJson(const nlohmann::json& json);

  size_t MemoryUsageBytes() const;

 private:
  const AggregationConfig* config_;
  DecayingHistogram cpu_;
  DecayingHistogram memory_peaks_;
  int64_t first_sample_ns_;  // kUnset when no CPU sample yet
  int64_t last_sample_ns_;
  int64_t total_samples_count_ = 0;
};

// One container instance. Holds a non-owning pointer to its aggregate.
class ContainerState {
 public:
  // REQUIRES: `aggregate` outlives this object.
  explicit ContainerState(AggregateContainerState* aggregate);

  // Adds a CPU sample; returns false (and changes nothing) when usage < 0 or `start` is not
  // after the previous CPU sample.
  bool AddCpuSample(Timestamp start, int64_t usage_millis, int64_t request_millis);
  // Adds a memory sample; returns false when usage < 0 or `start` is before the previous
  // memory sample.
  bool AddMemorySample(Timestamp start, int64_t usage_bytes);
  // Records an OOM kill at `time` of a container whose memory was `memory_bytes` (its request,
  // or the usage at the kill): adds a memory sample of max(m + 100 MiB, m * 1.2) with
  // m = max(memory_bytes, current interval's usage peak).
  // Errors: FailedPrecondition when `time` is before the start of the previous interval
  // (stale OOM), naming the time.
  Status RecordOom(Timestamp time, int64_t memory_bytes);

  // Returns the larger of the current interval's usage peak and OOM peak.
  int64_t MaxMemoryPeak() const { return std::max(memory_peak_, oom_peak_); }
  std::optional<Timestamp> window_end() const;
  // The current interval's peak while the interval is still open at `now` (VPA's checkpoint
  // writer removes it before saving, so a restored state does not hold two peaks for it).
  struct OpenPeak {
    Timestamp window_end;
    int64_t bytes = 0;
  };
  std::optional<OpenPeak> OpenPeakAt(Timestamp now) const;

  // Points this state at `aggregate` (after copying a state into another model).
  // REQUIRES: `aggregate` outlives this object.
  void Rebind(AggregateContainerState* aggregate) { aggregate_ = aggregate; }

  // Returns {"last_cpu_sample_unix_ns": <int or null>, "last_memory_sample_unix_ns": ...,
  // "window_end_unix_ns": ..., "memory_peak_bytes": <int>, "oom_peak_bytes": <int>}.
  nlohmann::json ToExactJson() const;
  // Replaces the state (not its aggregate) with the exact form. Errors: InvalidArgument naming
  // the field; unchanged on error.
  Status FromExactJson(const nlohmann::json& json);

 private:
  bool AddMemory(Timestamp start, int64_t usage_bytes, bool is_oom);

  AggregateContainerState* aggregate_;
  int64_t last_cpu_sample_ns_;
  int64_t last_memory_sample_ns_;
  int64_t window_end_ns_;
  int64_t memory_peak_ = 0;
  int64_t oom_peak_ = 0;
};

}  // namespace crescendo::vertical

#endif  // CRESCENDO_VERTICAL_AGGREGATE_STATE_H_
