#include "crescendo/optimize/consolidation.h"

#include <algorithm>
#include <map>
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
// capacities).
int LargestTypeFor(const PlacementProblem& p, int pod) {
  int best = 0;
  double best_size = -1;
  for (size_t t = 0; t < p.node_types.size(); ++t) {
    if (!Holds(p, static_cast<int>(t), Load(p.resources.size(), 0), pod)) continue;
    double size = 0;
    for (size_t r = 0; r < p.resources.size(); ++r) size += p.node_types[t].capacity[r];
    if (size > best_size) {
      best_size = size;
      best = static_cast<int>(t);
    }
  }
  return best;
}

}  // namespace

StatusOr<ConsolidationPlan> PlanConsolidation(const ConsolidationInput& in) {
  CRESCENDO_RETURN_IF_ERROR(Validate(in));
  const PlacementProblem& p = *in.problem;
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
    for (int pod : pending) {
      const std::string& g = in.pod_group[pod];
      if (moved[g] >= BudgetOf(budgets, g)) continue;
      if (!Holds(p, plan.nodes[dest[pod]].type, reserved[dest[pod]], pod)) continue;
      Shift(p, reserved[dest[pod]], pod, +1);
      ++moved[g];
      wave.push_back({.pod = pod, .from = location[pod], .to = dest[pod]});
    }
    if (wave.empty()) {
      // A cycle: park the first pending pod on any node with room, or on a temporary node.
      const int pod = pending.front();
      int spot = -1;
      for (size_t k = 0; k < plan.nodes.size() && spot < 0; ++k) {
        if (static_cast<int>(k) != location[pod] && Holds(p, plan.nodes[k].type, load[k], pod)) {
          spot = static_cast<int>(k);
        }
      }
      if (spot < 0) {
        spot = static_cast<int>(plan.nodes.size());
        plan.nodes.push_back({.type = LargestTypeFor(p, pod), .existing = false});
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
  for (size_t k = 0; k < nc; ++k) {
    for (int pod : in.current.nodes[k].pods) {
      location[pod] = static_cast<int>(k);
      Shift(p, load[k], pod, +1);
    }
  }
  for (size_t w = 0; w < plan.waves.size(); ++w) {
    const std::string where = "wave " + std::to_string(w);
    std::map<std::string, int32_t> moved;
    std::vector<Load> reserved = load;
    for (const PodMove& m : plan.waves[w]) {
      if (location[m.pod] != m.from) {
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
    }
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
