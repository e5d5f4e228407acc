#include "crescendo/sim/scenario_file.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <set>

#include "crescendo/base/quantity.h"
#include "crescendo/base/text.h"
#include "crescendo/format/file.h"
#include "crescendo/format/yaml.h"
#include "spec_validation.h"

namespace crescendo::sim {
namespace {

namespace fs = std::filesystem;
using format::YamlNode;

// Limits (docs/simulation.md, "Limits"): replicas of one service and of the whole scenario
// (Kubernetes' documented cluster limits: at most 150,000 pods and 5,000 nodes,
// https://kubernetes.io/docs/setup/best-practices/cluster-large/), the file's size, and any
// other number (finite, and small enough to convert to the integer it counts).
constexpr int32_t kMaxServiceReplicas = 10000;
constexpr int64_t kMaxScenarioReplicas = 150000;
constexpr int32_t kMaxNodes = 5000;
constexpr uintmax_t kMaxFileBytes = 16 << 20;
constexpr double kMaxNumber = 1e12;

// Returns the number a scalar spells, or NaN (which every caller refuses) when it spells none.
double AsDouble(const YamlNode& n) {
  return format::ScalarAsDouble(n).value_or(std::numeric_limits<double>::quiet_NaN());
}

// Reads typed fields from YAML nodes; every error names the file, the line, the column and the
// field path.
class Fields {
 public:
  explicit Fields(std::string file) : file_(std::move(file)) {}

  // Returns "FILE:LINE:COLUMN: PATH: WHAT" (FILE alone for a node without a location).
  Status Error(const YamlNode& node, const std::string& path, const std::string& what) const {
    std::string where = node.location.is_file() ? node.location.ToString() : file_;
    return InvalidArgumentError(where + ": " + path + ": " + what);
  }

  // Returns format's one located form: "FILE:LINE:COLUMN: PATH: found X, expected EXPECTED".
  Status Fail(const YamlNode& node, const std::string& path, const std::string& expected) const {
    return Error(node, path, "found " + Text(node) + ", expected " + expected);
  }

  // Rejects keys of `map` not in `known`.
  Status Known(const YamlNode& map, const std::string& path,
               std::initializer_list<std::string_view> known) const {
    if (!map.is_map()) return Fail(map, path, "a mapping");
    for (const YamlNode& entry : map) {
      const std::string& key = entry.key;
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string list;
        for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        return format::LocatedError(entry.key_location, path + "." + QuoteExcerpt(key),
                                    "an unknown field", "one of: " + list);
      }
    }
    return Status::Ok();
  }

  StatusOr<double> Number(const YamlNode& map, const std::string& key, const std::string& path,
                          double fallback, double min, bool above_min = false,
                          double max = kMaxNumber) const {
    const YamlNode& n = map[key];
    if (!n.present()) return fallback;
    std::string p = path + "." + key;
    const double v = AsDouble(n);
    if (!std::isfinite(v)) return Fail(n, p, "a finite number");
    if (v > max) return Fail(n, p, "a number <= " + Trimmed(max));
    if (v < min || (above_min && v == min)) {
      return Fail(n, p, std::string("a number ") + (above_min ? "> " : ">= ") + Trimmed(min));
    }
    return v;
  }

  // Returns a whole number in [min, max], for the fields that count (replicas, nodes, seconds).
  StatusOr<int32_t> Count(const YamlNode& map, const std::string& key, const std::string& path,
                          int32_t fallback, int32_t min, int32_t max) const {
    CRESCENDO_ASSIGN_OR_RETURN(double v, Number(map, key, path, fallback, min, false, max));
    if (v != std::floor(v)) {
      return Fail(map[key], path + "." + key, "a whole number");
    }
    return static_cast<int32_t>(v);
  }

  StatusOr<std::string> String(const YamlNode& map, const std::string& key, const std::string& path,
                               std::string fallback) const {
    const YamlNode& n = map[key];
    if (!n.present()) return fallback;
    if (!n.is_scalar()) return Fail(n, path + "." + key, "a string");
    return n.scalar;
  }

  StatusOr<Duration> Time(const YamlNode& map, const std::string& key, const std::string& path,
                          Duration fallback) const {
    const YamlNode& n = map[key];
    if (!n.present()) return fallback;
    StatusOr<Duration> d = n.is_scalar() ? ParseDuration(n.scalar)
                                         : StatusOr<Duration>(InvalidArgumentError("not a scalar"));
    if (!d.ok() || d->count() < 0) {
      return Fail(n, path + "." + key, "a duration >= 0 such as \"30s\" or \"1m30s\"");
    }
    return *d;
  }

  // Returns a Kubernetes quantity in milli-units (cpu) or units (memory), > 0.
  StatusOr<int64_t> Quantity(const YamlNode& map, const std::string& key, const std::string& path,
                             int64_t fallback, bool milli) const {
    const YamlNode& n = map[key];
    if (!n.present()) return fallback;
    StatusOr<crescendo::Quantity> q = n.is_scalar()
                                          ? crescendo::Quantity::Parse(n.scalar)
                                          : StatusOr<crescendo::Quantity>(InvalidArgumentError(""));
    int64_t v = q.ok() ? (milli ? q->MilliValue() : q->Value()) : -1;
    if (v < 0) {
      return Fail(n, path + "." + key,
                  std::string("a Kubernetes quantity >= 0 such as ") +
                      (milli ? "\"500m\" or \"2\"" : "\"512Mi\" or \"1G\""));
    }
    return v;
  }

  StatusOr<DelaySpec> Delay(const YamlNode& map, const std::string& key, const std::string& path,
                            DelaySpec fallback) const {
    const YamlNode& n = map[key];
    if (!n.present()) return fallback;
    std::string p = path + "." + key;
    if (n.is_scalar()) {  // a bare duration: fixed
      CRESCENDO_ASSIGN_OR_RETURN(Duration mean, Time(map, key, path, {}));
      return DelaySpec{DelayDistribution::kFixed, mean, {}};
    }
    CRESCENDO_RETURN_IF_ERROR(Known(n, p, {"distribution", "mean", "spread"}));
    CRESCENDO_ASSIGN_OR_RETURN(std::string name, String(n, "distribution", p, "fixed"));
    StatusOr<DelayDistribution> d = ParseDelayDistribution(name);
    if (!d.ok()) return Error(n["distribution"], p + ".distribution", d.status().message());
    DelaySpec out{*d, {}, {}};
    CRESCENDO_ASSIGN_OR_RETURN(out.mean, Time(n, "mean", p, fallback.mean));
    CRESCENDO_ASSIGN_OR_RETURN(out.spread, Time(n, "spread", p, {}));
    return out;
  }

  const std::string& file() const { return file_; }

 private:
  static std::string Text(const YamlNode& n) {
    if (n.is_scalar()) return QuoteExcerpt(n.scalar);
    if (n.is_null()) return "nothing";
    return n.is_sequence() ? "a list" : "a mapping";
  }
  static std::string Trimmed(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }

  std::string file_;
};

std::string ExpandEnv(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    size_t close = text.find('}', i);
    if (text.compare(i, 2, "${") == 0 && close != std::string::npos) {
      const char* value = std::getenv(text.substr(i + 2, close - i - 2).c_str());
      out += value != nullptr ? value : "";
      i = close;
    } else {
      out += text[i];
    }
  }
  return out;
}

class Loader {
 public:
  Loader(std::string path, std::optional<uint64_t> seed)
      : f_(path), path_(std::move(path)), seed_override_(seed) {}

  StatusOr<ScenarioFile> Load();

 private:
  Status Top(const YamlNode& root);
  StatusOr<NodePoolSpec> Nodes(const YamlNode& n);
  StatusOr<NodePoolSpec> NodeFields(const YamlNode& n, const std::string& p, NodePoolSpec spec);
  Status Tenancy(const YamlNode& n);
  StatusOr<SimTenant> Tenant(const YamlNode& n, const std::string& p,
                             const std::map<std::string, int32_t>& tiers);
  StatusOr<Resources> Amounts(const YamlNode& n, const std::string& p);
  Status Service(const YamlNode& n, const YamlNode& defaults, size_t index);
  StatusOr<PodModel> Pod(const YamlNode& n, const std::string& path, PodModel pod);
  Status Horizontal(const YamlNode& n, const std::string& path, HorizontalSpec& h);
  StatusOr<MetricSpec> Metric(const YamlNode& n, const std::string& path);
  StatusOr<ScalingRules> Rules(const YamlNode& n, const std::string& path);
  Status Business(const YamlNode& n, const std::string& path, ServiceSpec& s);
  StatusOr<VerticalSpec> Vertical(const YamlNode& n, const std::string& path, const PodModel& pod);
  Status Load(const YamlNode& n, const std::string& path, SimService& s, uint64_t seed);
  Status Trace(const YamlNode& n, const std::string& path, SimService& s);
  StatusOr<DailyCycleSpec> Daily(const YamlNode& n, const std::string& path, uint64_t seed);
  Status Window();

  Fields f_;
  std::string path_;
  std::optional<uint64_t> seed_override_;
  ScenarioFile out_;
  std::optional<Timestamp> start_;
  std::optional<Duration> duration_;
  std::vector<std::pair<TraceLoadOptions, TraceSummary>> trace_specs_;
  std::vector<size_t> trace_services_;
  int64_t total_max_replicas_ = 0;
  // Generated loads, built once the start is known: (service index, builder).
  std::vector<std::pair<size_t, std::function<std::shared_ptr<const LoadProfile>(Timestamp)>>>
      generated_;
};

StatusOr<ScenarioFile> Loader::Load() {
  StatusOr<std::string> text = format::ReadFile(path_, kMaxFileBytes);
  if (text.status().code() == StatusCode::kResourceExhausted) {
    return InvalidArgumentError("scenario " + std::string(text.status().message()) +
                                " (16 MiB); a scenario names its traces instead of holding them");
  }
  if (!text.ok()) {
    return Status(text.status().code(), "scenario " + std::string(text.status().message()));
  }
  CRESCENDO_ASSIGN_OR_RETURN(YamlNode root, format::ParseYamlDocument(*text, path_));
  CRESCENDO_RETURN_IF_ERROR(Top(root));
  CRESCENDO_RETURN_IF_ERROR(Window());
  return std::move(out_);
}

Status Loader::Top(const YamlNode& root) {
  CRESCENDO_RETURN_IF_ERROR(f_.Known(root, "scenario",
                                     {"name", "seed", "start", "duration", "interval", "strategies",
                                      "nodes", "tenancy", "defaults", "services"}));
  out_.path = path_;
  CRESCENDO_ASSIGN_OR_RETURN(out_.name,
                             f_.String(root, "name", "scenario", fs::path(path_).stem().string()));
  CRESCENDO_ASSIGN_OR_RETURN(
      double seed, f_.Count(root, "seed", "scenario", 1, 0, std::numeric_limits<int32_t>::max()));
  out_.seed = seed_override_.value_or(static_cast<uint64_t>(seed));
  if (root["start"].present()) {
    StatusOr<Timestamp> t = ParseRfc3339(root["start"].scalar);
    if (!t.ok()) return f_.Error(root["start"], "scenario.start", t.status().message());
    start_ = *t;
  }
  if (root["duration"].present()) {
    CRESCENDO_ASSIGN_OR_RETURN(duration_, f_.Time(root, "duration", "scenario", {}));
  }
  CRESCENDO_ASSIGN_OR_RETURN(out_.interval, f_.Time(root, "interval", "scenario", seconds(15)));
  if (out_.interval < seconds(1)) {
    return f_.Fail(root["interval"], "scenario.interval", "at least 1s");
  }
  if (const YamlNode& s = root["strategies"]; s.present()) {
    if (!s.is_sequence()) return f_.Fail(s, "scenario.strategies", "a list of names");
    for (const YamlNode& name : s) {
      const std::string strategy = name.scalar;
      if (strategy.empty() || std::find(out_.strategies.begin(), out_.strategies.end(), strategy) !=
                                  out_.strategies.end()) {
        return f_.Fail(name, "scenario.strategies", "distinct, non-empty names");
      }
      out_.strategies.push_back(strategy);
    }
  }
  if (root["nodes"].present()) {
    CRESCENDO_ASSIGN_OR_RETURN(out_.nodes, Nodes(root["nodes"]));
  }
  if (root["tenancy"].present()) CRESCENDO_RETURN_IF_ERROR(Tenancy(root["tenancy"]));
  const YamlNode& defaults = root["defaults"];
  if (defaults.present()) CRESCENDO_RETURN_IF_ERROR(f_.Known(defaults, "defaults", {"pod"}));
  const YamlNode& services = root["services"];
  if (!services.is_sequence() || services.size() == 0) {
    return f_.Fail(services.present() ? services : root, "scenario.services",
                   "a non-empty list of services");
  }
  for (size_t i = 0; i < services.size(); ++i) {
    CRESCENDO_RETURN_IF_ERROR(Service(services[i], defaults, i));
  }
  return Status::Ok();
}

StatusOr<NodePoolSpec> Loader::Nodes(const YamlNode& n) {
  const std::string p = "nodes";
  CRESCENDO_RETURN_IF_ERROR(f_.Known(
      n, p,
      {"cpu", "memory", "min", "max", "provisioning", "empty_node_removal", "cost_per_node_hour"}));
  return NodeFields(n, p, NodePoolSpec{});
}

// Reads a node pool's fields (those of `nodes:`) over `spec`.
StatusOr<NodePoolSpec> Loader::NodeFields(const YamlNode& n, const std::string& p,
                                          NodePoolSpec spec) {
  CRESCENDO_ASSIGN_OR_RETURN(spec.capacity.cpu_millis,
                             f_.Quantity(n, "cpu", p, spec.capacity.cpu_millis, true));
  CRESCENDO_ASSIGN_OR_RETURN(spec.capacity.memory_bytes,
                             f_.Quantity(n, "memory", p, spec.capacity.memory_bytes, false));
  CRESCENDO_ASSIGN_OR_RETURN(spec.min_nodes, f_.Count(n, "min", p, spec.min_nodes, 0, kMaxNodes));
  CRESCENDO_ASSIGN_OR_RETURN(spec.max_nodes, f_.Count(n, "max", p, spec.max_nodes, 1, kMaxNodes));
  CRESCENDO_ASSIGN_OR_RETURN(spec.provisioning, f_.Delay(n, "provisioning", p, spec.provisioning));
  CRESCENDO_ASSIGN_OR_RETURN(spec.empty_node_removal,
                             f_.Time(n, "empty_node_removal", p, spec.empty_node_removal));
  CRESCENDO_ASSIGN_OR_RETURN(spec.cost_per_node_hour,
                             f_.Number(n, "cost_per_node_hour", p, spec.cost_per_node_hour, 0));
  Status valid = spec.Validate();
  if (!valid.ok()) return f_.Error(n, p, valid.message());
  return spec;
}

// The tiers' priorities when the scenario gives none: those of `crescendo tenants arbitrate`
// (src/tenancy/arbitration_json.cc, as examples/config/tiers.yaml).
const std::map<std::string, int32_t>& DefaultTiers() {
  static const auto* const kTiers = new std::map<std::string, int32_t>{
      {"free", 100}, {"family", 400}, {"premium", 600}, {"enterprise", 900}, {"internal", 1000}};
  return *kTiers;
}

// tenancy: {isolation, tiers: {NAME: PRIORITY}, tenants: [...], pools: [...]}
Status Loader::Tenancy(const YamlNode& n) {
  const std::string p = "tenancy";
  CRESCENDO_RETURN_IF_ERROR(f_.Known(n, p, {"isolation", "tiers", "tenants", "pools"}));
  if (!out_.nodes) return f_.Fail(n, p, "a node pool first (`nodes:`): the capacity tenants share");
  SimTenancy t;
  CRESCENDO_ASSIGN_OR_RETURN(std::string isolation, f_.String(n, "isolation", p, "soft"));
  std::optional<tenancy::Isolation> parsed = tenancy::ParseIsolation(isolation);
  if (!parsed) return f_.Fail(n["isolation"], p + ".isolation", "strict, soft or none");
  t.isolation = *parsed;
  std::map<std::string, int32_t> tiers = DefaultTiers();
  if (const YamlNode& given = n["tiers"]; given.present()) {
    if (!given.is_map()) return f_.Fail(given, p + ".tiers", "a mapping of tier to priority");
    tiers.clear();
    for (const YamlNode& entry : given) {
      CRESCENDO_ASSIGN_OR_RETURN(tiers[entry.key], f_.Count(given, entry.key, p + ".tiers", 0,
                                                            std::numeric_limits<int32_t>::min(),
                                                            std::numeric_limits<int32_t>::max()));
    }
  }
  if (const YamlNode& pools = n["pools"]; pools.present()) {
    if (!pools.is_sequence()) return f_.Fail(pools, p + ".pools", "a list of node pools");
    for (size_t i = 0; i < pools.size(); ++i) {
      const std::string pp = p + ".pools[" + std::to_string(i) + "]";
      CRESCENDO_RETURN_IF_ERROR(f_.Known(pools[i], pp,
                                         {"name", "cpu", "memory", "min", "max", "provisioning",
                                          "empty_node_removal", "cost_per_node_hour"}));
      SimPool pool;
      CRESCENDO_ASSIGN_OR_RETURN(pool.name, f_.String(pools[i], "name", pp, ""));
      if (pool.name.empty() ||
          std::any_of(t.pools.begin(), t.pools.end(),
                      [&](const SimPool& other) { return other.name == pool.name; })) {
        return f_.Fail(pools[i]["name"].present() ? pools[i]["name"] : pools[i], pp + ".name",
                       "a distinct, non-empty pool name");
      }
      CRESCENDO_ASSIGN_OR_RETURN(pool.spec, NodeFields(pools[i], pp, *out_.nodes));
      t.pools.push_back(std::move(pool));
    }
  }
  const YamlNode& tenants = n["tenants"];
  if (!tenants.is_sequence() || tenants.size() == 0) {
    return f_.Fail(tenants.present() ? tenants : n, p + ".tenants", "a non-empty list of tenants");
  }
  for (size_t i = 0; i < tenants.size(); ++i) {
    const std::string tp = p + ".tenants[" + std::to_string(i) + "]";
    CRESCENDO_ASSIGN_OR_RETURN(SimTenant tenant, Tenant(tenants[i], tp, tiers));
    if (std::any_of(t.tenants.begin(), t.tenants.end(),
                    [&](const SimTenant& other) { return other.name == tenant.name; })) {
      return f_.Fail(tenants[i]["name"], tp + ".name", "a tenant name not given before");
    }
    const std::string& pool = tenant.policy.pool;
    const bool known = std::any_of(t.pools.begin(), t.pools.end(),
                                   [&](const SimPool& x) { return x.name == pool; });
    if (!t.pools.empty() && !known) {
      std::string names;
      for (const SimPool& x : t.pools) names += (names.empty() ? "" : ", ") + x.name;
      return f_.Fail(tenants[i]["pool"].present() ? tenants[i]["pool"] : tenants[i], tp + ".pool",
                     "the name of one of tenancy.pools (" + names + ")");
    }
    if (t.pools.empty() && !pool.empty()) {
      return f_.Fail(tenants[i]["pool"], tp + ".pool", "no pool: tenancy.pools declares none");
    }
    t.tenants.push_back(std::move(tenant));
  }
  out_.tenancy = std::move(t);
  return Status::Ok();
}

// A tenant: {name, tier, weight, guarantee: {cpu, memory}, quota: {cpu, memory, pods}, pool}.
StatusOr<SimTenant> Loader::Tenant(const YamlNode& n, const std::string& p,
                                   const std::map<std::string, int32_t>& tiers) {
  CRESCENDO_RETURN_IF_ERROR(
      f_.Known(n, p, {"name", "tier", "weight", "guarantee", "quota", "pool"}));
  SimTenant t;
  CRESCENDO_ASSIGN_OR_RETURN(t.name, f_.String(n, "name", p, ""));
  if (t.name.empty()) return f_.Fail(n["name"].present() ? n["name"] : n, p + ".name", "a name");
  CRESCENDO_ASSIGN_OR_RETURN(t.policy.tier, f_.String(n, "tier", p, ""));
  auto tier = tiers.find(t.policy.tier);
  if (tier == tiers.end()) {
    std::string names;
    for (const auto& [name, priority] : tiers) names += (names.empty() ? "" : ", ") + name;
    return f_.Fail(n["tier"].present() ? n["tier"] : n, p + ".tier", "one of the tiers: " + names);
  }
  t.policy.tier_priority = tier->second;
  CRESCENDO_ASSIGN_OR_RETURN(t.policy.weight, f_.Number(n, "weight", p, 1, 0, true));
  if (n["guarantee"].present()) {
    CRESCENDO_ASSIGN_OR_RETURN(t.policy.guarantee, Amounts(n["guarantee"], p + ".guarantee"));
  }
  if (const YamlNode& q = n["quota"]; q.present()) {
    const std::string qp = p + ".quota";
    CRESCENDO_RETURN_IF_ERROR(f_.Known(q, qp, {"cpu", "memory", "pods"}));
    if (q["cpu"].present()) {
      CRESCENDO_ASSIGN_OR_RETURN(t.policy.quota.cpu_millis, f_.Quantity(q, "cpu", qp, 0, true));
    }
    if (q["memory"].present()) {
      CRESCENDO_ASSIGN_OR_RETURN(t.policy.quota.memory_bytes,
                                 f_.Quantity(q, "memory", qp, 0, false));
    }
    if (q["pods"].present()) {
      CRESCENDO_ASSIGN_OR_RETURN(t.policy.quota.max_replicas,
                                 f_.Count(q, "pods", qp, 0, 0, kMaxScenarioReplicas));
    }
  }
  CRESCENDO_ASSIGN_OR_RETURN(t.policy.pool, f_.String(n, "pool", p, ""));
  return t;
}

// {cpu, memory} as Kubernetes quantities; a missing one is 0.
StatusOr<Resources> Loader::Amounts(const YamlNode& n, const std::string& p) {
  CRESCENDO_RETURN_IF_ERROR(f_.Known(n, p, {"cpu", "memory"}));
  Resources r;
  CRESCENDO_ASSIGN_OR_RETURN(r.cpu_millis, f_.Quantity(n, "cpu", p, 0, true));
  CRESCENDO_ASSIGN_OR_RETURN(r.memory_bytes, f_.Quantity(n, "memory", p, 0, false));
  return r;
}

StatusOr<PodModel> Loader::Pod(const YamlNode& n, const std::string& p, PodModel pod) {
  if (!n.present()) return pod;
  CRESCENDO_RETURN_IF_ERROR(
      f_.Known(n, p,
               {"capacity_rps", "container_name", "cpu_request", "memory_request",
                "cpu_per_request_millis", "cpu_base_millis", "memory_per_request", "memory_base",
                "cpu_limit", "memory_limit", "startup", "scheduling", "service_time_ms", "workers",
                "latency_curve", "request_timeout_ms", "cost_per_pod_hour"}));
  CRESCENDO_ASSIGN_OR_RETURN(pod.capacity_rps,
                             f_.Number(n, "capacity_rps", p, pod.capacity_rps, 0, true));
  CRESCENDO_ASSIGN_OR_RETURN(pod.container_name,
                             f_.String(n, "container_name", p, pod.container_name));
  if (pod.container_name.empty()) {
    return f_.Fail(n["container_name"], p + ".container_name", "a non-empty name");
  }
  CRESCENDO_ASSIGN_OR_RETURN(pod.requests.cpu_millis,
                             f_.Quantity(n, "cpu_request", p, pod.requests.cpu_millis, true));
  CRESCENDO_ASSIGN_OR_RETURN(pod.requests.memory_bytes,
                             f_.Quantity(n, "memory_request", p, pod.requests.memory_bytes, false));
  CRESCENDO_ASSIGN_OR_RETURN(pod.cpu_millis_per_request, f_.Number(n, "cpu_per_request_millis", p,
                                                                   pod.cpu_millis_per_request, 0));
  CRESCENDO_ASSIGN_OR_RETURN(pod.cpu_base_millis,
                             f_.Number(n, "cpu_base_millis", p, pod.cpu_base_millis, 0));
  CRESCENDO_ASSIGN_OR_RETURN(
      int64_t per_request, f_.Quantity(n, "memory_per_request", p,
                                       static_cast<int64_t>(pod.memory_bytes_per_request), false));
  CRESCENDO_ASSIGN_OR_RETURN(
      int64_t base,
      f_.Quantity(n, "memory_base", p, static_cast<int64_t>(pod.memory_base_bytes), false));
  pod.memory_bytes_per_request = static_cast<double>(per_request);
  pod.memory_base_bytes = static_cast<double>(base);
  CRESCENDO_ASSIGN_OR_RETURN(pod.cpu_limit_millis,
                             f_.Quantity(n, "cpu_limit", p, pod.cpu_limit_millis, true));
  CRESCENDO_ASSIGN_OR_RETURN(pod.memory_limit_bytes,
                             f_.Quantity(n, "memory_limit", p, pod.memory_limit_bytes, false));
  CRESCENDO_ASSIGN_OR_RETURN(DelaySpec startup, f_.Delay(n, "startup", p, pod.StartupDelay()));
  CRESCENDO_ASSIGN_OR_RETURN(DelaySpec scheduling,
                             f_.Delay(n, "scheduling", p, pod.SchedulingDelay()));
  pod.startup_distribution = startup.distribution;
  pod.startup_delay = startup.mean;
  pod.startup_jitter = startup.spread;
  pod.scheduling_distribution = scheduling.distribution;
  pod.scheduling_delay = scheduling.mean;
  pod.scheduling_jitter = scheduling.spread;
  CRESCENDO_ASSIGN_OR_RETURN(pod.service_time_ms,
                             f_.Number(n, "service_time_ms", p, pod.service_time_ms, 0, true));
  CRESCENDO_ASSIGN_OR_RETURN(pod.workers_per_pod,
                             f_.Count(n, "workers", p, pod.workers_per_pod, 1, 100000));
  if (const YamlNode& curve = n["latency_curve"]; curve.present()) {
    if (!curve.is_sequence())
      return f_.Fail(curve, p + ".latency_curve", "[[utilization, ms], ...]");
    pod.latency_curve.clear();
    for (const YamlNode& point : curve) {
      if (!point.is_sequence() || point.size() != 2) {
        return f_.Fail(point, p + ".latency_curve", "a pair [utilization, latency_ms]");
      }
      const double utilization = AsDouble(point[0]);
      const double latency_ms = AsDouble(point[1]);
      if (!std::isfinite(utilization) || !std::isfinite(latency_ms) || utilization < 0 ||
          latency_ms < 0) {
        return f_.Fail(point, p + ".latency_curve", "finite numbers >= 0");
      }
      pod.latency_curve.push_back({utilization, latency_ms});
    }
  }
  CRESCENDO_ASSIGN_OR_RETURN(pod.request_timeout_ms, f_.Number(n, "request_timeout_ms", p,
                                                               pod.request_timeout_ms, 0, true));
  CRESCENDO_ASSIGN_OR_RETURN(pod.cost_per_pod_hour,
                             f_.Number(n, "cost_per_pod_hour", p, pod.cost_per_pod_hour, 0));
  Status valid = ValidatePodModel(pod, p);
  if (!valid.ok()) return f_.Error(n, p, valid.message());
  return pod;
}

StatusOr<MetricSpec> Loader::Metric(const YamlNode& n, const std::string& p) {
  CRESCENDO_RETURN_IF_ERROR(f_.Known(n, p, {"type", "name", "target"}));
  MetricSpec m;
  CRESCENDO_ASSIGN_OR_RETURN(std::string type, f_.String(n, "type", p, "Resource"));
  static const std::pair<std::string_view, MetricSourceType> kTypes[] = {
      {"Resource", MetricSourceType::kResource},
      {"ContainerResource", MetricSourceType::kContainerResource},
      {"Pods", MetricSourceType::kPods},
      {"Object", MetricSourceType::kObject},
      {"External", MetricSourceType::kExternal}};
  auto t = std::find_if(std::begin(kTypes), std::end(kTypes),
                        [&](const auto& k) { return k.first == type; });
  if (t == std::end(kTypes)) {
    return f_.Fail(n["type"], p + ".type", "Resource, ContainerResource, Pods, Object or External");
  }
  m.type = t->second;
  CRESCENDO_ASSIGN_OR_RETURN(m.name, f_.String(n, "name", p, ""));
  if (m.name.empty()) return f_.Fail(n, p + ".name", "a metric name such as cpu");
  const YamlNode& target = n["target"];
  if (!target.present()) return f_.Fail(n, p + ".target", "a target");
  std::string tp = p + ".target";
  CRESCENDO_RETURN_IF_ERROR(
      f_.Known(target, tp, {"type", "averageUtilization", "averageValue", "value"}));
  CRESCENDO_ASSIGN_OR_RETURN(std::string kind, f_.String(target, "type", tp, "Utilization"));
  if (kind == "Utilization") {
    m.target.type = MetricTargetType::kUtilization;
    CRESCENDO_ASSIGN_OR_RETURN(m.target.average_utilization,
                               f_.Count(target, "averageUtilization", tp, 80, 1, 1000));
    return m;
  }
  const char* field = kind == "AverageValue" ? "averageValue" : kind == "Value" ? "value" : nullptr;
  if (field == nullptr) {
    return f_.Fail(target["type"], tp + ".type", "Utilization, AverageValue or Value");
  }
  const YamlNode& v = target[field];
  StatusOr<crescendo::Quantity> q =
      v.is_scalar() ? crescendo::Quantity::Parse(v.scalar)
                    : StatusOr<crescendo::Quantity>(InvalidArgumentError("missing"));
  if (!q.ok())
    return f_.Fail(v.present() ? v : target, tp + "." + field,
                   "a quantity such as \"30\" or \"500m\"");
  m.target.type =
      kind == "AverageValue" ? MetricTargetType::kAverageValue : MetricTargetType::kValue;
  (kind == "AverageValue" ? m.target.average_value : m.target.value) = *q;
  return m;
}

StatusOr<ScalingRules> Loader::Rules(const YamlNode& n, const std::string& p) {
  CRESCENDO_RETURN_IF_ERROR(
      f_.Known(n, p, {"stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"}));
  ScalingRules r;
  if (n["stabilizationWindowSeconds"].present()) {
    CRESCENDO_ASSIGN_OR_RETURN(r.stabilization_window_seconds,
                               f_.Count(n, "stabilizationWindowSeconds", p, 0, 0, 3600));
  }
  if (n["tolerance"].present()) {
    CRESCENDO_ASSIGN_OR_RETURN(r.tolerance, f_.Number(n, "tolerance", p, 0, 0));
  }
  if (const YamlNode& s = n["selectPolicy"]; s.present()) {
    std::string v = s.scalar;
    if (v != "Max" && v != "Min" && v != "Disabled") {
      return f_.Fail(s, p + ".selectPolicy", "Max, Min or Disabled");
    }
    r.select_policy = v == "Max"   ? SelectPolicy::kMax
                      : v == "Min" ? SelectPolicy::kMin
                                   : SelectPolicy::kDisabled;
  }
  if (const YamlNode& policies = n["policies"]; policies.present()) {
    for (size_t i = 0; i < policies.size(); ++i) {
      std::string pp = p + ".policies[" + std::to_string(i) + "]";
      const YamlNode& pol = policies[i];
      CRESCENDO_RETURN_IF_ERROR(f_.Known(pol, pp, {"type", "value", "periodSeconds"}));
      CRESCENDO_ASSIGN_OR_RETURN(std::string type, f_.String(pol, "type", pp, ""));
      if (type != "Pods" && type != "Percent") {
        return f_.Fail(pol, pp + ".type", "Pods or Percent");
      }
      CRESCENDO_ASSIGN_OR_RETURN(int32_t value, f_.Count(pol, "value", pp, 0, 1, 1000000));
      // Kubernetes accepts periodSeconds of 1 to 1800 (autoscaling/v2 HPAScalingPolicy).
      CRESCENDO_ASSIGN_OR_RETURN(int32_t period, f_.Count(pol, "periodSeconds", pp, 0, 1, 1800));
      r.policies.push_back(
          {type == "Pods" ? ScalingPolicyType::kPods : ScalingPolicyType::kPercent, value, period});
    }
  }
  return r;
}

Status Loader::Horizontal(const YamlNode& n, const std::string& p, HorizontalSpec& h) {
  CRESCENDO_ASSIGN_OR_RETURN(h.min_replicas,
                             f_.Count(n, "min_replicas", p, 1, 0, kMaxServiceReplicas));
  CRESCENDO_ASSIGN_OR_RETURN(h.max_replicas,
                             f_.Count(n, "max_replicas", p, 10, 1, kMaxServiceReplicas));
  total_max_replicas_ += h.max_replicas;
  if (total_max_replicas_ > kMaxScenarioReplicas) {
    return f_.Error(n["max_replicas"], p + ".max_replicas",
                    "the services' max_replicas add up to " + std::to_string(total_max_replicas_) +
                        ", expected at most " + std::to_string(kMaxScenarioReplicas) +
                        " pods in one scenario");
  }
  if (n["target_cpu_utilization"].present()) {
    MetricSpec cpu;
    cpu.name = "cpu";
    CRESCENDO_ASSIGN_OR_RETURN(cpu.target.average_utilization,
                               f_.Count(n, "target_cpu_utilization", p, 80, 1, 100));
    h.metrics.push_back(cpu);
  }
  if (const YamlNode& metrics = n["metrics"]; metrics.present()) {
    if (!metrics.is_sequence()) return f_.Fail(metrics, p + ".metrics", "a list");
    for (size_t i = 0; i < metrics.size(); ++i) {
      CRESCENDO_ASSIGN_OR_RETURN(MetricSpec m,
                                 Metric(metrics[i], p + ".metrics[" + std::to_string(i) + "]"));
      h.metrics.push_back(std::move(m));
    }
  }
  if (const YamlNode& b = n["behavior"]; b.present()) {
    CRESCENDO_RETURN_IF_ERROR(f_.Known(b, p + ".behavior", {"scaleUp", "scaleDown"}));
    h.behavior.emplace();
    if (b["scaleUp"].present()) {
      CRESCENDO_ASSIGN_OR_RETURN(h.behavior->scale_up,
                                 Rules(b["scaleUp"], p + ".behavior.scaleUp"));
    }
    if (b["scaleDown"].present()) {
      CRESCENDO_ASSIGN_OR_RETURN(h.behavior->scale_down,
                                 Rules(b["scaleDown"], p + ".behavior.scaleDown"));
    }
  }
  return Status::Ok();
}

Status Loader::Business(const YamlNode& n, const std::string& p, ServiceSpec& s) {
  if (!n.is_sequence()) return f_.Fail(n, p, "a list");
  for (size_t i = 0; i < n.size(); ++i) {
    std::string bp = p + "[" + std::to_string(i) + "]";
    CRESCENDO_RETURN_IF_ERROR(f_.Known(n[i], bp, {"name", "kind", "per_rps"}));
    BusinessMetricSpec m;
    CRESCENDO_ASSIGN_OR_RETURN(m.name, f_.String(n[i], "name", bp, ""));
    CRESCENDO_ASSIGN_OR_RETURN(std::string kind, f_.String(n[i], "kind", bp, "per_request"));
    if (kind != "per_request" && kind != "backlog") {
      return f_.Fail(n[i], bp + ".kind", "per_request or backlog");
    }
    m.kind = kind == "backlog" ? BusinessMetricSpec::Kind::kBacklog
                               : BusinessMetricSpec::Kind::kPerRequest;
    CRESCENDO_ASSIGN_OR_RETURN(m.per_rps, f_.Number(n[i], "per_rps", bp, 1, 0));
    s.business_metrics.push_back(std::move(m));
  }
  return Status::Ok();
}

StatusOr<DailyCycleSpec> Loader::Daily(const YamlNode& n, const std::string& p, uint64_t seed) {
  CRESCENDO_RETURN_IF_ERROR(
      f_.Known(n, p,
               {"peak_rps", "trough_fraction", "evening_peak_hour", "morning_hour",
                "morning_fraction", "weekend_factor", "friday_evening_factor", "noise", "bursts"}));
  DailyCycleSpec d;
  d.seed = seed;
  CRESCENDO_ASSIGN_OR_RETURN(d.peak_rps, f_.Number(n, "peak_rps", p, d.peak_rps, 0));
  CRESCENDO_ASSIGN_OR_RETURN(d.trough_fraction,
                             f_.Number(n, "trough_fraction", p, d.trough_fraction, 0));
  CRESCENDO_ASSIGN_OR_RETURN(d.evening_peak_hour,
                             f_.Number(n, "evening_peak_hour", p, d.evening_peak_hour, 0));
  CRESCENDO_ASSIGN_OR_RETURN(d.morning_hour, f_.Number(n, "morning_hour", p, d.morning_hour, 0));
  CRESCENDO_ASSIGN_OR_RETURN(d.morning_fraction,
                             f_.Number(n, "morning_fraction", p, d.morning_fraction, 0));
  CRESCENDO_ASSIGN_OR_RETURN(d.weekend_factor,
                             f_.Number(n, "weekend_factor", p, d.weekend_factor, 0));
  CRESCENDO_ASSIGN_OR_RETURN(d.friday_evening_factor,
                             f_.Number(n, "friday_evening_factor", p, d.friday_evening_factor, 0));
  CRESCENDO_ASSIGN_OR_RETURN(d.noise_fraction, f_.Number(n, "noise", p, d.noise_fraction, 0));
  if (const YamlNode& bursts = n["bursts"]; bursts.present()) {
    for (size_t i = 0; i < bursts.size(); ++i) {
      std::string bp = p + ".bursts[" + std::to_string(i) + "]";
      CRESCENDO_RETURN_IF_ERROR(f_.Known(bursts[i], bp, {"at", "multiplier", "ramp", "half_life"}));
      BurstSpec b;
      CRESCENDO_ASSIGN_OR_RETURN(b.offset, f_.Time(bursts[i], "at", bp, {}));
      CRESCENDO_ASSIGN_OR_RETURN(b.multiplier, f_.Number(bursts[i], "multiplier", bp, 2, 0));
      CRESCENDO_ASSIGN_OR_RETURN(b.ramp, f_.Time(bursts[i], "ramp", bp, b.ramp));
      CRESCENDO_ASSIGN_OR_RETURN(b.half_life, f_.Time(bursts[i], "half_life", bp, b.half_life));
      d.bursts.push_back(b);
    }
  }
  return d;
}

Status Loader::Trace(const YamlNode& n, const std::string& p, SimService& s) {
  CRESCENDO_RETURN_IF_ERROR(f_.Known(n, p,
                                     {"path", "time_column", "value_column", "time_unit", "filter",
                                      "peak_pods", "rps_per_value", "compress"}));
  TraceLoadOptions o;
  CRESCENDO_ASSIGN_OR_RETURN(std::string file, f_.String(n, "path", p, ""));
  if (file.empty()) return f_.Fail(n, p + ".path", "the trace file's path");
  fs::path resolved = ExpandEnv(file);
  if (resolved.is_relative()) resolved = fs::path(path_).parent_path() / resolved;
  o.trace.path = resolved.lexically_normal().string();
  CRESCENDO_ASSIGN_OR_RETURN(o.trace.time_column, f_.String(n, "time_column", p, ""));
  CRESCENDO_ASSIGN_OR_RETURN(o.trace.value_column, f_.String(n, "value_column", p, ""));
  CRESCENDO_ASSIGN_OR_RETURN(o.trace.time_unit, f_.Time(n, "time_unit", p, seconds(1)));
  if (const YamlNode& filter = n["filter"]; filter.present()) {
    CRESCENDO_RETURN_IF_ERROR(f_.Known(filter, p + ".filter", {"column", "value"}));
    CRESCENDO_ASSIGN_OR_RETURN(o.trace.filter_column,
                               f_.String(filter, "column", p + ".filter", ""));
    CRESCENDO_ASSIGN_OR_RETURN(o.trace.filter_value, f_.String(filter, "value", p + ".filter", ""));
  }
  CRESCENDO_ASSIGN_OR_RETURN(o.compression, f_.Number(n, "compress", p, 1, 0, true));
  StatusOr<TraceSummary> summary = SummarizeTrace(o.trace);
  if (!summary.ok()) return f_.Error(n, p, summary.status().message());
  CRESCENDO_ASSIGN_OR_RETURN(o.rps_per_value, f_.Number(n, "rps_per_value", p, 1, 0, true));
  if (n["peak_pods"].present()) {
    CRESCENDO_ASSIGN_OR_RETURN(double pods, f_.Number(n, "peak_pods", p, 1, 0, true));
    o.rps_per_value = ScaleToPeakPods(*summary, pods, s.spec.pod.capacity_rps);
  }
  trace_specs_.emplace_back(o, *summary);
  trace_services_.push_back(out_.services.size());
  return Status::Ok();
}

Status Loader::Load(const YamlNode& n, const std::string& p, SimService& s, uint64_t seed) {
  if (!n.present()) return f_.Fail(n, p, "a load (constant, steps, daily or trace)");
  CRESCENDO_RETURN_IF_ERROR(f_.Known(n, p, {"constant", "steps", "daily", "trace"}));
  if (n.size() != 1) return f_.Fail(n, p, "exactly one of constant, steps, daily, trace");
  size_t service = out_.services.size();
  if (n["constant"].present()) {
    CRESCENDO_ASSIGN_OR_RETURN(double rps, f_.Number(n, "constant", p, 0, 0));
    s.source = ProfileSource(ConstantLoad(rps));
  } else if (const YamlNode& steps = n["steps"]; steps.present()) {
    std::vector<LoadStep> out;
    for (const YamlNode& step : steps) {
      StatusOr<Duration> at = step.is_sequence() && step.size() == 2
                                  ? ParseDuration(step[0].scalar)
                                  : StatusOr<Duration>(InvalidArgumentError(""));
      if (!at.ok() || (!out.empty() && *at < out.back().offset)) {
        return f_.Fail(step, p + ".steps", "[offset, rps] pairs with ascending offsets");
      }
      const double rps = AsDouble(step[1]);
      if (!std::isfinite(rps) || rps < 0 || rps > kMaxNumber) {
        return f_.Fail(step[1], p + ".steps", "a finite rps >= 0");
      }
      out.push_back({*at, rps});
    }
    if (out.empty()) return f_.Fail(steps, p + ".steps", "at least one [offset, rps]");
    generated_.emplace_back(service, [out](Timestamp start) { return StepLoad(start, out); });
  } else if (n["daily"].present()) {
    CRESCENDO_ASSIGN_OR_RETURN(DailyCycleSpec daily, Daily(n["daily"], p + ".daily", seed));
    generated_.emplace_back(service, [daily](Timestamp start) {
      DailyCycleSpec d = daily;
      d.start = start;
      return DailyCycleLoad(std::move(d));
    });
  } else {
    CRESCENDO_RETURN_IF_ERROR(Trace(n["trace"], p + ".trace", s));
  }
  return Status::Ok();
}

Status Loader::Service(const YamlNode& n, const YamlNode& defaults, size_t index) {
  std::string p = "services[" + std::to_string(index) + "]";
  CRESCENDO_RETURN_IF_ERROR(f_.Known(
      n, p,
      {"id", "min_replicas", "max_replicas", "initial_replicas", "target_cpu_utilization",
       "metrics", "behavior", "slo_latency_ms", "pod", "business_metrics", "load", "vertical"}));
  SimService s;
  CRESCENDO_ASSIGN_OR_RETURN(std::string id, f_.String(n, "id", p, ""));
  StatusOr<WorkloadId> parsed = WorkloadId::Parse(id);
  if (!parsed.ok()) {
    return f_.Error(n["id"].present() ? n["id"] : n, p + ".id", parsed.status().message());
  }
  for (size_t k = 0; k < out_.services.size(); ++k) {
    if (out_.services[k].spec.id == *parsed) {
      return f_.Error(n["id"], p + ".id",
                      "\"" + id + "\" is already the id of services[" + std::to_string(k) +
                          "], expected each service once");
    }
  }
  s.spec.id = *parsed;
  s.spec.load_profile = id;
  if (out_.tenancy && std::none_of(out_.tenancy->tenants.begin(), out_.tenancy->tenants.end(),
                                   [&](const SimTenant& t) { return t.name == parsed->tenant; })) {
    return f_.Fail(n["id"], p + ".id", "a tenant of tenancy.tenants (env/TENANT/namespace/name)");
  }
  CRESCENDO_RETURN_IF_ERROR(Horizontal(n, p, s.spec.horizontal));
  PodModel base;
  if (defaults["pod"].present()) {
    CRESCENDO_ASSIGN_OR_RETURN(base, Pod(defaults["pod"], "defaults.pod", base));
  }
  CRESCENDO_ASSIGN_OR_RETURN(s.spec.pod, Pod(n["pod"], p + ".pod", base));
  if (n["business_metrics"].present())
    CRESCENDO_RETURN_IF_ERROR(Business(n["business_metrics"], p + ".business_metrics", s.spec));
  if (n["vertical"].present()) {
    CRESCENDO_ASSIGN_OR_RETURN(s.spec.vertical,
                               Vertical(n["vertical"], p + ".vertical", s.spec.pod));
  }
  CRESCENDO_ASSIGN_OR_RETURN(s.slo_latency_ms, f_.Number(n, "slo_latency_ms", p, 0, 0));
  const YamlNode& initial = n["initial_replicas"];
  s.initial_replicas_from_load =
      !initial.present() || (initial.is_scalar() && initial.scalar == "auto");
  if (!s.initial_replicas_from_load) {
    CRESCENDO_ASSIGN_OR_RETURN(s.spec.initial_replicas,
                               f_.Count(n, "initial_replicas", p, 1, 0, kMaxServiceReplicas));
  }
  uint64_t seed = out_.seed * 0x9E3779B97F4A7C15ULL + index + 1;
  CRESCENDO_RETURN_IF_ERROR(Load(n["load"], p + ".load", s, seed));
  ServiceSpec check = s.spec;
  check.load = ConstantLoad(0);
  Status valid = ValidateService(check, p);
  if (!valid.ok()) return f_.Error(n, p, valid.message());
  if (out_.nodes) {
    Status fits = ValidateFitsNode(s.spec.pod, *out_.nodes, p);
    if (!fits.ok()) return f_.Error(n, p, fits.message());
  }
  if (out_.tenancy) {
    for (const SimPool& pool : out_.tenancy->pools) {
      Status fits = ValidateFitsNode(s.spec.pod, pool.spec, p);
      if (!fits.ok()) return f_.Error(n, p, "tenancy.pools " + pool.name + ": " + fits.message());
    }
  }
  out_.services.push_back(std::move(s));
  return Status::Ok();
}

// vertical: {update_mode: Auto, controlled_resources: [cpu, memory], min_allowed: {cpu, memory},
//            max_allowed: {cpu, memory}, min_replicas: 2, eviction_tolerance: 0.5}
// One container policy, for the pod's container.
StatusOr<VerticalSpec> Loader::Vertical(const YamlNode& n, const std::string& p,
                                        const PodModel& pod) {
  CRESCENDO_RETURN_IF_ERROR(f_.Known(n, p,
                                     {"update_mode", "controlled_resources", "min_allowed",
                                      "max_allowed", "min_replicas", "eviction_tolerance"}));
  VerticalSpec v;
  CRESCENDO_ASSIGN_OR_RETURN(v.update_mode, f_.String(n, "update_mode", p, "Auto"));
  static const std::set<std::string> kModes = {"Off", "Initial", "Recreate", "InPlaceOrRecreate",
                                               "Auto"};
  if (!kModes.contains(v.update_mode)) {
    return f_.Fail(n["update_mode"], p + ".update_mode",
                   "Off, Initial, Recreate, InPlaceOrRecreate or Auto");
  }
  ContainerResourcePolicy policy;
  policy.container_name = pod.container_name;
  if (const YamlNode& r = n["controlled_resources"]; r.present()) {
    if (!r.is_sequence() || r.size() == 0) {
      return f_.Fail(r, p + ".controlled_resources", "a non-empty list of cpu, memory");
    }
    policy.controlled_resources.clear();
    for (const YamlNode& name : r) {
      const std::string resource = name.scalar;
      if (resource != "cpu" && resource != "memory") {
        return f_.Fail(name, p + ".controlled_resources", "cpu or memory");
      }
      policy.controlled_resources.push_back(resource);
    }
  }
  for (auto [key, bound] : {std::pair{"min_allowed", &policy.min_allowed},
                            std::pair{"max_allowed", &policy.max_allowed}}) {
    const YamlNode& b = n[key];
    if (!b.present()) continue;
    const std::string bp = p + "." + key;
    CRESCENDO_RETURN_IF_ERROR(f_.Known(b, bp, {"cpu", "memory"}));
    Resources r;
    CRESCENDO_ASSIGN_OR_RETURN(r.cpu_millis, f_.Quantity(b, "cpu", bp, 0, true));
    CRESCENDO_ASSIGN_OR_RETURN(r.memory_bytes, f_.Quantity(b, "memory", bp, 0, false));
    *bound = r;
  }
  v.container_policies.push_back(policy);
  CRESCENDO_ASSIGN_OR_RETURN(v.min_replicas,
                             f_.Count(n, "min_replicas", p, 2, 1, kMaxServiceReplicas));
  CRESCENDO_ASSIGN_OR_RETURN(v.eviction_tolerance, f_.Number(n, "eviction_tolerance", p, 0.5, 0));
  if (v.eviction_tolerance > 1) {
    return f_.Fail(n["eviction_tolerance"], p + ".eviction_tolerance", "a fraction in [0, 1]");
  }
  return v;
}

// Settles start and end, and opens the traces (each starting at its own first row unless the
// scenario gives `start:`, which every trace then starts at).
Status Loader::Window() {
  std::optional<Timestamp> earliest, latest;
  for (auto& [options, summary] : trace_specs_) {
    if (start_) options.start = *start_;
    Timestamp first = options.start.value_or(summary.first);
    Timestamp last = first + FromSeconds(ToSeconds(summary.last + summary.step - summary.first) /
                                         options.compression);
    earliest = earliest ? std::min(*earliest, first) : first;
    latest = latest ? std::max(*latest, last) : last;
  }
  if (!start_ && !earliest) {
    return InvalidArgumentError(path_ +
                                ": scenario.start: expected a start time (RFC 3339) when "
                                "no load is a trace");
  }
  out_.start = start_.value_or(*earliest);
  if (!duration_ && !latest) {
    return InvalidArgumentError(path_ +
                                ": scenario.duration: expected a duration when no load "
                                "is a trace");
  }
  out_.end = duration_ ? out_.start + *duration_ : *latest;
  for (auto& [service, build] : generated_)
    out_.services[service].source = ProfileSource(build(out_.start));
  for (size_t k = 0; k < trace_specs_.size(); ++k) {
    auto& [options, summary] = trace_specs_[k];
    StatusOr<std::unique_ptr<TraceLoad>> load = TraceLoad::Open(options, summary);
    if (!load.ok()) return load.status();
    out_.services[trace_services_[k]].source = TraceSource(std::move(*load));
    out_.traces.push_back(summary);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<ScenarioFile> LoadScenarioFile(const std::string& path, std::optional<uint64_t> seed) {
  Loader loader(path, seed);
  return loader.Load();
}

}  // namespace crescendo::sim
