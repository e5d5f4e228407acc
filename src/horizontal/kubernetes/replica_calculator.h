// The replica calculator of Kubernetes' HPA controller, metric type by metric type.
//
// Semantics from kubernetes pkg/controller/podautoscaler/replica_calculator.go and
// metrics/utilization.go (v1.33+): pod grouping (ignored, unready, missing, ready), integer
// milli-unit arithmetic with the utilization percentage truncated before the ratio is taken,
// the inclusive tolerance band per direction, missing pods filled at 100% (or the target) on a
// scale-down and at 0 on a scale-up, unready pods filled at 0 on a scale-up only, and the
// current count kept when the recomputed ratio flips direction or falls within tolerance.
//
// Errors are Kubernetes' error texts in CalcResult::error (empty when the calculation worked).
//
// The calculators read pods and samples through views (PodView, SampleView, RequestSource), so
// that the engine's recommender feeds them without copying names or building request maps; the
// overloads over HpaPod / PodSample build those views first. With CalcContext::explain false
// they write neither steps nor pod group names (the decision is the same).
// Thread safety: reentrant; the calculators reuse thread-local scratch buffers.
#ifndef CRESCENDO_SRC_HORIZONTAL_KUBERNETES_REPLICA_CALCULATOR_H_
#define CRESCENDO_SRC_HORIZONTAL_KUBERNETES_REPLICA_CALCULATOR_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crescendo/horizontal/kubernetes_hpa.h"

namespace crescendo::hpa::internal {

// The usage-ratio band within which the replica count is kept: [1 - scale_down, 1 + scale_up].
struct Tolerances {
  double scale_down = 0.1;
  double scale_up = 0.1;

  bool IsWithin(double usage_ratio) const {
    return (1.0 - scale_down) <= usage_ratio && usage_ratio <= (1.0 + scale_up);
  }
};

// Kubernetes' error texts of calculateRequests.
std::string MissingPodLevelRequest(std::string_view resource, std::string_view pod);
std::string MissingRequest(std::string_view resource, std::string_view container,
                           std::string_view pod);
std::string ContainerNotFound(std::string_view container, std::string_view pod);

// A pod as the calculator reads it; `name` views storage the caller keeps alive.
struct PodView {
  std::string_view name;
  PodPhase phase = PodPhase::kRunning;
  bool deleting = false;
  std::optional<Timestamp> start_time;
  std::optional<ConditionStatus> ready;
  Timestamp ready_transition_time;
};

// A PodSample whose pod name views storage the caller keeps alive.
struct SampleView {
  std::string_view pod;
  int64_t value_milli = 0;
  Timestamp timestamp;
  Duration window = minutes(1);
};

// Each pod's request for a resource, in the order of the pods it was made for.
class RequestSource {
 public:
  virtual ~RequestSource() = default;
  // Fills `requests` (one per pod) as CalculateRequests() does and returns its error text.
  virtual std::string Requests(std::string_view container, std::string_view resource,
                               bool pod_level_resources, std::vector<int64_t>* requests) const = 0;
};

// What the calculator needs besides the metric itself.
struct CalcContext {
  std::span<const HpaPod> pods;  // used when `views` and `requests` are not set
  Tolerances tolerances;
  Duration cpu_initialization_period = minutes(5);
  Duration initial_readiness_delay = seconds(30);
  bool pod_level_resources = true;
  Timestamp now;
  // The pods as views with their requests (both set, or neither: then they come from `pods`).
  std::span<const PodView> views = {};
  const RequestSource* requests = nullptr;
  bool explain = true;  // false: no steps and no pod group names in CalcResult
};

// Returns views of `pods` (which must outlive them).
std::vector<PodView> ViewsOf(std::span<const HpaPod> pods);
// Returns views of `samples` (which must outlive them).
std::vector<SampleView> ViewsOf(std::span<const PodSample> samples);

// The requests of HpaPods: CalculateRequests() over `pods`, which must outlive it.
class HpaPodRequests final : public RequestSource {
 public:
  explicit HpaPodRequests(std::span<const HpaPod> pods) : pods_(pods) {}
  std::string Requests(std::string_view container, std::string_view resource,
                       bool pod_level_resources, std::vector<int64_t>* requests) const override;

 private:
  std::span<const HpaPod> pods_;
};

// The walk of calculateRequests (Kubernetes replica_calculator.go) over any pod representation.
// `Access` provides, for pod index i:
//   size_t size();  std::string_view PodName(i);
//   bool HasPodLevel(i);  std::optional<int64_t> PodLevel(i, resource);
//   size_t Containers(i);  std::string_view ContainerName(i, c);
//   std::optional<int64_t> ContainerRequest(i, c, resource);
// Pod-level requests count when enabled, no container is named, and the pod has some.
template <typename Access>
std::string CalculateRequestsOver(const Access& a, std::string_view container,
                                  std::string_view resource, bool pod_level_resources,
                                  std::vector<int64_t>* requests) {
  requests->clear();
  requests->reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    if (pod_level_resources && container.empty() && a.HasPodLevel(i)) {
      const std::optional<int64_t> r = a.PodLevel(i, resource);
      if (!r.has_value()) {
        return MissingPodLevelRequest(resource, a.PodName(i));
      }
      requests->push_back(*r);
      continue;
    }
    int64_t sum = 0;
    bool found = container.empty();
    for (size_t c = 0; c < a.Containers(i); ++c) {
      if (!container.empty() && a.ContainerName(i, c) != container) continue;
      const std::optional<int64_t> r = a.ContainerRequest(i, c, resource);
      if (!r.has_value()) return MissingRequest(resource, a.ContainerName(i, c), a.PodName(i));
      sum += *r;
      if (!container.empty()) {
        found = true;
        break;
      }
    }
    if (!found) return ContainerNotFound(container, a.PodName(i));
    requests->push_back(sum);
  }
  return "";
}

struct CalcResult {
  std::string error;  // non-empty: the calculation failed, with Kubernetes' error text
  int32_t replicas = 0;
  int64_t usage_milli = 0;  // plain metrics: the average or total; Utilization: raw average
  int32_t utilization = 0;  // Utilization targets: the truncated percentage
  std::optional<double> usage_ratio;
  std::optional<double> adjusted_ratio;
  PodGroups groups;
  std::vector<std::string> steps;
};

// Returns the pods grouped as groupPods() does; `resource` is "cpu" for the CPU readiness rules.
// `ready_count` receives the number of ready pods with a sample.
PodGroups GroupPods(std::span<const HpaPod> pods, std::span<const PodSample> samples,
                    std::string_view resource, const CalcContext& ctx, int* ready_count);

// Returns each pod's request for `resource` (pod-level requests, or the sum over containers,
// or the named container's), in pod order, or an error naming the container and pod.
std::string CalculateRequests(std::span<const HpaPod> pods, std::string_view container,
                              std::string_view resource, bool pod_level_resources,
                              std::vector<int64_t>* requests);

// Resource/ContainerResource with a Utilization target (GetResourceReplicas).
CalcResult ResourceUtilizationReplicas(int32_t current_replicas, int32_t target_utilization,
                                       std::string_view resource, std::string_view container,
                                       std::span<const PodSample> samples, const CalcContext& ctx);
CalcResult ResourceUtilizationReplicas(int32_t current_replicas, int32_t target_utilization,
                                       std::string_view resource, std::string_view container,
                                       std::span<const SampleView> samples, const CalcContext& ctx);

// Resource/ContainerResource AverageValue and Pods metrics (calcPlainMetricReplicas);
// `resource` is the resource name, or "" for Pods metrics.
CalcResult PlainMetricReplicas(int32_t current_replicas, int64_t target_milli,
                               std::string_view resource, std::span<const PodSample> samples,
                               const CalcContext& ctx);
CalcResult PlainMetricReplicas(int32_t current_replicas, int64_t target_milli,
                               std::string_view resource, std::span<const SampleView> samples,
                               const CalcContext& ctx);

// Object Value (GetObjectMetricReplicas) and External Value (GetExternalMetricReplicas, after
// summing the series): `usage_milli` against `target_milli` scaled by the ready pods.
CalcResult ValueMetricReplicas(int32_t current_replicas, int64_t usage_milli, int64_t target_milli,
                               const CalcContext& ctx);

// Object AverageValue (GetObjectPerPodMetricReplicas) and External AverageValue
// (GetExternalPerPodMetricReplicas, after summing the series).
CalcResult PerPodMetricReplicas(int32_t status_replicas, int64_t usage_milli,
                                int64_t target_per_pod_milli, const CalcContext& ctx);

// Returns the external series summed as GetExternalMetricReplicas does (saturating at the
// int64 maximum on positive overflow).
int64_t SumExternalValue(std::span<const int64_t> values);
// Returns the series summed as GetExternalPerPodMetricReplicas does (a negative running sum,
// the sign of an overflow, saturates at the int64 maximum).
int64_t SumExternalPerPodValue(std::span<const int64_t> values);

// Returns ceil(x) as an int32, saturating at the int32 range (NaN gives 0).
int32_t SaturatingCeil(double x);

}  // namespace crescendo::hpa::internal

#endif  // CRESCENDO_SRC_HORIZONTAL_KUBERNETES_REPLICA_CALCULATOR_H_
