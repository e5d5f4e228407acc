// Properties of the arbitration on random inputs (seeded, so every failure reproduces):
//   - no allocation exceeds the capacity, a demand or a quota;
//   - each tenant holds at least its guarantee or its demand (up to one replica);
//   - weighted envy-freeness up to one replica: no tenant would rather have another's allocation,
//     scaled by their weights and less one of its replicas;
//   - Pareto efficiency up to one replica: no waiting service has a replica that still fits, so
//     no capacity is left idle that a waiting tenant could use;
//   - strict: no tenant leaves its dedicated pool, and none leaves room in it unused.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "crescendo/base/random.h"
#include "crescendo/tenancy/arbitration.h"

namespace crescendo::tenancy {
namespace {

constexpr int kCases = 400;

struct Shape {
  bool guarantees = true;
  bool quotas = true;
  bool single_service = false;
  Isolation isolation = Isolation::kSoft;
};

ArbitrationInput RandomInput(uint64_t seed, const Shape& shape) {
  Random rng(seed);
  ArbitrationInput in;
  in.isolation = shape.isolation;
  in.capacity = {rng.UniformInt(0, 64) * 500, rng.UniformInt(0, 64) * (int64_t{1} << 29)};
  const int tenants = static_cast<int>(rng.UniformInt(1, 6));
  for (int t = 0; t < tenants; ++t) {
    TenantRequest tr;
    tr.name = "t" + std::to_string(t);
    tr.tier_priority = static_cast<int32_t>(rng.UniformInt(0, 3) * 100);
    tr.tier = "tier" + std::to_string(tr.tier_priority);
    tr.weight = static_cast<double>(rng.UniformInt(1, 4));
    if (shape.guarantees && rng.Uniform() < 0.5) {
      tr.guarantee = {rng.UniformInt(0, 12) * 500, rng.UniformInt(0, 12) * (int64_t{1} << 29)};
    }
    if (shape.quotas && rng.Uniform() < 0.4) {
      if (rng.Uniform() < 0.5) tr.quota.cpu_millis = rng.UniformInt(0, 20) * 700;
      if (rng.Uniform() < 0.5) tr.quota.memory_bytes = rng.UniformInt(0, 20) * (int64_t{1} << 29);
      if (rng.Uniform() < 0.5) tr.quota.max_replicas = static_cast<int32_t>(rng.UniformInt(0, 15));
    }
    const int services = shape.single_service ? 1 : static_cast<int>(rng.UniformInt(0, 4));
    for (int s = 0; s < services; ++s) {
      ServiceDemand d;
      d.service = "s" + std::to_string(s);
      d.per_replica = {rng.UniformInt(0, 8) * 250, rng.UniformInt(0, 8) * (int64_t{1} << 28)};
      d.replicas = static_cast<int32_t>(rng.UniformInt(0, 20));
      d.min_replicas = static_cast<int32_t>(rng.UniformInt(0, d.replicas));
      d.priority = static_cast<int32_t>(rng.UniformInt(0, 2));
      tr.demands.push_back(d);
    }
    in.tenants.push_back(std::move(tr));
  }
  return in;
}

bool Fits(const Resources& held, const Resources& more, const Resources& limit) {
  return held.cpu_millis + more.cpu_millis <= limit.cpu_millis &&
         held.memory_bytes + more.memory_bytes <= limit.memory_bytes;
}

Resources Plus(Resources a, const Resources& b) {
  a.cpu_millis += b.cpu_millis;
  a.memory_bytes += b.memory_bytes;
  return a;
}

// Whether tenant t may still take one more replica of service s under its quota.
bool QuotaAllows(const TenantRequest& t, const TenantAllocation& a, const Resources& r) {
  const Quota& q = t.quota;
  if (q.max_replicas && a.replicas + 1 > *q.max_replicas) return false;
  if (q.cpu_millis && a.allocated.cpu_millis + r.cpu_millis > *q.cpu_millis) return false;
  if (q.memory_bytes && a.allocated.memory_bytes + r.memory_bytes > *q.memory_bytes) return false;
  return true;
}

void CheckBounds(const ArbitrationInput& in, const ArbitrationResult& r) {
  Resources used;
  for (size_t t = 0; t < in.tenants.size(); ++t) {
    const TenantRequest& tr = in.tenants[t];
    Resources held;
    int32_t replicas = 0;
    for (size_t s = 0; s < tr.demands.size(); ++s) {
      const int32_t n = r.replicas[t][s];
      ASSERT_GE(n, 0);
      ASSERT_LE(n, tr.demands[s].replicas) << tr.name << "/" << tr.demands[s].service;
      held.cpu_millis += n * tr.demands[s].per_replica.cpu_millis;
      held.memory_bytes += n * tr.demands[s].per_replica.memory_bytes;
      replicas += n;
    }
    ASSERT_EQ(held, r.tenants[t].allocated);
    ASSERT_EQ(replicas, r.tenants[t].replicas);
    if (in.isolation != Isolation::kNone) {
      const Quota& q = tr.quota;
      EXPECT_LE(replicas, q.max_replicas.value_or(replicas)) << tr.name;
      EXPECT_LE(held.cpu_millis, q.cpu_millis.value_or(held.cpu_millis)) << tr.name;
      EXPECT_LE(held.memory_bytes, q.memory_bytes.value_or(held.memory_bytes)) << tr.name;
    }
    if (in.isolation == Isolation::kStrict) {
      EXPECT_TRUE(Fits(held, {}, r.tenants[t].entitlement)) << tr.name << " left its pool";
    }
    used = Plus(used, held);
  }
  EXPECT_EQ(used, r.used);
  EXPECT_TRUE(Fits(used, {}, in.capacity));
}

// Each tenant holds its guarantee or its demand: every service still waiting has a replica
// that would take the tenant past its guarantee in some resource.
void CheckGuarantees(const ArbitrationInput& in, const ArbitrationResult& r) {
  for (size_t t = 0; t < in.tenants.size(); ++t) {
    const TenantRequest& tr = in.tenants[t];
    for (size_t s = 0; s < tr.demands.size(); ++s) {
      const ServiceDemand& d = tr.demands[s];
      if (r.replicas[t][s] >= d.replicas) continue;
      if (!QuotaAllows(tr, r.tenants[t], d.per_replica)) continue;  // a quota caps it first
      EXPECT_FALSE(Fits(r.tenants[t].allocated, d.per_replica, r.tenants[t].guarantee))
          << tr.name << "/" << d.service << " waits below its guarantee";
    }
  }
}

// No waiting service has a replica that fits what is left (of the capacity, its quota, and in
// strict its pool).
void CheckNoUsableIdleCapacity(const ArbitrationInput& in, const ArbitrationResult& r) {
  for (size_t t = 0; t < in.tenants.size(); ++t) {
    const TenantRequest& tr = in.tenants[t];
    for (size_t s = 0; s < tr.demands.size(); ++s) {
      const ServiceDemand& d = tr.demands[s];
      if (r.replicas[t][s] >= d.replicas) continue;
      bool fits = Fits(r.used, d.per_replica, in.capacity);
      if (in.isolation != Isolation::kNone)
        fits = fits && QuotaAllows(tr, r.tenants[t], d.per_replica);
      if (in.isolation == Isolation::kStrict) {
        fits = fits && Fits(r.tenants[t].allocated, d.per_replica, r.tenants[t].entitlement);
      }
      EXPECT_FALSE(fits) << tr.name << "/" << d.service << " waits while one more replica fits";
    }
  }
}

std::string Dump(const ArbitrationInput& in, const ArbitrationResult& r) {
  std::string out = "capacity " + std::to_string(in.capacity.cpu_millis) + "m " +
                    std::to_string(in.capacity.memory_bytes >> 20) + "Mi\n";
  for (size_t t = 0; t < in.tenants.size(); ++t) {
    const TenantRequest& tr = in.tenants[t];
    out += tr.name + " w" + std::to_string(tr.weight) + " tier " + std::to_string(tr.tier_priority);
    for (size_t s = 0; s < tr.demands.size(); ++s) {
      const ServiceDemand& d = tr.demands[s];
      out += " [" + std::to_string(d.per_replica.cpu_millis) + "m " +
             std::to_string(d.per_replica.memory_bytes >> 20) + "Mi x" +
             std::to_string(d.replicas) + " -> " + std::to_string(r.replicas[t][s]) + "]";
    }
    out += "\n";
  }
  return out;
}

// Weighted envy-freeness up to one replica (Ghodsi et al., NSDI 2011, section 4.1: DRF is
// envy-free): for every tenant i still waiting and every other tenant j, j's allocation less one
// of its replicas, scaled by w_i / w_j, holds no more of i's dominant share than i holds. At
// whole replicas, once i's next replica no longer fits, what is left (free_at_stop) goes to
// whoever still fits, so that fragment is taken out of j's allocation too (else capacity would
// idle, against Pareto efficiency).
void CheckEnvyFree(const ArbitrationInput& in, const ArbitrationResult& r) {
  for (size_t i = 0; i < in.tenants.size(); ++i) {
    const TenantRequest& ti = in.tenants[i];
    bool waiting = false;
    for (size_t s = 0; s < ti.demands.size(); ++s)
      waiting |= r.replicas[i][s] < ti.demands[s].replicas;
    if (!waiting) continue;
    const double own = DominantShare(r.tenants[i].allocated, in.capacity) / ti.weight;
    const Resources& fragment = r.tenants[i].free_at_stop;
    for (size_t j = 0; j < in.tenants.size(); ++j) {
      const TenantRequest& tj = in.tenants[j];
      if (j == i) continue;
      Resources largest;  // the largest replica j holds, per resource
      for (size_t s = 0; s < tj.demands.size(); ++s) {
        if (r.replicas[j][s] == 0) continue;
        largest.cpu_millis = std::max(largest.cpu_millis, tj.demands[s].per_replica.cpu_millis);
        largest.memory_bytes =
            std::max(largest.memory_bytes, tj.demands[s].per_replica.memory_bytes);
      }
      const Resources& held = r.tenants[j].allocated;
      const Resources before = {
          std::max<int64_t>(0, held.cpu_millis - largest.cpu_millis - fragment.cpu_millis),
          std::max<int64_t>(0, held.memory_bytes - largest.memory_bytes - fragment.memory_bytes)};
      const double theirs = DominantShare(before, in.capacity) / tj.weight;
      EXPECT_LE(theirs, own + 1e-12) << ti.name << " envies " << tj.name << "\n" << Dump(in, r);
    }
  }
}

void RunCases(
    const Shape& shape, uint64_t first_seed,
    const std::vector<void (*)(const ArbitrationInput&, const ArbitrationResult&)>& checks) {
  for (int k = 0; k < kCases; ++k) {
    const uint64_t seed = first_seed + static_cast<uint64_t>(k);
    SCOPED_TRACE("seed " + std::to_string(seed));
    const ArbitrationInput in = RandomInput(seed, shape);
    StatusOr<ArbitrationResult> r = Arbitrate(in);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (auto check : checks) check(in, *r);
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(ArbitrationPropertyTest, SoftRespectsBoundsGuaranteesAndLeavesNothingUsableIdle) {
  RunCases({}, 1000, {CheckBounds, CheckGuarantees, CheckNoUsableIdleCapacity});
}

TEST(ArbitrationPropertyTest, NoneIsBoundedAndEfficient) {
  RunCases({.isolation = Isolation::kNone}, 2000, {CheckBounds, CheckNoUsableIdleCapacity});
}

TEST(ArbitrationPropertyTest, StrictStaysInPoolsAndFillsThem) {
  RunCases({.isolation = Isolation::kStrict}, 3000,
           {CheckBounds, CheckGuarantees, CheckNoUsableIdleCapacity});
}

TEST(ArbitrationPropertyTest, WeightedDrfIsEnvyFreeUpToOneReplica) {
  RunCases({.guarantees = false, .quotas = false, .single_service = true}, 4000,
           {CheckBounds, CheckEnvyFree, CheckNoUsableIdleCapacity});
  RunCases(
      {.guarantees = false, .quotas = false, .single_service = true, .isolation = Isolation::kNone},
      5000, {CheckEnvyFree});
}

TEST(ArbitrationPropertyTest, IsDeterministicAndIndependentOfTenantOrder) {
  for (int k = 0; k < kCases; ++k) {
    const ArbitrationInput in = RandomInput(6000 + static_cast<uint64_t>(k), {});
    ArbitrationInput reversed = in;
    std::reverse(reversed.tenants.begin(), reversed.tenants.end());
    StatusOr<ArbitrationResult> a = Arbitrate(in);
    StatusOr<ArbitrationResult> b = Arbitrate(reversed);
    ASSERT_TRUE(a.ok() && b.ok());
    for (size_t t = 0; t < in.tenants.size(); ++t) {
      EXPECT_EQ(a->replicas[t], b->replicas[in.tenants.size() - 1 - t]) << "seed " << 6000 + k;
    }
  }
}

}  // namespace
}  // namespace crescendo::tenancy
