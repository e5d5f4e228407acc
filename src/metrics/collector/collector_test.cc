#include "crescendo/metrics/collector.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>
#include <string>
#include <vector>

namespace crescendo::metrics {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const Timestamp kNow = Timestamp(seconds(1'700'000'000));

// A MetricSource answering through a function; counts calls.
class FuncSource final : public MetricSource {
 public:
  using Fn = std::function<StatusOr<std::vector<WorkloadMetric>>(const MetricRequest&)>;
  FuncSource(std::string name, Fn fn) : name_(std::move(name)), fn_(std::move(fn)) {}
  std::string_view name() const override { return name_; }
  StatusOr<std::vector<WorkloadMetric>> Read(const MetricRequest& request) override {
    ++calls;
    return fn_(request);
  }
  std::atomic<int> calls{0};

 private:
  std::string name_;
  Fn fn_;
};

// Answers every workload with one pod "<name>-0" whose value is the workload's index in the
// request plus `base`, sampled `age` before the request time.
FuncSource::Fn PodPerWorkload(double base, Duration age = seconds(0)) {
  return [=](const MetricRequest& r) {
    std::vector<WorkloadMetric> out;
    for (size_t i = 0; i < r.workloads.size(); ++i) {
      WorkloadMetric m;
      auto names = std::make_shared<NameStore>();
      m.names = names;
      m.pods.push_back(
          {names->Add(r.workloads[i].name + "-0"), base + static_cast<double>(i), r.now - age});
      m.time = r.now - age;
      out.push_back(m);
    }
    return StatusOr<std::vector<WorkloadMetric>>(out);
  };
}

std::vector<WorkloadId> Workloads(int n) {
  std::vector<WorkloadId> out;
  for (int i = 0; i < n; ++i) out.push_back({"prod", "acme", "shop", "w" + std::to_string(i)});
  return out;
}

class CollectorTest : public testing::Test {
 protected:
  std::unique_ptr<Collector> Make(std::vector<std::shared_ptr<MetricSource>> sources) {
    auto collector = Collector::Create(options_, std::move(sources), clock_);
    EXPECT_TRUE(collector.ok()) << collector.status().ToString();
    return std::move(collector).value();
  }
  SimulatedClock clock_{kNow};
  CollectorOptions options_;
};

TEST_F(CollectorTest, ReadsAllBindingsInChunksKeepsOrderAndScales) {
  options_.workloads_per_task = 3;
  auto prom = std::make_shared<FuncSource>("prometheus", PodPerWorkload(1.0));
  auto influx = std::make_shared<FuncSource>("influxdb", PodPerWorkload(100.0));
  auto collector = Make({prom, influx});
  const auto workloads = Workloads(7);
  const std::vector<MetricBinding> bindings = {{"cpu", "prometheus", "q1", seconds(60), 1000.0},
                                               {"sessions", "influxdb", "q2"}};
  CollectResult result = collector->Collect(bindings, workloads, kNow);
  ASSERT_EQ(result.metrics.size(), 2u);
  ASSERT_EQ(result.metrics[0].size(), 7u);
  ASSERT_EQ(result.metrics[1].size(), 7u);
  // Chunks of 3: indices restart at each chunk (0,1,2 | 0,1,2 | 0).
  const std::vector<double> cpu = {1000, 2000, 3000, 1000, 2000, 3000, 1000};
  for (size_t w = 0; w < 7; ++w) {
    ASSERT_TRUE(result.metrics[0][w].status.ok()) << result.metrics[0][w].status.ToString();
    EXPECT_EQ(result.metrics[0][w].metric, "cpu");
    EXPECT_EQ(result.metrics[0][w].pods.at(0).pod, workloads[w].name + "-0");
    EXPECT_EQ(result.metrics[0][w].pods.at(0).value, cpu[w]);
    EXPECT_EQ(result.metrics[1][w].metric, "sessions");
  }
  EXPECT_EQ(prom->calls, 3);
  EXPECT_EQ(influx->calls, 3);
  ASSERT_EQ(result.sources.size(), 2u);
  EXPECT_TRUE(result.AllHealthy());
  EXPECT_EQ(result.sources[1].source, "prometheus");
  EXPECT_EQ(result.sources[1].reads, 3);
  EXPECT_EQ(result.sources[1].samples, 7);
  EXPECT_EQ(result.sources[1].last_success, kNow);
}

TEST_F(CollectorTest, SamplesOlderThanMaxAgeAreMissingNotCurrent) {
  options_.default_policy.max_age = seconds(120);
  auto source = std::make_shared<FuncSource>("prometheus", [](const MetricRequest& r) {
    std::vector<WorkloadMetric> out(2);
    out[0].pods = {{"w0-a", 1, r.now - seconds(30)}, {"w0-b", 2, r.now - seconds(600)}};
    out[0].time = r.now - seconds(30);
    out[1].value = 5;
    out[1].time = r.now - seconds(121);
    return StatusOr<std::vector<WorkloadMetric>>(out);
  });
  auto collector = Make({source});
  const std::vector<MetricBinding> bindings = {{"cpu", "prometheus", "q"}};
  CollectResult result = collector->Collect(bindings, Workloads(2), kNow);
  const WorkloadMetric& fresh = result.metrics[0][0];
  ASSERT_TRUE(fresh.status.ok());
  ASSERT_EQ(fresh.pods.size(), 1u);
  EXPECT_EQ(fresh.pods[0].pod, "w0-a");
  const WorkloadMetric& stale = result.metrics[0][1];
  EXPECT_EQ(stale.status.code(), StatusCode::kUnavailable);
  EXPECT_FALSE(stale.value.has_value());
  EXPECT_NE(stale.status.message().find("stale: newest sample at 2023-11-14T22:11:19Z is 2m1s old"),
            std::string::npos)
      << stale.status.ToString();
  EXPECT_EQ(result.sources[0].stale_samples, 2);
  EXPECT_EQ(result.sources[0].samples, 1);
  EXPECT_EQ(result.sources[0].max_sample_age, seconds(30));
}

TEST_F(CollectorTest, RetriesRetryableErrorsWithBackoffOnTheClock) {
  options_.threads = 1;
  options_.default_policy.retry = {.max_attempts = 3,
                                   .initial_backoff = milliseconds(100),
                                   .max_backoff = seconds(1),
                                   .multiplier = 2.0,
                                   .jitter = 0.2};
  std::atomic<int> failures_left{2};
  auto source = std::make_shared<FuncSource>("prometheus", [&](const MetricRequest& r) {
    if (failures_left-- > 0) return StatusOr<std::vector<WorkloadMetric>>(UnavailableError("down"));
    return PodPerWorkload(1.0)(r);
  });
  auto collector = Make({source});
  const std::vector<MetricBinding> bindings = {{"cpu", "prometheus", "q"}};
  CollectResult result = collector->Collect(bindings, Workloads(1), kNow);
  EXPECT_TRUE(result.metrics[0][0].status.ok()) << result.metrics[0][0].status.ToString();
  EXPECT_EQ(source->calls, 3);
  EXPECT_EQ(result.sources[0].retries, 2);
  EXPECT_EQ(result.sources[0].health, SourceHealth::kHealthy);
  // Slept 100ms and 200ms, each within +-20%.
  EXPECT_GE(clock_.Now() - kNow, milliseconds(240));
  EXPECT_LE(clock_.Now() - kNow, milliseconds(360));
}

TEST_F(CollectorTest, InvalidArgumentIsNotRetriedAndDoesNotTripTheBreaker) {
  options_.default_policy.breaker.failure_threshold = 1;
  auto source = std::make_shared<FuncSource>("prometheus", [](const MetricRequest&) {
    return StatusOr<std::vector<WorkloadMetric>>(InvalidArgumentError("bad query"));
  });
  auto collector = Make({source});
  const std::vector<MetricBinding> bindings = {{"cpu", "prometheus", "q"}};
  for (int tick = 0; tick < 2; ++tick) {
    CollectResult result = collector->Collect(bindings, Workloads(2), kNow);
    EXPECT_EQ(result.metrics[0][1].status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(result.sources[0].circuit, CircuitState::kClosed);
  }
  EXPECT_EQ(source->calls, 2);
}

TEST_F(CollectorTest, CircuitOpensAfterFailuresThenAdmitsATrial) {
  options_.default_policy.retry.max_attempts = 1;
  options_.default_policy.breaker = {.failure_threshold = 2, .open_duration = seconds(30)};
  std::atomic<bool> up{false};
  auto source = std::make_shared<FuncSource>("prometheus", [&](const MetricRequest& r) {
    if (!up) return StatusOr<std::vector<WorkloadMetric>>(UnavailableError("connection refused"));
    return PodPerWorkload(1.0)(r);
  });
  auto collector = Make({source});
  const std::vector<MetricBinding> bindings = {{"cpu", "prometheus", "q"}};
  struct Step {
    Duration advance;
    bool up;
    int calls_after;
    SourceHealth health;
    StatusCode code;
  };
  const std::vector<Step> steps = {
      {seconds(0), false, 1, SourceHealth::kUnavailable, StatusCode::kUnavailable},
      {seconds(10), false, 2, SourceHealth::kCircuitOpen, StatusCode::kUnavailable},
      {seconds(10), false, 2, SourceHealth::kCircuitOpen, StatusCode::kUnavailable},  // refused
      {seconds(25), true, 3, SourceHealth::kHealthy, StatusCode::kOk},                // trial
      {seconds(10), true, 4, SourceHealth::kHealthy, StatusCode::kOk},
  };
  for (size_t i = 0; i < steps.size(); ++i) {
    clock_.Advance(steps[i].advance);
    up = steps[i].up;
    CollectResult result = collector->Collect(bindings, Workloads(1), clock_.Now());
    EXPECT_EQ(source->calls, steps[i].calls_after) << "step " << i;
    EXPECT_EQ(result.sources[0].health, steps[i].health) << "step " << i;
    EXPECT_EQ(result.metrics[0][0].status.code(), steps[i].code)
        << "step " << i << ": " << result.metrics[0][0].status.ToString();
  }
  EXPECT_EQ(collector->Reports().at(0).health, SourceHealth::kHealthy);
}

struct ClockCase {
  std::string name;
  Duration deadline;
  int max_attempts;
  int failures;        // calls that fail with Unavailable before the source answers
  Duration read_time;  // simulated time each call takes: the source advances the clock
  std::vector<Duration> want_timeouts;  // MetricRequest::timeout of each call
  Duration want_elapsed;                // how far Collect() moved the clock
  Duration want_latency;                // SourceReport::read_latency
  int want_retries;
  StatusCode want_code;
};

// Backoff of 1m, 2m, 4m... without jitter, so every instant of the tick is exact. Nothing here
// sleeps in real time: a Collector that slept or timed out on the system clock would take
// minutes or abandon reads the simulated clock still allows.
TEST_F(CollectorTest, DeadlinesAndBackoffFollowTheInjectedClock) {
  const std::vector<ClockCase> cases = {
      {"answers at once",
       minutes(10),
       3,
       0,
       seconds(0),
       {minutes(10)},
       seconds(0),
       seconds(0),
       0,
       StatusCode::kOk},
      {"sleeps 1m then 2m on the clock",
       minutes(10),
       3,
       2,
       seconds(0),
       {minutes(10), minutes(9), minutes(7)},
       minutes(3),
       minutes(3),
       2,
       StatusCode::kOk},
      {"reads that take clock time shorten the next timeout",
       minutes(10),
       3,
       2,
       minutes(2),
       {minutes(10), minutes(7), minutes(3)},
       minutes(9),
       minutes(9),
       2,
       StatusCode::kOk},
      {"no backoff that would reach the deadline",
       seconds(150),
       5,
       5,
       seconds(0),
       {seconds(150), seconds(90)},
       minutes(1),
       minutes(1),
       1,
       StatusCode::kUnavailable},
      {"a read that outlasts deadline and grace is abandoned",
       minutes(1),
       1,
       0,
       minutes(5),
       {minutes(1)},
       minutes(5),
       minutes(1),
       0,
       StatusCode::kDeadlineExceeded},
      {"a read within the grace is kept",
       minutes(1),
       1,
       0,
       minutes(1) + milliseconds(100),
       {minutes(1)},
       minutes(1) + milliseconds(100),
       minutes(1) + milliseconds(100),
       0,
       StatusCode::kOk},
  };
  for (const ClockCase& c : cases) {
    SCOPED_TRACE(c.name);
    SimulatedClock clock(kNow);
    CollectorOptions options;
    options.default_policy.deadline = c.deadline;
    options.default_policy.retry = {.max_attempts = c.max_attempts,
                                    .initial_backoff = minutes(1),
                                    .max_backoff = minutes(10),
                                    .multiplier = 2.0,
                                    .jitter = 0.0};
    std::vector<Duration> timeouts;  // written by the one task, read after Collect()
    int failures_left = c.failures;
    auto source = std::make_shared<FuncSource>("prometheus", [&](const MetricRequest& r) {
      timeouts.push_back(r.timeout);
      clock.Advance(c.read_time);
      if (failures_left-- > 0)
        return StatusOr<std::vector<WorkloadMetric>>(UnavailableError("down"));
      return PodPerWorkload(1.0)(r);
    });
    auto collector = Collector::Create(options, {source}, clock);
    ASSERT_TRUE(collector.ok()) << collector.status().ToString();
    const std::vector<MetricBinding> bindings = {{"cpu", "prometheus", "q"}};
    const CollectResult result = (*collector)->Collect(bindings, Workloads(1), kNow);
    EXPECT_EQ(timeouts, c.want_timeouts);
    EXPECT_EQ(clock.Now() - kNow, c.want_elapsed);
    EXPECT_EQ(result.elapsed, c.want_elapsed);
    EXPECT_EQ(result.metrics[0][0].status.code(), c.want_code)
        << result.metrics[0][0].status.ToString();
    ASSERT_EQ(result.sources.size(), 1u);
    EXPECT_EQ(result.sources[0].read_latency, c.want_latency);
    EXPECT_EQ(result.sources[0].retries, c.want_retries);
  }
}

TEST_F(CollectorTest, SourceIgnoringItsTimeoutIsAbandonedWhenTheClockPassesTheDeadline) {
  options_.default_policy.deadline = milliseconds(50);
  options_.default_policy.retry.max_attempts = 1;
  options_.source_policies["influxdb"].deadline = seconds(10);  // unmoved by the slow source
  auto slow = std::make_shared<FuncSource>("prometheus", [&](const MetricRequest& r) {
    clock_.Advance(milliseconds(400));  // takes 400ms of clock time, ignoring r.timeout
    return PodPerWorkload(1.0)(r);
  });
  auto fast = std::make_shared<FuncSource>("influxdb", PodPerWorkload(2.0));
  auto collector = Make({slow, fast});
  const std::vector<MetricBinding> bindings = {{"cpu", "prometheus", "q"},
                                               {"sessions", "influxdb", "q"}};
  CollectResult result = collector->Collect(bindings, Workloads(1), kNow);
  EXPECT_EQ(result.metrics[0][0].status.code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(result.metrics[0][0].status.message().find("read abandoned"), std::string::npos);
  EXPECT_TRUE(result.metrics[1][0].status.ok()) << result.metrics[1][0].status.ToString();
  EXPECT_FALSE(result.AllHealthy());
}

// A read blocked in real time is waited for while the injected clock stands still, however long
// that takes, and abandoned as soon as the clock passes its deadline plus the 100 ms grace.
TEST_F(CollectorTest, ABlockedReadIsAbandonedByTheInjectedClockNotByRealTime) {
  options_.default_policy.deadline = milliseconds(50);
  options_.default_policy.retry.max_attempts = 1;
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto blocked = std::make_shared<FuncSource>("prometheus", [&](const MetricRequest& r) {
    entered.set_value();
    released.wait();
    return PodPerWorkload(1.0)(r);
  });
  auto collector = Make({blocked});
  // Declared after the collector: released before the collector joins its worker.
  struct Releaser {
    std::promise<void>& p;
    ~Releaser() { p.set_value(); }
  } releaser{release};
  const std::vector<MetricBinding> bindings = {{"cpu", "prometheus", "q"}};
  const std::vector<WorkloadId> workloads = Workloads(1);
  std::future<CollectResult> collect =
      std::async(std::launch::async, [&] { return collector->Collect(bindings, workloads, kNow); });
  entered.get_future().wait();
  // Four times the deadline in real time: a Collector timing out on the system clock gives up.
  EXPECT_EQ(collect.wait_for(milliseconds(200)), std::future_status::timeout);
  clock_.Advance(milliseconds(150));  // the deadline plus the grace
  const CollectResult result = collect.get();
  EXPECT_EQ(result.metrics[0][0].status.code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(result.metrics[0][0].status.message().find("no answer within 50ms; read abandoned"),
            std::string::npos)
      << result.metrics[0][0].status.ToString();
  EXPECT_EQ(result.elapsed, milliseconds(150));
}

TEST_F(CollectorTest, UnknownSourceGivesNotFound) {
  auto collector = Make({std::make_shared<FuncSource>("prometheus", PodPerWorkload(1))});
  const std::vector<MetricBinding> bindings = {{"cpu", "cloudwatch", "q"}};
  CollectResult result = collector->Collect(bindings, Workloads(2), kNow);
  ASSERT_EQ(result.metrics[0].size(), 2u);
  EXPECT_EQ(result.metrics[0][0].status.code(), StatusCode::kNotFound);
  EXPECT_NE(result.metrics[0][0].status.message().find("no metric source named \"cloudwatch\""),
            std::string::npos);
}

TEST_F(CollectorTest, CreateRejectsBadOptions) {
  auto source = std::make_shared<FuncSource>("prometheus", PodPerWorkload(1));
  options_.threads = 0;
  EXPECT_EQ(Collector::Create(options_, {source}, clock_).status().code(),
            StatusCode::kInvalidArgument);
  options_.threads = 1;
  EXPECT_EQ(Collector::Create(options_, {source, source}, clock_).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Collector::Create(options_, {nullptr}, clock_).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(BackoffFor, DoublesUpToTheMaximum) {
  const RetryPolicy policy{.initial_backoff = milliseconds(100), .max_backoff = milliseconds(700)};
  EXPECT_EQ(BackoffFor(policy, 1), milliseconds(100));
  EXPECT_EQ(BackoffFor(policy, 2), milliseconds(200));
  EXPECT_EQ(BackoffFor(policy, 3), milliseconds(400));
  EXPECT_EQ(BackoffFor(policy, 4), milliseconds(700));
  EXPECT_EQ(BackoffFor(policy, 60), milliseconds(700));
}

TEST(CircuitBreaker, StateMachine) {
  CircuitBreaker breaker({.failure_threshold = 2, .open_duration = seconds(10)});
  EXPECT_TRUE(breaker.Allow(kNow));
  breaker.RecordFailure(kNow);
  EXPECT_EQ(breaker.state(kNow), CircuitState::kClosed);
  breaker.RecordFailure(kNow);
  EXPECT_EQ(breaker.state(kNow), CircuitState::kOpen);
  EXPECT_FALSE(breaker.Allow(kNow + seconds(9)));
  EXPECT_EQ(breaker.state(kNow + seconds(10)), CircuitState::kHalfOpen);
  EXPECT_TRUE(breaker.Allow(kNow + seconds(10)));   // the trial
  EXPECT_FALSE(breaker.Allow(kNow + seconds(10)));  // only one
  breaker.RecordFailure(kNow + seconds(11));        // trial failed: open again
  EXPECT_FALSE(breaker.Allow(kNow + seconds(20)));
  EXPECT_TRUE(breaker.Allow(kNow + seconds(21)));
  breaker.RecordSuccess();
  EXPECT_EQ(breaker.state(kNow + seconds(21)), CircuitState::kClosed);
  EXPECT_EQ(breaker.consecutive_failures(), 0);
}

}  // namespace
}  // namespace crescendo::metrics
