// LoadKubeconfig and InClusterCredentials: a table of kubeconfigs and what each yields.
#include <gtest/gtest.h>

#include <cstdio>

#include "crescendo/kubernetes/kubernetes.h"

namespace crescendo::kubernetes {
namespace {

TEST(KubeconfigTest, ReadsContextsTokensAndCertificatesAndLocatesErrors) {
  const std::string dir = ::testing::TempDir();
  struct Case {
    std::string name, text, context, error;  // error: a part of the message, "" for OK
    std::string server, token, ca_data;
    bool insecure = false;
  };
  const std::string good =
      "current-context: a\n"
      "clusters:\n- name: c1\n  cluster:\n    server: https://10.0.0.1:6443\n"
      "    certificate-authority-data: UEVN\n"
      "- name: c2\n  cluster:\n    server: https://k.example\n    insecure-skip-tls-verify: true\n"
      "users:\n- name: u1\n  user:\n    token: abc\n"
      "- name: u2\n  user:\n    client-certificate-data: Q0VSVA==\n    client-key-data: S0VZ\n"
      "contexts:\n- name: a\n  context: {cluster: c1, user: u1}\n"
      "- name: b\n  context: {cluster: c2, user: u2}\n";
  const std::vector<Case> cases = {
      {"current", good, "", "", "https://10.0.0.1:6443", "abc", "PEM"},
      {"named", good, "b", "", "https://k.example", "", "", true},
      {"unknown context", good, "z", "contexts: found none, expected an entry named \"z\""},
      {"no current", "clusters: []\n", "", "current-context: found nothing, expected"},
      {"no server",
       "current-context: a\nclusters:\n- name: c\n  cluster: {}\nusers:\n- name: u\n  user: {}\n"
       "contexts:\n- name: a\n  context: {cluster: c, user: u}\n",
       "", "clusters[name=c].cluster.server"},
      {"bad base64",
       "current-context: a\nclusters:\n- name: c\n  cluster: {server: 'https://x', "
       "certificate-authority-data: '!!'}\nusers:\n- name: u\n  user: {}\n"
       "contexts:\n- name: a\n  context: {cluster: c, user: u}\n",
       "", "certificate-authority-data: found \"!!\", expected base64"},
      {"cert without key",
       "current-context: a\nclusters:\n- name: c\n  cluster: {server: 'https://x'}\n"
       "users:\n- name: u\n  user: {client-certificate: c.pem}\n"
       "contexts:\n- name: a\n  context: {cluster: c, user: u}\n",
       "", "found a client-certificate alone, expected client-certificate and client-key together"},
      {"yaml syntax", "clusters: [\n", "", ".yaml:2:1: found invalid YAML"},
      {"duplicate key", "a: 1\na: 2\n", "", ".yaml:2:1: a: found a second \"a\" key"},
      {"insecure not a bool",
       "current-context: a\nclusters:\n- name: c\n  cluster: {server: 'https://x', "
       "insecure-skip-tls-verify: maybe}\nusers:\n- name: u\n  user: {}\n"
       "contexts:\n- name: a\n  context: {cluster: c, user: u}\n",
       "", "insecure-skip-tls-verify: found \"maybe\", expected true or false"},
  };
  for (const Case& c : cases) {
    const std::string path = dir + "/kubeconfig-case.yaml";
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(c.text.c_str(), f);
    std::fclose(f);
    StatusOr<Credentials> got = LoadKubeconfig(path, c.context);
    if (!c.error.empty()) {
      ASSERT_FALSE(got.ok()) << c.name;
      EXPECT_NE(got.status().message().find(c.error), std::string::npos)
          << c.name << ": " << got.status().message();
      EXPECT_NE(got.status().message().find(path), std::string::npos) << c.name;
      continue;
    }
    ASSERT_TRUE(got.ok()) << c.name << ": " << got.status().ToString();
    EXPECT_EQ(got->server, c.server) << c.name;
    EXPECT_EQ(got->token, c.token) << c.name;
    EXPECT_EQ(got->ca_data, c.ca_data) << c.name;
    EXPECT_EQ(got->insecure_skip_tls_verify, c.insecure) << c.name;
  }
  EXPECT_EQ(LoadKubeconfig(dir + "/absent").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(InClusterCredentials(dir, nullptr, "443").status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace crescendo::kubernetes
