#include "config/policies_section.h"

#include "crescendo/policy/registry.h"

namespace crescendo::config {
namespace {

policy::SpecNode ToSpec(const Node& node) {
  policy::SpecNode out;
  switch (node.kind) {
    case Node::Kind::kNull:
      out.kind = policy::SpecNode::Kind::kNull;
      break;
    case Node::Kind::kScalar:
      out.kind = policy::SpecNode::Kind::kScalar;
      break;
    case Node::Kind::kMap:
      out.kind = policy::SpecNode::Kind::kMap;
      break;
    case Node::Kind::kSequence:
      out.kind = policy::SpecNode::Kind::kSequence;
      break;
  }
  out.scalar = node.scalar;
  out.key = node.key;
  out.location = {node.location.file, node.location.line, node.location.column};
  out.path = node.path;
  for (const Node& child : node.children) out.children.push_back(ToSpec(child));
  return out;
}

policy::BuildEnvironment PolicyEnvironment(const Catalogue& catalogue,
                                           const std::vector<policy::PolicySpec>& specs) {
  policy::BuildEnvironment env;
  for (const auto& [name, metric] : *catalogue.metrics) env.metrics.push_back(name);
  for (const policy::PolicySpec& spec : specs) {
    if (spec.kind == "budget") env.budgets.push_back(spec.name);
  }
  return env;
}

// Returns the specs of `policies` (a map); with `complete_only`, only entries with a kind.
std::vector<policy::PolicySpec> ReadSpecs(const Node& policies, bool complete_only,
                                          FieldReader& reader) {
  std::vector<policy::PolicySpec> specs;
  if (!reader.ExpectMap(policies)) return specs;
  for (const Node& entry : policies.children) {
    if (entry.is_null()) continue;  // removed by a more specific layer
    const Node* kind = entry.Find("kind");
    if (complete_only && (kind == nullptr || kind->is_null())) continue;
    policy::PolicySpec spec;
    spec.name = entry.key;
    spec.kind = kind != nullptr && kind->is_scalar() ? kind->scalar : "";
    spec.params = ToSpec(entry);
    spec.location = {entry.key_location.file, entry.key_location.line, entry.key_location.column};
    specs.push_back(std::move(spec));
  }
  return specs;
}

void Report(const std::vector<policy::SpecError>& errors, FieldReader& reader) {
  for (const policy::SpecError& e : errors) {
    Node at;
    at.location = Location::InFile(e.location.file, e.location.line, e.location.column);
    at.path = e.path;
    reader.Error(at, e.found, e.expected);
  }
}

void RecordLeaves(const Node& node, const std::string& path, ServiceConfig& service) {
  if (node.is_scalar()) {
    service.settings.push_back(Setting{path, node.scalar, node.location, node.path});
    return;
  }
  for (size_t i = 0; i < node.children.size(); ++i) {
    const Node& child = node.children[i];
    RecordLeaves(child, node.is_map() ? JoinPath(path, child.key) : IndexPath(path, i), service);
  }
}

}  // namespace

void CheckPolicyLayer(const Node& settings, const Catalogue& catalogue, FieldReader& reader) {
  const Node* policies = GetValue(settings, "policies");
  if (policies == nullptr) return;
  std::vector<policy::PolicySpec> specs = ReadSpecs(*policies, /*complete_only=*/true, reader);
  std::vector<policy::SpecError> errors;
  policy::BuildChain(specs, PolicyEnvironment(catalogue, specs), errors);
  Report(errors, reader);
}

void DecodePolicies(const Node& merged, const Catalogue& catalogue, FieldReader& reader,
                    ServiceConfig& service) {
  const Node* policies = GetValue(merged, "policies");
  if (policies == nullptr) return;
  std::vector<policy::PolicySpec> specs = ReadSpecs(*policies, /*complete_only=*/false, reader);
  std::vector<policy::SpecError> errors;
  policy::BuildChain(specs, PolicyEnvironment(catalogue, specs), errors);
  Report(errors, reader);
  for (const Node& entry : policies->children) {
    if (!entry.is_null()) RecordLeaves(entry, JoinPath("policies", entry.key), service);
  }
  service.policies = std::move(specs);
}

}  // namespace crescendo::config
