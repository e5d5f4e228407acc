#include "engine/intelligent/joint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace crescendo::intelligent {
namespace {

constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max();

double CostPerHour(const JointInput& in, int32_t replicas, int64_t cpu_millis) {
  const double per_pod =
      static_cast<double>(cpu_millis) / 1000.0 * in.prices.per_core_hour +
      static_cast<double>(in.memory_bytes_per_pod) / (1LL << 30) * in.prices.per_gib_hour +
      in.prices.per_pod_hour;
  return replicas * per_pod;
}

// The request per pod that covers the demand with `replicas` pods: D at the target and D_upper
// at 100%, rounded up.
int64_t NeededCpu(const JointInput& in, int32_t replicas) {
  if (replicas <= 0) return kUnbounded;
  const double need = std::max(in.cpu_demand_millis / (replicas * in.target_utilization),
                               in.cpu_demand_upper_millis / replicas);
  return static_cast<int64_t>(std::ceil(need - 1e-9));
}

// The largest request allowed: VPA's maxAllowed (and the floor never lowers it below itself:
// maxAllowed wins over minAllowed, as VPA's capping does).
int64_t Cap(const JointInput& in) {
  return in.max_allowed_cpu_millis > 0 ? in.max_allowed_cpu_millis : kUnbounded;
}

std::string Cores(double millis) { return fmt::format("{:.3g}", millis / 1000.0); }

}  // namespace

JointChoice ChooseJoint(const JointInput& in) {
  const int64_t floor = std::max(in.cpu_floor_millis, in.min_allowed_cpu_millis);
  const int32_t lowest =
      std::clamp(std::max(in.replica_floor, in.min_replicas), in.min_replicas, in.max_replicas);
  std::optional<JointChoice> best;
  for (int32_t n = lowest; n <= in.max_replicas; ++n) {
    const int64_t needed = NeededCpu(in, n);
    int64_t cpu = std::max(needed, floor);
    if (cpu > Cap(in)) continue;  // pods this large are not allowed: more of them
    // Below maxReplicas a pod never outgrows the reference: the replicas (predictive's, decided
    // for the reference pod) carry the demand beyond it.
    const bool capped = n < in.max_replicas && in.reference_cpu_millis > 0 &&
                        cpu > std::max(in.reference_cpu_millis, floor);
    if (capped) cpu = std::max(in.reference_cpu_millis, floor);
    const double cost = CostPerHour(in, n, cpu);
    if (!best || cost < best->cost_per_hour) best = JointChoice{n, cpu, cost, !capped, ""};
    // From here on the floor (or the reference) holds the size: every further pod adds cost.
    if (needed <= floor || capped) break;
  }
  if (!best) {
    // Not coverable: every replica allowed, each as large as allowed.
    const int64_t cap = Cap(in);
    const int64_t cpu = cap == kUnbounded ? std::max(NeededCpu(in, in.max_replicas), floor) : cap;
    best = JointChoice{in.max_replicas, cpu, CostPerHour(in, in.max_replicas, cpu), false, ""};
    best->covered = NeededCpu(in, best->replicas) <= cpu;
  }
  best->reason = fmt::format(
      "{} pods x {}m cover {} cores at {:.0f}% and {} at 100%{} (floor {}m a pod, predictive "
      "{} pods)",
      best->replicas, best->cpu_millis, Cores(in.cpu_demand_millis), in.target_utilization * 100,
      Cores(in.cpu_demand_upper_millis),
      best->covered                      ? ""
      : best->replicas < in.max_replicas ? " only partly: the reference pod"
                                           " caps the size, the replicas"
                                           " carry the rest"
                                         : " only partly: at the bounds",
      floor, in.replica_floor);
  return *best;
}

GuardVerdict GuardJoint(const GuardInput& in) {
  if (in.last_miss && in.now - *in.last_miss < in.miss_hold && in.reference_cpu_millis > 0) {
    return {in.reference_cpu_millis,
            fmt::format("the pods used more cpu than their requests {} ago: the reference "
                        "pod, {}m, until the size has held for {}",
                        FormatDuration(in.now - *in.last_miss), in.reference_cpu_millis,
                        FormatDuration(in.miss_hold))};
  }
  if (in.current_cpu_millis > 0 &&
      in.forecast_mean_millis > in.cpu_use_millis * (1 + in.rising_tolerance)) {
    return {in.current_cpu_millis,
            fmt::format("demand forecast to rise ({} to {} cores): pods never shrink below {}m "
                        "while it does",
                        Cores(in.cpu_use_millis), Cores(in.forecast_mean_millis),
                        in.current_cpu_millis)};
  }
  return {};
}

}  // namespace crescendo::intelligent
