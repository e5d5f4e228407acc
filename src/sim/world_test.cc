#include "crescendo/sim/world.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace crescendo::sim {
namespace {

const Timestamp kStart = FromUnixSeconds(1'800'000'000);  // 2027-01-15T08:00:00Z, a Friday
const WorkloadId kApi{"prod", "free", "music", "api"};

ServiceSpec OneService(double load_rps, int32_t replicas) {
  ServiceSpec s;
  s.id = kApi;
  s.horizontal.min_replicas = 1;
  s.horizontal.max_replicas = 20;
  s.initial_replicas = replicas;
  s.load = ConstantLoad(load_rps);
  s.pod.startup_delay = seconds(30);
  s.pod.startup_jitter = seconds(0);
  s.pod.startup_distribution = DelayDistribution::kFixed;
  return s;
}

std::unique_ptr<World> MakeWorld(const ServiceSpec& service, uint64_t seed = 7) {
  ScenarioSpec spec;
  spec.seed = seed;
  spec.start = kStart;
  spec.services.push_back(service);
  StatusOr<std::unique_ptr<World>> world = World::Create(spec);
  EXPECT_TRUE(world.ok()) << world.status().ToString();
  return std::move(world).value();
}

struct PodCounts {
  int pending = 0;
  int running_unready = 0;
  int ready = 0;
  friend bool operator==(const PodCounts&, const PodCounts&) = default;
};

PodCounts Count(World& world) {
  PodCounts c;
  ClusterSnapshot snapshot = world.Snapshot().value();
  for (const PodState& p : snapshot.workloads.at(0).pods) {
    if (p.phase == PodPhase::kPending) ++c.pending;
    if (p.phase == PodPhase::kRunning && !p.ready) ++c.running_unready;
    if (p.ready) ++c.ready;
  }
  return c;
}

std::ostream& operator<<(std::ostream& os, const PodCounts& c) {
  return os << "{pending " << c.pending << ", starting " << c.running_unready << ", ready "
            << c.ready << "}";
}

struct StartupCase {
  const char* name;
  Duration scheduling;
  Duration startup;
  Duration at;  // after SetReplicas(1 -> 3)
  PodCounts want;
};

TEST(WorldTest, StartupDelayAndReadiness) {
  const StartupCase cases[] = {
      {"just created", seconds(0), seconds(30), seconds(0), {2, 0, 1}},
      {"running, starting", seconds(0), seconds(30), seconds(15), {0, 2, 1}},
      {"one second early", seconds(0), seconds(30), seconds(29), {0, 2, 1}},
      {"ready on time", seconds(0), seconds(30), seconds(30), {0, 0, 3}},
      {"still scheduling", seconds(10), seconds(30), seconds(9), {2, 0, 1}},
      {"scheduled, starting", seconds(10), seconds(30), seconds(39), {0, 2, 1}},
      {"ready after both", seconds(10), seconds(30), seconds(40), {0, 0, 3}},
  };
  for (const StartupCase& c : cases) {
    SCOPED_TRACE(c.name);
    ServiceSpec s = OneService(50, 1);
    s.pod.scheduling_delay = c.scheduling;
    s.pod.startup_delay = c.startup;
    std::unique_ptr<World> world = MakeWorld(s);
    ASSERT_TRUE(world->SetReplicas(kApi, 3).ok());
    if (c.at.count() > 0) world->Advance(kStart + c.at);
    EXPECT_EQ(Count(*world), c.want);
  }
}

TEST(WorldTest, ReadyPodsShareTheLoadAndStartingPodsUseTheBase) {
  ServiceSpec s = OneService(100, 2);
  s.pod.cpu_base_millis = 20;
  s.pod.cpu_millis_per_request = 4;
  std::unique_ptr<World> world = MakeWorld(s);
  ASSERT_TRUE(world->SetReplicas(kApi, 3).ok());
  world->Advance(kStart + seconds(15));
  std::vector<WorkloadId> ids = {kApi};

  StatusOr<std::vector<WorkloadMetric>> cpu = world->Read({"cpu", "", ids, kStart});
  ASSERT_TRUE(cpu.ok());
  std::vector<double> values;
  for (const PodMetric& p : cpu->at(0).pods) values.push_back(p.value);
  std::sort(values.begin(), values.end());
  EXPECT_EQ(values, (std::vector<double>{20, 20 + 4 * 50, 20 + 4 * 50}));

  StatusOr<std::vector<WorkloadMetric>> rps = world->Read({"requests_per_second", "", ids, kStart});
  ASSERT_TRUE(rps.ok());
  EXPECT_EQ(rps->at(0).pods.size(), 2u);
  EXPECT_DOUBLE_EQ(rps->at(0).value.value(), 100);
}

TEST(WorldTest, ScaleDownRemovesNotReadyThenNewestReadyFirst) {
  ServiceSpec s = OneService(10, 2);
  std::unique_ptr<World> world = MakeWorld(s);
  ASSERT_TRUE(world->SetReplicas(kApi, 3).ok());  // pod 00002, ready at +30s
  world->Advance(kStart + seconds(60));
  ASSERT_TRUE(world->SetReplicas(kApi, 4).ok());  // pod 00003, still starting
  world->Advance(kStart + seconds(70));

  struct Case {
    int32_t replicas;
    std::vector<std::string> remaining;
  };
  const Case cases[] = {
      {3, {"api-00000", "api-00001", "api-00002"}},  // the starting pod goes first
      {2, {"api-00000", "api-00001"}},               // then the most recently ready
  };
  for (const Case& c : cases) {
    ASSERT_TRUE(world->SetReplicas(kApi, c.replicas).ok());
    std::vector<std::string> names;
    ClusterSnapshot snapshot = world->Snapshot().value();
    for (const PodState& p : snapshot.workloads[0].pods) names.push_back(p.name);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, c.remaining);
  }
  EXPECT_EQ(world->Stats()[0].scaling_actions, 4);
}

TEST(WorldTest, StatsIntegrateOverTime) {
  // 250 rps, capacity 100 per pod: 2 ready pods are short until the third is ready at +30s.
  ServiceSpec s = OneService(250, 2);
  std::unique_ptr<World> world = MakeWorld(s);
  ASSERT_TRUE(world->SetReplicas(kApi, 3).ok());
  for (int t = 15; t <= 3600; t += 15) world->Advance(kStart + seconds(t));
  ServiceStats stats = world->Stats()[0];
  EXPECT_DOUBLE_EQ(stats.peak_load_rps, 250);
  EXPECT_EQ(stats.min_replicas, 2);
  EXPECT_EQ(stats.max_replicas, 3);
  EXPECT_DOUBLE_EQ(stats.seconds_over_target, 15);  // (0,15] short; at 30 the pod is ready
  EXPECT_NEAR(stats.pod_hours, 3.0, 1e-9);
  EXPECT_NEAR(stats.cost, 3.0 * s.pod.cost_per_pod_hour, 1e-9);
  EXPECT_DOUBLE_EQ(stats.dropped_requests, 0);  // 125 rps per pod is within 160 rps throughput
}

TEST(WorldTest, SameSeedSameWorldOtherSeedOtherStartups) {
  ServiceSpec s = OneService(100, 1);
  s.pod.startup_distribution = DelayDistribution::kLogNormal;
  s.pod.startup_jitter = seconds(20);
  auto ready_times = [&](uint64_t seed) {
    std::unique_ptr<World> world = MakeWorld(s, seed);
    EXPECT_TRUE(world->SetReplicas(kApi, 6).ok());
    for (int t = 5; t <= 300; t += 5) world->Advance(kStart + seconds(t));
    std::vector<int64_t> out;
    ClusterSnapshot snapshot = world->Snapshot().value();
    for (const PodState& p : snapshot.workloads[0].pods) {
      out.push_back(p.ready_transition_time.time_since_epoch().count());
    }
    return out;
  };
  EXPECT_EQ(ready_times(3), ready_times(3));
  EXPECT_NE(ready_times(3), ready_times(4));
}

TEST(WorldTest, ReadErrors) {
  std::unique_ptr<World> world = MakeWorld(OneService(10, 1));
  std::vector<WorkloadId> ids = {kApi, WorkloadId{"prod", "x", "y", "z"}};
  StatusOr<std::vector<WorkloadMetric>> unknown = world->Read({"disk", "", ids, kStart});
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  StatusOr<std::vector<WorkloadMetric>> latency = world->Read({"latency_ms", "", ids, kStart});
  ASSERT_TRUE(latency.ok());
  EXPECT_TRUE(latency->at(0).status.ok());
  EXPECT_EQ(latency->at(1).status.code(), StatusCode::kNotFound);
  EXPECT_EQ(world->SetReplicas(ids[1], 2).code(), StatusCode::kNotFound);
  EXPECT_EQ(world->SetReplicas(kApi, -1).code(), StatusCode::kInvalidArgument);
}

TEST(WorldTest, CreateNamesTheWrongField) {
  struct Case {
    const char* name;
    void (*mutate)(ServiceSpec&);
    const char* want;
  };
  const Case cases[] = {
      {"no load", [](ServiceSpec& s) { s.load = nullptr; }, "load"},
      {"zero capacity", [](ServiceSpec& s) { s.pod.capacity_rps = 0; }, "capacity_rps"},
      {"min above max", [](ServiceSpec& s) { s.horizontal.min_replicas = 30; }, "horizontal"},
      {"empty name", [](ServiceSpec& s) { s.id.name.clear(); }, "id"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ScenarioSpec spec;
    spec.start = kStart;
    spec.services.push_back(OneService(10, 1));
    c.mutate(spec.services[0]);
    StatusOr<std::unique_ptr<World>> world = World::Create(spec);
    ASSERT_FALSE(world.ok());
    EXPECT_NE(world.status().message().find(std::string("services[0]")), std::string::npos);
    EXPECT_NE(world.status().message().find(c.want), std::string::npos) << world.status().message();
  }
}

TEST(WorldTest, OomKillRestartsTheContainer) {
  ServiceSpec s = OneService(150, 1);
  s.pod.memory_base_bytes = 100 << 20;
  s.pod.memory_bytes_per_request = 10 << 20;  // per request in flight
  s.pod.memory_limit_bytes = 101 << 20;       // 150 rps at ~130 ms: ~20 requests in flight
  std::unique_ptr<World> world = MakeWorld(s);
  world->Advance(kStart + seconds(15));
  EXPECT_EQ(world->Stats()[0].oom_kills, 1);
  EXPECT_EQ(Count(*world), (PodCounts{0, 1, 0}));
  world->Advance(kStart + seconds(45));  // ready again after 30 s, killed again at once
  EXPECT_EQ(world->Stats()[0].oom_kills, 2);
}

TEST(MusicStreamingScenarioTest, ShapeAndDeterminism) {
  // 2027-01-13 is a Wednesday; start at midnight UTC so the day's shape is visible.
  const Timestamp midnight = FromUnixSeconds(1'799'798'400);
  MusicStreamingOptions options{.seed = 11, .start = midnight, .release_offset = hours(38)};
  ScenarioSpec a = MusicStreamingScenario(options);
  ScenarioSpec b = MusicStreamingScenario(options);
  ASSERT_GE(a.services.size(), 6u);
  ASSERT_LE(a.services.size(), 9u);
  std::set<std::string> tenants;
  for (const ServiceSpec& s : a.services) {
    tenants.insert(s.id.tenant);
    EXPECT_EQ(s.id.environment, "prod");
    ASSERT_EQ(s.horizontal.metrics.size(), 1u);
    EXPECT_EQ(s.horizontal.metrics[0].name, "cpu");
    EXPECT_EQ(s.horizontal.metrics[0].target.type, MetricTargetType::kUtilization);
  }
  EXPECT_EQ(tenants.size(), 3u);
  for (size_t i = 0; i < a.services.size(); ++i) {
    for (int m = 0; m < 48 * 60; m += 7) {
      Timestamp t = midnight + minutes(m);
      ASSERT_EQ(a.services[i].load->RpsAt(t), b.services[i].load->RpsAt(t));
    }
  }
  const ServiceSpec& api = a.services[0];
  ASSERT_EQ(api.id.name, "public-api");
  double trough = *api.load->RpsAt(midnight + hours(4));
  double evening = *api.load->RpsAt(midnight + hours(20) + minutes(30));
  EXPECT_GT(evening, 4 * trough);
  // The release burst (Thursday 14:00 UTC, on the daytime plateau): 10 minutes after onset the
  // search load is about 3x the load 5 minutes before it.
  const ServiceSpec& search = a.services[1];
  ASSERT_EQ(search.id.name, "search");
  double before = *search.load->RpsAt(midnight + hours(38) - minutes(5));
  double top = *search.load->RpsAt(midnight + hours(38) + minutes(10));
  EXPECT_GT(top, 2.5 * before);
  EXPECT_LT(top, 3.6 * before);
  ScenarioSpec other = MusicStreamingScenario(MusicStreamingOptions{12, midnight, hours(38)});
  EXPECT_NE(other.services[0].load->RpsAt(midnight), api.load->RpsAt(midnight));
}

TEST(MusicStreamingScenarioTest, RunsAsAWorld) {
  ScenarioSpec spec = MusicStreamingScenario(5, kStart);
  StatusOr<std::unique_ptr<World>> world = World::Create(spec);
  ASSERT_TRUE(world.ok()) << world.status().ToString();
  std::vector<WorkloadId> ids;
  for (const ServiceSpec& s : spec.services) ids.push_back(s.id);
  StatusOr<std::vector<WorkloadMetric>> queue =
      (*world)->Read({"audio_queue_length", "", ids, kStart});
  ASSERT_TRUE(queue.ok());
  int defined = 0;
  for (const WorkloadMetric& m : *queue) defined += m.status.ok() ? 1 : 0;
  EXPECT_EQ(defined, 1);
  for (const ServiceStats& s : (*world)->Stats()) {
    EXPECT_GE(s.min_replicas, 1) << s.id.ToString();
  }
}

}  // namespace
}  // namespace crescendo::sim
