#include "crescendo/vertical/samples.h"

#include <gtest/gtest.h>

#include "crescendo/vertical/vpa_manifest.h"

namespace crescendo::vertical {
namespace {

TEST(SamplesTest, ParsesCsv) {
  const char* csv =
      "timestamp,pod,container,cpu,memory,event\n"
      "2026-11-27T18:00:00Z,web-1,app,0.25,268435456,\n"
      "\n"
      "1795888860,web-1,app,,300000000,oom\n"
      "1795888920.5,\"web-2\",sidecar,0.01,,\n";
  auto r = ParseUsageRecords(csv, "s.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(3u, r->size());
  const UsageRecord& a = (*r)[0];
  EXPECT_EQ(*ParseRfc3339("2026-11-27T18:00:00Z"), a.time);
  EXPECT_EQ("web-1", a.pod);
  EXPECT_EQ("app", a.container);
  EXPECT_EQ(0.25, a.cpu_cores);
  EXPECT_EQ(268435456.0, a.memory_bytes);
  EXPECT_FALSE(a.oom);
  EXPECT_EQ(2, a.line);
  EXPECT_TRUE((*r)[1].oom);
  EXPECT_FALSE((*r)[1].cpu_cores.has_value());
  EXPECT_EQ(4, (*r)[1].line);
  EXPECT_EQ(FromUnixSeconds(1795888920.5), (*r)[2].time);
  EXPECT_EQ("web-2", (*r)[2].pod);
  EXPECT_FALSE((*r)[2].memory_bytes.has_value());
}

TEST(SamplesTest, ParsesColumnsInAnyOrderAndRequests) {
  auto r = ParseUsageRecords(
      "pod,container,timestamp,event,memory,cpu,cpu_request\n"
      "p,c,2026-11-27T18:00:00Z,,1e9,1.5,2\n",
      "s.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(1.5, (*r)[0].cpu_cores);
  EXPECT_EQ(1e9, (*r)[0].memory_bytes);
  EXPECT_EQ(2.0, (*r)[0].cpu_request_cores);
}

TEST(SamplesTest, ParsesJsonLines) {
  const char* jsonl =
      R"({"timestamp":"2026-11-27T18:00:00Z","pod":"p","container":"c","cpu":0.5,"memory":1e8,"event":null})"
      "\n"
      R"({"timestamp":1795888860,"pod":"p","container":"c","memory":2e8,"event":"oom"})"
      "\n";
  auto r = ParseUsageRecords(jsonl, "s.jsonl");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(2u, r->size());
  EXPECT_EQ(0.5, (*r)[0].cpu_cores);
  EXPECT_TRUE((*r)[1].oom);
  EXPECT_EQ(2e8, (*r)[1].memory_bytes);
  EXPECT_EQ(2, (*r)[1].line);
}

TEST(SamplesTest, ErrorsNameTheLineAndField) {
  const std::string header = "timestamp,pod,container,cpu,memory,event\n";
  struct Case {
    const char* name;
    std::string text;
    const char* message;
  };
  const Case cases[] = {
      {"empty", "", "s.csv:1:1: found an empty file, expected a header"},
      {"missing column", "timestamp,pod,container,cpu,memory\n",
       "s.csv:1: header: found no column \"event\", expected timestamp,pod"},
      {"unknown column", "timestamp,pod,container,cpu,memory,event,gpu\n",
       "s.csv:1: header: found unknown column \"gpu\", expected timestamp,pod"},
      {"bad time", header + "yesterday,p,c,1,1,\n",
       "s.csv:2:1: timestamp: found \"yesterday\", expected RFC 3339 (2026-11-27T18:00:00Z) or "
       "unix "
       "seconds"},
      {"negative cpu", header + "0,p,c,-1,1,\n",
       "s.csv:2:7: cpu: found \"-1\", expected a finite number from 0 to 1e+06, or nothing"},
      {"bad memory", header + "0,p,c,1,1Gi,\n",
       "s.csv:2:9: memory: found \"1Gi\", expected a finite number"},
      {"unknown event", header + "0,p,c,1,1,evicted\n",
       "s.csv:2:11: event: found \"evicted\", expected nothing or \"oom\""},
      {"oom without memory", header + "0,p,c,1,,oom\n",
       "s.csv:2:9: memory: found nothing on an oom row, expected the memory at the OOM kill"},
      {"no sample", header + "0,p,c,,,\n",
       "s.csv:2:7: cpu,memory: found both empty, expected at least one sample"},
      {"field count", header + "\n0,p,c,1\n",
       "s.csv:3: row: found 4 fields, expected 6 as in the header"},
      {"empty pod", header + "0,,c,1,1,\n", "s.csv:2:3: pod: found nothing, expected a pod name"},
      {"container not UTF-8",
       header + "0,p,model-\xf7"
                "erver,1,1,\n",
       "s.csv:2:5: container: found \"model-\\xf7erver\", expected a name of printable UTF-8"},
      {"pod with a control byte", header + "0,p\x01,c,1,1,\n", "s.csv:2:3: pod: found \"p\\x01\""},
      {"unclosed quote", header + "0,\"p,c,1,1,\n",
       "s.csv:2:3: found a quote that is never closed"},
      {"infinite cpu", header + "0,p,c,inf,1,\n",
       "s.csv:2:7: cpu: found \"inf\", expected a finite"},
      {"bad json", "{\"timestamp\":0,\n", "s.csv:1: line: found not JSON"},
  };
  for (const Case& c : cases) {
    auto r = ParseUsageRecords(c.text, "s.csv");
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(StatusCode::kInvalidArgument, r.status().code()) << c.name;
    EXPECT_EQ(0u, r.status().message().find(c.message)) << c.name << ": " << r.status().message();
  }
}

TEST(VpaManifestTest, ReadsTheResourcePolicy) {
  const char* yaml = R"(apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata:
  name: web
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  updatePolicy:
    updateMode: "Off"
  resourcePolicy:
    containerPolicies:
    - containerName: app
      minAllowed: {cpu: 100m, memory: 128Mi}
      maxAllowed: {cpu: "2", memory: 4Gi}
      controlledResources: [memory]
      controlledValues: RequestsOnly
    - containerName: "*"
      mode: "Off"
)";
  auto spec = ParseVpaManifest(yaml, "vpa.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ("Off", spec->update_mode);
  ASSERT_EQ(2u, spec->container_policies.size());
  const ContainerResourcePolicy& app = spec->container_policies[0];
  EXPECT_EQ("app", app.container_name);
  EXPECT_EQ((Resources{100, 128 * 1024 * 1024}), app.min_allowed);
  EXPECT_EQ((Resources{2000, 4LL * 1024 * 1024 * 1024}), app.max_allowed);
  EXPECT_EQ(std::vector<std::string>{"memory"}, app.controlled_resources);
  EXPECT_EQ(ControlledValues::kRequestsOnly, app.controlled_values);
  EXPECT_EQ(ContainerScalingMode::kOff, spec->container_policies[1].mode);
}

TEST(VpaManifestTest, Errors) {
  struct Case {
    const char* yaml;
    const char* message;
  };
  const Case cases[] = {
      {"containerPolicies:\n- containerName: a\n  mode: Sometimes\n",
       "v.yaml:3:9: containerPolicies[0].mode: found \"Sometimes\", expected Auto or Off"},
      {"resourcePolicy:\n  containerPolicies:\n  - maxAllowed: {cpu: 2x}\n",
       "v.yaml:3:23: resourcePolicy.containerPolicies[0].maxAllowed.cpu: found \"2x\", expected a "
       "Kubernetes quantity"},
      {"containerPolicies:\n- controlledResources: [gpu]\n",
       "v.yaml:2:25: containerPolicies[0].controlledResources: found \"gpu\", expected cpu or "
       "memory"},
      {"containerPolicies:\n- minAlowed: {cpu: 1}\n",
       "v.yaml:2:3: containerPolicies[0].minAlowed: found unknown field \"minAlowed\", expected "
       "containerName, mode"},
      {"containerPolicies:\n- minAllowed: {gpu: 1}\n",
       "v.yaml:2:16: containerPolicies[0].minAllowed.gpu: found unknown resource \"gpu\", "
       "expected cpu or memory"},
      {"kind: HorizontalPodAutoscaler\nspec: {}\n",
       "v.yaml:1:7: kind: found \"HorizontalPodAutoscaler\", expected VerticalPodAutoscaler"},
      {"a: [\n", "v.yaml:2:1: found invalid YAML"},
      {"- 1\n", "v.yaml:1:1: found a sequence, expected a VerticalPodAutoscaler document"},
      {"a: 1\na: 2\n", "v.yaml:2:1: a: found a second \"a\" key"},
  };
  for (const Case& c : cases) {
    auto r = ParseVpaManifest(c.yaml, "v.yaml");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(0u, r.status().message().find(c.message)) << c.message << "\n"
                                                        << r.status().message();
  }
}

}  // namespace
}  // namespace crescendo::vertical
