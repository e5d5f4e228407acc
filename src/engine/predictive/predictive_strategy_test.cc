// The predictive strategy as a whole: options, the reactive floor, and scaling ahead of a
// periodic load its forecaster has learnt (a small closed loop: the test applies each proposal).
#include "engine/predictive/predictive_strategy.h"

#include <gtest/gtest.h>

#include "crescendo/engine/strategies.h"

namespace crescendo {
namespace {

const Timestamp kStart = FromUnixSeconds(1'700'000'000 - 1'700'000'000 % 600);

TEST(PredictiveStrategyTest, DefaultOptionsAreValidAndRegistered) {
  StatusOr<std::unique_ptr<PredictiveStrategy>> s = NewPredictiveStrategy({});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->name(), "predictive");
  StatusOr<std::unique_ptr<HorizontalRecommender>> by_name = NewHorizontalStrategy("predictive");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ((*by_name)->name(), "predictive");
}

TEST(PredictiveStrategyTest, NamedWithParameters) {
  StatusOr<PredictiveStrategyOptions> o =
      PredictiveOptionsFromParams({{"quantile", "0.8"},
                                   {"flash_hold", "5m"},
                                   {"forecaster", "fft(step=1m)"},
                                   {"transform", "log"},
                                   {"scale_down_ahead", "false"},
                                   {"startup_delay", "40s"}});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_DOUBLE_EQ(o->decision.quantile, 0.8);
  EXPECT_EQ(o->decision.flash_hold, minutes(5));
  EXPECT_EQ(o->forecaster, "fft(step=1m)");
  EXPECT_EQ(o->transform, LoadTransform::kLog);
  EXPECT_FALSE(o->decision.scale_down_ahead);
  EXPECT_EQ(o->startup_delay, seconds(40));

  auto s = NewHorizontalStrategy("predictive(quantile=0.8,forecaster=seasonal_naive(season=1h))");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->name(), "predictive");

  struct Bad {
    std::string name;
    std::string mentions;
  };
  for (const Bad& b :
       std::vector<Bad>{{"predictive(quantile=high)", "quantile = \"high\": expected a number"},
                        {"predictive(quantile=1.5)", "quantile"},
                        {"predictive(flash_hold=soon)", "flash_hold"},
                        {"predictive(transform=sqrt)", "log or none"},
                        {"predictive(horizon=5m)", "unknown parameter \"horizon\""},
                        {"predictive(quantile=0.8", "expected name(key=value,...)"},
                        {"kubernetes(tolerance=0.2)", "kubernetes takes no parameters"}}) {
    auto bad = NewHorizontalStrategy(b.name);
    ASSERT_FALSE(bad.ok()) << b.name;
    EXPECT_NE(bad.status().message().find(b.mentions), std::string::npos)
        << b.name << ": " << bad.status().message();
  }
}

TEST(PredictiveStrategyTest, RejectsBadOptions) {
  struct Case {
    std::string name;
    PredictiveStrategyOptions options;
    StatusCode code;
    std::string mentions;
  };
  std::vector<Case> cases(5);
  cases[0] = {"unknown forecaster", {}, StatusCode::kNotFound, "crystal_ball"};
  cases[0].options.forecaster = "crystal_ball";
  cases[1] = {"bad parameter", {}, StatusCode::kInvalidArgument, "season"};
  cases[1].options.forecaster = "seasonal_naive(season=25x)";
  cases[2] = {"spec syntax", {}, StatusCode::kInvalidArgument, "naive(step=1m"};
  cases[2].options.forecaster = "naive(step=1m";
  cases[3] = {"quantile", {}, StatusCode::kInvalidArgument, "quantile"};
  cases[3].options.decision.quantile = 1.5;
  cases[4] = {"interval", {}, StatusCode::kInvalidArgument, "default_interval"};
  cases[4].options.default_interval = Duration::zero();
  for (const Case& c : cases) {
    StatusOr<std::unique_ptr<PredictiveStrategy>> s = NewPredictiveStrategy(c.options);
    EXPECT_EQ(s.status().code(), c.code) << c.name << ": " << s.status().ToString();
    EXPECT_NE(s.status().message().find(c.mentions), std::string::npos) << s.status().message();
  }
}

// A workload whose `replicas` pods share `load_millis` of CPU equally, Ready 30 s after start.
struct FakeWorkload {
  WorkloadState state;
  HorizontalSpec spec;

  FakeWorkload() {
    state.id = {"prod", "acme", "music", "search"};
    state.pod_requests = {500, 1LL << 30};
    spec.min_replicas = 1;
    spec.max_replicas = 50;
    MetricSpec cpu;
    cpu.name = "cpu";
    cpu.target.average_utilization = 50;  // 250 millicores per replica
    spec.metrics = {cpu};
    Resize(4, kStart - hours(1));
  }

  void Resize(int32_t replicas, Timestamp now) {
    state.spec_replicas = state.status_replicas = replicas;
    while (static_cast<int32_t>(state.pods.size()) > replicas) state.pods.pop_back();
    while (static_cast<int32_t>(state.pods.size()) < replicas) {
      PodState p;
      p.name = "search-" + std::to_string(state.pods.size());
      p.phase = PodPhase::kRunning;
      p.ready = true;
      p.start_time = now - minutes(10);
      p.ready_transition_time = p.start_time + seconds(30);
      p.requests = state.pod_requests;
      state.pods.push_back(p);
    }
  }

  std::vector<WorkloadMetric> Metrics(double load_millis, Timestamp now) const {
    WorkloadMetric m;
    m.metric = "cpu";
    auto names = std::make_shared<NameStore>();
    m.names = names;
    for (const PodState& p : state.pods) {
      m.pods.push_back({names->Add(p.name), load_millis / static_cast<double>(state.pods.size()),
                        now, seconds(60)});
    }
    return {m};
  }
};

// 1000 millicores for 15 minutes, then 3000 for 5 minutes, repeating.
double PeriodicLoad(Timestamp t) { return (t - kStart) % minutes(20) < minutes(15) ? 1000 : 3000; }

// Runs `r` for `periods` periods of PeriodicLoad and returns the desired replicas of the tick
// 15 s before the load steps up in the last period.
int32_t ReplicasBeforeStepUp(const HorizontalRecommender& r, int periods, std::string* trace,
                             StrategyState* state_out = nullptr) {
  FakeWorkload w;
  std::unique_ptr<StrategyState> state = r.NewState();
  int32_t before_step = 0;
  const Timestamp end = kStart + minutes(20) * periods;
  for (Timestamp now = kStart; now < end; now += seconds(15)) {
    std::vector<WorkloadMetric> metrics = w.Metrics(PeriodicLoad(now), now);
    HorizontalContext ctx{&w.state, metrics, &w.spec, now, nullptr};
    Proposal p = r.Recommend(ctx, *state);
    r.Commit(*state, p.current_replicas, p.desired_replicas, now);
    if (now == end - minutes(5) - seconds(15)) {
      before_step = p.desired_replicas;
      for (const TraceEntry& e : p.trace) *trace += e.step + ": " + e.reason + "\n";
    }
    w.Resize(p.desired_replicas, now);
  }
  if (state_out != nullptr) state_out->CopyFrom(*state);
  return before_step;
}

TEST(PredictiveStrategyTest, ScalesAheadOfALearntPeriodicLoad) {
  PredictiveStrategyOptions options;
  options.forecaster = "seasonal_naive(season=20m,step=1m)";
  options.decision.band_margin = 0.05;
  StatusOr<std::unique_ptr<PredictiveStrategy>> predictive = NewPredictiveStrategy(options);
  ASSERT_TRUE(predictive.ok()) << predictive.status().ToString();
  std::unique_ptr<HorizontalRecommender> kubernetes = hpa::NewKubernetesHpaRecommender();

  std::string trace, unused;
  std::unique_ptr<StrategyState> state = (*predictive)->NewState();
  // 3000 millicores at 250 per replica: 12 replicas before the step, not after it.
  EXPECT_EQ(ReplicasBeforeStepUp(**predictive, 4, &trace, state.get()), 12) << trace;
  EXPECT_NE(trace.find("ScaleAhead"), std::string::npos) << trace;
  EXPECT_EQ(ReplicasBeforeStepUp(*kubernetes, 4, &unused), 4);
  EXPECT_GT(state->Bytes(), 10 * sizeof(double));
}

TEST(PredictiveStrategyTest, WarmingUpFollowsTheReactiveRule) {
  StatusOr<std::unique_ptr<PredictiveStrategy>> predictive = NewPredictiveStrategy({});
  ASSERT_TRUE(predictive.ok());
  std::unique_ptr<HorizontalRecommender> kubernetes = hpa::NewKubernetesHpaRecommender();
  FakeWorkload w;
  // 4 pods at 2000 millicores: 200% of the 250m target -> the HPA asks 8; no forecast yet.
  std::vector<WorkloadMetric> metrics = w.Metrics(2000, kStart);
  HorizontalContext ctx{&w.state, metrics, &w.spec, kStart, nullptr};
  auto reactive_state = kubernetes->NewState();
  auto predictive_state = (*predictive)->NewState();
  Proposal reactive = kubernetes->Recommend(ctx, *reactive_state);
  Proposal p = (*predictive)->Recommend(ctx, *predictive_state);
  EXPECT_EQ(reactive.desired_replicas, 8);
  EXPECT_EQ(p.desired_replicas, 8);
  ASSERT_FALSE(p.trace.empty());
  EXPECT_EQ(p.trace.back().step, "predictive");
  EXPECT_NE(p.trace.back().reason.find("NoForecast"), std::string::npos) << p.trace.back().reason;
  EXPECT_NE(p.trace.back().reason.find("warming up"), std::string::npos) << p.trace.back().reason;
  // The reason names the forecaster by its spec, in readable text.
  const std::string& reason = p.trace.back().reason;
  for (unsigned char c : reason) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << reason;
  EXPECT_NE(reason.find("ensemble("), std::string::npos) << reason;
}

}  // namespace
}  // namespace crescendo

namespace crescendo {
namespace {

// The strategy's state (HPA floor, forecaster, core memory) survives a JSON round trip exactly:
// the restored state decides as the original.
TEST(PredictiveStrategyTest, StateRoundTripsExactly) {
  PredictiveStrategyOptions options;
  options.forecaster = "seasonal_naive(season=20m,step=1m)";
  auto predictive = std::move(NewPredictiveStrategy(options)).value();
  FakeWorkload w;
  auto live = predictive->NewState();
  std::unique_ptr<StrategyState> restored;
  for (Timestamp now = kStart; now < kStart + minutes(80); now += seconds(15)) {
    std::vector<WorkloadMetric> metrics = w.Metrics(PeriodicLoad(now), now);
    HorizontalContext ctx{&w.state, metrics, &w.spec, now, nullptr};
    if (now == kStart + minutes(50)) {
      auto s = predictive->RestoreState(nlohmann::json::parse(live->ToJson().dump()));
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      restored = *std::move(s);
    }
    Proposal a = predictive->Recommend(ctx, *live);
    predictive->Commit(*live, a.current_replicas, a.desired_replicas, now);
    if (restored != nullptr) {
      Proposal b = predictive->Recommend(ctx, *restored);
      predictive->Commit(*restored, b.current_replicas, b.desired_replicas, now);
      ASSERT_EQ(a.desired_replicas, b.desired_replicas);
      ASSERT_EQ(live->ToJson(), restored->ToJson());
    }
    w.Resize(a.desired_replicas, now);
  }
  EXPECT_NE(restored, nullptr);
  EXPECT_EQ(predictive->RestoreState(nlohmann::json::parse(R"({"hpa":{}})")).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crescendo
