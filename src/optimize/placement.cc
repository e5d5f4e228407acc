#include "crescendo/optimize/placement.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "optimize/packing.h"

namespace crescendo::optimize {
namespace {

using internal::Counts;
using internal::FitRule;

Status CheckVector(const std::vector<int64_t>& v, size_t dims, const std::string& what) {
  if (v.size() != dims) {
    return InvalidArgumentError(what + ": expected " + std::to_string(dims) +
                                " amounts (one per resource), found " + std::to_string(v.size()));
  }
  for (size_t r = 0; r < dims; ++r) {
    if (v[r] < 0) {
      return InvalidArgumentError(what + "[" + std::to_string(r) + "]: expected an amount >= 0, " +
                                  "found " + std::to_string(v[r]));
    }
  }
  return Status::Ok();
}

bool FitsType(const Pod& pod, const NodeType& t) {
  for (size_t r = 0; r < pod.demand.size(); ++r) {
    if (pod.demand[r] > t.capacity[r]) return false;
  }
  return true;
}

struct Taint {
  std::string key;
  std::optional<std::string> value;
  std::string effect;
};

// Parses "key[=value]:Effect".
StatusOr<Taint> ParseTaint(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgumentError("expected key[=value]:Effect, found \"" + text + "\"");
  }
  Taint t;
  t.effect = text.substr(colon + 1);
  if (t.effect != "NoSchedule" && t.effect != "PreferNoSchedule" && t.effect != "NoExecute") {
    return InvalidArgumentError(
        "expected the effect NoSchedule, PreferNoSchedule or NoExecute, "
        "found \"" +
        t.effect + "\"");
  }
  const std::string kv = text.substr(0, colon);
  const size_t eq = kv.find('=');
  t.key = kv.substr(0, eq);
  if (eq != std::string::npos) t.value = kv.substr(eq + 1);
  if (t.key.empty()) return InvalidArgumentError("expected a taint key, found \"" + text + "\"");
  return t;
}

bool Tolerates(const Pod& pod, const Taint& taint) {
  for (const std::string& tol : pod.tolerations) {
    const size_t eq = tol.find('=');
    if (tol.substr(0, eq) != taint.key) continue;
    if (eq == std::string::npos || (taint.value && *taint.value == tol.substr(eq + 1))) {
      return true;
    }
  }
  return false;
}

bool TenantHasPool(const PlacementProblem& problem, const std::string& tenant) {
  if (tenant.empty()) return false;
  return std::any_of(problem.node_types.begin(), problem.node_types.end(),
                     [&](const NodeType& t) { return t.tenant == tenant; });
}

StatusOr<Placement> Greedy(const PlacementProblem& problem, FitRule rule) {
  CRESCENDO_RETURN_IF_ERROR(ValidateProblem(problem));
  const LowerBounds bounds = ComputeLowerBounds(problem);
  const internal::Instance in = internal::MakeInstance(problem, bounds);
  std::vector<int> all(in.items);
  std::iota(all.begin(), all.end(), 0);
  std::vector<internal::Bin> bins;
  Counts counts(in.types, 0);
  if (!internal::PackItems(in, internal::DecreasingOrder(in, std::move(all)), rule, bins, counts)) {
    return ResourceExhaustedError("the node types' max_count leave no room for every pod");
  }
  internal::RightSize(in, bins, counts);
  return internal::ToPlacement(in, bins);
}

}  // namespace

std::optional<std::string> PodTypeConflict(const PlacementProblem& problem, int pod, int type) {
  const Pod& p = problem.pods[pod];
  const NodeType& t = problem.node_types[type];
  for (const auto& [key, value] : p.node_selector) {
    auto it = t.labels.find(key);
    const bool match =
        it != t.labels.end() ? it->second == value : key == kInstanceTypeLabel && value == t.name;
    if (!match) return "its node_selector " + key + "=" + value + " does not match";
  }
  for (const std::string& text : t.taints) {
    StatusOr<Taint> taint = ParseTaint(text);
    if (!taint.ok() || taint->effect == "PreferNoSchedule") continue;
    if (!Tolerates(p, *taint)) return "it does not tolerate the taint " + text;
  }
  if (!t.tenant.empty() && t.tenant != p.tenant) {
    return "the type is dedicated to tenant " + t.tenant;
  }
  if (t.tenant.empty() && TenantHasPool(problem, p.tenant)) {
    return "tenant " + p.tenant + " runs only on its dedicated pool";
  }
  return std::nullopt;
}

Status ValidateProblem(const PlacementProblem& problem) {
  const size_t dims = problem.resources.size();
  if (dims == 0) return InvalidArgumentError("resources: expected at least one resource");
  if (problem.node_types.empty()) {
    return InvalidArgumentError("node_types: expected at least one node type");
  }
  for (const NodeType& t : problem.node_types) {
    const std::string what = "node type \"" + t.name + "\"";
    CRESCENDO_RETURN_IF_ERROR(CheckVector(t.capacity, dims, what + ".capacity"));
    if (!(t.price_per_hour > 0) || !std::isfinite(t.price_per_hour)) {
      return InvalidArgumentError(what + ".price: expected a finite price > 0, found " +
                                  std::to_string(t.price_per_hour));
    }
    if (t.max_count && *t.max_count < 0) {
      return InvalidArgumentError(what + ".max_count: expected a count >= 0, found " +
                                  std::to_string(*t.max_count));
    }
    for (const std::string& taint : t.taints) {
      CRESCENDO_RETURN_IF_ERROR(ParseTaint(taint).status().WithContext(what + ".taints"));
    }
  }
  std::map<std::string, int32_t> per_node;  // service -> max_per_node
  for (size_t i = 0; i < problem.pods.size(); ++i) {
    const Pod& pod = problem.pods[i];
    CRESCENDO_RETURN_IF_ERROR(CheckVector(pod.demand, dims, "pod \"" + pod.name + "\".demand"));
    if (pod.max_per_node < 0) {
      return InvalidArgumentError("pod \"" + pod.name +
                                  "\".max_per_node: expected a count >= 0, found " +
                                  std::to_string(pod.max_per_node));
    }
    if (pod.max_per_node > 0 && pod.service.empty()) {
      return InvalidArgumentError("pod \"" + pod.name +
                                  "\".max_per_node: expected a service to count, found none");
    }
    if (!pod.service.empty()) {
      auto [it, fresh] = per_node.emplace(pod.service, pod.max_per_node);
      if (!fresh && it->second != pod.max_per_node) {
        return InvalidArgumentError("pod \"" + pod.name + "\".max_per_node: expected " +
                                    std::to_string(it->second) + " as for the other pods of " +
                                    "service \"" + pod.service + "\", found " +
                                    std::to_string(pod.max_per_node));
      }
    }
    bool fits = false;
    std::string why;
    for (size_t t = 0; t < problem.node_types.size() && !fits; ++t) {
      const NodeType& type = problem.node_types[t];
      if ((type.max_count && *type.max_count == 0) || !FitsType(pod, type)) continue;
      std::optional<std::string> conflict =
          PodTypeConflict(problem, static_cast<int>(i), static_cast<int>(t));
      fits = !conflict;
      if (conflict && why.empty()) why = " allowed (on \"" + type.name + "\": " + *conflict + ")";
    }
    if (!fits) {
      return InvalidArgumentError("pod \"" + pod.name +
                                  "\": expected to fit on at least one node type, fits on none" +
                                  why);
    }
  }
  return Status::Ok();
}

double PlacementCost(const PlacementProblem& problem, const std::vector<PlacedNode>& nodes) {
  double cost = 0;
  for (const PlacedNode& n : nodes) cost += problem.node_types[n.type].price_per_hour;
  return cost;
}

Status CheckPlacement(const PlacementProblem& problem, const Placement& placement) {
  std::vector<int> seen(problem.pods.size(), 0);
  std::vector<int64_t> per_type(problem.node_types.size(), 0);
  for (size_t k = 0; k < placement.nodes.size(); ++k) {
    const PlacedNode& node = placement.nodes[k];
    const std::string where = "node " + std::to_string(k);
    if (node.type < 0 || node.type >= static_cast<int>(problem.node_types.size())) {
      return FailedPreconditionError(where + ": no node type " + std::to_string(node.type));
    }
    const NodeType& t = problem.node_types[node.type];
    ++per_type[node.type];
    std::vector<int64_t> load(problem.resources.size(), 0);
    std::map<std::string, int32_t> services;  // pods per service on the node
    for (int pod : node.pods) {
      if (pod < 0 || pod >= static_cast<int>(problem.pods.size())) {
        return FailedPreconditionError(where + ": no pod " + std::to_string(pod));
      }
      if (seen[pod]++ > 0) {
        return FailedPreconditionError("pod \"" + problem.pods[pod].name + "\" placed twice");
      }
      const Pod& p = problem.pods[pod];
      if (std::optional<std::string> conflict = PodTypeConflict(problem, pod, node.type)) {
        return FailedPreconditionError("pod \"" + p.name + "\" on " + where + " (" + t.name +
                                       "): " + *conflict);
      }
      if (!p.service.empty() && ++services[p.service] > p.max_per_node && p.max_per_node > 0) {
        return FailedPreconditionError(where + " (" + t.name + "): more than " +
                                       std::to_string(p.max_per_node) + " pods of service \"" +
                                       p.service + "\"");
      }
      for (size_t r = 0; r < load.size(); ++r) load[r] += problem.pods[pod].demand[r];
    }
    for (size_t r = 0; r < load.size(); ++r) {
      if (load[r] > t.capacity[r]) {
        return FailedPreconditionError(where + " (" + t.name + "): " + problem.resources[r] + " " +
                                       std::to_string(load[r]) + " over capacity " +
                                       std::to_string(t.capacity[r]));
      }
    }
  }
  for (size_t i = 0; i < seen.size(); ++i) {
    if (seen[i] == 0) {
      return FailedPreconditionError("pod \"" + problem.pods[i].name + "\" not placed");
    }
  }
  for (size_t t = 0; t < per_type.size(); ++t) {
    const auto& max = problem.node_types[t].max_count;
    if (max && per_type[t] > *max) {
      return FailedPreconditionError("node type \"" + problem.node_types[t].name +
                                     "\": " + std::to_string(per_type[t]) + " nodes, max_count " +
                                     std::to_string(*max));
    }
  }
  const double cost = PlacementCost(problem, placement.nodes);
  if (std::abs(cost - placement.cost) > 1e-9 * std::max(1.0, std::abs(cost))) {
    return FailedPreconditionError("cost " + std::to_string(placement.cost) +
                                   " is not the nodes' total " + std::to_string(cost));
  }
  return Status::Ok();
}

StatusOr<Placement> FirstFitDecreasing(const PlacementProblem& problem) {
  return Greedy(problem, FitRule::kFirst);
}

StatusOr<Placement> BestFitDecreasing(const PlacementProblem& problem) {
  return Greedy(problem, FitRule::kBest);
}

}  // namespace crescendo::optimize
