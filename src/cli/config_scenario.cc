#include "cli/config_scenario.h"

#include <algorithm>
#include <set>

#include "cli/validate.h"
#include "crescendo/engine/strategies.h"
#include "crescendo/metrics/collector.h"

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
    for (const MetricSpec& m : out.horizontal.metrics) {
      if (m.type == MetricSourceType::kResource || m.type == MetricSourceType::kContainerResource ||
          BuiltinSimMetrics().count(SimQueryFor(m.name)) > 0) {
        continue;
      }
      bool queue = m.name.find("queue") != std::string::npos;
      out.business_metrics.push_back({m.name,
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
  for (const config::ServiceConfig& s : config.services) {
    if (!InEnvironment(s, environment)) continue;
    const std::string mode(config::AutoscalingModeName(s.mode));
    // The configuration's modes are the engine's: the lookup cannot fail.
    const ModeStrategies plan = StrategiesForMode(mode).value();
    out.push_back(WorkloadFor(s.id, *s.horizontal, s.vertical, plan, mode));
  }
  return out;
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
