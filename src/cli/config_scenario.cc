#include "cli/config_scenario.h"

#include <algorithm>
#include <set>

#include "crescendo/engine/strategies.h"

namespace crescendo::cli {
namespace {

const std::set<std::string>& BuiltinSimMetrics() {
  static const auto* names =
      new std::set<std::string>{"cpu", "memory", "requests_per_second", "latency_ms"};
  return *names;
}

// Returns `spec` with each metric bound to the simulator's own metric of that meaning: a
// latency metric reads the simulated mean latency ("latency_ms"), a request-rate metric the
// simulated "requests_per_second". This is the simulator's metric binding, as a Prometheus
// binding maps the same catalogue names to PromQL.
HorizontalSpec BindToSimulator(HorizontalSpec spec) {
  for (MetricSpec& m : spec.metrics) {
    if (m.type == MetricSourceType::kResource || m.type == MetricSourceType::kContainerResource) {
      continue;
    }
    if (m.name.find("latency") != std::string::npos) {
      m.name = "latency_ms";
    } else if (m.name == "api_request_rate" || m.name.find("requests_per") != std::string::npos) {
      m.name = "requests_per_second";
    }
  }
  return spec;
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

std::string StrategyForMode(config::AutoscalingMode mode) {
  if (mode == config::AutoscalingMode::kPredictive ||
      mode == config::AutoscalingMode::kIntelligent) {
    std::vector<std::string> known = HorizontalStrategyNames();
    if (std::find(known.begin(), known.end(), "predictive") != known.end()) return "predictive";
  }
  return "kubernetes";
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
    sim::ServiceSpec out = TemplateFor(base.services, s.service, fallback++);
    out.id = s.id;
    out.horizontal = BindToSimulator(*s.horizontal);
    out.initial_replicas =
        std::clamp(out.initial_replicas, s.horizontal->min_replicas, s.horizontal->max_replicas);
    out.business_metrics.clear();
    for (const MetricSpec& m : out.horizontal.metrics) {
      if (m.type == MetricSourceType::kResource || m.type == MetricSourceType::kContainerResource ||
          BuiltinSimMetrics().count(m.name) > 0) {
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

std::vector<WorkloadConfig> WorkloadsForStrategy(const config::Config& config,
                                                 const std::string& environment,
                                                 const std::string& strategy, bool apply) {
  std::vector<WorkloadConfig> out;
  for (const config::ServiceConfig& s : config.services) {
    if (!InEnvironment(s, environment)) continue;
    bool service_applies = s.mode != config::AutoscalingMode::kRecommend;
    if (StrategyForMode(s.mode) == strategy && service_applies == apply) {
      out.push_back({s.id, BindToSimulator(*s.horizontal)});
    }
  }
  return out;
}

}  // namespace crescendo::cli
