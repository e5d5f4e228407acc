#include <algorithm>
#include <cmath>

#include "crescendo/sim/world.h"

namespace crescendo::sim {
namespace {

constexpr int64_t kMi = 1LL << 20;

// One row of the generated platform. Loads are the weekday evening peak in requests/s.
struct ServiceRow {
  const char* tenant;
  const char* name;
  double peak_rps;
  double trough_fraction;
  double evening_peak_hour;
  double release_multiplier;  // 1: not touched by the release
  double capacity_rps;
  double cpu_millis_per_request;
  double cpu_base_millis;
  int64_t cpu_request_millis;
  int64_t memory_request_mi;
  double service_time_ms;
  int32_t workers_per_pod;
  int32_t target_utilization;
  int32_t min_replicas;
  int32_t max_replicas;
  int64_t startup_seconds;
  int64_t startup_jitter_seconds;
  DelayDistribution startup_distribution;
};

// clang-format off
constexpr ServiceRow kRows[] = {
  // tenant       name               peak   trough eve   release cap   cpu/req base req  mem  svc  wk  tgt min max  start jit  dist
  {"free",       "public-api",       1500, 0.12, 20.5, 2.0,    150,  3,     30,  500, 512, 20,  16, 70, 3,  40,  20,   5,  DelayDistribution::kUniform},
  {"free",       "search",            500, 0.10, 20.5, 3.0,     60,  7,     40,  500, 768, 60,   8, 65, 2,  30,  25,   5,  DelayDistribution::kUniform},
  {"free",       "user-sessions",     900, 0.20, 21.0, 1.3,    200,  2,     50,  500, 1024, 10, 16, 75, 2,  20,  15,   5,  DelayDistribution::kUniform},
  {"premium",    "recommendations",   600, 0.15, 20.0, 2.5,     50, 15,     50, 1000, 1024, 80,  8, 70, 2,  40,  40,  10,  DelayDistribution::kNormal},
  {"premium",    "ml-inference",      250, 0.10, 20.5, 1.5,      7, 180,   100, 2000, 3072, 400, 4, 60, 2,  60,  90,  30,  DelayDistribution::kLogNormal},
  {"enterprise", "audio-analysis",     60, 0.30, 14.0, 4.0,      5, 150,    50, 1000, 2048, 250, 2, 70, 2,  40,  45,  15,  DelayDistribution::kLogNormal},
  {"enterprise", "catalog-ingest",    120, 0.25, 13.0, 5.0,     40, 18,     30, 1000, 1024, 100, 8, 70, 2,  20,  30,  10,  DelayDistribution::kUniform},
  {"enterprise", "label-analytics",   200, 0.20, 15.0, 1.0,     50, 10,     40,  500, 1024, 60,  4, 70, 1,  15,  30,  10,  DelayDistribution::kUniform},
};
// clang-format on

HorizontalSpec CpuUtilization(int32_t target, int32_t min_replicas, int32_t max_replicas) {
  HorizontalSpec h;
  h.min_replicas = min_replicas;
  h.max_replicas = max_replicas;
  MetricSpec cpu;
  cpu.type = MetricSourceType::kResource;
  cpu.name = "cpu";
  cpu.target.type = MetricTargetType::kUtilization;
  cpu.target.average_utilization = target;
  h.metrics.push_back(cpu);
  return h;
}

PodModel PodFor(const ServiceRow& row) {
  PodModel pod;
  pod.capacity_rps = row.capacity_rps;
  pod.requests = {row.cpu_request_millis, row.memory_request_mi * kMi};
  pod.cpu_millis_per_request = row.cpu_millis_per_request;
  pod.cpu_base_millis = row.cpu_base_millis;
  pod.memory_base_bytes = static_cast<double>(row.memory_request_mi * kMi) * 0.6;
  pod.memory_bytes_per_request = 4.0 * kMi;  // per request in flight
  pod.memory_limit_bytes = row.memory_request_mi * kMi * 3 / 2;
  pod.service_time_ms = row.service_time_ms;
  pod.workers_per_pod = row.workers_per_pod;
  pod.startup_delay = std::chrono::seconds(row.startup_seconds);
  pod.startup_jitter = std::chrono::seconds(row.startup_jitter_seconds);
  pod.startup_distribution = row.startup_distribution;
  pod.scheduling_delay = std::chrono::seconds(1);
  pod.cost_per_pod_hour = 0.04 * static_cast<double>(row.cpu_request_millis) / 1000.0 +
                          0.005 * static_cast<double>(row.memory_request_mi) / 1024.0;
  return pod;
}

std::shared_ptr<const LoadProfile> LoadFor(const ServiceRow& row,
                                           const MusicStreamingOptions& options, uint64_t seed) {
  DailyCycleSpec day;
  day.start = options.start;
  day.peak_rps = row.peak_rps;
  day.trough_fraction = row.trough_fraction;
  day.evening_peak_hour = row.evening_peak_hour;
  day.seed = seed;
  if (row.release_multiplier > 1) {
    day.bursts.push_back(BurstSpec{options.release_offset, row.release_multiplier,
                                   std::chrono::minutes(10), std::chrono::minutes(45)});
  }
  return DailyCycleLoad(std::move(day));
}

// Returns the replicas that bring CPU utilization to the target at `rps`, within min/max.
int32_t ReplicasFor(const ServiceRow& row, double rps) {
  double per_pod = (row.target_utilization / 100.0 * static_cast<double>(row.cpu_request_millis) -
                    row.cpu_base_millis) /
                   row.cpu_millis_per_request;
  auto pods = static_cast<int32_t>(std::ceil(rps / per_pod));
  return std::clamp(pods, row.min_replicas, row.max_replicas);
}

}  // namespace

ScenarioSpec MusicStreamingScenario(const MusicStreamingOptions& options) {
  ScenarioSpec spec;
  spec.seed = options.seed;
  spec.start = options.start;
  Random seeds(options.seed);
  for (const ServiceRow& row : kRows) {
    ServiceSpec s;
    s.id = WorkloadId{"prod", row.tenant, "music", row.name};
    s.horizontal = CpuUtilization(row.target_utilization, row.min_replicas, row.max_replicas);
    s.pod = PodFor(row);
    s.load = LoadFor(row, options, seeds.Next());
    s.load_profile = "music-streaming/" + std::string(row.name);
    s.initial_replicas = ReplicasFor(row, s.load->RpsAt(options.start).value_or(0));
    if (std::string_view(row.name) == "user-sessions") {
      s.business_metrics.push_back({"active_sessions", BusinessMetricSpec::Kind::kPerRequest, 40});
    }
    if (std::string_view(row.name) == "audio-analysis") {
      s.business_metrics.push_back({"audio_queue_length", BusinessMetricSpec::Kind::kBacklog, 1});
    }
    // Sized vertically on memory only, as the VPA's documentation advises beside an HPA on CPU;
    // the model servers resize in place (Kubernetes 1.33+), the rest by recreation.
    VerticalSpec vertical;
    const bool in_place = std::string_view(row.name) == "ml-inference" ||
                          std::string_view(row.name) == "recommendations";
    vertical.update_mode = in_place ? "InPlaceOrRecreate" : "Auto";
    ContainerResourcePolicy policy;
    policy.container_name = s.pod.container_name;
    policy.controlled_resources = {"memory"};
    vertical.container_policies.push_back(policy);
    s.vertical = vertical;
    spec.services.push_back(std::move(s));
  }
  return spec;
}

ScenarioSpec MusicStreamingScenario(uint64_t seed, Timestamp start) {
  MusicStreamingOptions options;
  options.seed = seed;
  options.start = start;
  return MusicStreamingScenario(options);
}

}  // namespace crescendo::sim
