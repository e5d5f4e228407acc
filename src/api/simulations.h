// SimulationRuns: the what-if simulations the control plane started, run in the background and
// kept for reading (POST and GET /api/v1/simulations).
//
// At most `max_running` jobs run at once, each on a thread of its own; at most `max_stored` runs
// are kept, the oldest finished ones evicted first. Destruction cancels the running jobs (their
// `cancel` flag) and waits for them.
//
// Thread safety: every method may be called from any thread.
#ifndef CRESCENDO_API_SIMULATIONS_H_
#define CRESCENDO_API_SIMULATIONS_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crescendo/api/control_plane.h"
#include "crescendo/base/clock.h"
#include "crescendo/base/status.h"

namespace crescendo::api {

// One run: what was asked, by whom, and how it went.
struct SimulationRun {
  std::string id;  // 16 hex digits, assigned by Start()
  std::string tenant;
  std::string scenario;
  std::vector<std::string> strategies;
  int64_t duration_seconds = 0;
  uint64_t seed = 1;
  std::string requested_by;
  Timestamp created;
  // Set when the job ends, under SimulationRuns' lock.
  std::string state = "running";  // running | done | failed | cancelled
  Timestamp finished;
  std::string error;
  std::string report;  // the report's JSON text, when done
};

class SimulationRuns {
 public:
  // REQUIRES: clock non-null, 1 <= max_running <= max_stored.
  SimulationRuns(size_t max_running, size_t max_stored, Clock* clock);
  ~SimulationRuns();

  // Starts `job` for `run` (its id and created time are set here) and returns the run as JSON.
  // Errors: ResourceExhausted when max_running runs are running.
  StatusOr<nlohmann::json> Start(SimulationRun run, SimulationJob job);
  // Returns the run as JSON (with its report when `with_report` and done), or nullopt when no
  // run has this id; *tenant is set to its tenant.
  std::optional<nlohmann::json> Find(const std::string& id, bool with_report, std::string* tenant);
  // Returns every kept run (tenant, JSON without the report), newest first.
  std::vector<std::pair<std::string, nlohmann::json>> List();

 private:
  struct Entry {
    SimulationRun run;
    std::atomic<bool> cancel{false};
    std::thread thread;
  };
  nlohmann::json JsonOf(const SimulationRun& run, bool with_report) const;
  // Evicts the oldest finished runs while more than max_stored_ are kept. REQUIRES: mu_ held.
  void EvictLocked();

  const size_t max_running_, max_stored_;
  Clock* const clock_;
  std::mutex mu_;
  std::deque<std::shared_ptr<Entry>> runs_;  // oldest first
  size_t running_ = 0;
};

// Returns true for an id Start() could have assigned (16 lowercase hex digits).
bool IsValidSimulationId(std::string_view id);

}  // namespace crescendo::api

#endif  // CRESCENDO_API_SIMULATIONS_H_
