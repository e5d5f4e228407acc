// Loading a configuration: YAML documents in, a validated Config (or every error) out.
//
// The loader reads every document (Crescendo configuration fragments and Kubernetes
// HorizontalPodAutoscaler / VerticalPodAutoscaler manifests), checks each against the schema,
// merges the layers of every service (built-in defaults -> `defaults` -> environment -> tenant ->
// service -> the service's `perEnvironment` entry), applies the environment-variable overrides,
// and validates ranges, references and conflicts. It reports every problem it finds in one run
// and returns a Config only when there is no error: a configuration is never half-applied.
// docs/configuration.md is the reference for the schema, merge rules and precedence.
//
// Thread safety: the functions are pure (given the ConfigFiles they read through) and may run
// concurrently.
#ifndef CRESCENDO_CONFIG_LOADER_H_
#define CRESCENDO_CONFIG_LOADER_H_

#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/config/config.h"
#include "crescendo/config/config_files.h"
#include "crescendo/config/diagnostic.h"

namespace crescendo::config {

// The process environment, as the caller captured it (the loader never calls getenv).
using EnvironmentVariables = std::map<std::string, std::string>;

// The variables the loader reads, in precedence-free alphabetical order.
inline constexpr const char* kOverrideVariables[] = {"AUTOSCALING_MODE", "COST_OPTIMIZATION",
                                                     "MAX_REPLICAS",     "MIN_REPLICAS",
                                                     "SCALING_INTERVAL", "TENANT_ISOLATION"};

// Returns the values of kOverrideVariables set in this process (the composition root calls it
// once and passes the result down).
EnvironmentVariables CaptureOverrideVariables();

struct LoadOptions {
  // Overrides, see kOverrideVariables. Other entries are ignored.
  EnvironmentVariables environment;
  // The accepted `metricSources.*.type` values (the metrics layer's registry names).
  std::vector<std::string> metric_source_types = {"cloudwatch", "influxdb", "prometheus",
                                                  "simulator", "trace"};
};

// One document source: a name for messages (usually the file path) and its text.
struct SourceText {
  std::string name;
  std::string text;
};

struct LoadResult {
  // The configuration; null when diagnostics hold any error.
  std::shared_ptr<const Config> config;
  // Every error and warning, sorted by location.
  std::vector<Diagnostic> diagnostics;

  bool ok() const { return config != nullptr; }
  // Returns the diagnostics, one per line, and a count line.
  std::string Report() const;
  // Returns OK, or InvalidArgument whose message is Report().
  Status ToStatus() const;
};

// Loads from texts already in memory (tests, the fuzzer, stdin).
LoadResult LoadConfig(std::span<const SourceText> sources, const LoadOptions& options);

// Loads the files and directories in `paths` (expanded by `files`, see ConfigFiles::Expand).
// A path that cannot be read is an error of the result, as any other.
LoadResult LoadConfigFiles(const std::vector<std::string>& paths, const LoadOptions& options,
                           ConfigFiles& files);

}  // namespace crescendo::config

#endif  // CRESCENDO_CONFIG_LOADER_H_
