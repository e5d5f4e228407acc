#include "config/manifests.h"

#include <algorithm>
#include <optional>
#include <string>

#include "config/reader.h"
#include "crescendo/format/hpa_object.h"
#include "crescendo/format/vpa_object.h"

namespace crescendo::config {

namespace {

constexpr std::string_view kManifestKeys[] = {"apiVersion", "kind", "metadata", "spec"};
constexpr std::string_view kMetadataKeys[] = {"name", "namespace", "labels", "annotations"};
constexpr std::string_view kTargetRefKeys[] = {"apiVersion", "kind", "name"};
constexpr std::string_view kTargetKinds[] = {"Deployment", "StatefulSet", "ReplicaSet"};
constexpr std::string_view kCrescendoTargets[] = {"utilization", "value", "averageValue"};
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

  static bool IsUnsupported(const format::HpaProblem& p) { return p.unsupported(); }
  static bool IsUnsupported(const format::VpaProblem& p) { return p.unsupported; }

  // Reports the one decoder's problems: an unsupported field is a warning, the rest errors.
  template <typename Problem>
  void Report(const std::vector<Problem>& problems) {
    for (const Problem& p : problems) {
      const format::YamlProblem& y = p.problem;
      if (IsUnsupported(p)) {
        d_.AddWarning(y.location, y.path, y.found, y.expected);
      } else {
        d_.AddError(y.location, y.path, y.found, y.expected);
      }
    }
  }

  // The HPA's spec is read by the one HPA decoder (format::DecodeHpaSpec, which hpa::DecodeHpa
  // uses too for state files and the Kubernetes backend): its problems become diagnostics and
  // its well-formed fields are copied with their locations.
  void AddHpa(const Node& manifest, const Node& kind) {
    const Node* spec = nullptr;
    Target* target =
        Claim(manifest, kind,
              Shape{"HorizontalPodAutoscaler", {}, "", "scaleTargetRef", &Target::hpa}, spec);
    if (target == nullptr) return;
    std::vector<format::HpaProblem> problems;
    const format::HpaSpec hpa = format::DecodeHpaSpec(*spec, problems);
    Report(problems);
    Node& horizontal = MapUnder(target->service, "horizontal", *spec);
    for (const Node* n : {hpa.min_replicas.node, hpa.max_replicas.node}) {
      if (n != nullptr) Put(horizontal, n->key, *n, n->key_location);
    }
    if (hpa.metrics_node != nullptr) AddMetrics(hpa, horizontal);
    if (hpa.behavior != nullptr) AddBehavior(hpa, horizontal);
  }

  void AddMetrics(const format::HpaSpec& hpa, Node& horizontal) {
    Node& metrics = MapUnder(horizontal, "metrics", *hpa.metrics_node);
    for (const format::HpaMetric& metric : hpa.metrics) {
      const Node& item = *metric.node;
      if (const Node* existing = metrics.Find(metric.name.value)) {
        r_.Error(item,
                 "a second metric named \"" + metric.name.value + "\" (first at " +
                     existing->location.ToString() + ")",
                 "one metric per name (Crescendo keys metrics by name)");
        continue;
      }
      Node out = MakeMap(item.location, item.path);
      const format::HpaTarget& t = metric.target;
      const Node* value = t.type.value == format::HpaTargetType::kUtilization
                              ? t.average_utilization.node
                          : t.type.value == format::HpaTargetType::kValue ? t.value.node
                                                                          : t.average_value.node;
      for (const Node* n : {metric.type.node, metric.container.node, metric.described_object}) {
        if (n != nullptr) Put(out, n->key, *n, n->key_location);
      }
      if (const Node* labels = metric.match_labels.node) {
        Put(out, "selector", *labels, labels->key_location);
      }
      Put(out, kCrescendoTargets[static_cast<size_t>(t.type.value)], *value, value->key_location);
      out.key_location = item.location;
      metrics.Set(metric.name.value, std::move(out));
    }
  }

  // Copies the behavior's well-formed fields (Crescendo's behavior has Kubernetes' shape).
  void AddBehavior(const format::HpaSpec& hpa, Node& horizontal) {
    const Node& behavior = *hpa.behavior;
    Node out = MakeMap(behavior.location, behavior.path);
    for (const std::optional<format::HpaRules>* rules : {&hpa.scale_up, &hpa.scale_down}) {
      if (!rules->has_value()) continue;
      const format::HpaRules& r = **rules;
      Node copy = MakeMap(r.node->location, r.node->path);
      for (const Node* n :
           {r.stabilization_window_seconds.node, r.select_policy.node, r.tolerance.node}) {
        if (n != nullptr) Put(copy, n->key, *n, n->key_location);
      }
      if (const Node* list = r.policies_node) {
        Node policies = *list;
        policies.children.clear();
        for (const format::HpaPolicy& policy : r.policies) {
          Node item = MakeMap(policy.node->location, policy.node->path);
          for (std::string_view key : {"type", "value", "periodSeconds"}) {
            const Node* n = policy.node->Find(key);
            Put(item, key, *n, n->key_location);
          }
          policies.children.push_back(std::move(item));
        }
        Put(copy, "policies", std::move(policies), list->key_location);
      }
      Put(out, r.node->key, std::move(copy), r.node->key_location);
    }
    Put(horizontal, "behavior", std::move(out), behavior.key_location);
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
    Report(problems);
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
