// deploy/: every manifest parses; the Helm chart, rendered with its default values by the
// documented substitution (`helm` is not installed here), gives exactly the plain manifests;
// the RBAC rules grant exactly the calls the backend makes; the Deployment and the Dockerfile
// run as non-root with a read-only root filesystem; the sweep Job runs one index per case.
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "crescendo/kubernetes/kubernetes.h"

namespace crescendo::kubernetes {
namespace {

namespace fs = std::filesystem;
const fs::path kDeploy = fs::path(CRESCENDO_SOURCE_DIR) / "deploy";

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Emit(const YAML::Node& n) {
  YAML::Emitter e;
  e << n;
  return e.c_str();
}

// The chart renderer used here: `{{ .Values.a.b }}` takes values.yaml's a.b, and
// `{{ .Release.Namespace }}` the namespace; the chart's templates use nothing else.
std::string Render(std::string text, const YAML::Node& values, const std::string& ns) {
  const std::regex placeholder(R"(\{\{\s*\.(Values|Release)\.([A-Za-z0-9_.]+)\s*\}\})");
  std::smatch m;
  std::string out;
  while (std::regex_search(text, m, placeholder)) {
    std::string value;
    if (m[1] == "Release") {
      value = m[2] == "Namespace" ? ns : "crescendo";
    } else {
      YAML::Node node = YAML::Clone(values);
      std::stringstream path(m[2]);
      for (std::string part; std::getline(path, part, '.');) node = node[part];
      EXPECT_TRUE(node.IsScalar()) << "values.yaml has no " << m[2];
      value = node.IsScalar() ? node.as<std::string>() : "";
    }
    out += m.prefix().str() + value;
    text = m.suffix().str();
  }
  return out + text;
}

TEST(DeployTest, EveryManifestParsesAndNamesItsKind) {
  int documents = 0;
  std::set<std::string> kinds;
  for (const auto& f : fs::directory_iterator(kDeploy / "kubernetes")) {
    for (const YAML::Node& d : YAML::LoadAll(Read(f.path()))) {
      ASSERT_TRUE(d["apiVersion"] && d["kind"] && d["metadata"]["name"]) << f.path();
      kinds.insert(d["kind"].as<std::string>());
      ++documents;
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{
                       "ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment", "Job",
                       "Namespace", "NetworkPolicy", "PersistentVolumeClaim", "PodDisruptionBudget",
                       "Role", "RoleBinding", "Service", "ServiceAccount", "ServiceMonitor"}));
  EXPECT_EQ(documents, 14);
}

TEST(DeployTest, TheChartRendersToThePlainManifests) {
  const YAML::Node values = YAML::LoadFile((kDeploy / "helm/crescendo/values.yaml").string());
  ASSERT_TRUE(YAML::LoadFile((kDeploy / "helm/crescendo/Chart.yaml").string())["name"]);
  int files = 0;
  for (const auto& f : fs::directory_iterator(kDeploy / "helm/crescendo/templates")) {
    const std::string rendered = Render(Read(f.path()), values, "crescendo");
    EXPECT_EQ(rendered.find("{{"), std::string::npos) << f.path();
    std::vector<YAML::Node> got = YAML::LoadAll(rendered);
    std::vector<YAML::Node> want =
        YAML::LoadAll(Read(kDeploy / "kubernetes" / f.path().filename()));
    ASSERT_EQ(got.size(), want.size()) << f.path();
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(Emit(got[i]), Emit(want[i])) << f.path();
    ++files;
  }
  EXPECT_EQ(files, 8);
  // Another namespace and image land where they should.
  YAML::Node other = YAML::Clone(values);
  other["image"]["tag"] = "9.9.9";
  const YAML::Node d = YAML::Load(
      Render(Read(kDeploy / "helm/crescendo/templates/deployment.yaml"), other, "autoscaling"));
  EXPECT_EQ(d["metadata"]["namespace"].as<std::string>(), "autoscaling");
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][0]["image"].as<std::string>(),
            "ghcr.io/crescendo/crescendo:9.9.9");
}

TEST(DeployTest, RbacGrantsExactlyTheBackendsCalls) {
  std::set<ApiCall> granted;
  for (const YAML::Node& d : YAML::LoadAll(Read(kDeploy / "kubernetes/rbac.yaml"))) {
    const std::string kind = d["kind"].as<std::string>();
    if (kind != "ClusterRole" && kind != "Role") continue;
    for (const YAML::Node& rule : d["rules"]) {
      for (const YAML::Node& g : rule["apiGroups"]) {
        for (const YAML::Node& r : rule["resources"]) {
          for (const YAML::Node& v : rule["verbs"]) {
            ASSERT_NE(v.as<std::string>(), "*");
            granted.insert({g.as<std::string>(), r.as<std::string>(), v.as<std::string>()});
          }
        }
      }
    }
  }
  const std::vector<ApiCall> calls = RequiredApiCalls();
  EXPECT_EQ(granted, std::set<ApiCall>(calls.begin(), calls.end()));
}

TEST(DeployTest, RunsReplicatedAsNonRootWithAReadOnlyRoot) {
  const YAML::Node d = YAML::LoadFile((kDeploy / "kubernetes/deployment.yaml").string());
  EXPECT_EQ(d["spec"]["replicas"].as<int>(), 3);
  const YAML::Node pod = d["spec"]["template"]["spec"];
  EXPECT_TRUE(pod["affinity"]["podAntiAffinity"]);
  EXPECT_TRUE(pod["securityContext"]["runAsNonRoot"].as<bool>());
  EXPECT_TRUE(pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"].as<bool>());
  const std::string dockerfile = Read(kDeploy / "Dockerfile");
  const std::regex from(R"(\nFROM )");
  EXPECT_EQ(std::distance(std::sregex_iterator(dockerfile.begin(), dockerfile.end(), from),
                          std::sregex_iterator()),
            2);  // multi-stage (the first FROM follows the comment block)
  EXPECT_NE(dockerfile.find("\nUSER 65532"), std::string::npos);
  // The build stage installs every build and library package of scripts/install_deps.sh (the
  // lines before its "# tests and benchmarks" group): a library the build gained and the image
  // lacked made the image's build fail.
  const std::string deps = Read(kDeploy.parent_path() / "scripts" / "install_deps.sh");
  const size_t begin = deps.find("packages=(");
  const size_t end = deps.find("# tests and benchmarks");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  std::istringstream lines(deps.substr(begin + 10, end - begin - 10));
  const std::string build_stage = dockerfile.substr(0, dockerfile.rfind("\nFROM "));
  std::string line, word;
  int checked = 0;
  while (std::getline(lines, line)) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    while (words >> word) {
      ++checked;
      EXPECT_TRUE(std::regex_search(build_stage, std::regex("[ \\n]" + word + "[ \\n]")))
          << "deploy/Dockerfile's build stage lacks " << word << " (scripts/install_deps.sh)";
    }
  }
  EXPECT_GT(checked, 20);
  EXPECT_NE(dockerfile.rfind("tzdata"), dockerfile.find("tzdata"))
      << "the runtime stage needs tzdata too";
}

}  // namespace
}  // namespace crescendo::kubernetes

namespace crescendo::kubernetes {
namespace {

// The sweep Job runs one index per case of the sweep file it mounts, writing to a shared volume.
TEST(DeployTest, SweepJobRunsOneIndexPerCaseOfItsSweepFile) {
  std::map<std::string, YAML::Node> by_kind;
  for (const YAML::Node& d : YAML::LoadAll(Read(kDeploy / "kubernetes/sweep-job.yaml"))) {
    by_kind[d["kind"].as<std::string>()] = d;
  }
  ASSERT_EQ(by_kind.size(), 3u);
  const YAML::Node job = by_kind["Job"];
  EXPECT_EQ(job["apiVersion"].as<std::string>(), "batch/v1");
  EXPECT_EQ(job["spec"]["completionMode"].as<std::string>(), "Indexed");
  const std::string text = by_kind["ConfigMap"]["data"]["sweep.yaml"].as<std::string>();
  EXPECT_EQ(text, Read(kDeploy / "sweeps/music-streaming.yaml"));
  const YAML::Node sweep = YAML::Load(text);
  ASSERT_TRUE(sweep["cases"].IsSequence());
  EXPECT_EQ(job["spec"]["completions"].as<size_t>(), sweep["cases"].size());
  const YAML::Node pod = job["spec"]["template"]["spec"];
  EXPECT_EQ(pod["restartPolicy"].as<std::string>(), "Never");
  const YAML::Node c = pod["containers"][0];
  EXPECT_EQ(c["image"].as<std::string>(), "ghcr.io/crescendo/crescendo:0.1.0");
  std::vector<std::string> args;
  for (const YAML::Node& a : c["args"]) args.push_back(a.as<std::string>());
  EXPECT_EQ(args, (std::vector<std::string>{"sweep", "run", "/etc/crescendo/sweep.yaml",
                                            "--out=/results"}));
  std::map<std::string, std::string> mounts;
  for (const YAML::Node& m : c["volumeMounts"]) {
    mounts[m["name"].as<std::string>()] = m["mountPath"].as<std::string>();
  }
  EXPECT_EQ(mounts, (std::map<std::string, std::string>{{"results", "/results"},
                                                        {"sweep", "/etc/crescendo"}}));
  EXPECT_EQ(pod["volumes"][1]["persistentVolumeClaim"]["claimName"].as<std::string>(),
            by_kind["PersistentVolumeClaim"]["metadata"]["name"].as<std::string>());
  EXPECT_EQ(pod["volumes"][0]["configMap"]["name"].as<std::string>(),
            by_kind["ConfigMap"]["metadata"]["name"].as<std::string>());
  // Every case is one the sweep command accepts: the binary checks the mounted file itself.
  if (std::string(CRESCENDO_BINARY).empty()) GTEST_SKIP() << "crescendo is not built";
  const std::string file = ::testing::TempDir() + "/" + std::to_string(::getpid()) + "-sweep.yaml";
  std::ofstream(file) << text;
  const std::string command = std::string(CRESCENDO_BINARY) + " sweep run " + file +
                              " --index 99 --out " + ::testing::TempDir() + " 2>&1";
  FILE* p = popen(command.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, p) != nullptr) output += buffer;
  pclose(p);
  EXPECT_NE(output.find("has " + std::to_string(sweep["cases"].size()) + " cases"),
            std::string::npos)
      << output;
}

}  // namespace
}  // namespace crescendo::kubernetes
