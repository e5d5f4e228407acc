#include "cli/environment.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "cli/validate.h"
#include "crescendo/engine/strategies.h"

namespace crescendo::cli {
namespace {

Status Bad(std::string_view variable, std::string_view value, std::string_view expected) {
  return InvalidArgumentError(fmt::format("environment variable {}: found {}, expected {}",
                                          variable, Quote(value), expected));
}

StatusOr<int32_t> Replicas(std::string_view variable, const std::string& value, int32_t min) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || ptr != value.data() + value.size() || v < min || v > kMaxReplicas) {
    return Bad(variable, value, fmt::format("an integer from {} to {}", min, kMaxReplicas));
  }
  return static_cast<int32_t>(v);
}

StatusOr<bool> Switch(std::string_view variable, const std::string& value) {
  if (value == "enabled" || value == "true") return true;
  if (value == "disabled" || value == "false") return false;
  return Bad(variable, value, "enabled, disabled, true or false");
}

std::string OnOff(bool on) { return on ? "enabled" : "disabled"; }

}  // namespace

bool EnvironmentOverrides::empty() const {
  return !mode && !interval && !min_replicas && !max_replicas && !tenant_isolation &&
         !cost_optimization;
}

StatusOr<EnvironmentOverrides> ReadEnvironmentOverrides(
    const config::EnvironmentVariables& environment) {
  EnvironmentOverrides o;
  auto get = [&](const char* name) -> const std::string* {
    auto it = environment.find(name);
    return it == environment.end() || it->second.empty() ? nullptr : &it->second;
  };
  if (const std::string* v = get("AUTOSCALING_MODE")) {
    const std::vector<std::string> modes = ModeNames();
    if (std::find(modes.begin(), modes.end(), *v) == modes.end()) {
      return Bad("AUTOSCALING_MODE", *v, fmt::format("one of {}", fmt::join(modes, ", ")));
    }
    o.mode = *v;
  }
  if (const std::string* v = get("SCALING_INTERVAL")) {
    StatusOr<Duration> d = ParseDuration(*v);
    if (!d.ok() || *d < kMinInterval || *d > std::chrono::hours(1)) {
      return Bad("SCALING_INTERVAL", *v, "a Go duration from 1s to 1h such as \"30s\"");
    }
    o.interval = *d;
  }
  if (const std::string* v = get("MIN_REPLICAS")) {
    CRESCENDO_ASSIGN_OR_RETURN(o.min_replicas, Replicas("MIN_REPLICAS", *v, 0));
  }
  if (const std::string* v = get("MAX_REPLICAS")) {
    CRESCENDO_ASSIGN_OR_RETURN(o.max_replicas, Replicas("MAX_REPLICAS", *v, 1));
  }
  if (o.min_replicas && o.max_replicas && *o.min_replicas > *o.max_replicas) {
    return InvalidArgumentError(
        fmt::format("environment variable MIN_REPLICAS: {} is above MAX_REPLICAS ({})",
                    *o.min_replicas, *o.max_replicas));
  }
  if (const std::string* v = get("TENANT_ISOLATION")) {
    o.tenant_isolation = config::ParseTenantIsolation(*v);
    if (!o.tenant_isolation) {
      return Bad("TENANT_ISOLATION", *v,
                 "strict, soft or none (enabled and true mean soft, disabled and false none)");
    }
  }
  if (const std::string* v = get("COST_OPTIMIZATION")) {
    CRESCENDO_ASSIGN_OR_RETURN(o.cost_optimization, Switch("COST_OPTIMIZATION", *v));
  }
  return o;
}

Status ApplyReplicaOverrides(const EnvironmentOverrides& o, const std::string& service,
                             HorizontalSpec& spec) {
  if (o.min_replicas) spec.min_replicas = *o.min_replicas;
  if (o.max_replicas) spec.max_replicas = *o.max_replicas;
  if (spec.min_replicas > spec.max_replicas) {
    return InvalidArgumentError(fmt::format(
        "service {}: minReplicas {} is above maxReplicas {} after the environment variable{} "
        "{}: set both MIN_REPLICAS and MAX_REPLICAS",
        service, spec.min_replicas, spec.max_replicas, o.min_replicas && o.max_replicas ? "s" : "",
        o.min_replicas ? "MIN_REPLICAS" : "MAX_REPLICAS"));
  }
  return Status::Ok();
}

std::vector<std::string> DescribeOverrides(const EnvironmentOverrides& o) {
  std::vector<std::string> out;
  if (o.mode) out.push_back("AUTOSCALING_MODE=" + *o.mode + ": the strategy of every service");
  if (o.interval) {
    out.push_back("SCALING_INTERVAL=" + FormatDuration(*o.interval) + ": the scaling interval");
  }
  if (o.min_replicas) {
    out.push_back(fmt::format("MIN_REPLICAS={}: minReplicas of every service", *o.min_replicas));
  }
  if (o.max_replicas) {
    out.push_back(fmt::format("MAX_REPLICAS={}: maxReplicas of every service", *o.max_replicas));
  }
  if (o.tenant_isolation) {
    out.push_back(
        "TENANT_ISOLATION=" + std::string(config::TenantIsolationName(*o.tenant_isolation)) +
        ": valid; no effect without --config or a scenario with tenancy: (tenant "
        "arbitration needs tenants and a capacity)");
  }
  if (o.cost_optimization) {
    out.push_back("COST_OPTIMIZATION=" + OnOff(*o.cost_optimization) +
                  ": valid; no effect on the simulator yet (no cost optimizer in the loop)");
  }
  return out;
}

}  // namespace crescendo::cli
