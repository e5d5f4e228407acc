// Helpers shared by the configuration layer's tests.
#ifndef CRESCENDO_SRC_CONFIG_TEST_UTIL_H_
#define CRESCENDO_SRC_CONFIG_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "crescendo/config/loader.h"

namespace crescendo::config::testing {

// A small valid platform most tests build on: environments dev and prod, tiers free (quota 10
// replicas) and gold (the default tier of shared services), tenants acme (gold, namespace acme) and
// tiny (free), the Prometheus source "prom" and the catalogue metrics rps (Pods) and queue
// (External).
inline constexpr const char* kBaseYaml = R"(global:
  tickInterval: 15s
  defaultTier: gold
metricSources:
  prom:
    type: prometheus
    url: http://prom:9090
metrics:
  rps:
    type: Pods
    source: prom
    query: rate(http_requests_total[1m])
  queue:
    type: External
    source: prom
environments:
  dev: {}
  prod:
    mode: intelligent
tiers:
  free:
    priority: 10
    quota: {maxReplicas: 10, cpu: "4", memory: 8Gi}
  gold:
    priority: 500
tenants:
  acme:
    tier: gold
    namespace: acme
  tiny:
    tier: free
)";

// Loads base.yaml (kBaseYaml) and case.yaml (`text`) with `environment`.
inline LoadResult LoadWithBase(const std::string& text, EnvironmentVariables environment = {}) {
  std::vector<SourceText> sources = {{"base.yaml", kBaseYaml}, {"case.yaml", text}};
  LoadOptions options;
  options.environment = std::move(environment);
  return LoadConfig(sources, options);
}

// Returns the service with `id` ("env/tenant/namespace/name"); fails the test when absent.
inline const ServiceConfig& ServiceById(const Config& config, const std::string& id) {
  StatusOr<WorkloadId> parsed = WorkloadId::Parse(id);
  const ServiceConfig* service = parsed.ok() ? config.Find(*parsed) : nullptr;
  if (service == nullptr) {
    ADD_FAILURE() << "no service " << id;
    static const ServiceConfig kEmpty;
    return kEmpty;
  }
  return *service;
}

// Returns the repository root (CRESCENDO_SOURCE_DIR, set by CTest; else the working folder).
inline std::string SourceDir() {
  const char* dir = std::getenv("CRESCENDO_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

}  // namespace crescendo::config::testing

#endif  // CRESCENDO_SRC_CONFIG_TEST_UTIL_H_
