#include "crescendo/vertical/vpa_manifest.h"

#include <string>

#include "crescendo/base/quantity.h"
#include "crescendo/format/yaml.h"

namespace crescendo::vertical {
namespace {

using format::YamlNode;

// Every error is format's one located form: "FILE:LINE:COLUMN: FIELD: found X, expected Y".
Status Error(const YamlNode& node, const std::string& field, const std::string& expected) {
  return format::LocatedError(node.location, field, node.Describe(), expected);
}

Status UnknownKey(const YamlNode& entry, const std::string& field, const std::string& expected) {
  return format::LocatedError(entry.key_location, field, "unknown field \"" + entry.key + "\"",
                              expected);
}

StatusOr<Resources> ParseResources(const YamlNode& node, const std::string& field) {
  if (!node.is_map()) return Error(node, field, "a map of cpu/memory");
  Resources r;
  for (const YamlNode& entry : node.children) {
    const std::string f = field + "." + entry.key;
    if (entry.key != "cpu" && entry.key != "memory") {
      return format::LocatedError(entry.key_location, f, "unknown resource \"" + entry.key + "\"",
                                  "cpu or memory");
    }
    auto q = entry.is_scalar() ? Quantity::Parse(entry.scalar) : InvalidArgumentError("");
    if (!q.ok()) return Error(entry, f, "a Kubernetes quantity such as \"500m\" or \"512Mi\"");
    if (entry.key == "cpu") {
      r.cpu_millis = q->MilliValue();
    } else {
      r.memory_bytes = q->Value();
    }
  }
  return r;
}

// Returns the scalar `node` when it is one of `allowed`, else the error naming them.
StatusOr<std::string> OneOf(const YamlNode& node, const std::string& field,
                            std::initializer_list<std::string_view> allowed) {
  std::string list;
  for (std::string_view a : allowed) {
    if (node.is_scalar() && node.scalar == a) return node.scalar;
    list += (list.empty() ? "" : " or ") + std::string(a);
  }
  return Error(node, field, list);
}

StatusOr<ContainerResourcePolicy> ParsePolicy(const YamlNode& node, const std::string& field) {
  if (!node.is_map()) return Error(node, field, "a map");
  ContainerResourcePolicy p;
  for (const YamlNode& v : node.children) {
    const std::string& key = v.key;
    const std::string f = field + "." + key;
    if (key == "containerName") {
      if (!v.is_scalar()) return Error(v, f, "a container name");
      p.container_name = v.scalar;
    } else if (key == "mode") {
      CRESCENDO_ASSIGN_OR_RETURN(std::string mode, OneOf(v, f, {"Auto", "Off"}));
      p.mode = mode == "Off" ? ContainerScalingMode::kOff : ContainerScalingMode::kAuto;
    } else if (key == "minAllowed" || key == "maxAllowed") {
      CRESCENDO_ASSIGN_OR_RETURN(Resources r, ParseResources(v, f));
      (key == "minAllowed" ? p.min_allowed : p.max_allowed) = r;
    } else if (key == "controlledResources") {
      if (!v.is_sequence()) return Error(v, f, "a list");
      p.controlled_resources.clear();
      for (const YamlNode& item : v.children) {
        CRESCENDO_ASSIGN_OR_RETURN(std::string name, OneOf(item, f, {"cpu", "memory"}));
        p.controlled_resources.push_back(name);
      }
    } else if (key == "controlledValues") {
      CRESCENDO_ASSIGN_OR_RETURN(std::string cv,
                                 OneOf(v, f, {"RequestsAndLimits", "RequestsOnly"}));
      p.controlled_values = cv == "RequestsOnly" ? ControlledValues::kRequestsOnly
                                                 : ControlledValues::kRequestsAndLimits;
    } else {
      return UnknownKey(v, f,
                        "containerName, mode, minAllowed, maxAllowed, controlledResources or "
                        "controlledValues");
    }
  }
  return p;
}

StatusOr<VerticalSpec> ParseDocument(const YamlNode& root) {
  VerticalSpec spec;
  const YamlNode* policies = &YamlNode::Missing();
  std::string field = "containerPolicies";
  if (root["spec"].present()) {
    const YamlNode& kind = root["kind"];
    if (kind.present() && !(kind.is_scalar() && kind.scalar == "VerticalPodAutoscaler")) {
      return Error(kind, "kind", "VerticalPodAutoscaler");
    }
    const YamlNode& spec_node = root["spec"];
    const YamlNode& mode = spec_node["updatePolicy"]["updateMode"];
    if (mode.present()) {
      if (!mode.is_scalar()) return Error(mode, "spec.updatePolicy.updateMode", "an update mode");
      spec.update_mode = mode.scalar;
    }
    policies = &spec_node["resourcePolicy"]["containerPolicies"];
    field = "spec.resourcePolicy.containerPolicies";
  } else if (root["resourcePolicy"].present()) {
    policies = &root["resourcePolicy"]["containerPolicies"];
    field = "resourcePolicy.containerPolicies";
  } else if (root["containerPolicies"].present()) {
    policies = &root["containerPolicies"];
  } else {
    return format::LocatedError(root.location, "",
                                "a map without spec, resourcePolicy or "
                                "containerPolicies",
                                "a VerticalPodAutoscaler, resourcePolicy or containerPolicies");
  }
  if (!policies->present() || policies->is_null()) return spec;
  if (!policies->is_sequence()) return Error(*policies, field, "a list");
  for (size_t i = 0; i < policies->children.size(); ++i) {
    CRESCENDO_ASSIGN_OR_RETURN(
        ContainerResourcePolicy p,
        ParsePolicy(policies->children[i], field + "[" + std::to_string(i) + "]"));
    spec.container_policies.push_back(std::move(p));
  }
  return spec;
}

}  // namespace

StatusOr<VerticalSpec> ParseVpaManifest(std::string_view text, std::string_view source) {
  CRESCENDO_ASSIGN_OR_RETURN(format::YamlNode root,
                             format::ParseYamlDocument(text, std::string(source)));
  if (!root.is_map()) return Error(root, "", "a VerticalPodAutoscaler document (a map)");
  return ParseDocument(root);
}

}  // namespace crescendo::vertical
