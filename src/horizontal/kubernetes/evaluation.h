// EvaluateHpa() over views: the form both EvaluateHpa() (from HpaInput) and the engine's
// recommender (from WorkloadState, without copying pods or samples) feed.
//
// With EvalInput::explain false the evaluation writes only what a HorizontalRecommender returns:
// the replica counts, the trace, the status and the memory the next decision reads
// (recommendations and scale events). It skips the per-metric steps, the pod group names, the
// status conditions and the rescale reason; the decision and the trace are the same.
#ifndef CRESCENDO_SRC_HORIZONTAL_KUBERNETES_EVALUATION_H_
#define CRESCENDO_SRC_HORIZONTAL_KUBERNETES_EVALUATION_H_

#include <optional>
#include <span>
#include <string_view>

#include "crescendo/horizontal/kubernetes_hpa.h"
#include "horizontal/kubernetes/normalization.h"
#include "horizontal/kubernetes/replica_calculator.h"

namespace crescendo::hpa::internal {

// A MetricReading as views; the storage it views outlives it.
struct ReadingView {
  const Status* fetch_status = nullptr;  // REQUIRES: non-null
  std::span<const SampleView> pods;
  std::span<const int64_t> values_milli;
};

// HpaInput as views; the storage it views outlives it.
struct EvalInput {
  const HorizontalSpec* spec = nullptr;  // REQUIRES: non-null
  std::string_view ns;
  std::string_view target_kind;
  std::string_view target_name;
  int32_t spec_replicas = 0;
  int32_t status_replicas = 0;
  bool empty_selector = false;  // scale.status.selector is "" (InvalidSelector)
  std::span<const PodView> pods;
  const RequestSource* requests = nullptr;  // REQUIRES: non-null, made for `pods`
  // One per metric of EffectiveMetricsOf(*spec), same order; missing ones count as failed.
  std::span<const ReadingView> readings;
  std::optional<int32_t> proposed_replicas;
  Timestamp now;
  bool explain = true;
  // Where the resolved behavior is cached (e.g. per workload); null: a per-thread cache.
  BehaviorCache* behaviors = nullptr;
  // Whether a rescale records its scale event in the state at once, as the controller does
  // after a successful scale update. The engine's recommender leaves it to Commit(), which
  // records the change that was actually applied.
  bool store_scale_event = true;
};

// Returns spec.metrics, or Kubernetes' default (cpu, 80% average utilization) when empty,
// without copying.
std::span<const MetricSpec> EffectiveMetricsOf(const HorizontalSpec& spec);

// One reconcile, as EvaluateHpa(): `d->state` holds the controller's memory on entry and the
// updated memory on return; the rest of `*d` must be default-constructed.
void Evaluate(const EvalInput& input, const HpaControllerSettings& settings, HpaDecision* d);

}  // namespace crescendo::hpa::internal

#endif  // CRESCENDO_SRC_HORIZONTAL_KUBERNETES_EVALUATION_H_
