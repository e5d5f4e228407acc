#include "cli/config_sources.h"

#include <set>
#include <utility>

#include "crescendo/model/ids.h"

namespace crescendo::cli {
namespace {

// Where one metric is read, and who first asked for it that way (for messages).
struct Reading {
  std::string source;  // a `metricSources:` key, or config::kClusterMetricSource
  std::string query;
  Duration window{};
  std::string who;
};

std::string Located(const config::Location& at, const std::string& what) {
  return at.line > 0 ? at.ToString() + ": " + what : what;
}

// Returns the settings the registry's factories read: the entry's options and its url.
metrics::SourceSettings SettingsOf(const config::MetricSourceConfig& s) {
  metrics::SourceSettings settings(s.options.begin(), s.options.end());
  if (!s.url.empty()) settings["url"] = s.url;
  return settings;
}

}  // namespace

StatusOr<ConfiguredMetrics> ConfiguredMetricsFor(const config::Config& config,
                                                 const std::string& environment,
                                                 const std::vector<WorkloadConfig>& workloads,
                                                 const std::string& cluster_source,
                                                 const metrics::SourceContext& context) {
  // Every metric the workloads need, read as the catalogue says by default.
  std::map<std::string, Reading> readings;
  for (const metrics::MetricBinding& b : BindAllTo(workloads, cluster_source)) {
    Reading r{std::string(config::kClusterMetricSource), "", std::chrono::minutes(1),
              "the catalogue"};
    if (auto def = config.metrics.find(b.metric); def != config.metrics.end()) {
      if (!def->second.source.empty()) r.source = def->second.source;
      r.query = def->second.query;
      r.window = def->second.window;
    }
    readings.emplace(b.metric, std::move(r));
  }
  // What the services say (a service may name its own source and query for a metric).
  std::set<WorkloadId> managed;
  for (const WorkloadConfig& w : workloads) managed.insert(w.id);
  std::map<std::string, bool> overridden;  // metric -> a service already set its reading
  for (const config::ServiceConfig& s : config.services) {
    if (s.id.environment != environment || !managed.contains(s.id) || !s.horizontal) continue;
    for (size_t i = 0; i < s.metric_bindings.size() && i < s.horizontal->metrics.size(); ++i) {
      const config::MetricBinding& b = s.metric_bindings[i];
      auto it = readings.find(b.metric);
      if (it == readings.end()) continue;
      const std::string who = "service \"" + s.service + "\" (" + s.id.ToString() + ")";
      Reading mine{b.source.empty() ? std::string(config::kClusterMetricSource) : b.source, b.query,
                   b.window, who};
      if (!overridden[b.metric]) {
        overridden[b.metric] = true;
        it->second = std::move(mine);
        continue;
      }
      if (mine.source != it->second.source || mine.query != it->second.query ||
          mine.window != it->second.window) {
        return InvalidArgumentError(
            who + " reads metric \"" + b.metric + "\" from source \"" + mine.source +
            "\" with query \"" + mine.query + "\", but " + it->second.who + " reads it from \"" +
            it->second.source + "\" with query \"" + it->second.query +
            "\"; the engine reads one query per metric name (templates such as {{workload}} "
            "and {{tenant}} vary it per workload): give the catalogue one metric per reading");
      }
    }
  }

  ConfiguredMetrics out;
  metrics::MetricSourceRegistry registry;
  metrics::RegisterBuiltinSources(registry);
  std::set<std::string> built;
  for (const auto& [metric, r] : readings) {
    if (r.source == config::kClusterMetricSource) {
      out.bindings.push_back({metric, cluster_source, metric, r.window, 1.0});
      continue;
    }
    auto source = config.metric_sources.find(r.source);
    if (source == config.metric_sources.end()) {
      return InvalidArgumentError(r.who + " reads metric \"" + metric + "\" from source \"" +
                                  r.source + "\", which `metricSources:` does not define");
    }
    const config::MetricSourceConfig& s = source->second;
    if (!built.contains(s.name)) {
      if (s.type == "simulator" || s.type == "trace") {
        return InvalidArgumentError(Located(
            s.location, "metric source \"" + s.name + "\" has type \"" + s.type +
                            "\", which exists only in simulation; on a cluster metric \"" + metric +
                            "\" needs a prometheus, influxdb or cloudwatch source"));
      }
      StatusOr<std::shared_ptr<MetricSource>> made =
          registry.CreateNamed(s.name, s.type, SettingsOf(s), context);
      if (!made.ok()) {
        return InvalidArgumentError(
            Located(s.location, "metric source \"" + s.name + "\": " + made.status().message()));
      }
      out.sources.push_back(*std::move(made));
      metrics::SourcePolicy policy;
      policy.deadline = s.timeout;
      out.policies[s.name] = policy;
      built.insert(s.name);
    }
    out.bindings.push_back({metric, s.name, r.query, r.window, 1.0});
  }
  return out;
}

}  // namespace crescendo::cli
