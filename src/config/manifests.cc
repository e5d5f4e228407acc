#include "config/manifests.h"

#include <algorithm>
#include <optional>
#include <string>

#include "config/reader.h"
#include "crescendo/format/vpa_object.h"

namespace crescendo::config {

namespace {

constexpr std::string_view kManifestKeys[] = {"apiVersion", "kind", "metadata", "spec"};
constexpr std::string_view kMetadataKeys[] = {"name", "namespace", "labels", "annotations"};
constexpr std::string_view kHpaSpecKeys[] = {"scaleTargetRef", "minReplicas", "maxReplicas",
                                             "metrics", "behavior"};
constexpr std::string_view kTargetRefKeys[] = {"apiVersion", "kind", "name"};
constexpr std::string_view kTargetKinds[] = {"Deployment", "StatefulSet", "ReplicaSet"};
constexpr std::string_view kMetricTypes[] = {"Resource", "ContainerResource", "Pods", "Object",
                                             "External"};
constexpr std::string_view kMetricFields[] = {"resource", "containerResource", "pods", "object",
                                              "external"};
constexpr std::string_view kTargetTypes[] = {"Utilization", "Value", "AverageValue"};
constexpr std::string_view kTargetFields[] = {"averageUtilization", "value", "averageValue"};
constexpr std::string_view kCrescendoTargets[] = {"utilization", "value", "averageValue"};
constexpr std::string_view kIdentifierKeys[] = {"name", "selector"};
constexpr std::string_view kTenantLabel = "crescendo.io/tenant";
constexpr std::string_view kEnvironmentsAnnotation = "crescendo.io/environments";

bool Contains(KeyList keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item =
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return items;
}

// Puts `value` under `key` of `map`, keeping value's own location and giving the key `at`.
void Put(Node& map, std::string_view key, Node value, const Location& at) {
  value.key_location = at;
  map.Set(key, std::move(value));
}

Node& MapUnder(Node& map, std::string_view key, const Node& at) {
  if (Node* existing = map.FindMutable(key); existing != nullptr && existing->is_map()) {
    return *existing;
  }
  Put(map, key, MakeMap(at.location, at.path), at.location);
  return *map.FindMutable(key);
}

class Converter {
 public:
  explicit Converter(DiagnosticList& diagnostics) : d_(diagnostics), r_(diagnostics) {}

  void Add(const Node& manifest) {
    const Node* kind = GetValue(manifest, "kind");
    const Node* api = GetValue(manifest, "apiVersion");
    auto kind_text = kind != nullptr ? r_.String(*kind) : std::nullopt;
    auto api_text = api != nullptr ? r_.String(*api) : std::nullopt;
    if (!kind_text || !api_text) return;
    if (*kind_text == "HorizontalPodAutoscaler") {
      if (CheckApi(*api, *api_text, "autoscaling/v2")) AddHpa(manifest, *kind);
    } else if (*kind_text == "VerticalPodAutoscaler") {
      if (CheckApi(*api, *api_text, "autoscaling.k8s.io/v1")) AddVpa(manifest, *kind);
    } else {
      d_.AddWarning(kind->location, kind->path, "kind " + *kind_text,
                    "HorizontalPodAutoscaler or VerticalPodAutoscaler; the document is ignored");
    }
  }

  // Returns the services; a target without an HPA is not scaled horizontally, one without a
  // VPA not vertically, whatever the defaults say.
  std::vector<Node> Take() {
    std::vector<Node> services;
    for (Target& target : targets_) {
      if (!target.hpa) Disable(target.service, "horizontal", *target.vpa);
      if (!target.vpa) Disable(target.service, "vertical", *target.hpa);
      services.push_back(std::move(target.service));
    }
    return services;
  }

 private:
  struct Target {
    std::string ns;
    Node service;
    std::optional<Location> hpa;
    std::optional<Location> vpa;
  };

  static void Disable(Node& service, std::string_view key, const Location& at) {
    Node section = MakeMap(at, JoinPath(service.path, key));
    Put(section, "enabled", MakeScalar("false", at, JoinPath(section.path, "enabled")), at);
    Put(service, key, std::move(section), at);
  }

  bool CheckApi(const Node& api, const std::string& text, std::string_view expected) {
    if (text == expected) return true;
    r_.Error(api, api.Describe(),
             std::string(expected) +
                 " (convert older versions first, e.g. "
                 "with kubectl convert)");
    return false;
  }

  void Unsupported(const Node& entry, std::string_view note) {
    d_.AddWarning(entry.key_location, entry.path, "unsupported field \"" + entry.key + "\"",
                  std::string(note) + "; the field is ignored");
  }

  void WarnUnknown(const Node& map, KeyList supported, std::string_view note) {
    if (!map.is_map()) return;
    for (const Node& entry : map.children) {
      if (!Contains(supported, entry.key)) Unsupported(entry, note);
    }
  }

  const Node* Require(const Node& map, std::string_view key, std::string expected) {
    const Node* node = GetValue(map, key);
    if (node == nullptr) r_.Error(map, "no \"" + std::string(key) + "\"", std::move(expected));
    return node;
  }

  // Returns the service of the manifest's scale target, creating it on first use.
  Target* TargetOf(const Node& manifest, const Node& ref) {
    if (!r_.ExpectMap(ref)) return nullptr;
    WarnUnknown(ref, kTargetRefKeys, "apiVersion, kind and name");
    const Node* name = Require(ref, "name", "the name of the scaled workload");
    const Node* kind = Require(ref, "kind", "Deployment, StatefulSet or ReplicaSet");
    if (name == nullptr || kind == nullptr) return nullptr;
    auto workload = r_.Name(*name);
    auto kind_index = r_.Enum(*kind, kTargetKinds);
    if (!workload || !kind_index) return nullptr;
    const Node* metadata = GetValue(manifest, "metadata");
    const Node* ns_node = metadata != nullptr ? GetValue(*metadata, "namespace") : nullptr;
    std::string ns = ns_node != nullptr && ns_node->is_scalar() ? ns_node->scalar : "default";
    for (Target& target : targets_) {
      if (target.service.key != *workload) continue;
      if (target.ns == ns) return &target;
      r_.Error(*name, name->Describe() + " in namespace " + ns + " and in namespace " + target.ns,
               "one workload name per import (services are named after their workload; "
               "import each namespace separately)");
      return nullptr;
    }
    targets_.push_back(NewTarget(manifest, *name, *kind, ns_node, ns));
    return &targets_.back();
  }

  Target NewTarget(const Node& manifest, const Node& name, const Node& kind, const Node* ns_node,
                   const std::string& ns) {
    Target target{ns, MakeMap(manifest.location, JoinPath("services", name.scalar)), {}, {}};
    Node& service = target.service;
    service.key = name.scalar;
    service.key_location = manifest.location;
    Put(service, "workload", name, name.location);
    Put(service, "workloadKind", kind, kind.location);
    Put(service, "namespace",
        ns_node != nullptr ? *ns_node : MakeScalar(ns, manifest.location, manifest.path),
        manifest.location);
    AddMetadata(manifest, service);
    return target;
  }

  void AddMetadata(const Node& manifest, Node& service) {
    const Node* metadata = GetValue(manifest, "metadata");
    if (metadata == nullptr || !r_.ExpectMap(*metadata)) return;
    WarnUnknown(*metadata, kMetadataKeys, "name, namespace, labels and annotations");
    if (const Node* labels = GetValue(*metadata, "labels"); labels != nullptr && labels->is_map()) {
      if (const Node* tenant = GetValue(*labels, kTenantLabel)) {
        Put(service, "tenant", *tenant, tenant->key_location);
      }
      Node copied = *labels;
      copied.Erase(kTenantLabel);
      if (!copied.children.empty()) Put(service, "labels", copied, labels->key_location);
    }
    const Node* annotations = GetValue(*metadata, "annotations");
    const Node* envs =
        annotations != nullptr ? GetValue(*annotations, kEnvironmentsAnnotation) : nullptr;
    if (envs != nullptr && envs->is_scalar()) {
      Node list;
      list.kind = Node::Kind::kSequence;
      list.location = envs->location;
      list.path = envs->path;
      for (std::string& env : SplitList(envs->scalar)) {
        list.children.push_back(MakeScalar(env, envs->location, envs->path));
      }
      Put(service, "environments", list, envs->key_location);
    }
  }

  // --- HorizontalPodAutoscaler ------------------------------------------------------------

  // What differs between the HPA and the VPA up to their scale target.
  struct Shape {
    std::string_view kind;
    KeyList spec_keys;
    std::string_view spec_note;
    std::string_view ref_key;
    std::optional<Location> Target::*claimed;
  };

  // Checks the manifest's top level and spec, and claims its scale target for `shape`; returns
  // null (after reporting) when the manifest cannot be used.
  Target* Claim(const Node& manifest, const Node& kind, const Shape& shape, const Node*& spec) {
    WarnUnknown(manifest, kManifestKeys,
                "apiVersion, kind, metadata and spec (status is "
                "observed, not configured)");
    spec = Require(manifest, "spec", "the " + std::string(shape.kind) + "'s spec");
    if (spec == nullptr || !r_.ExpectMap(*spec)) return nullptr;
    if (!shape.spec_keys.empty()) WarnUnknown(*spec, shape.spec_keys, shape.spec_note);
    const Node* ref = Require(*spec, shape.ref_key, "the workload to scale");
    Target* target = ref != nullptr ? TargetOf(manifest, *ref) : nullptr;
    if (target == nullptr) return nullptr;
    std::optional<Location>& claimed = target->*shape.claimed;
    if (claimed) {
      r_.Error(kind,
               "a second " + std::string(shape.kind) + " for " + target->service.key +
                   " (first at " + claimed->ToString() + ")",
               "one " + std::string(shape.kind) + " per workload");
      return nullptr;
    }
    claimed = kind.location;
    return target;
  }

  void AddHpa(const Node& manifest, const Node& kind) {
    const Node* spec = nullptr;
    Target* target = Claim(manifest, kind,
                           Shape{"HorizontalPodAutoscaler", kHpaSpecKeys,
                                 "scaleTargetRef, minReplicas, maxReplicas, metrics and behavior",
                                 "scaleTargetRef", &Target::hpa},
                           spec);
    if (target == nullptr) return;
    Node& horizontal = MapUnder(target->service, "horizontal", *spec);
    if (const Node* n = GetValue(*spec, "minReplicas"))
      Put(horizontal, "minReplicas", *n, n->key_location);
    if (const Node* n = Require(*spec, "maxReplicas", "the upper bound of replicas")) {
      Put(horizontal, "maxReplicas", *n, n->key_location);
    }
    if (const Node* n = GetValue(*spec, "metrics")) AddMetrics(*n, horizontal);
    if (const Node* n = GetValue(*spec, "behavior"))
      Put(horizontal, "behavior", *n, n->key_location);
  }

  void AddMetrics(const Node& list, Node& horizontal) {
    if (!list.is_sequence()) {
      r_.Error(list, list.Describe(), "a list of metrics");
      return;
    }
    Node& metrics = MapUnder(horizontal, "metrics", list);
    for (const Node& item : list.children) {
      if (!r_.ExpectMap(item)) continue;
      const Node* type = Require(item, "type", "one of " + JoinNames(kMetricTypes));
      auto index = type != nullptr ? r_.Enum(*type, kMetricTypes) : std::nullopt;
      if (!index) continue;
      std::string_view field = kMetricFields[*index];
      std::string_view supported[] = {"type", field};
      WarnUnknown(item, supported, "type and " + std::string(field));
      const Node* source = Require(item, field, "the " + std::string(field) + " of the metric");
      if (source == nullptr || !r_.ExpectMap(*source)) continue;
      Node out = MakeMap(item.location, item.path);
      Put(out, "type", *type, type->key_location);
      std::optional<std::string> name = AddMetricSource(*index, *source, out);
      if (!name) continue;
      if (const Node* existing = metrics.Find(*name)) {
        r_.Error(item,
                 "a second metric named \"" + *name + "\" (first at " +
                     existing->location.ToString() + ")",
                 "one metric per name (Crescendo keys metrics by name)");
        continue;
      }
      out.key_location = item.location;
      metrics.Set(*name, std::move(out));
    }
  }

  // Fills `out` from the type-specific part; returns the metric's name.
  std::optional<std::string> AddMetricSource(size_t type, const Node& source, Node& out) {
    bool resource = type <= 1;
    if (resource) {
      std::vector<std::string_view> keys = {"name", "target"};
      if (type == 1) keys.push_back("container");
      WarnUnknown(source, keys, "name, target" + std::string(type == 1 ? " and container" : ""));
      if (type == 1) {
        if (const Node* c = Require(source, "container", "the container")) {
          Put(out, "container", *c, c->key_location);
        }
      }
    } else {
      std::vector<std::string_view> keys = {"metric", "target"};
      if (type == 3) keys.push_back("describedObject");
      WarnUnknown(source, keys,
                  "metric, target" + std::string(type == 3 ? " and describedObject" : ""));
      if (type == 3) {
        if (const Node* o = Require(source, "describedObject", "the object the metric describes")) {
          Put(out, "describedObject", *o, o->key_location);
        }
      }
    }
    const Node* identifier = resource ? &source : Require(source, "metric", "{name, selector}");
    if (identifier == nullptr || !r_.ExpectMap(*identifier)) return std::nullopt;
    if (!resource) {
      WarnUnknown(*identifier, kIdentifierKeys, "name and selector");
      AddSelector(*identifier, out);
    }
    const Node* name = Require(*identifier, "name", "the metric's name");
    const Node* target =
        Require(source, "target", "{type, averageUtilization | averageValue | value}");
    if (name == nullptr || target == nullptr || !AddTarget(*target, out)) return std::nullopt;
    return r_.String(*name);
  }

  void AddSelector(const Node& identifier, Node& out) {
    const Node* selector = GetValue(identifier, "selector");
    if (selector == nullptr || !r_.ExpectMap(*selector)) return;
    std::string_view supported[] = {"matchLabels"};
    WarnUnknown(*selector, supported, "matchLabels (matchExpressions are not supported)");
    if (const Node* labels = GetValue(*selector, "matchLabels")) {
      Put(out, "selector", *labels, labels->key_location);
    }
  }

  // Returns whether the target converted; a metric without one is dropped (already reported).
  bool AddTarget(const Node& target, Node& out) {
    if (!r_.ExpectMap(target)) return false;
    const Node* type = Require(target, "type", "Utilization, Value or AverageValue");
    auto index = type != nullptr ? r_.Enum(*type, kTargetTypes) : std::nullopt;
    if (!index) return false;
    std::string_view field = kTargetFields[*index];
    std::string_view supported[] = {"type", field};
    WarnUnknown(target, supported,
                "type and " + std::string(field) + " for a " + std::string(kTargetTypes[*index]) +
                    " target");
    const Node* value = Require(target, field, "the target's " + std::string(field));
    if (value == nullptr) return false;
    Put(out, kCrescendoTargets[*index], *value, value->key_location);
    return true;
  }

  // --- VerticalPodAutoscaler --------------------------------------------------------------

  // The VPA's spec is read by the one VPA decoder (format::DecodeVpaSpec, which vertical's
  // ParseVpaManifest uses too): its problems become diagnostics (unsupported fields warnings)
  // and its well-formed fields are copied with their locations.
  void AddVpa(const Node& manifest, const Node& kind) {
    const Node* spec = nullptr;
    Target* target = Claim(manifest, kind,
                           Shape{"VerticalPodAutoscaler", {}, "", "targetRef", &Target::vpa}, spec);
    if (target == nullptr) return;
    std::vector<format::VpaProblem> problems;
    const format::VpaSpec vpa = format::DecodeVpaSpec(*spec, problems);
    for (const format::VpaProblem& p : problems) {
      const format::YamlProblem& y = p.problem;
      if (p.unsupported) {
        d_.AddWarning(y.location, y.path, y.found, y.expected);
      } else {
        d_.AddError(y.location, y.path, y.found, y.expected);
      }
    }
    Node& vertical = MapUnder(target->service, "vertical", *spec);
    Put(vertical, "enabled", MakeScalar("true", kind.location, kind.path), kind.location);
    if (const Node* mode = vpa.update_mode.node) {
      Put(vertical, "updateMode", *mode, mode->key_location);
    }
    if (vpa.container_policies != nullptr) AddContainerPolicies(vpa, vertical);
  }

  void AddContainerPolicies(const format::VpaSpec& vpa, Node& vertical) {
    Node& policies = MapUnder(vertical, "containerPolicies", *vpa.container_policies);
    for (const format::VpaContainerPolicy& policy : vpa.policies) {
      Node out = MakeMap(policy.node->location, policy.node->path);
      for (const Node* n : {policy.mode_off.node, policy.min_allowed.node, policy.max_allowed.node,
                            policy.controlled_resources.node, policy.requests_only.node}) {
        if (n != nullptr) Put(out, n->key, *n, n->key_location);
      }
      out.key_location = policy.container_name.node->location;
      policies.Set(policy.container_name.value, std::move(out));
    }
  }

  DiagnosticList& d_;
  FieldReader r_;
  std::vector<Target> targets_;
};

}  // namespace

std::vector<Node> ConvertManifests(std::span<const Node* const> manifests,
                                   DiagnosticList& diagnostics) {
  Converter converter(diagnostics);
  for (const Node* manifest : manifests) converter.Add(*manifest);
  return converter.Take();
}

}  // namespace crescendo::config
