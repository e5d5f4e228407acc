#include "api/simulations.h"

#include <openssl/rand.h>

namespace crescendo::api {
namespace {

using Json = nlohmann::json;

std::string NewId() {
  unsigned char bytes[8] = {};
  RAND_bytes(bytes, sizeof bytes);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace

bool IsValidSimulationId(std::string_view id) {
  if (id.size() != 16) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

SimulationRuns::SimulationRuns(size_t max_running, size_t max_stored, Clock* clock)
    : max_running_(max_running), max_stored_(max_stored), clock_(clock) {}

SimulationRuns::~SimulationRuns() {
  std::deque<std::shared_ptr<Entry>> runs;
  {
    std::lock_guard lock(mu_);
    runs = runs_;
  }
  for (const auto& e : runs) e->cancel = true;
  for (const auto& e : runs) {
    if (e->thread.joinable()) e->thread.join();
  }
}

StatusOr<Json> SimulationRuns::Start(SimulationRun run, SimulationJob job) {
  std::lock_guard lock(mu_);
  if (running_ >= max_running_) {
    return ResourceExhaustedError(std::to_string(running_) +
                                  " simulations are running, the most this server runs at once: "
                                  "retry when one has finished");
  }
  auto entry = std::make_shared<Entry>();
  entry->run = std::move(run);
  entry->run.id = NewId();
  entry->run.created = clock_->Now();
  entry->run.state = "running";
  ++running_;
  runs_.push_back(entry);
  Entry* e = entry.get();
  e->thread = std::thread([this, e, job = std::move(job)] {
    StatusOr<std::string> report = job(e->cancel);
    std::lock_guard done(mu_);
    e->run.finished = clock_->Now();
    if (report.ok()) {
      e->run.state = "done";
      e->run.report = *std::move(report);
    } else {
      e->run.state = report.status().code() == StatusCode::kCancelled ? "cancelled" : "failed";
      e->run.error = report.status().message();
    }
    --running_;
  });
  Json out = JsonOf(e->run, false);
  EvictLocked();
  return out;
}

void SimulationRuns::EvictLocked() {
  for (auto it = runs_.begin(); runs_.size() > max_stored_ && it != runs_.end();) {
    if ((*it)->run.state == "running") {
      ++it;
      continue;
    }
    // Finished: its thread set the state under mu_ and takes it no more, so it joins at once.
    if ((*it)->thread.joinable()) (*it)->thread.join();
    it = runs_.erase(it);
  }
}

std::optional<Json> SimulationRuns::Find(const std::string& id, bool with_report,
                                         std::string* tenant) {
  std::lock_guard lock(mu_);
  for (const auto& e : runs_) {
    if (e->run.id != id) continue;
    *tenant = e->run.tenant;
    return JsonOf(e->run, with_report);
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, Json>> SimulationRuns::List() {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, Json>> out;
  for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) {
    out.emplace_back((*it)->run.tenant, JsonOf((*it)->run, false));
  }
  return out;
}

Json SimulationRuns::JsonOf(const SimulationRun& run, bool with_report) const {
  Json out = {{"id", run.id},
              {"state", run.state},
              {"scenario", run.scenario},
              {"tenant", run.tenant},
              {"strategies", run.strategies},
              {"duration_seconds", run.duration_seconds},
              {"seed", run.seed},
              {"requested_by", run.requested_by},
              {"created", FormatRfc3339(run.created)}};
  if (run.state != "running") out["finished"] = FormatRfc3339(run.finished);
  if (!run.error.empty()) out["error"] = run.error;
  if (with_report && run.state == "done") {
    Json report = Json::parse(run.report, nullptr, false);
    out["report"] = report.is_discarded() ? Json(run.report) : report;
  }
  return out;
}

}  // namespace crescendo::api
