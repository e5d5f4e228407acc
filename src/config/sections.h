// The top level of configuration documents: collecting named definitions from every document and
// decoding the platform-wide sections (global, metric sources, the metric catalogue, tiers,
// environments, tenants).
//
// A document holds any of these top-level keys:
//   version        1 (optional)
//   global         tickInterval, defaultTier
//   metricSources  name -> {type, url, timeout, options}
//   metrics        name -> {type, source, query, unit, window, description}
//   defaults       settings every service inherits
//   environments   name -> {description, capacity, <settings>}
//   tiers          name -> {description, priority, preemptible, quota}
//   tenants        name -> {displayName, tier, environments, <settings>}
//   services       name -> {tenant | tenants, tier, environments, workload, perEnvironment,
//                           <settings>}
// A name is defined once across all documents; `global` and `defaults` appear once.
// A document with `apiVersion` and `kind` is a Kubernetes manifest (kubernetes_import.h).
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_CONFIG_SECTIONS_H_
#define CRESCENDO_SRC_CONFIG_SECTIONS_H_

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "config/node.h"
#include "config/reader.h"
#include "crescendo/config/config.h"
#include "crescendo/config/loader.h"

namespace crescendo::config {

struct Registry {
  std::deque<Node> documents;  // owns every tree the pointers below point into
  const Node* defaults = nullptr;
  const Node* global = nullptr;
  std::map<std::string, const Node*> environments;
  std::map<std::string, const Node*> tiers;
  std::map<std::string, const Node*> tenants;
  std::map<std::string, const Node*> services;
  std::map<std::string, const Node*> metric_sources;
  std::map<std::string, const Node*> metrics;
  std::vector<const Node*> manifests;
};

// Keys of each layer that are not settings.
KeyList EnvironmentKeys();
KeyList TenantKeys();
KeyList ServiceKeys();

// Adds `document` to the registry: checks its top-level keys and registers each named entry;
// manifests are set aside. Duplicate names are errors.
void Collect(Node document, Registry& registry, DiagnosticList& diagnostics);

// Registers a service produced from Kubernetes manifests (a tree shaped as a `services` entry).
void RegisterService(Node service, Registry& registry, DiagnosticList& diagnostics);

// Reads a list of environment names, each of which must be a key of config.environments.
std::vector<std::string> ReadEnvironmentList(const Node& node, const Config& config,
                                             FieldReader& reader);

// Returns the platform setting recorded at `path` (e.g. "tenants.acme.tier"), or null.
const Setting* FindPlatformSetting(const Config& config, std::string_view path);

// Decodes global, metric sources, metrics (with the built-in cpu and memory), tiers,
// environments and tenants into `config`, recording their values in config.settings.
void DecodePlatform(const Registry& registry, const LoadOptions& options, Config& config,
                    DiagnosticList& diagnostics);

}  // namespace crescendo::config

#endif  // CRESCENDO_SRC_CONFIG_SECTIONS_H_
