#include "optimize/packing.h"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <utility>

namespace crescendo::optimize::internal {
namespace {

// Binds each pod of a service spread over zones to one zone (placement.h, ZoneQuotas): the
// service's pods, largest first, are dealt to the zones in turn until each holds its quota
// (skipping a zone none of whose types may take the pod while another can), and the types of
// the other zones are barred in `allowed` (items x types). Any placement that
// keeps to `allowed` then keeps the skew. Returns true when it barred a type.
bool BindToZones(const PlacementProblem& problem, const Instance& in, std::vector<char>& allowed) {
  bool barred = false;
  std::vector<std::string> type_zone;
  for (const NodeType& t : problem.node_types) type_zone.push_back(ZoneOf(t));
  for (const ZoneSpread& spread : ZoneSpreads(problem)) {
    StatusOr<std::vector<int64_t>> quota = ZoneQuotas(problem, spread);
    if (!quota.ok()) continue;  // ValidateProblem rejects the problem
    std::vector<int> pods = spread.pods;
    std::stable_sort(pods.begin(), pods.end(),
                     [&](int a, int b) { return in.weight[a] > in.weight[b]; });
    // A zone may take the pod when one of its types may (pods of a service may differ).
    auto takes = [&](int pod, size_t zone) {
      for (int t = 0; t < in.types; ++t) {
        if (type_zone[t] == spread.zones[zone] && in.max_count[t] != 0 &&
            allowed[static_cast<size_t>(pod) * in.types + t] && FitsLoad(in, in.Size(pod), t)) {
          return true;
        }
      }
      return false;
    };
    const size_t zones = quota->size();
    size_t z = 0;
    for (int pod : pods) {
      // The next zone in turn with quota left that takes the pod, else with quota left.
      size_t pick = zones;
      for (size_t step = 0; step < zones && pick == zones; ++step) {
        const size_t c = (z + step) % zones;
        if ((*quota)[c] > 0 && takes(pod, c)) pick = c;
      }
      for (size_t step = 0; step < zones && pick == zones; ++step) {
        if ((*quota)[(z + step) % zones] > 0) pick = (z + step) % zones;
      }
      z = pick;
      --(*quota)[z];
      for (int t = 0; t < in.types; ++t) {
        if (type_zone[t] != spread.zones[z]) {
          barred = true;
          allowed[static_cast<size_t>(pod) * in.types + t] = 0;
        }
      }
      z = (z + 1) % zones;
    }
  }
  return barred;
}

}  // namespace

Instance MakeInstance(const PlacementProblem& problem, const LowerBounds& bounds) {
  Instance in;
  in.dims = static_cast<int>(problem.resources.size());
  in.items = static_cast<int>(problem.pods.size());
  in.types = static_cast<int>(problem.node_types.size());
  std::vector<double> largest(in.dims, 0);
  for (const NodeType& t : problem.node_types) {
    for (int r = 0; r < in.dims; ++r) {
      in.cap.push_back(t.capacity[r]);
      largest[r] = std::max(largest[r], static_cast<double>(t.capacity[r]));
    }
    in.price.push_back(t.price_per_hour);
    in.max_count.push_back(t.max_count.value_or(-1));
  }
  const bool priced = std::any_of(bounds.resource_prices.begin(), bounds.resource_prices.end(),
                                  [](double p) { return p > 0; });
  for (const Pod& p : problem.pods) {
    double w = 0, v = 0;
    for (int r = 0; r < in.dims; ++r) {
      in.size.push_back(p.demand[r]);
      if (largest[r] > 0) w += p.demand[r] / largest[r];
      if (priced) v += p.demand[r] * bounds.resource_prices[r];
    }
    in.weight.push_back(w);
    in.value.push_back(priced ? v : w);
  }
  for (int t = 0; t < in.types; ++t) {
    double v = 0;
    for (int r = 0; r < in.dims; ++r) {
      if (priced) {
        v += in.Cap(t)[r] * bounds.resource_prices[r];
      } else if (largest[r] > 0) {
        v += in.Cap(t)[r] / largest[r];
      }
    }
    in.type_value.push_back(v);
  }
  // Constraints: the allowed types per pod, the services with a max_per_node, rule classes.
  in.group.assign(in.items, -1);
  in.rule_class.assign(in.items, 0);
  std::map<std::string, int> groups;
  bool any_conflict = false;
  std::vector<char> allowed(static_cast<size_t>(in.items) * in.types, 1);
  for (int i = 0; i < in.items; ++i) {
    const Pod& pod = problem.pods[i];
    if (pod.max_per_node > 0) {
      auto [it, fresh] = groups.emplace(pod.service, static_cast<int>(groups.size()));
      if (fresh) in.group_cap.push_back(pod.max_per_node);
      in.group[i] = it->second;
    }
    for (int t = 0; t < in.types; ++t) {
      if (PodTypeConflict(problem, i, t)) {
        allowed[static_cast<size_t>(i) * in.types + t] = 0;
        any_conflict = true;
      }
    }
  }
  if (BindToZones(problem, in, allowed)) any_conflict = true;
  if (any_conflict) in.allowed = std::move(allowed);
  std::map<std::pair<std::string, int>, int> classes;  // (allowed row, group) -> class
  for (int i = 0; i < in.items; ++i) {
    std::string row;
    if (!in.allowed.empty()) {
      row.assign(in.allowed.begin() + static_cast<std::ptrdiff_t>(i) * in.types,
                 in.allowed.begin() + static_cast<std::ptrdiff_t>(i + 1) * in.types);
    }
    in.rule_class[i] =
        classes.emplace(std::make_pair(row, in.group[i]), static_cast<int>(classes.size()))
            .first->second;
  }
  return in;
}

bool BinAllowedOn(const Instance& in, const Bin& bin, int type) {
  if (in.allowed.empty()) return true;
  return std::all_of(bin.items.begin(), bin.items.end(),
                     [&](int item) { return AllowedOn(in, item, type); });
}

int GroupCount(const Instance& in, const Bin& bin, int group) {
  return static_cast<int>(std::count_if(bin.items.begin(), bin.items.end(),
                                        [&](int item) { return in.group[item] == group; }));
}

bool FitsLoad(const Instance& in, const int64_t* load, int type) {
  const int64_t* cap = in.Cap(type);
  for (int r = 0; r < in.dims; ++r) {
    if (load[r] > cap[r]) return false;
  }
  return true;
}

bool Fits(const Instance& in, const Bin& bin, int item) {
  const int64_t* cap = in.Cap(bin.type);
  const int64_t* s = in.Size(item);
  for (int r = 0; r < in.dims; ++r) {
    if (bin.load[r] + s[r] > cap[r]) return false;
  }
  if (!AllowedOn(in, item, bin.type)) return false;
  const int g = in.group[item];
  return g < 0 || GroupCount(in, bin, g) < in.group_cap[g];
}

Bin NewBin(const Instance& in, int type) {
  Bin b;
  b.type = type;
  b.load.assign(in.dims, 0);
  return b;
}

void AddItem(const Instance& in, Bin& bin, int item) {
  const int64_t* s = in.Size(item);
  for (int r = 0; r < in.dims; ++r) bin.load[r] += s[r];
  bin.weight += in.weight[item];
  bin.items.push_back(item);
}

void RemoveAt(const Instance& in, Bin& bin, size_t pos) {
  const int item = bin.items[pos];
  const int64_t* s = in.Size(item);
  for (int r = 0; r < in.dims; ++r) bin.load[r] -= s[r];
  bin.weight -= in.weight[item];
  bin.items[pos] = bin.items.back();
  bin.items.pop_back();
}

double Fill(const Instance& in, const Bin& bin) {
  const int64_t* cap = in.Cap(bin.type);
  double sum = 0;
  int n = 0;
  for (int r = 0; r < in.dims; ++r) {
    if (cap[r] <= 0) continue;
    sum += static_cast<double>(bin.load[r]) / static_cast<double>(cap[r]);
    ++n;
  }
  return n == 0 ? 0 : sum / n;
}

bool Available(const Instance& in, const Counts& counts, int type) {
  return in.max_count[type] < 0 || counts[type] < in.max_count[type];
}

int CheapestTypeFor(const Instance& in, const Bin& bin, const Counts& counts) {
  const int current = bin.type;
  int best = -1;
  for (int t = 0; t < in.types; ++t) {
    if (t != current && !Available(in, counts, t)) continue;
    if (!FitsLoad(in, bin.load.data(), t) || !BinAllowedOn(in, bin, t)) continue;
    if (best < 0 || in.price[t] < in.price[best] ||
        (in.price[t] == in.price[best] && t == current)) {
      best = t;
    }
  }
  return best;
}

void RightSize(const Instance& in, std::vector<Bin>& bins, Counts& counts, size_t first) {
  if (in.types == 1) return;
  for (size_t b = first; b < bins.size(); ++b) {
    const int t = CheapestTypeFor(in, bins[b], counts);
    if (t < 0 || t == bins[b].type) continue;
    --counts[bins[b].type];
    ++counts[t];
    bins[b].type = t;
  }
}

std::vector<int> DecreasingOrder(const Instance& in, std::vector<int> items) {
  std::sort(items.begin(), items.end(), [&](int a, int b) {
    if (in.weight[a] != in.weight[b]) return in.weight[a] > in.weight[b];
    return a < b;
  });
  return items;
}

namespace {

// Value per price within this fraction of the best counts as a tie, won by the larger type:
// list prices are nearly linear in size, and a larger node packs with less waste (the last
// nodes are right-sized anyway).
constexpr double kRatioTie = 0.01;

// Returns the available type holding `item` that gives the most capacity value per price
// (near-ties: the larger value); -1 when none.
int MostCostEffectiveType(const Instance& in, const Counts& counts, int item) {
  double best_ratio = 0;
  for (int t = 0; t < in.types; ++t) {
    if (Available(in, counts, t) && FitsLoad(in, in.Size(item), t) && AllowedOn(in, item, t)) {
      best_ratio = std::max(best_ratio, in.type_value[t] / in.price[t]);
    }
  }
  int best = -1;
  for (int t = 0; t < in.types; ++t) {
    if (!Available(in, counts, t) || !FitsLoad(in, in.Size(item), t)) continue;
    if (!AllowedOn(in, item, t)) continue;
    if (in.type_value[t] / in.price[t] < best_ratio * (1 - kRatioTie)) continue;
    if (best < 0 || in.type_value[t] > in.type_value[best]) best = t;
  }
  return best;
}

// Returns the slack left in `bin` after adding `item`: the sum over resources of free / cap.
double SlackAfter(const Instance& in, const Bin& bin, int item) {
  const int64_t* cap = in.Cap(bin.type);
  const int64_t* s = in.Size(item);
  double slack = 0;
  for (int r = 0; r < in.dims; ++r) {
    if (cap[r] > 0) slack += static_cast<double>(cap[r] - bin.load[r] - s[r]) / cap[r];
  }
  return slack;
}

// Minimum bin slack (after Gupta and Ho, "A new heuristic algorithm for the one-dimensional
// bin-packing problem", Production Planning & Control 10 (1999), with Fleszar and Hindi's
// MBS' change of fixing the largest item, Computers & OR 29 (2002)): fills `bin` with the subset
// of the unused items `left[from..]` that leaves the least normalized slack, by a depth-first
// search of at most `budget` nodes; stops at once at zero slack.
class MinSlackFill {
 public:
  MinSlackFill(const Instance& in, const std::vector<int>& left, const std::vector<char>& used,
               int64_t budget)
      : in_(in), left_(left), used_(used), budget_(budget) {}

  // Returns the chosen positions in `left`.
  std::vector<size_t> Run(Bin bin, size_t from) {
    best_slack_ = Slack(bin);
    Search(bin, from);
    return best_;
  }

 private:
  double Slack(const Bin& bin) const {
    const int64_t* cap = in_.Cap(bin.type);
    double slack = 0;
    for (int r = 0; r < in_.dims; ++r) {
      if (cap[r] > 0) slack += static_cast<double>(cap[r] - bin.load[r]) / cap[r];
    }
    return slack;
  }

  void Search(Bin& bin, size_t from) {
    for (size_t k = from; k < left_.size(); ++k) {
      if (budget_ <= 0 || best_slack_ <= 1e-12) return;
      --budget_;
      if (used_[k] || !Fits(in_, bin, left_[k])) continue;
      AddItem(in_, bin, left_[k]);
      chosen_.push_back(k);
      const double slack = Slack(bin);
      if (slack < best_slack_ - 1e-12) {
        best_slack_ = slack;
        best_ = chosen_;
      }
      Search(bin, k + 1);
      chosen_.pop_back();
      RemoveAt(in_, bin, bin.items.size() - 1);
    }
  }

  const Instance& in_;
  const std::vector<int>& left_;
  const std::vector<char>& used_;
  int64_t budget_;
  double best_slack_ = 0;
  std::vector<size_t> chosen_;
  std::vector<size_t> best_;
};

// Items the minimum-slack search may examine per new bin, beyond one pass over them all.
constexpr int64_t kMinSlackBudget = 20000;

}  // namespace

bool PackItems(const Instance& in, const std::vector<int>& items, FitRule rule,
               std::vector<Bin>& bins, Counts& counts) {
  for (int item : items) {
    int chosen = -1;
    double best_slack = std::numeric_limits<double>::infinity();
    for (size_t b = 0; b < bins.size(); ++b) {
      if (!Fits(in, bins[b], item)) continue;
      if (rule == FitRule::kFirst) {
        chosen = static_cast<int>(b);
        break;
      }
      const double slack = SlackAfter(in, bins[b], item);
      if (slack < best_slack) {
        best_slack = slack;
        chosen = static_cast<int>(b);
      }
    }
    if (chosen < 0) {
      const int t = MostCostEffectiveType(in, counts, item);
      if (t < 0) return false;
      bins.push_back(NewBin(in, t));
      ++counts[t];
      chosen = static_cast<int>(bins.size()) - 1;
    }
    AddItem(in, bins[chosen], item);
  }
  return true;
}

bool PackItemsBinCentric(const Instance& in, const std::vector<int>& items, std::vector<Bin>& bins,
                         Counts& counts) {
  std::vector<int> left;
  for (int item : items) {
    bool placed = false;
    for (Bin& b : bins) {
      if (Fits(in, b, item)) {
        AddItem(in, b, item);
        placed = true;
        break;
      }
    }
    if (!placed) left.push_back(item);
  }
  std::vector<char> used(left.size(), 0);
  size_t first = 0;
  while (true) {
    while (first < left.size() && used[first]) ++first;
    if (first == left.size()) return true;
    std::vector<double> score(in.types, -1);
    double best_score = -1;
    for (int t = 0; t < in.types; ++t) {
      if (!Available(in, counts, t) || !FitsLoad(in, in.Size(left[first]), t)) continue;
      if (!AllowedOn(in, left[first], t)) continue;
      if (in.types == 1) {
        score[t] = best_score = 1;
        break;
      }
      Bin trial = NewBin(in, t);
      AddItem(in, trial, left[first]);
      double value = in.value[left[first]];
      for (size_t k = first + 1; k < left.size(); ++k) {
        if (used[k] || !Fits(in, trial, left[k])) continue;
        AddItem(in, trial, left[k]);
        value += in.value[left[k]];
      }
      score[t] = value / in.price[t];
      best_score = std::max(best_score, score[t]);
    }
    int best_type = -1;
    for (int t = 0; t < in.types; ++t) {
      if (score[t] < 0 || score[t] < best_score * (1 - kRatioTie)) continue;
      if (best_type < 0 || in.type_value[t] > in.type_value[best_type]) best_type = t;
    }
    if (best_type < 0) return false;
    Bin bin = NewBin(in, best_type);
    ++counts[best_type];
    AddItem(in, bin, left[first]);
    used[first] = 1;
    for (size_t k :
         MinSlackFill(in, left, used, kMinSlackBudget + static_cast<int64_t>(left.size()))
             .Run(bin, first + 1)) {
      AddItem(in, bin, left[k]);
      used[k] = 1;
    }
    bins.push_back(std::move(bin));
    RightSize(in, bins, counts, bins.size() - 1);
  }
}

double BinsCost(const Instance& in, const std::vector<Bin>& bins) {
  double cost = 0;
  for (const Bin& b : bins) cost += in.price[b.type];
  return cost;
}

Placement ToPlacement(const Instance& in, const std::vector<Bin>& bins) {
  Placement p;
  for (const Bin& b : bins) {
    if (b.items.empty()) continue;
    PlacedNode node{.type = b.type, .pods = b.items};
    std::sort(node.pods.begin(), node.pods.end());
    p.nodes.push_back(std::move(node));
    p.cost += in.price[b.type];
  }
  return p;
}

Counts CountTypes(const Instance& in, const std::vector<Bin>& bins) {
  Counts c(in.types, 0);
  for (const Bin& b : bins) ++c[b.type];
  return c;
}

}  // namespace crescendo::optimize::internal
