#include "crescendo/engine/engine.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>

#include "crescendo/engine/strategies.h"

namespace crescendo {
namespace {

constexpr size_t kNoBinding = static_cast<size_t>(-1);

Status ValidateWorkloads(const std::vector<WorkloadConfig>& workloads) {
  std::set<WorkloadId> seen;
  for (const WorkloadConfig& w : workloads) {
    if (!seen.insert(w.id).second) {
      return InvalidArgumentError("workload " + w.id.ToString() + " is configured twice");
    }
    if (w.horizontal.min_replicas > w.horizontal.max_replicas) {
      return InvalidArgumentError(fmt::format("workload {}: minReplicas {} is above maxReplicas {}",
                                              w.id.ToString(), w.horizontal.min_replicas,
                                              w.horizontal.max_replicas));
    }
  }
  return Status::Ok();
}

ResizeMethod MethodOf(VerticalUpdate update) {
  switch (update) {
    case VerticalUpdate::kRecreate:
      return ResizeMethod::kRecreate;
    case VerticalUpdate::kInPlaceOrRecreate:
      return ResizeMethod::kInPlaceOrRecreate;
    default:
      return ResizeMethod::kTemplateOnly;
  }
}

Resources Sum(const std::vector<ContainerResources>& containers) {
  Resources total;
  for (const ContainerResources& c : containers) {
    total.cpu_millis += c.requests.cpu_millis;
    total.memory_bytes += c.requests.memory_bytes;
  }
  return total;
}

nlohmann::json IdToJson(const WorkloadId& id) {
  return {{"environment", id.environment},
          {"tenant", id.tenant},
          {"namespace", id.ns},
          {"name", id.name}};
}

StatusOr<WorkloadId> IdFromJson(const nlohmann::json& j, size_t i) {
  WorkloadId id;
  for (auto [key, field] :
       {std::pair{"environment", &id.environment}, std::pair{"tenant", &id.tenant},
        std::pair{"namespace", &id.ns}, std::pair{"name", &id.name}}) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_string()) {
      return InvalidArgumentError(
          fmt::format("checkpoint: workloads[{}].id.{}: expected a string", i, key));
    }
    *field = j[key].get<std::string>();
  }
  return id;
}

}  // namespace

// What the engine keeps for one workload: its strategies, their states, and where its metrics
// come from.
struct Engine::Slot {
  const HorizontalRecommender* horizontal = nullptr;
  const VerticalRecommender* vertical = nullptr;  // null: not sized vertically
  std::unique_ptr<StrategyState> horizontal_state;
  std::unique_ptr<StrategyState> vertical_state;
  std::optional<Timestamp> last_seen;
  std::vector<size_t> metric_bindings;  // per effective metric; kNoBinding when none
  // Configured policies only (WorkloadConfig::policies set):
  std::vector<std::pair<std::string, size_t>> policy_bindings;  // metric name, binding
  std::vector<SpendAccount> accounts;   // parallel to the chain's policies (budgets use theirs)
  std::optional<Timestamp> accrued_to;  // accounts hold the spending up to here
  std::vector<ReplicaRecord> history;   // replicas applied, oldest first (rate-limit windows)
};

namespace {

// A rate-limit window is at most 24 h (src/policy/kinds/rate_limit.cc); one record older than
// that stays, as the count in force at the window's start. Bounded in count too.
constexpr Duration kHistoryKept = std::chrono::hours(24);
constexpr size_t kMaxHistory = 4096;

void Remember(std::vector<ReplicaRecord>& history, Timestamp now, int32_t replicas) {
  history.push_back({now, replicas});
  size_t drop = 0;
  while (drop + 1 < history.size() && history[drop + 1].time <= now - kHistoryKept) ++drop;
  drop = std::max(drop, history.size() > kMaxHistory ? history.size() - kMaxHistory : 0);
  history.erase(history.begin(), history.begin() + static_cast<std::ptrdiff_t>(drop));
}

// Returns the position of the policy named `name` in `chain`, if it has one. Budget accounts
// follow their policy by name across reloads and checkpoints.
std::optional<size_t> PolicyIndex(const PolicyChain& chain, std::string_view name) {
  for (size_t p = 0; p < chain.size(); ++p) {
    if (chain.policies()[p]->name() == name) return p;
  }
  return std::nullopt;
}

// The value a policy reads for a metric: the workload-level value, else the pods' mean.
std::optional<double> ScalarOf(const WorkloadMetric& m) {
  if (!m.status.ok()) return std::nullopt;
  if (m.value) return m.value;
  if (m.pods.empty()) return std::nullopt;
  double sum = 0;
  for (const PodMetric& p : m.pods) sum += p.value;
  return sum / static_cast<double>(m.pods.size());
}

}  // namespace

// One tick's working data.
struct Engine::Tick {
  Timestamp now;
  TickReport report;
  ClusterSnapshot& snapshot;                 // the engine's, refilled every tick
  std::vector<const WorkloadState*> states;  // per workload; null when missing
  metrics::CollectResult collected;
  std::vector<std::vector<WorkloadMetric>> own_metrics;  // per workload, when not one binding
  std::vector<WorkloadMetric> missing;  // NotFound cpu and memory, for unbound vertical usage
  std::vector<Proposal> proposals;
  std::vector<std::optional<VerticalProposal>> vertical;
};

Engine::Engine(EngineOptions options) : options_(std::move(options)) {
  policies_.Add(std::make_unique<BoundsPolicy>());
  for (size_t b = 0; b < options_.bindings.size(); ++b) {
    binding_index_.emplace(options_.bindings[b].metric, b);
  }
  if (auto b = binding_index_.find("cpu"); b != binding_index_.end()) cpu_binding_ = b->second;
  if (auto b = binding_index_.find("memory"); b != binding_index_.end()) {
    memory_binding_ = b->second;
  }
}

Engine::~Engine() = default;

StatusOr<std::unique_ptr<Engine>> Engine::Create(EngineOptions options,
                                                 std::vector<WorkloadConfig> workloads) {
  if (options.backend == nullptr || options.collector == nullptr) {
    return InvalidArgumentError("engine: a cluster backend and a metric collector are required");
  }
  std::unique_ptr<Engine> engine(new Engine(std::move(options)));
  CRESCENDO_RETURN_IF_ERROR(engine->Install(std::move(workloads)));
  return engine;
}

Status Engine::UpdateWorkloads(std::vector<WorkloadConfig> workloads) {
  return Install(std::move(workloads));
}

// Builds the slots of `workloads`, keeping the states of workloads that keep their strategies,
// then swaps them in. Nothing changes on error.
Status Engine::Install(std::vector<WorkloadConfig> workloads) {
  CRESCENDO_RETURN_IF_ERROR(ValidateWorkloads(workloads));
  std::map<std::string, std::unique_ptr<HorizontalRecommender>> horizontal;
  std::map<std::string, std::unique_ptr<VerticalRecommender>> vertical;
  for (const WorkloadConfig& w : workloads) {
    if (!horizontal.contains(w.horizontal_strategy)) {
      auto it = horizontal_.find(w.horizontal_strategy);
      if (it != horizontal_.end()) {
        horizontal.emplace(it->first, nullptr);  // kept below
      } else {
        StatusOr<std::unique_ptr<HorizontalRecommender>> r =
            options_.horizontal_strategies ? options_.horizontal_strategies(w.horizontal_strategy)
                                           : NewHorizontalStrategy(w.horizontal_strategy);
        if (!r.ok()) return r.status().WithContext("workload " + w.id.ToString());
        horizontal.emplace(w.horizontal_strategy, *std::move(r));
      }
    }
    if (w.vertical && !vertical.contains(w.vertical_strategy)) {
      auto it = vertical_.find(w.vertical_strategy);
      if (it != vertical_.end()) {
        vertical.emplace(it->first, nullptr);
      } else {
        StatusOr<std::unique_ptr<VerticalRecommender>> r =
            options_.vertical_strategies ? options_.vertical_strategies(w.vertical_strategy)
                                         : NewVerticalStrategy(w.vertical_strategy);
        if (!r.ok()) return r.status().WithContext("workload " + w.id.ToString());
        vertical.emplace(w.vertical_strategy, *std::move(r));
      }
    }
  }
  // Reuse the instances that exist (their states stay valid), add the new ones.
  for (auto& [name, r] : horizontal) {
    if (r == nullptr) r = std::move(horizontal_[name]);
  }
  for (auto& [name, r] : vertical) {
    if (r == nullptr) r = std::move(vertical_[name]);
  }
  std::unordered_map<WorkloadId, Slot*, WorkloadIdHash> old;
  for (size_t i = 0; i < workloads_.size(); ++i) old.emplace(workloads_[i].id, &slots_[i]);
  std::vector<Slot> slots(workloads.size());
  bool memory_for_horizontal = false;
  for (size_t i = 0; i < workloads.size(); ++i) {
    const WorkloadConfig& w = workloads[i];
    Slot& s = slots[i];
    s.horizontal = horizontal.at(w.horizontal_strategy).get();
    s.vertical = w.vertical ? vertical.at(w.vertical_strategy).get() : nullptr;
    auto it = old.find(w.id);
    if (it != old.end() && it->second->horizontal == s.horizontal) {
      s.horizontal_state = std::move(it->second->horizontal_state);
      s.last_seen = it->second->last_seen;
    }
    if (it != old.end() && s.vertical != nullptr && it->second->vertical == s.vertical) {
      s.vertical_state = std::move(it->second->vertical_state);
    }
    if (w.policies != nullptr) {
      for (const std::string& m : w.policy_metrics) {
        auto b = binding_index_.find(m);
        if (b != binding_index_.end()) s.policy_bindings.emplace_back(m, b->second);
      }
      s.accounts.resize(w.policies->size());
      if (it != old.end()) {
        // Accounts follow their policy by name: a reload that keeps a budget keeps its spending.
        const WorkloadConfig& before = workloads_[static_cast<size_t>(it->second - slots_.data())];
        if (before.policies != nullptr) {
          for (size_t q = 0; q < it->second->accounts.size(); ++q) {
            const std::string_view name = before.policies->policies()[q]->name();
            if (std::optional<size_t> p = PolicyIndex(*w.policies, name)) {
              s.accounts[*p] = it->second->accounts[q];
            }
          }
          s.accrued_to = it->second->accrued_to;
        }
        s.history = std::move(it->second->history);
      }
    }
    if (s.horizontal_state == nullptr) s.horizontal_state = s.horizontal->NewState();
    if (s.vertical != nullptr && s.vertical_state == nullptr) {
      s.vertical_state = s.vertical->NewState();
    }
    for (const MetricSpec& m : EffectiveMetrics(w.horizontal)) {
      auto b = binding_index_.find(m.name);
      s.metric_bindings.push_back(b == binding_index_.end() ? kNoBinding : b->second);
      memory_for_horizontal |= memory_binding_ && s.metric_bindings.back() == *memory_binding_;
    }
  }
  workloads_ = std::move(workloads);
  slots_ = std::move(slots);
  memory_for_horizontal_ = memory_for_horizontal;
  horizontal_ = std::move(horizontal);
  vertical_ = std::move(vertical);
  ids_.clear();
  shared_ids_.clear();
  for (const WorkloadConfig& w : workloads_) {
    ids_.push_back(w.id);
    shared_ids_.emplace_back(w.id);
  }
  return Status::Ok();
}

// Reads every binding for every workload; a workload's horizontal metrics are then viewed in
// place when they come from one binding, else copied in its own vector.
void Engine::Collect(Tick& t) {
  // Memory usage feeds vertical strategies only, unless a horizontal spec names it: skip it on
  // ticks where no vertical strategy runs.
  bool vertical_due = false;
  for (size_t w = 0; w < workloads_.size() && !vertical_due; ++w) {
    const Slot& s = slots_[w];
    vertical_due = s.vertical != nullptr && s.vertical->Due(*s.vertical_state, t.now);
  }
  const bool skip_memory = memory_binding_ && !memory_for_horizontal_ && !vertical_due;
  if (!options_.bindings.empty() && !ids_.empty()) {
    if (skip_memory) {
      std::vector<metrics::MetricBinding> read;
      for (size_t b = 0; b < options_.bindings.size(); ++b) {
        if (b != *memory_binding_) read.push_back(options_.bindings[b]);
      }
      t.collected = options_.collector->Collect(read, ids_, t.now);
      t.collected.metrics.insert(
          t.collected.metrics.begin() + static_cast<std::ptrdiff_t>(*memory_binding_),
          std::vector<WorkloadMetric>());  // not read: no strategy is due to use it
    } else {
      t.collected = options_.collector->Collect(options_.bindings, ids_, t.now);
    }
    t.report.sources = t.collected.sources;
  }
  t.own_metrics.resize(workloads_.size());
  for (const char* name : {"cpu", "memory"}) {
    WorkloadMetric m;
    m.metric = name;
    m.time = t.now;
    m.status = NotFoundError(std::string("no metric source is bound to \"") + name + "\"");
    t.missing.push_back(std::move(m));
  }
  for (size_t w = 0; w < workloads_.size(); ++w) {
    const Slot& s = slots_[w];
    if (s.metric_bindings.size() == 1 && s.metric_bindings[0] != kNoBinding) continue;
    std::span<const MetricSpec> specs = EffectiveMetrics(workloads_[w].horizontal);
    for (size_t m = 0; m < specs.size(); ++m) {
      const size_t b = s.metric_bindings[m];
      if (b != kNoBinding) {
        t.own_metrics[w].push_back(t.collected.metrics[b][w]);
        continue;
      }
      WorkloadMetric missing;
      missing.metric = specs[m].name;
      missing.time = t.now;
      missing.status = NotFoundError("no metric source is bound to \"" + specs[m].name +
                                     "\" (check the " + "configuration's metrics and sources)");
      t.own_metrics[w].push_back(std::move(missing));
    }
  }
}

void Engine::Recommend(Tick& t) {
  t.proposals.resize(workloads_.size());
  t.vertical.resize(workloads_.size());
  for (size_t w = 0; w < workloads_.size(); ++w) {
    Decision& d = t.report.decisions[w];
    const WorkloadState* state = t.states[w];
    if (state == nullptr) continue;
    const WorkloadConfig& config = workloads_[w];
    Slot& s = slots_[w];
    std::span<const WorkloadMetric> metrics =
        t.own_metrics[w].empty()
            ? std::span<const WorkloadMetric>(&t.collected.metrics[s.metric_bindings[0]][w], 1)
            : std::span<const WorkloadMetric>(t.own_metrics[w]);
    HorizontalContext ctx{state, metrics, &config.horizontal,
                          t.now, nullptr, config.vertical ? &*config.vertical : nullptr};
    t.proposals[w] = s.horizontal->Recommend(ctx, *s.horizontal_state);
    d.current_replicas = t.proposals[w].current_replicas = state->spec_replicas;
    if (s.vertical == nullptr) continue;
    VerticalContext vctx;
    vctx.workload = state;
    vctx.cpu = cpu_binding_ ? &t.collected.metrics[*cpu_binding_][w] : &t.missing[0];
    vctx.memory = memory_binding_ && !t.collected.metrics[*memory_binding_].empty()
                      ? &t.collected.metrics[*memory_binding_][w]
                      : &t.missing[1];
    vctx.spec = &*config.vertical;
    vctx.horizontal = &config.horizontal;
    vctx.now = t.now;
    vctx.horizontal_proposal = &t.proposals[w];  // decided first: a joint size is in it
    t.vertical[w] = s.vertical->Recommend(vctx, *s.vertical_state);
  }
}

void Engine::ApplyPolicies(Tick& t) {
  std::vector<NamedValue> metrics, spent;
  for (size_t w = 0; w < workloads_.size(); ++w) {
    const WorkloadState* state = t.states[w];
    if (state == nullptr) continue;
    const WorkloadConfig& config = workloads_[w];
    PolicyContext ctx{&config.id, &config.horizontal, t.now};
    if (config.policies == nullptr) {
      t.proposals[w] = policies_.Apply(std::move(t.proposals[w]), ctx);
      continue;
    }
    Slot& s = slots_[w];
    const PolicyChain& chain = *config.policies;
    const std::optional<Resources> requests =
        state->pod_requests == Resources{} ? std::nullopt : std::optional(state->pod_requests);
    // What ran since the last tick was paid for: the replicas the cluster has now.
    spent.clear();
    for (size_t p = 0; p < chain.size(); ++p) {
      const Policy& policy = *chain.policies()[p];
      const Timestamp from = s.accrued_to.value_or(t.now);
      if (policy.Accrue(s.accounts[p], state->spec_replicas, requests, from, t.now)) {
        spent.push_back({policy.name(), s.accounts[p].spent});
      }
    }
    s.accrued_to = t.now;
    metrics.clear();
    for (const auto& [name, b] : s.policy_bindings) {
      if (std::optional<double> v = ScalarOf(t.collected.metrics[b][w])) {
        metrics.push_back({name, *v});
      }
    }
    ctx.metrics = metrics;
    ctx.spent = spent;
    ctx.tier = config.tier;
    ctx.priority = config.priority;
    ctx.labels = &config.labels;
    ctx.current_requests = requests;
    ctx.history = s.history;
    t.proposals[w] = chain.Apply(std::move(t.proposals[w]), ctx);
  }
}

void Engine::Arbitrate(Tick& t) {
  if (arbiter_ == nullptr) return;
  std::vector<const WorkloadConfig*> configs;
  std::vector<Proposal*> proposals;
  for (size_t w = 0; w < workloads_.size(); ++w) {
    configs.push_back(&workloads_[w]);
    proposals.push_back(t.states[w] == nullptr ? nullptr : &t.proposals[w]);
  }
  arbiter_->Arbitrate(configs, proposals, t.now);
}

void Engine::Apply(Tick& t) {
  for (size_t w = 0; w < workloads_.size(); ++w) {
    if (t.states[w] == nullptr) continue;
    const WorkloadConfig& config = workloads_[w];
    Decision& d = t.report.decisions[w];
    d.desired_replicas = t.proposals[w].desired_replicas;
    d.trace = std::move(t.proposals[w].trace);
    d.forecast_load = t.proposals[w].forecast_load;
    if (config.apply && d.desired_replicas != d.current_replicas) {
      d.status = options_.backend->SetReplicas(d.workload, d.desired_replicas);
      d.applied = d.status.ok();
      if (d.applied) ++t.report.scaled;
    }
    if (!t.vertical[w]) continue;
    VerticalProposal& v = *t.vertical[w];
    VerticalDecision vd{v.containers, v.update,           v.pods,
                        false,        std::move(v.trace), std::move(v.recommendation)};
    if (!v.containers.empty()) d.pod_requests = Sum(v.containers);
    const bool act =
        config.apply && v.update != VerticalUpdate::kOff &&
        (!v.containers.empty() || (!v.pods.empty() && v.update != VerticalUpdate::kInitial));
    if (act) {
      ResourceUpdate update{
          v.containers, MethodOf(v.update),
          v.update == VerticalUpdate::kInitial ? std::vector<std::string>{} : v.pods};
      Status s = options_.backend->SetResources(d.workload, update);
      vd.applied = s.ok();
      if (vd.applied) ++t.report.resized;
      if (!s.ok() && d.status.ok()) d.status = s.WithContext("resources");
    }
    t.report.vertical[w] = std::move(vd);
  }
}

void Engine::Record(Tick& t) {
  for (size_t w = 0; w < workloads_.size(); ++w) {
    Slot& s = slots_[w];
    const Decision& d = t.report.decisions[w];
    if (t.states[w] == nullptr) {
      if (s.last_seen && t.now - *s.last_seen > options_.forget_after) {
        s.horizontal_state = s.horizontal->NewState();  // gone: its history is not its own
        if (s.vertical != nullptr) s.vertical_state = s.vertical->NewState();
        s.last_seen.reset();
      }
    } else {
      s.last_seen = t.now;
      s.horizontal->Commit(*s.horizontal_state, d.current_replicas,
                           d.applied ? d.desired_replicas : d.current_replicas, t.now);
      if (workloads_[w].policies != nullptr && d.applied) {
        Remember(s.history, t.now, d.desired_replicas);
      }
      if (s.vertical != nullptr && t.vertical[w]) {
        const bool applied = t.report.vertical[w] && t.report.vertical[w]->applied;
        s.vertical->Commit(*s.vertical_state, *t.vertical[w], applied, t.now);
      }
    }
    if (!d.status.ok()) {
      ++t.report.errors;
      spdlog::debug("{}: {}", d.workload.ToString(), d.status.ToString());
    }
  }
}

TickReport Engine::RunOnce(Timestamp now) {
  Tick t{.snapshot = snapshot_};
  t.now = now;
  t.report.time = now;
  auto timed = [&](const char* step, auto&& body) {
    const Timestamp start = wall_.Now();
    body();
    t.report.timings.push_back({step, wall_.Now() - start});
  };
  Status snapshot = UnavailableError("no snapshot taken");
  timed("snapshot", [&] { snapshot = options_.backend->SnapshotInto(snapshot_); });
  // Every decision shares its workload's id with the engine: one pointer copied, not four strings.
  t.report.decisions.reserve(workloads_.size());
  for (size_t w = 0; w < workloads_.size(); ++w) {
    t.report.decisions.push_back(Decision{.workload = shared_ids_[w], .time = now});
  }
  t.report.vertical.resize(workloads_.size());
  if (!snapshot.ok()) {
    t.report.status = snapshot.WithContext("snapshot");
    for (Decision& d : t.report.decisions) d.status = t.report.status;
    t.report.errors = static_cast<int32_t>(t.report.decisions.size());
    return std::move(t.report);
  }
  // A backend usually lists the workloads in the engine's order: look there first, and index the
  // snapshot by id only when a workload is elsewhere.
  std::unordered_map<WorkloadId, const WorkloadState*, WorkloadIdHash> by_id;
  t.states.assign(workloads_.size(), nullptr);
  for (size_t w = 0; w < workloads_.size(); ++w) {
    const WorkloadId& id = workloads_[w].id;
    if (w < t.snapshot.workloads.size() && t.snapshot.workloads[w].id == id) {
      t.states[w] = &t.snapshot.workloads[w];
      continue;
    }
    if (by_id.empty()) {
      for (const WorkloadState& s : t.snapshot.workloads) by_id.emplace(s.id, &s);
    }
    auto it = by_id.find(id);
    if (it != by_id.end()) {
      t.states[w] = it->second;
    } else {
      t.report.decisions[w].status =
          NotFoundError("workload " + id.ToString() + " is not in the cluster");
    }
  }
  for (size_t w = 0; w < workloads_.size(); ++w) {
    if (t.states[w] != nullptr) {
      t.report.decisions[w].current_replicas = t.report.decisions[w].desired_replicas =
          t.states[w]->spec_replicas;
    }
  }
  timed("collect", [&] { Collect(t); });
  timed("recommend", [&] { Recommend(t); });
  timed("policies", [&] { ApplyPolicies(t); });
  timed("arbitrate", [&] { Arbitrate(t); });
  timed("apply", [&] { Apply(t); });
  timed("record", [&] { Record(t); });
  return std::move(t.report);
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

nlohmann::json Engine::Checkpoint() const {
  nlohmann::json out = nlohmann::json::array();
  for (size_t w = 0; w < workloads_.size(); ++w) {
    const Slot& s = slots_[w];
    nlohmann::json entry = {
        {"id", IdToJson(workloads_[w].id)},
        {"last_seen", s.last_seen ? nlohmann::json(s.last_seen->time_since_epoch().count())
                                  : nlohmann::json(nullptr)},
        {"horizontal",
         {{"strategy", workloads_[w].horizontal_strategy},
          {"state", s.horizontal_state->ToJson()}}}};
    if (s.vertical != nullptr) {
      entry["vertical"] = {{"strategy", workloads_[w].vertical_strategy},
                           {"state", s.vertical_state->ToJson()}};
    }
    if (const PolicyChain* chain = workloads_[w].policies.get()) {
      nlohmann::json accounts = nlohmann::json::array(), history = nlohmann::json::array();
      for (size_t p = 0; p < chain->size(); ++p) {
        if (s.accounts[p] == SpendAccount{}) continue;
        accounts.push_back(
            {{"policy", chain->policies()[p]->name()},
             {"spent", s.accounts[p].spent},
             {"period_start", s.accounts[p].period_start.time_since_epoch().count()}});
      }
      for (const ReplicaRecord& r : s.history) {
        history.push_back({r.time.time_since_epoch().count(), r.replicas});
      }
      entry["policies"] = {
          {"accounts", std::move(accounts)},
          {"history", std::move(history)},
          {"accrued_to", s.accrued_to ? nlohmann::json(s.accrued_to->time_since_epoch().count())
                                      : nlohmann::json(nullptr)}};
    }
    out.push_back(std::move(entry));
  }
  return {{"version", 1}, {"workloads", std::move(out)}};
}

std::optional<SpendAccount> Engine::Account(size_t index, std::string_view policy) const {
  if (index >= workloads_.size() || index >= slots_.size()) return std::nullopt;
  const PolicyChain* chain = workloads_[index].policies.get();
  if (chain == nullptr) return std::nullopt;
  const std::vector<SpendAccount>& accounts = slots_[index].accounts;
  for (size_t p = 0; p < chain->size() && p < accounts.size(); ++p) {
    if (chain->policies()[p]->name() == policy) return accounts[p];
  }
  return std::nullopt;
}

namespace {

// A checkpoint entry's "policies": {"accounts": [{"policy", "spent", "period_start"}],
// "history": [[ns, replicas], ...], "accrued_to": ns|null}. Accounts of policies the chain no
// longer has are dropped.
StatusOr<Engine::PolicyRecords> PoliciesFromJson(const nlohmann::json& j, const PolicyChain& chain,
                                                 const std::string& where) {
  Engine::PolicyRecords out;
  out.accounts.resize(chain.size());
  if (!j.is_object() || !j.value("accounts", nlohmann::json()).is_array() ||
      !j.value("history", nlohmann::json()).is_array()) {
    return InvalidArgumentError(where + ": expected {\"accounts\": [...], \"history\": [...]}");
  }
  const nlohmann::json& accounts = j["accounts"];
  for (size_t i = 0; i < accounts.size(); ++i) {
    const nlohmann::json& a = accounts[i];
    if (!a.is_object() || !a.value("policy", nlohmann::json()).is_string() ||
        !a.value("spent", nlohmann::json()).is_number() ||
        !a.value("period_start", nlohmann::json()).is_number_integer() ||
        !std::isfinite(a["spent"].get<double>()) || a["spent"].get<double>() < 0) {
      return InvalidArgumentError(
          fmt::format("{}.accounts[{}]: expected {{\"policy\": name, \"spent\": a number >= 0, "
                      "\"period_start\": nanoseconds}}",
                      where, i));
    }
    if (std::optional<size_t> p = PolicyIndex(chain, a["policy"].get<std::string>())) {
      out.accounts[*p] = {a["spent"].get<double>(),
                          Timestamp(Duration(a["period_start"].get<int64_t>()))};
    }
  }
  const nlohmann::json& history = j["history"];
  for (size_t i = 0; i < history.size(); ++i) {
    const nlohmann::json& h = history[i];
    if (!h.is_array() || h.size() != 2 || !h[0].is_number_integer() || !h[1].is_number_integer() ||
        h[1].get<int64_t>() < 0 || h[1].get<int64_t>() > std::numeric_limits<int32_t>::max() ||
        (!out.history.empty() &&
         Timestamp(Duration(h[0].get<int64_t>())) < out.history.back().time)) {
      return InvalidArgumentError(
          fmt::format("{}.history[{}]: expected [nanoseconds, replicas], oldest first", where, i));
    }
    if (out.history.size() == kMaxHistory) {
      return InvalidArgumentError(
          fmt::format("{}.history: more than {} records", where, kMaxHistory));
    }
    out.history.push_back({Timestamp(Duration(h[0].get<int64_t>())), h[1].get<int32_t>()});
  }
  const nlohmann::json& to = j.value("accrued_to", nlohmann::json());
  if (to.is_number_integer()) {
    out.accrued_to = Timestamp(Duration(to.get<int64_t>()));
  } else if (!to.is_null()) {
    return InvalidArgumentError(where + ".accrued_to: expected nanoseconds or null");
  }
  return out;
}

}  // namespace

Status Engine::Restore(const nlohmann::json& checkpoint, size_t* skipped) {
  if (!checkpoint.is_object() || checkpoint.value("version", 0) != 1 ||
      !checkpoint.contains("workloads") || !checkpoint["workloads"].is_array()) {
    return InvalidArgumentError(
        "checkpoint: expected {\"version\": 1, \"workloads\": [...]} as Engine::Checkpoint() "
        "writes it");
  }
  std::unordered_map<WorkloadId, size_t, WorkloadIdHash> index;
  for (size_t w = 0; w < workloads_.size(); ++w) index.emplace(workloads_[w].id, w);
  struct Restored {
    size_t slot;
    std::unique_ptr<StrategyState> horizontal, vertical;
    std::optional<Timestamp> last_seen;
    std::optional<PolicyRecords> policies;
  };
  std::vector<Restored> restored;
  size_t skip = 0;
  const nlohmann::json& entries = checkpoint["workloads"];
  for (size_t i = 0; i < entries.size(); ++i) {
    const nlohmann::json& e = entries[i];
    const std::string where = fmt::format("checkpoint: workloads[{}]", i);
    if (!e.is_object()) return InvalidArgumentError(where + ": expected an object");
    CRESCENDO_ASSIGN_OR_RETURN(WorkloadId id, IdFromJson(e.value("id", nlohmann::json()), i));
    auto it = index.find(id);
    const nlohmann::json& h = e.value("horizontal", nlohmann::json());
    if (!h.is_object() || !h.contains("strategy") || !h["strategy"].is_string() ||
        !h.contains("state")) {
      return InvalidArgumentError(where + ".horizontal: expected {\"strategy\": name, \"state\"}");
    }
    if (it == index.end() || h["strategy"] != workloads_[it->second].horizontal_strategy) {
      ++skip;
      continue;
    }
    const size_t w = it->second;
    Restored r{w, nullptr, nullptr, std::nullopt, std::nullopt};
    StatusOr<std::unique_ptr<StrategyState>> hs = slots_[w].horizontal->RestoreState(h["state"]);
    if (!hs.ok()) return hs.status().WithContext(where + " (" + id.ToString() + ")");
    r.horizontal = *std::move(hs);
    const nlohmann::json& v = e.value("vertical", nlohmann::json());
    if (slots_[w].vertical != nullptr && v.is_object() &&
        v.value("strategy", "") == workloads_[w].vertical_strategy && v.contains("state")) {
      StatusOr<std::unique_ptr<StrategyState>> vs = slots_[w].vertical->RestoreState(v["state"]);
      if (!vs.ok()) return vs.status().WithContext(where + " (" + id.ToString() + ")");
      r.vertical = *std::move(vs);
    }
    const nlohmann::json& seen = e.value("last_seen", nlohmann::json());
    if (seen.is_number_integer()) r.last_seen = Timestamp(Duration(seen.get<int64_t>()));
    if (const PolicyChain* chain = workloads_[w].policies.get();
        chain != nullptr && e.contains("policies")) {
      CRESCENDO_ASSIGN_OR_RETURN(r.policies,
                                 PoliciesFromJson(e["policies"], *chain, where + ".policies"));
    }
    restored.push_back(std::move(r));
  }
  for (Restored& r : restored) {
    Slot& s = slots_[r.slot];
    s.horizontal_state = std::move(r.horizontal);
    if (r.vertical != nullptr) s.vertical_state = std::move(r.vertical);
    s.last_seen = r.last_seen;
    if (r.policies) {
      s.accounts = std::move(r.policies->accounts);
      s.history = std::move(r.policies->history);
      s.accrued_to = r.policies->accrued_to;
    }
  }
  if (skipped != nullptr) *skipped = skip;
  return Status::Ok();
}

size_t Engine::StateBytes() const {
  size_t bytes = 0;
  for (const Slot& s : slots_) {
    bytes += s.horizontal_state->Bytes();
    if (s.vertical_state != nullptr) bytes += s.vertical_state->Bytes();
  }
  return bytes;
}

WorkloadConfig WorkloadFor(const WorkloadId& id, const HorizontalSpec& horizontal,
                           const std::optional<VerticalSpec>& vertical, const ModeStrategies& plan,
                           std::string mode) {
  WorkloadConfig w;
  w.id = id;
  w.horizontal = horizontal;
  w.vertical = vertical;
  w.horizontal_strategy = plan.horizontal;
  w.vertical_strategy = plan.vertical;
  w.apply = plan.apply;
  w.mode = std::move(mode);
  return w;
}

std::vector<metrics::MetricBinding> BindAllTo(const std::vector<WorkloadConfig>& workloads,
                                              const std::string& source) {
  std::set<std::string> names;
  for (const WorkloadConfig& w : workloads) {
    for (const MetricSpec& m : EffectiveMetrics(w.horizontal)) names.insert(m.name);
    if (w.vertical) names.insert({"cpu", "memory"});
    if (w.policies != nullptr) names.insert(w.policy_metrics.begin(), w.policy_metrics.end());
  }
  std::vector<metrics::MetricBinding> out;
  for (const std::string& name : names) {
    out.push_back({name, source, name, std::chrono::minutes(1), 1.0});
  }
  return out;
}

}  // namespace crescendo
