#include "crescendo/optimize/gga.h"

#include <algorithm>
#include <numeric>
#include <optional>

#include "crescendo/base/random.h"
#include "optimize/packing.h"

namespace crescendo::optimize {
namespace {

using internal::Bin;
using internal::Counts;
using internal::Instance;

// How many candidate pairs the dominance step may try per reinsertion: bounds the time of one
// generation on large problems (10,000 pods), never reached on Falkenauer's sizes.
constexpr int64_t kDominanceBudget = 3'000'000;
// Free pods considered for pair moves (the largest ones).
constexpr size_t kPairCandidates = 48;

struct Individual {
  std::vector<Bin> bins;
  Counts counts;
  double cost = 0;
  double fitness = 0;  // sum of price * fill^2
};

void Evaluate(const Instance& in, Individual& ind) {
  ind.cost = 0;
  ind.fitness = 0;
  for (const Bin& b : ind.bins) {
    const double fill = internal::Fill(in, b);
    ind.cost += in.price[b.type];
    ind.fitness += in.price[b.type] * fill * fill;
  }
}

bool Better(const Individual& a, const Individual& b) {
  const double eps = 1e-9 * std::max(1.0, b.cost);
  if (a.cost < b.cost - eps) return true;
  if (a.cost > b.cost + eps) return false;
  return a.fitness > b.fitness + 1e-12;
}

bool SameScore(const Individual& a, const Individual& b) {
  return std::abs(a.cost - b.cost) <= 1e-9 * std::max(1.0, b.cost) &&
         std::abs(a.fitness - b.fitness) <= 1e-12 * std::max(1.0, b.fitness);
}

bool WithinCounts(const Instance& in, const Counts& counts) {
  for (int t = 0; t < in.types; ++t) {
    if (in.max_count[t] >= 0 && counts[t] > in.max_count[t]) return false;
  }
  return true;
}

class Search {
 public:
  Search(const Instance& in, Random& rng) : in_(in), rng_(rng) {}

  // Dominance-based local improvement, then first-fit of what is left, then right-sizing.
  // Returns false when the max_counts leave no room.
  bool Reinsert(Individual& ind, std::vector<int> free) {
    free = internal::DecreasingOrder(in_, std::move(free));
    int64_t budget = kDominanceBudget;
    std::vector<size_t> order(ind.bins.size());
    std::iota(order.begin(), order.end(), 0);
    Shuffle(order);
    for (size_t b : order) {
      if (free.empty() || budget <= 0) break;
      while (!free.empty() && budget > 0 && Improve(ind.bins[b], free, budget)) {
      }
    }
    if (!internal::PackItemsBinCentric(in_, free, ind.bins, ind.counts)) return false;
    internal::RightSize(in_, ind.bins, ind.counts);
    Evaluate(in_, ind);
    return true;
  }

  // Empties the bins at `victims` (indices) and returns their items.
  std::vector<int> Remove(Individual& ind, std::vector<size_t> victims) {
    std::sort(victims.begin(), victims.end());
    victims.erase(std::unique(victims.begin(), victims.end()), victims.end());
    std::vector<int> free;
    for (auto it = victims.rbegin(); it != victims.rend(); ++it) {
      Bin& b = ind.bins[*it];
      free.insert(free.end(), b.items.begin(), b.items.end());
      --ind.counts[b.type];
      ind.bins.erase(ind.bins.begin() + static_cast<std::ptrdiff_t>(*it));
    }
    return free;
  }

  std::optional<Individual> Crossover(const Individual& p1, const Individual& p2) {
    const size_t n2 = p2.bins.size();
    size_t a = static_cast<size_t>(rng_.UniformInt(0, static_cast<int64_t>(n2) - 1));
    size_t b = static_cast<size_t>(rng_.UniformInt(0, static_cast<int64_t>(n2) - 1));
    if (a > b) std::swap(a, b);
    std::vector<char> injected(in_.items, 0);
    for (size_t k = a; k <= b; ++k) {
      for (int item : p2.bins[k].items) injected[item] = 1;
    }
    Individual child;
    child.counts.assign(in_.types, 0);
    std::vector<int> free;
    const size_t at = static_cast<size_t>(rng_.UniformInt(0, static_cast<int64_t>(p1.bins.size())));
    for (size_t k = 0; k <= p1.bins.size(); ++k) {
      if (k == at) {
        for (size_t j = a; j <= b; ++j) child.bins.push_back(p2.bins[j]);
      }
      if (k == p1.bins.size()) break;
      const Bin& bin = p1.bins[k];
      const bool clash = std::any_of(bin.items.begin(), bin.items.end(),
                                     [&](int item) { return injected[item] != 0; });
      if (!clash) {
        child.bins.push_back(bin);
        continue;
      }
      for (int item : bin.items) {
        if (!injected[item]) free.push_back(item);
      }
    }
    for (const Bin& bin : child.bins) ++child.counts[bin.type];
    if (!WithinCounts(in_, child.counts)) return std::nullopt;
    if (!Reinsert(child, std::move(free))) return std::nullopt;
    return child;
  }

  bool Mutate(Individual& ind) {
    if (ind.bins.size() < 2) return true;
    size_t emptiest = 0;
    double low = 2;
    for (size_t b = 0; b < ind.bins.size(); ++b) {
      const double f = internal::Fill(in_, ind.bins[b]);
      if (f < low) {
        low = f;
        emptiest = b;
      }
    }
    std::vector<size_t> victims = {emptiest};
    const int64_t extra = rng_.UniformInt(1, 2);
    for (int64_t k = 0; k < extra; ++k) {
      victims.push_back(
          static_cast<size_t>(rng_.UniformInt(0, static_cast<int64_t>(ind.bins.size()) - 1)));
    }
    return Reinsert(ind, Remove(ind, std::move(victims)));
  }

  void Shuffle(std::vector<size_t>& v) {
    for (size_t i = v.size(); i > 1; --i) {
      std::swap(v[i - 1], v[static_cast<size_t>(rng_.UniformInt(0, static_cast<int64_t>(i) - 1))]);
    }
  }

 private:
  // Tries one improving swap on `bin`; the items taken out join `free` (kept decreasing).
  bool Improve(Bin& bin, std::vector<int>& free, int64_t& budget) {
    const size_t m = bin.items.size();
    const size_t f = free.size();
    const size_t pairs = std::min(f, kPairCandidates);
    // Out-sets: nothing, one item, two items; in-sets: one or two free items.
    for (size_t p = 0; p <= m; ++p) {
      for (size_t q = p; q <= m; ++q) {
        if (q == p && p != m) continue;  // p == q == m: nothing out; q == m: only p out
        const int op = p < m ? bin.items[p] : -1;
        const int oq = q < m && q != p ? bin.items[q] : -1;
        const double w_out = (op >= 0 ? in_.weight[op] : 0) + (oq >= 0 ? in_.weight[oq] : 0);
        for (size_t i = 0; i < f; ++i) {
          const int fi = free[i];
          budget -= 1;
          if (in_.weight[fi] > w_out + 1e-12 && FitsOutIn(bin, op, oq, fi, -1)) {
            Apply(bin, free, op, oq, i, f);
            return true;
          }
          if (i >= pairs) continue;
          for (size_t j = i + 1; j < pairs; ++j) {
            const int fj = free[j];
            budget -= 1;
            if (in_.weight[fi] + in_.weight[fj] <= w_out + 1e-12) break;  // decreasing weights
            if (FitsOutIn(bin, op, oq, fi, fj)) {
              Apply(bin, free, op, oq, i, j);
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  bool FitsOutIn(const Bin& bin, int op, int oq, int fi, int fj) const {
    const int64_t* cap = in_.Cap(bin.type);
    for (int r = 0; r < in_.dims; ++r) {
      int64_t load = bin.load[r] + in_.Size(fi)[r];
      if (fj >= 0) load += in_.Size(fj)[r];
      if (op >= 0) load -= in_.Size(op)[r];
      if (oq >= 0) load -= in_.Size(oq)[r];
      if (load > cap[r]) return false;
    }
    if (!internal::AllowedOn(in_, fi, bin.type)) return false;
    if (fj >= 0 && !internal::AllowedOn(in_, fj, bin.type)) return false;
    for (int g : {in_.group[fi], fj >= 0 ? in_.group[fj] : -1}) {
      if (g < 0) continue;
      int count = internal::GroupCount(in_, bin, g);
      count -= (op >= 0 && in_.group[op] == g) + (oq >= 0 && in_.group[oq] == g);
      count += (in_.group[fi] == g) + (fj >= 0 && in_.group[fj] == g);
      if (count > in_.group_cap[g]) return false;
    }
    return true;
  }

  // Swaps items op, oq (or -1) of `bin` with free[i] and free[j] (j == free.size(): none).
  void Apply(Bin& bin, std::vector<int>& free, int op, int oq, size_t i, size_t j) {
    const int fi = free[i];
    const int fj = j < free.size() ? free[j] : -1;
    for (int out : {op, oq}) {
      if (out < 0) continue;
      const auto pos = std::find(bin.items.begin(), bin.items.end(), out) - bin.items.begin();
      internal::RemoveAt(in_, bin, static_cast<size_t>(pos));
    }
    internal::AddItem(in_, bin, fi);
    if (fj >= 0) internal::AddItem(in_, bin, fj);
    if (fj >= 0) free.erase(free.begin() + static_cast<std::ptrdiff_t>(j));
    free.erase(free.begin() + static_cast<std::ptrdiff_t>(i));
    for (int out : {op, oq}) {
      if (out < 0) continue;
      const auto pos = std::lower_bound(free.begin(), free.end(), out, [&](int a, int b) {
        return in_.weight[a] > in_.weight[b] || (in_.weight[a] == in_.weight[b] && a < b);
      });
      free.insert(pos, out);
    }
  }

  const Instance& in_;
  Random& rng_;
};

Individual FromPlacement(const Instance& in, const Placement& p) {
  Individual ind;
  ind.counts.assign(in.types, 0);
  for (const PlacedNode& node : p.nodes) {
    Bin b = internal::NewBin(in, node.type);
    for (int pod : node.pods) internal::AddItem(in, b, pod);
    ++ind.counts[node.type];
    ind.bins.push_back(std::move(b));
  }
  Evaluate(in, ind);
  return ind;
}

// A first-fit packing of the items in their decreasing order perturbed by +-20% noise.
std::optional<Individual> RandomFirstFit(const Instance& in, Random& rng) {
  std::vector<double> key(in.items);
  for (int i = 0; i < in.items; ++i) key[i] = in.weight[i] * rng.Uniform(0.8, 1.2);
  std::vector<int> order(in.items);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return key[a] > key[b]; });
  Individual ind;
  ind.counts.assign(in.types, 0);
  if (!internal::PackItemsBinCentric(in, order, ind.bins, ind.counts)) return std::nullopt;
  internal::RightSize(in, ind.bins, ind.counts);
  Evaluate(in, ind);
  return ind;
}

size_t Tournament(const std::vector<Individual>& pop, Random& rng) {
  const auto n = static_cast<int64_t>(pop.size()) - 1;
  const size_t a = static_cast<size_t>(rng.UniformInt(0, n));
  const size_t b = static_cast<size_t>(rng.UniformInt(0, n));
  return Better(pop[a], pop[b]) ? a : b;
}

}  // namespace

StatusOr<GgaResult> GroupingGeneticAlgorithm(const PlacementProblem& problem,
                                             const LowerBounds& bounds,
                                             const std::vector<Placement>& seeds,
                                             const GgaOptions& options, const Clock& clock) {
  CRESCENDO_RETURN_IF_ERROR(ValidateProblem(problem));
  if (options.population_size < 2) {
    return InvalidArgumentError("population_size: expected >= 2, found " +
                                std::to_string(options.population_size));
  }
  const Timestamp start = clock.Now();
  const Instance in = internal::MakeInstance(problem, bounds);
  Random rng(options.seed);
  Search search(in, rng);
  std::vector<Individual> pop;
  for (const Placement& p : seeds) {
    CRESCENDO_RETURN_IF_ERROR(CheckPlacement(problem, p).WithContext("seed placement"));
    pop.push_back(FromPlacement(in, p));
  }
  GgaResult result;
  auto out_of_time = [&] { return clock.Now() - start >= options.time_limit; };
  auto best_index = [&] {
    size_t best = 0;
    for (size_t k = 1; k < pop.size(); ++k) {
      if (Better(pop[k], pop[best])) best = k;
    }
    return best;
  };
  const double target = options.target_cost * (1 + 1e-9);
  // Large problems get a smaller population, so that generations start early: each random
  // first-fit individual costs a pass of minimum-slack packing over every pod. At most 50,000
  // pods over the population: 10,000 pods get 5 individuals (measured with optimize_benchmark,
  // 10 s of CPU: 30 individuals 2.99% above the bound, 10 2.58%, 5 2.05%); up to 1,666 pods
  // keep population_size.
  const int population =
      std::max(2, std::min(options.population_size, std::max(4, 50'000 / std::max(1, in.items))));
  for (int tries = 0;
       static_cast<int>(pop.size()) < population && tries < 4 * population && !out_of_time();
       ++tries) {
    std::optional<Individual> ind = RandomFirstFit(in, rng);
    if (ind) pop.push_back(std::move(*ind));
  }
  if (pop.empty()) {
    return ResourceExhaustedError("the node types' max_count leave no room for every pod");
  }
  size_t best = best_index();
  while (pop[best].cost > target && !out_of_time() &&
         (options.max_generations < 0 || result.generations < options.max_generations)) {
    ++result.generations;
    std::optional<Individual> child;
    if (pop.size() >= 2) {
      const size_t a = Tournament(pop, rng);
      size_t b = Tournament(pop, rng);
      if (a == b) b = (a + 1) % pop.size();
      child = search.Crossover(pop[a], pop[b]);
    }
    if (!child) child = pop[Tournament(pop, rng)];
    if (rng.Uniform() < 0.5 && !search.Mutate(*child)) continue;
    size_t worst = 0;
    bool copy = false;
    for (size_t k = 0; k < pop.size(); ++k) {
      if (Better(pop[worst], pop[k])) worst = k;
      copy = copy || SameScore(pop[k], *child);
    }
    if (copy) continue;
    if (static_cast<int>(pop.size()) < population) {
      pop.push_back(std::move(*child));
    } else if (Better(*child, pop[worst])) {
      pop[worst] = std::move(*child);
    } else {
      continue;
    }
    const size_t now_best = best_index();
    if (now_best != best) ++result.improvements;
    best = now_best;
  }
  result.best = internal::ToPlacement(in, pop[best].bins);
  return result;
}

}  // namespace crescendo::optimize
