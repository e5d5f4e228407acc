// ParseHpaState: a state file of Kubernetes objects into HpaState, with errors that name the
// field path. YAML is converted to the JSON tree first, so both go through one reader.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "crescendo/format/hpa_object.h"
#include "crescendo/format/yaml.h"
#include "crescendo/horizontal/hpa_explain.h"

namespace crescendo::hpa {
namespace {

using Json = nlohmann::json;

// ----------------------------------------------------------------------------- YAML -> JSON

// The tree's source: its name, and where each field path was written (empty for JSON, whose
// reader keeps no locations).
struct Source {
  std::string_view name;
  std::map<std::string, format::Location> where;

  // Returns the location of `path`, or of its nearest enclosing field that has one; the
  // source's name when none has.
  format::Location Where(std::string path) const {
    while (!path.empty()) {
      auto it = where.find(path);
      if (it != where.end()) return it->second;
      const size_t cut = path.find_last_of(".[");
      path.resize(cut == std::string::npos ? 0 : cut);
    }
    return format::Location{std::string(name)};
  }
  std::string Locate(std::string path) const { return Where(std::move(path)).ToString(); }
};

Json ScalarToJson(const format::YamlNode& n) {
  const std::string& s = n.scalar;
  if (n.quoted) return s;  // always a string
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?");
  if (s == "true" || s == "True") return true;
  if (s == "false" || s == "False") return false;
  if (s.empty() || s == "null" || s == "~") return nullptr;
  if (std::regex_match(s, kInt)) {
    try {
      return std::stoll(s);
    } catch (const std::out_of_range&) {
      return s;
    }
  }
  if (std::regex_match(s, kFloat)) {
    const double v = std::strtod(s.c_str(), nullptr);
    return std::isfinite(v) ? Json(v) : Json(s);  // out of range: left a string, refused later
  }
  return s;
}

// Converts `n` (at field path `path`, as Node below spells paths) and records where each field
// was written.
Json YamlToJson(const format::YamlNode& n, const std::string& path, Source& source) {
  source.where.emplace(path, n.location);
  switch (n.kind) {
    case format::YamlNode::Kind::kScalar:
      return ScalarToJson(n);
    case format::YamlNode::Kind::kSequence: {
      Json a = Json::array();
      for (size_t i = 0; i < n.children.size(); ++i) {
        a.push_back(YamlToJson(n.children[i], fmt::format("{}[{}]", path, i), source));
      }
      return a;
    }
    case format::YamlNode::Kind::kMap: {
      Json o = Json::object();
      for (const format::YamlNode& child : n.children) {
        o[child.key] = YamlToJson(child, path.empty() ? child.key : path + "." + child.key, source);
      }
      return o;
    }
    case format::YamlNode::Kind::kNull:
      return nullptr;
  }
  return nullptr;
}

StatusOr<Json> ParseTree(std::string_view text, Source& source) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    try {
      return Json::parse(text);
    } catch (const Json::exception& e) {  // syntax, or a number out of range
      return InvalidArgumentError(
          fmt::format("{}: invalid JSON: {}", source.name, std::string(e.what()).substr(0, 160)));
    }
  }
  CRESCENDO_ASSIGN_OR_RETURN(format::YamlNode root,
                             format::ParseYamlDocument(text, std::string(source.name)));
  return YamlToJson(root, "", source);
}

// ----------------------------------------------------------------------------- field reader

// A node of the tree with its path, for errors that name the field.
class Node {
 public:
  Node(const Json* j, std::string path, const Source* source)
      : j_(j), path_(std::move(path)), source_(source) {}

  bool present() const { return j_ != nullptr && !j_->is_null(); }
  const std::string& path() const { return path_; }
  const Json* json() const { return j_; }
  const Source* source() const { return source_; }

  Node operator[](std::string_view key) const {
    const std::string p = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    if (!present() || !j_->is_object()) return Node(nullptr, p, source_);
    auto it = j_->find(std::string(key));
    return Node(it == j_->end() ? nullptr : &*it, p, source_);
  }

  Status Error(std::string_view expected) const {
    const std::string found =
        present() ? j_->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : "nothing";
    // format's one located form: "FILE:LINE:COLUMN: PATH: found F, expected E".
    return InvalidArgumentError(
        fmt::format("{}: {}: found {}, expected {}", source_->Locate(path_), path_,
                    found.size() > 80 ? found.substr(0, 77) + "..." : found, expected));
  }

  // Returns the elements of a list (an absent field is an empty list).
  StatusOr<std::vector<Node>> List() const {
    std::vector<Node> out;
    if (!present()) return out;
    if (!j_->is_array()) return Error("a list");
    for (size_t i = 0; i < j_->size(); ++i) {
      out.emplace_back(&(*j_)[i], fmt::format("{}[{}]", path_, i), source_);
    }
    return out;
  }

  // Returns the string-to-string entries of a map (absent: none).
  StatusOr<std::map<std::string, std::string>> StringMap() const {
    std::map<std::string, std::string> out;
    if (!present()) return out;
    if (!j_->is_object()) return Error("a map of strings");
    for (const auto& [k, v] : j_->items()) {
      if (!v.is_string()) return (*this)[k].Error("a string");
      out[k] = v.get<std::string>();
    }
    return out;
  }

  // Returns the keys of a map (absent: none).
  StatusOr<std::vector<std::string>> Keys() const {
    std::vector<std::string> out;
    if (!present()) return out;
    if (!j_->is_object()) return Error("a map");
    for (const auto& [k, v] : j_->items()) out.push_back(k);
    return out;
  }

  StatusOr<std::string> String() const {
    if (!present() || !j_->is_string()) return Error("a string");
    return j_->get<std::string>();
  }
  std::string StringOr(std::string fallback) const {
    return present() && j_->is_string() ? j_->get<std::string>() : fallback;
  }

  StatusOr<int64_t> Int() const {
    if (!present() || !j_->is_number_integer()) return Error("an integer");
    return j_->get<int64_t>();
  }
  StatusOr<int32_t> Int32() const {
    CRESCENDO_ASSIGN_OR_RETURN(int64_t v, Int());
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
      return Error("a 32-bit integer");
    }
    return static_cast<int32_t>(v);
  }
  StatusOr<double> Number() const {
    if (present() && j_->is_number() && std::isfinite(j_->get<double>())) {
      return j_->get<double>();
    }
    if (present() && j_->is_string()) {  // a quantity such as "0.05" (behavior tolerances)
      auto q = Quantity::Parse(j_->get<std::string>());
      if (q.ok() && std::isfinite(q->AsDouble())) return q->AsDouble();
    }
    return Error("a finite number");
  }
  StatusOr<bool> Bool() const {
    if (!present() || !j_->is_boolean()) return Error("true or false");
    return j_->get<bool>();
  }
  StatusOr<Quantity> QuantityValue() const {
    if (!present() || !(j_->is_string() || j_->is_number())) {
      return Error("a quantity such as \"250m\" or \"1Gi\"");
    }
    auto q = Quantity::Parse(j_->is_string() ? j_->get<std::string>() : j_->dump());
    if (!q.ok()) return Error("a quantity such as \"250m\" or \"1Gi\"");
    return q;
  }
  StatusOr<Timestamp> Time() const {
    if (!present() || !j_->is_string()) return Error("an RFC 3339 time");
    auto t = ParseRfc3339(j_->get<std::string>());
    if (!t.ok()) return Error("an RFC 3339 time such as \"2026-11-27T18:00:00Z\"");
    return t;
  }
  // A Go duration string ("30s") or a number of seconds.
  StatusOr<Duration> DurationValue() const {
    constexpr double kMaxSeconds = 100.0 * 365 * 24 * 3600;  // far below Duration's range
    if (present() && j_->is_number()) {
      const double seconds = j_->get<double>();
      if (std::isfinite(seconds) && std::abs(seconds) <= kMaxSeconds) return FromSeconds(seconds);
      return Error("a duration of at most 100 years");
    }
    if (present() && j_->is_string()) {
      auto d = ParseDuration(j_->get<std::string>());
      if (d.ok()) return d;
    }
    return Error("a duration such as \"30s\" or \"5m\"");
  }

 private:
  const Json* j_;
  std::string path_;
  const Source* source_;
};

template <typename T>
Status Optional(const Node& n, StatusOr<T> (Node::*get)() const, T* out) {
  if (!n.present()) return Status::Ok();
  CRESCENDO_ASSIGN_OR_RETURN(*out, (n.*get)());
  return Status::Ok();
}

template <typename T>
Status OptionalInto(const Node& n, StatusOr<T> (Node::*get)() const, std::optional<T>* out) {
  if (!n.present()) return Status::Ok();
  CRESCENDO_ASSIGN_OR_RETURN(*out, (n.*get)());
  return Status::Ok();
}

// ----------------------------------------------------------------------------- hpa

// Returns the JSON value at `path` as a YamlNode tree for the one HPA decoder (format::
// DecodeHpaSpec): strings stay quoted, numbers and booleans unquoted, and each node is placed
// where the source wrote it (a JSON source has no places: its name alone).
format::YamlNode JsonToYaml(const Json* j, const std::string& path, const Source& source) {
  format::YamlNode n;
  n.location = source.Where(path);
  n.key_location = n.location;
  n.path = path;
  if (j == nullptr || j->is_null()) return n;
  if (j->is_object()) {
    n.kind = format::YamlNode::Kind::kMap;
    for (const auto& [k, v] : j->items()) {
      n.children.push_back(JsonToYaml(&v, path.empty() ? k : path + "." + k, source));
      n.children.back().key = k;
    }
  } else if (j->is_array()) {
    n.kind = format::YamlNode::Kind::kSequence;
    for (size_t i = 0; i < j->size(); ++i) {
      n.children.push_back(JsonToYaml(&(*j)[i], fmt::format("{}[{}]", path, i), source));
    }
  } else {
    n.kind = format::YamlNode::Kind::kScalar;
    n.quoted = j->is_string();
    n.scalar = n.quoted ? j->get<std::string>() : j->dump();
  }
  return n;
}

// Returns the decoder's first problem that makes the object unusable, in the located form HPA
// state files have always used: a missing field is named by its own path, "found nothing". An
// unsupported field is ignored unless ignoring it would change the controller's result.
Status FirstProblem(const std::vector<format::HpaProblem>& problems) {
  using Kind = format::HpaProblem::Kind;
  for (const format::HpaProblem& p : problems) {
    const format::YamlProblem& y = p.problem;
    if (p.kind == Kind::kMissing) {
      return format::LocatedError(y.location, y.path.empty() ? p.key : y.path + "." + p.key,
                                  "nothing", p.value);
    }
    if (p.kind == Kind::kMalformed) {
      return format::LocatedError(y.location, y.path, y.found, y.expected);
    }
    if (p.changes_result) {
      return format::LocatedError(y.location, y.path, y.found,
                                  "no " + p.key + " (only matchLabels are supported)");
    }
  }
  return Status::Ok();
}

static_assert(static_cast<int>(format::HpaMetricType::kExternal) ==
              static_cast<int>(MetricSourceType::kExternal));
static_assert(static_cast<int>(format::HpaTargetType::kAverageValue) ==
              static_cast<int>(MetricTargetType::kAverageValue));
static_assert(static_cast<int>(format::HpaSelectPolicy::kDisabled) ==
              static_cast<int>(SelectPolicy::kDisabled));
static_assert(static_cast<int>(format::HpaPolicyType::kPercent) ==
              static_cast<int>(ScalingPolicyType::kPercent));

template <typename T>
std::optional<T> Value(const format::Located<T>& located) {
  return located.present() ? std::optional<T>(located.value) : std::nullopt;
}

MetricSpec ToMetric(const format::HpaMetric& m) {
  MetricSpec out;
  out.type = static_cast<MetricSourceType>(m.type.value);
  out.name = m.name.value;
  out.container = m.container.value;
  out.selector = m.match_labels.value;
  out.described_object = {m.described_kind.value, m.described_name.value,
                          m.described_api_version.value};
  out.target.type = static_cast<MetricTargetType>(m.target.type.value);
  out.target.average_utilization = Value(m.target.average_utilization);
  out.target.value = Value(m.target.value);
  out.target.average_value = Value(m.target.average_value);
  return out;
}

std::optional<ScalingRules> ToRules(const std::optional<format::HpaRules>& rules) {
  if (!rules) return std::nullopt;
  ScalingRules out;
  out.stabilization_window_seconds = Value(rules->stabilization_window_seconds);
  if (rules->select_policy.present()) {
    out.select_policy = static_cast<SelectPolicy>(rules->select_policy.value);
  }
  for (const format::HpaPolicy& p : rules->policies) {
    out.policies.push_back({static_cast<ScalingPolicyType>(p.type), p.value, p.period_seconds});
  }
  out.tolerance = Value(rules->tolerance);
  return out;
}

// Decodes hpa.spec through the one HPA decoder.
Status ParseHpaSpec(const Node& spec, HpaState* s) {
  const format::YamlNode tree = JsonToYaml(spec.json(), spec.path(), *spec.source());
  std::vector<format::HpaProblem> problems;
  const format::HpaSpec decoded = format::DecodeHpaSpec(tree, problems);
  CRESCENDO_RETURN_IF_ERROR(FirstProblem(problems));
  s->scale_target = {
      decoded.target_kind.present() ? decoded.target_kind.value : "Deployment",
      decoded.target_name.value,
      decoded.target_api_version.present() ? decoded.target_api_version.value : "apps/v1"};
  s->spec.min_replicas = decoded.min_replicas.present() ? decoded.min_replicas.value : 1;
  s->spec.max_replicas = decoded.max_replicas.value;
  for (const format::HpaMetric& m : decoded.metrics) s->spec.metrics.push_back(ToMetric(m));
  if (decoded.behavior != nullptr) {
    s->spec.behavior = HpaBehavior{ToRules(decoded.scale_up), ToRules(decoded.scale_down)};
  }
  return Status::Ok();
}

Status ParseHpaConditions(const Node& n, std::vector<HpaCondition>* out) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<Node> list, n.List());
  for (const Node& c : list) {
    HpaCondition cond;
    CRESCENDO_ASSIGN_OR_RETURN(cond.type, c["type"].String());
    const std::string status = c["status"].StringOr("Unknown");
    cond.status = status == "True"    ? ConditionStatus::kTrue
                  : status == "False" ? ConditionStatus::kFalse
                                      : ConditionStatus::kUnknown;
    cond.reason = c["reason"].StringOr("");
    cond.message = c["message"].StringOr("");
    CRESCENDO_RETURN_IF_ERROR(
        Optional(c["lastTransitionTime"], &Node::Time, &cond.last_transition_time));
    out->push_back(cond);
  }
  return Status::Ok();
}

Status ParseHpa(const Node& hpa, HpaState* s) {
  if (!hpa.present()) return hpa.Error("a HorizontalPodAutoscaler (autoscaling/v2)");
  // autoscaling/v1 has another shape (targetCPUUtilizationPercentage, no metrics or behavior):
  // explaining it as v2 would silently ignore its target.
  const std::string api_version = hpa["apiVersion"].StringOr("autoscaling/v2");
  if (api_version != "autoscaling/v2" && api_version != "autoscaling/v2beta2") {
    return hpa["apiVersion"].Error(
        "autoscaling/v2 (convert with kubectl get hpa -o yaml from an "
        "API server of Kubernetes 1.23 or later)");
  }
  s->name = hpa["metadata"]["name"].StringOr("");
  s->ns = hpa["metadata"]["namespace"].StringOr("default");
  CRESCENDO_RETURN_IF_ERROR(ParseHpaSpec(hpa["spec"], s));
  return ParseHpaConditions(hpa["status"]["conditions"], &s->memory.conditions);
}

// ----------------------------------------------------------------------------- pods

// A ResourceList ({cpu: "250m", memory: "1Gi"}) in milli-units.
Status ParseResourceList(const Node& n, std::map<std::string, int64_t>* out) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<std::string> keys, n.Keys());
  for (const std::string& k : keys) {
    CRESCENDO_ASSIGN_OR_RETURN(Quantity q, n[k].QuantityValue());
    (*out)[k] = q.MilliValue();
  }
  return Status::Ok();
}

Status ParseContainers(const Node& list, bool init, std::vector<HpaContainer>* out) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<Node> containers, list.List());
  for (const Node& c : containers) {
    // Init containers count only as restartable sidecars (restartPolicy: Always).
    if (init && c["restartPolicy"].StringOr("") != "Always") continue;
    HpaContainer container;
    CRESCENDO_ASSIGN_OR_RETURN(container.name, c["name"].String());
    CRESCENDO_RETURN_IF_ERROR(
        ParseResourceList(c["resources"]["requests"], &container.requests_milli));
    out->push_back(std::move(container));
  }
  return Status::Ok();
}

StatusOr<PodPhase> ParsePhase(const Node& n) {
  const std::string phase = n.StringOr("Pending");
  if (phase == "Pending") return PodPhase::kPending;
  if (phase == "Running") return PodPhase::kRunning;
  if (phase == "Succeeded") return PodPhase::kSucceeded;
  if (phase == "Failed") return PodPhase::kFailed;
  if (phase == "Unknown") return PodPhase::kUnknown;
  return n.Error("one of Pending, Running, Succeeded, Failed, Unknown");
}

Status ParseReadyCondition(const Node& conditions, HpaPod* pod) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<Node> list, conditions.List());
  for (const Node& c : list) {
    if (c["type"].StringOr("") != "Ready") continue;
    const std::string status = c["status"].StringOr("");
    if (status == "True")
      pod->ready = ConditionStatus::kTrue;
    else if (status == "False")
      pod->ready = ConditionStatus::kFalse;
    else if (status == "Unknown")
      pod->ready = ConditionStatus::kUnknown;
    else
      return c["status"].Error("True, False or Unknown");
    CRESCENDO_RETURN_IF_ERROR(
        Optional(c["lastTransitionTime"], &Node::Time, &pod->ready_transition_time));
  }
  return Status::Ok();
}

Status ParsePods(const Node& n, std::vector<HpaPod>* out) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<Node> pods, n.List());
  for (const Node& p : pods) {
    HpaPod pod;
    CRESCENDO_ASSIGN_OR_RETURN(pod.name, p["metadata"]["name"].String());
    pod.deleting = p["metadata"]["deletionTimestamp"].present();
    CRESCENDO_RETURN_IF_ERROR(ParseContainers(p["spec"]["containers"], false, &pod.containers));
    CRESCENDO_RETURN_IF_ERROR(ParseContainers(p["spec"]["initContainers"], true, &pod.containers));
    if (p["spec"]["resources"]["requests"].present()) {
      pod.pod_requests_milli.emplace();
      CRESCENDO_RETURN_IF_ERROR(
          ParseResourceList(p["spec"]["resources"]["requests"], &*pod.pod_requests_milli));
    }
    CRESCENDO_ASSIGN_OR_RETURN(pod.phase, ParsePhase(p["status"]["phase"]));
    CRESCENDO_RETURN_IF_ERROR(OptionalInto(p["status"]["startTime"], &Node::Time, &pod.start_time));
    CRESCENDO_RETURN_IF_ERROR(ParseReadyCondition(p["status"]["conditions"], &pod));
    out->push_back(std::move(pod));
  }
  return Status::Ok();
}

// ----------------------------------------------------------------------------- metrics APIs

struct ContainerUsage {
  std::string name;
  std::map<std::string, int64_t> usage_milli;
};

struct RawPodMetrics {  // metrics.k8s.io PodMetrics
  std::string pod;
  Timestamp timestamp;
  Duration window = minutes(1);
  std::vector<ContainerUsage> containers;
};

struct RawCustomMetric {  // custom.metrics.k8s.io MetricValue
  std::string kind, name, metric;
  std::map<std::string, std::string> selector;
  Timestamp timestamp;
  Duration window = minutes(1);
  int64_t value_milli = 0;
};

struct RawExternalMetric {  // external.metrics.k8s.io ExternalMetricValue
  std::string metric;
  std::map<std::string, std::string> labels;
  int64_t value_milli = 0;
};

struct RawMetrics {
  std::vector<RawPodMetrics> pods;
  std::vector<RawCustomMetric> custom;
  std::vector<RawExternalMetric> external;
};

Status ParsePodMetrics(const Node& n, std::vector<RawPodMetrics>* out) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<Node> items, n.List());
  for (const Node& item : items) {
    RawPodMetrics m;
    CRESCENDO_ASSIGN_OR_RETURN(m.pod, item["metadata"]["name"].String());
    CRESCENDO_ASSIGN_OR_RETURN(m.timestamp, item["timestamp"].Time());
    CRESCENDO_RETURN_IF_ERROR(Optional(item["window"], &Node::DurationValue, &m.window));
    CRESCENDO_ASSIGN_OR_RETURN(std::vector<Node> containers, item["containers"].List());
    for (const Node& c : containers) {
      ContainerUsage usage;
      CRESCENDO_ASSIGN_OR_RETURN(usage.name, c["name"].String());
      CRESCENDO_RETURN_IF_ERROR(ParseResourceList(c["usage"], &usage.usage_milli));
      m.containers.push_back(std::move(usage));
    }
    out->push_back(std::move(m));
  }
  return Status::Ok();
}

// A custom metric value's selector (matchLabels only).
Status ParseSelector(const Node& n, std::map<std::string, std::string>* out) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<Node> exprs, n["matchExpressions"].List());
  if (!exprs.empty()) return exprs[0].Error("no matchExpressions (only matchLabels are supported)");
  CRESCENDO_ASSIGN_OR_RETURN(*out, n["matchLabels"].StringMap());
  return Status::Ok();
}

Status ParseCustomMetrics(const Node& n, std::vector<RawCustomMetric>* out) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<Node> items, n.List());
  for (const Node& item : items) {
    RawCustomMetric m;
    CRESCENDO_ASSIGN_OR_RETURN(m.kind, item["describedObject"]["kind"].String());
    CRESCENDO_ASSIGN_OR_RETURN(m.name, item["describedObject"]["name"].String());
    CRESCENDO_ASSIGN_OR_RETURN(m.metric, item["metric"]["name"].String());
    CRESCENDO_RETURN_IF_ERROR(ParseSelector(item["metric"]["selector"], &m.selector));
    CRESCENDO_RETURN_IF_ERROR(Optional(item["timestamp"], &Node::Time, &m.timestamp));
    if (item["windowSeconds"].present()) {
      CRESCENDO_ASSIGN_OR_RETURN(int64_t w, item["windowSeconds"].Int());
      m.window = seconds(w);
    }
    CRESCENDO_ASSIGN_OR_RETURN(Quantity q, item["value"].QuantityValue());
    m.value_milli = q.MilliValue();
    out->push_back(std::move(m));
  }
  return Status::Ok();
}

Status ParseExternalMetrics(const Node& n, std::vector<RawExternalMetric>* out) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<Node> items, n.List());
  for (const Node& item : items) {
    RawExternalMetric m;
    CRESCENDO_ASSIGN_OR_RETURN(m.metric, item["metricName"].String());
    CRESCENDO_ASSIGN_OR_RETURN(m.labels, item["metricLabels"].StringMap());
    CRESCENDO_ASSIGN_OR_RETURN(Quantity q, item["value"].QuantityValue());
    m.value_milli = q.MilliValue();
    out->push_back(std::move(m));
  }
  return Status::Ok();
}

// getPodMetrics of kubernetes metrics/client.go: the sum over the pod's containers; none when
// the pod reports no container or a container lacks the resource.
std::optional<int64_t> PodUsage(const RawPodMetrics& m, const std::string& resource) {
  if (m.containers.empty()) return std::nullopt;
  int64_t sum = 0;
  for (const ContainerUsage& c : m.containers) {
    const auto it = c.usage_milli.find(resource);
    if (it == c.usage_milli.end()) return std::nullopt;
    sum += it->second;
  }
  return sum;
}

// getContainerMetrics of kubernetes metrics/client.go: the first container named `container`;
// none when the pod does not report it or it lacks the resource. Since Kubernetes 1.32
// (kubernetes/kubernetes#127193) a pod without the container is dropped ("Missing container
// metric") instead of failing the read, as getPodMetrics drops pods.
std::optional<int64_t> NamedContainerUsage(const RawPodMetrics& m, const std::string& container,
                                           const std::string& resource) {
  for (const ContainerUsage& c : m.containers) {
    if (c.name != container) continue;
    const auto it = c.usage_milli.find(resource);
    if (it == c.usage_milli.end()) return std::nullopt;
    return it->second;
  }
  return std::nullopt;
}

// GetResourceMetric of kubernetes metrics/client.go: one sample per pod with a usage. A pod
// left without one is grouped by groupPods (replica_calculator.go): ignored when it failed or is
// being deleted, else missing.
MetricReading ResourceReading(const MetricSpec& spec, const std::vector<RawPodMetrics>& raw) {
  MetricReading r;
  for (const RawPodMetrics& m : raw) {
    const std::optional<int64_t> usage = spec.container.empty()
                                             ? PodUsage(m, spec.name)
                                             : NamedContainerUsage(m, spec.container, spec.name);
    if (usage.has_value()) r.pods.push_back({m.pod, *usage, m.timestamp, m.window});
  }
  return r;
}

bool Matches(const std::map<std::string, std::string>& selector,
             const std::map<std::string, std::string>& labels) {
  for (const auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

MetricReading ReadingFor(const MetricSpec& spec, const RawMetrics& raw) {
  MetricReading r;
  switch (spec.type) {
    case MetricSourceType::kResource:
    case MetricSourceType::kContainerResource:
      return ResourceReading(spec, raw.pods);
    case MetricSourceType::kPods:
      for (const RawCustomMetric& m : raw.custom) {
        if (m.kind == "Pod" && m.metric == spec.name && Matches(m.selector, spec.selector)) {
          r.pods.push_back({m.name, m.value_milli, m.timestamp, m.window});
        }
      }
      return r;
    case MetricSourceType::kObject:
      for (const RawCustomMetric& m : raw.custom) {
        if (m.kind == spec.described_object.kind && m.name == spec.described_object.name &&
            m.metric == spec.name) {
          r.values_milli = {m.value_milli};
          return r;
        }
      }
      r.fetch_status = NotFoundError(fmt::format(
          "unable to fetch metrics from custom metrics API: the server could not find the "
          "metric {} for {} {}",
          spec.name, spec.described_object.kind, spec.described_object.name));
      return r;
    case MetricSourceType::kExternal:
      for (const RawExternalMetric& m : raw.external) {
        if (m.metric == spec.name && Matches(spec.selector, m.labels)) {
          r.values_milli.push_back(m.value_milli);
        }
      }
      return r;
  }
  return r;
}

// ----------------------------------------------------------------------------- memory, settings

Status ParseHistory(const Node& n, HpaControllerState* memory) {
  if (!n.present()) return Status::Ok();  // none yet: the first reconcile records the current count
  memory->initialized = true;
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<Node> recs, n["recommendations"].List());
  for (const Node& r : recs) {
    TimestampedRecommendation rec;
    CRESCENDO_ASSIGN_OR_RETURN(rec.timestamp, r["timestamp"].Time());
    CRESCENDO_ASSIGN_OR_RETURN(rec.replicas, r["replicas"].Int32());
    memory->recommendations.push_back(rec);
  }
  for (auto [key, events] : {std::pair{"scaleUpEvents", &memory->scale_up_events},
                             std::pair{"scaleDownEvents", &memory->scale_down_events}}) {
    CRESCENDO_ASSIGN_OR_RETURN(std::vector<Node> list, n[key].List());
    for (const Node& e : list) {
      ScaleEvent event;
      CRESCENDO_ASSIGN_OR_RETURN(event.timestamp, e["timestamp"].Time());
      CRESCENDO_ASSIGN_OR_RETURN(event.replica_change, e["replicaChange"].Int32());
      if (event.replica_change < 0) return e["replicaChange"].Error("a count of 0 or more");
      events->push_back(event);
    }
  }
  return Status::Ok();
}

Status ParseSettings(const Node& n, HpaControllerSettings* s) {
  CRESCENDO_RETURN_IF_ERROR(Optional(n["tolerance"], &Node::Number, &s->tolerance));
  CRESCENDO_RETURN_IF_ERROR(
      Optional(n["cpuInitializationPeriod"], &Node::DurationValue, &s->cpu_initialization_period));
  CRESCENDO_RETURN_IF_ERROR(
      Optional(n["initialReadinessDelay"], &Node::DurationValue, &s->initial_readiness_delay));
  CRESCENDO_RETURN_IF_ERROR(Optional(n["downscaleStabilizationWindow"], &Node::DurationValue,
                                     &s->downscale_stabilization_window));
  CRESCENDO_RETURN_IF_ERROR(
      Optional(n["scaleUpLimitFactor"], &Node::Number, &s->scale_up_limit_factor));
  CRESCENDO_RETURN_IF_ERROR(
      Optional(n["scaleUpLimitMinimum"], &Node::Number, &s->scale_up_limit_minimum));
  CRESCENDO_RETURN_IF_ERROR(
      Optional(n["configurableTolerance"], &Node::Bool, &s->configurable_tolerance));
  return Status::Ok();
}

// The top-level keys of a state file; any other is a typo that would be silently ignored.
constexpr std::string_view kStateKeys[] = {
    "hpa",     "scale",      "pods", "podMetrics",      "customMetrics", "externalMetrics",
    "history", "controller", "now",  "proposedReplicas"};

Status ParseState(const Node& root, HpaState* s) {
  CRESCENDO_RETURN_IF_ERROR(ParseHpa(root["hpa"], s));
  CRESCENDO_ASSIGN_OR_RETURN(s->spec_replicas, root["scale"]["specReplicas"].Int32());
  s->status_replicas = s->spec_replicas;
  CRESCENDO_RETURN_IF_ERROR(
      Optional(root["scale"]["statusReplicas"], &Node::Int32, &s->status_replicas));
  CRESCENDO_RETURN_IF_ERROR(OptionalInto(root["scale"]["selector"], &Node::String, &s->selector));
  CRESCENDO_RETURN_IF_ERROR(ParsePods(root["pods"], &s->pods));
  RawMetrics raw;
  CRESCENDO_RETURN_IF_ERROR(ParsePodMetrics(root["podMetrics"], &raw.pods));
  CRESCENDO_RETURN_IF_ERROR(ParseCustomMetrics(root["customMetrics"], &raw.custom));
  CRESCENDO_RETURN_IF_ERROR(ParseExternalMetrics(root["externalMetrics"], &raw.external));
  for (const MetricSpec& m : crescendo::EffectiveMetrics(s->spec))
    s->readings.push_back(ReadingFor(m, raw));
  CRESCENDO_RETURN_IF_ERROR(ParseHistory(root["history"], &s->memory));
  CRESCENDO_RETURN_IF_ERROR(ParseSettings(root["controller"], &s->settings));
  CRESCENDO_ASSIGN_OR_RETURN(s->now, root["now"].Time());
  return OptionalInto(root["proposedReplicas"], &Node::Int32, &s->proposed_replicas);
}

}  // namespace

StatusOr<HpaObject> DecodeHpa(const Json& hpa, std::string_view source) {
  Source located{source, {}};
  HpaState state;
  CRESCENDO_RETURN_IF_ERROR(ParseHpa(Node(&hpa, "", &located), &state));
  return HpaObject{state.name, state.ns, state.scale_target, state.spec};
}

StatusOr<HpaState> ParseHpaState(std::string_view text, std::string_view source) {
  Source located{source, {}};
  CRESCENDO_ASSIGN_OR_RETURN(Json tree, ParseTree(text, located));
  if (!tree.is_object()) {
    return InvalidArgumentError(
        fmt::format("{}: the state is {}, expected a map with hpa, scale, pods, ... and now",
                    source, tree.type_name()));
  }
  for (const auto& [key, value] : tree.items()) {
    if (std::find(std::begin(kStateKeys), std::end(kStateKeys), key) != std::end(kStateKeys)) {
      continue;
    }
    return InvalidArgumentError(
        fmt::format("{}: unknown top-level key \"{}\"{}, expected hpa, scale, pods, podMetrics, "
                    "customMetrics, externalMetrics, history, controller, now and proposedReplicas",
                    source, key.substr(0, 60), key.size() > 60 ? "..." : ""));
  }
  HpaState state;
  CRESCENDO_RETURN_IF_ERROR(ParseState(Node(&tree, "", &located), &state));
  return state;
}

}  // namespace crescendo::hpa
