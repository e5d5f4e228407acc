#include "crescendo/optimize/consolidation.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

namespace crescendo::optimize {
namespace {

// What a node holds, or has reserved: an amount per resource and the pods per service (of
// the services with a max_per_node).
struct Load {
  Load(size_t dims, int64_t amount) : amounts(dims, amount) {}
  std::vector<int64_t> amounts;
  std::map<std::string, int32_t> services;
};

bool Holds(const PlacementProblem& p, int type, const Load& load, int pod) {
  if (PodTypeConflict(p, pod, type)) return false;
  for (size_t r = 0; r < load.amounts.size(); ++r) {
    if (load.amounts[r] + p.pods[pod].demand[r] > p.node_types[type].capacity[r]) return false;
  }
  const Pod& q = p.pods[pod];
  if (q.max_per_node > 0) {
    auto it = load.services.find(q.service);
    if (it != load.services.end() && it->second >= q.max_per_node) return false;
  }
  return true;
}

void Shift(const PlacementProblem& p, Load& load, int pod, int sign) {
  for (size_t r = 0; r < load.amounts.size(); ++r) {
    load.amounts[r] += sign * p.pods[pod].demand[r];
  }
  if (p.pods[pod].max_per_node > 0) load.services[p.pods[pod].service] += sign;
}

// The pods of the services spread over zones (placement.h), counted per eligible zone, for
// the skew check of a wave. In a wave the moved pods are evicted first and their replacements
// then scheduled in any order, so in-flight pods are counted conservatively: absent from their
// source zone for the minimum (low_), and all present in their destination zone for the count
// compared with it (wave_, the counts at the end of the wave).
class ZoneSkew {
 public:
  explicit ZoneSkew(const PlacementProblem& p)
      : p_(p), spreads_(ZoneSpreads(p)), spread_of_(p.pods.size(), -1) {
    for (size_t s = 0; s < spreads_.size(); ++s) {
      for (int pod : spreads_[s].pods) spread_of_[pod] = static_cast<int>(s);
      present_.emplace_back(spreads_[s].zones.size(), 0);
    }
    wave_ = present_;
    low_ = present_;
  }

  // A pod of node type `type` is placed (+1) or removed (-1) outside of a wave.
  void Place(int pod, int type, int sign) {
    if (const int z = Zone(pod, type); z >= 0) present_[spread_of_[pod]][z] += sign;
  }

  // Starts a wave from the present counts.
  void StartWave() {
    wave_ = present_;
    low_ = present_;
  }

  // Adds the move of `pod` from a node of type `from` to one of type `to` to the wave; returns
  // why the wave would break the skew then (the move is undone), or nothing.
  std::optional<std::string> TryMove(int pod, int from, int to) {
    const int s = spread_of_[pod];
    if (s < 0) return std::nullopt;
    Shift(pod, from, to, +1);
    std::optional<std::string> why = Broken(s);
    if (why) Shift(pod, from, to, -1);
    return why;
  }

  // Adds the move to the wave unchecked.
  void Move(int pod, int from, int to) {
    if (spread_of_[pod] >= 0) Shift(pod, from, to, +1);
  }

  // Returns why the wave breaks a skew, or nothing.
  std::optional<std::string> Broken() const {
    for (size_t s = 0; s < spreads_.size(); ++s) {
      if (std::optional<std::string> why = Broken(static_cast<int>(s))) return why;
    }
    return std::nullopt;
  }

  // Ends the wave: the moves are done.
  void EndWave(const std::vector<PodMove>& wave, const std::vector<PlanNode>& nodes) {
    for (const PodMove& m : wave) {
      Place(m.pod, nodes[m.from].type, -1);
      Place(m.pod, nodes[m.to].type, +1);
    }
  }

 private:
  int Zone(int pod, int type) const {
    const int s = spread_of_[pod];
    if (s < 0) return -1;
    const std::vector<std::string>& zones = spreads_[s].zones;
    const auto it = std::find(zones.begin(), zones.end(), ZoneOf(p_.node_types[type]));
    return it == zones.end() ? -1 : static_cast<int>(it - zones.begin());
  }

  void Shift(int pod, int from, int to, int sign) {
    const int s = spread_of_[pod];
    if (const int z = Zone(pod, from); z >= 0) {
      low_[s][z] -= sign;
      wave_[s][z] -= sign;
    }
    if (const int z = Zone(pod, to); z >= 0) wave_[s][z] += sign;
  }

  // The checks of a wave, as the scheduler admits a pod under whenUnsatisfiable DoNotSchedule
  // (its zone's count with it, minus the minimum over the eligible zones, at most max_skew):
  // every zone that receives pods, with all of its arrivals (end = low + arrivals), against
  // the minimum without any of the departures (low); and the counts at the end of the wave.
  std::optional<std::string> Broken(int s) const {
    const ZoneSpread& spread = spreads_[s];
    const std::vector<int64_t>& low = low_[s];
    const std::vector<int64_t>& end = wave_[s];
    const auto least = std::min_element(low.begin(), low.end());
    const auto end_least = std::min_element(end.begin(), end.end());
    for (size_t z = 0; z < low.size(); ++z) {
      const bool receives = end[z] > low[z];
      const auto floor = receives ? least : end_least;
      if (end[z] - *floor <= spread.max_skew) continue;
      const std::vector<int64_t>& floors = receives ? low : end;
      return "service \"" + spread.service + "\" would count " + std::to_string(end[z]) +
             " pods in zone " + spread.zones[z] + " while zone " +
             spread.zones[static_cast<size_t>(floor - floors.begin())] + " has " +
             std::to_string(*floor) + ", more than max_skew " + std::to_string(spread.max_skew) +
             " apart";
    }
    return std::nullopt;
  }

  const PlacementProblem& p_;
  std::vector<ZoneSpread> spreads_;
  std::vector<int> spread_of_;
  std::vector<std::vector<int64_t>> present_;  // per spread and eligible zone
  std::vector<std::vector<int64_t>> wave_;     // at the end of the wave being built
  std::vector<std::vector<int64_t>> low_;      // present minus the wave's departures
};

std::map<std::string, int32_t> Budgets(const ConsolidationInput& in) {
  std::map<std::string, int32_t> b;
  for (const DisruptionBudget& d : in.budgets) b[d.group] = d.max_unavailable;
  return b;
}

int32_t BudgetOf(const std::map<std::string, int32_t>& budgets, const std::string& group) {
  if (group.empty()) return INT32_MAX;
  auto it = budgets.find(group);
  return it == budgets.end() ? INT32_MAX : it->second;
}

// Returns, per target node, the plan node it becomes: a current node of the same type sharing
// the most pods (greedy), else an unmatched current node of its type, else -1 (to add).
std::vector<int> MatchTargets(const ConsolidationInput& in) {
  const size_t nc = in.current.nodes.size(), nt = in.target.nodes.size();
  std::vector<int> where(in.problem->pods.size(), -1);
  for (size_t k = 0; k < nc; ++k) {
    for (int pod : in.current.nodes[k].pods) where[pod] = static_cast<int>(k);
  }
  std::vector<std::tuple<int, int, int>> pairs;  // (-overlap, target, current)
  for (size_t j = 0; j < nt; ++j) {
    std::map<int, int> overlap;
    for (int pod : in.target.nodes[j].pods) {
      const int k = where[pod];
      if (in.current.nodes[k].type == in.target.nodes[j].type) ++overlap[k];
    }
    for (auto [k, n] : overlap) pairs.emplace_back(-n, static_cast<int>(j), k);
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<int> match(nt, -1);
  std::vector<char> taken(nc, 0);
  for (auto [neg, j, k] : pairs) {
    if (match[j] >= 0 || taken[k]) continue;
    match[j] = k;
    taken[k] = 1;
  }
  for (size_t j = 0; j < nt; ++j) {
    for (size_t k = 0; k < nc && match[j] < 0; ++k) {
      if (!taken[k] && in.current.nodes[k].type == in.target.nodes[j].type) {
        match[j] = static_cast<int>(k);
        taken[k] = 1;
      }
    }
  }
  return match;
}

Status Validate(const ConsolidationInput& in) {
  if (in.problem == nullptr) return InvalidArgumentError("problem: expected a problem, found none");
  if (in.pod_group.size() != in.problem->pods.size()) {
    return InvalidArgumentError("pod_group: expected one group per pod");
  }
  for (const DisruptionBudget& b : in.budgets) {
    if (b.max_unavailable < 0) {
      return InvalidArgumentError("budget of \"" + b.group + "\": expected max_unavailable >= 0");
    }
  }
  CRESCENDO_RETURN_IF_ERROR(
      CheckPlacement(*in.problem, in.current).WithContext("current placement"));
  return CheckPlacement(*in.problem, in.target).WithContext("target placement");
}

// The largest node type that holds `pod` and that its constraints allow (by the sum of its
// capacities); for a pod spread over zones, of the zone of type `now` (its node's), so that
// the move keeps its service's count per zone.
int LargestTypeFor(const PlacementProblem& p, int pod, int now) {
  int best = now;
  double best_size = -1;
  for (size_t t = 0; t < p.node_types.size(); ++t) {
    if (!Holds(p, static_cast<int>(t), Load(p.resources.size(), 0), pod)) continue;
    if (p.pods[pod].max_skew > 0 && ZoneOf(p.node_types[t]) != ZoneOf(p.node_types[now])) {
      continue;
    }
    double size = 0;
    for (size_t r = 0; r < p.resources.size(); ++r) size += p.node_types[t].capacity[r];
    if (size > best_size) {
      best_size = size;
      best = static_cast<int>(t);
    }
  }
  return best;
}

// Returns the input with the target's interchangeable pods of spread services (same service,
// demand, rules and PDB group: either may stand for the other) permuted so that as many as
// possible stay in their current zone: the solver binds pods to zones without knowing where
// they run, and a move across zones is the one the skew may block. The target's cost and
// validity are unchanged; without spread services the input is returned as is.
ConsolidationInput KeepZones(const ConsolidationInput& in) {
  const PlacementProblem& p = *in.problem;
  ConsolidationInput out = in;
  std::vector<std::string> now(p.pods.size()), then(p.pods.size());
  std::vector<int> slot(p.pods.size());  // target node
  for (const PlacedNode& n : in.current.nodes) {
    for (int pod : n.pods) now[pod] = ZoneOf(p.node_types[n.type]);
  }
  for (size_t j = 0; j < in.target.nodes.size(); ++j) {
    for (int pod : in.target.nodes[j].pods) {
      then[pod] = ZoneOf(p.node_types[in.target.nodes[j].type]);
      slot[pod] = static_cast<int>(j);
    }
  }
  std::map<std::tuple<std::string, std::vector<int64_t>, std::string>, std::vector<int>> classes;
  for (size_t i = 0; i < p.pods.size(); ++i) {
    const Pod& q = p.pods[i];
    if (q.max_skew <= 0 || now[i] == then[i]) continue;
    std::string rules = q.service + "\n" + q.tenant + "\n" + std::to_string(q.max_per_node);
    for (const auto& [key, value] : q.node_selector) rules += "\n" + key + "=" + value;
    for (const std::string& t : q.tolerations) rules += "\n~" + t;
    classes[{rules, q.demand, in.pod_group[i]}].push_back(static_cast<int>(i));
  }
  bool changed = false;
  for (const auto& [key, pods] : classes) {
    // The pods out of their zone trade target nodes: first a node in the pod's current zone.
    std::vector<int> free;  // target nodes given up
    for (int pod : pods) free.push_back(slot[pod]);
    std::vector<int> left;
    for (int pod : pods) {
      auto it = std::find_if(free.begin(), free.end(), [&](int j) {
        return ZoneOf(p.node_types[in.target.nodes[j].type]) == now[pod];
      });
      if (it == free.end()) {
        left.push_back(pod);
        continue;
      }
      changed = changed || *it != slot[pod];
      slot[pod] = *it;
      free.erase(it);
    }
    for (size_t k = 0; k < left.size(); ++k) {
      changed = changed || free[k] != slot[left[k]];
      slot[left[k]] = free[k];
    }
  }
  if (!changed) return out;
  for (PlacedNode& n : out.target.nodes) n.pods.clear();
  for (size_t i = 0; i < p.pods.size(); ++i) {
    out.target.nodes[slot[i]].pods.push_back(static_cast<int>(i));
  }
  return out;
}

}  // namespace

StatusOr<ConsolidationPlan> PlanConsolidation(const ConsolidationInput& input) {
  CRESCENDO_RETURN_IF_ERROR(Validate(input));
  const ConsolidationInput in = KeepZones(input);
  const PlacementProblem& p = *in.problem;
  ZoneSkew skew(p);
  const auto budgets = Budgets(in);
  ConsolidationPlan plan;
  plan.cost_before = in.current.cost;
  plan.cost_after = in.target.cost;
  std::vector<int> location(p.pods.size());
  std::vector<Load> load;
  for (size_t k = 0; k < in.current.nodes.size(); ++k) {
    plan.nodes.push_back({.type = in.current.nodes[k].type, .existing = true});
    load.emplace_back(p.resources.size(), 0);
    for (int pod : in.current.nodes[k].pods) {
      location[pod] = static_cast<int>(k);
      Shift(p, load.back(), pod, +1);
      skew.Place(pod, in.current.nodes[k].type, +1);
    }
  }
  const std::vector<int> match = MatchTargets(in);
  std::vector<int> dest(p.pods.size());
  std::vector<char> kept(plan.nodes.size(), 0);
  for (size_t j = 0; j < in.target.nodes.size(); ++j) {
    int node = match[j];
    if (node < 0) {
      node = static_cast<int>(plan.nodes.size());
      plan.nodes.push_back({.type = in.target.nodes[j].type, .existing = false});
      plan.added.push_back(node);
      load.emplace_back(p.resources.size(), 0);
      kept.push_back(1);
    }
    kept[node] = 1;
    for (int pod : in.target.nodes[j].pods) dest[pod] = node;
  }
  std::vector<int> pending;
  for (size_t i = 0; i < p.pods.size(); ++i) {
    if (location[i] == dest[i]) continue;
    if (BudgetOf(budgets, in.pod_group[i]) == 0) {
      return FailedPreconditionError("pod \"" + p.pods[i].name + "\" must move, but its group \"" +
                                     in.pod_group[i] + "\" allows no disruption");
    }
    pending.push_back(static_cast<int>(i));
  }
  const size_t max_waves = 4 * p.pods.size() + 8;
  while (!pending.empty() && plan.waves.size() < max_waves) {
    std::vector<PodMove> wave;
    std::map<std::string, int32_t> moved;
    std::vector<Load> reserved = load;
    skew.StartWave();
    for (int pod : pending) {
      const std::string& g = in.pod_group[pod];
      if (moved[g] >= BudgetOf(budgets, g)) continue;
      if (!Holds(p, plan.nodes[dest[pod]].type, reserved[dest[pod]], pod)) continue;
      if (skew.TryMove(pod, plan.nodes[location[pod]].type, plan.nodes[dest[pod]].type)) continue;
      Shift(p, reserved[dest[pod]], pod, +1);
      ++moved[g];
      wave.push_back({.pod = pod, .from = location[pod], .to = dest[pod]});
    }
    if (wave.empty()) {
      // A cycle: park the first pending pod on any node with room, or on a temporary node.
      const int pod = pending.front();
      int spot = -1;
      const int now = plan.nodes[location[pod]].type;
      for (size_t k = 0; k < plan.nodes.size() && spot < 0; ++k) {
        if (static_cast<int>(k) != location[pod] && Holds(p, plan.nodes[k].type, load[k], pod) &&
            !skew.TryMove(pod, now, plan.nodes[k].type)) {
          spot = static_cast<int>(k);
        }
      }
      if (spot < 0) {
        spot = static_cast<int>(plan.nodes.size());
        const int type = LargestTypeFor(p, pod, now);
        skew.Move(pod, now, type);  // within its zone: its service's counts stay
        plan.nodes.push_back({.type = type, .existing = false});
        plan.added.push_back(spot);
        load.emplace_back(p.resources.size(), 0);
        kept.push_back(0);
      }
      wave.push_back({.pod = pod, .from = location[pod], .to = spot});
    }
    for (const PodMove& m : wave) {
      Shift(p, load[m.from], m.pod, -1);
      Shift(p, load[m.to], m.pod, +1);
      location[m.pod] = m.to;
      ++plan.evictions;
    }
    skew.EndWave(wave, plan.nodes);
    plan.waves.push_back(std::move(wave));
    std::erase_if(pending, [&](int pod) { return location[pod] == dest[pod]; });
  }
  if (!pending.empty()) return InternalError("consolidation did not converge");
  for (size_t k = 0; k < plan.nodes.size(); ++k) {
    if (!kept[k]) plan.removed.push_back(static_cast<int>(k));
  }
  return plan;
}

Status VerifyPlan(const ConsolidationInput& in, const ConsolidationPlan& plan) {
  CRESCENDO_RETURN_IF_ERROR(Validate(in));
  const PlacementProblem& p = *in.problem;
  const auto budgets = Budgets(in);
  const size_t nc = in.current.nodes.size();
  for (size_t a = 0; a < plan.added.size(); ++a) {
    if (plan.added[a] != static_cast<int>(nc + a)) {
      return FailedPreconditionError("added node " + std::to_string(plan.added[a]) +
                                     " is not after the current nodes");
    }
  }
  std::vector<int> location(p.pods.size(), -1);
  std::vector<Load> load(plan.nodes.size(), Load(p.resources.size(), 0));
  ZoneSkew skew(p);
  for (size_t k = 0; k < nc; ++k) {
    for (int pod : in.current.nodes[k].pods) {
      location[pod] = static_cast<int>(k);
      Shift(p, load[k], pod, +1);
      skew.Place(pod, in.current.nodes[k].type, +1);
    }
  }
  for (size_t w = 0; w < plan.waves.size(); ++w) {
    const std::string where = "wave " + std::to_string(w);
    std::map<std::string, int32_t> moved;
    std::vector<Load> reserved = load;
    skew.StartWave();
    for (const PodMove& m : plan.waves[w]) {
      if (m.from < 0 || m.to < 0 || m.to >= static_cast<int>(plan.nodes.size()) ||
          location[m.pod] != m.from) {
        return FailedPreconditionError(where + ": pod \"" + p.pods[m.pod].name +
                                       "\" is not on node " + std::to_string(m.from));
      }
      const std::string& g = in.pod_group[m.pod];
      if (++moved[g] > BudgetOf(budgets, g)) {
        return FailedPreconditionError(where + ": group \"" + g + "\" loses more than its " +
                                       "max_unavailable " + std::to_string(BudgetOf(budgets, g)));
      }
      if (!Holds(p, plan.nodes[m.to].type, reserved[m.to], m.pod)) {
        return FailedPreconditionError(where + ": node " + std::to_string(m.to) +
                                       " has no room for pod \"" + p.pods[m.pod].name + "\"");
      }
      Shift(p, reserved[m.to], m.pod, +1);
      skew.Move(m.pod, plan.nodes[m.from].type, plan.nodes[m.to].type);
    }
    if (std::optional<std::string> why = skew.Broken()) {
      return FailedPreconditionError(where + ": " + *why);
    }
    skew.EndWave(plan.waves[w], plan.nodes);
    for (const PodMove& m : plan.waves[w]) {
      Shift(p, load[m.from], m.pod, -1);
      Shift(p, load[m.to], m.pod, +1);
      location[m.pod] = m.to;
    }
  }
  for (int k : plan.removed) {
    for (size_t pod = 0; pod < location.size(); ++pod) {
      if (location[pod] == k) {
        return FailedPreconditionError("node " + std::to_string(k) + " removed with pod \"" +
                                       p.pods[pod].name + "\" on it");
      }
    }
  }
  return Status::Ok();
}

}  // namespace crescendo::optimize
