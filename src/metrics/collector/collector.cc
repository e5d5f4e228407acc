#include "crescendo/metrics/collector.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <memory>
#include <mutex>
#include <span>

#include "crescendo/base/random.h"
#include "metrics/collector/thread_pool.h"

namespace crescendo::metrics {
namespace {

// How long Collect() waits past a task's deadline, on the Clock, before abandoning it: it guards
// against a source that ignores MetricRequest::timeout.
constexpr Duration kAbandonGrace = std::chrono::milliseconds(100);

// How often a wait for a task looks at the Clock again. The Clock cannot wake a waiter when it
// moves (a SimulatedClock moves when told), so the wait polls it; only the Clock decides.
constexpr std::chrono::milliseconds kClockPoll(1);

bool Retryable(StatusCode code) {
  return code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded ||
         code == StatusCode::kResourceExhausted || code == StatusCode::kAborted;
}

// A failure that says the source is unhealthy (as opposed to a bad query or unknown metric).
bool SourceFailure(StatusCode code) { return Retryable(code) || code == StatusCode::kInternal; }

uint64_t MixSeed(uint64_t seed, uint64_t tick, uint64_t task) {
  uint64_t z = seed ^ (tick * 0x9E3779B97F4A7C15ULL) ^ (task * 0xBF58476D1CE4E5B9ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

struct TaskOutcome {
  std::vector<WorkloadMetric> metrics;
  Status error;
  int retries = 0;
  int64_t samples = 0;
  int64_t stale_samples = 0;
  Duration max_sample_age{};
  Duration latency{};
};

struct Task {
  MetricBinding binding;
  // The task's slice of the tick's workloads; `ids` keeps them alive for as long as the task
  // lives (an abandoned task outlives its Collect call).
  std::shared_ptr<const std::vector<WorkloadId>> ids;
  std::span<const WorkloadId> workloads;
  std::shared_ptr<MetricSource> source;
  CircuitBreaker* breaker = nullptr;
  SourcePolicy policy;
  Timestamp now{};
  Timestamp deadline{};  // on the Clock
  uint64_t seed = 0;
  TaskOutcome out;       // written by the worker; read only once `done` is ready
  Timestamp finished{};  // Clock time the worker finished; read only once `done` is ready
  std::promise<void> done;
};

std::vector<WorkloadMetric> FailedMetrics(const std::string& metric, size_t count,
                                          const Status& status) {
  std::vector<WorkloadMetric> out(count);
  for (WorkloadMetric& m : out) {
    m.metric = metric;
    m.status = status;
  }
  return out;
}

// Drops samples older than max_age, scales the rest, and records what was kept.
void AgeAndScale(Task& task, WorkloadMetric& m, const WorkloadId& workload) {
  if (!m.status.ok()) return;
  const Timestamp cutoff = task.now - task.policy.max_age;
  const size_t before = m.pods.size();
  std::erase_if(m.pods, [&](const PodMetric& p) { return p.time < cutoff; });
  task.out.stale_samples += static_cast<int64_t>(before - m.pods.size());
  Timestamp newest{};
  for (PodMetric& p : m.pods) {
    p.value *= task.binding.scale;
    newest = std::max(newest, p.time);
  }
  if (m.value && m.time < cutoff) {
    m.value.reset();
    ++task.out.stale_samples;
  } else if (m.value) {
    *m.value *= task.binding.scale;
    newest = std::max(newest, m.time);
  }
  if (!m.value && m.pods.empty()) {
    m.status =
        UnavailableError(task.source->name().data() + std::string(": metric ") + m.metric +
                         ", workload " + workload.ToString() + ": stale: newest sample at " +
                         FormatRfc3339(m.time) + " is " + FormatDuration(task.now - m.time) +
                         " old, more than the max age of " + FormatDuration(task.policy.max_age));
    return;
  }
  m.time = newest;
  task.out.samples += static_cast<int64_t>(m.pods.size()) + (m.value ? 1 : 0);
  task.out.max_sample_age = std::max(task.out.max_sample_age, task.now - newest);
}

StatusOr<std::vector<WorkloadMetric>> ReadWithRetries(Task& task, Clock& clock) {
  Random random(task.seed);
  const RetryPolicy& retry = task.policy.retry;
  StatusOr<std::vector<WorkloadMetric>> result = UnavailableError("not attempted");
  for (int attempt = 1;; ++attempt) {
    const Duration remaining = task.deadline - clock.Now();
    if (remaining <= Duration::zero()) {
      return DeadlineExceededError(std::string(task.source->name()) + ": deadline of " +
                                   FormatDuration(task.policy.deadline) + " exceeded after " +
                                   std::to_string(attempt - 1) +
                                   " attempt(s); last error: " + result.status().ToString());
    }
    MetricRequest request{task.binding.metric, task.binding.query, task.workloads, task.now,
                          task.binding.window, remaining};
    result = task.source->Read(request);
    if (result.ok() || !Retryable(result.status().code()) || attempt >= retry.max_attempts) {
      return result;
    }
    const double factor = 1.0 + retry.jitter * random.Uniform(-1.0, 1.0);
    const Duration backoff = FromSeconds(ToSeconds(BackoffFor(retry, attempt)) * factor);
    const Timestamp wake = clock.Now() + backoff;
    if (wake >= task.deadline) return result;
    clock.SleepUntil(wake);
    ++task.out.retries;
  }
}

void RunTask(Task& task, Clock& clock) {
  const Timestamp started = clock.Now();
  if (!task.breaker->Allow(started)) {
    task.out.error = UnavailableError(std::string(task.source->name()) + ": circuit open after " +
                                      std::to_string(task.breaker->consecutive_failures()) +
                                      " consecutive failures; next trial at " +
                                      FormatRfc3339(task.breaker->retry_at()));
    task.out.metrics = FailedMetrics(task.binding.metric, task.workloads.size(), task.out.error);
    return;
  }
  StatusOr<std::vector<WorkloadMetric>> result = ReadWithRetries(task, clock);
  if (result.ok() && result->size() != task.workloads.size()) {
    result = InternalError(std::string(task.source->name()) + ": answered " +
                           std::to_string(result->size()) + " workloads for " +
                           std::to_string(task.workloads.size()) + " requested");
  }
  task.out.latency = clock.Now() - started;
  if (!result.ok()) {
    task.out.error = result.status();
    if (SourceFailure(task.out.error.code())) {
      task.breaker->RecordFailure(clock.Now());
    } else {
      task.breaker->RecordSuccess();  // the source answered; the request was wrong
    }
    task.out.metrics = FailedMetrics(task.binding.metric, task.workloads.size(), task.out.error);
    return;
  }
  task.breaker->RecordSuccess();
  task.out.metrics = std::move(result).value();
  for (size_t i = 0; i < task.out.metrics.size(); ++i) {
    task.out.metrics[i].metric = task.binding.metric;
    AgeAndScale(task, task.out.metrics[i], task.workloads[i]);
  }
}

// Returns true once `done` is ready, false when `clock` reaches `limit` first.
bool WaitUntil(std::future<void>& done, const Clock& clock, Timestamp limit) {
  while (done.wait_for(kClockPoll) != std::future_status::ready) {
    if (clock.Now() >= limit) return false;
  }
  return true;
}

}  // namespace

Duration BackoffFor(const RetryPolicy& policy, int retry) {
  const double seconds =
      ToSeconds(policy.initial_backoff) * std::pow(policy.multiplier, std::max(0, retry - 1));
  return std::min(policy.max_backoff, FromSeconds(std::min(seconds, 1e9)));
}

std::string_view SourceHealthName(SourceHealth health) {
  switch (health) {
    case SourceHealth::kHealthy:
      return "healthy";
    case SourceHealth::kDegraded:
      return "degraded";
    case SourceHealth::kUnavailable:
      return "unavailable";
    case SourceHealth::kCircuitOpen:
      return "circuit-open";
  }
  return "unknown";
}

bool CollectResult::AllHealthy() const {
  return std::all_of(sources.begin(), sources.end(),
                     [](const SourceReport& r) { return r.health == SourceHealth::kHealthy; });
}

struct Collector::Impl {
  struct SourceState {
    std::shared_ptr<MetricSource> source;
    SourcePolicy policy;
    std::unique_ptr<CircuitBreaker> breaker;
    SourceReport report;
  };
  struct Pending {
    size_t binding;
    std::shared_ptr<Task> task;
    std::future<void> done;
  };

  Impl(CollectorOptions o, Clock& c) : options(std::move(o)), clock(c), pool(options.threads) {}

  std::vector<Pending> Submit(std::span<const MetricBinding> bindings,
                              std::span<const WorkloadId> workloads, Timestamp now,
                              CollectResult& result);
  // Returns the workloads as one shared list, the last tick's when they are the same (most
  // ticks), so that tasks do not copy their ids.
  std::shared_ptr<const std::vector<WorkloadId>> SharedIds(std::span<const WorkloadId> workloads);
  std::vector<TaskOutcome> Gather(std::vector<Pending>& pending) const;
  void Report(const std::vector<Pending>& pending, const std::vector<TaskOutcome>& outcomes,
              Timestamp now, CollectResult& result);

  const CollectorOptions options;
  Clock& clock;
  std::map<std::string, SourceState> sources;
  uint64_t tick = 0;
  std::shared_ptr<const std::vector<WorkloadId>> last_ids;
  mutable std::mutex mu;  // guards the reports in `sources`
  ThreadPool pool;        // last: destroyed (joined) first
};

std::vector<Collector::Impl::Pending> Collector::Impl::Submit(
    std::span<const MetricBinding> bindings, std::span<const WorkloadId> workloads, Timestamp now,
    CollectResult& result) {
  std::vector<Pending> pending;
  result.metrics.resize(bindings.size());
  const std::shared_ptr<const std::vector<WorkloadId>> ids = SharedIds(workloads);
  for (size_t b = 0; b < bindings.size(); ++b) {
    const auto it = sources.find(bindings[b].source);
    if (it == sources.end()) {
      result.metrics[b] = FailedMetrics(
          bindings[b].metric, workloads.size(),
          NotFoundError("metric " + bindings[b].metric + ": no metric source named \"" +
                        bindings[b].source + "\" is configured"));
      continue;
    }
    for (size_t first = 0; first < workloads.size(); first += options.workloads_per_task) {
      const size_t count = std::min(options.workloads_per_task, workloads.size() - first);
      auto task = std::make_shared<Task>();
      task->binding = bindings[b];
      task->ids = ids;
      task->workloads = std::span<const WorkloadId>(*ids).subspan(first, count);
      task->source = it->second.source;
      task->breaker = it->second.breaker.get();
      task->policy = it->second.policy;
      task->now = now;
      task->deadline = clock.Now() + task->policy.deadline;
      task->seed = MixSeed(options.seed, tick, pending.size());
      pending.push_back({b, task, task->done.get_future()});
      pool.Submit([task, &c = clock] {
        RunTask(*task, c);
        task->finished = c.Now();
        task->done.set_value();
      });
    }
  }
  return pending;
}

std::shared_ptr<const std::vector<WorkloadId>> Collector::Impl::SharedIds(
    std::span<const WorkloadId> workloads) {
  if (last_ids == nullptr ||
      !std::equal(last_ids->begin(), last_ids->end(), workloads.begin(), workloads.end())) {
    last_ids = std::make_shared<const std::vector<WorkloadId>>(workloads.begin(), workloads.end());
  }
  return last_ids;
}

std::vector<TaskOutcome> Collector::Impl::Gather(std::vector<Pending>& pending) const {
  std::vector<TaskOutcome> outcomes(pending.size());
  for (size_t t = 0; t < pending.size(); ++t) {
    Task& task = *pending[t].task;
    const Timestamp limit = task.deadline + kAbandonGrace;
    // A task that finished after the limit (its source moved a simulated clock past it) is
    // abandoned too, so the outcome depends on the Clock alone, not on when Gather looked.
    if (WaitUntil(pending[t].done, clock, limit) && task.finished <= limit) {
      outcomes[t] = std::move(task.out);
      continue;
    }
    // The worker may still own task.out; the abandoned read's answer is dropped with the task.
    TaskOutcome& out = outcomes[t];
    out.error = DeadlineExceededError(std::string(task.source->name()) + ": metric " +
                                      task.binding.metric + ": no answer within " +
                                      FormatDuration(task.policy.deadline) + "; read abandoned");
    out.metrics = FailedMetrics(task.binding.metric, task.workloads.size(), out.error);
    out.latency = task.policy.deadline;
  }
  return outcomes;
}

void Collector::Impl::Report(const std::vector<Pending>& pending,
                             const std::vector<TaskOutcome>& outcomes, Timestamp now,
                             CollectResult& result) {
  std::lock_guard<std::mutex> lock(mu);
  std::map<std::string, SourceReport*> touched;
  for (size_t t = 0; t < pending.size(); ++t) {
    const TaskOutcome& out = outcomes[t];
    SourceReport& r = sources.at(pending[t].task->binding.source).report;
    if (touched.emplace(r.source, &r).second) {
      r = SourceReport{.source = r.source, .last_success = r.last_success};
    }
    ++r.reads;
    r.retries += out.retries;
    r.samples += out.samples;
    r.stale_samples += out.stale_samples;
    r.max_sample_age = std::max(r.max_sample_age, out.max_sample_age);
    r.read_latency = std::max(r.read_latency, out.latency);
    if (out.error.ok()) {
      r.last_success = now;
    } else {
      ++r.failed_reads;
      r.last_error = out.error;
    }
  }
  for (auto& [name, r] : touched) {
    const CircuitBreaker& breaker = *sources.at(name).breaker;
    r->circuit = breaker.state(clock.Now());
    r->consecutive_failures = breaker.consecutive_failures();
    if (r->failed_reads == 0) {
      r->health = SourceHealth::kHealthy;
    } else if (r->failed_reads < r->reads) {
      r->health = SourceHealth::kDegraded;
    } else {
      r->health = r->circuit == CircuitState::kClosed ? SourceHealth::kUnavailable
                                                      : SourceHealth::kCircuitOpen;
    }
    result.sources.push_back(*r);
  }
}

StatusOr<std::unique_ptr<Collector>> Collector::Create(
    CollectorOptions options, std::vector<std::shared_ptr<MetricSource>> sources, Clock& clock) {
  if (options.threads < 1) {
    return InvalidArgumentError("collector: threads: expected at least 1, found " +
                                std::to_string(options.threads));
  }
  if (options.workloads_per_task == 0) {
    return InvalidArgumentError("collector: workloads_per_task: expected at least 1, found 0");
  }
  auto impl = std::make_unique<Impl>(options, clock);
  for (std::shared_ptr<MetricSource>& source : sources) {
    if (source == nullptr) return InvalidArgumentError("collector: a metric source is null");
    const std::string name(source->name());
    const auto policy_it = options.source_policies.find(name);
    const SourcePolicy policy =
        policy_it == options.source_policies.end() ? options.default_policy : policy_it->second;
    Impl::SourceState state{
        std::move(source), policy, std::make_unique<CircuitBreaker>(policy.breaker), {}};
    state.report.source = name;
    if (!impl->sources.emplace(name, std::move(state)).second) {
      return InvalidArgumentError("collector: two metric sources are named \"" + name + "\"");
    }
  }
  return std::unique_ptr<Collector>(new Collector(std::move(impl)));
}

Collector::Collector(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Collector::~Collector() = default;

CollectResult Collector::Collect(std::span<const MetricBinding> bindings,
                                 std::span<const WorkloadId> workloads, Timestamp now) {
  const Timestamp started = impl_->clock.Now();
  ++impl_->tick;
  CollectResult result;
  std::vector<Impl::Pending> pending = impl_->Submit(bindings, workloads, now, result);
  std::vector<TaskOutcome> outcomes = impl_->Gather(pending);
  // Tasks were created binding by binding, chunk by chunk: append their rows in that order.
  for (std::vector<WorkloadMetric>& rows : result.metrics) rows.reserve(workloads.size());
  for (size_t t = 0; t < pending.size(); ++t) {
    std::vector<WorkloadMetric>& rows = result.metrics[pending[t].binding];
    for (WorkloadMetric& m : outcomes[t].metrics) rows.push_back(std::move(m));
  }
  impl_->Report(pending, outcomes, now, result);
  result.elapsed = impl_->clock.Now() - started;
  return result;
}

std::vector<SourceReport> Collector::Reports() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::vector<SourceReport> out;
  for (const auto& [name, state] : impl_->sources) out.push_back(state.report);
  return out;
}

}  // namespace crescendo::metrics
