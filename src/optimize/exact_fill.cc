#include "optimize/exact_fill.h"

#include <algorithm>
#include <numeric>

namespace crescendo::optimize::internal {
namespace {

// Above this waste allowance (in nodes' capacity) the search has too many ways to close a node
// to be of use.
constexpr double kMaxRelativeWaste = 0.5;
// Completions are counted up to this many (the choice needs only 0, 1 or "several"), with at
// most this many search nodes per item.
constexpr int kCountCap = 2;
constexpr int64_t kCountBudget = 400;
// The large neighbourhood search frees 2 to this many full nodes at a time.
constexpr int64_t kMaxFreedNodes = 12;

class Search {
 public:
  Search(const Instance& in, int type, int resource, std::vector<int> order)
      : in_(in), type_(type), r_(resource), order_(std::move(order)), used_(order_.size(), 0) {}

  // One attempt with at most `budget` search nodes and `randomize` for the second pods.
  std::optional<std::vector<Bin>> Run(int64_t nodes, int64_t waste, int64_t budget, Random& rng) {
    budget_ = budget;
    rng_ = &rng;
    std::fill(used_.begin(), used_.end(), 0);
    bins_.clear();
    first_free_ = 0;
    best_partial_.clear();
    if (Open(nodes, waste)) return bins_;
    return std::nullopt;
  }

  bool Exhausted() const { return budget_ <= 0; }

  // The most nodes closed at once by the last Run (each within the waste allowed).
  const std::vector<Bin>& BestPartial() const { return best_partial_; }

 private:
  int64_t SizeAt(size_t pos) const { return in_.Size(order_[pos])[r_]; }

  // Opens the next node, true when every item is placed. With waste left, the node starts
  // with the largest free item. With none, every node must be exactly full: it starts with the
  // free item that has the fewest ways to be completed to exactly the capacity (the most
  // constrained first, as in exact-cover search), and an item with none ends the branch.
  bool Open(int64_t nodes_left, int64_t waste_left) {
    size_t first = first_free_;
    while (first < order_.size() && used_[first]) ++first;
    if (first == order_.size()) return true;
    if (bins_.size() > best_partial_.size()) best_partial_ = bins_;
    if (nodes_left == 0 || --budget_ <= 0) return false;
    const int64_t saved_min = min_free_;
    for (size_t pos = order_.size(); pos-- > first;) {
      if (!used_[pos]) {
        min_free_ = SizeAt(pos);
        break;
      }
    }
    size_t pick = first;
    if (waste_left == 0) {
      int fewest = kCountCap + 1;
      for (size_t pos = first; pos < order_.size() && fewest > 1; ++pos) {
        if (used_[pos]) continue;
        const int ways = Completions(pos);
        if (ways < fewest) {
          fewest = ways;
          pick = pos;
        }
      }
      if (fewest == 0) return false;
    }
    const size_t saved_first = first_free_;
    first_free_ = first;
    Bin bin = NewBin(in_, type_);
    AddItem(in_, bin, order_[pick]);
    used_[pick] = 1;
    bins_.push_back(bin);
    if (Complete(first, 1, nodes_left, waste_left)) return true;
    bins_.pop_back();
    used_[pick] = 0;
    first_free_ = saved_first;
    min_free_ = saved_min;
    return false;
  }

  // Returns how many sets of free items (up to kCountCap; by sizes in the guiding resource
  // only) complete the item at `pos` to exactly the capacity.
  int Completions(size_t pos) {
    used_[pos] = 1;
    int count = 0;
    int64_t nodes = kCountBudget;
    CountFrom(first_free_, in_.Cap(type_)[r_] - SizeAt(pos), count, nodes);
    used_[pos] = 0;
    budget_ -= 1;  // the count is bounded by kCountBudget; the budget counts search steps
    // A search cut short counts as "many": the item is not known to be constrained.
    return nodes <= 0 ? kCountCap : count;
  }

  void CountFrom(size_t from, int64_t need, int& count, int64_t& nodes) {
    if (need == 0) {
      ++count;
      return;
    }
    const auto begin =
        std::partition_point(order_.begin() + static_cast<std::ptrdiff_t>(from), order_.end(),
                             [&](int item) { return in_.Size(item)[r_] > need; });
    int64_t last = -1;
    for (size_t pos = static_cast<size_t>(begin - order_.begin()); pos < order_.size(); ++pos) {
      if (used_[pos] || SizeAt(pos) == last) continue;
      // What is left must be 0 or room for at least one more item.
      if (need - SizeAt(pos) != 0 && need - SizeAt(pos) < min_free_) continue;
      if (count >= kCountCap || --nodes <= 0) return;
      last = SizeAt(pos);
      used_[pos] = 1;
      CountFrom(pos + 1, need - last, count, nodes);
      used_[pos] = 0;
    }
  }

  // Adds items from position `from` on to the last bin, or closes it.
  bool Complete(size_t from, int depth, int64_t nodes_left, int64_t waste_left) {
    if (--budget_ <= 0) return false;
    // bins_ grows in the recursion: read the last bin through bins_ each time.
    const int64_t room = in_.Cap(type_)[r_] - bins_.back().load[r_];
    // Candidates: free items of size <= room, in decreasing order (binary search on sizes).
    const auto begin =
        std::partition_point(order_.begin() + static_cast<std::ptrdiff_t>(from), order_.end(),
                             [&](int item) { return in_.Size(item)[r_] > room; });
    const size_t lo = static_cast<size_t>(begin - order_.begin());
    const size_t n = order_.size() - lo;
    // The second item of a node starts at a random candidate (wrapping), so restarts differ.
    const size_t offset =
        depth == 1 && n > 1 ? static_cast<size_t>(rng_->UniformInt(0, static_cast<int64_t>(n) - 1))
                            : 0;
    int last_tried = -1;
    for (size_t step = 0; step < n; ++step) {
      const size_t pos = lo + (offset + step) % n;
      if (used_[pos]) continue;
      const int item = order_[pos];
      if (last_tried >= 0 && Same(item, last_tried)) continue;
      // What is left must fit in the waste allowed, or hold at least one more item.
      const int64_t left = room - in_.Size(item)[r_];
      if (left > waste_left && left < min_free_) continue;
      if (!Fits(in_, bins_.back(), item)) continue;
      last_tried = item;
      AddItem(in_, bins_.back(), item);
      used_[pos] = 1;
      if (Complete(pos + 1, depth + 1, nodes_left, waste_left)) return true;
      used_[pos] = 0;
      RemoveAt(in_, bins_.back(), bins_.back().items.size() - 1);
      if (budget_ <= 0) return false;
      // With the offset the scan is not monotone; without it, smaller items only follow.
    }
    if (room <= waste_left) return Open(nodes_left - 1, waste_left - room);
    return false;
  }

  bool Same(int a, int b) const {
    const int64_t* sa = in_.Size(a);
    const int64_t* sb = in_.Size(b);
    return std::equal(sa, sa + in_.dims, sb) && SameRules(in_, a, b);
  }

  const Instance& in_;
  int type_;
  int r_;
  std::vector<int> order_;
  std::vector<char> used_;
  std::vector<Bin> bins_;
  std::vector<Bin> best_partial_;
  size_t first_free_ = 0;
  int64_t min_free_ = 0;  // the smallest free size when the current node opened
  int64_t budget_ = 0;
  Random* rng_ = nullptr;
};

}  // namespace

std::optional<FillWaste> ChooseFillResource(const Instance& in, int type, int64_t nodes) {
  std::optional<FillWaste> best;
  for (int r = 0; r < in.dims; ++r) {
    const int64_t cap = in.Cap(type)[r];
    if (cap <= 0) continue;
    int64_t sum = 0;
    for (int i = 0; i < in.items; ++i) sum += in.Size(i)[r];
    const int64_t w = nodes * cap - sum;
    if (w < 0) return std::nullopt;
    const double relative = static_cast<double>(w) / static_cast<double>(cap);
    if (!best || relative < best->relative) best = FillWaste{r, w, relative};
  }
  if (!best || best->relative > kMaxRelativeWaste) return std::nullopt;
  return best;
}

std::optional<std::vector<Bin>> ExactFill(const Instance& in, int type, int64_t nodes, Random& rng,
                                          const Clock& clock, Timestamp deadline) {
  const std::optional<FillWaste> target = ChooseFillResource(in, type, nodes);
  if (!target) return std::nullopt;
  const int resource = target->resource;
  const int64_t waste = target->waste;
  auto sorted = [&](std::vector<int> items) {
    std::stable_sort(items.begin(), items.end(),
                     [&](int a, int b) { return in.Size(a)[resource] > in.Size(b)[resource]; });
    return items;
  };
  std::vector<int> all(in.items);
  std::iota(all.begin(), all.end(), 0);
  Search search(in, type, resource, sorted(all));
  int64_t budget = 50LL * in.items;
  if (waste > 0) {
    // Restarts with a growing budget.
    while (clock.Now() < deadline) {
      std::optional<std::vector<Bin>> bins = search.Run(nodes, waste, budget, rng);
      if (bins) return bins;
      if (!search.Exhausted()) return std::nullopt;  // the whole tree was searched: no packing
      budget = std::min<int64_t>(budget * 2, 2'000'000);
    }
    return std::nullopt;
  }
  // No waste: one search, then large neighbourhood search from its deepest partial packing:
  // free the pods of a few random full nodes, pack those and the pods still free exactly again
  // (a small search), and keep the result when no more pods are left free than before.
  std::optional<std::vector<Bin>> bins = search.Run(nodes, 0, budget, rng);
  if (bins) return bins;
  if (!search.Exhausted()) return std::nullopt;
  std::vector<Bin> closed = search.BestPartial();
  std::vector<char> packed(in.items, 0);
  for (const Bin& b : closed) {
    for (int item : b.items) packed[item] = 1;
  }
  std::vector<int> free;
  for (int i = 0; i < in.items; ++i) {
    if (!packed[i]) free.push_back(i);
  }
  const int64_t cap = in.Cap(type)[resource];
  while (clock.Now() < deadline) {
    const int64_t k =
        std::min<int64_t>(static_cast<int64_t>(closed.size()), rng.UniformInt(2, kMaxFreedNodes));
    std::vector<int> sub = free;
    for (int64_t j = 0; j < k; ++j) {
      const auto at =
          static_cast<size_t>(rng.UniformInt(0, static_cast<int64_t>(closed.size()) - 1 - j));
      std::swap(closed[at], closed[closed.size() - 1 - static_cast<size_t>(j)]);
    }
    const size_t kept = closed.size() - static_cast<size_t>(k);
    for (size_t b = kept; b < closed.size(); ++b) {
      sub.insert(sub.end(), closed[b].items.begin(), closed[b].items.end());
    }
    int64_t sum = 0;
    for (int item : sub) sum += in.Size(item)[resource];
    Search small(in, type, resource, sorted(sub));
    std::optional<std::vector<Bin>> done =
        small.Run(sum / cap, 0, 200LL * static_cast<int64_t>(sub.size()), rng);
    const std::vector<Bin>& part = done ? *done : small.BestPartial();
    size_t part_items = 0;
    for (const Bin& b : part) part_items += b.items.size();
    if (sub.size() - part_items > free.size()) continue;
    closed.resize(kept);
    closed.insert(closed.end(), part.begin(), part.end());
    std::fill(packed.begin(), packed.end(), 0);
    for (const Bin& b : closed) {
      for (int item : b.items) packed[item] = 1;
    }
    free.clear();
    for (int item : sub) {
      if (!packed[item]) free.push_back(item);
    }
    if (free.empty()) return closed;
  }
  return std::nullopt;
}

}  // namespace crescendo::optimize::internal
