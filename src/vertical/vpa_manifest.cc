#include "crescendo/vertical/vpa_manifest.h"

#include <string>
#include <vector>

#include "crescendo/format/vpa_object.h"
#include "crescendo/format/yaml.h"

namespace crescendo::vertical {
namespace {

using format::YamlNode;

// The first problem the decoder found, as a Status. Unsupported fields are ignored, except in a
// container policy: there a misspelt bound (minAlowed) must not silently leave the pod unbounded.
Status FirstError(const std::vector<format::VpaProblem>& problems) {
  for (const format::VpaProblem& p : problems) {
    if (!p.unsupported) {
      return format::LocatedError(p.problem.location, p.problem.path, p.problem.found,
                                  p.problem.expected);
    }
    if (p.in_container_policy) {
      return format::LocatedError(p.problem.location, p.problem.path,
                                  "unknown field \"" + p.key + "\"",
                                  "containerName, mode, minAllowed, maxAllowed, "
                                  "controlledResources or controlledValues");
    }
  }
  return Status::Ok();
}

Resources ToResources(const format::VpaResources& r) {
  return Resources{r.cpu_millis.value_or(0), r.memory_bytes.value_or(0)};
}

VerticalSpec ToSpec(const format::VpaSpec& vpa) {
  VerticalSpec spec;
  if (vpa.update_mode.present()) spec.update_mode = vpa.update_mode.value;
  for (const format::VpaContainerPolicy& in : vpa.policies) {
    ContainerResourcePolicy p;
    p.container_name = in.container_name.value;
    if (in.mode_off.present() && in.mode_off.value) p.mode = ContainerScalingMode::kOff;
    if (in.min_allowed.present()) p.min_allowed = ToResources(in.min_allowed.value);
    if (in.max_allowed.present()) p.max_allowed = ToResources(in.max_allowed.value);
    if (in.controlled_resources.present()) p.controlled_resources = in.controlled_resources.value;
    if (in.requests_only.present()) {
      p.controlled_values = in.requests_only.value ? ControlledValues::kRequestsOnly
                                                   : ControlledValues::kRequestsAndLimits;
    }
    spec.container_policies.push_back(std::move(p));
  }
  return spec;
}

StatusOr<VerticalSpec> ParseDocument(const YamlNode& root) {
  std::vector<format::VpaProblem> problems;
  format::VpaSpec vpa;
  if (root["spec"].present()) {
    const YamlNode& kind = root["kind"];
    if (kind.present() && !(kind.is_scalar() && kind.scalar == "VerticalPodAutoscaler")) {
      return format::LocatedError(kind.location, "kind", kind.Describe(), "VerticalPodAutoscaler");
    }
    vpa = format::DecodeVpaSpec(root["spec"], problems);
  } else if (root["resourcePolicy"].present()) {
    format::DecodeVpaResourcePolicy(root["resourcePolicy"], vpa, problems);
  } else if (root["containerPolicies"].present()) {
    format::DecodeVpaContainerPolicies(root["containerPolicies"], vpa, problems);
  } else {
    return format::LocatedError(root.location, "",
                                "a map without spec, resourcePolicy or "
                                "containerPolicies",
                                "a VerticalPodAutoscaler, resourcePolicy or containerPolicies");
  }
  CRESCENDO_RETURN_IF_ERROR(FirstError(problems));
  return ToSpec(vpa);
}

}  // namespace

StatusOr<VerticalSpec> ParseVpaManifest(std::string_view text, std::string_view source) {
  CRESCENDO_ASSIGN_OR_RETURN(format::YamlNode root,
                             format::ParseYamlDocument(text, std::string(source)));
  if (!root.is_map()) {
    return format::LocatedError(root.location, "", root.Describe(),
                                "a VerticalPodAutoscaler document (a map)");
  }
  return ParseDocument(root);
}

}  // namespace crescendo::vertical
