// Collector: reads every metric of every workload once per tick, in parallel, and says plainly
// which sources answered.
//
// Each (metric binding, chunk of workloads) is one task on a fixed thread pool. A task:
//   1. asks the source's circuit breaker; an open circuit answers Unavailable at once;
//   2. calls MetricSource::Read with timeout = what is left of the source's deadline;
//   3. retries Unavailable, DeadlineExceeded, ResourceExhausted (throttling) and Aborted with
//      exponential backoff and seeded jitter while the deadline allows (sleeping on the Clock);
//   4. drops samples older than the source's max_age: a workload left without a current sample
//      is Unavailable ("stale"), never a zero;
//   5. scales values by the binding's scale (source unit -> catalogue unit).
// A task that has not finished when the Clock reaches its deadline plus a 100 ms grace is
// abandoned and its workloads get DeadlineExceeded. A failed read gives every workload of the
// chunk the read's status, so the engine sees Unavailable/DeadlineExceeded per workload and holds
// its last safe decision; SourceReport says why, per source.
//
// Time: deadlines, MetricRequest::timeout, backoff sleeps, abandonment, the circuit breaker,
// read_latency and elapsed all follow the injected Clock; nothing reads the system clock. With a
// SimulatedClock a read takes no simulated time unless the source advances the clock, and a
// task is abandoned only when the clock passes its limit. Staleness (max_age, max_sample_age)
// and last_success are measured from Collect()'s `now`.
//
// Ownership: the Collector shares ownership of the sources; `clock` must outlive it.
// Thread safety: Collect() may be called from one thread at a time; Reports() from any.
#ifndef CRESCENDO_METRICS_COLLECTOR_H_
#define CRESCENDO_METRICS_COLLECTOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "crescendo/base/clock.h"
#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/metrics/circuit_breaker.h"
#include "crescendo/metrics/metric_source.h"
#include "crescendo/model/ids.h"
#include "crescendo/model/metrics.h"

namespace crescendo::metrics {

struct RetryPolicy {
  int max_attempts = 3;  // first try included
  Duration initial_backoff = std::chrono::milliseconds(100);
  Duration max_backoff = std::chrono::seconds(2);
  double multiplier = 2.0;
  double jitter = 0.2;  // each backoff is scaled by a uniform factor in [1-jitter, 1+jitter]
};

// Returns the backoff before retry number `retry` (1 = after the first failure), without jitter:
// min(max_backoff, initial_backoff * multiplier^(retry-1)).
Duration BackoffFor(const RetryPolicy& policy, int retry);

struct SourcePolicy {
  Duration deadline = std::chrono::seconds(5);  // per tick, retries included
  Duration max_age = std::chrono::minutes(2);   // older samples are missing, not current
  RetryPolicy retry;
  CircuitBreakerOptions breaker;
};

struct CollectorOptions {
  int threads = 4;
  size_t workloads_per_task = 250;  // a binding's workloads are read in chunks of this size
  uint64_t seed = 1;                // jitter randomness
  SourcePolicy default_policy;
  std::map<std::string, SourcePolicy> source_policies;  // by source name; overrides the default
};

// One metric of the catalogue as read from one source this tick.
struct MetricBinding {
  std::string metric;  // catalogue name, e.g. "cpu"
  std::string source;  // MetricSource::name(), e.g. "prometheus"
  std::string query;   // the source's query template
  Duration window = std::chrono::minutes(1);
  double scale = 1.0;  // multiplies every value (e.g. cores -> millicores: 1000)
};

enum class SourceHealth { kHealthy, kDegraded, kUnavailable, kCircuitOpen };
// Returns "healthy", "degraded", "unavailable" or "circuit-open".
std::string_view SourceHealthName(SourceHealth health);

// What one source did this tick, and its standing since the Collector started.
struct SourceReport {
  std::string source;
  SourceHealth health = SourceHealth::kHealthy;
  Status last_error;             // the last failure this tick (OK when none)
  int reads = 0;                 // tasks this tick
  int failed_reads = 0;          // tasks that ended in an error this tick
  int retries = 0;               // extra attempts this tick
  int64_t samples = 0;           // current samples kept this tick
  int64_t stale_samples = 0;     // samples dropped as older than max_age this tick
  Duration max_sample_age{};     // age of the oldest "newest sample" of a workload this tick
  Duration read_latency{};       // longest task this tick, retries included
  Timestamp last_success{};      // last tick with at least one successful read (epoch: never)
  int consecutive_failures = 0;  // as the circuit breaker counts them
  CircuitState circuit = CircuitState::kClosed;
};

struct CollectResult {
  // metrics[b][w]: binding b of the request, workload w of the request; every entry is present,
  // with a non-OK status when it could not be read.
  std::vector<std::vector<WorkloadMetric>> metrics;
  std::vector<SourceReport> sources;  // one per source named by a binding, by name
  Duration elapsed{};                 // clock time the tick's collection took

  // Returns true when every source is healthy.
  bool AllHealthy() const;
};

class Collector {
 public:
  // Errors: InvalidArgument for threads < 1, workloads_per_task 0, two sources with the same
  // name, or a null source.
  static StatusOr<std::unique_ptr<Collector>> Create(
      CollectorOptions options, std::vector<std::shared_ptr<MetricSource>> sources, Clock& clock);
  ~Collector();

  // Reads every binding for every workload at `now`. A binding naming an unknown source gives
  // its workloads NotFound. Never fails as a whole.
  CollectResult Collect(std::span<const MetricBinding> bindings,
                        std::span<const WorkloadId> workloads, Timestamp now);

  // Returns the standing of every source (as of the last Collect).
  std::vector<SourceReport> Reports() const;

 private:
  struct Impl;
  explicit Collector(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace crescendo::metrics

#endif  // CRESCENDO_METRICS_COLLECTOR_H_
