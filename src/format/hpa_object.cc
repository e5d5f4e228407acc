#include "crescendo/format/hpa_object.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <span>
#include <string_view>
#include <utility>

namespace crescendo::format {
namespace {

using Kind = HpaProblem::Kind;

constexpr std::string_view kSpecKeys[] = {"scaleTargetRef", "minReplicas", "maxReplicas", "metrics",
                                          "behavior"};
constexpr std::string_view kMetricTypes[] = {"Resource", "ContainerResource", "Pods", "Object",
                                             "External"};
constexpr std::string_view kMetricFields[] = {"resource", "containerResource", "pods", "object",
                                              "external"};
constexpr std::string_view kTargetTypes[] = {"Utilization", "Value", "AverageValue"};
constexpr std::string_view kTargetFields[] = {"averageUtilization", "value", "averageValue"};
constexpr std::string_view kSelectPolicies[] = {"Max", "Min", "Disabled"};
constexpr std::string_view kPolicyTypes[] = {"Pods", "Percent"};
constexpr std::string_view kBehaviorKeys[] = {"scaleUp", "scaleDown"};
constexpr std::string_view kRulesKeys[] = {"stabilizationWindowSeconds", "selectPolicy", "policies",
                                           "tolerance"};
constexpr std::string_view kPolicyKeys[] = {"type", "value", "periodSeconds"};
constexpr std::string_view kIdentifierKeys[] = {"name", "selector"};
constexpr std::string_view kSelectorKeys[] = {"matchLabels"};
// Kubernetes' MaxPeriodSeconds (pkg/apis/autoscaling/validation/validation.go).
constexpr int32_t kMaxPeriodSeconds = 1800;

template <size_t N>
std::string OneOfText(const std::string_view (&names)[N]) {
  std::string text = "one of ";
  for (size_t i = 0; i < N; ++i) text += (i == 0 ? "" : ", ") + std::string(names[i]);
  return text;
}

// Collects the problems of one spec; each check returns whether the value was well formed.
class Problems {
 public:
  explicit Problems(std::vector<HpaProblem>& out) : out_(out) {}

  bool Malformed(const YamlNode& node, std::string expected) {
    out_.push_back({{node.location, node.path, DescribeValue(node), std::move(expected)},
                    Kind::kMalformed,
                    "",
                    "",
                    false});
    return false;
  }

  // Returns the entry `key` of `map`, or reports it missing (`expected`: its role; `value`:
  // what it holds) and returns null.
  const YamlNode* Require(const YamlNode& map, std::string_view key, std::string expected,
                          std::string value) {
    if (const YamlNode* node = GetValue(map, key)) return node;
    out_.push_back(
        {{map.location, map.path, "no \"" + std::string(key) + "\"", std::move(expected)},
         Kind::kMissing,
         std::string(key),
         std::move(value),
         false});
    return nullptr;
  }

  // Reports every key of `map` outside `supported` (`note` lists what is read).
  void Unsupported(const YamlNode& map, std::span<const std::string_view> supported,
                   std::string_view note) {
    for (const YamlNode& entry : map.children) {
      if (std::find(supported.begin(), supported.end(), entry.key) != supported.end()) continue;
      out_.push_back({{entry.key_location, entry.path, "unsupported field \"" + entry.key + "\"",
                       std::string(note) + "; the field is ignored"},
                      Kind::kUnsupported,
                      entry.key,
                      "",
                      entry.key == "matchExpressions" && !entry.is_null() &&
                          !(entry.is_sequence() && entry.children.empty())});
    }
  }

 private:
  std::vector<HpaProblem>& out_;
};

// Returns the node when it is a map (null: absent), else reports it.
const YamlNode* MapAt(const YamlNode& parent, std::string_view key, Problems& p, bool* ok) {
  const YamlNode* node = GetValue(parent, key);
  if (node == nullptr || node->is_map()) return node;
  *ok = p.Malformed(*node, "a map");
  return nullptr;
}

template <size_t N>
std::optional<size_t> Enum(const YamlNode& node, const std::string_view (&names)[N],
                           std::string expected, Problems& p) {
  for (size_t i = 0; i < N; ++i) {
    if (node.is_scalar() && node.scalar == names[i]) return i;
  }
  p.Malformed(node, std::move(expected));
  return std::nullopt;
}

// Returns the index of `map`'s required `type` in `names`, else reports it.
template <size_t N>
std::optional<size_t> TypeOf(const YamlNode& map, const std::string_view (&names)[N],
                             const std::string& expected, Problems& p) {
  const YamlNode* type = p.Require(map, "type", expected, "a string");
  return type != nullptr ? Enum(*type, names, expected, p) : std::nullopt;
}

// An unquoted whole number within int32 (Kubernetes' int32 fields).
bool Int32(const YamlNode& node, Located<int32_t>& out, Problems& p) {
  const std::string& s = node.scalar;
  const size_t sign = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (!node.is_scalar() || node.quoted || s.size() == sign ||
      !std::all_of(s.begin() + sign, s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return p.Malformed(node, "an integer");
  }
  errno = 0;
  const long long v = std::strtoll(s.c_str(), nullptr, 10);
  if (errno == ERANGE || v < std::numeric_limits<int32_t>::min() ||
      v > std::numeric_limits<int32_t>::max()) {
    return p.Malformed(node, "a 32-bit integer");
  }
  out = {&node, static_cast<int32_t>(v)};
  return true;
}

bool QuantityAt(const YamlNode& node, Located<Quantity>& out, Problems& p) {
  auto q = node.is_scalar() ? Quantity::Parse(node.scalar) : InvalidArgumentError("");
  if (!q.ok()) return p.Malformed(node, "a quantity such as \"250m\" or \"1Gi\"");
  out = {&node, *q};
  return true;
}

bool StringAt(const YamlNode& node, Located<std::string>& out, Problems& p) {
  if (!node.is_scalar()) return p.Malformed(node, "a string");
  out = {&node, node.scalar};
  return true;
}

// Reads the optional string `key` of `map` into `out`.
bool OptionalString(const YamlNode& map, std::string_view key, Located<std::string>& out,
                    Problems& p) {
  const YamlNode* node = GetValue(map, key);
  return node == nullptr || StringAt(*node, out, p);
}

bool RequiredString(const YamlNode& map, std::string_view key, std::string expected,
                    Located<std::string>& out, Problems& p) {
  const YamlNode* node = p.Require(map, key, std::move(expected), "a string");
  return node != nullptr && StringAt(*node, out, p);
}

bool DecodeTarget(const YamlNode& target, HpaTarget& out, Problems& p) {
  if (!target.is_map()) return p.Malformed(target, "a map");
  out.node = &target;
  auto index = TypeOf(target, kTargetTypes, OneOfText(kTargetTypes), p);
  if (!index) return false;
  out.type = {target.Find("type"), static_cast<HpaTargetType>(*index)};
  const std::string_view field = kTargetFields[*index];
  const std::string_view supported[] = {"type", field};
  p.Unsupported(
      target, supported,
      "type and " + std::string(field) + " for a " + std::string(kTargetTypes[*index]) + " target");
  bool ok = p.Require(target, field, "the target's " + std::string(field),
                      *index == 0 ? "a percentage above 0" : "a quantity") != nullptr;
  // Every value field is decoded: Kubernetes' controller reads whichever is set.
  if (const YamlNode* n = GetValue(target, "averageUtilization")) {
    if (Int32(*n, out.average_utilization, p) && out.average_utilization.value <= 0) {
      out.average_utilization = {};
      ok = p.Malformed(*n, "a percentage above 0");
    } else if (!out.average_utilization.present()) {
      ok = false;
    }
  }
  if (const YamlNode* n = GetValue(target, "value")) ok = QuantityAt(*n, out.value, p) && ok;
  if (const YamlNode* n = GetValue(target, "averageValue")) {
    ok = QuantityAt(*n, out.average_value, p) && ok;
  }
  return ok;
}

// Reads metric.{name, selector} of Pods, Object and External sources.
bool DecodeIdentifier(const YamlNode& source, HpaMetric& out, Problems& p) {
  const YamlNode* id = p.Require(source, "metric", "{name, selector}", "a map");
  if (id == nullptr) return false;
  if (!id->is_map()) return p.Malformed(*id, "a map");
  p.Unsupported(*id, kIdentifierKeys, "name and selector");
  bool ok = RequiredString(*id, "name", "the metric's name", out.name, p);
  const YamlNode* selector = GetValue(*id, "selector");
  if (selector == nullptr) return ok;
  if (!selector->is_map()) return p.Malformed(*selector, "a map");
  p.Unsupported(*selector, kSelectorKeys, "matchLabels (matchExpressions are not supported)");
  const YamlNode* labels = GetValue(*selector, "matchLabels");
  if (labels == nullptr) return ok;
  if (!labels->is_map()) return p.Malformed(*labels, "a map of strings");
  std::map<std::string, std::string> map;
  for (const YamlNode& label : labels->children) {
    if (!label.is_scalar()) return p.Malformed(label, "a string");
    map[label.key] = label.scalar;
  }
  out.match_labels = {labels, std::move(map)};
  return ok;
}

bool DecodeSource(HpaMetricType type, const YamlNode& source, HpaMetric& out, Problems& p) {
  const bool resource =
      type == HpaMetricType::kResource || type == HpaMetricType::kContainerResource;
  const bool container = type == HpaMetricType::kContainerResource;
  const bool object = type == HpaMetricType::kObject;
  std::vector<std::string_view> keys = {resource ? "name" : "metric", "target"};
  if (container) keys.push_back("container");
  if (object) keys.push_back("describedObject");
  p.Unsupported(
      source, keys,
      std::string(resource ? "name, target" : "metric, target") + (container ? " and container"
                                                                   : object ? " and describedObject"
                                                                            : ""));
  bool ok = true;
  if (container) ok = RequiredString(source, "container", "the container", out.container, p);
  if (object) {
    const YamlNode* o =
        p.Require(source, "describedObject", "the object the metric describes", "a map");
    if (o == nullptr) {
      ok = false;
    } else if (!o->is_map()) {
      ok = p.Malformed(*o, "a map");
    } else {
      out.described_object = o;
      ok = RequiredString(*o, "kind", "the object's kind", out.described_kind, p) && ok;
      ok = RequiredString(*o, "name", "the object's name", out.described_name, p) && ok;
      ok = OptionalString(*o, "apiVersion", out.described_api_version, p) && ok;
    }
  }
  ok = (resource ? RequiredString(source, "name", "the metric's name", out.name, p)
                 : DecodeIdentifier(source, out, p)) &&
       ok;
  const YamlNode* target =
      p.Require(source, "target", "{type, averageUtilization | averageValue | value}", "a map");
  return target != nullptr && DecodeTarget(*target, out.target, p) && ok;
}

bool DecodeMetric(const YamlNode& item, HpaMetric& out, Problems& p) {
  if (!item.is_map()) return p.Malformed(item, "a map");
  out.node = &item;
  auto index = TypeOf(item, kMetricTypes, OneOfText(kMetricTypes), p);
  if (!index) return false;
  out.type = {item.Find("type"), static_cast<HpaMetricType>(*index)};
  const std::string_view field = kMetricFields[*index];
  const std::string_view supported[] = {"type", field};
  p.Unsupported(item, supported, "type and " + std::string(field));
  const YamlNode* source =
      p.Require(item, field, "the " + std::string(field) + " of the metric", "a map");
  if (source == nullptr) return false;
  if (!source->is_map()) return p.Malformed(*source, "a map");
  out.source = source;
  return DecodeSource(out.type.value, *source, out, p);
}

bool DecodePolicy(const YamlNode& item, HpaPolicy& out, Problems& p) {
  if (!item.is_map()) return p.Malformed(item, "a map");
  out.node = &item;
  p.Unsupported(item, kPolicyKeys, "type, value and periodSeconds");
  auto index = TypeOf(item, kPolicyTypes, "Pods or Percent", p);
  if (index) out.type = static_cast<HpaPolicyType>(*index);
  bool ok = index.has_value();
  Located<int32_t> value, period;
  if (const YamlNode* n = p.Require(item, "value", "the policy's value", "an integer")) {
    if (Int32(*n, value, p) && value.value <= 0) ok = p.Malformed(*n, "a value above 0");
    ok = ok && value.present();
  } else {
    ok = false;
  }
  if (const YamlNode* n = p.Require(item, "periodSeconds", "the policy's period", "an integer")) {
    if (Int32(*n, period, p) && (period.value <= 0 || period.value > kMaxPeriodSeconds)) {
      ok = p.Malformed(*n, "1 to 1800 seconds");
    }
    ok = ok && period.present();
  } else {
    ok = false;
  }
  out.value = value.value;
  out.period_seconds = period.value;
  return ok;
}

// A finite number, written as a number or as a quantity ("0.05").
bool Number(const YamlNode& node, Located<double>& out, Problems& p) {
  std::optional<double> v;
  if (node.is_scalar() && !node.quoted) v = ScalarAsDouble(node);
  if ((!v || !std::isfinite(*v)) && node.is_scalar()) {
    auto q = Quantity::Parse(node.scalar);
    if (q.ok()) v = q->AsDouble();
  }
  if (!v || !std::isfinite(*v)) return p.Malformed(node, "a finite number");
  out = {&node, *v};
  return true;
}

HpaRules DecodeRules(const YamlNode& rules, Problems& p) {
  HpaRules out;
  out.node = &rules;
  p.Unsupported(rules, kRulesKeys,
                "stabilizationWindowSeconds, selectPolicy, policies and tolerance");
  if (const YamlNode* n = GetValue(rules, "stabilizationWindowSeconds")) {
    Int32(*n, out.stabilization_window_seconds, p);
  }
  if (const YamlNode* n = GetValue(rules, "selectPolicy")) {
    if (auto i = Enum(*n, kSelectPolicies, OneOfText(kSelectPolicies), p)) {
      out.select_policy = {n, static_cast<HpaSelectPolicy>(*i)};
    }
  }
  if (const YamlNode* list = GetValue(rules, "policies")) {
    if (!list->is_sequence()) {
      p.Malformed(*list, "a list");
    } else {
      out.policies_node = list;
      for (const YamlNode& item : list->children) {
        HpaPolicy policy;
        if (DecodePolicy(item, policy, p)) out.policies.push_back(policy);
      }
    }
  }
  if (const YamlNode* n = GetValue(rules, "tolerance")) Number(*n, out.tolerance, p);
  return out;
}

void DecodeBehavior(const YamlNode& behavior, HpaSpec& out, Problems& p) {
  if (!behavior.is_map()) {
    p.Malformed(behavior, "a map");
    return;
  }
  out.behavior = &behavior;
  p.Unsupported(behavior, kBehaviorKeys, "scaleUp and scaleDown");
  bool ok = true;
  if (const YamlNode* n = MapAt(behavior, "scaleUp", p, &ok)) out.scale_up = DecodeRules(*n, p);
  if (const YamlNode* n = MapAt(behavior, "scaleDown", p, &ok)) {
    out.scale_down = DecodeRules(*n, p);
  }
}

void DecodeReplicas(const YamlNode& spec, HpaSpec& out, Problems& p) {
  if (const YamlNode* n = GetValue(spec, "minReplicas")) {
    if (Int32(*n, out.min_replicas, p) && out.min_replicas.value < 0) {
      out.min_replicas = {};
      p.Malformed(*n, "0 or more");
    }
  }
  const YamlNode* n = p.Require(spec, "maxReplicas", "the upper bound of replicas", "an integer");
  if (n == nullptr || !Int32(*n, out.max_replicas, p)) return;
  const int32_t min = out.min_replicas.present() ? out.min_replicas.value : 1;
  if (out.max_replicas.value < std::max(1, min)) {
    out.max_replicas = {};
    p.Malformed(*n, "at least 1 and at least minReplicas");
  }
}

}  // namespace

std::string DescribeValue(const YamlNode& node) {
  if (node.is_scalar() && !node.quoted && (ScalarAsDouble(node) || ScalarAsBool(node))) {
    return node.scalar;
  }
  return node.Describe();
}

HpaSpec DecodeHpaSpec(const YamlNode& spec, std::vector<HpaProblem>& problems) {
  Problems p(problems);
  HpaSpec out;
  if (!spec.is_map() && !spec.is_null()) {
    p.Malformed(spec, "a map");
    return out;
  }
  p.Unsupported(spec, kSpecKeys, "scaleTargetRef, minReplicas, maxReplicas, metrics and behavior");
  if (const YamlNode* ref = GetValue(spec, "scaleTargetRef")) {
    out.scale_target_ref = ref;
    for (auto [key, field] :
         {std::pair{"apiVersion", &out.target_api_version}, std::pair{"kind", &out.target_kind},
          std::pair{"name", &out.target_name}}) {
      const YamlNode* n = GetValue(*ref, key);
      if (n != nullptr && n->is_scalar()) *field = {n, n->scalar};
    }
  }
  DecodeReplicas(spec, out, p);
  if (const YamlNode* list = GetValue(spec, "metrics")) {
    if (!list->is_sequence()) {
      p.Malformed(*list, "a list of metrics");
    } else {
      out.metrics_node = list;
      for (const YamlNode& item : list->children) {
        HpaMetric metric;
        if (DecodeMetric(item, metric, p)) out.metrics.push_back(std::move(metric));
      }
    }
  }
  if (const YamlNode* behavior = GetValue(spec, "behavior")) DecodeBehavior(*behavior, out, p);
  return out;
}

}  // namespace crescendo::format
