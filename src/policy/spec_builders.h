// Writing policy specs inline in tests and benchmarks: S("text"), M({{"key", node}}), L({...}),
// and Spec(name, params), which locates every node on its own line of "policies.yaml".
#ifndef CRESCENDO_SRC_POLICY_SPEC_BUILDERS_H_
#define CRESCENDO_SRC_POLICY_SPEC_BUILDERS_H_

#include <string>
#include <utility>
#include <vector>

#include "crescendo/policy/registry.h"

namespace crescendo::policy::testing {

inline SpecNode S(std::string text) {
  SpecNode n;
  n.kind = SpecNode::Kind::kScalar;
  n.scalar = std::move(text);
  return n;
}

inline SpecNode M(std::vector<std::pair<std::string, SpecNode>> entries) {
  SpecNode n;
  n.kind = SpecNode::Kind::kMap;
  for (auto& [key, child] : entries) {
    child.key = key;
    n.children.push_back(std::move(child));
  }
  return n;
}

inline SpecNode L(std::vector<SpecNode> items) {
  SpecNode n;
  n.kind = SpecNode::Kind::kSequence;
  n.children = std::move(items);
  return n;
}

// Gives every node a distinct line (in pre-order) and a path, as the configuration would.
inline void Locate(SpecNode& n, const std::string& path, int& line) {
  n.location = SpecLocation{"policies.yaml", ++line, 5};
  n.path = path;
  for (size_t i = 0; i < n.children.size(); ++i) {
    SpecNode& c = n.children[i];
    Locate(
        c,
        n.kind == SpecNode::Kind::kMap ? path + "." + c.key : path + "[" + std::to_string(i) + "]",
        line);
  }
}

inline PolicySpec Spec(std::string name, SpecNode params) {
  PolicySpec spec;
  spec.name = name;
  if (const SpecNode* kind = params.Find("kind")) spec.kind = kind->scalar;
  int line = 0;
  Locate(params, "policies." + name, line);
  spec.params = std::move(params);
  spec.location = SpecLocation{"policies.yaml", 1, 3};
  return spec;
}

}  // namespace crescendo::policy::testing

#endif  // CRESCENDO_SRC_POLICY_SPEC_BUILDERS_H_
