#include "crescendo/optimize/bounds.h"

#include <ClpSimplex.hpp>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace crescendo::optimize {

int64_t L1Bound(std::span<const int64_t> sizes, int64_t capacity) {
  const int64_t sum = std::accumulate(sizes.begin(), sizes.end(), int64_t{0});
  return (sum + capacity - 1) / capacity;
}

int64_t L2Bound(std::vector<int64_t> sizes, int64_t capacity) {
  // Martello and Toth (1990), bound L2; the candidate values of a are 0 and the sizes <= C/2,
  // as the bound changes only there. With the sizes sorted, J1 u J2 = {s > C/2} less nothing,
  // J1 = {s > C - a}, J3 = {a <= s <= C/2}.
  std::sort(sizes.begin(), sizes.end());
  const size_t n = sizes.size();
  std::vector<int64_t> prefix(n + 1, 0);
  for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + sizes[i];
  auto first_above = [&](int64_t v) {  // index of the first size > v
    return static_cast<size_t>(std::upper_bound(sizes.begin(), sizes.end(), v) - sizes.begin());
  };
  auto first_at_least = [&](int64_t v) {
    return static_cast<size_t>(std::lower_bound(sizes.begin(), sizes.end(), v) - sizes.begin());
  };
  const size_t half = first_above(capacity / 2);  // sizes[half..] > C/2 (integer: s > floor(C/2))
  // Items strictly larger than C/2: with integer sizes and odd C, s > C/2 means s >= floor(C/2)+1.
  const int64_t big_count = static_cast<int64_t>(n - half);
  int64_t best = big_count;
  std::vector<int64_t> candidates = {0};
  for (size_t i = 0; i < half; ++i) {
    if (candidates.back() != sizes[i]) candidates.push_back(sizes[i]);
  }
  for (int64_t a : candidates) {
    const size_t j1 = first_above(capacity - a);  // J1 = sizes[j1..]
    const size_t j2 = std::min(j1, half);         // J2 = sizes[half..j1)
    const size_t j3 = first_at_least(std::max<int64_t>(a, 0));
    const int64_t n2 = static_cast<int64_t>(j1 - j2);
    const int64_t sum2 = prefix[j1] - prefix[j2];
    const int64_t sum3 = prefix[half] - prefix[std::min(j3, half)];
    const int64_t free2 = n2 * capacity - sum2;
    const int64_t extra = sum3 > free2 ? (sum3 - free2 + capacity - 1) / capacity : 0;
    best = std::max(best, static_cast<int64_t>(n - j2) + extra);
  }
  return best;
}

namespace {

// Solves the cover LP with CLP; fills cost_lp, lp_feasible and resource_prices.
void SolveCoverLp(const PlacementProblem& p, LowerBounds& b) {
  const int rows = static_cast<int>(p.resources.size());
  const int cols = static_cast<int>(p.node_types.size());
  std::vector<CoinBigIndex> start(cols + 1, 0);
  std::vector<int> index;
  std::vector<double> value, col_lb(cols, 0), col_ub(cols), obj(cols);
  std::vector<double> row_lb(rows, 0), row_ub(rows, COIN_DBL_MAX);
  for (const Pod& pod : p.pods) {
    for (int r = 0; r < rows; ++r) row_lb[r] += static_cast<double>(pod.demand[r]);
  }
  for (int t = 0; t < cols; ++t) {
    const NodeType& type = p.node_types[t];
    for (int r = 0; r < rows; ++r) {
      if (type.capacity[r] == 0) continue;
      index.push_back(r);
      value.push_back(static_cast<double>(type.capacity[r]));
    }
    start[t + 1] = static_cast<CoinBigIndex>(index.size());
    col_ub[t] = type.max_count ? static_cast<double>(*type.max_count) : COIN_DBL_MAX;
    obj[t] = type.price_per_hour;
  }
  // Scale rows so that CLP sees coefficients near 1 (memory in bytes is ~1e10).
  for (int r = 0; r < rows; ++r) {
    if (row_lb[r] <= 0) continue;
    for (size_t k = 0; k < index.size(); ++k) {
      if (index[k] == r) value[k] /= row_lb[r];
    }
  }
  std::vector<double> scale(rows, 1);
  for (int r = 0; r < rows; ++r) {
    if (row_lb[r] > 0) {
      scale[r] = row_lb[r];
      row_lb[r] = 1;
    }
  }
  ClpSimplex lp;
  lp.setLogLevel(0);
  lp.loadProblem(cols, rows, start.data(), index.data(), value.data(), col_lb.data(), col_ub.data(),
                 obj.data(), row_lb.data(), row_ub.data());
  lp.dual();
  if (!lp.isProvenOptimal()) return;
  b.lp_feasible = true;
  b.cost_lp = lp.objectiveValue();
  const double* duals = lp.dualRowSolution();
  for (int r = 0; r < rows; ++r) b.resource_prices[r] = std::max(0.0, duals[r]) / scale[r];
}

}  // namespace

LowerBounds ComputeLowerBounds(const PlacementProblem& p) {
  LowerBounds b;
  const size_t dims = p.resources.size();
  b.resource_prices.assign(dims, 0);
  for (size_t r = 0; r < dims; ++r) {
    double total = 0, unit = std::numeric_limits<double>::infinity();
    for (const Pod& pod : p.pods) total += static_cast<double>(pod.demand[r]);
    for (const NodeType& t : p.node_types) {
      if (t.capacity[r] > 0) unit = std::min(unit, t.price_per_hour / t.capacity[r]);
    }
    if (total > 0 && std::isfinite(unit)) {
      b.cost_per_resource = std::max(b.cost_per_resource, total * unit);
    }
  }
  SolveCoverLp(p, b);
  b.cost = std::max(b.cost_per_resource, b.cost_lp);
  if (p.node_types.size() == 1) {
    const NodeType& t = p.node_types[0];
    for (size_t r = 0; r < dims; ++r) {
      std::vector<int64_t> sizes;
      sizes.reserve(p.pods.size());
      for (const Pod& pod : p.pods) sizes.push_back(pod.demand[r]);
      const int64_t cap = t.capacity[r];
      b.l1.push_back(cap > 0 ? L1Bound(sizes, cap) : 0);
      b.l2.push_back(cap > 0 ? L2Bound(std::move(sizes), cap) : 0);
      b.nodes = std::max({b.nodes, b.l1.back(), b.l2.back()});
    }
    b.cost = std::max(b.cost, static_cast<double>(b.nodes) * t.price_per_hour);
  }
  return b;
}

double Gap(double cost, double bound) {
  if (bound <= 0 || cost <= bound) return 0;
  return (cost - bound) / bound;
}

}  // namespace crescendo::optimize
