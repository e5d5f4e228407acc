// Config: the validated configuration of the whole platform, and the effective settings of every
// service in every environment and tenant.
//
// A Config is produced only by the loader (loader.h) and only when it has no error: every value
// in it has passed the checks documented in docs/configuration.md. Every effective value keeps
// its origin (file:line:column, environment variable or built-in default), so `crescendo config
// show --effective` and every error can say where a value came from.
//
// Units: durations are crescendo::Duration; CPU in millicores, memory in bytes; priorities are
// unitless (higher wins).
//
// Thread safety: immutable value types once loaded; share them as std::shared_ptr<const Config>.
#ifndef CRESCENDO_CONFIG_CONFIG_H_
#define CRESCENDO_CONFIG_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/time.h"
#include "crescendo/config/diagnostic.h"
#include "crescendo/model/autoscaling.h"
#include "crescendo/model/ids.h"
#include "crescendo/model/resources.h"
#include "crescendo/policy/registry.h"

namespace crescendo::config {

// How the engine treats a service (AUTOSCALING_MODE):
//   kubernetes   exactly what the Kubernetes HPA and VPA would do;
//   predictive   kubernetes plus forecasts;
//   intelligent  predictive plus policies, tenant arbitration and cost;
//   recommend    computes and records decisions, never applies them.
enum class AutoscalingMode { kKubernetes, kPredictive, kIntelligent, kRecommend };

// Returns "kubernetes", "predictive", "intelligent" or "recommend".
std::string_view AutoscalingModeName(AutoscalingMode mode);
// Parses the names AutoscalingModeName returns; nullopt for anything else.
std::optional<AutoscalingMode> ParseAutoscalingMode(std::string_view text);

// How tenants share capacity (TENANT_ISOLATION, docs/tenancy.md):
//   strict  each tenant confined to its entitlement; quotas enforced; no borrowing;
//   soft    shared capacity; guarantees and quotas enforced; idle capacity lent and reclaimed;
//   none    everything shared; guarantees and quotas ignored.
enum class TenantIsolation { kStrict, kSoft, kNone };

// Returns "strict", "soft" or "none".
std::string_view TenantIsolationName(TenantIsolation isolation);
// Parses "strict", "soft" and "none", and the older switch values: "enabled" and "true" mean
// soft, "disabled" and "false" none. nullopt for anything else.
std::optional<TenantIsolation> ParseTenantIsolation(std::string_view text);

// The tenant id of a service that serves every tenant from one deployment.
inline constexpr std::string_view kSharedTenant = "shared";
// The metric source of the built-in cpu and memory metrics: the cluster backend's resource
// metrics (metrics.k8s.io, or the simulator).
inline constexpr std::string_view kClusterMetricSource = "cluster";

// One effective value with its origin, e.g. {"horizontal.maxReplicas", "40", prod.yaml:7:20}.
struct Setting {
  std::string path;   // relative to the service ("mode", "horizontal.metrics.cpu.utilization")
  std::string value;  // canonical text ("40", "30s", "500m", "[cpu, memory]")
  Location origin;
  std::string source_path;  // the key path where it was written ("environments.prod.mode"),
                            // or the variable's name; empty for built-in defaults
  friend bool operator==(const Setting&, const Setting&) = default;
};

// Where the engine reads one horizontal metric: parallel to HorizontalSpec::metrics.
struct MetricBinding {
  std::string metric;  // catalogue name, e.g. "cpu", "audio_queue_length"
  std::string source;  // metric source name (a key of Config::metric_sources, or "cluster")
  std::string query;   // source-specific query template; empty for the cluster source
  Duration window = std::chrono::minutes(1);  // averaging window / range of the query
  std::string unit;                           // informational, e.g. "requests/s", "ms", "messages"
};

// Per-tenant limits of a subscription tier. Unset: no limit.
struct TierQuota {
  std::optional<int32_t> max_replicas;  // sum of replicas over the tenant's services
  std::optional<int64_t> cpu_millis;    // sum of CPU requests over the tenant's pods
  std::optional<int64_t> memory_bytes;  // sum of memory requests over the tenant's pods
};

struct Tier {
  std::string name;
  std::string description;
  int32_t priority = 0;      // 0..1000; higher is served first under capacity pressure
  bool preemptible = false;  // may be scaled below its recommendation to make room
  TierQuota quota;
  Location location;
};

struct Tenant {
  std::string name;
  std::string display_name;
  std::string tier;                       // a key of Config::tiers
  std::vector<std::string> environments;  // where the tenant runs; empty: every environment
  // Its share when capacity runs short (docs/tenancy.md): weight (> 0) in weighted DRF, the CPU
  // and memory it gets first (zero: none), and caps over all its services that replace the
  // tier's quota when set.
  double weight = 1.0;
  Resources guarantee;
  std::optional<TierQuota> quota;
  Location location;
};

struct Environment {
  std::string name;
  std::string description;
  std::optional<Resources> capacity;     // allocatable CPU and memory, when given
  std::optional<int32_t> capacity_pods;  // allocatable pods, when given
  Location location;
};

struct MetricSourceConfig {
  std::string name;
  std::string type;  // "prometheus", "influxdb", "cloudwatch", "trace", "simulator"
  std::string url;
  Duration timeout = std::chrono::seconds(5);
  std::map<std::string, std::string> options;  // source-specific, e.g. database, region
  Location location;
};

// A metric of the catalogue: what it measures and where it is read by default.
struct MetricDefinition {
  std::string name;
  MetricSourceType type = MetricSourceType::kPods;  // how the HPA algorithm treats it
  std::string source;
  std::string query;
  std::string unit;
  std::string description;
  Duration window = std::chrono::minutes(1);
  // `sensitive`: whether `crescendo serve` stores the metric's samples sealed (encrypted per
  // tenant). Unset: serve's default (its metric catalogue's flag, else sealed when the metric is
  // a business metric).
  std::optional<bool> sensitive;
  Location location;
};

// The effective settings of one service in one environment for one tenant.
struct ServiceConfig {
  WorkloadId id;        // environment, tenant (or "shared"), namespace, workload
  std::string service;  // its key under `services:`
  std::string workload_kind = "Deployment";  // Deployment | StatefulSet | ReplicaSet
  AutoscalingMode mode = AutoscalingMode::kKubernetes;
  std::optional<HorizontalSpec> horizontal;    // unset: not scaled horizontally
  std::optional<VerticalSpec> vertical;        // unset: not scaled vertically
  std::vector<MetricBinding> metric_bindings;  // one per horizontal->metrics entry, same order
  std::string tier;
  int32_t priority = 0;  // the tier's, unless the service sets its own
  Duration scaling_interval = std::chrono::seconds(15);
  TenantIsolation tenant_isolation = TenantIsolation::kSoft;  // TENANT_ISOLATION
  bool cost_optimization = false;  // let the cost optimizer resize or move this service
  std::map<std::string, std::string> labels;
  std::vector<policy::PolicySpec> policies;  // `policies:`, see docs/policies.md
  // Every effective value with its origin, in schema order (what `config show` prints).
  std::vector<Setting> settings;

  // Returns the setting at `path`, or null.
  const Setting* FindSetting(std::string_view path) const;
};

struct GlobalSettings {
  Duration tick_interval = std::chrono::seconds(15);  // how often the engine wakes up
  std::string default_tier;  // tier of shared services that name none; may be empty
};

struct Config {
  GlobalSettings global;
  std::map<std::string, Environment> environments;
  std::map<std::string, Tier> tiers;
  std::map<std::string, Tenant> tenants;
  std::map<std::string, MetricSourceConfig> metric_sources;
  std::map<std::string, MetricDefinition> metrics;  // the catalogue, built-ins included
  std::vector<ServiceConfig> services;              // sorted by id
  // Global, environment, tier, tenant, source and catalogue values with their origins
  // (paths as in the documents, e.g. "tiers.free.priority"); compared on reload.
  std::vector<Setting> settings;
  std::vector<std::string> files;    // the files read, in load order
  std::vector<Diagnostic> warnings;  // non-fatal findings, e.g. unsupported manifest fields

  // Returns the service with this id, or null.
  const ServiceConfig* Find(const WorkloadId& id) const;
  // Returns the effective settings of `service` in `environment`; with a non-empty `tenant`,
  // only that tenant's instance (use kSharedTenant for shared services).
  std::vector<const ServiceConfig*> Select(std::string_view service, std::string_view environment,
                                           std::string_view tenant = {}) const;
};

}  // namespace crescendo::config

#endif  // CRESCENDO_CONFIG_CONFIG_H_
