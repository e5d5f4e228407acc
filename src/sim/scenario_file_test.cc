#include "crescendo/sim/scenario_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "crescendo/format/file.h"

namespace crescendo::sim {
namespace {

namespace fs = std::filesystem;

class ScenarioDir {
 public:
  ScenarioDir() {
    dir_ = fs::temp_directory_path() / ("crescendo_scenario_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  ~ScenarioDir() { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << content;
    return path;
  }

 private:
  fs::path dir_;
};

constexpr char kGood[] = R"(name: two-tenants
seed: 3
start: 2026-11-23T00:00:00Z
duration: 2h
interval: 30s
strategies: [kubernetes]
nodes:
  cpu: "4"
  memory: 16Gi
  min: 2
  max: 10
  provisioning: {distribution: uniform, mean: 90s, spread: 30s}
  cost_per_node_hour: 0.4
defaults:
  pod: {capacity_rps: 80, cpu_request: 250m, memory_request: 256Mi}
services:
  - id: prod/free/music/api
    min_replicas: 2
    max_replicas: 30
    initial_replicas: 4
    target_cpu_utilization: 70
    behavior:
      scaleDown:
        stabilizationWindowSeconds: 60
        policies: [{type: Percent, value: 50, periodSeconds: 60}]
    pod:
      startup: {distribution: lognormal, mean: 20s, spread: 5s}
      memory_limit: 512Mi
    load:
      daily: {peak_rps: 900, bursts: [{at: 1h, multiplier: 3}]}
  - id: prod/enterprise/music/audio
    max_replicas: 12
    metrics:
      - type: External
        name: audio_queue_length
        target: {type: AverageValue, averageValue: "30"}
    business_metrics: [{name: audio_queue_length, kind: backlog}]
    pod: {capacity_rps: 5, latency_curve: [[0.5, 200], [1.0, 600]]}
    load:
      steps: [[0s, 10], [30m, 40]]
  - id: prod/trace/web/nasa
    load:
      trace: {path: nasa.csv, time_column: minute, value_column: count, peak_pods: 8}
)";

TEST(ScenarioFileTest, ReadsEveryPart) {
  ScenarioDir dir;
  dir.Write("nasa.csv",
            "minute,count\n1995-07-01 00:00:00,10\n1995-07-01 00:01:00,40\n"
            "1995-07-01 00:02:00,20\n");
  std::string path = dir.Write("good.yaml", kGood);
  StatusOr<ScenarioFile> f = LoadScenarioFile(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->name, "two-tenants");
  EXPECT_EQ(f->seed, 3u);
  EXPECT_EQ(FormatRfc3339(f->start), "2026-11-23T00:00:00Z");
  EXPECT_EQ(f->end - f->start, hours(2));
  EXPECT_EQ(f->interval, seconds(30));
  EXPECT_EQ(f->strategies, std::vector<std::string>{"kubernetes"});
  ASSERT_TRUE(f->nodes.has_value());
  EXPECT_EQ(f->nodes->capacity.cpu_millis, 4000);
  EXPECT_EQ(f->nodes->capacity.memory_bytes, 16LL << 30);
  EXPECT_EQ(f->nodes->provisioning.distribution, DelayDistribution::kUniform);
  ASSERT_EQ(f->services.size(), 3u);

  const SimService& api = f->services[0];
  EXPECT_EQ(api.spec.id.ToString(), "prod/free/music/api");
  EXPECT_EQ(api.spec.initial_replicas, 4);
  EXPECT_FALSE(api.initial_replicas_from_load);
  EXPECT_EQ(api.spec.horizontal.metrics[0].target.average_utilization, 70);
  ASSERT_TRUE(api.spec.horizontal.behavior.has_value());
  EXPECT_EQ(api.spec.horizontal.behavior->scale_down->stabilization_window_seconds, 60);
  EXPECT_EQ(api.spec.horizontal.behavior->scale_down->policies[0].type,
            ScalingPolicyType::kPercent);
  EXPECT_EQ(api.spec.pod.capacity_rps, 80);  // from defaults
  EXPECT_EQ(api.spec.pod.requests.cpu_millis, 250);
  EXPECT_EQ(api.spec.pod.startup_distribution, DelayDistribution::kLogNormal);
  EXPECT_EQ(api.spec.pod.memory_limit_bytes, 512LL << 20);

  const SimService& audio = f->services[1];
  EXPECT_TRUE(audio.initial_replicas_from_load);
  EXPECT_EQ(audio.spec.horizontal.metrics[0].type, MetricSourceType::kExternal);
  EXPECT_EQ(audio.spec.horizontal.metrics[0].target.average_value->ToString(), "30");
  EXPECT_EQ(audio.spec.business_metrics[0].kind, BusinessMetricSpec::Kind::kBacklog);
  EXPECT_EQ(audio.spec.pod.latency_curve.size(), 2u);
  auto audio_load = audio.source->RpsAt(f->start + minutes(31));
  ASSERT_TRUE(audio_load.ok());
  EXPECT_EQ(**audio_load, 40);

  ASSERT_EQ(f->traces.size(), 1u);
  EXPECT_EQ(f->traces[0].rows, 3);
  // The trace starts at the scenario's start; its peak (40) is 8 pods of 80 rps.
  auto nasa = f->services[2].source->RpsAt(f->start + seconds(61));
  ASSERT_TRUE(nasa.ok());
  EXPECT_DOUBLE_EQ(**nasa, 8 * 80);
}

TEST(ScenarioFileTest, ErrorsNameFileLineAndField) {
  struct Case {
    const char* name;
    const char* yaml;
    const char* want;  // after the file name
  };
  const Case cases[] = {
      {"bad capacity",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n"
       "    pod: {capacity_rps: -3}\n    load: {constant: 1}\n",
       ":5:25: services[0].pod.capacity_rps: found \"-3\", expected a number > 0"},
      {"unknown field",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n    colour: red\n"
       "    load: {constant: 1}\n",
       ":5:5: services[0].\"colour\": found an unknown field, expected one of: id,"},
      {"bad id",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b\n    load: {constant: "
       "1}\n",
       ":4:9: services[0].id: workload id \"a/b\""},
      {"duplicate id",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n"
       "    load: {constant: 1}\n  - id: a/b/c/d\n    load: {constant: 2}\n",
       ":6:9: services[1].id: \"a/b/c/d\" is already the id of services[0], expected each "
       "service once"},
      {"bad duration",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n"
       "    pod: {startup: {distribution: normal, mean: soon}}\n    load: {constant: 1}\n",
       ":5:49: services[0].pod.startup.mean: found \"soon\", expected a duration"},
      {"bad distribution",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n"
       "    pod: {startup: {distribution: gamma}}\n    load: {constant: 1}\n",
       ":5:35: services[0].pod.startup.distribution: unknown delay distribution \"gamma\""},
      {"bad quantity",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n"
       "    pod: {memory_request: lots}\n    load: {constant: 1}\n",
       ":5:27: services[0].pod.memory_request: found \"lots\", expected a Kubernetes quantity"},
      {"two loads",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n"
       "    load: {constant: 1, steps: [[0s, 1]]}\n",
       ":5:11: services[0].load: found a mapping, expected exactly one of"},
      {"missing trace", "services:\n  - id: a/b/c/d\n    load:\n      trace: {path: nothere.csv}\n",
       ":4:14: services[0].load.trace: trace "},
      {"no start", "duration: 1h\nservices:\n  - id: a/b/c/d\n    load: {constant: 1}\n",
       ": scenario.start: expected a start time"},
      {"bad metric target",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n    metrics:\n"
       "      - {type: Pods, name: rps, target: {type: Average}}\n    load: {constant: 1}\n",
       ":6:48: services[0].metrics[0].target.type: found \"Average\", expected Utilization, "
       "AverageValue or Value"},
      {"not yaml", "services: [\n", ":2:1: found invalid YAML"},
      {"duplicate key", "duration: 1h\nduration: 2h\n",
       ":2:1: duration: found a second \"duration\" key"},
      {"bad update mode",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n"
       "    vertical: {update_mode: Sometimes}\n    load: {constant: 1}\n",
       ":5:29: services[0].vertical.update_mode: found \"Sometimes\", expected Off, Initial"},
      {"bad controlled resource",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n"
       "    vertical: {controlled_resources: [gpu]}\n    load: {constant: 1}\n",
       ":5:39: services[0].vertical.controlled_resources: found \"gpu\", expected cpu or memory"},
      {"bad max allowed",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n"
       "    vertical: {max_allowed: {cpu: many}}\n    load: {constant: 1}\n",
       ":5:35: services[0].vertical.max_allowed.cpu: found \"many\", expected a Kubernetes "
       "quantity"},
      {"bad tolerance",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n"
       "    vertical: {eviction_tolerance: 2}\n    load: {constant: 1}\n",
       ":5:36: services[0].vertical.eviction_tolerance: found \"2\", expected a fraction in [0, "
       "1]"},
  };
  ScenarioDir dir;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string path = dir.Write("bad.yaml", c.yaml);
    StatusOr<ScenarioFile> f = LoadScenarioFile(path);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(f.status().message().find(path + c.want), std::string::npos) << f.status().message();
  }
  EXPECT_EQ(LoadScenarioFile("/nonexistent.yaml").status().code(), StatusCode::kNotFound);
}

TEST(ScenarioFileTest, ReadsAVerticalSection) {
  ScenarioDir dir;
  std::string path = dir.Write(
      "v.yaml",
      "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n"
      "    pod: {container_name: server}\n"
      "    vertical: {update_mode: InPlaceOrRecreate, controlled_resources: [memory],\n"
      "               min_allowed: {memory: 256Mi}, max_allowed: {cpu: '2', memory: 4Gi},\n"
      "               min_replicas: 3, eviction_tolerance: 0.25}\n"
      "    load: {constant: 1}\n");
  StatusOr<ScenarioFile> f = LoadScenarioFile(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  const std::optional<VerticalSpec>& v = f->services[0].spec.vertical;
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->update_mode, "InPlaceOrRecreate");
  EXPECT_EQ(v->min_replicas, 3);
  EXPECT_DOUBLE_EQ(v->eviction_tolerance, 0.25);
  ASSERT_EQ(v->container_policies.size(), 1u);
  const ContainerResourcePolicy& p = v->container_policies[0];
  EXPECT_EQ(p.container_name, "server");
  EXPECT_EQ(p.controlled_resources, std::vector<std::string>{"memory"});
  EXPECT_EQ(p.min_allowed->memory_bytes, 256LL << 20);
  EXPECT_EQ(p.max_allowed->cpu_millis, 2000);
  EXPECT_EQ(p.max_allowed->memory_bytes, 4LL << 30);
}

TEST(ScenarioFileTest, Tenancy) {
  ScenarioDir dir;
  const std::string head = R"(start: 2026-11-23T00:00:00Z
duration: 1h
nodes: {cpu: "4", memory: 16Gi, max: 6}
)";
  const std::string services = R"(services:
  - id: prod/acme/music/api
    load: {constant: 50}
)";
  const std::string good = head + R"(tenancy:
  isolation: strict
  tenants:
    - {name: acme, tier: premium, weight: 3, guarantee: {cpu: "2", memory: 4Gi},
       quota: {cpu: "8", memory: 16Gi, pods: 12}, pool: paid}
  pools:
    - {name: paid, max: 3, cpu: "8"}
)" + services;
  StatusOr<ScenarioFile> f = LoadScenarioFile(dir.Write("good.yaml", good));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_TRUE(f->tenancy.has_value());
  EXPECT_EQ(f->tenancy->isolation, tenancy::Isolation::kStrict);
  ASSERT_EQ(f->tenancy->tenants.size(), 1u);
  const TenantPolicy& p = f->tenancy->tenants[0].policy;
  EXPECT_EQ(p.tier, "premium");
  EXPECT_EQ(p.tier_priority, 600);
  EXPECT_EQ(p.weight, 3);
  EXPECT_EQ(p.guarantee.cpu_millis, 2000);
  EXPECT_EQ(p.guarantee.memory_bytes, 4LL << 30);
  EXPECT_EQ(p.quota.cpu_millis, 8000);
  EXPECT_EQ(p.quota.max_replicas, 12);
  EXPECT_EQ(p.pool, "paid");
  ASSERT_EQ(f->tenancy->pools.size(), 1u);
  EXPECT_EQ(f->tenancy->pools[0].spec.max_nodes, 3);
  EXPECT_EQ(f->tenancy->pools[0].spec.capacity.cpu_millis, 8000);
  EXPECT_EQ(f->tenancy->pools[0].spec.capacity.memory_bytes, 16LL << 30);  // from nodes

  struct Case {
    const char* name;
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {"isolation",
       head + "tenancy: {isolation: loose, tenants: [{name: acme, tier: free}]}\n" + services,
       ":4:22: tenancy.isolation: found \"loose\", expected strict, soft or none"},
      {"tier", head + "tenancy: {tenants: [{name: acme, tier: gold}]}\n" + services,
       "tenancy.tenants[0].tier: found \"gold\", expected one of the tiers: enterprise, family, "
       "free, internal, premium"},
      {"weight", head + "tenancy: {tenants: [{name: acme, tier: free, weight: 0}]}\n" + services,
       "tenancy.tenants[0].weight: found \"0\", expected a number > 0"},
      {"pool",
       head + "tenancy:\n  tenants: [{name: acme, tier: free, pool: gold}]\n" +
           "  pools: [{name: paid}]\n" + services,
       "tenancy.tenants[0].pool: found \"gold\", expected the name of one of tenancy.pools "
       "(paid)"},
      {"service of no tenant",
       head + "tenancy: {tenants: [{name: other, tier: free}]}\n" + services,
       "services[0].id: found \"prod/acme/music/api\", expected a tenant of tenancy.tenants"},
      {"no nodes",
       "start: 2026-11-23T00:00:00Z\nduration: 1h\ntenancy: {tenants: [{name: acme, tier: "
       "free}]}\n" +
           services,
       "tenancy: found a mapping, expected a node pool first"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    StatusOr<ScenarioFile> bad = LoadScenarioFile(dir.Write("bad.yaml", c.text));
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.status().message().find(c.error), std::string::npos) << bad.status().message();
  }
}

TEST(ScenarioFileTest, ExampleScenariosLoad) {
  const char* source = std::getenv("CRESCENDO_SOURCE_DIR");
  fs::path dir = fs::path(source != nullptr ? source : ".") / "examples" / "scenarios";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "examples/scenarios not found from " << dir;
  fs::path shared = fs::path(source != nullptr ? source : ".") / ".." / "shared" / "traces";
  int loaded = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".yaml") continue;
    SCOPED_TRACE(e.path().string());
    StatusOr<ScenarioFile> f = LoadScenarioFile(e.path().string());
    if (!f.ok() && f.status().message().find("traces") != std::string::npos &&
        !fs::is_directory(shared)) {
      std::cerr << "*** skipping " << e.path() << ": ../shared/traces is absent ***\n";
      continue;
    }
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_FALSE(f->services.empty());
    ++loaded;
  }
  EXPECT_GE(loaded, 1);
}

}  // namespace
}  // namespace crescendo::sim

namespace crescendo::sim {
namespace {

// Scenario files are read through the format layer's file seam, so a test can hand one in from
// memory, and every way a file can be missing reads the same.
TEST(ScenarioFileTest, ReadsThroughTheFileSeam) {
  format::InMemoryFileReader files;
  files.AddFile("/mem/s.yaml",
                "start: 2026-11-23T00:00:00Z\nduration: 1h\nservices:\n  - id: a/b/c/d\n"
                "    load: {constant: 5}\n");
  files.AddFile("/mem/huge.yaml", std::string((16 << 20) + 1, '#'));
  files.AddDirectory("/mem/dir");
  format::ScopedFileReader seam(files);
  StatusOr<ScenarioFile> f = LoadScenarioFile("/mem/s.yaml");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->name, "s");
  ASSERT_EQ(f->services.size(), 1u);
  struct Case {
    std::string path;
    StatusCode code;
    std::string message;
  };
  const Case cases[] = {
      {"/mem/none.yaml", StatusCode::kNotFound, "scenario /mem/none.yaml: no such file"},
      {"/mem/dir", StatusCode::kInvalidArgument,
       "scenario /mem/dir: is a directory, expected a file"},
      {"/mem/huge.yaml", StatusCode::kInvalidArgument,
       "scenario /mem/huge.yaml: 16777217 bytes, expected at most 16777216 bytes (16 MiB); a "
       "scenario names its traces instead of holding them"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    StatusOr<ScenarioFile> bad = LoadScenarioFile(c.path);
    EXPECT_EQ(bad.status().code(), c.code);
    EXPECT_EQ(bad.status().message(), c.message);
  }
}

}  // namespace
}  // namespace crescendo::sim
