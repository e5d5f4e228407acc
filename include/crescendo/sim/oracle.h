// The oracle: a horizontal strategy that knows every service's whole load in advance and
// provisions exactly what each moment needs, a startup delay ahead. The limit no strategy can
// pass in `crescendo simulate`; reports give every strategy's distance to it.
//
// At the tick at `now` it proposes, for each service, the largest demand of the ticks in
// (now, now + interval + lookahead], demand = max(1, ceil(load / capacity_rps)) as the runner
// counts it (runner.h): a pod created now is Ready by now + lookahead at the latest, and the
// replica count set now holds until the next tick. Pods it removes go at once, so it keeps no
// pod longer than the next tick's demand needs. The lookahead is the pod's scheduling and
// startup delays at their longest (mean + spread for fixed and uniform draws; mean + 3 spreads
// otherwise, and 3 means for exponential draws). Loads the trace does not know (gaps, the end)
// count as the last known load.
//
// Not a Kubernetes strategy: it is built only by the simulator (not registered by name in
// crescendo/engine/strategies.h), from a second reading of the same loads.
//
// Thread safety: Recommend() may run concurrently for different workloads: each service's
// look-ahead buffer is its own.
#ifndef CRESCENDO_SIM_ORACLE_H_
#define CRESCENDO_SIM_ORACLE_H_

#include <memory>
#include <vector>

#include "crescendo/base/time.h"
#include "crescendo/horizontal/recommender.h"
#include "crescendo/sim/runner.h"

namespace crescendo::sim {

// Returns how long after its creation a pod of `pod` is Ready at the latest (see above).
Duration OracleLookahead(const PodModel& pod);

// Returns the oracle for `services`, whose sources it reads ahead on the ticks start,
// start + interval, ... (the runner's). REQUIRES: each source is a fresh reading of the load the
// simulation replays; interval > 0.
std::unique_ptr<HorizontalRecommender> NewOracleRecommender(std::vector<SimService> services,
                                                            Timestamp start, Duration interval);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SIM_ORACLE_H_
