#include "config/sections.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "config/settings.h"

namespace crescendo::config {

namespace {

constexpr std::string_view kTopKeys[] = {"version", "global",   "metricSources",
                                         "metrics", "defaults", "environments",
                                         "tiers",   "tenants",  "services"};
constexpr std::string_view kGlobalKeys[] = {"tickInterval", "defaultTier"};
constexpr std::string_view kSourceKeys[] = {"type", "url", "timeout", "options"};
constexpr std::string_view kMetricKeys[] = {"type",   "source",      "query",    "unit",
                                            "window", "description", "sensitive"};
constexpr std::string_view kCatalogueTypes[] = {"Pods", "Object", "External"};
constexpr std::string_view kTierKeys[] = {"description", "priority", "preemptible", "quota"};
constexpr std::string_view kQuotaKeys[] = {"maxReplicas", "cpu", "memory"};
constexpr std::string_view kEnvironmentKeys[] = {"description", "capacity"};
constexpr std::string_view kCapacityKeys[] = {"cpu", "memory", "pods"};
constexpr std::string_view kTenantKeys[] = {"displayName", "tier",      "environments",
                                            "weight",      "guarantee", "quota"};
constexpr std::string_view kGuaranteeKeys[] = {"cpu", "memory"};
constexpr std::string_view kServiceKeys[] = {"tenant",       "tenants",  "tier",
                                             "environments", "workload", "perEnvironment"};
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

bool IsMetricName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '.' ||
           c == '-';
  });
}

// Registers each entry of a named section, reporting names defined twice or malformed.
void CollectNamed(const Node& section, std::map<std::string, const Node*>& names, bool metric_names,
                  FieldReader& reader) {
  if (!reader.ExpectMap(section)) return;
  for (const Node& entry : section.children) {
    bool valid = metric_names ? IsMetricName(entry.key) : IsDnsLabel(entry.key);
    if (!valid) {
      reader.KeyError(entry, "the name \"" + entry.key + "\"",
                      metric_names ? "letters, digits, '_', ':', '.' or '-'"
                                   : "a DNS-1123 label (lower-case letters, digits and '-', at "
                                     "most 63 characters)");
      continue;
    }
    auto [it, inserted] = names.emplace(entry.key, &entry);
    if (!inserted) {
      reader.KeyError(entry,
                      "a second definition (first at " + it->second->key_location.ToString() + ")",
                      "each name defined once across all files");
    }
  }
}

void CollectSingleton(const Node& section, const Node*& slot, FieldReader& reader) {
  if (slot != nullptr) {
    reader.KeyError(
        section,
        "a second \"" + section.key + "\" section (first at " + slot->key_location.ToString() + ")",
        "one \"" + section.key + "\" section across all files");
    return;
  }
  if (!section.is_null() && !reader.ExpectMap(section)) return;
  slot = &section;
}

void CollectSection(const Node& section, Registry& registry, FieldReader& reader) {
  const std::string& key = section.key;
  if (key == "version") {
    if (!section.is_scalar() || section.scalar != "1")
      reader.Error(section, section.Describe(), "1");
  } else if (key == "global") {
    CollectSingleton(section, registry.global, reader);
  } else if (key == "defaults") {
    CollectSingleton(section, registry.defaults, reader);
  } else if (section.is_null()) {
    return;  // an empty section
  } else if (key == "metricSources") {
    CollectNamed(section, registry.metric_sources, false, reader);
  } else if (key == "metrics") {
    CollectNamed(section, registry.metrics, true, reader);
  } else if (key == "environments") {
    CollectNamed(section, registry.environments, false, reader);
  } else if (key == "tiers") {
    CollectNamed(section, registry.tiers, false, reader);
  } else if (key == "tenants") {
    CollectNamed(section, registry.tenants, false, reader);
  } else if (key == "services") {
    CollectNamed(section, registry.services, false, reader);
  }
}

// Records a decoded platform value for reload comparisons.
void Record(Config& config, const Node& node, std::string value) {
  config.settings.push_back(Setting{node.path, std::move(value), node.location, node.path});
}

void DecodeGlobal(const Registry& registry, Config& config, FieldReader& reader) {
  if (registry.global == nullptr || !registry.global->is_map()) return;
  const Node& global = *registry.global;
  reader.CheckKeys(global, {kGlobalKeys});
  if (const Node* n = GetValue(global, "tickInterval")) {
    if (auto d = reader.DurationIn(*n, std::chrono::seconds(1), std::chrono::hours(1))) {
      config.global.tick_interval = *d;
      Record(config, *n, FormatDuration(*d));
    }
  }
  if (const Node* n = GetValue(global, "defaultTier")) {
    if (auto tier = reader.String(*n)) {
      if (config.tiers.count(*tier) == 0) {
        reader.Error(*n, n->Describe(), "a tier of `tiers:` (" + JoinKeys(config.tiers) + ")");
      } else {
        config.global.default_tier = *tier;
        Record(config, *n, *tier);
      }
    }
  }
}

void DecodeSource(const std::string& name, const Node& node, const LoadOptions& options,
                  Config& config, FieldReader& reader) {
  if (!reader.ExpectMap(node)) return;
  reader.CheckKeys(node, {kSourceKeys});
  MetricSourceConfig source;
  source.name = name;
  source.location = node.key_location;
  std::vector<std::string_view> types(options.metric_source_types.begin(),
                                      options.metric_source_types.end());
  if (const Node* n = GetValue(node, "type")) {
    if (auto i = reader.Enum(*n, types)) Record(config, *n, source.type = std::string(types[*i]));
  } else {
    reader.Error(node, "no \"type\"", "a source type: " + JoinNames(types));
  }
  if (const Node* n = GetValue(node, "url")) {
    if (auto url = reader.String(*n)) Record(config, *n, source.url = *url);
  }
  if (const Node* n = GetValue(node, "timeout")) {
    if (auto d = reader.DurationIn(*n, std::chrono::milliseconds(100), std::chrono::minutes(5))) {
      source.timeout = *d;
      Record(config, *n, FormatDuration(*d));
    }
  }
  if (const Node* n = GetValue(node, "options")) {
    if (auto o = reader.StringMap(*n)) source.options = *o;
  }
  config.metric_sources[name] = std::move(source);
}

void DecodeMetric(const std::string& name, const Node& node, Config& config, FieldReader& reader) {
  if (config.metrics.count(name) > 0) {
    reader.KeyError(node, "a definition of the built-in metric \"" + name + "\"",
                    "another name (cpu and memory are built in)");
    return;
  }
  if (!reader.ExpectMap(node)) return;
  reader.CheckKeys(node, {kMetricKeys});
  MetricDefinition def;
  def.name = name;
  def.location = node.key_location;
  if (const Node* n = GetValue(node, "type")) {
    if (auto i = reader.Enum(*n, kCatalogueTypes)) {
      def.type = static_cast<MetricSourceType>(*i + 2);  // Pods, Object, External
      Record(config, *n, std::string(kCatalogueTypes[*i]));
    }
  }
  if (const Node* n = GetValue(node, "source")) {
    if (auto s = reader.String(*n)) {
      if (config.metric_sources.count(*s) == 0) {
        reader.Error(
            *n, n->Describe(),
            "a metric source of `metricSources:` (" + JoinKeys(config.metric_sources) + ")");
      }
      Record(config, *n, def.source = *s);
    }
  } else {
    reader.Error(node, "no \"source\"", "the metric source that serves this metric");
  }
  for (auto [key, field] : {std::pair{"query", &def.query}, std::pair{"unit", &def.unit},
                            std::pair{"description", &def.description}}) {
    if (const Node* n = GetValue(node, key)) {
      if (auto text = reader.String(*n)) Record(config, *n, *field = *text);
    }
  }
  if (const Node* n = GetValue(node, "window")) {
    if (auto w = reader.DurationIn(*n, std::chrono::seconds(1), std::chrono::hours(24))) {
      def.window = *w;
      Record(config, *n, FormatDuration(*w));
    }
  }
  if (const Node* n = GetValue(node, "sensitive")) {
    if (auto b = reader.Bool(*n)) {
      def.sensitive = *b;
      Record(config, *n, *b ? "true" : "false");
    }
  }
  config.metrics[name] = std::move(def);
}

TierQuota DecodeQuota(const Node& node, Config& config, FieldReader& reader) {
  TierQuota quota;
  if (!reader.ExpectMap(node)) return quota;
  reader.CheckKeys(node, {kQuotaKeys});
  if (const Node* n = GetValue(node, "maxReplicas")) {
    if (auto v = reader.Int(*n, 1, kInt32Max)) {
      quota.max_replicas = static_cast<int32_t>(*v);
      Record(config, *n, std::to_string(*v));
    }
  }
  if (const Node* n = GetValue(node, "cpu")) {
    if (auto millis = reader.CpuMillis(*n, /*positive=*/true)) {
      quota.cpu_millis = *millis;
      Record(config, *n, n->scalar);
    }
  }
  if (const Node* n = GetValue(node, "memory")) {
    if (auto bytes = reader.MemoryBytes(*n, /*positive=*/true)) {
      quota.memory_bytes = *bytes;
      Record(config, *n, n->scalar);
    }
  }
  return quota;
}

void DecodeTier(const std::string& name, const Node& node, Config& config, FieldReader& reader) {
  if (!reader.ExpectMap(node)) return;
  reader.CheckKeys(node, {kTierKeys});
  Tier tier;
  tier.name = name;
  tier.location = node.key_location;
  if (const Node* n = GetValue(node, "priority")) {
    if (auto p = reader.Int(*n, 0, 1000)) {
      tier.priority = static_cast<int32_t>(*p);
      Record(config, *n, std::to_string(*p));
    }
  } else {
    reader.Error(node, "no \"priority\"", "a priority from 0 to 1000 (higher is served first)");
  }
  if (const Node* n = GetValue(node, "description")) {
    if (auto text = reader.String(*n)) tier.description = *text;
  }
  if (const Node* n = GetValue(node, "preemptible")) {
    if (auto b = reader.Bool(*n)) {
      tier.preemptible = *b;
      Record(config, *n, *b ? "true" : "false");
    }
  }
  if (const Node* n = GetValue(node, "quota")) tier.quota = DecodeQuota(*n, config, reader);
  config.tiers[name] = std::move(tier);
}

void DecodeEnvironment(const std::string& name, const Node& node, Config& config,
                       FieldReader& reader) {
  Environment env;
  env.name = name;
  env.location = node.key_location;
  if (node.is_map()) {
    if (const Node* n = GetValue(node, "description")) {
      if (auto text = reader.String(*n)) env.description = *text;
    }
    if (const Node* n = GetValue(node, "capacity"); n != nullptr && reader.ExpectMap(*n)) {
      reader.CheckKeys(*n, {kCapacityKeys});
      Resources capacity;
      if (const Node* c = GetValue(*n, "cpu"))
        capacity.cpu_millis = reader.CpuMillis(*c, true).value_or(0);
      if (const Node* m = GetValue(*n, "memory")) {
        capacity.memory_bytes = reader.MemoryBytes(*m, true).value_or(0);
      }
      if (const Node* p = GetValue(*n, "pods")) {
        if (auto pods = reader.Int(*p, 1, kInt32Max))
          env.capacity_pods = static_cast<int32_t>(*pods);
      }
      env.capacity = capacity;
    }
  } else if (!node.is_null()) {
    reader.ExpectMap(node);
  }
  config.environments[name] = std::move(env);
}

}  // namespace

std::vector<std::string> ReadEnvironmentList(const Node& node, const Config& config,
                                             FieldReader& reader) {
  std::vector<std::string> names;
  if (!node.is_sequence()) {
    reader.Error(node, node.Describe(), "a list of environments");
    return names;
  }
  for (const Node& item : node.children) {
    auto name = reader.String(item);
    if (!name) continue;
    if (config.environments.count(*name) == 0) {
      reader.Error(item, item.Describe(),
                   "an environment of `environments:` (" + JoinKeys(config.environments) + ")");
      continue;
    }
    names.push_back(*name);
  }
  return names;
}

const Setting* FindPlatformSetting(const Config& config, std::string_view path) {
  for (const Setting& setting : config.settings) {
    if (setting.path == path) return &setting;
  }
  return nullptr;
}

namespace {

// Reads a tenant's weight, guarantee and quota (docs/tenancy.md).
void DecodeTenantShare(const Node& node, Config& config, FieldReader& reader, Tenant& tenant) {
  if (const Node* n = GetValue(node, "weight")) {
    if (auto w = reader.Number(*n, 1e-6, 1e6)) {
      tenant.weight = *w;
      Record(config, *n, n->scalar);
    }
  }
  if (const Node* g = GetValue(node, "guarantee"); g != nullptr && reader.ExpectMap(*g)) {
    reader.CheckKeys(*g, {kGuaranteeKeys});
    if (const Node* n = GetValue(*g, "cpu")) {
      if (auto millis = reader.CpuMillis(*n, /*positive=*/false)) {
        tenant.guarantee.cpu_millis = *millis;
        Record(config, *n, n->scalar);
      }
    }
    if (const Node* n = GetValue(*g, "memory")) {
      if (auto bytes = reader.MemoryBytes(*n, /*positive=*/false)) {
        tenant.guarantee.memory_bytes = *bytes;
        Record(config, *n, n->scalar);
      }
    }
  }
  if (const Node* n = GetValue(node, "quota")) tenant.quota = DecodeQuota(*n, config, reader);
}

void DecodeTenant(const std::string& name, const Node& node, Config& config, FieldReader& reader) {
  if (name == kSharedTenant) {
    reader.KeyError(node, "the tenant name \"shared\"",
                    "another name (\"shared\" stands for services shared by every tenant)");
    return;
  }
  if (!reader.ExpectMap(node)) return;
  Tenant tenant;
  tenant.name = name;
  tenant.location = node.key_location;
  if (const Node* n = GetValue(node, "displayName")) {
    if (auto text = reader.String(*n)) tenant.display_name = *text;
  }
  if (const Node* n = GetValue(node, "tier")) {
    if (auto tier = reader.String(*n)) {
      if (config.tiers.count(*tier) == 0) {
        reader.Error(*n, n->Describe(), "a tier of `tiers:` (" + JoinKeys(config.tiers) + ")");
      } else {
        Record(config, *n, tenant.tier = *tier);
      }
    }
  } else {
    reader.Error(node, "no \"tier\"",
                 "the tenant's subscription tier, one of " + JoinKeys(config.tiers));
  }
  if (const Node* n = GetValue(node, "environments")) {
    tenant.environments = ReadEnvironmentList(*n, config, reader);
  }
  DecodeTenantShare(node, config, reader, tenant);
  config.tenants[name] = std::move(tenant);
}

}  // namespace

KeyList EnvironmentKeys() { return kEnvironmentKeys; }
KeyList TenantKeys() { return kTenantKeys; }
KeyList ServiceKeys() { return kServiceKeys; }

void Collect(Node document, Registry& registry, DiagnosticList& diagnostics) {
  FieldReader reader(diagnostics);
  if (document.is_null()) return;
  if (document.is_map() && document.Find("apiVersion") != nullptr &&
      document.Find("kind") != nullptr) {
    registry.documents.push_back(std::move(document));
    registry.manifests.push_back(&registry.documents.back());
    return;
  }
  if (!document.is_map()) {
    reader.Error(document, document.Describe(),
                 "a map of configuration sections, or a Kubernetes manifest");
    return;
  }
  registry.documents.push_back(std::move(document));
  const Node& stored = registry.documents.back();
  reader.CheckKeys(stored, {kTopKeys});
  for (const Node& section : stored.children) CollectSection(section, registry, reader);
}

void RegisterService(Node service, Registry& registry, DiagnosticList& diagnostics) {
  FieldReader reader(diagnostics);
  std::string name = service.key;
  auto [it, inserted] = registry.services.emplace(name, nullptr);
  if (!inserted) {
    reader.KeyError(service,
                    "a second definition of service \"" + name + "\" (first at " +
                        it->second->key_location.ToString() + ")",
                    "each service defined once across all files and manifests");
    return;
  }
  registry.documents.push_back(std::move(service));
  it->second = &registry.documents.back();
}

void DecodePlatform(const Registry& registry, const LoadOptions& options, Config& config,
                    DiagnosticList& diagnostics) {
  FieldReader reader(diagnostics);
  config.metrics = BuiltInMetrics();
  for (const auto& [name, node] : registry.metric_sources) {
    DecodeSource(name, *node, options, config, reader);
  }
  for (const auto& [name, node] : registry.metrics) DecodeMetric(name, *node, config, reader);
  for (const auto& [name, node] : registry.tiers) DecodeTier(name, *node, config, reader);
  for (const auto& [name, node] : registry.environments) {
    DecodeEnvironment(name, *node, config, reader);
  }
  for (const auto& [name, node] : registry.tenants) DecodeTenant(name, *node, config, reader);
  DecodeGlobal(registry, config, reader);
}

}  // namespace crescendo::config
