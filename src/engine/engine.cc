#include "crescendo/engine/engine.h"

#include <spdlog/spdlog.h>

#include <set>
#include <unordered_map>

namespace crescendo {
namespace {

// Returns `spec` with Kubernetes' default metric (80% average CPU utilization) when it has none.
HorizontalSpec WithDefaultMetric(HorizontalSpec spec) {
  if (spec.metrics.empty()) {
    MetricSpec cpu;
    cpu.type = MetricSourceType::kResource;
    cpu.name = "cpu";
    cpu.target.type = MetricTargetType::kUtilization;
    cpu.target.average_utilization = 80;
    spec.metrics.push_back(cpu);
  }
  return spec;
}

Status ValidateWorkloads(std::vector<WorkloadConfig>& workloads) {
  std::set<WorkloadId> seen;
  for (WorkloadConfig& w : workloads) {
    if (!seen.insert(w.id).second) {
      return InvalidArgumentError("workload " + w.id.ToString() + " is configured twice");
    }
    if (w.horizontal.min_replicas > w.horizontal.max_replicas) {
      return InvalidArgumentError("workload " + w.id.ToString() + ": minReplicas " +
                                  std::to_string(w.horizontal.min_replicas) +
                                  " is above maxReplicas " +
                                  std::to_string(w.horizontal.max_replicas));
    }
    w.horizontal = WithDefaultMetric(std::move(w.horizontal));
  }
  return Status::Ok();
}

}  // namespace

struct Engine::Metrics {
  // per_workload[i][m]: metric m of workload i (aligned with its spec's metrics).
  std::vector<std::vector<WorkloadMetric>> per_workload;
};

StatusOr<std::unique_ptr<Engine>> Engine::Create(EngineOptions options,
                                                 std::vector<WorkloadConfig> workloads) {
  if (options.backend == nullptr || options.metrics == nullptr || options.recommender == nullptr) {
    return InvalidArgumentError("engine: backend, metric source and recommender are required");
  }
  CRESCENDO_RETURN_IF_ERROR(ValidateWorkloads(workloads));
  return std::unique_ptr<Engine>(new Engine(options, std::move(workloads)));
}

Engine::Engine(EngineOptions options, std::vector<WorkloadConfig> workloads)
    : options_(options), workloads_(std::move(workloads)) {
  policies_.Add(std::make_unique<BoundsPolicy>());
}

Status Engine::UpdateWorkloads(std::vector<WorkloadConfig> workloads) {
  CRESCENDO_RETURN_IF_ERROR(ValidateWorkloads(workloads));
  workloads_ = std::move(workloads);
  return Status::Ok();
}

void Engine::RecordStep(TickReport& report, const char* step, Timestamp start_wall) const {
  report.timings.push_back({step, wall_.Now() - start_wall});
}

// Reads each distinct metric once for all the workloads that use it.
Status Engine::Collect(const ClusterSnapshot& snapshot, Timestamp now, Metrics* out) {
  (void)snapshot;
  out->per_workload.assign(workloads_.size(), {});
  std::unordered_map<std::string, std::vector<std::pair<size_t, size_t>>> users;  // (w, m)
  for (size_t w = 0; w < workloads_.size(); ++w) {
    const auto& metrics = workloads_[w].horizontal.metrics;
    out->per_workload[w].resize(metrics.size());
    for (size_t m = 0; m < metrics.size(); ++m) users[metrics[m].name].push_back({w, m});
  }
  std::vector<WorkloadId> ids;
  for (auto& [metric, refs] : users) {
    ids.clear();
    for (auto [w, m] : refs) ids.push_back(workloads_[w].id);
    MetricRequest request{metric, "", ids, now, options_.metric_window};
    StatusOr<std::vector<WorkloadMetric>> read = options_.metrics->Read(request);
    for (size_t i = 0; i < refs.size(); ++i) {
      WorkloadMetric& slot = out->per_workload[refs[i].first][refs[i].second];
      if (!read.ok()) {
        slot.metric = metric;
        slot.status = read.status();
      } else if (i < read->size()) {
        slot = std::move((*read)[i]);
      } else {
        slot.metric = metric;
        slot.status = InternalError(std::string(options_.metrics->name()) +
                                    " returned fewer results than workloads asked for");
      }
    }
  }
  return Status::Ok();
}

TickReport Engine::RunOnce(Timestamp now) {
  TickReport report;
  report.time = now;
  Timestamp t = wall_.Now();
  StatusOr<ClusterSnapshot> snapshot = options_.backend->Snapshot();
  RecordStep(report, "snapshot", t);
  if (!snapshot.ok()) {
    report.status = snapshot.status().WithContext("snapshot");
    return report;
  }
  // A backend usually lists the workloads in the engine's order: look there first, and index the
  // snapshot by id only when a workload is elsewhere.
  std::unordered_map<WorkloadId, const WorkloadState*, WorkloadIdHash> by_id;
  auto find = [&](size_t w) -> const WorkloadState* {
    const WorkloadId& id = workloads_[w].id;
    if (w < snapshot->workloads.size() && snapshot->workloads[w].id == id) {
      return &snapshot->workloads[w];
    }
    if (by_id.empty()) {
      by_id.reserve(snapshot->workloads.size());
      for (const WorkloadState& s : snapshot->workloads) by_id.emplace(s.id, &s);
    }
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : it->second;
  };

  t = wall_.Now();
  Metrics metrics;
  report.status = Collect(*snapshot, now, &metrics);
  RecordStep(report, "metrics", t);

  t = wall_.Now();
  std::vector<Proposal> proposals(workloads_.size());
  report.decisions.resize(workloads_.size());
  for (size_t w = 0; w < workloads_.size(); ++w) {
    Decision& d = report.decisions[w];
    d.workload = workloads_[w].id;
    d.time = now;
    const WorkloadState* state = find(w);
    if (state == nullptr) {
      d.status = NotFoundError("workload " + d.workload.ToString() + " is not in the cluster");
      continue;
    }
    d.current_replicas = d.desired_replicas = state->spec_replicas;
    HorizontalContext ctx{state, metrics.per_workload[w], &workloads_[w].horizontal, now};
    proposals[w] = options_.recommender->Recommend(ctx);
  }
  RecordStep(report, "recommend", t);

  t = wall_.Now();
  for (size_t w = 0; w < workloads_.size(); ++w) {
    if (!report.decisions[w].status.ok()) continue;
    PolicyContext ctx{&workloads_[w].id, &workloads_[w].horizontal, now};
    proposals[w] = policies_.Apply(std::move(proposals[w]), ctx);
  }
  RecordStep(report, "policies", t);

  t = wall_.Now();
  for (size_t w = 0; w < workloads_.size(); ++w) {
    Decision& d = report.decisions[w];
    if (!d.status.ok()) continue;
    d.desired_replicas = proposals[w].desired_replicas;
    d.trace = std::move(proposals[w].trace);
    if (d.desired_replicas == d.current_replicas || !options_.apply) continue;
    d.status = options_.backend->SetReplicas(d.workload, d.desired_replicas);
    d.applied = d.status.ok();
    if (d.applied) ++report.scaled;
  }
  RecordStep(report, "apply", t);

  t = wall_.Now();
  for (const Decision& d : report.decisions) {
    if (!d.status.ok()) {
      ++report.errors;
      spdlog::debug("{}: {}", d.workload.ToString(), d.status.ToString());
    }
  }
  RecordStep(report, "record", t);
  return report;
}

void Engine::Run(Clock& clock, Duration interval,
                 const std::function<bool(const TickReport&)>& on_tick) {
  Timestamp next = clock.Now();
  while (true) {
    TickReport report = RunOnce(clock.Now());
    if (!on_tick(report)) return;
    next += interval;
    clock.SleepUntil(next);
  }
}

}  // namespace crescendo
