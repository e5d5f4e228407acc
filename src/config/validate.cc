#include "config/validate.h"

#include <algorithm>
#include <string_view>

#include "config/node.h"
#include "config/sections.h"

namespace crescendo::config {

namespace {

constexpr std::string_view kTargetKeys[] = {"utilization", "averageValue", "value"};

std::string_view TypeName(MetricSourceType type) {
  constexpr std::string_view kNames[] = {"Resource", "ContainerResource", "Pods", "Object",
                                         "External"};
  return kNames[static_cast<size_t>(type)];
}

// Returns the targets a metric type accepts, as Kubernetes' validation does.
std::vector<std::string_view> AllowedTargets(MetricSourceType type) {
  switch (type) {
    case MetricSourceType::kResource:
    case MetricSourceType::kContainerResource:
      return {"utilization", "averageValue"};
    case MetricSourceType::kPods:
      return {"averageValue"};
    case MetricSourceType::kObject:
    case MetricSourceType::kExternal:
      return {"value", "averageValue"};
  }
  return {};
}

bool IsResourceType(MetricSourceType type) {
  return type == MetricSourceType::kResource || type == MetricSourceType::kContainerResource;
}

std::string JoinViews(const std::vector<std::string_view>& names, std::string_view last_sep) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? std::string(last_sep) : ", ";
    text += names[i];
  }
  return text;
}

class ServiceChecker {
 public:
  ServiceChecker(const ServiceConfig& service, const EntryLocations& entries, const Config& config,
                 DiagnosticList& diagnostics)
      : s_(service),
        entries_(entries),
        config_(config),
        d_(diagnostics),
        workload_(service.id.ToString()) {}

  void Run() {
    if (s_.horizontal) {
      CheckReplicas(*s_.horizontal);
      for (size_t i = 0; i < s_.horizontal->metrics.size(); ++i) {
        CheckMetric(s_.horizontal->metrics[i], s_.metric_bindings[i]);
      }
    }
    if (s_.vertical) {
      for (const ContainerResourcePolicy& p : s_.vertical->container_policies) CheckPolicy(p);
    }
    if (s_.horizontal && s_.vertical) CheckConflicts(*s_.horizontal, *s_.vertical);
    CheckQuota();
    CheckInterval();
  }

 private:
  // Returns the setting (or declared entry) at a settings-relative path.
  const Setting* At(std::string_view path) const {
    if (const Setting* s = s_.FindSetting(path)) return s;
    auto it = entries_.find(std::string(path));
    return it == entries_.end() ? nullptr : &it->second;
  }

  std::string Where(std::string_view path) const {
    const Setting* at = At(path);
    if (at == nullptr) return "built-in default";
    return at->origin.is_file() ? "set at " + at->origin.ToString()
                                : "from " + at->origin.ToString();
  }

  void Fail(std::string_view path, std::string found, std::string expected) {
    const Setting* at = At(path);
    Location location = at != nullptr ? at->origin : Location::BuiltIn();
    std::string source = at != nullptr && !at->source_path.empty()
                             ? at->source_path
                             : JoinPath(JoinPath("services", s_.service), path);
    d_.AddError(location, std::move(source), std::move(found), std::move(expected), workload_);
  }

  bool FromVariable(std::string_view path) const {
    const Setting* at = At(path);
    return at != nullptr && !at->origin.is_file() && !at->origin.is_built_in();
  }

  void CheckReplicas(const HorizontalSpec& h) {
    if (h.min_replicas > h.max_replicas) {
      const Setting* max = At("horizontal.maxReplicas");
      bool at_min =
          FromVariable("horizontal.minReplicas") || (max != nullptr && max->origin.is_built_in());
      if (at_min) {
        Fail("horizontal.minReplicas", "\"" + std::to_string(h.min_replicas) + "\"",
             "at most horizontal.maxReplicas (" + std::to_string(h.max_replicas) + ", " +
                 Where("horizontal.maxReplicas") + ")");
      } else {
        Fail("horizontal.maxReplicas", "\"" + std::to_string(h.max_replicas) + "\"",
             "at least horizontal.minReplicas (" + std::to_string(h.min_replicas) + ", " +
                 Where("horizontal.minReplicas") + ")");
      }
    }
    if (h.min_replicas == 0) {
      bool scale_to_zero = std::any_of(h.metrics.begin(), h.metrics.end(), [](const MetricSpec& m) {
        return m.type == MetricSourceType::kObject || m.type == MetricSourceType::kExternal;
      });
      if (!scale_to_zero) {
        Fail("horizontal.minReplicas", "\"0\"",
             "at least 1, or an Object or External metric to scale to zero (as Kubernetes)");
      }
    }
  }

  void CheckMetric(const MetricSpec& m, const MetricBinding& binding) {
    const std::string base = JoinPath("horizontal.metrics", m.name);
    CheckTargets(m, base);
    if (IsResourceType(m.type) && m.name != "cpu" && m.name != "memory") {
      Fail(JoinPath(base, "type"), "\"" + std::string(TypeName(m.type)) + "\" for " + m.name,
           "Pods, Object or External (Resource metrics are cpu and memory)");
    }
    bool container_metric = m.type == MetricSourceType::kContainerResource;
    if (container_metric && m.container.empty()) {
      Fail(base, "a ContainerResource metric without container",
           "`container:` naming the container whose usage counts");
    } else if (!container_metric && !m.container.empty()) {
      Fail(JoinPath(base, "container"),
           "a container for a " + std::string(TypeName(m.type)) + " metric",
           "type ContainerResource, or no container");
    }
    bool object_metric = m.type == MetricSourceType::kObject;
    if (object_metric && (m.described_object.kind.empty() || m.described_object.name.empty())) {
      Fail(base, "an Object metric without describedObject kind and name",
           "`describedObject: {kind, name}` naming the object the metric describes");
    }
    if (binding.source == kClusterMetricSource && !IsResourceType(m.type)) {
      Fail(JoinPath(base, "source"),
           "source cluster for a " + std::string(TypeName(m.type)) + " metric",
           "a metric source of `metricSources:` (the cluster serves only cpu and memory)");
    }
  }

  void CheckTargets(const MetricSpec& m, const std::string& base) {
    std::vector<std::string_view> given;
    for (std::string_view key : kTargetKeys) {
      if (At(JoinPath(base, key)) != nullptr) given.push_back(key);
    }
    std::vector<std::string_view> allowed = AllowedTargets(m.type);
    std::string expected = "one target for a " + std::string(TypeName(m.type)) +
                           " metric: " + JoinViews(allowed, " or ");
    if (given.empty()) {
      Fail(base, "no target", expected);
      return;
    }
    if (given.size() > 1) {
      Fail(JoinPath(base, given[1]),
           std::string(given[0]) + " and " + std::string(given[1]) + " together", expected);
      return;
    }
    if (std::find(allowed.begin(), allowed.end(), given[0]) == allowed.end()) {
      Fail(JoinPath(base, given[0]),
           std::string(given[0]) + " for a " + std::string(TypeName(m.type)) + " metric", expected);
    }
  }

  void CheckPolicy(const ContainerResourcePolicy& p) {
    const std::string base = JoinPath("vertical.containerPolicies", p.container_name);
    if (p.min_allowed && p.max_allowed) {
      CheckBound(base, "cpu", p.min_allowed->cpu_millis, p.max_allowed->cpu_millis);
      CheckBound(base, "memory", p.min_allowed->memory_bytes, p.max_allowed->memory_bytes);
    }
    const Setting* values = At(JoinPath(base, "controlledValues"));
    if (p.mode == ContainerScalingMode::kOff && values != nullptr &&
        p.controlled_values == ControlledValues::kRequestsAndLimits) {
      Fail(JoinPath(base, "controlledValues"), "controlledValues with mode Off",
           "no controlledValues when the container's mode is Off (as the VPA)");
    }
  }

  void CheckBound(const std::string& base, std::string_view resource, int64_t min, int64_t max) {
    std::string max_path = JoinPath(JoinPath(base, "maxAllowed"), resource);
    std::string min_path = JoinPath(JoinPath(base, "minAllowed"), resource);
    if (At(min_path) == nullptr || At(max_path) == nullptr || max >= min) return;
    Fail(max_path, "\"" + At(max_path)->value + "\"",
         "at least minAllowed." + std::string(resource) + " (" + At(min_path)->value + ", " +
             Where(min_path) + ")");
  }

  // The classic conflict: a resource both scales replicas out and resizes pods. Without
  // metrics, the horizontal scaler uses Kubernetes' default: cpu utilization 80%.
  void CheckConflicts(const HorizontalSpec& h, const VerticalSpec& v) {
    if (v.update_mode == "Off") return;
    bool implicit = h.metrics.empty();
    std::vector<MetricSpec> metrics = h.metrics;
    if (implicit) metrics.push_back(MetricSpec{.name = "cpu"});
    for (const MetricSpec& m : metrics) {
      if (!IsResourceType(m.type)) continue;
      const ContainerResourcePolicy* policy = ControllingPolicy(v, m);
      if (policy == nullptr && !v.container_policies.empty()) continue;
      std::string vertical =
          policy != nullptr
              ? "vertical.containerPolicies." + policy->container_name + " (" +
                    Where(JoinPath("vertical.containerPolicies", policy->container_name)) + ")"
              : "vertical (every container, " + Where("vertical.enabled") + ")";
      std::string horizontal =
          implicit ? "horizontally (Kubernetes' default metric)" : "horizontally";
      Fail(implicit ? "vertical.enabled" : JoinPath("horizontal.metrics", m.name),
           m.name + " driven both " + horizontal + " and by " + vertical + " with updateMode " +
               v.update_mode,
           "one autoscaler per resource: scale horizontally on another metric, set "
           "vertical.updateMode Off, or leave " +
               m.name + " out of controlledResources");
    }
  }

  // Returns the Auto policy that resizes the metric's resource for its container, or null.
  static const ContainerResourcePolicy* ControllingPolicy(const VerticalSpec& v,
                                                          const MetricSpec& m) {
    for (const ContainerResourcePolicy& p : v.container_policies) {
      if (p.mode == ContainerScalingMode::kOff) continue;
      bool controls = std::find(p.controlled_resources.begin(), p.controlled_resources.end(),
                                m.name) != p.controlled_resources.end();
      bool container_matches = p.container_name == "*" || m.type == MetricSourceType::kResource ||
                               p.container_name == m.container;
      if (controls && container_matches) return &p;
    }
    return nullptr;
  }

  void CheckQuota() {
    auto tier = config_.tiers.find(s_.tier);
    if (tier == config_.tiers.end()) return;
    const TierQuota& quota = tier->second.quota;
    std::string tier_text = "tier " + s_.tier + " (" + tier->second.location.ToString() + ")";
    if (s_.horizontal && quota.max_replicas && s_.horizontal->max_replicas > *quota.max_replicas) {
      Fail("horizontal.maxReplicas", "\"" + std::to_string(s_.horizontal->max_replicas) + "\"",
           "at most the quota.maxReplicas " + std::to_string(*quota.max_replicas) + " of " +
               tier_text);
    }
    if (!s_.vertical) return;
    for (const ContainerResourcePolicy& p : s_.vertical->container_policies) {
      if (!p.max_allowed) continue;
      std::string base =
          JoinPath(JoinPath("vertical.containerPolicies", p.container_name), "maxAllowed");
      if (quota.cpu_millis && p.max_allowed->cpu_millis > *quota.cpu_millis) {
        Fail(JoinPath(base, "cpu"), "\"" + At(JoinPath(base, "cpu"))->value + "\"",
             "at most the quota.cpu of " + tier_text);
      }
      if (quota.memory_bytes && p.max_allowed->memory_bytes > *quota.memory_bytes) {
        Fail(JoinPath(base, "memory"), "\"" + At(JoinPath(base, "memory"))->value + "\"",
             "at most the quota.memory of " + tier_text);
      }
    }
  }

  void CheckInterval() {
    if (s_.scaling_interval >= config_.global.tick_interval) return;
    Fail("scalingInterval", "\"" + FormatDuration(s_.scaling_interval) + "\"",
         "at least global.tickInterval (" + FormatDuration(config_.global.tick_interval) +
             "): the engine cannot evaluate a service more often than it ticks");
  }

  const ServiceConfig& s_;
  const EntryLocations& entries_;
  const Config& config_;
  DiagnosticList& d_;
  std::string workload_;
};

void CheckDuplicates(const Config& config, const std::map<std::string, Location>& declared_at,
                     DiagnosticList& diagnostics) {
  for (size_t i = 1; i < config.services.size(); ++i) {
    const ServiceConfig& a = config.services[i - 1];
    const ServiceConfig& b = config.services[i];
    if (a.id != b.id) continue;
    auto where = [&](const std::string& name) {
      auto it = declared_at.find(name);
      return it == declared_at.end() ? Location::BuiltIn() : it->second;
    };
    diagnostics.AddError(where(b.service), JoinPath("services", b.service),
                         "workload " + b.id.ToString() + " also scaled by service " + a.service +
                             " (" + where(a.service).ToString() + ")",
                         "one service per workload (set a different `workload` or `namespace`)",
                         b.id.ToString());
  }
}

void CheckTenantMinimums(const Config& config, DiagnosticList& diagnostics) {
  std::map<std::pair<std::string, std::string>, int64_t> minimums;  // (env, tenant) -> sum
  for (const ServiceConfig& s : config.services) {
    if (s.horizontal && s.id.tenant != kSharedTenant) {
      minimums[{s.id.environment, s.id.tenant}] += s.horizontal->min_replicas;
    }
  }
  for (const auto& [key, sum] : minimums) {
    const Tenant& tenant = config.tenants.at(key.second);
    auto tier = config.tiers.find(tenant.tier);
    if (tier == config.tiers.end() || !tier->second.quota.max_replicas) continue;
    int32_t quota = *tier->second.quota.max_replicas;
    if (sum <= quota) continue;
    std::string path = JoinPath(JoinPath("tenants", tenant.name), "tier");
    const Setting* tier_setting = FindPlatformSetting(config, path);
    Location location = tier_setting != nullptr ? tier_setting->origin : tenant.location;
    diagnostics.AddError(
        location, path,
        "services whose minReplicas add up to " + std::to_string(sum) + " in " + key.first,
        "at most the quota.maxReplicas " + std::to_string(quota) + " of tier " + tenant.tier +
            " (" + tier->second.location.ToString() + ")");
  }
}

}  // namespace

void ValidateService(const ServiceConfig& service, const EntryLocations& entries,
                     const Config& config, DiagnosticList& diagnostics) {
  ServiceChecker(service, entries, config, diagnostics).Run();
}

void ValidateServices(const Config& config, const std::map<std::string, Location>& declared_at,
                      DiagnosticList& diagnostics) {
  CheckDuplicates(config, declared_at, diagnostics);
  CheckTenantMinimums(config, diagnostics);
}

}  // namespace crescendo::config
