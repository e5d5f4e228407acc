#include "crescendo/optimize/instances.h"

#include <array>
#include <string>

#include "crescendo/base/random.h"

namespace crescendo::optimize {
namespace {

PlacementProblem OneBinType(int64_t capacity) {
  PlacementProblem p;
  p.resources = {"size"};
  p.node_types.push_back({.name = "bin", .capacity = {capacity}, .price_per_hour = 1});
  return p;
}

void AddItem(PlacementProblem& p, int64_t size) {
  p.pods.push_back({.name = "i" + std::to_string(p.pods.size()), .demand = {size}});
}

}  // namespace

PlacementProblem OneDimensional(const std::vector<int64_t>& sizes, int64_t capacity) {
  PlacementProblem p = OneBinType(capacity);
  for (int64_t size : sizes) AddItem(p, size);
  return p;
}

PlacementProblem FalkenauerUniform(int items, uint64_t seed) {
  Random rng(seed);
  PlacementProblem p = OneBinType(150);
  for (int i = 0; i < items; ++i) AddItem(p, rng.UniformInt(20, 100));
  return p;
}

PlacementProblem FalkenauerTriplets(int items, uint64_t seed) {
  Random rng(seed);
  PlacementProblem p = OneBinType(1000);
  for (int b = 0; b < items / 3; ++b) {
    const int64_t first = rng.UniformInt(380, 490);
    const int64_t second = rng.UniformInt(250, (1000 - first) / 2);
    AddItem(p, first);
    AddItem(p, second);
    AddItem(p, 1000 - first - second);
  }
  // Shuffle, so that the triplets are not adjacent.
  for (size_t i = p.pods.size(); i > 1; --i) {
    std::swap(p.pods[i - 1].demand,
              p.pods[static_cast<size_t>(rng.UniformInt(0, static_cast<int64_t>(i) - 1))].demand);
  }
  return p;
}

PlacementProblem ClusterInstance(int pods, int types, uint64_t seed) {
  constexpr int64_t kGi = int64_t{1} << 30;
  Random rng(seed);
  PlacementProblem p;
  p.resources = {"cpu", "memory"};
  // Families: GiB per vCPU, and the price per vCPU-hour and GiB-hour (on-demand list prices of
  // the c/m/r families are close to 0.0255 $/vCPU-h + 0.0032 $/GiB-h less a family discount).
  struct Family {
    const char* name;
    int64_t gib_per_cpu;
    double discount;
  };
  constexpr std::array<Family, 3> kFamilies = {
      {{"compute", 2, 0.10}, {"general", 4, 0.0}, {"memory", 8, 0.05}}};
  constexpr std::array<int64_t, 7> kCpus = {2, 4, 8, 16, 32, 48, 64};
  for (int t = 0; t < types && t < 21; ++t) {
    const Family& f = kFamilies[t % 3];
    const int64_t cpu = kCpus[t / 3];
    const int64_t mem = cpu * f.gib_per_cpu;
    const double price = (0.0255 * cpu + 0.0032 * mem) * (1 - f.discount);
    p.node_types.push_back({.name = std::string(f.name) + "-" + std::to_string(cpu),
                            .capacity = {cpu * 1000, mem * kGi},
                            .price_per_hour = price});
  }
  constexpr std::array<int64_t, 6> kCpuMillis = {100, 250, 500, 1000, 2000, 4000};
  constexpr std::array<int64_t, 6> kMemMi = {128, 256, 512, 1024, 2048, 4096};
  for (int i = 0; i < pods; ++i) {
    const int64_t cpu = kCpuMillis[static_cast<size_t>(rng.UniformInt(0, 5))];
    // Memory independent of CPU: from 1/32 to 40 GiB per core, as services differ.
    const int64_t mem_index = rng.UniformInt(0, 5);
    p.pods.push_back({.name = "pod-" + std::to_string(i),
                      .demand = {cpu, kMemMi[static_cast<size_t>(mem_index)] << 20}});
  }
  return p;
}

PlacementProblem ZonedClusterInstance(int pods, int types, int zones, int replicas,
                                      int32_t max_skew, uint64_t seed) {
  PlacementProblem p = ClusterInstance(pods, types, seed);
  std::vector<NodeType> zoned;
  for (int z = 0; z < zones; ++z) {
    for (NodeType t : p.node_types) {
      t.zone = std::string("zone-") + static_cast<char>('a' + z);
      t.name += "@" + t.zone;
      zoned.push_back(std::move(t));
    }
  }
  p.node_types = std::move(zoned);
  for (size_t i = 0; i < p.pods.size(); ++i) {
    Pod& pod = p.pods[i];
    const size_t first = i - i % static_cast<size_t>(replicas);
    pod.service = "svc-" + std::to_string(i / static_cast<size_t>(replicas));
    pod.demand = p.pods[first].demand;
    pod.max_skew = max_skew;
  }
  return p;
}

}  // namespace crescendo::optimize
