#include "crescendo/vertical/vpa_manifest.h"

#include <yaml-cpp/yaml.h>

#include <string>

#include "crescendo/base/quantity.h"

namespace crescendo::vertical {
namespace {

struct Ctx {
  std::string_view source;
  Status Error(const YAML::Node& node, const std::string& field, const std::string& what) const {
    return InvalidArgumentError(std::string(source) + ":" + std::to_string(node.Mark().line + 1) +
                                ": " + field + ": " + what);
  }
};

std::string Text(const YAML::Node& node) {
  return node.IsScalar() ? "\"" + node.Scalar() + "\""
                         : "a " + std::string(node.IsMap() ? "map" : "list");
}

StatusOr<Resources> ParseResources(const YAML::Node& node, const std::string& field,
                                   const Ctx& ctx) {
  if (!node.IsMap())
    return ctx.Error(node, field, "found " + Text(node) + ", expected a map of cpu/memory");
  Resources r;
  for (const auto& entry : node) {
    const std::string name = entry.first.as<std::string>();
    const std::string f = field + "." + name;
    if (!entry.second.IsScalar()) return ctx.Error(entry.second, f, "expected a quantity");
    auto q = Quantity::Parse(entry.second.Scalar());
    if (!q.ok()) return ctx.Error(entry.second, f, q.status().message());
    if (name == "cpu") {
      r.cpu_millis = q->MilliValue();
    } else if (name == "memory") {
      r.memory_bytes = q->Value();
    } else {
      return ctx.Error(entry.first, f, "unknown resource, expected cpu or memory");
    }
  }
  return r;
}

StatusOr<ContainerResourcePolicy> ParsePolicy(const YAML::Node& node, const std::string& field,
                                              const Ctx& ctx) {
  if (!node.IsMap()) return ctx.Error(node, field, "found " + Text(node) + ", expected a map");
  ContainerResourcePolicy p;
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    const std::string f = field + "." + key;
    const YAML::Node& v = entry.second;
    if (key == "containerName") {
      p.container_name = v.as<std::string>();
    } else if (key == "mode") {
      const std::string mode = v.as<std::string>();
      if (mode != "Auto" && mode != "Off")
        return ctx.Error(v, f, "found " + Text(v) + ", expected Auto or Off");
      p.mode = mode == "Off" ? ContainerScalingMode::kOff : ContainerScalingMode::kAuto;
    } else if (key == "minAllowed" || key == "maxAllowed") {
      CRESCENDO_ASSIGN_OR_RETURN(Resources r, ParseResources(v, f, ctx));
      (key == "minAllowed" ? p.min_allowed : p.max_allowed) = r;
    } else if (key == "controlledResources") {
      if (!v.IsSequence()) return ctx.Error(v, f, "found " + Text(v) + ", expected a list");
      p.controlled_resources.clear();
      for (const auto& item : v) {
        const std::string name = item.as<std::string>();
        if (name != "cpu" && name != "memory") {
          return ctx.Error(item, f, "found " + Text(item) + ", expected cpu or memory");
        }
        p.controlled_resources.push_back(name);
      }
    } else if (key == "controlledValues") {
      const std::string cv = v.as<std::string>();
      if (cv != "RequestsAndLimits" && cv != "RequestsOnly") {
        return ctx.Error(v, f, "found " + Text(v) + ", expected RequestsAndLimits or RequestsOnly");
      }
      p.controlled_values = cv == "RequestsOnly" ? ControlledValues::kRequestsOnly
                                                 : ControlledValues::kRequestsAndLimits;
    } else {
      return ctx.Error(entry.first, f, "unknown field");
    }
  }
  return p;
}

StatusOr<VerticalSpec> ParseDocument(const YAML::Node& root, const Ctx& ctx) {
  VerticalSpec spec;
  YAML::Node policies;
  std::string field = "containerPolicies";
  if (root["spec"]) {
    if (root["kind"] && root["kind"].as<std::string>() != "VerticalPodAutoscaler") {
      return ctx.Error(root["kind"], "kind",
                       "found " + Text(root["kind"]) + ", expected VerticalPodAutoscaler");
    }
    const YAML::Node spec_node = root["spec"];
    if (spec_node["updatePolicy"] && spec_node["updatePolicy"]["updateMode"]) {
      spec.update_mode = spec_node["updatePolicy"]["updateMode"].as<std::string>();
    }
    if (spec_node["resourcePolicy"]) policies = spec_node["resourcePolicy"]["containerPolicies"];
    field = "spec.resourcePolicy.containerPolicies";
  } else if (root["resourcePolicy"]) {
    policies = root["resourcePolicy"]["containerPolicies"];
    field = "resourcePolicy.containerPolicies";
  } else if (root["containerPolicies"]) {
    policies = root["containerPolicies"];
  } else {
    return ctx.Error(root, "document",
                     "expected a VerticalPodAutoscaler, resourcePolicy or containerPolicies");
  }
  if (!policies) return spec;
  if (!policies.IsSequence()) return ctx.Error(policies, field, "expected a list");
  for (size_t i = 0; i < policies.size(); ++i) {
    CRESCENDO_ASSIGN_OR_RETURN(
        ContainerResourcePolicy p,
        ParsePolicy(policies[i], field + "[" + std::to_string(i) + "]", ctx));
    spec.container_policies.push_back(std::move(p));
  }
  return spec;
}

}  // namespace

StatusOr<VerticalSpec> ParseVpaManifest(std::string_view text, std::string_view source) {
  Ctx ctx{source};
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) {
      return InvalidArgumentError(std::string(source) +
                                  ": expected a VerticalPodAutoscaler document");
    }
    return ParseDocument(root, ctx);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ": " +
                                e.msg);
  }
}

}  // namespace crescendo::vertical
