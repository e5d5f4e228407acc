#include "config/services.h"

#include <algorithm>
#include <optional>

#include "config/merge.h"
#include "config/policies_section.h"
#include "config/settings.h"
#include "config/validate.h"

namespace crescendo::config {

namespace {

// Returns the settings part of a layer: the map without the layer's own keys.
Node Strip(const Node& node, KeyList keys) {
  if (!node.is_map()) return MakeMap(node.location, node.path);
  Node copy = node;
  std::erase_if(copy.children, [&](const Node& child) {
    return std::find(keys.begin(), keys.end(), child.key) != keys.end();
  });
  return copy;
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// What `services.<name>` says beyond its settings.
struct Plan {
  std::string name;
  const Node* node = nullptr;
  Node settings;
  std::vector<std::string> tenants;       // "shared" for a shared service
  std::vector<std::string> environments;  // empty: every environment
  std::string tier;                       // shared services only
  Location tier_origin;
  std::string tier_path;
  std::string workload;
  std::map<std::string, const Node*> per_environment;
};

class Builder {
 public:
  Builder(const Registry& registry, std::span<const Override> overrides, Config& config,
          DiagnosticList& diagnostics)
      : registry_(registry),
        overrides_(overrides),
        config_(config),
        d_(diagnostics),
        catalogue_{&config.metrics, &config.metric_sources} {}

  void Run() {
    CheckLayers();
    for (const auto& [name, node] : registry_.services) {
      declared_at_[name] = node->key_location;
      if (std::optional<Plan> plan = ReadPlan(name, *node)) Expand(*plan);
    }
    std::stable_sort(config_.services.begin(), config_.services.end(),
                     [](const ServiceConfig& a, const ServiceConfig& b) { return a.id < b.id; });
    ValidateServices(config_, declared_at_, d_);
  }

 private:
  // Decodes every layer alone, so problems in layers no service uses are reported too.
  void CheckLayers() {
    FieldReader reader(d_);
    if (registry_.defaults != nullptr) {
      DecodeSettings(*registry_.defaults, {}, catalogue_, reader);
    }
    for (const auto& [name, node] : registry_.environments) {
      DecodeSettings(*node, EnvironmentKeys(), catalogue_, reader);
      environment_settings_[name] = Strip(*node, EnvironmentKeys());
    }
    for (const auto& [name, node] : registry_.tenants) {
      DecodeSettings(*node, TenantKeys(), catalogue_, reader);
      tenant_settings_[name] = Strip(*node, TenantKeys());
    }
  }

  std::optional<Plan> ReadPlan(const std::string& name, const Node& node) {
    FieldReader reader(d_);
    if (!node.is_null() && !reader.ExpectMap(node)) return std::nullopt;
    DecodeSettings(node, ServiceKeys(), catalogue_, reader);
    Plan plan;
    plan.name = name;
    plan.node = &node;
    plan.settings = Strip(node, ServiceKeys());
    plan.workload = name;
    if (!ReadTenants(node, plan, reader)) return std::nullopt;
    if (!ReadTier(node, plan, reader)) return std::nullopt;
    if (const Node* n = GetValue(node, "environments")) {
      if (n->is_sequence() && n->children.empty()) {
        reader.Error(*n, "an empty list",
                     "at least one environment (leave `environments` out for every environment)");
      }
      plan.environments = ReadEnvironmentList(*n, config_, reader);
      if (plan.environments.empty()) return std::nullopt;
    }
    if (const Node* n = GetValue(node, "workload")) {
      if (auto workload = reader.Name(*n)) plan.workload = *workload;
    }
    if (const Node* n = GetValue(node, "perEnvironment")) ReadPerEnvironment(*n, plan, reader);
    return plan;
  }

  bool ReadTenants(const Node& node, Plan& plan, FieldReader& reader) {
    const Node* one = GetValue(node, "tenant");
    const Node* many = GetValue(node, "tenants");
    if (one != nullptr && many != nullptr) {
      reader.KeyError(*many, "both tenant and tenants", "one of them");
      return false;
    }
    if (one == nullptr && many == nullptr) {
      plan.tenants = {std::string(kSharedTenant)};
      return true;
    }
    std::vector<const Node*> items;
    if (one != nullptr) items.push_back(one);
    if (many != nullptr && many->is_sequence()) {
      for (const Node& item : many->children) items.push_back(&item);
    }
    if (many != nullptr && (!many->is_sequence() || many->children.empty())) {
      reader.Error(*many, many->is_sequence() ? "an empty list" : many->Describe(),
                   "a list of at least one tenant");
      return false;
    }
    for (const Node* item : items) {
      auto tenant = reader.String(*item);
      if (!tenant) continue;
      if (*tenant != kSharedTenant && config_.tenants.count(*tenant) == 0) {
        reader.Error(*item, item->Describe(),
                     "a tenant of `tenants:` (" + JoinKeys(config_.tenants) + ") or shared");
        continue;
      }
      plan.tenants.push_back(*tenant);
    }
    return !plan.tenants.empty();
  }

  bool ReadTier(const Node& node, Plan& plan, FieldReader& reader) {
    bool shared = plan.tenants == std::vector<std::string>{std::string(kSharedTenant)};
    const Node* tier = GetValue(node, "tier");
    if (tier != nullptr && !shared) {
      reader.Error(*tier, tier->Describe(),
                   "no tier on a tenant's service (its tier is its tenant's)");
      return false;
    }
    if (!shared) return true;
    if (tier == nullptr) {
      if (config_.global.default_tier.empty()) {
        reader.KeyError(node, "a shared service without a tier",
                        "`tier:` on the service, or global.defaultTier");
        return false;
      }
      plan.tier = config_.global.default_tier;
      const Setting* global = FindPlatformSetting(config_, "global.defaultTier");
      plan.tier_origin = global != nullptr ? global->origin : Location::BuiltIn();
      plan.tier_path = "global.defaultTier";
      return true;
    }
    auto name = reader.String(*tier);
    if (!name) return false;
    if (config_.tiers.count(*name) == 0) {
      reader.Error(*tier, tier->Describe(), "a tier of `tiers:` (" + JoinKeys(config_.tiers) + ")");
      return false;
    }
    plan.tier = *name;
    plan.tier_origin = tier->location;
    plan.tier_path = tier->path;
    return true;
  }

  void ReadPerEnvironment(const Node& node, Plan& plan, FieldReader& reader) {
    if (!reader.ExpectMap(node)) return;
    for (const Node& entry : node.children) {
      if (config_.environments.count(entry.key) == 0) {
        reader.KeyError(
            entry, "unknown environment \"" + entry.key + "\"",
            "an environment of `environments:` (" + JoinKeys(config_.environments) + ")");
        continue;
      }
      if (!entry.is_null() && !reader.ExpectMap(entry)) continue;
      DecodeSettings(entry, {}, catalogue_, reader);
      plan.per_environment[entry.key] = &entry;
    }
  }

  void Expand(const Plan& plan) {
    size_t before = config_.services.size();
    for (const std::string& tenant : plan.tenants) {
      for (const auto& [env, environment] : config_.environments) {
        if (!plan.environments.empty() && !Contains(plan.environments, env)) continue;
        if (tenant != kSharedTenant && !config_.tenants.at(tenant).environments.empty() &&
            !Contains(config_.tenants.at(tenant).environments, env)) {
          continue;
        }
        BuildInstance(plan, tenant, env);
      }
    }
    if (config_.services.size() == before) {
      d_.AddWarning(plan.node->key_location, JoinPath("services", plan.name),
                    "a service that runs nowhere",
                    "an environment shared by the service's and its tenants' environments lists");
    }
  }

  void BuildInstance(const Plan& plan, const std::string& tenant, const std::string& env) {
    auto per_env = plan.per_environment.find(env);
    const Node* layers[] = {
        registry_.defaults,
        &environment_settings_.at(env),
        tenant == kSharedTenant ? nullptr : &tenant_settings_.at(tenant),
        &plan.settings,
        per_env == plan.per_environment.end() ? nullptr : per_env->second,
    };
    Node merged = MergeLayers(layers, plan.node->key_location, JoinPath("services", plan.name));
    ApplyOverrides(overrides_, merged);
    const Node* ns = merged.Find("namespace");
    WorkloadId id{env, tenant, ns != nullptr && ns->is_scalar() ? ns->scalar : "default",
                  plan.workload};
    FieldReader reader(d_, id.ToString());
    DecodedSettings decoded = DecodeSettings(merged, {}, catalogue_, reader);
    ServiceConfig service = std::move(decoded.config);
    DecodePolicies(merged, catalogue_, reader, service);
    service.id = id;
    service.service = plan.name;
    AssignTier(plan, decoded.priority, service);
    ValidateService(service, decoded.entries, config_, d_);
    config_.services.push_back(std::move(service));
  }

  void AssignTier(const Plan& plan, std::optional<int32_t> own_priority, ServiceConfig& service) {
    const std::string& tenant = service.id.tenant;
    if (tenant == kSharedTenant) {
      service.tier = plan.tier;
      service.settings.push_back(Setting{"tier", plan.tier, plan.tier_origin, plan.tier_path});
    } else {
      service.tier = config_.tenants.at(tenant).tier;
      std::string path = JoinPath(JoinPath("tenants", tenant), "tier");
      const Setting* origin = FindPlatformSetting(config_, path);
      service.settings.push_back(Setting{
          "tier", service.tier, origin != nullptr ? origin->origin : Location::BuiltIn(), path});
    }
    auto tier = config_.tiers.find(service.tier);
    if (own_priority) {
      service.priority = *own_priority;
    } else if (tier != config_.tiers.end()) {
      service.priority = tier->second.priority;
      std::string path = JoinPath(JoinPath("tiers", service.tier), "priority");
      const Setting* origin = FindPlatformSetting(config_, path);
      service.settings.push_back(Setting{"priority", std::to_string(service.priority),
                                         origin != nullptr ? origin->origin : Location::BuiltIn(),
                                         path});
    }
  }

  const Registry& registry_;
  std::span<const Override> overrides_;
  Config& config_;
  DiagnosticList& d_;
  Catalogue catalogue_;
  std::map<std::string, Node> environment_settings_;
  std::map<std::string, Node> tenant_settings_;
  std::map<std::string, Location> declared_at_;
};

}  // namespace

void BuildServices(const Registry& registry, std::span<const Override> overrides, Config& config,
                   DiagnosticList& diagnostics) {
  Builder(registry, overrides, config, diagnostics).Run();
}

}  // namespace crescendo::config
