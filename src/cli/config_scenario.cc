#include "cli/config_scenario.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "cli/validate.h"
#include "crescendo/engine/strategies.h"
#include "crescendo/metrics/collector.h"
#include "crescendo/policy/registry.h"

namespace crescendo::cli {
namespace {

const std::set<std::string>& BuiltinSimMetrics() {
  static const auto* names =
      new std::set<std::string>{"cpu", "memory", "requests_per_second", "latency_ms"};
  return *names;
}

bool InEnvironment(const config::ServiceConfig& s, const std::string& environment) {
  return s.id.environment == environment && s.horizontal.has_value();
}

// Returns the template whose name `service` contains, else the `fallback`-th one in turn.
const sim::ServiceSpec& TemplateFor(const std::vector<sim::ServiceSpec>& templates,
                                    const std::string& service, size_t fallback) {
  for (const sim::ServiceSpec& t : templates) {
    if (service.find(t.id.name) != std::string::npos) return t;
  }
  return templates[fallback % templates.size()];
}

// The catalogue's metric names.
std::vector<std::string> CatalogueOf(const config::Config& config) {
  std::vector<std::string> names;
  for (const auto& [name, metric] : config.metrics) names.push_back(name);
  return names;
}

// Sets `out`'s configured policies: the chain (built as `config validate` checked it), the
// catalogue metrics they read, the tier, priority and labels they may test.
void AttachPolicies(const config::ServiceConfig& s, const std::vector<std::string>& catalogue,
                    WorkloadConfig& out) {
  out.tier = s.tier;
  out.priority = s.priority;
  out.labels = s.labels;
  if (s.policies.empty()) return;
  policy::BuildEnvironment env;
  env.metrics = catalogue;
  for (const policy::PolicySpec& spec : s.policies) {
    if (spec.kind == "budget") env.budgets.push_back(spec.name);
  }
  std::vector<policy::SpecError> errors;
  auto chain = std::make_shared<PolicyChain>(policy::BuildChain(s.policies, env, errors));
  // The loader validated these policies; a failure here is a bug, and the service keeps the
  // HPA bounds alone rather than half its policies.
  if (!errors.empty()) {
    spdlog::error("service {}: policies that validated failed to build: {} (expected {})",
                  s.id.ToString(), errors[0].found, errors[0].expected);
    return;
  }
  out.policies = std::move(chain);
  out.policy_metrics = policy::MetricsNamed(s.policies, catalogue);
}

}  // namespace

std::string SimQueryFor(const std::string& metric) {
  if (metric.find("latency") != std::string::npos) return "latency_ms";
  if (metric == "api_request_rate" || metric.find("requests_per") != std::string::npos) {
    return "requests_per_second";
  }
  return metric;
}

StatusOr<sim::ScenarioSpec> ScenarioFromConfig(const config::Config& config,
                                               const std::string& environment, uint64_t seed,
                                               Timestamp start) {
  sim::ScenarioSpec base = sim::MusicStreamingScenario(seed, start);
  sim::ScenarioSpec spec;
  spec.seed = seed;
  spec.start = start;
  size_t fallback = 0;
  const std::vector<std::string> catalogue = CatalogueOf(config);
  for (const config::ServiceConfig& s : config.services) {
    if (!InEnvironment(s, environment)) continue;
    if (s.horizontal->max_replicas > kMaxReplicas) {
      return InvalidArgumentError("service " + s.id.ToString() + ": maxReplicas " +
                                  std::to_string(s.horizontal->max_replicas) +
                                  ", expected at most " + std::to_string(kMaxReplicas) +
                                  " on the simulator (docs/cli.md, Limits)");
    }
    sim::ServiceSpec out = TemplateFor(base.services, s.service, fallback++);
    out.id = s.id;
    out.horizontal = *s.horizontal;
    out.vertical = s.vertical;
    // A simulated pod has one container: the first one the VPA's policies size by name.
    if (s.vertical) {
      for (const ContainerResourcePolicy& policy : s.vertical->container_policies) {
        if (policy.container_name != "*" && policy.mode == ContainerScalingMode::kAuto) {
          out.pod.container_name = policy.container_name;
          break;
        }
      }
    }
    out.initial_replicas =
        std::clamp(out.initial_replicas, s.horizontal->min_replicas, s.horizontal->max_replicas);
    out.business_metrics.clear();
    // The metrics the HPA and the policies read that the simulator does not model itself.
    std::set<std::string> business;
    for (const MetricSpec& m : out.horizontal.metrics) {
      if (m.type == MetricSourceType::kResource || m.type == MetricSourceType::kContainerResource) {
        continue;
      }
      business.insert(m.name);
    }
    for (const std::string& m : policy::MetricsNamed(s.policies, catalogue)) {
      business.insert(m);
    }
    for (const std::string& m : business) {
      if (BuiltinSimMetrics().count(SimQueryFor(m)) > 0) continue;
      bool queue = m.find("queue") != std::string::npos;
      out.business_metrics.push_back({m,
                                      queue ? sim::BusinessMetricSpec::Kind::kBacklog
                                            : sim::BusinessMetricSpec::Kind::kPerRequest,
                                      1.0});
    }
    spec.services.push_back(std::move(out));
  }
  if (spec.services.empty()) {
    return NotFoundError("configuration has no horizontally scaled service in environment \"" +
                         environment + "\"");
  }
  return spec;
}

std::vector<WorkloadConfig> WorkloadsOf(const config::Config& config,
                                        const std::string& environment) {
  std::vector<WorkloadConfig> out;
  const std::vector<std::string> catalogue = CatalogueOf(config);
  for (const config::ServiceConfig& s : config.services) {
    if (!InEnvironment(s, environment)) continue;
    const std::string mode(config::AutoscalingModeName(s.mode));
    // The configuration's modes are the engine's: the lookup cannot fail.
    const ModeStrategies plan = StrategiesForMode(mode).value();
    out.push_back(WorkloadFor(s.id, *s.horizontal, s.vertical, plan, mode));
    AttachPolicies(s, catalogue, out.back());
  }
  return out;
}

std::vector<BudgetOfService> BudgetsOf(const config::Config& config,
                                       const std::string& environment) {
  std::vector<BudgetOfService> out;
  for (const config::ServiceConfig& s : config.services) {
    if (!InEnvironment(s, environment)) continue;
    for (const policy::PolicySpec& spec : s.policies) {
      if (spec.kind != "budget") continue;
      BudgetOfService b{s.id, spec.name, policy::TraceStep(spec.name, spec.location)};
      auto scalar = [&spec](std::string_view key) -> std::string {
        const policy::SpecNode* n = spec.params.Find(key);
        return n != nullptr ? n->scalar : "";
      };
      b.amount = std::strtod(scalar("amount").c_str(), nullptr);
      b.currency = scalar("currency");
      b.period = scalar("period");
      out.push_back(std::move(b));
    }
  }
  return out;
}

std::optional<TenantArbiterOptions> TenancyOf(const config::Config& config,
                                              const std::string& environment,
                                              const sim::ScenarioSpec& scenario,
                                              std::string* note) {
  auto env = config.environments.find(environment);
  if (env == config.environments.end() || !env->second.capacity) {
    if (note != nullptr) {
      *note = "environment \"" + environment +
              "\" has no capacity: no tenant arbitration (every proposal passes)";
    }
    return std::nullopt;
  }
  TenantArbiterOptions options;
  // One isolation per environment: the value its services carry (TENANT_ISOLATION sets it for
  // all of them); where services differ, the strictest wins.
  std::optional<config::TenantIsolation> isolation;
  std::map<WorkloadId, WorkloadShape> shapes;
  for (const config::ServiceConfig& s : config.services) {
    if (!InEnvironment(s, environment)) continue;
    if (!isolation || s.tenant_isolation < *isolation) isolation = s.tenant_isolation;
    shapes[s.id].priority = s.priority;
  }
  switch (isolation.value_or(config::TenantIsolation::kSoft)) {
    case config::TenantIsolation::kStrict:
      options.isolation = tenancy::Isolation::kStrict;
      break;
    case config::TenantIsolation::kSoft:
      options.isolation = tenancy::Isolation::kSoft;
      break;
    case config::TenantIsolation::kNone:
      options.isolation = tenancy::Isolation::kNone;
      break;
  }
  auto policy_of = [&](const std::string& tier_name, double weight, const Resources& guarantee,
                       const std::optional<config::TierQuota>& own_quota) {
    TenantPolicy p;
    p.tier = tier_name;
    p.weight = weight;
    p.guarantee = guarantee;
    auto tier = config.tiers.find(tier_name);
    std::optional<config::TierQuota> quota = own_quota;
    if (tier != config.tiers.end()) {
      p.tier_priority = tier->second.priority;
      if (!quota) quota = tier->second.quota;
    }
    if (quota) {
      p.quota.cpu_millis = quota->cpu_millis;
      p.quota.memory_bytes = quota->memory_bytes;
      p.quota.max_replicas = quota->max_replicas;
    }
    return p;
  };
  for (const auto& [name, tenant] : config.tenants) {
    options.tenants[name] = policy_of(tenant.tier, tenant.weight, tenant.guarantee, tenant.quota);
  }
  options.default_policy = policy_of(config.global.default_tier, 1.0, Resources{}, std::nullopt);
  for (const sim::ServiceSpec& s : scenario.services) {
    auto it = shapes.find(s.id);
    if (it != shapes.end()) it->second.per_replica = s.pod.requests;
  }
  const Resources capacity = *env->second.capacity;
  options.capacity = [capacity] { return capacity; };
  options.shape = [shapes =
                       std::move(shapes)](const WorkloadId& id) -> std::optional<WorkloadShape> {
    auto it = shapes.find(id);
    if (it == shapes.end()) return std::nullopt;
    return it->second;
  };
  if (note != nullptr) {
    *note = "tenant arbitration (" +
            std::string(
                config::TenantIsolationName(isolation.value_or(config::TenantIsolation::kSoft))) +
            ") over environment \"" + environment + "\"'s capacity";
  }
  return options;
}

std::vector<metrics::MetricBinding> SimBindings(const config::Config* config,
                                                const std::vector<WorkloadConfig>& workloads) {
  std::vector<metrics::MetricBinding> out = BindAllTo(workloads, "sim");
  for (metrics::MetricBinding& b : out) {
    b.query = SimQueryFor(b.metric);
    if (config == nullptr) continue;
    auto it = config->metrics.find(b.metric);
    if (it != config->metrics.end()) b.window = it->second.window;
  }
  return out;
}

}  // namespace crescendo::cli
