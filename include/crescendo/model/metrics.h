// Metric values as the engine hands them to recommenders: per workload, per metric, the
// per-pod samples and/or one workload-level value.
#ifndef CRESCENDO_MODEL_METRICS_H_
#define CRESCENDO_MODEL_METRICS_H_

#include <optional>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo {

struct PodMetric {
  std::string pod;
  double value = 0;  // in the metric's unit (cpu: millicores; memory: bytes; others as catalogued)
  Timestamp time;
  Duration window{};      // the window the value was averaged over, when known
  std::string container;  // set for per-container values (vertical usage); empty: the whole pod
};

// One metric for one workload.
struct WorkloadMetric {
  std::string metric;           // catalogue name, e.g. "cpu", "requests_per_second"
  std::vector<PodMetric> pods;  // per-pod values (Resource/Pods metrics)
  std::optional<double> value;  // workload-level value (Object/External metrics)
  Timestamp time;
  Status status;  // Unavailable, NotFound... when the read failed
};

}  // namespace crescendo

#endif  // CRESCENDO_MODEL_METRICS_H_
