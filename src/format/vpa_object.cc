#include "crescendo/format/vpa_object.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "crescendo/base/quantity.h"

namespace crescendo::format {
namespace {

constexpr std::string_view kSpecKeys[] = {"targetRef", "updatePolicy", "resourcePolicy"};
constexpr std::string_view kUpdatePolicyKeys[] = {"updateMode"};
constexpr std::string_view kResourcePolicyKeys[] = {"containerPolicies"};
constexpr std::string_view kPolicyKeys[] = {
    "containerName", "mode", "minAllowed", "maxAllowed", "controlledResources", "controlledValues"};

// Collects the problems of one object.
class Problems {
 public:
  explicit Problems(std::vector<VpaProblem>& out) : out_(out) {}

  // A malformed value: "found <what the node is>, expected <expected>" at the node.
  void Error(const YamlNode& node, std::string expected) {
    Add(node.location, node.path, node.Describe(), std::move(expected));
  }
  void Add(const Location& at, std::string path, std::string found, std::string expected) {
    out_.push_back(
        {{at, std::move(path), std::move(found), std::move(expected)}, false, "", false});
  }
  // Reports every key of `map` outside `supported` as unsupported (`note` lists the supported).
  template <size_t N>
  void Unsupported(const YamlNode& map, const std::string_view (&supported)[N],
                   std::string_view note, bool in_policy = false) {
    for (const YamlNode& entry : map.children) {
      if (std::find(std::begin(supported), std::end(supported), entry.key) != std::end(supported)) {
        continue;
      }
      out_.push_back({{entry.key_location, entry.path, "unsupported field \"" + entry.key + "\"",
                       std::string(note) + "; the field is ignored"},
                      true,
                      entry.key,
                      in_policy});
    }
  }

 private:
  std::vector<VpaProblem>& out_;
};

// Returns the node when it is a map, else reports it and returns null.
const YamlNode* MapAt(const YamlNode& parent, std::string_view key, Problems& p) {
  const YamlNode* node = GetValue(parent, key);
  if (node == nullptr || node->is_map()) return node;
  p.Error(*node, "a map");
  return nullptr;
}

// Returns the index of the scalar `node` in `allowed`, else reports it ("A or B").
std::optional<size_t> OneOf(const YamlNode& node, const YamlNode& at,
                            std::initializer_list<std::string_view> allowed, Problems& p) {
  std::string list;
  size_t i = 0;
  for (std::string_view a : allowed) {
    if (node.is_scalar() && node.scalar == a) return i;
    list += (list.empty() ? "" : " or ") + std::string(a);
    ++i;
  }
  p.Add(node.location, at.path, node.Describe(), list);
  return std::nullopt;
}

bool DecodeResources(const YamlNode& node, VpaResources& out, Problems& p) {
  if (!node.is_map()) {
    p.Error(node, "a map of cpu/memory");
    return false;
  }
  bool ok = true;
  for (const YamlNode& entry : node.children) {
    if (entry.key != "cpu" && entry.key != "memory") {
      p.Add(entry.key_location, entry.path, "unknown resource \"" + entry.key + "\"",
            "cpu or memory");
      ok = false;
      continue;
    }
    auto q = entry.is_scalar() ? Quantity::Parse(entry.scalar) : InvalidArgumentError("");
    if (!q.ok()) {
      p.Error(entry, "a Kubernetes quantity such as \"500m\" or \"512Mi\"");
      ok = false;
    } else if (entry.key == "cpu") {
      out.cpu_millis = q->MilliValue();
    } else {
      out.memory_bytes = q->Value();
    }
  }
  return ok;
}

// Decodes one field of a container policy into `policy`.
void DecodePolicyField(const YamlNode& v, VpaContainerPolicy& policy, Problems& p) {
  const std::string& key = v.key;
  if (key == "containerName") {
    if (!v.is_scalar()) return p.Error(v, "the container's name, or \"*\"");
    policy.container_name = {&v, v.scalar};
  } else if (key == "mode") {
    if (auto i = OneOf(v, v, {"Auto", "Off"}, p)) policy.mode_off = {&v, *i == 1};
  } else if (key == "minAllowed" || key == "maxAllowed") {
    VpaResources r;
    if (DecodeResources(v, r, p)) {
      (key == "minAllowed" ? policy.min_allowed : policy.max_allowed) = {&v, r};
    }
  } else if (key == "controlledResources") {
    if (!v.is_sequence()) return p.Error(v, "a list");
    std::vector<std::string> names;
    for (const YamlNode& item : v.children) {
      auto i = OneOf(item, v, {"cpu", "memory"}, p);
      if (!i) return;
      names.push_back(item.scalar);
    }
    policy.controlled_resources = {&v, std::move(names)};
  } else if (key == "controlledValues") {
    if (auto i = OneOf(v, v, {"RequestsAndLimits", "RequestsOnly"}, p)) {
      policy.requests_only = {&v, *i == 1};
    }
  }
}

}  // namespace

void DecodeVpaContainerPolicies(const YamlNode& list, VpaSpec& out,
                                std::vector<VpaProblem>& problems) {
  Problems p(problems);
  if (list.is_null()) return;
  if (!list.is_sequence()) return p.Error(list, "a list of container policies");
  out.container_policies = &list;
  for (const YamlNode& item : list.children) {
    if (!item.is_map()) {
      p.Error(item, "a map");
      continue;
    }
    VpaContainerPolicy policy;
    policy.node = &item;
    p.Unsupported(item, kPolicyKeys,
                  "containerName, mode, minAllowed, maxAllowed, controlledResources and "
                  "controlledValues",
                  /*in_policy=*/true);
    for (const YamlNode& v : item.children) DecodePolicyField(v, policy, p);
    if (item.Find("containerName") == nullptr) {
      p.Add(item.location, item.path, "no \"containerName\"", "the container's name, or \"*\"");
      continue;
    }
    if (!policy.container_name.present()) continue;  // malformed: reported
    auto first = std::find_if(out.policies.begin(), out.policies.end(), [&](const auto& q) {
      return q.container_name.value == policy.container_name.value;
    });
    if (first != out.policies.end()) {
      p.Add(policy.container_name.node->location, policy.container_name.node->path,
            "a second policy for container \"" + policy.container_name.value + "\" (first at " +
                first->node->location.ToString() + ")",
            "one policy per container");
      continue;
    }
    out.policies.push_back(std::move(policy));
  }
}

void DecodeVpaResourcePolicy(const YamlNode& resource_policy, VpaSpec& out,
                             std::vector<VpaProblem>& problems) {
  Problems p(problems);
  if (resource_policy.is_null()) return;
  if (!resource_policy.is_map()) return p.Error(resource_policy, "a map");
  p.Unsupported(resource_policy, kResourcePolicyKeys, "containerPolicies");
  if (const YamlNode* list = GetValue(resource_policy, "containerPolicies")) {
    DecodeVpaContainerPolicies(*list, out, problems);
  }
}

VpaSpec DecodeVpaSpec(const YamlNode& spec, std::vector<VpaProblem>& problems) {
  Problems p(problems);
  VpaSpec out;
  if (!spec.is_map()) {
    p.Error(spec, "a map");
    return out;
  }
  p.Unsupported(spec, kSpecKeys, "targetRef, updatePolicy and resourcePolicy");
  out.target_ref = GetValue(spec, "targetRef");
  if (const YamlNode* policy = MapAt(spec, "updatePolicy", p)) {
    p.Unsupported(*policy, kUpdatePolicyKeys, "updateMode");
    if (const YamlNode* mode = GetValue(*policy, "updateMode")) {
      if (OneOf(*mode, *mode, {"Off", "Initial", "Recreate", "InPlaceOrRecreate", "Auto"}, p)) {
        out.update_mode = {mode, mode->scalar};
      }
    }
  }
  if (const YamlNode* rp = GetValue(spec, "resourcePolicy")) {
    DecodeVpaResourcePolicy(*rp, out, problems);
  }
  return out;
}

}  // namespace crescendo::format
