// VPA-compatible recommendations for one workload (a VerticalPodAutoscaler's target): per
// container name, target / lowerBound / upperBound / uncappedTarget, as the VPA recommender's
// logic/recommender.go and routines/recommender.go compute them, with the resource policy applied
// as pkg/utils/vpa/capping.go ApplyVPAPolicy does.
//
//   target       P90 of CPU usage and of memory peaks, + 15% margin
//   lowerBound   P50, + 15%, x (1 + 0.001/confidence)^-2
//   upperBound   P95, + 15%, x (1 + 1/confidence)^+1
// then each at least the pod minimum (25m CPU, 250 MiB memory) divided evenly among the pod's
// recommended containers; then only the controlled resources are kept; uncappedTarget is the
// target before capping; target and bounds are capped to minAllowed / maxAllowed.
// Containers with mode Off or without CPU samples get no recommendation.
//
// Thread safety: PodResourceRecommender is immutable; the functions are pure.
#ifndef CRESCENDO_VERTICAL_RECOMMENDER_H_
#define CRESCENDO_VERTICAL_RECOMMENDER_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/model/autoscaling.h"
#include "crescendo/model/resources.h"
#include "crescendo/vertical/aggregate_state.h"
#include "crescendo/vertical/estimator.h"

namespace crescendo::vertical {

// Which resources a recommendation covers.
struct ResourceSelection {
  bool cpu = true;
  bool memory = true;
  friend bool operator==(const ResourceSelection&, const ResourceSelection&) = default;
};

// Amounts present only for the resources a recommendation covers.
struct RecommendedAmounts {
  std::optional<int64_t> cpu_millis;
  std::optional<int64_t> memory_bytes;
  friend bool operator==(const RecommendedAmounts&, const RecommendedAmounts&) = default;
};

struct ContainerRecommendation {
  std::string container_name;
  RecommendedAmounts target;
  RecommendedAmounts lower_bound;
  RecommendedAmounts upper_bound;
  RecommendedAmounts uncapped_target;
  std::vector<std::string> notes;  // why a value differs from plain VPA (capping, spikes, HPA)
};

// Containers in name order.
struct PodRecommendation {
  std::vector<ContainerRecommendation> containers;
};

// VPA's recommender flags and their defaults (logic/recommender.go).
struct RecommenderOptions {
  double target_percentile = 0.9;
  double lower_bound_percentile = 0.5;
  double upper_bound_percentile = 0.95;
  double safety_margin_fraction = 0.15;  // --recommendation-margin-fraction
  double pod_min_cpu_millicores = 25;    // --pod-recommendation-min-cpu-millicores
  double pod_min_memory_mb = 250;        // --pod-recommendation-min-memory-mb (MiB)
};

class PodResourceRecommender {
 public:
  struct Estimates {
    Resources target;
    Resources lower_bound;
    Resources upper_bound;
  };

  // VPA's primary recommender (CreatePodResourceRecommender).
  explicit PodResourceRecommender(const RecommenderOptions& options = {});
  // A recommender from explicit estimators (tests, experiments).
  PodResourceRecommender(EstimatorPtr target, EstimatorPtr lower_bound, EstimatorPtr upper_bound,
                         const RecommenderOptions& options = {});

  // Returns the estimates for each container of one pod; the pod minimum is split evenly over
  // states.size() containers. REQUIRES: non-null states.
  std::map<std::string, Estimates> Estimate(
      const std::map<std::string, const AggregateContainerState*>& states) const;

 private:
  // The three estimators wrapped with the pod minimum split over `containers` containers.
  struct Wrapped {
    EstimatorPtr target, lower_bound, upper_bound;
  };
  Wrapped WithPodMinimum(size_t containers) const;

  EstimatorPtr target_;
  EstimatorPtr lower_bound_;
  EstimatorPtr upper_bound_;
  RecommenderOptions options_;
  Wrapped one_container_;  // WithPodMinimum(1): immutable, shared by concurrent Estimate() calls
};

// Returns the policy for `container`: the one naming it, else the "*" one, else null.
const ContainerResourcePolicy* FindContainerPolicy(const VerticalSpec* spec,
                                                   std::string_view container);
// Returns the resources a policy controls (both when `policy` is null).
ResourceSelection ControlledResources(const ContainerResourcePolicy* policy);

// Caps `amounts` to the policy's nonzero minAllowed, then maxAllowed. Appends to `notes` one line
// per capped resource ("cpu capped to maxAllowed 2"). A null policy changes nothing.
RecommendedAmounts ApplyPolicy(const RecommendedAmounts& amounts,
                               const ContainerResourcePolicy* policy,
                               std::vector<std::string>* notes = nullptr);

// Computes the recommendation for one workload from the aggregate state of each container name:
// filtering (mode Off, no samples), estimation, controlled resources (the policy's, intersected
// with `allowed` per container when given), uncapped target and capping.
PodRecommendation RecommendPod(const PodResourceRecommender& recommender,
                               const std::map<std::string, AggregateContainerState>& states,
                               const VerticalSpec* spec,
                               const std::map<std::string, ResourceSelection>* allowed = nullptr);

// Returns the limit to set for a new request, as the VPA admission controller does:
// RequestsAndLimits keeps limit/request constant (limit * new_request / request, rounded down;
// unset when there is no limit or no request); RequestsOnly keeps the limit unchanged.
std::optional<int64_t> ProportionalLimit(int64_t request, std::optional<int64_t> limit,
                                         int64_t new_request, ControlledValues controlled);

// Returns the VerticalPodAutoscaler status.recommendation JSON:
// {"containerRecommendations":[{"containerName":..., "target":{"cpu":"25m","memory":"262144k"},
// "lowerBound":..., "upperBound":..., "uncappedTarget":...}]}; CPU as Kubernetes quantities of
// millicores, memory of bytes (DecimalSI, as VPA's model.ResourcesAsResourceList).
std::string RecommendationToJson(const PodRecommendation& recommendation, int indent = 2);
// Returns the quantity strings VPA would write: "25m", "1500m", "262144k", "100M".
std::string CpuQuantityString(int64_t millis);
std::string MemoryQuantityString(int64_t bytes);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_VERTICAL_RECOMMENDER_H_
