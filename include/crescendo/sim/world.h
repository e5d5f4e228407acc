// The simulated world: a cluster, its load and the metrics it emits, advanced by a simulated
// clock. It implements ClusterBackend and MetricSource, so the engine drives it exactly as it
// drives a real cluster.
//
// Determinism: the same ScenarioSpec (seed included) and the same sequence of calls give the
// same results, bit for bit.
//
// Thread safety: not thread-safe; owned and driven by one thread (metric reads may come from the
// engine's collector threads only while Advance() is not running).
#ifndef CRESCENDO_SIM_WORLD_H_
#define CRESCENDO_SIM_WORLD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/cluster/cluster_backend.h"
#include "crescendo/metrics/metric_source.h"
#include "crescendo/model/autoscaling.h"
#include "crescendo/model/ids.h"

namespace crescendo::sim {

// How a service's pods behave.
struct PodModel {
  double capacity_rps = 100;               // requests per second one ready pod serves at target
  Resources requests{500, 512LL << 20};    // per-pod requests
  double cpu_millis_per_request = 4;       // CPU used per request/s, plus the base
  double cpu_base_millis = 20;
  double memory_bytes_per_request = 0;     // memory used per request/s in flight
  double memory_base_bytes = 200LL << 20;
  Duration startup_delay = std::chrono::seconds(30);   // creation to Ready (mean)
  Duration startup_jitter = std::chrono::seconds(10);  // spread of the startup delay
};

// One simulated service: its id, its autoscaling spec and its load.
struct ServiceSpec {
  WorkloadId id;
  HorizontalSpec horizontal;
  PodModel pod;
  int32_t initial_replicas = 1;
  // Load in requests per second, sampled per tick by LoadAt(). See scenario.h.
  std::string load_profile;  // name of a generated profile, or a trace reference
};

struct ScenarioSpec {
  uint64_t seed = 1;
  Timestamp start;
  std::vector<ServiceSpec> services;
};

// Per-service statistics accumulated over a run (see World::Stats()).
struct ServiceStats {
  WorkloadId id;
  double peak_load_rps = 0;
  int32_t min_replicas = 0;
  int32_t max_replicas = 0;
  double seconds_over_target = 0;  // time where load exceeded ready capacity
  double pod_hours = 0;
};

class World : public ClusterBackend, public MetricSource {
 public:
  // Builds the world. Errors: InvalidArgument naming the service and field that is wrong.
  static StatusOr<std::unique_ptr<World>> Create(const ScenarioSpec& spec);
  ~World() override = default;

  // Advances the world to `now` (pods start, become ready, load changes, stats accumulate).
  // REQUIRES: now >= the previous call's time.
  virtual void Advance(Timestamp now) = 0;
  // Returns the load of `workload` at the last Advance() in requests per second.
  virtual double LoadRps(const WorkloadId& workload) const = 0;
  // Returns the accumulated statistics per service, in scenario order.
  virtual std::vector<ServiceStats> Stats() const = 0;
};

// Returns the generated music streaming scenario of `crescendo run`: several services across
// three tenants, a daily cycle with an evening peak and a release-day burst, seeded by `seed`.
ScenarioSpec MusicStreamingScenario(uint64_t seed, Timestamp start);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SIM_WORLD_H_
