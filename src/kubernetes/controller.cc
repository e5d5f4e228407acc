#include "crescendo/kubernetes/controller.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <thread>

#include "crescendo/engine/strategies.h"

namespace crescendo::kubernetes {
namespace {

// The workloads to manage now: the configured ones present in the cluster, then the annotated
// ones; a workload under a foreign autoscaler is left out and counted in *foreign.
std::vector<WorkloadConfig> Plan(const ControllerOptions& options,
                                 const std::vector<ManagedWorkload>& found, int64_t* foreign,
                                 std::ostream* log, std::set<std::string>* reported) {
  std::vector<WorkloadConfig> out;
  *foreign = 0;
  for (const ManagedWorkload& m : found) {
    if (m.foreign_autoscaler) {
      ++*foreign;
      if (log != nullptr && reported->insert(m.id.ToString()).second) {
        *log << "kubernetes: " << m.id.ToString() << " is managed by " << m.autoscaler
             << ", which Crescendo does not own; reported, not scaled\n";
      }
      continue;
    }
    const WorkloadConfig* configured = nullptr;
    for (const WorkloadConfig& c : options.configured) {
      if (c.id.ns == m.id.ns && c.id.name == m.id.name) configured = &c;
    }
    if (configured != nullptr) {
      WorkloadConfig c = *configured;
      c.id = m.id;
      out.push_back(std::move(c));
      continue;
    }
    StatusOr<ModeStrategies> plan = StrategiesForMode(m.mode);
    if (!plan.ok()) {
      if (log != nullptr && reported->insert(m.id.ToString()).second) {
        *log << "kubernetes: " << m.id.ToString()
             << ": annotation crescendo.io/mode: " << plan.status().message() << "\n";
      }
      continue;
    }
    if (!m.import_error.empty() && log != nullptr &&
        reported->insert(m.id.ToString() + "#import").second) {
      *log << "kubernetes: " << m.id.ToString() << ": " << m.import_error
           << "; the annotations' bounds stand in for it\n";
    }
    // The owned HPA's spec when it has one, else the annotations' bounds on the default metric.
    HorizontalSpec h;
    if (m.horizontal) {
      h = *m.horizontal;
    } else {
      h.min_replicas = m.min_replicas;
      h.max_replicas = std::max(m.min_replicas, m.max_replicas);
    }
    out.push_back(WorkloadFor(m.id, h, m.vertical, *plan, m.mode));
  }
  return out;
}

bool SameIds(const std::vector<WorkloadConfig>& a, const std::vector<WorkloadConfig>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].id != b[i].id || a[i].mode != b[i].mode) return false;
  }
  return true;
}

}  // namespace

StatusOr<ControllerSummary> RunController(const ControllerOptions& options) {
  RealClock clock;
  KubernetesOptions cluster_options = options.cluster;
  cluster_options.clock = &clock;
  for (const WorkloadConfig& c : options.configured) cluster_options.workloads.push_back(c.id);
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<KubernetesCluster> cluster,
                             KubernetesCluster::Connect(cluster_options));
  if (options.leases && options.shard_holder) {
    return InvalidArgumentError("controller: set either leases or shard_holder, not both");
  }
  std::unique_ptr<ShardHolder> leases;
  Duration round = options.shard_round;
  if (options.leases) {
    CRESCENDO_ASSIGN_OR_RETURN(
        leases, ShardLeases::Create(options.cluster.credentials, options.cluster.client,
                                    *options.leases, &clock));
    round = options.leases->lease_duration / 3;
  } else if (options.shard_holder) {
    CRESCENDO_ASSIGN_OR_RETURN(leases, options.shard_holder(&clock));
  }
  if (leases) {
    ShardHolder* held = leases.get();
    cluster->SetFence([held](const WorkloadId& id) { return held->MayAct(id); });
  }
  metrics::CollectorOptions collector_options;
  collector_options.threads = 2;
  collector_options.source_policies = options.source_policies;
  std::vector<std::shared_ptr<MetricSource>> sources = {cluster->metrics()};
  sources.insert(sources.end(), options.sources.begin(), options.sources.end());
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<metrics::Collector> collector,
                             metrics::Collector::Create(collector_options, sources, clock));
  ControllerSummary summary;
  std::set<std::string> reported;
  std::map<std::string, std::string> explained;  // workload -> its last logged explanation
  std::vector<WorkloadConfig> workloads =
      Plan(options, cluster->Workloads(), &summary.foreign, options.log, &reported);
  EngineOptions engine_options;
  engine_options.backend = &cluster->backend();
  engine_options.collector = collector.get();
  // The configured bindings; every other metric from metrics.k8s.io, and cpu and memory usage
  // whatever the specs name.
  engine_options.bindings = options.bindings;
  std::vector<metrics::MetricBinding> fallback = BindAllTo(workloads, "kubernetes-metrics");
  for (const char* m : {"cpu", "memory"}) fallback.push_back({m, "kubernetes-metrics", m});
  for (const metrics::MetricBinding& f : fallback) {
    bool bound = false;
    for (const metrics::MetricBinding& b : engine_options.bindings) bound |= b.metric == f.metric;
    if (!bound) engine_options.bindings.push_back(f);
  }
  CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine,
                             Engine::Create(engine_options, workloads));
  std::unique_ptr<LeaseRenewer> renewer;
  if (leases) {
    std::ostream* log = options.log;
    renewer = std::make_unique<LeaseRenewer>(leases.get(), &clock, round, [log](const Status& s) {
      if (log != nullptr) *log << "kubernetes: shards: " << s.ToString() << "\n";
    });
  }
  const Timestamp start = clock.Now();
  for (Timestamp next = start;; next += options.interval) {
    if (options.stop != nullptr && options.stop->load()) break;
    if (options.duration.count() > 0 && next - start >= options.duration) break;
    clock.SleepUntil(next);
    std::vector<WorkloadConfig> now_managed =
        Plan(options, cluster->Workloads(), &summary.foreign, options.log, &reported);
    if (!SameIds(now_managed, engine->workloads())) {
      Status s = engine->UpdateWorkloads(std::move(now_managed));
      if (!s.ok() && options.log != nullptr)
        *options.log << "kubernetes: workloads: " << s.ToString() << "\n";
    }
    const TickReport report = engine->RunOnce(clock.Now());
    summary.ticks++;
    summary.scaled += report.scaled;
    summary.resized += report.resized;
    summary.errors += report.errors;
    summary.workloads = static_cast<int64_t>(engine->workloads().size());
    if (options.log == nullptr) continue;
    for (const Decision& d : report.decisions) {
      // One line when a change is applied, a step fails, or the explanation changes.
      std::string line = (d.status.ok() ? "" : d.status.ToString() + " ") + d.Explain();
      std::string& last = explained[d.workload.ToString()];
      if (d.applied || !d.status.ok() || line != last) {
        *options.log << FormatRfc3339(report.time) << " " << d.workload.ToString() << " " << line
                     << "\n";
      }
      last = std::move(line);
    }
  }
  summary.client = cluster->stats();
  return summary;
}

}  // namespace crescendo::kubernetes
