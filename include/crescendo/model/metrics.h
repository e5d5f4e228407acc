// Metric values as the engine hands them to recommenders: per workload, per metric, the
// per-pod samples and/or one workload-level value.
//
// Names: a PodMetric does not own its pod and container names. It views them in storage that its
// WorkloadMetric keeps alive through `names` (shared by every copy of the WorkloadMetric), or in
// storage of static duration (string literals). So a tick of 100,000 pods copies no name: a
// source interns each name once (the simulator once per pod lifetime) and every read, copy and
// move of the metric shares it.
//   - A PodMetric is valid while the WorkloadMetric it came from, or a copy of it, lives; to keep
//     one apart from its WorkloadMetric, copy the names (std::string(p.pod)).
//   - A source fills a NameStore, points its PodMetrics into it (NameStore::Add) and moves it
//     into WorkloadMetric::names; a NameStore is never changed once shared.
#ifndef CRESCENDO_MODEL_METRICS_H_
#define CRESCENDO_MODEL_METRICS_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo {

// Immutable-once-shared storage of pod and container names. Add() copies a name in and returns
// a view of the copy that stays valid (it never moves) as long as the store lives.
// Thread safety: Add() from one thread; a shared store (const) may be read from any.
class NameStore {
 public:
  // Returns a view of a copy of `name`, valid for the store's lifetime.
  std::string_view Add(std::string_view name) { return names_.emplace_back(name); }
  size_t size() const { return names_.size(); }

 private:
  std::deque<std::string> names_;  // a deque: growing it moves no element
};

struct PodMetric {
  std::string_view pod;  // views WorkloadMetric::names or static storage (see above)
  double value = 0;  // in the metric's unit (cpu: millicores; memory: bytes; others as catalogued)
  Timestamp time;
  Duration window{};           // the window the value was averaged over, when known
  std::string_view container;  // per-container values (vertical usage); empty: the whole pod.
                               // Views the same storage as `pod`.
};

// One metric for one workload.
struct WorkloadMetric {
  std::string metric;           // catalogue name, e.g. "cpu", "requests_per_second"
  std::vector<PodMetric> pods;  // per-pod values (Resource/Pods metrics)
  // Keeps alive the names `pods` view (null when they view static storage or there are none).
  std::shared_ptr<const NameStore> names;
  std::optional<double> value;  // workload-level value (Object/External metrics)
  Timestamp time;
  Status status;  // Unavailable, NotFound... when the read failed
};

}  // namespace crescendo

#endif  // CRESCENDO_MODEL_METRICS_H_
