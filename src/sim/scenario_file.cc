#include "crescendo/sim/scenario_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <limits>
#include <set>

#include "crescendo/base/quantity.h"
#include "crescendo/base/text.h"
#include "spec_validation.h"

namespace crescendo::sim {
namespace {

namespace fs = std::filesystem;

// Limits (docs/simulation.md, "Limits"): replicas of one service and of the whole scenario
// (Kubernetes' documented cluster limits: at most 150,000 pods and 5,000 nodes,
// https://kubernetes.io/docs/setup/best-practices/cluster-large/), the file's size, and any
// other number (finite, and small enough to convert to the integer it counts).
constexpr int32_t kMaxServiceReplicas = 10000;
constexpr int64_t kMaxScenarioReplicas = 150000;
constexpr int32_t kMaxNodes = 5000;
constexpr uintmax_t kMaxFileBytes = 16 << 20;
constexpr double kMaxNumber = 1e12;

// Reads typed fields from YAML nodes; every error names the file, the line and the field path.
class Fields {
 public:
  explicit Fields(std::string file) : file_(std::move(file)) {}

  Status Error(const YAML::Node& node, const std::string& path, const std::string& what) const {
    std::string line = node.Mark().is_null() ? "" : ":" + std::to_string(node.Mark().line + 1);
    return InvalidArgumentError(file_ + line + ": " + path + ": " + what);
  }

  // Rejects keys of `map` not in `known`.
  Status Known(const YAML::Node& map, const std::string& path,
               std::initializer_list<std::string_view> known) const {
    if (!map.IsMap()) return Error(map, path, "expected a mapping");
    for (const auto& kv : map) {
      std::string key = kv.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string list;
        for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        return Error(kv.first, path + "." + QuoteExcerpt(key),
                     "unknown field (expected one of: " + list + ")");
      }
    }
    return Status::Ok();
  }

  StatusOr<double> Number(const YAML::Node& map, const std::string& key, const std::string& path,
                          double fallback, double min, bool above_min = false,
                          double max = kMaxNumber) const {
    YAML::Node n = map[key];
    if (!n) return fallback;
    std::string p = path + "." + key;
    double v = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !std::isfinite(v)) {
      return Error(n, p, "expected a finite number, found " + Text(n));
    }
    if (v > max) {
      return Error(n, p, "expected a number <= " + Trimmed(max) + ", found " + Text(n));
    }
    if (v < min || (above_min && v == min)) {
      return Error(n, p,
                   std::string("expected a number ") + (above_min ? "> " : ">= ") + Trimmed(min) +
                       ", found " + Text(n));
    }
    return v;
  }

  // Returns a whole number in [min, max], for the fields that count (replicas, nodes, seconds).
  StatusOr<int32_t> Count(const YAML::Node& map, const std::string& key, const std::string& path,
                          int32_t fallback, int32_t min, int32_t max) const {
    CRESCENDO_ASSIGN_OR_RETURN(double v, Number(map, key, path, fallback, min, false, max));
    if (v != std::floor(v)) {
      return Error(map[key], path + "." + key, "expected a whole number, found " + Text(map[key]));
    }
    return static_cast<int32_t>(v);
  }

  StatusOr<std::string> String(const YAML::Node& map, const std::string& key,
                               const std::string& path, std::string fallback) const {
    YAML::Node n = map[key];
    if (!n) return fallback;
    if (!n.IsScalar()) return Error(n, path + "." + key, "expected a string");
    return n.as<std::string>();
  }

  StatusOr<Duration> Time(const YAML::Node& map, const std::string& key, const std::string& path,
                          Duration fallback) const {
    YAML::Node n = map[key];
    if (!n) return fallback;
    StatusOr<Duration> d = n.IsScalar() ? ParseDuration(n.as<std::string>())
                                        : StatusOr<Duration>(InvalidArgumentError("not a scalar"));
    if (!d.ok() || d->count() < 0) {
      return Error(n, path + "." + key,
                   "expected a duration >= 0 such as \"30s\" or \"1m30s\", "
                   "found " +
                       Text(n));
    }
    return *d;
  }

  // Returns a Kubernetes quantity in milli-units (cpu) or units (memory), > 0.
  StatusOr<int64_t> Quantity(const YAML::Node& map, const std::string& key, const std::string& path,
                             int64_t fallback, bool milli) const {
    YAML::Node n = map[key];
    if (!n) return fallback;
    StatusOr<crescendo::Quantity> q = n.IsScalar()
                                          ? crescendo::Quantity::Parse(n.as<std::string>())
                                          : StatusOr<crescendo::Quantity>(InvalidArgumentError(""));
    int64_t v = q.ok() ? (milli ? q->MilliValue() : q->Value()) : -1;
    if (v < 0) {
      return Error(n, path + "." + key,
                   std::string("expected a Kubernetes quantity >= 0 such as ") +
                       (milli ? "\"500m\" or \"2\"" : "\"512Mi\" or \"1G\"") + ", found " +
                       Text(n));
    }
    return v;
  }

  StatusOr<DelaySpec> Delay(const YAML::Node& map, const std::string& key, const std::string& path,
                            DelaySpec fallback) const {
    YAML::Node n = map[key];
    if (!n) return fallback;
    std::string p = path + "." + key;
    if (n.IsScalar()) {  // a bare duration: fixed
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
  static std::string Text(const YAML::Node& n) {
    if (n.IsScalar()) return QuoteExcerpt(n.Scalar());
    return n.IsSequence() ? "a list" : "a mapping";
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
  Status Top(const YAML::Node& root);
  StatusOr<NodePoolSpec> Nodes(const YAML::Node& n);
  Status Service(const YAML::Node& n, const YAML::Node& defaults, size_t index);
  StatusOr<PodModel> Pod(const YAML::Node& n, const std::string& path, PodModel pod);
  Status Horizontal(const YAML::Node& n, const std::string& path, HorizontalSpec& h);
  StatusOr<MetricSpec> Metric(const YAML::Node& n, const std::string& path);
  StatusOr<ScalingRules> Rules(const YAML::Node& n, const std::string& path);
  Status Business(const YAML::Node& n, const std::string& path, ServiceSpec& s);
  StatusOr<VerticalSpec> Vertical(const YAML::Node& n, const std::string& path,
                                  const PodModel& pod);
  Status Load(const YAML::Node& n, const std::string& path, SimService& s, uint64_t seed);
  Status Trace(const YAML::Node& n, const std::string& path, SimService& s);
  StatusOr<DailyCycleSpec> Daily(const YAML::Node& n, const std::string& path, uint64_t seed);
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
  std::error_code ec;
  if (fs::is_directory(path_, ec)) {
    return InvalidArgumentError("scenario " + path_ + ": is a directory, expected a YAML file");
  }
  if (!fs::is_regular_file(path_, ec)) return NotFoundError("scenario " + path_ + ": no such file");
  if (fs::file_size(path_, ec) > kMaxFileBytes) {
    return InvalidArgumentError("scenario " + path_ +
                                ": larger than 16 MiB; a scenario names its "
                                "traces instead of holding them");
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(path_);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(path_ + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  try {
    CRESCENDO_RETURN_IF_ERROR(Top(root));
  } catch (const YAML::Exception& e) {  // a type conversion yaml-cpp refused
    return InvalidArgumentError(path_ + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  CRESCENDO_RETURN_IF_ERROR(Window());
  return std::move(out_);
}

Status Loader::Top(const YAML::Node& root) {
  CRESCENDO_RETURN_IF_ERROR(f_.Known(root, "scenario",
                                     {"name", "seed", "start", "duration", "interval", "strategies",
                                      "nodes", "defaults", "services"}));
  out_.path = path_;
  CRESCENDO_ASSIGN_OR_RETURN(out_.name,
                             f_.String(root, "name", "scenario", fs::path(path_).stem().string()));
  CRESCENDO_ASSIGN_OR_RETURN(
      double seed, f_.Count(root, "seed", "scenario", 1, 0, std::numeric_limits<int32_t>::max()));
  out_.seed = seed_override_.value_or(static_cast<uint64_t>(seed));
  if (root["start"]) {
    StatusOr<Timestamp> t = ParseRfc3339(root["start"].as<std::string>());
    if (!t.ok()) return f_.Error(root["start"], "scenario.start", t.status().message());
    start_ = *t;
  }
  if (root["duration"]) {
    CRESCENDO_ASSIGN_OR_RETURN(duration_, f_.Time(root, "duration", "scenario", {}));
  }
  CRESCENDO_ASSIGN_OR_RETURN(out_.interval, f_.Time(root, "interval", "scenario", seconds(15)));
  if (out_.interval < seconds(1)) {
    return f_.Error(root["interval"], "scenario.interval", "expected at least 1s");
  }
  if (YAML::Node s = root["strategies"]) {
    if (!s.IsSequence()) return f_.Error(s, "scenario.strategies", "expected a list of names");
    for (const YAML::Node& name : s) {
      const std::string strategy = name.as<std::string>();
      if (strategy.empty() || std::find(out_.strategies.begin(), out_.strategies.end(), strategy) !=
                                  out_.strategies.end()) {
        return f_.Error(name, "scenario.strategies",
                        "expected distinct, non-empty names, found " + QuoteExcerpt(strategy));
      }
      out_.strategies.push_back(strategy);
    }
  }
  if (root["nodes"]) {
    CRESCENDO_ASSIGN_OR_RETURN(out_.nodes, Nodes(root["nodes"]));
  }
  YAML::Node defaults = root["defaults"];
  if (defaults) CRESCENDO_RETURN_IF_ERROR(f_.Known(defaults, "defaults", {"pod"}));
  YAML::Node services = root["services"];
  if (!services || !services.IsSequence() || services.size() == 0) {
    return f_.Error(services ? services : root, "scenario.services",
                    "expected a non-empty list of services");
  }
  for (size_t i = 0; i < services.size(); ++i) {
    CRESCENDO_RETURN_IF_ERROR(Service(services[i], defaults, i));
  }
  return Status::Ok();
}

StatusOr<NodePoolSpec> Loader::Nodes(const YAML::Node& n) {
  const std::string p = "nodes";
  CRESCENDO_RETURN_IF_ERROR(f_.Known(
      n, p,
      {"cpu", "memory", "min", "max", "provisioning", "empty_node_removal", "cost_per_node_hour"}));
  NodePoolSpec spec;
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

StatusOr<PodModel> Loader::Pod(const YAML::Node& n, const std::string& p, PodModel pod) {
  if (!n) return pod;
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
    return f_.Error(n["container_name"], p + ".container_name", "expected a non-empty name");
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
  if (YAML::Node curve = n["latency_curve"]) {
    if (!curve.IsSequence())
      return f_.Error(curve, p + ".latency_curve", "expected [[utilization, ms], ...]");
    pod.latency_curve.clear();
    for (const YAML::Node& point : curve) {
      if (!point.IsSequence() || point.size() != 2) {
        return f_.Error(point, p + ".latency_curve", "expected a pair [utilization, latency_ms]");
      }
      const double utilization = point[0].as<double>();
      const double latency_ms = point[1].as<double>();
      if (!std::isfinite(utilization) || !std::isfinite(latency_ms) || utilization < 0 ||
          latency_ms < 0) {
        return f_.Error(point, p + ".latency_curve", "expected finite numbers >= 0");
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

StatusOr<MetricSpec> Loader::Metric(const YAML::Node& n, const std::string& p) {
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
    return f_.Error(n["type"], p + ".type",
                    "expected Resource, ContainerResource, Pods, Object or External, found " +
                        QuoteExcerpt(type));
  }
  m.type = t->second;
  CRESCENDO_ASSIGN_OR_RETURN(m.name, f_.String(n, "name", p, ""));
  if (m.name.empty()) return f_.Error(n, p + ".name", "expected a metric name such as cpu");
  YAML::Node target = n["target"];
  if (!target) return f_.Error(n, p + ".target", "expected a target");
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
    return f_.Error(target["type"], tp + ".type",
                    "expected Utilization, AverageValue or Value, found " + QuoteExcerpt(kind));
  }
  YAML::Node v = target[field];
  StatusOr<crescendo::Quantity> q =
      v ? crescendo::Quantity::Parse(v.as<std::string>())
        : StatusOr<crescendo::Quantity>(InvalidArgumentError("missing"));
  if (!q.ok())
    return f_.Error(v ? v : target, tp + "." + field,
                    "expected a quantity such as \"30\" or \"500m\"");
  m.target.type =
      kind == "AverageValue" ? MetricTargetType::kAverageValue : MetricTargetType::kValue;
  (kind == "AverageValue" ? m.target.average_value : m.target.value) = *q;
  return m;
}

StatusOr<ScalingRules> Loader::Rules(const YAML::Node& n, const std::string& p) {
  CRESCENDO_RETURN_IF_ERROR(
      f_.Known(n, p, {"stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"}));
  ScalingRules r;
  if (n["stabilizationWindowSeconds"]) {
    CRESCENDO_ASSIGN_OR_RETURN(r.stabilization_window_seconds,
                               f_.Count(n, "stabilizationWindowSeconds", p, 0, 0, 3600));
  }
  if (n["tolerance"]) {
    CRESCENDO_ASSIGN_OR_RETURN(r.tolerance, f_.Number(n, "tolerance", p, 0, 0));
  }
  if (YAML::Node s = n["selectPolicy"]) {
    std::string v = s.as<std::string>();
    if (v != "Max" && v != "Min" && v != "Disabled") {
      return f_.Error(s, p + ".selectPolicy",
                      "expected Max, Min or Disabled, found " + QuoteExcerpt(v));
    }
    r.select_policy = v == "Max"   ? SelectPolicy::kMax
                      : v == "Min" ? SelectPolicy::kMin
                                   : SelectPolicy::kDisabled;
  }
  if (YAML::Node policies = n["policies"]) {
    for (size_t i = 0; i < policies.size(); ++i) {
      std::string pp = p + ".policies[" + std::to_string(i) + "]";
      const YAML::Node& pol = policies[i];
      CRESCENDO_RETURN_IF_ERROR(f_.Known(pol, pp, {"type", "value", "periodSeconds"}));
      CRESCENDO_ASSIGN_OR_RETURN(std::string type, f_.String(pol, "type", pp, ""));
      if (type != "Pods" && type != "Percent") {
        return f_.Error(pol, pp + ".type", "expected Pods or Percent, found " + QuoteExcerpt(type));
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

Status Loader::Horizontal(const YAML::Node& n, const std::string& p, HorizontalSpec& h) {
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
  if (n["target_cpu_utilization"]) {
    MetricSpec cpu;
    cpu.name = "cpu";
    CRESCENDO_ASSIGN_OR_RETURN(cpu.target.average_utilization,
                               f_.Count(n, "target_cpu_utilization", p, 80, 1, 100));
    h.metrics.push_back(cpu);
  }
  if (YAML::Node metrics = n["metrics"]) {
    if (!metrics.IsSequence()) return f_.Error(metrics, p + ".metrics", "expected a list");
    for (size_t i = 0; i < metrics.size(); ++i) {
      CRESCENDO_ASSIGN_OR_RETURN(MetricSpec m,
                                 Metric(metrics[i], p + ".metrics[" + std::to_string(i) + "]"));
      h.metrics.push_back(std::move(m));
    }
  }
  if (YAML::Node b = n["behavior"]) {
    CRESCENDO_RETURN_IF_ERROR(f_.Known(b, p + ".behavior", {"scaleUp", "scaleDown"}));
    h.behavior.emplace();
    if (b["scaleUp"]) {
      CRESCENDO_ASSIGN_OR_RETURN(h.behavior->scale_up,
                                 Rules(b["scaleUp"], p + ".behavior.scaleUp"));
    }
    if (b["scaleDown"]) {
      CRESCENDO_ASSIGN_OR_RETURN(h.behavior->scale_down,
                                 Rules(b["scaleDown"], p + ".behavior.scaleDown"));
    }
  }
  return Status::Ok();
}

Status Loader::Business(const YAML::Node& n, const std::string& p, ServiceSpec& s) {
  if (!n.IsSequence()) return f_.Error(n, p, "expected a list");
  for (size_t i = 0; i < n.size(); ++i) {
    std::string bp = p + "[" + std::to_string(i) + "]";
    CRESCENDO_RETURN_IF_ERROR(f_.Known(n[i], bp, {"name", "kind", "per_rps"}));
    BusinessMetricSpec m;
    CRESCENDO_ASSIGN_OR_RETURN(m.name, f_.String(n[i], "name", bp, ""));
    CRESCENDO_ASSIGN_OR_RETURN(std::string kind, f_.String(n[i], "kind", bp, "per_request"));
    if (kind != "per_request" && kind != "backlog") {
      return f_.Error(n[i], bp + ".kind",
                      "expected per_request or backlog, found " + QuoteExcerpt(kind));
    }
    m.kind = kind == "backlog" ? BusinessMetricSpec::Kind::kBacklog
                               : BusinessMetricSpec::Kind::kPerRequest;
    CRESCENDO_ASSIGN_OR_RETURN(m.per_rps, f_.Number(n[i], "per_rps", bp, 1, 0));
    s.business_metrics.push_back(std::move(m));
  }
  return Status::Ok();
}

StatusOr<DailyCycleSpec> Loader::Daily(const YAML::Node& n, const std::string& p, uint64_t seed) {
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
  if (YAML::Node bursts = n["bursts"]) {
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

Status Loader::Trace(const YAML::Node& n, const std::string& p, SimService& s) {
  CRESCENDO_RETURN_IF_ERROR(f_.Known(n, p,
                                     {"path", "time_column", "value_column", "time_unit", "filter",
                                      "peak_pods", "rps_per_value", "compress"}));
  TraceLoadOptions o;
  CRESCENDO_ASSIGN_OR_RETURN(std::string file, f_.String(n, "path", p, ""));
  if (file.empty()) return f_.Error(n, p + ".path", "expected the trace file's path");
  fs::path resolved = ExpandEnv(file);
  if (resolved.is_relative()) resolved = fs::path(path_).parent_path() / resolved;
  o.trace.path = resolved.lexically_normal().string();
  CRESCENDO_ASSIGN_OR_RETURN(o.trace.time_column, f_.String(n, "time_column", p, ""));
  CRESCENDO_ASSIGN_OR_RETURN(o.trace.value_column, f_.String(n, "value_column", p, ""));
  CRESCENDO_ASSIGN_OR_RETURN(o.trace.time_unit, f_.Time(n, "time_unit", p, seconds(1)));
  if (YAML::Node filter = n["filter"]) {
    CRESCENDO_RETURN_IF_ERROR(f_.Known(filter, p + ".filter", {"column", "value"}));
    CRESCENDO_ASSIGN_OR_RETURN(o.trace.filter_column,
                               f_.String(filter, "column", p + ".filter", ""));
    CRESCENDO_ASSIGN_OR_RETURN(o.trace.filter_value, f_.String(filter, "value", p + ".filter", ""));
  }
  CRESCENDO_ASSIGN_OR_RETURN(o.compression, f_.Number(n, "compress", p, 1, 0, true));
  StatusOr<TraceSummary> summary = SummarizeTrace(o.trace);
  if (!summary.ok()) return f_.Error(n, p, summary.status().message());
  CRESCENDO_ASSIGN_OR_RETURN(o.rps_per_value, f_.Number(n, "rps_per_value", p, 1, 0, true));
  if (n["peak_pods"]) {
    CRESCENDO_ASSIGN_OR_RETURN(double pods, f_.Number(n, "peak_pods", p, 1, 0, true));
    o.rps_per_value = ScaleToPeakPods(*summary, pods, s.spec.pod.capacity_rps);
  }
  trace_specs_.emplace_back(o, *summary);
  trace_services_.push_back(out_.services.size());
  return Status::Ok();
}

Status Loader::Load(const YAML::Node& n, const std::string& p, SimService& s, uint64_t seed) {
  if (!n) return f_.Error(n, p, "expected a load (constant, steps, daily or trace)");
  CRESCENDO_RETURN_IF_ERROR(f_.Known(n, p, {"constant", "steps", "daily", "trace"}));
  if (n.size() != 1) return f_.Error(n, p, "expected exactly one of constant, steps, daily, trace");
  size_t service = out_.services.size();
  if (n["constant"]) {
    CRESCENDO_ASSIGN_OR_RETURN(double rps, f_.Number(n, "constant", p, 0, 0));
    s.source = ProfileSource(ConstantLoad(rps));
  } else if (YAML::Node steps = n["steps"]) {
    std::vector<LoadStep> out;
    for (const YAML::Node& step : steps) {
      StatusOr<Duration> at = step.IsSequence() && step.size() == 2
                                  ? ParseDuration(step[0].as<std::string>())
                                  : StatusOr<Duration>(InvalidArgumentError(""));
      if (!at.ok() || (!out.empty() && *at < out.back().offset)) {
        return f_.Error(step, p + ".steps", "expected [offset, rps] pairs with ascending offsets");
      }
      const double rps = step[1].as<double>();
      if (!std::isfinite(rps) || rps < 0 || rps > kMaxNumber) {
        return f_.Error(step[1], p + ".steps",
                        "expected a finite rps >= 0, found " + QuoteExcerpt(step[1].Scalar()));
      }
      out.push_back({*at, rps});
    }
    if (out.empty()) return f_.Error(steps, p + ".steps", "expected at least one [offset, rps]");
    generated_.emplace_back(service, [out](Timestamp start) { return StepLoad(start, out); });
  } else if (n["daily"]) {
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

Status Loader::Service(const YAML::Node& n, const YAML::Node& defaults, size_t index) {
  std::string p = "services[" + std::to_string(index) + "]";
  CRESCENDO_RETURN_IF_ERROR(f_.Known(
      n, p,
      {"id", "min_replicas", "max_replicas", "initial_replicas", "target_cpu_utilization",
       "metrics", "behavior", "slo_latency_ms", "pod", "business_metrics", "load", "vertical"}));
  SimService s;
  CRESCENDO_ASSIGN_OR_RETURN(std::string id, f_.String(n, "id", p, ""));
  StatusOr<WorkloadId> parsed = WorkloadId::Parse(id);
  if (!parsed.ok()) return f_.Error(n["id"] ? n["id"] : n, p + ".id", parsed.status().message());
  s.spec.id = *parsed;
  s.spec.load_profile = id;
  CRESCENDO_RETURN_IF_ERROR(Horizontal(n, p, s.spec.horizontal));
  PodModel base;
  if (defaults && defaults["pod"]) {
    CRESCENDO_ASSIGN_OR_RETURN(base, Pod(defaults["pod"], "defaults.pod", base));
  }
  CRESCENDO_ASSIGN_OR_RETURN(s.spec.pod, Pod(n["pod"], p + ".pod", base));
  if (n["business_metrics"])
    CRESCENDO_RETURN_IF_ERROR(Business(n["business_metrics"], p + ".business_metrics", s.spec));
  if (n["vertical"]) {
    CRESCENDO_ASSIGN_OR_RETURN(s.spec.vertical,
                               Vertical(n["vertical"], p + ".vertical", s.spec.pod));
  }
  CRESCENDO_ASSIGN_OR_RETURN(s.slo_latency_ms, f_.Number(n, "slo_latency_ms", p, 0, 0));
  YAML::Node initial = n["initial_replicas"];
  s.initial_replicas_from_load =
      !initial || (initial.IsScalar() && initial.as<std::string>() == "auto");
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
  out_.services.push_back(std::move(s));
  return Status::Ok();
}

// vertical: {update_mode: Auto, controlled_resources: [cpu, memory], min_allowed: {cpu, memory},
//            max_allowed: {cpu, memory}, min_replicas: 2, eviction_tolerance: 0.5}
// One container policy, for the pod's container.
StatusOr<VerticalSpec> Loader::Vertical(const YAML::Node& n, const std::string& p,
                                        const PodModel& pod) {
  CRESCENDO_RETURN_IF_ERROR(f_.Known(n, p,
                                     {"update_mode", "controlled_resources", "min_allowed",
                                      "max_allowed", "min_replicas", "eviction_tolerance"}));
  VerticalSpec v;
  CRESCENDO_ASSIGN_OR_RETURN(v.update_mode, f_.String(n, "update_mode", p, "Auto"));
  static const std::set<std::string> kModes = {"Off", "Initial", "Recreate", "InPlaceOrRecreate",
                                               "Auto"};
  if (!kModes.contains(v.update_mode)) {
    return f_.Error(n["update_mode"], p + ".update_mode",
                    "found \"" + v.update_mode +
                        "\", expected Off, Initial, Recreate, InPlaceOrRecreate or Auto");
  }
  ContainerResourcePolicy policy;
  policy.container_name = pod.container_name;
  if (YAML::Node r = n["controlled_resources"]) {
    if (!r.IsSequence() || r.size() == 0) {
      return f_.Error(r, p + ".controlled_resources", "expected a non-empty list of cpu, memory");
    }
    policy.controlled_resources.clear();
    for (const YAML::Node& name : r) {
      const std::string resource = name.as<std::string>();
      if (resource != "cpu" && resource != "memory") {
        return f_.Error(name, p + ".controlled_resources",
                        "found \"" + resource + "\", expected cpu or memory");
      }
      policy.controlled_resources.push_back(resource);
    }
  }
  for (auto [key, bound] : {std::pair{"min_allowed", &policy.min_allowed},
                            std::pair{"max_allowed", &policy.max_allowed}}) {
    YAML::Node b = n[key];
    if (!b) continue;
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
    return f_.Error(n["eviction_tolerance"], p + ".eviction_tolerance",
                    "expected a fraction in [0, 1]");
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
