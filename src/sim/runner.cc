#include "crescendo/sim/runner.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cluster_sim.h"
#include "downsampler.h"
#include "latency_histogram.h"
#include "metric_view.h"
#include "service_model.h"
#include "spec_validation.h"
#include "tenant_recorder.h"

namespace crescendo::sim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

class ProfileLoadSource final : public LoadSource {
 public:
  explicit ProfileLoadSource(std::shared_ptr<const LoadProfile> profile)
      : profile_(std::move(profile)) {}
  StatusOr<std::optional<double>> RpsAt(Timestamp t) override { return profile_->RpsAt(t); }

 private:
  std::shared_ptr<const LoadProfile> profile_;
};

class TraceLoadSource final : public LoadSource {
 public:
  explicit TraceLoadSource(std::unique_ptr<TraceLoad> trace) : trace_(std::move(trace)) {}
  StatusOr<std::optional<double>> RpsAt(Timestamp t) override { return trace_->RpsAt(t); }

 private:
  std::unique_ptr<TraceLoad> trace_;
};

// One service's evaluation on one strategy's cluster.
struct ServiceRun {
  ElasticityAccumulator elasticity;
  LatencyHistogram latency;
  Outcome outcome;
  double peak_load_rps = 0;
  int32_t min_pods = std::numeric_limits<int32_t>::max();
  int32_t max_pods = 0;
  // Vertical: requests and usage of running pods, integrated over the evaluated time.
  double cpu_allocated = 0, cpu_used = 0, memory_allocated = 0, memory_used = 0;
};

// A service's running counters (ServiceStats) before a tick: the tick's share is the difference.
struct Counters {
  int64_t oom_kills = 0;
  int64_t scaling_actions = 0;
  double dropped = 0;
  double cpu_allocated = 0, cpu_used = 0, memory_allocated = 0, memory_used = 0;
};

Counters CountersOf(const ServiceStats& s) {
  return {s.oom_kills,
          s.scaling_actions,
          s.dropped_requests,
          s.cpu_allocated_millis_seconds,
          s.cpu_used_millis_seconds,
          s.memory_allocated_byte_seconds,
          s.memory_used_byte_seconds};
}

// One strategy: its cluster, its collector and its engine.
struct StrategyRun {
  std::string name;
  // The collector's clock: simulated time, so its deadlines never depend on the host's speed.
  std::unique_ptr<SimulatedClock> clock;
  std::shared_ptr<ClusterSim> cluster;
  std::unique_ptr<metrics::Collector> collector;
  std::unique_ptr<TenantRecorder> tenants;  // with tenancy; before the arbiter that calls it
  std::unique_ptr<TenantArbiter> arbiter;   // with tenancy; before the engine that points to it
  std::unique_ptr<Engine> engine;
  std::vector<ServiceRun> services;
  std::vector<Counters> before;  // per service, reused every tick
  double cumulative_cost = 0;
};

// What every strategy shares about one service at one tick.
struct ServiceTick {
  std::optional<double> load;  // nullopt: unknown
  double held_load = 0;        // what the pods serve (the last known load in a gap)
};

// Returns the slack figures of what was allocated and used (each integrated over time).
VerticalMetrics VerticalOf(double cpu_allocated, double cpu_used, double memory_allocated,
                           double memory_used) {
  VerticalMetrics v;
  v.cpu_slack = cpu_used > 0 ? (cpu_allocated - cpu_used) / cpu_used : 0;
  v.memory_slack = memory_used > 0 ? (memory_allocated - memory_used) / memory_used : 0;
  return v;
}

class Runner {
 public:
  Runner(std::vector<SimService>& services, const SimulationOptions& options)
      : services_(services),
        options_(options),
        plots_(2 + kColumns * options.strategies.size(), std::max<size_t>(options.plot_points, 2)) {
  }

  Status Init(const StrategyFactory& factory);
  Status Run(const RunProgress& progress);
  SimulationResult Result() const;

 private:
  // Plotted per strategy: ready pods, latency, cumulative cost, Jain's index.
  static constexpr size_t kColumns = 4;
  Status ReadLoads(Timestamp now);
  StatusOr<std::unique_ptr<StrategyRun>> NewRun(const std::string& name,
                                                const StrategyFactory& factory) const;
  // Advances strategy `r`'s cluster to `now`, evaluates it and runs its engine's tick.
  void StepStrategy(size_t r, Timestamp now, double dt, std::vector<double>& plot_row);
  void Evaluate(const ServiceModel& m, ServiceRun& s, size_t i, double load, double dt,
                const Counters& before);
  StrategyResult Summarize(const StrategyRun& run, size_t column) const;
  Status AddTenancy(StrategyRun& run) const;
  StatusOr<ClusterIsolation> IsolationOf() const;

  std::vector<SimService>& services_;
  const SimulationOptions& options_;
  std::vector<ServiceSpec> specs_;  // with initial replicas set
  std::vector<double> slo_ms_;
  std::vector<ServiceTick> ticks_;
  std::vector<double> held_;  // the load each service's pods serve this tick
  std::vector<std::unique_ptr<StrategyRun>> runs_;
  Downsampler plots_;
  int64_t ticks_done_ = 0;
  int64_t evaluated_ = 0;
  int64_t gaps_ = 0;
};

int32_t InitialReplicas(const SimService& s, std::optional<double> load) {
  if (!s.initial_replicas_from_load || !load) return s.spec.initial_replicas;
  auto pods = static_cast<int32_t>(std::ceil(*load / s.spec.pod.capacity_rps));
  return std::clamp(pods, s.spec.horizontal.min_replicas, s.spec.horizontal.max_replicas);
}

StatusOr<std::unique_ptr<StrategyRun>> Runner::NewRun(const std::string& name,
                                                      const StrategyFactory& factory) const {
  auto run = std::make_unique<StrategyRun>();
  run->name = name;
  run->clock = std::make_unique<SimulatedClock>(options_.start);
  ModeStrategies plan{name, "vpa", true};
  if (options_.resolve) {
    CRESCENDO_ASSIGN_OR_RETURN(plan, options_.resolve(name));
  }
  CRESCENDO_ASSIGN_OR_RETURN(ClusterIsolation isolation, IsolationOf());
  run->cluster = std::make_shared<ClusterSim>(specs_, options_.seed, options_.start, options_.nodes,
                                              isolation);
  metrics::CollectorOptions collector;
  collector.threads = 1;
  collector.seed = options_.seed;
  CRESCENDO_ASSIGN_OR_RETURN(run->collector,
                             metrics::Collector::Create(collector, {run->cluster}, *run->clock));
  std::vector<WorkloadConfig> workloads;
  for (size_t i = 0; i < specs_.size(); ++i) {
    const ServiceSpec& spec = specs_[i];
    workloads.push_back(WorkloadFor(spec.id, spec.horizontal, spec.vertical, plan, name));
    if (options_.configure) {
      Status configured = options_.configure(name, i, workloads.back());
      if (!configured.ok()) return configured.WithContext("strategy " + name);
    }
  }
  EngineOptions o;
  o.backend = run->cluster.get();
  o.collector = run->collector.get();
  o.bindings = options_.bindings ? options_.bindings(workloads) : BindAllTo(workloads, "sim");
  o.horizontal_strategies = factory;
  o.vertical_strategies = options_.vertical_strategies;
  StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(std::move(o), std::move(workloads));
  if (!engine.ok()) return engine.status().WithContext("strategy " + name);
  run->engine = *std::move(engine);
  run->services.resize(specs_.size());
  if (options_.tenancy) {
    Status added = AddTenancy(*run);
    if (!added.ok()) return added.WithContext("strategy " + name);
  }
  return run;
}

// Returns the node pool `spec` at its maximum size: what the tenants on it can share.
Resources PoolCapacity(const NodePoolSpec& spec) {
  return {spec.capacity.cpu_millis * spec.max_nodes, spec.capacity.memory_bytes * spec.max_nodes};
}

// Strict with pools: each service on its tenant's pool, each tenant's quota enforced by the
// cluster. Otherwise nothing: one shared pool.
StatusOr<ClusterIsolation> Runner::IsolationOf() const {
  ClusterIsolation out;
  if (!options_.tenancy || options_.tenancy->isolation != tenancy::Isolation::kStrict) return out;
  const SimTenancy& t = *options_.tenancy;
  for (const SimPool& pool : t.pools) out.pools.push_back(pool.spec);
  for (const SimTenant& tenant : t.tenants) out.quotas.push_back(tenant.policy.quota);
  for (size_t i = 0; i < specs_.size(); ++i) {
    const std::string& name = specs_[i].id.tenant;
    auto tenant = std::find_if(t.tenants.begin(), t.tenants.end(),
                               [&](const SimTenant& x) { return x.name == name; });
    out.quota_of.push_back(
        tenant == t.tenants.end() ? -1 : static_cast<int32_t>(tenant - t.tenants.begin()));
    if (t.pools.empty()) continue;
    auto pool = tenant == t.tenants.end()
                    ? t.pools.end()
                    : std::find_if(t.pools.begin(), t.pools.end(),
                                   [&](const SimPool& p) { return p.name == tenant->policy.pool; });
    if (pool == t.pools.end()) {
      return InvalidArgumentError("services[" + std::to_string(i) + "] (" +
                                  specs_[i].id.ToString() + "): tenant " + name +
                                  " has no node pool, expected one of tenancy.pools in strict");
    }
    out.pool_of.push_back(static_cast<size_t>(pool - t.pools.begin()));
  }
  return out;
}

// Arbitrates the run's engine through a TenantArbiter, as `crescendo run` does, over the node
// pool at its maximum size (each dedicated pool's, in strict with pools), and records it.
Status Runner::AddTenancy(StrategyRun& run) const {
  const SimTenancy& t = *options_.tenancy;
  const bool dedicated = t.isolation == tenancy::Isolation::kStrict && !t.pools.empty();
  SimTenancy recorded = t;
  if (!dedicated) {
    for (SimTenant& tenant : recorded.tenants) tenant.policy.pool.clear();
  }
  run.tenants = std::make_unique<TenantRecorder>(recorded, ToSeconds(options_.interval));
  TenantArbiterOptions o;
  o.isolation = t.isolation;
  for (const SimTenant& tenant : recorded.tenants) o.tenants[tenant.name] = tenant.policy;
  if (dedicated) {
    for (const SimPool& pool : t.pools) o.pools[pool.name] = PoolCapacity(pool.spec);
  }
  o.capacity = [capacity = PoolCapacity(*options_.nodes)] { return capacity; };
  std::map<WorkloadId, WorkloadShape> shapes;
  for (const ServiceSpec& spec : specs_) shapes[spec.id] = {spec.pod.requests, 0};
  o.shape = [shapes = std::move(shapes)](const WorkloadId& id) -> std::optional<WorkloadShape> {
    auto it = shapes.find(id);
    if (it == shapes.end()) return std::nullopt;
    return it->second;
  };
  o.observe = [recorder = run.tenants.get()](const tenancy::ArbitrationInput& in,
                                             const tenancy::ArbitrationResult& r) {
    recorder->Observe(in, r);
  };
  CRESCENDO_ASSIGN_OR_RETURN(run.arbiter, TenantArbiter::Create(std::move(o)));
  run.engine->SetArbiter(run.arbiter.get());
  return Status::Ok();
}

Status Runner::Init(const StrategyFactory& factory) {
  ticks_.resize(services_.size());
  held_.assign(services_.size(), 0.0);
  CRESCENDO_RETURN_IF_ERROR(ReadLoads(options_.start));
  for (size_t i = 0; i < services_.size(); ++i) {
    SimService& s = services_[i];
    s.spec.initial_replicas = InitialReplicas(s, ticks_[i].load);
    slo_ms_.push_back(s.slo_latency_ms > 0 ? s.slo_latency_ms
                                           : PodLatencyMs(s.spec.pod, s.spec.pod.capacity_rps));
    specs_.push_back(s.spec);
  }
  for (const std::string& name : options_.strategies) {
    CRESCENDO_ASSIGN_OR_RETURN(std::unique_ptr<StrategyRun> run, NewRun(name, factory));
    runs_.push_back(std::move(run));
  }
  return Status::Ok();
}

Status Runner::ReadLoads(Timestamp now) {
  for (size_t i = 0; i < services_.size(); ++i) {
    CRESCENDO_ASSIGN_OR_RETURN(ticks_[i].load, services_[i].source->RpsAt(now));
    if (ticks_[i].load) ticks_[i].held_load = *ticks_[i].load;
  }
  return Status::Ok();
}

void Runner::Evaluate(const ServiceModel& m, ServiceRun& s, size_t i, double load, double dt,
                      const Counters& before) {
  const SimService& spec = services_[i];
  double capacity = spec.spec.pod.capacity_rps;
  double demand = std::max(1.0, std::ceil(load / capacity - 1e-9));
  s.elasticity.Add(demand, m.ready_pods(), dt);
  const ServiceStats& stats = m.stats();
  double dropped = stats.dropped_requests - before.dropped;
  double requests = load * dt;
  s.latency.Add(m.latency_ms(), std::max(requests - dropped, 0.0));
  s.latency.Add(spec.spec.pod.request_timeout_ms, dropped);
  Outcome& o = s.outcome;
  if (m.latency_ms() > slo_ms_[i] || dropped > 0) {
    o.sla.violation_seconds += dt;
  }
  o.sla.dropped_requests += dropped;
  auto pods = static_cast<int32_t>(m.state().pods.size());
  o.pod_seconds += pods * dt;
  o.cost += pods * dt / 3600 * spec.spec.pod.cost_per_pod_hour;
  o.oom_kills += stats.oom_kills - before.oom_kills;
  s.peak_load_rps = std::max(s.peak_load_rps, load);
  s.min_pods = std::min(s.min_pods, pods);
  s.max_pods = std::max(s.max_pods, pods);
  s.cpu_allocated += stats.cpu_allocated_millis_seconds - before.cpu_allocated;
  s.cpu_used += stats.cpu_used_millis_seconds - before.cpu_used;
  s.memory_allocated += stats.memory_allocated_byte_seconds - before.memory_allocated;
  s.memory_used += stats.memory_used_byte_seconds - before.memory_used;
}

void Runner::StepStrategy(size_t r, Timestamp now, double dt, std::vector<double>& plot_row) {
  StrategyRun& run = *runs_[r];
  const size_t column = 2 + kColumns * r;
  const double node_cost_before = run.cluster->node_cost();
  run.before.resize(services_.size());
  for (size_t i = 0; i < services_.size(); ++i) {
    run.before[i] = CountersOf(run.cluster->model(i).stats());
  }
  run.clock->SleepUntil(now);
  run.cluster->Advance(now, held_);
  double ready = 0, latency_weighted = 0, known_load = 0, pod_cost = 0;
  bool any_known = false;
  for (size_t i = 0; i < services_.size(); ++i) {
    const ServiceModel& m = run.cluster->model(i);
    ServiceRun& s = run.services[i];
    if (!ticks_[i].load) {
      s.elasticity.Break();
      continue;
    }
    double cost_before = s.outcome.cost;
    Evaluate(m, s, i, *ticks_[i].load, dt, run.before[i]);
    s.outcome.quota_refused_pod_seconds += run.cluster->quota_refused(i) * dt;
    any_known = true;
    pod_cost += s.outcome.cost - cost_before;
    ready += m.ready_pods();
    latency_weighted += m.latency_ms() * *ticks_[i].load;
    known_load += *ticks_[i].load;
  }
  for (size_t i = 0; i < services_.size(); ++i) {
    run.before[i].scaling_actions = run.cluster->model(i).stats().scaling_actions;
  }
  const TickReport report = run.engine->RunOnce(now);
  if (options_.observe) options_.observe(r, ticks_done_ + 1, now, report, *run.engine);
  const double jain = run.tenants ? run.tenants->EndTick() : kNaN;
  for (size_t i = 0; i < services_.size(); ++i) {
    if (!ticks_[i].load) continue;
    run.services[i].outcome.scaling_actions +=
        run.cluster->model(i).stats().scaling_actions - run.before[i].scaling_actions;
  }
  if (any_known) {
    run.cumulative_cost +=
        run.cluster->has_nodes() ? run.cluster->node_cost() - node_cost_before : pod_cost;
  }
  plot_row[column] = any_known ? ready : kNaN;
  plot_row[column + 1] = known_load > 0 ? latency_weighted / known_load : kNaN;
  plot_row[column + 2] = run.cumulative_cost;
  plot_row[column + 3] = jain;
}

Status Runner::Run(const RunProgress& progress) {
  const int64_t total = (options_.end - options_.start) / options_.interval;
  const double dt = ToSeconds(options_.interval);
  std::vector<double> plot_row(2 + kColumns * runs_.size());
  for (int64_t k = 1; k <= total; ++k) {
    Timestamp now = options_.start + options_.interval * k;
    CRESCENDO_RETURN_IF_ERROR(ReadLoads(now));
    double load = 0, demand = 0;
    bool any_known = false;
    for (size_t i = 0; i < services_.size(); ++i) {
      held_[i] = ticks_[i].held_load;
      if (!ticks_[i].load) {
        ++gaps_;
        continue;
      }
      any_known = true;
      ++evaluated_;
      load += *ticks_[i].load;
      demand +=
          std::max(1.0, std::ceil(*ticks_[i].load / services_[i].spec.pod.capacity_rps - 1e-9));
    }
    plot_row[0] = any_known ? load : kNaN;
    plot_row[1] = any_known ? demand : kNaN;
    for (size_t r = 0; r < runs_.size(); ++r) {
      StepStrategy(r, now, dt, plot_row);
    }
    plots_.Add(ToSeconds(now - options_.start), plot_row);
    ticks_done_ = k;
    if (progress) progress(k, total);
  }
  return Status::Ok();
}

StrategyResult Runner::Summarize(const StrategyRun& run, size_t column) const {
  StrategyResult r;
  r.name = run.name;
  std::vector<ElasticityMetrics> elasticity;
  LatencyHistogram all;
  double cpu_allocated = 0, cpu_used = 0, memory_allocated = 0, memory_used = 0;
  for (size_t i = 0; i < run.services.size(); ++i) {
    const ServiceRun& s = run.services[i];
    ServiceOutcome so{services_[i].spec.id, s.outcome, s.peak_load_rps,
                      s.min_pods == std::numeric_limits<int32_t>::max() ? 0 : s.min_pods,
                      s.max_pods};
    so.outcome.elasticity = s.elasticity.Result();
    so.outcome.sla.p95_latency_ms = s.latency.Quantile(0.95);
    elasticity.push_back(so.outcome.elasticity);
    all.Merge(s.latency);
    Outcome& t = r.total;
    t.sla.violation_seconds += so.outcome.sla.violation_seconds;
    t.sla.dropped_requests += so.outcome.sla.dropped_requests;
    t.pod_seconds += so.outcome.pod_seconds;
    t.cost += so.outcome.cost;
    t.scaling_actions += so.outcome.scaling_actions;
    t.oom_kills += so.outcome.oom_kills;
    t.quota_refused_pod_seconds += so.outcome.quota_refused_pod_seconds;
    so.outcome.vertical =
        VerticalOf(s.cpu_allocated, s.cpu_used, s.memory_allocated, s.memory_used);
    cpu_allocated += s.cpu_allocated;
    cpu_used += s.cpu_used;
    memory_allocated += s.memory_allocated;
    memory_used += s.memory_used;
    r.services.push_back(std::move(so));
  }
  const VerticalMetrics slack = VerticalOf(cpu_allocated, cpu_used, memory_allocated, memory_used);
  r.total.vertical.cpu_slack = slack.cpu_slack;
  r.total.vertical.memory_slack = slack.memory_slack;
  r.total.elasticity = CombineElasticity(elasticity);
  r.total.sla.p95_latency_ms = all.Quantile(0.95);
  if (run.cluster->has_nodes()) r.total.cost = run.cumulative_cost;
  r.plots.ready_pods = plots_.Series(column);
  r.plots.latency_ms = plots_.Series(column + 1);
  r.plots.cost = plots_.Series(column + 2);
  if (run.tenants) {
    r.plots.jain_index = plots_.Series(column + 3);
    r.tenancy = run.tenants->Result(r.services);
  }
  return r;
}

SimulationResult Runner::Result() const {
  SimulationResult out;
  out.start = options_.start;
  out.end = options_.start + options_.interval * ticks_done_;
  out.interval = options_.interval;
  out.ticks = ticks_done_;
  out.evaluated_service_ticks = evaluated_;
  out.gap_service_ticks = gaps_;
  out.plot_seconds = plots_.Times();
  out.load_rps = plots_.Series(0);
  out.demand_pods = plots_.Series(1);
  for (size_t r = 0; r < runs_.size(); ++r)
    out.strategies.push_back(Summarize(*runs_[r], 2 + kColumns * r));
  return out;
}

Status ValidateOptions(const std::vector<SimService>& services, const SimulationOptions& o) {
  if (o.interval.count() <= 0) return InvalidArgumentError("interval: expected > 0");
  if (o.end - o.start < o.interval) {
    return InvalidArgumentError("the run must last at least one interval (start " +
                                FormatRfc3339(o.start) + ", end " + FormatRfc3339(o.end) + ")");
  }
  if (o.strategies.empty()) return InvalidArgumentError("strategies: expected at least one");
  if (services.empty()) return InvalidArgumentError("services: expected at least one");
  if (o.nodes) CRESCENDO_RETURN_IF_ERROR(o.nodes->Validate());
  if (o.tenancy && !o.nodes) {
    return InvalidArgumentError(
        "tenancy: expected a node pool (nodes), the capacity tenants share");
  }
  if (o.tenancy) {
    for (const SimPool& pool : o.tenancy->pools) {
      Status valid = pool.spec.Validate();
      if (!valid.ok()) return valid.WithContext("tenancy.pools " + pool.name);
    }
  }
  for (size_t i = 0; i < services.size(); ++i) {
    const SimService& s = services[i];
    std::string where = "services[" + std::to_string(i) + "] (" + s.spec.id.ToString() + ")";
    if (s.source == nullptr) return InvalidArgumentError(where + ": no load source");
    ServiceSpec spec = s.spec;
    if (spec.load == nullptr) spec.load = ConstantLoad(0);  // the runner reads `source`
    CRESCENDO_RETURN_IF_ERROR(ValidateService(spec, where));
    if (o.nodes) CRESCENDO_RETURN_IF_ERROR(ValidateFitsNode(s.spec.pod, *o.nodes, where));
    if (o.tenancy) {
      for (const SimPool& pool : o.tenancy->pools) {
        CRESCENDO_RETURN_IF_ERROR(ValidateFitsNode(s.spec.pod, pool.spec, where));
      }
    }
  }
  return Status::Ok();
}

}  // namespace

std::unique_ptr<LoadSource> ProfileSource(std::shared_ptr<const LoadProfile> profile) {
  return std::make_unique<ProfileLoadSource>(std::move(profile));
}

std::unique_ptr<LoadSource> TraceSource(std::unique_ptr<TraceLoad> trace) {
  return std::make_unique<TraceLoadSource>(std::move(trace));
}

std::vector<SimService> ServicesOf(const ScenarioSpec& scenario) {
  std::vector<SimService> services;
  for (const ServiceSpec& spec : scenario.services) {
    SimService s;
    s.spec = spec;
    s.source = ProfileSource(spec.load);
    services.push_back(std::move(s));
  }
  return services;
}

StatusOr<SimulationResult> RunSimulation(std::vector<SimService>& services,
                                         const SimulationOptions& options,
                                         const StrategyFactory& strategies,
                                         const RunProgress& progress) {
  CRESCENDO_RETURN_IF_ERROR(ValidateOptions(services, options));
  Runner runner(services, options);
  CRESCENDO_RETURN_IF_ERROR(runner.Init(strategies));
  CRESCENDO_RETURN_IF_ERROR(runner.Run(progress));
  return runner.Result();
}

}  // namespace crescendo::sim
