// DecodeVpaSpec: the one decoder of a VerticalPodAutoscaler (autoscaling.k8s.io/v1) object.
//
// `crescendo vpa --policy` and the Kubernetes backend (vertical::ParseVpaManifest, into a
// VerticalSpec) and `crescendo config import` (config's manifest conversion, into a
// configuration tree) read the same object through it, so they accept the same objects, report
// the same problems at the same places, and keep every field's location. It reads what the VPA
// recommender honours:
//   spec.targetRef                                  (the node; its meaning is the caller's)
//   spec.updatePolicy.updateMode                    Off, Initial, Recreate, InPlaceOrRecreate, Auto
//   spec.resourcePolicy.containerPolicies[]         a list of maps, one per containerName:
//     containerName (required, unique), mode (Auto, Off), minAllowed and maxAllowed (cpu, memory:
//     Kubernetes quantities), controlledResources (cpu, memory), controlledValues
//     (RequestsAndLimits, RequestsOnly)
// Every other field is reported as unsupported (the field is ignored): a cluster's objects carry
// fields of newer VPA versions (minReplicas, recommenders, oomBumpUpRatio, ...). Whether an
// unsupported field is an error is the caller's choice (a hand-written policy file may treat a
// misspelt bound as one).
//
// Values are decoded and checked here: a field whose value is malformed is reported and left out
// (its Located stays empty), so a caller never sees a value it would have to check again.
//
// Ownership: the decoded object points into the YamlNode tree it was decoded from, which must
// outlive it. Thread safety: pure functions.
#ifndef CRESCENDO_FORMAT_VPA_OBJECT_H_
#define CRESCENDO_FORMAT_VPA_OBJECT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crescendo/format/yaml.h"

namespace crescendo::format {

// A decoded value and the node it was written at (null: absent or malformed).
template <typename T>
struct Located {
  const YamlNode* node = nullptr;
  T value{};
  bool present() const { return node != nullptr; }
};

struct VpaResources {
  std::optional<int64_t> cpu_millis;
  std::optional<int64_t> memory_bytes;
};

struct VpaContainerPolicy {
  const YamlNode* node = nullptr;  // the list item
  Located<std::string> container_name;
  Located<bool> mode_off;  // mode: Off (true) or Auto (false)
  Located<VpaResources> min_allowed;
  Located<VpaResources> max_allowed;
  Located<std::vector<std::string>> controlled_resources;  // each "cpu" or "memory"
  Located<bool> requests_only;  // controlledValues: RequestsOnly (true), RequestsAndLimits
};

struct VpaSpec {
  const YamlNode* target_ref = nullptr;
  Located<std::string> update_mode;
  const YamlNode* container_policies = nullptr;  // the list, when it is one
  std::vector<VpaContainerPolicy> policies;      // the well-formed items, in order
};

struct VpaProblem {
  YamlProblem problem;       // location, field path, found, expected
  bool unsupported = false;  // a field Crescendo does not read (ignored), not a malformed one
  std::string key;           // unsupported: the field's key
  bool in_container_policy = false;  // unsupported: a key of a containerPolicies item
};

// Decodes `spec`, the map under a VPA's `spec:` (field paths are the nodes' own, e.g.
// "spec.resourcePolicy.containerPolicies[0].mode"). Problems are appended to `problems` in the
// order they are found (within one container policy: its fields, then a missing
// containerName); a problem never stops the rest of the object from being read.
VpaSpec DecodeVpaSpec(const YamlNode& spec, std::vector<VpaProblem>& problems);

// Decodes a `resourcePolicy` map or a `containerPolicies` list alone into `out` (the fragments a
// policy file may hold).
void DecodeVpaResourcePolicy(const YamlNode& resource_policy, VpaSpec& out,
                             std::vector<VpaProblem>& problems);
void DecodeVpaContainerPolicies(const YamlNode& list, VpaSpec& out,
                                std::vector<VpaProblem>& problems);

}  // namespace crescendo::format

#endif  // CRESCENDO_FORMAT_VPA_OBJECT_H_
