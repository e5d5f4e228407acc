#include "crescendo/optimize/placement.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

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

// True when pod `pod` may be placed on a node of type `type`: its constraints allow it, the
// type holds it, and its max_count is not 0.
bool Usable(const PlacementProblem& problem, int pod, int type) {
  const NodeType& t = problem.node_types[type];
  return !(t.max_count && *t.max_count == 0) && FitsType(problem.pods[pod], t) &&
         !PodTypeConflict(problem, pod, type);
}

// Pods of `spread` a node of type `type` could hold (the service alone; capped at its pod
// count), or 0 when no pod of it may use the type.
int64_t PodsPerNode(const PlacementProblem& problem, const ZoneSpread& spread, int type) {
  const NodeType& t = problem.node_types[type];
  const int64_t n = static_cast<int64_t>(spread.pods.size());
  int64_t per_node = n;
  bool usable = false;
  for (int pod : spread.pods) {
    if (!Usable(problem, pod, type)) continue;
    usable = true;
    const Pod& p = problem.pods[pod];
    if (p.max_per_node > 0) per_node = std::min<int64_t>(per_node, p.max_per_node);
    for (size_t r = 0; r < p.demand.size(); ++r) {
      if (p.demand[r] > 0) per_node = std::min(per_node, t.capacity[r] / p.demand[r]);
    }
  }
  return usable ? per_node : 0;
}

std::string JoinZones(const std::vector<std::string>& zones) {
  std::string out;
  for (const std::string& z : zones) out += (out.empty() ? "" : ", ") + z;
  return out;
}

// Checks the pods' max_skew fields: >= 0, with a service, equal within it, and a zoned type
// to use.
Status CheckMaxSkew(const PlacementProblem& problem, int pod,
                    std::map<std::string, int32_t>& skews) {
  const Pod& p = problem.pods[pod];
  const std::string what = "pod \"" + p.name + "\".max_skew: ";
  if (p.max_skew < 0) {
    return InvalidArgumentError(what + "expected a skew >= 0, found " + std::to_string(p.max_skew));
  }
  if (p.max_skew > 0 && p.service.empty()) {
    return InvalidArgumentError(what + "expected a service to spread, found none");
  }
  if (p.service.empty()) return Status::Ok();
  auto [it, fresh] = skews.emplace(p.service, p.max_skew);
  if (!fresh && it->second != p.max_skew) {
    return InvalidArgumentError(what + "expected " + std::to_string(it->second) +
                                " as for the other pods of service \"" + p.service + "\", found " +
                                std::to_string(p.max_skew));
  }
  if (p.max_skew == 0) return Status::Ok();
  for (size_t t = 0; t < problem.node_types.size(); ++t) {
    if (!ZoneOf(problem.node_types[t]).empty() &&
        !PodTypeConflict(problem, pod, static_cast<int>(t))) {
      return Status::Ok();
    }
  }
  return InvalidArgumentError(what +
                              "expected a node type with a zone that the pods of "
                              "service \"" +
                              p.service + "\" may use, found none");
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
    const bool match = it != t.labels.end() ? it->second == value
                       : key == kZoneLabel  ? value == t.zone
                                            : key == kInstanceTypeLabel && value == t.name;
    if (!match) return "its node_selector " + key + "=" + value + " does not match";
  }
  if (p.max_skew > 0 && ZoneOf(t).empty()) {
    return "it spreads over zones (max_skew " + std::to_string(p.max_skew) +
           ") and the type has no zone";
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

std::string ZoneOf(const NodeType& type) {
  if (!type.zone.empty()) return type.zone;
  auto it = type.labels.find(kZoneLabel);
  return it == type.labels.end() ? std::string() : it->second;
}

std::vector<ZoneSpread> ZoneSpreads(const PlacementProblem& problem) {
  std::map<std::string, ZoneSpread> spreads;
  for (size_t i = 0; i < problem.pods.size(); ++i) {
    const Pod& pod = problem.pods[i];
    if (pod.max_skew <= 0) continue;
    ZoneSpread& s = spreads[pod.service];
    s.service = pod.service;
    s.max_skew = pod.max_skew;
    s.pods.push_back(static_cast<int>(i));
  }
  std::vector<ZoneSpread> out;
  for (auto& [service, s] : spreads) {
    std::set<std::string> zones;
    for (size_t t = 0; t < problem.node_types.size(); ++t) {
      const std::string zone = ZoneOf(problem.node_types[t]);
      if (zone.empty() || zones.count(zone)) continue;
      if (std::any_of(s.pods.begin(), s.pods.end(),
                      [&](int pod) { return Usable(problem, pod, static_cast<int>(t)); })) {
        zones.insert(zone);
      }
    }
    s.zones.assign(zones.begin(), zones.end());
    out.push_back(std::move(s));
  }
  return out;
}

StatusOr<std::vector<int64_t>> ZoneQuotas(const PlacementProblem& problem,
                                          const ZoneSpread& spread) {
  const size_t m = spread.zones.size();
  const int64_t n = static_cast<int64_t>(spread.pods.size());
  const int64_t k = spread.max_skew;
  const std::string what = "service \"" + spread.service + "\": max_skew " + std::to_string(k) +
                           " over zones " + JoinZones(spread.zones);
  if (m == 0) {
    return InvalidArgumentError("service \"" + spread.service + "\": expected a zone with a " +
                                "node type its pods may use, found none");
  }
  // Per zone: how many of the service's pods its types could hold (n: unlimited), and the most
  // pods per price of any of its types.
  std::vector<int64_t> room(m, 0);
  std::vector<double> score(m, 0);
  for (size_t t = 0; t < problem.node_types.size(); ++t) {
    const NodeType& type = problem.node_types[t];
    const auto z = std::find(spread.zones.begin(), spread.zones.end(), ZoneOf(type));
    if (z == spread.zones.end()) continue;
    const size_t zi = static_cast<size_t>(z - spread.zones.begin());
    const int64_t per_node = PodsPerNode(problem, spread, static_cast<int>(t));
    if (per_node == 0) continue;
    const int64_t nodes = type.max_count.value_or(n);
    room[zi] = std::min(n, room[zi] + std::min(n, nodes) * per_node);
    score[zi] = std::max(score[zi], static_cast<double>(per_node) / type.price_per_hour);
  }
  // The smallest floor L (pods in every zone) such that the zones, each holding L to L + k
  // pods, hold them all: the most room for the preferred zones.
  const int64_t least_room = *std::min_element(room.begin(), room.end());
  auto held = [&](int64_t floor) {
    int64_t sum = 0;
    for (int64_t r : room) sum += std::min(floor + k, r);
    return sum;
  };
  int64_t floor =
      std::max<int64_t>(0, (n + static_cast<int64_t>(m) - 1) / static_cast<int64_t>(m) - k);
  while (floor <= least_room && held(floor) < n) ++floor;
  if (floor > least_room) {
    const size_t tight =
        static_cast<size_t>(std::min_element(room.begin(), room.end()) - room.begin());
    return InvalidArgumentError(what + ": zone " + spread.zones[tight] + " holds at most " +
                                std::to_string(least_room) + " of its pods (the max_count of " +
                                "its node types), so the zones hold at most " +
                                std::to_string(held(least_room)) + " of its " + std::to_string(n) +
                                " pods within the skew");
  }
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return score[a] > score[b]; });
  std::vector<int64_t> quota(m, floor);
  int64_t left = n - floor * static_cast<int64_t>(m);
  for (size_t zi : order) {
    const int64_t extra = std::min(left, std::min(floor + k, room[zi]) - floor);
    quota[zi] += extra;
    left -= extra;
  }
  return quota;
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
    auto label = t.labels.find(kZoneLabel);
    if (!t.zone.empty() && label != t.labels.end() && label->second != t.zone) {
      return InvalidArgumentError(what + ".zone: expected the zone of its label " + kZoneLabel +
                                  " (" + label->second + "), found " + t.zone);
    }
  }
  std::map<std::string, int32_t> skews;     // service -> max_skew
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
    CRESCENDO_RETURN_IF_ERROR(CheckMaxSkew(problem, static_cast<int>(i), skews));
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
  for (const ZoneSpread& spread : ZoneSpreads(problem)) {
    CRESCENDO_RETURN_IF_ERROR(ZoneQuotas(problem, spread).status());
  }
  return Status::Ok();
}

namespace {

// The skew rule of CheckPlacement. REQUIRES: every node's type valid.
Status CheckZoneSkew(const PlacementProblem& problem, const Placement& placement) {
  const std::vector<ZoneSpread> spreads = ZoneSpreads(problem);
  if (spreads.empty()) return Status::Ok();
  std::vector<std::string> zone_of(problem.pods.size());
  for (const PlacedNode& node : placement.nodes) {
    for (int pod : node.pods) zone_of[pod] = ZoneOf(problem.node_types[node.type]);
  }
  for (const ZoneSpread& s : spreads) {
    std::map<std::string, int64_t> count;
    for (const std::string& zone : s.zones) count[zone] = 0;
    for (int pod : s.pods) {
      auto it = count.find(zone_of[pod]);
      if (it != count.end()) ++it->second;
    }
    if (count.empty()) continue;
    auto [low, high] =
        std::minmax_element(count.begin(), count.end(),
                            [](const auto& a, const auto& b) { return a.second < b.second; });
    if (high->second - low->second > s.max_skew) {
      return FailedPreconditionError(
          "service \"" + s.service + "\": " + std::to_string(high->second) + " pods in zone " +
          high->first + ", " + std::to_string(low->second) + " in zone " + low->first +
          ": more than max_skew " + std::to_string(s.max_skew) + " apart (eligible zones " +
          JoinZones(s.zones) + ")");
    }
  }
  return Status::Ok();
}

}  // namespace

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
  CRESCENDO_RETURN_IF_ERROR(CheckZoneSkew(problem, placement));
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
