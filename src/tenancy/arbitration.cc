#include "crescendo/tenancy/arbitration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <set>
#include <tuple>

#include "crescendo/base/quantity.h"

namespace crescendo::tenancy {
namespace {

__extension__ typedef __int128 Int128;  // sums of products that may pass 2^63

Status Negative(const std::string& path, int64_t found) {
  return InvalidArgumentError(path + ": found " + std::to_string(found) + ", expected >= 0");
}

Status CheckResources(const Resources& r, const std::string& path) {
  if (r.cpu_millis < 0) return Negative(path + ".cpu", r.cpu_millis);
  if (r.memory_bytes < 0) return Negative(path + ".memory", r.memory_bytes);
  return Status();
}

Status CheckDemand(const ServiceDemand& d, const std::string& path) {
  if (d.service.empty()) return InvalidArgumentError(path + ".service: expected a non-empty name");
  CRESCENDO_RETURN_IF_ERROR(CheckResources(d.per_replica, path + ".per_replica"));
  if (d.replicas < 0) return Negative(path + ".replicas", d.replicas);
  if (d.min_replicas < 0 || d.min_replicas > d.replicas) {
    return InvalidArgumentError(path + ".min_replicas: found " + std::to_string(d.min_replicas) +
                                ", expected 0 <= min_replicas <= replicas (" +
                                std::to_string(d.replicas) + ")");
  }
  if (d.current_replicas && *d.current_replicas < 0) {
    return Negative(path + ".current_replicas", *d.current_replicas);
  }
  return Status();
}

Status CheckTenant(const TenantRequest& t, const std::string& path) {
  if (t.name.empty()) return InvalidArgumentError(path + ".name: expected a non-empty name");
  if (!(t.weight > 0) || !std::isfinite(t.weight)) {
    char found[32];
    std::snprintf(found, sizeof found, "%g", t.weight);
    return InvalidArgumentError(path + ".weight: found " + found + ", expected a number > 0");
  }
  CRESCENDO_RETURN_IF_ERROR(CheckResources(t.guarantee, path + ".guarantee"));
  if (t.quota.cpu_millis && *t.quota.cpu_millis < 0) {
    return Negative(path + ".quota.cpu", *t.quota.cpu_millis);
  }
  if (t.quota.memory_bytes && *t.quota.memory_bytes < 0) {
    return Negative(path + ".quota.memory", *t.quota.memory_bytes);
  }
  if (t.quota.max_replicas && *t.quota.max_replicas < 0) {
    return Negative(path + ".quota.max_replicas", *t.quota.max_replicas);
  }
  std::set<std::string_view> services;
  for (size_t j = 0; j < t.demands.size(); ++j) {
    const std::string at = path + ".demands[" + std::to_string(j) + "]";
    CRESCENDO_RETURN_IF_ERROR(CheckDemand(t.demands[j], at));
    if (!services.insert(t.demands[j].service).second) {
      return InvalidArgumentError(at + ".service: \"" + t.demands[j].service +
                                  "\" appears twice in this tenant, expected unique names");
    }
  }
  return Status();
}

// Returns `guarantee` with a resource it leaves at zero set to the same fraction of the capacity
// as the other: a guarantee of 2 CPUs out of 64 also guarantees 1/32 of the memory.
Resources Completed(const Resources& guarantee, const Resources& capacity) {
  Resources g = guarantee;
  if (g.memory_bytes == 0 && g.cpu_millis > 0 && capacity.cpu_millis > 0) {
    g.memory_bytes =
        static_cast<int64_t>(static_cast<Int128>(capacity.memory_bytes) *
                             std::min(g.cpu_millis, capacity.cpu_millis) / capacity.cpu_millis);
  } else if (g.cpu_millis == 0 && g.memory_bytes > 0 && capacity.memory_bytes > 0) {
    g.cpu_millis = static_cast<int64_t>(static_cast<Int128>(capacity.cpu_millis) *
                                        std::min(g.memory_bytes, capacity.memory_bytes) /
                                        capacity.memory_bytes);
  }
  return g;
}

// Whether `need` more fits under `limit` when `held` is already taken (held <= limit).
bool FitsUnder(int64_t held, int64_t need, int64_t limit) { return need <= limit - held; }

// One tenant while it is being filled.
struct TenantState {
  Resources held;
  int32_t replicas = 0;
  Resources guarantee;
  Resources pool;             // strict: the dedicated pool; otherwise the entitlement
  std::vector<size_t> order;  // service indices by priority, then name
  size_t cursor = 0;          // over 2 * order.size() entries: min pass, then full pass
  uint32_t rank = 0;          // place among equal shares: higher tier first, then name
  Resources free_at_stop;
};

// What stopped a service's next replica.
struct Block {
  CutCause cause;
  Limit limit;
  int64_t value;
};

struct ServiceState {
  int32_t allocated = 0;
  bool blocked = false;
  CutCause cause = CutCause::kCapacity;
  Limit limit = Limit::kCpu;
  int64_t limit_value = 0;
};

class Filler {
 public:
  explicit Filler(const ArbitrationInput& input) : in_(input) {}

  ArbitrationResult Run();

 private:
  void Prepare();
  void FillGuarantees();
  void FillStrict();
  void FillFairShares();
  // Returns the next service of tenant `t` whose next replica fits, marking the ones that no
  // longer fit as blocked; nullopt when none is left.
  std::optional<size_t> NextFit(size_t t);
  // Returns what stops the next replica of `s` in tenant `t`; nullopt when it fits.
  // `guarantee` adds the tenant's guarantee as a limit.
  std::optional<Block> Blocker(size_t t, size_t s, bool guarantee) const;
  void Give(size_t t, size_t s);
  double WeightedShare(size_t t) const;
  ArbitrationResult Collect() const;

  const ArbitrationInput& in_;
  Resources used_;
  std::vector<TenantState> tenants_;
  std::vector<std::vector<ServiceState>> services_;
  std::vector<size_t> by_rank_;  // tenant indices by rank
};

void Filler::Prepare() {
  const size_t n = in_.tenants.size();
  tenants_.resize(n);
  services_.resize(n);
  // Guarantees beyond the capacity shrink by one factor per resource.
  Int128 cpu_sum = 0, memory_sum = 0;
  double weight_sum = 0;
  std::vector<Resources> asked(n);
  for (size_t i = 0; i < n; ++i) {
    asked[i] = Completed(in_.tenants[i].guarantee, in_.capacity);
    cpu_sum += asked[i].cpu_millis;
    memory_sum += asked[i].memory_bytes;
    weight_sum += in_.tenants[i].weight;
  }
  const bool guaranteed = in_.isolation != Isolation::kNone;
  auto scale = [](int64_t g, Int128 sum, int64_t cap) -> int64_t {
    if (sum <= cap) return g;
    return static_cast<int64_t>(static_cast<Int128>(g) * cap / sum);
  };
  Resources reserved;
  for (size_t i = 0; i < n; ++i) {
    const TenantRequest& t = in_.tenants[i];
    TenantState& ts = tenants_[i];
    if (guaranteed) {
      ts.guarantee = {scale(asked[i].cpu_millis, cpu_sum, in_.capacity.cpu_millis),
                      scale(asked[i].memory_bytes, memory_sum, in_.capacity.memory_bytes)};
    }
    reserved.cpu_millis += ts.guarantee.cpu_millis;
    reserved.memory_bytes += ts.guarantee.memory_bytes;
    ts.order.resize(t.demands.size());
    std::iota(ts.order.begin(), ts.order.end(), 0);
    std::sort(ts.order.begin(), ts.order.end(), [&t](size_t a, size_t b) {
      const ServiceDemand& x = t.demands[a];
      const ServiceDemand& y = t.demands[b];
      return std::tie(y.priority, x.service) < std::tie(x.priority, y.service);
    });
    services_[i].resize(t.demands.size());
  }
  const Resources unreserved = {in_.capacity.cpu_millis - reserved.cpu_millis,
                                in_.capacity.memory_bytes - reserved.memory_bytes};
  by_rank_.resize(n);
  std::iota(by_rank_.begin(), by_rank_.end(), 0);
  std::sort(by_rank_.begin(), by_rank_.end(), [this](size_t a, size_t b) {
    const TenantRequest& x = in_.tenants[a];
    const TenantRequest& y = in_.tenants[b];
    return std::tie(y.tier_priority, x.name) < std::tie(x.tier_priority, y.name);
  });
  for (size_t r = 0; r < n; ++r) tenants_[by_rank_[r]].rank = static_cast<uint32_t>(r);
  for (size_t i = 0; i < n; ++i) {
    const double part = in_.tenants[i].weight / weight_sum;
    TenantState& ts = tenants_[i];
    ts.pool = {
        ts.guarantee.cpu_millis +
            static_cast<int64_t>(std::floor(static_cast<double>(unreserved.cpu_millis) * part)),
        ts.guarantee.memory_bytes +
            static_cast<int64_t>(std::floor(static_cast<double>(unreserved.memory_bytes) * part))};
    ts.pool.cpu_millis = std::min(ts.pool.cpu_millis, in_.capacity.cpu_millis);
    ts.pool.memory_bytes = std::min(ts.pool.memory_bytes, in_.capacity.memory_bytes);
  }
}

std::optional<Block> Filler::Blocker(size_t t, size_t s, bool guarantee) const {
  const TenantRequest& tr = in_.tenants[t];
  const TenantState& ts = tenants_[t];
  const Resources& r = tr.demands[s].per_replica;
  if (guarantee && (!FitsUnder(ts.held.cpu_millis, r.cpu_millis, ts.guarantee.cpu_millis) ||
                    !FitsUnder(ts.held.memory_bytes, r.memory_bytes, ts.guarantee.memory_bytes))) {
    return Block{CutCause::kCapacity, Limit::kCpu, 0};  // not a cut: the next step goes on
  }
  if (in_.isolation != Isolation::kNone) {
    const Quota& q = tr.quota;
    if (q.max_replicas && ts.replicas >= *q.max_replicas) {
      return Block{CutCause::kQuota, Limit::kReplicas, *q.max_replicas};
    }
    if (q.cpu_millis && !FitsUnder(ts.held.cpu_millis, r.cpu_millis, *q.cpu_millis)) {
      return Block{CutCause::kQuota, Limit::kCpu, *q.cpu_millis};
    }
    if (q.memory_bytes && !FitsUnder(ts.held.memory_bytes, r.memory_bytes, *q.memory_bytes)) {
      return Block{CutCause::kQuota, Limit::kMemory, *q.memory_bytes};
    }
  }
  if (in_.isolation == Isolation::kStrict) {
    if (!FitsUnder(ts.held.cpu_millis, r.cpu_millis, ts.pool.cpu_millis)) {
      return Block{CutCause::kPool, Limit::kCpu, ts.pool.cpu_millis};
    }
    if (!FitsUnder(ts.held.memory_bytes, r.memory_bytes, ts.pool.memory_bytes)) {
      return Block{CutCause::kPool, Limit::kMemory, ts.pool.memory_bytes};
    }
  }
  if (!FitsUnder(used_.cpu_millis, r.cpu_millis, in_.capacity.cpu_millis)) {
    return Block{CutCause::kCapacity, Limit::kCpu, in_.capacity.cpu_millis};
  }
  if (!FitsUnder(used_.memory_bytes, r.memory_bytes, in_.capacity.memory_bytes)) {
    return Block{CutCause::kCapacity, Limit::kMemory, in_.capacity.memory_bytes};
  }
  return std::nullopt;
}

void Filler::Give(size_t t, size_t s) {
  const Resources& r = in_.tenants[t].demands[s].per_replica;
  TenantState& ts = tenants_[t];
  ts.held.cpu_millis += r.cpu_millis;
  ts.held.memory_bytes += r.memory_bytes;
  ts.replicas += 1;
  used_.cpu_millis += r.cpu_millis;
  used_.memory_bytes += r.memory_bytes;
  services_[t][s].allocated += 1;
}

void Filler::FillGuarantees() {
  for (size_t t = 0; t < in_.tenants.size(); ++t) {
    const TenantState& ts = tenants_[t];
    const std::vector<ServiceDemand>& demands = in_.tenants[t].demands;
    const size_t n = ts.order.size();
    for (size_t k = 0; k < 2 * n; ++k) {
      const size_t s = ts.order[k % n];
      const int32_t target = k < n ? demands[s].min_replicas : demands[s].replicas;
      while (services_[t][s].allocated < target && !Blocker(t, s, true)) Give(t, s);
    }
  }
}

std::optional<size_t> Filler::NextFit(size_t t) {
  TenantState& ts = tenants_[t];
  const std::vector<ServiceDemand>& demands = in_.tenants[t].demands;
  const size_t n = ts.order.size();
  for (; ts.cursor < 2 * n; ++ts.cursor) {
    const size_t s = ts.order[ts.cursor % n];
    ServiceState& st = services_[t][s];
    const int32_t target = ts.cursor < n ? demands[s].min_replicas : demands[s].replicas;
    if (st.blocked || st.allocated >= target) continue;
    if (auto blocker = Blocker(t, s, false)) {
      st.blocked = true;
      st.cause = blocker->cause;
      st.limit = blocker->limit;
      st.limit_value = blocker->value;
      continue;
    }
    return s;
  }
  return std::nullopt;
}

void Filler::FillStrict() {
  for (size_t t = 0; t < in_.tenants.size(); ++t) {
    while (std::optional<size_t> s = NextFit(t)) Give(t, *s);
  }
}

double Filler::WeightedShare(size_t t) const {
  return DominantShare(tenants_[t].held, in_.capacity) / in_.tenants[t].weight;
}

void Filler::FillFairShares() {
  // A binary min-heap on (weighted dominant share, rank). The tenant at the root keeps the turn
  // while it stays below both children (the next in line), and is then sifted down in place:
  // one heap move per turn instead of a pop and a push.
  using Key = std::pair<double, uint32_t>;
  auto key = [this](size_t t) { return Key{WeightedShare(t), tenants_[t].rank}; };
  std::vector<Key> heap;
  heap.reserve(in_.tenants.size());
  for (size_t t = 0; t < in_.tenants.size(); ++t) heap.push_back(key(t));
  std::make_heap(heap.begin(), heap.end(), std::greater<Key>());
  auto sift_down = [&heap] {
    const size_t n = heap.size();
    size_t i = 0;
    const Key moving = heap[0];
    for (size_t child = 1; child < n; child = 2 * i + 1) {
      if (child + 1 < n && heap[child + 1] < heap[child]) ++child;
      if (!(heap[child] < moving)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = moving;
  };
  while (!heap.empty()) {
    const size_t t = by_rank_[heap[0].second];
    const size_t n = heap.size();
    const Key next = n > 2 ? std::min(heap[1], heap[2]) : n > 1 ? heap[1] : Key{HUGE_VAL, 0};
    bool done = false;
    do {
      std::optional<size_t> s = NextFit(t);
      if (!s) {
        tenants_[t].free_at_stop = {in_.capacity.cpu_millis - used_.cpu_millis,
                                    in_.capacity.memory_bytes - used_.memory_bytes};
        done = true;
        break;
      }
      Give(t, *s);
    } while (n == 1 || key(t) < next);
    if (done) {
      heap[0] = heap.back();
      heap.pop_back();
    } else {
      heap[0] = key(t);
    }
    if (!heap.empty()) sift_down();
  }
}

ArbitrationResult Filler::Collect() const {
  ArbitrationResult result;
  result.used = used_;
  std::vector<double> weighted;
  for (size_t t = 0; t < in_.tenants.size(); ++t) {
    const TenantRequest& tr = in_.tenants[t];
    const TenantState& ts = tenants_[t];
    TenantAllocation a;
    a.allocated = ts.held;
    a.replicas = ts.replicas;
    a.dominant_share = DominantShare(ts.held, in_.capacity);
    a.entitlement = ts.pool;
    a.entitlement_share = DominantShare(ts.pool, in_.capacity);
    a.guarantee = ts.guarantee;
    a.free_at_stop = ts.free_at_stop;
    a.borrowing =
        in_.isolation == Isolation::kSoft &&
        (ts.held.cpu_millis > ts.pool.cpu_millis || ts.held.memory_bytes > ts.pool.memory_bytes);
    // Borrowing before: what runs now is above the entitlement.
    Int128 cpu_now = 0, memory_now = 0;
    int64_t demanded = 0;
    std::vector<int32_t> replicas;
    for (size_t s = 0; s < tr.demands.size(); ++s) {
      const ServiceDemand& d = tr.demands[s];
      const int32_t current = d.current_replicas.value_or(0);
      cpu_now += static_cast<Int128>(current) * d.per_replica.cpu_millis;
      memory_now += static_cast<Int128>(current) * d.per_replica.memory_bytes;
      demanded += d.replicas;
      replicas.push_back(services_[t][s].allocated);
    }
    const bool borrowed_before =
        in_.isolation == Isolation::kSoft &&
        (cpu_now > ts.pool.cpu_millis || memory_now > ts.pool.memory_bytes);
    for (size_t s = 0; s < tr.demands.size(); ++s) {
      const ServiceDemand& d = tr.demands[s];
      const ServiceState& st = services_[t][s];
      if (st.allocated >= d.replicas) continue;
      Cut cut;
      cut.tenant = t;
      cut.service = s;
      cut.demanded = d.replicas;
      cut.allocated = st.allocated;
      cut.cause = st.cause;
      cut.reclaimed = borrowed_before && d.current_replicas.value_or(0) > st.allocated;
      cut.limit = st.limit;
      cut.limit_value = st.limit_value;
      result.cuts.push_back(std::move(cut));
    }
    if (demanded > 0) weighted.push_back(a.dominant_share / tr.weight);
    result.replicas.push_back(std::move(replicas));
    result.tenants.push_back(a);
  }
  result.jain_index = JainIndex(weighted);
  return result;
}

ArbitrationResult Filler::Run() {
  Prepare();
  if (in_.isolation == Isolation::kStrict) {
    FillStrict();
  } else {
    if (in_.isolation == Isolation::kSoft) FillGuarantees();
    FillFairShares();
  }
  return Collect();
}

}  // namespace

std::string_view IsolationName(Isolation isolation) {
  switch (isolation) {
    case Isolation::kStrict:
      return "strict";
    case Isolation::kSoft:
      return "soft";
    case Isolation::kNone:
      return "none";
  }
  return "soft";
}

std::optional<Isolation> ParseIsolation(std::string_view text) {
  for (Isolation i : {Isolation::kStrict, Isolation::kSoft, Isolation::kNone}) {
    if (IsolationName(i) == text) return i;
  }
  return std::nullopt;
}

std::string CpuText(int64_t millis) { return Quantity::FromMilli(millis).ToString(); }

std::string MemoryText(int64_t bytes) {
  const bool binary = bytes % (int64_t{1} << 20) == 0;
  return Quantity::FromInt(bytes,
                           binary ? Quantity::Format::kBinarySI : Quantity::Format::kDecimalSI)
      .ToString();
}

double DominantShare(const Resources& amount, const Resources& capacity) {
  auto share = [](int64_t a, int64_t c) {
    if (a <= 0) return 0.0;
    if (c <= 0) return 1.0;
    return static_cast<double>(a) / static_cast<double>(c);
  };
  return std::max(share(amount.cpu_millis, capacity.cpu_millis),
                  share(amount.memory_bytes, capacity.memory_bytes));
}

double JainIndex(const std::vector<double>& values) {
  double sum = 0, squares = 0;
  for (double v : values) {
    sum += v;
    squares += v * v;
  }
  if (values.empty() || squares <= 0) return 1.0;
  return sum * sum / (static_cast<double>(values.size()) * squares);
}

Status Validate(const ArbitrationInput& input) {
  CRESCENDO_RETURN_IF_ERROR(CheckResources(input.capacity, "capacity"));
  std::set<std::string_view> names;
  for (size_t i = 0; i < input.tenants.size(); ++i) {
    const std::string path = "tenants[" + std::to_string(i) + "]";
    CRESCENDO_RETURN_IF_ERROR(CheckTenant(input.tenants[i], path));
    if (!names.insert(input.tenants[i].name).second) {
      return InvalidArgumentError(path + ".name: \"" + input.tenants[i].name +
                                  "\" appears twice, expected unique tenant names");
    }
  }
  return Status();
}

std::string ExplainCut(const ArbitrationInput& input, const ArbitrationResult& result,
                       const Cut& cut) {
  const TenantRequest& tr = input.tenants[cut.tenant];
  const TenantAllocation& a = result.tenants[cut.tenant];
  char shares[160];
  std::snprintf(shares, sizeof shares, "dominant share %.3f against entitlement %.3f, weight %g",
                a.dominant_share, a.entitlement_share, tr.weight);
  std::string limit;
  switch (cut.limit) {
    case Limit::kCpu:
      limit = "cpu " + CpuText(cut.limit_value);
      break;
    case Limit::kMemory:
      limit = "memory " + MemoryText(cut.limit_value);
      break;
    case Limit::kReplicas:
      limit = std::to_string(cut.limit_value) + " replicas";
      break;
  }
  std::string why;
  switch (cut.cause) {
    case CutCause::kCapacity:
      why = "cluster " + limit + " exhausted";
      break;
    case CutCause::kQuota:
      why = "quota of " + limit + " reached";
      break;
    case CutCause::kPool:
      why = "dedicated pool " + limit + " full";
      break;
  }
  if (cut.reclaimed) why = "borrowed capacity reclaimed, " + why;
  return "tenant " + tr.name + " (" + (tr.tier.empty() ? "no tier" : tr.tier) + ") " + shares +
         ": " + why + "; " + std::to_string(cut.allocated) + " of " + std::to_string(cut.demanded) +
         " replicas";
}

StatusOr<ArbitrationResult> Arbitrate(const ArbitrationInput& input) {
  CRESCENDO_RETURN_IF_ERROR(Validate(input));
  return Filler(input).Run();
}

}  // namespace crescendo::tenancy
