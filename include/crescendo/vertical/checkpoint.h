// VerticalPodAutoscalerCheckpoint (autoscaling.k8s.io/v1, status.version "v3"): the form in which
// the VPA recommender saves a container's aggregate state, so a team can carry its history from
// VPA into Crescendo and back (kubectl get vpacheckpoint -o json | crescendo vpa checkpoint
// import).
//
// JSON shape (field names and encodings as the VPA CRD):
//   {"apiVersion":"autoscaling.k8s.io/v1","kind":"VerticalPodAutoscalerCheckpoint",
//    "metadata":{"name":"<vpa>-<container>","namespace":...},
//    "spec":{"vpaObjectName":...,"containerName":...},
//    "status":{"lastUpdateTime":"2026-11-27T18:00:00Z","version":"v3",
//              "cpuHistogram":{"referenceTimestamp":...,"bucketWeights":{"3":10000,...},
//                              "totalWeight":12.5},
//              "memoryHistogram":{...},"firstSampleStart":...,"lastSampleStart":...,
//              "totalSamplesCount":1440}}
// Timestamps are RFC 3339 with whole seconds (metav1.Time), null when unset. Bucket weights are
// scaled so the largest is 10000; loading spreads totalWeight over them in proportion.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_VERTICAL_CHECKPOINT_H_
#define CRESCENDO_VERTICAL_CHECKPOINT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/vertical/aggregate_state.h"
#include "crescendo/vertical/histogram.h"

namespace crescendo::vertical {

struct CheckpointStatus {
  std::optional<Timestamp> last_update_time;
  std::string version = kCheckpointVersion;
  HistogramCheckpoint cpu_histogram;
  HistogramCheckpoint memory_histogram;
  std::optional<Timestamp> first_sample_start;
  std::optional<Timestamp> last_sample_start;
  int64_t total_samples_count = 0;
};

struct VpaCheckpoint {
  std::string name;  // metadata.name, "<vpaObjectName>-<containerName>" by VPA's convention
  std::string ns;    // metadata.namespace
  std::string vpa_object_name;
  std::string container_name;
  CheckpointStatus status;
};

// Returns the state as a checkpoint status stamped `now` (lossy: bucket weights are rounded).
CheckpointStatus SaveToCheckpoint(const AggregateContainerState& state, Timestamp now);
// Adds the checkpoint's histograms to `state` and sets its sample span and count.
// Errors: FailedPrecondition for a version other than "v3"; InvalidArgument for a bad histogram.
Status LoadFromCheckpoint(const CheckpointStatus& checkpoint, AggregateContainerState* state);

// Returns the checkpoints as JSON: one object for one checkpoint, else a
// VerticalPodAutoscalerCheckpointList.
std::string CheckpointsToJson(const std::vector<VpaCheckpoint>& checkpoints, int indent = 2);
// Parses one checkpoint object, a List / VerticalPodAutoscalerCheckpointList, or a JSON array.
// Errors: InvalidArgument naming `source`, the item and the field, what was found and expected.
StatusOr<std::vector<VpaCheckpoint>> ParseCheckpointsJson(std::string_view text,
                                                          std::string_view source);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_VERTICAL_CHECKPOINT_H_
