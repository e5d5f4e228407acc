#include "crescendo/optimize/exact.h"

#include <CbcModel.hpp>
#include <CglClique.hpp>
#include <CglKnapsackCover.hpp>
#include <CglProbing.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace crescendo::optimize {
namespace {

// Column layout: y_tk then x_itk, per type t and node k < nodes[t].
struct Layout {
  int pods = 0;
  std::vector<int> nodes;   // K_t
  std::vector<int> y_base;  // first y column of type t
  std::vector<int> x_base;  // first x column of type t: x_base[t] + k * pods + i
  int columns = 0;

  int Y(int t, int k) const { return y_base[t] + k; }
  int X(int i, int t, int k) const { return x_base[t] + k * pods + i; }
};

Layout MakeLayout(const PlacementProblem& p, const Placement& start) {
  Layout l;
  l.pods = static_cast<int>(p.pods.size());
  for (const NodeType& t : p.node_types) {
    // An optimum costs at most the start, so it has at most floor(cost / price) nodes of a type.
    int64_t k = static_cast<int64_t>(std::floor(start.cost / t.price_per_hour + 1e-9));
    k = std::min<int64_t>(k, l.pods);
    if (t.max_count) k = std::min(k, *t.max_count);
    l.nodes.push_back(static_cast<int>(k));
  }
  for (size_t t = 0; t < l.nodes.size(); ++t) {
    l.y_base.push_back(l.columns);
    l.columns += l.nodes[t];
  }
  for (size_t t = 0; t < l.nodes.size(); ++t) {
    l.x_base.push_back(l.columns);
    l.columns += l.nodes[t] * l.pods;
  }
  return l;
}

void AddRow(CoinPackedMatrix& m, std::vector<double>& lo, std::vector<double>& hi,
            const std::vector<int>& cols, const std::vector<double>& vals, double row_lo,
            double row_hi) {
  m.appendRow(static_cast<int>(cols.size()), cols.data(), vals.data());
  lo.push_back(row_lo);
  hi.push_back(row_hi);
}

}  // namespace

StatusOr<ExactResult> SolveExact(const PlacementProblem& p, const Placement& start,
                                 Duration time_limit) {
  CRESCENDO_RETURN_IF_ERROR(ValidateProblem(p));
  const Layout l = MakeLayout(p, start);
  const int types = static_cast<int>(p.node_types.size());
  const int dims = static_cast<int>(p.resources.size());
  std::vector<double> col_lo(l.columns, 0), col_hi(l.columns, 1), obj(l.columns, 0);
  CoinPackedMatrix m(false, 0, 0);
  m.setDimensions(0, l.columns);
  std::vector<double> row_lo, row_hi;
  std::map<std::string, std::vector<int>> services;  // with a max_per_node: service -> pods
  for (int i = 0; i < l.pods; ++i) {
    if (p.pods[i].max_per_node > 0) services[p.pods[i].service].push_back(i);
  }
  for (int t = 0; t < types; ++t) {
    const NodeType& type = p.node_types[t];
    for (int k = 0; k < l.nodes[t]; ++k) {
      obj[l.Y(t, k)] = type.price_per_hour;
      for (int i = 0; i < l.pods; ++i) {
        for (int r = 0; r < dims; ++r) {
          if (p.pods[i].demand[r] > type.capacity[r]) col_hi[l.X(i, t, k)] = 0;
        }
        if (PodTypeConflict(p, i, t)) col_hi[l.X(i, t, k)] = 0;
        AddRow(m, row_lo, row_hi, {l.X(i, t, k), l.Y(t, k)}, {1, -1}, -COIN_DBL_MAX, 0);
      }
      for (int r = 0; r < dims; ++r) {
        if (type.capacity[r] == 0) continue;  // pods needing r are already barred
        std::vector<int> cols = {l.Y(t, k)};
        std::vector<double> vals = {-1};
        for (int i = 0; i < l.pods; ++i) {
          if (p.pods[i].demand[r] == 0) continue;
          cols.push_back(l.X(i, t, k));
          vals.push_back(static_cast<double>(p.pods[i].demand[r]) / type.capacity[r]);
        }
        if (cols.size() > 1) AddRow(m, row_lo, row_hi, cols, vals, -COIN_DBL_MAX, 0);
      }
      // At most max_per_node pods of a service on the node.
      for (const auto& [service, pods] : services) {
        std::vector<int> cols;
        for (int i : pods) cols.push_back(l.X(i, t, k));
        AddRow(m, row_lo, row_hi, cols, std::vector<double>(cols.size(), 1), -COIN_DBL_MAX,
               p.pods[pods.front()].max_per_node);
      }
      if (k > 0) AddRow(m, row_lo, row_hi, {l.Y(t, k), l.Y(t, k - 1)}, {1, -1}, -COIN_DBL_MAX, 0);
    }
  }
  for (int i = 0; i < l.pods; ++i) {
    std::vector<int> cols;
    for (int t = 0; t < types; ++t) {
      for (int k = 0; k < l.nodes[t]; ++k) cols.push_back(l.X(i, t, k));
    }
    AddRow(m, row_lo, row_hi, cols, std::vector<double>(cols.size(), 1), 1, 1);
  }
  // Topology spread over zones: per spread service s, a continuous column m_s (at most the
  // service's count in every eligible zone) and, per eligible zone z, 0 <= n_sz - m_s <= max_skew
  // where n_sz sums the service's x on the zone's nodes: max n - min n <= max_skew.
  const std::vector<ZoneSpread> spreads = ZoneSpreads(p);
  const int x_columns = l.columns;
  const int columns = x_columns + static_cast<int>(spreads.size());
  if (!spreads.empty()) {
    m.setDimensions(m.getNumRows(), columns);
    col_lo.resize(columns, 0);
    col_hi.resize(columns, static_cast<double>(l.pods));
    obj.resize(columns, 0);
  }
  for (size_t s = 0; s < spreads.size(); ++s) {
    for (const std::string& zone : spreads[s].zones) {
      std::vector<int> cols = {x_columns + static_cast<int>(s)};
      std::vector<double> vals = {-1};
      for (int t = 0; t < types; ++t) {
        if (ZoneOf(p.node_types[t]) != zone) continue;
        for (int k = 0; k < l.nodes[t]; ++k) {
          for (int i : spreads[s].pods) {
            cols.push_back(l.X(i, t, k));
            vals.push_back(1);
          }
        }
      }
      AddRow(m, row_lo, row_hi, cols, vals, 0, spreads[s].max_skew);
    }
  }
  OsiClpSolverInterface solver;
  solver.messageHandler()->setLogLevel(0);
  solver.loadProblem(m, col_lo.data(), col_hi.data(), obj.data(), row_lo.data(), row_hi.data());
  for (int c = 0; c < x_columns; ++c) solver.setInteger(c);

  CbcModel model(solver);
  model.setLogLevel(0);
  model.messageHandler()->setLogLevel(0);
  model.setMaximumSeconds(std::max(0.01, ToSeconds(time_limit)));
  CglProbing probing;
  CglKnapsackCover knapsack;
  CglClique clique;
  clique.setStarCliqueReport(false);
  clique.setRowCliqueReport(false);
  model.addCutGenerator(&probing, -1, "Probing");
  model.addCutGenerator(&knapsack, -1, "KnapsackCover");
  model.addCutGenerator(&clique, -1, "Clique");

  std::vector<double> incumbent(columns, 0);
  std::vector<int> used(types, 0);
  std::vector<std::string> zone_of(l.pods);
  for (const PlacedNode& node : start.nodes) {
    const int k = used[node.type]++;
    incumbent[l.Y(node.type, k)] = 1;
    for (int pod : node.pods) {
      incumbent[l.X(pod, node.type, k)] = 1;
      zone_of[pod] = ZoneOf(p.node_types[node.type]);
    }
  }
  for (size_t s = 0; s < spreads.size(); ++s) {
    double least = l.pods;
    for (const std::string& zone : spreads[s].zones) {
      least = std::min<double>(
          least, static_cast<double>(std::count_if(spreads[s].pods.begin(), spreads[s].pods.end(),
                                                   [&](int pod) { return zone_of[pod] == zone; })));
    }
    incumbent[x_columns + s] = least;
  }
  model.setBestSolution(incumbent.data(), columns, start.cost, /*check=*/true);
  model.branchAndBound();

  ExactResult result;
  result.placement = start;
  result.lower_bound = model.getBestPossibleObjValue();
  result.proven_optimal = model.isProvenOptimal();
  const double* x = model.bestSolution();
  if (x != nullptr && model.getObjValue() < start.cost - 1e-9) {
    Placement found;
    for (int t = 0; t < types; ++t) {
      for (int k = 0; k < l.nodes[t]; ++k) {
        if (x[l.Y(t, k)] < 0.5) continue;
        PlacedNode node{.type = t, .pods = {}};
        for (int i = 0; i < l.pods; ++i) {
          if (x[l.X(i, t, k)] > 0.5) node.pods.push_back(i);
        }
        if (!node.pods.empty()) found.nodes.push_back(std::move(node));
      }
    }
    found.cost = PlacementCost(p, found.nodes);
    CRESCENDO_RETURN_IF_ERROR(CheckPlacement(p, found).WithContext("CBC's solution"));
    result.placement = std::move(found);
  }
  if (result.proven_optimal) result.lower_bound = result.placement.cost;
  return result;
}

}  // namespace crescendo::optimize
