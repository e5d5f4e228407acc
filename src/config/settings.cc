#include "config/settings.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <utility>

#include "config/policies_section.h"
#include "crescendo/base/quantity.h"

namespace crescendo::config {

namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

constexpr std::string_view kSettingsKeys[] = {"mode",
                                              "namespace",
                                              "workloadKind",
                                              "scalingInterval",
                                              "tenantIsolation",
                                              "costOptimization",
                                              "priority",
                                              "labels",
                                              "horizontal",
                                              "vertical",
                                              "policies"};
constexpr std::string_view kModes[] = {"kubernetes", "predictive", "intelligent", "recommend"};
constexpr std::string_view kWorkloadKinds[] = {"Deployment", "StatefulSet", "ReplicaSet"};
constexpr std::string_view kHorizontalKeys[] = {"enabled", "minReplicas", "maxReplicas", "metrics",
                                                "behavior"};
constexpr std::string_view kMetricKeys[] = {"type",      "utilization", "averageValue",    "value",
                                            "container", "selector",    "describedObject", "source",
                                            "query",     "window"};
// In the order of MetricSourceType.
constexpr std::string_view kMetricTypes[] = {"Resource", "ContainerResource", "Pods", "Object",
                                             "External"};
constexpr std::string_view kObjectKeys[] = {"apiVersion", "kind", "name"};
constexpr std::string_view kBehaviorKeys[] = {"scaleUp", "scaleDown"};
constexpr std::string_view kRulesKeys[] = {"stabilizationWindowSeconds", "selectPolicy", "policies",
                                           "tolerance"};
constexpr std::string_view kSelectPolicies[] = {"Max", "Min", "Disabled"};
constexpr std::string_view kPolicyKeys[] = {"type", "value", "periodSeconds"};
constexpr std::string_view kPolicyTypes[] = {"Pods", "Percent"};
constexpr std::string_view kVerticalKeys[] = {"enabled", "updateMode", "containerPolicies"};
constexpr std::string_view kUpdateModes[] = {"Off", "Initial", "Recreate", "InPlaceOrRecreate",
                                             "Auto"};
constexpr std::string_view kContainerPolicyKeys[] = {"mode", "minAllowed", "maxAllowed",
                                                     "controlledResources", "controlledValues"};
constexpr std::string_view kContainerModes[] = {"Auto", "Off"};
constexpr std::string_view kResourceNames[] = {"cpu", "memory"};
constexpr std::string_view kControlledValues[] = {"RequestsAndLimits", "RequestsOnly"};

std::string Join(std::string_view parent, std::string_view child) {
  return JoinPath(parent, child);
}

std::string ListText(const std::vector<std::string>& items) {
  std::string text = "[";
  for (size_t i = 0; i < items.size(); ++i) text += (i > 0 ? ", " : "") + items[i];
  return text + "]";
}

class SettingsDecoder {
 public:
  SettingsDecoder(const Catalogue& catalogue, FieldReader& reader)
      : catalogue_(catalogue), r_(reader) {}

  DecodedSettings Decode(const Node& root, KeyList layer_keys) {
    if (!root.is_null() && r_.ExpectMap(root)) r_.CheckKeys(root, {SettingsKeys(), layer_keys});
    const Node& map = root.is_map() ? root : empty_;
    DecodeGeneral(map);
    DecodeHorizontal(map);
    DecodeVertical(map);
    CheckPolicyLayer(map, catalogue_, r_);
    return std::move(out_);
  }

 private:
  ServiceConfig& config() { return out_.config; }

  void Record(std::string path, std::string value, const Node& node) {
    config().settings.push_back(
        Setting{std::move(path), std::move(value), node.location, node.path});
  }
  void RecordDefault(std::string path, std::string value) {
    config().settings.push_back(
        Setting{std::move(path), std::move(value), Location::BuiltIn(), ""});
  }

  void DecodeGeneral(const Node& map) {
    DecodeEnumField(map, "mode", kModes, 0,
                    [&](size_t i) { config().mode = static_cast<AutoscalingMode>(i); });
    if (const Node* n = GetValue(map, "namespace")) {
      if (auto ns = r_.Name(*n)) Record("namespace", (config().id.ns = *ns), *n);
    } else {
      RecordDefault("namespace", config().id.ns = "default");
    }
    DecodeEnumField(map, "workloadKind", kWorkloadKinds, 0,
                    [&](size_t i) { config().workload_kind = std::string(kWorkloadKinds[i]); });
    if (const Node* n = GetValue(map, "scalingInterval")) {
      if (auto d = r_.DurationIn(*n, std::chrono::seconds(1), std::chrono::hours(1))) {
        config().scaling_interval = *d;
        Record("scalingInterval", FormatDuration(*d), *n);
      }
    } else {
      RecordDefault("scalingInterval", FormatDuration(config().scaling_interval));
    }
    DecodeIsolation(map);
    DecodeSwitch(map, "costOptimization", config().cost_optimization);
    if (const Node* n = GetValue(map, "priority")) {
      if (auto p = r_.Int(*n, 0, 1000)) {
        out_.priority = static_cast<int32_t>(*p);
        Record("priority", std::to_string(*p), *n);
      }
    }
    if (const Node* n = GetValue(map, "labels")) {
      if (auto labels = r_.StringMap(*n)) {
        config().labels = *labels;
        for (const auto& [k, v] : *labels) Record(Join("labels", k), v, *n->Find(k));
      }
    }
  }

  template <typename Apply>
  void DecodeEnumField(const Node& map, std::string_view key, KeyList names, size_t fallback,
                       Apply apply) {
    if (const Node* n = GetValue(map, key)) {
      if (auto i = r_.Enum(*n, names)) {
        apply(*i);
        Record(std::string(key), std::string(names[*i]), *n);
      }
      return;
    }
    apply(fallback);
    RecordDefault(std::string(key), std::string(names[fallback]));
  }

  void DecodeIsolation(const Node& map) {
    TenantIsolation& value = config().tenant_isolation;
    if (const Node* n = GetValue(map, "tenantIsolation")) {
      std::optional<TenantIsolation> parsed;
      if (n->is_scalar()) parsed = ParseTenantIsolation(n->scalar);
      if (!parsed) {
        r_.Error(*n, n->Describe(), "strict, soft or none (enabled means soft, disabled none)");
        return;
      }
      value = *parsed;
      Record("tenantIsolation", std::string(TenantIsolationName(value)), *n);
      return;
    }
    RecordDefault("tenantIsolation", std::string(TenantIsolationName(value)));
  }

  void DecodeSwitch(const Node& map, std::string_view key, bool& value) {
    if (const Node* n = GetValue(map, key)) {
      if (auto on = r_.Switch(*n)) {
        value = *on;
        Record(std::string(key), *on ? "enabled" : "disabled", *n);
      }
      return;
    }
    RecordDefault(std::string(key), value ? "enabled" : "disabled");
  }

  // --- horizontal -------------------------------------------------------------------------

  // Returns the section `key` of `root` (an empty map when absent), or null when it is not a
  // map; `enabled` is its `enabled` switch, `fallback` when unset.
  const Node* Section(const Node& root, std::string_view key, KeyList keys, bool fallback,
                      bool& enabled) {
    const Node* map = GetValue(root, key);
    if (map != nullptr && !r_.ExpectMap(*map)) return nullptr;
    const Node& section = map != nullptr ? *map : empty_;
    r_.CheckKeys(section, {keys});
    enabled = fallback;
    std::string path = Join(key, "enabled");
    if (const Node* n = GetValue(section, "enabled")) {
      if (auto b = r_.Bool(*n)) enabled = *b;
      Record(path, enabled ? "true" : "false", *n);
    } else {
      RecordDefault(path, fallback ? "true" : "false");
    }
    return &section;
  }

  void DecodeHorizontal(const Node& root) {
    bool enabled = true;
    const Node* section = Section(root, "horizontal", kHorizontalKeys, true, enabled);
    if (section == nullptr) return;
    const Node& h = *section;
    HorizontalSpec spec;
    DecodeReplicas(h, "minReplicas", 0, spec.min_replicas);
    DecodeReplicas(h, "maxReplicas", 1, spec.max_replicas);
    if (const Node* n = GetValue(h, "metrics")) DecodeMetrics(*n, spec);
    if (spec.metrics.empty()) {
      RecordDefault("horizontal.metrics", "none (Kubernetes' default: cpu utilization 80%)");
    }
    if (const Node* n = GetValue(h, "behavior")) spec.behavior = DecodeBehavior(*n);
    if (enabled) config().horizontal = std::move(spec);
  }

  void DecodeReplicas(const Node& h, std::string_view key, int64_t min, int32_t& value) {
    std::string path = Join("horizontal", key);
    if (const Node* n = GetValue(h, key)) {
      if (auto v = r_.Int(*n, min, kInt32Max)) {
        value = static_cast<int32_t>(*v);
        Record(path, std::to_string(*v), *n);
      }
      return;
    }
    RecordDefault(path, std::to_string(value));
  }

  void DecodeMetrics(const Node& metrics, HorizontalSpec& spec) {
    if (!r_.ExpectMap(metrics)) return;
    for (const Node& entry : metrics.children) {
      if (entry.is_null()) continue;
      auto it = catalogue_.metrics->find(entry.key);
      if (it == catalogue_.metrics->end()) {
        ReportUnknownMetric(entry);
        continue;
      }
      if (!r_.ExpectMap(entry)) continue;
      DecodeMetric(entry, it->second, spec);
    }
  }

  void ReportUnknownMetric(const Node& entry) {
    std::vector<std::string_view> names;
    for (const auto& [name, def] : *catalogue_.metrics) names.push_back(name);
    std::string_view close = ClosestMatch(entry.key, names);
    std::string expected = "a metric of the catalogue (`metrics:`): " + JoinNames(names);
    if (!close.empty()) expected += " (did you mean \"" + std::string(close) + "\"?)";
    r_.KeyError(entry, "unknown metric \"" + entry.key + "\"", std::move(expected));
  }

  void DecodeMetric(const Node& entry, const MetricDefinition& def, HorizontalSpec& spec) {
    const std::string base = Join("horizontal.metrics", entry.key);
    r_.CheckKeys(entry, {kMetricKeys});
    out_.entries[base] = Setting{base, entry.key, entry.key_location, entry.path};
    MetricSpec metric;
    metric.name = entry.key;
    metric.type = def.type;
    if (const Node* n = GetValue(entry, "type")) {
      if (auto i = r_.Enum(*n, kMetricTypes)) metric.type = static_cast<MetricSourceType>(*i);
      Record(Join(base, "type"), std::string(kMetricTypes[static_cast<size_t>(metric.type)]), *n);
    } else {
      RecordCatalogue(Join(base, "type"), std::string(kMetricTypes[static_cast<size_t>(def.type)]),
                      def);
    }
    DecodeTargets(entry, base, metric.target);
    DecodeMetricDetails(entry, base, metric);
    config().metric_bindings.push_back(DecodeBinding(entry, base, def));
    spec.metrics.push_back(std::move(metric));
  }

  void DecodeTargets(const Node& entry, const std::string& base, MetricTarget& target) {
    for (std::string_view key : {"utilization", "averageValue", "value"}) {
      if (const Node* n = GetValue(entry, key)) {  // present, valid or not: validation counts them
        std::string path = Join(base, key);
        out_.entries[path] = Setting{path, n->is_scalar() ? n->scalar : "", n->location, n->path};
      }
    }
    if (const Node* n = GetValue(entry, "utilization")) {
      if (auto v = r_.Int(*n, 1, kInt32Max)) {
        target.type = MetricTargetType::kUtilization;
        target.average_utilization = static_cast<int32_t>(*v);
        Record(Join(base, "utilization"), std::to_string(*v), *n);
      }
    }
    if (const Node* n = GetValue(entry, "averageValue")) {
      if (auto q = r_.QuantityValue(*n, /*positive=*/true)) {
        target.type = MetricTargetType::kAverageValue;
        target.average_value = *q;
        Record(Join(base, "averageValue"), q->ToString(), *n);
      }
    }
    if (const Node* n = GetValue(entry, "value")) {
      if (auto q = r_.QuantityValue(*n, /*positive=*/true)) {
        target.type = MetricTargetType::kValue;
        target.value = *q;
        Record(Join(base, "value"), q->ToString(), *n);
      }
    }
  }

  void DecodeMetricDetails(const Node& entry, const std::string& base, MetricSpec& metric) {
    if (const Node* n = GetValue(entry, "container")) {
      if (auto c = r_.Name(*n)) Record(Join(base, "container"), metric.container = *c, *n);
    }
    if (const Node* n = GetValue(entry, "selector")) {
      if (auto s = r_.StringMap(*n)) {
        metric.selector = *s;
        for (const auto& [k, v] : *s) Record(Join(Join(base, "selector"), k), v, *n->Find(k));
      }
    }
    if (const Node* n = GetValue(entry, "describedObject")) {
      if (!r_.ExpectMap(*n)) return;
      r_.CheckKeys(*n, {kObjectKeys});
      std::string* fields[] = {&metric.described_object.api_version, &metric.described_object.kind,
                               &metric.described_object.name};
      for (size_t i = 0; i < 3; ++i) {
        const Node* f = GetValue(*n, kObjectKeys[i]);
        if (f == nullptr) continue;
        if (auto text = r_.String(*f)) {
          *fields[i] = *text;
          Record(Join(Join(base, "describedObject"), kObjectKeys[i]), *text, *f);
        }
      }
    }
  }

  MetricBinding DecodeBinding(const Node& entry, const std::string& base,
                              const MetricDefinition& def) {
    MetricBinding binding{def.name, def.source, def.query, def.window, def.unit};
    if (const Node* n = GetValue(entry, "source")) {
      if (auto s = r_.String(*n)) {
        if (*s == kClusterMetricSource || catalogue_.sources->count(*s) > 0) {
          binding.source = *s;
          Record(Join(base, "source"), *s, *n);
        } else {
          r_.Error(*n, n->Describe(),
                   "a metric source of `metricSources:` (" + JoinKeys(*catalogue_.sources) +
                       ") or cluster");
        }
      }
    } else {
      RecordCatalogue(Join(base, "source"), binding.source, def);
    }
    if (const Node* n = GetValue(entry, "query")) {
      if (auto q = r_.String(*n)) Record(Join(base, "query"), binding.query = *q, *n);
    } else if (!binding.query.empty()) {
      RecordCatalogue(Join(base, "query"), binding.query, def);
    }
    if (const Node* n = GetValue(entry, "window")) {
      if (auto w = r_.DurationIn(*n, std::chrono::seconds(1), std::chrono::hours(24))) {
        binding.window = *w;
        Record(Join(base, "window"), FormatDuration(*w), *n);
      }
    } else {
      RecordCatalogue(Join(base, "window"), FormatDuration(binding.window), def);
    }
    return binding;
  }

  void RecordCatalogue(std::string path, std::string value, const MetricDefinition& def) {
    config().settings.push_back(
        Setting{std::move(path), std::move(value), def.location,
                def.location.is_built_in() ? "" : Join("metrics", def.name)});
  }

  std::optional<HpaBehavior> DecodeBehavior(const Node& node) {
    if (!r_.ExpectMap(node)) return std::nullopt;
    r_.CheckKeys(node, {kBehaviorKeys});
    HpaBehavior behavior;
    if (const Node* n = GetValue(node, "scaleUp")) {
      behavior.scale_up = DecodeRules(*n, "horizontal.behavior.scaleUp");
    }
    if (const Node* n = GetValue(node, "scaleDown")) {
      behavior.scale_down = DecodeRules(*n, "horizontal.behavior.scaleDown");
    }
    return behavior;
  }

  std::optional<ScalingRules> DecodeRules(const Node& node, const std::string& base) {
    if (!r_.ExpectMap(node)) return std::nullopt;
    r_.CheckKeys(node, {kRulesKeys});
    ScalingRules rules;
    if (const Node* n = GetValue(node, "stabilizationWindowSeconds")) {
      if (auto v = r_.Int(*n, 0, kMaxStabilizationWindowSeconds)) {
        rules.stabilization_window_seconds = static_cast<int32_t>(*v);
        Record(Join(base, "stabilizationWindowSeconds"), std::to_string(*v), *n);
      }
    }
    if (const Node* n = GetValue(node, "selectPolicy")) {
      if (auto i = r_.Enum(*n, kSelectPolicies)) {
        rules.select_policy = static_cast<SelectPolicy>(*i);
        Record(Join(base, "selectPolicy"), std::string(kSelectPolicies[*i]), *n);
      }
    }
    if (const Node* n = GetValue(node, "policies")) DecodePolicies(*n, base, rules.policies);
    if (const Node* n = GetValue(node, "tolerance")) {
      if (auto t = r_.Number(*n, 0.0, 1.0)) {
        rules.tolerance = *t;
        Record(Join(base, "tolerance"), n->scalar, *n);
      }
    }
    return rules;
  }

  void DecodePolicies(const Node& node, const std::string& base,
                      std::vector<ScalingPolicy>& policies) {
    if (!node.is_sequence() || node.children.empty()) {
      r_.Error(node, node.is_sequence() ? "an empty list" : node.Describe(),
               "a list of at least one policy ({type, value, periodSeconds}), as Kubernetes "
               "requires");
      return;
    }
    for (size_t i = 0; i < node.children.size(); ++i) {
      const Node& item = node.children[i];
      if (!r_.ExpectMap(item)) continue;
      r_.CheckKeys(item, {kPolicyKeys});
      std::string path = IndexPath(Join(base, "policies"), i);
      if (auto policy = DecodePolicy(item, path)) policies.push_back(*policy);
    }
  }

  std::optional<ScalingPolicy> DecodePolicy(const Node& item, const std::string& path) {
    const Node* type = RequireField(item, "type");
    const Node* value = RequireField(item, "value");
    const Node* period = RequireField(item, "periodSeconds");
    if (type == nullptr || value == nullptr || period == nullptr) return std::nullopt;
    auto t = r_.Enum(*type, kPolicyTypes);
    auto v = r_.Int(*value, 1, kInt32Max);
    auto p = r_.Int(*period, 1, kMaxPeriodSeconds);
    if (!t || !v || !p) return std::nullopt;
    Record(Join(path, "type"), std::string(kPolicyTypes[*t]), *type);
    Record(Join(path, "value"), std::to_string(*v), *value);
    Record(Join(path, "periodSeconds"), std::to_string(*p), *period);
    return ScalingPolicy{static_cast<ScalingPolicyType>(*t), static_cast<int32_t>(*v),
                         static_cast<int32_t>(*p)};
  }

  const Node* RequireField(const Node& map, std::string_view key) {
    const Node* n = GetValue(map, key);
    if (n == nullptr) {
      r_.Error(map, "no \"" + std::string(key) + "\"",
               "a policy with type, value and periodSeconds");
    }
    return n;
  }

  // --- vertical ---------------------------------------------------------------------------

  void DecodeVertical(const Node& root) {
    bool enabled = false;
    const Node* section = Section(root, "vertical", kVerticalKeys, false, enabled);
    if (section == nullptr) return;
    const Node& v = *section;
    VerticalSpec spec;
    if (const Node* n = GetValue(v, "updateMode")) {
      if (auto i = r_.Enum(*n, kUpdateModes)) {
        Record("vertical.updateMode", spec.update_mode = std::string(kUpdateModes[*i]), *n);
      }
    } else if (enabled) {
      RecordDefault("vertical.updateMode", spec.update_mode);
    }
    if (const Node* n = GetValue(v, "containerPolicies")) DecodeContainerPolicies(*n, spec);
    if (enabled) config().vertical = std::move(spec);
  }

  void DecodeContainerPolicies(const Node& node, VerticalSpec& spec) {
    if (!r_.ExpectMap(node)) return;
    for (const Node& entry : node.children) {
      if (entry.is_null()) continue;
      if (entry.key != "*" && !IsDnsLabel(entry.key)) {
        r_.KeyError(entry, "container name \"" + entry.key + "\"",
                    "\"*\" (every container) or a DNS-1123 label");
        continue;
      }
      if (!r_.ExpectMap(entry)) continue;
      spec.container_policies.push_back(DecodeContainerPolicy(entry));
    }
  }

  ContainerResourcePolicy DecodeContainerPolicy(const Node& entry) {
    const std::string base = Join("vertical.containerPolicies", entry.key);
    r_.CheckKeys(entry, {kContainerPolicyKeys});
    out_.entries[base] = Setting{base, entry.key, entry.key_location, entry.path};
    ContainerResourcePolicy policy;
    policy.container_name = entry.key;
    if (const Node* n = GetValue(entry, "mode")) {
      if (auto i = r_.Enum(*n, kContainerModes)) {
        policy.mode = static_cast<ContainerScalingMode>(*i);
        Record(Join(base, "mode"), std::string(kContainerModes[*i]), *n);
      }
    }
    if (const Node* n = GetValue(entry, "minAllowed"))
      policy.min_allowed = DecodeResources(*n, Join(base, "minAllowed"));
    if (const Node* n = GetValue(entry, "maxAllowed"))
      policy.max_allowed = DecodeResources(*n, Join(base, "maxAllowed"));
    if (const Node* n = GetValue(entry, "controlledResources")) DecodeControlled(*n, base, policy);
    if (const Node* n = GetValue(entry, "controlledValues")) {
      if (auto i = r_.Enum(*n, kControlledValues)) {
        policy.controlled_values = static_cast<ControlledValues>(*i);
        Record(Join(base, "controlledValues"), std::string(kControlledValues[*i]), *n);
      }
    }
    return policy;
  }

  std::optional<Resources> DecodeResources(const Node& node, const std::string& base) {
    if (!r_.ExpectMap(node)) return std::nullopt;
    r_.CheckKeys(node, {kResourceNames});
    Resources resources;
    if (const Node* n = GetValue(node, "cpu")) {
      if (auto millis = r_.CpuMillis(*n, /*positive=*/false)) {
        resources.cpu_millis = *millis;
        Record(Join(base, "cpu"), Quantity::FromMilli(*millis).ToString(), *n);
      }
    }
    if (const Node* n = GetValue(node, "memory")) {
      if (auto bytes = r_.MemoryBytes(*n, /*positive=*/false)) {
        resources.memory_bytes = *bytes;
        Record(Join(base, "memory"), n->scalar, *n);
      }
    }
    return resources;
  }

  void DecodeControlled(const Node& node, const std::string& base,
                        ContainerResourcePolicy& policy) {
    auto names = r_.StringList(node);
    if (!names) return;
    for (size_t i = 0; i < names->size(); ++i) {
      if (std::find(std::begin(kResourceNames), std::end(kResourceNames), (*names)[i]) ==
          std::end(kResourceNames)) {
        r_.Error(node.children[i], node.children[i].Describe(), "cpu or memory");
        return;
      }
    }
    policy.controlled_resources = *names;
    Record(Join(base, "controlledResources"), ListText(*names), node);
  }

  const Catalogue& catalogue_;
  FieldReader& r_;
  DecodedSettings out_;
  const Node empty_ = MakeMap(Location::BuiltIn(), "");
};

}  // namespace

KeyList SettingsKeys() { return kSettingsKeys; }

DecodedSettings DecodeSettings(const Node& root, KeyList layer_keys, const Catalogue& catalogue,
                               FieldReader& reader) {
  return SettingsDecoder(catalogue, reader).Decode(root, layer_keys);
}

std::map<std::string, MetricDefinition> BuiltInMetrics() {
  std::map<std::string, MetricDefinition> metrics;
  for (std::string_view name : kResourceNames) {
    MetricDefinition def;
    def.name = std::string(name);
    def.type = MetricSourceType::kResource;
    def.source = std::string(kClusterMetricSource);
    def.unit = name == "cpu" ? "millicores" : "bytes";
    def.description = name == "cpu" ? "CPU usage of the pods, against their requests"
                                    : "memory working set of the pods, against their requests";
    def.location = Location::BuiltIn();
    metrics[def.name] = def;
  }
  return metrics;
}

}  // namespace crescendo::config
