// `crescendo policy eval --config DIR --input FILE.json`: evaluates the policies of one service at
// one moment, for testing and for "why did it do that" (docs/policies.md).
//
// FILE holds service, environment, optional tenant, time (RFC 3339), proposal {replicas, cpu?,
// memory?}, current {replicas, cpu?, memory?}, metrics and optional forecast (name -> value),
// optional spent (a number for every budget, or budget name -> number) and optional history
// ([{time, replicas}], for rate-limit windows). The output is JSON: the final replicas (and size)
// and the trace, one {policy, source, before, after, reason} per change.
#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "crescendo/base/quantity.h"
#include "crescendo/config/config_files.h"
#include "crescendo/config/loader.h"
#include "crescendo/format/file.h"
#include "crescendo/policy/registry.h"

namespace crescendo::cli {
namespace {

using nlohmann::json;

struct EvalFlags {
  std::vector<std::string> config;
  std::string input;
  bool ignore_env = false;
};

struct Size {
  std::optional<int64_t> cpu_millis;
  std::optional<int64_t> memory_bytes;
};

struct EvalInput {
  std::string service, environment, tenant;
  Timestamp time;
  int32_t proposal_replicas = 0;
  Size proposal_size;
  int32_t current_replicas = 0;
  Size current_size;
  std::vector<std::pair<std::string, double>> metrics, forecast;
  std::optional<double> spent_all;
  std::vector<std::pair<std::string, double>> spent;
  std::vector<ReplicaRecord> history;
};

// Reads the input file's fields; every error names the file and the field.
class InputReader {
 public:
  explicit InputReader(std::string file) : file_(std::move(file)) {}

  Status Error(const std::string& field, const json& found, const std::string& expected) const {
    std::string shown = found.is_null() ? "nothing" : found.dump();
    if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
    return InvalidArgumentError(file_ + ": " + field + ": found " + shown + ", expected " +
                                expected);
  }

  StatusOr<std::string> String(const json& obj, const std::string& key, bool required) const {
    if (!obj.contains(key)) {
      if (required) return Error(key, nullptr, "a string");
      return std::string();
    }
    if (!obj[key].is_string() || obj[key].get<std::string>().empty()) {
      return Error(key, obj[key], "a non-empty string");
    }
    return obj[key].get<std::string>();
  }

  StatusOr<int32_t> Replicas(const json& obj, const std::string& path) const {
    if (!obj.is_object() || !obj.contains("replicas")) {
      return Error(path + ".replicas", nullptr, "an integer >= 0");
    }
    const json& v = obj["replicas"];
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 1000000) {
      return Error(path + ".replicas", v, "an integer in 0..1000000");
    }
    return static_cast<int32_t>(v.get<int64_t>());
  }

  // cpu and memory: a Kubernetes quantity ("500m", "2Gi") or a number (cores, bytes).
  StatusOr<Size> ReadSize(const json& obj, const std::string& path) const {
    Size size;
    for (const char* key : {"cpu", "memory"}) {
      if (!obj.contains(key)) continue;
      const json& v = obj[key];
      std::string field = path + "." + key;
      StatusOr<Quantity> q = v.is_string()   ? Quantity::Parse(v.get<std::string>())
                             : v.is_number() ? Quantity::Parse(v.dump())
                                             : StatusOr<Quantity>(InvalidArgumentError(""));
      if (!q.ok() || q->MilliValue() <= 0) {
        return Error(field, v, "a positive Kubernetes quantity, e.g. \"500m\" or \"2Gi\"");
      }
      if (std::string(key) == "cpu") {
        size.cpu_millis = q->MilliValue();
      } else {
        size.memory_bytes = q->Value();
      }
    }
    return size;
  }

  StatusOr<std::vector<std::pair<std::string, double>>> Values(const json& obj,
                                                               const std::string& key) const {
    std::vector<std::pair<std::string, double>> out;
    if (!obj.contains(key)) return out;
    if (!obj[key].is_object()) return Error(key, obj[key], "an object of name -> number");
    for (const auto& [name, v] : obj[key].items()) {
      if (!v.is_number()) return Error(key + "." + name, v, "a number");
      out.emplace_back(name, v.get<double>());
    }
    return out;
  }

  StatusOr<std::vector<ReplicaRecord>> History(const json& obj) const {
    std::vector<ReplicaRecord> out;
    if (!obj.contains("history")) return out;
    if (!obj["history"].is_array()) return Error("history", obj["history"], "a list");
    for (size_t i = 0; i < obj["history"].size(); ++i) {
      const json& item = obj["history"][i];
      std::string field = "history[" + std::to_string(i) + "]";
      if (!item.is_object() || !item.contains("time") || !item["time"].is_string()) {
        return Error(field + ".time",
                     item.is_object() && item.contains("time") ? item["time"] : json(),
                     "an RFC 3339 time");
      }
      StatusOr<Timestamp> t = ParseRfc3339(item["time"].get<std::string>());
      if (!t.ok()) return Error(field + ".time", item["time"], "an RFC 3339 time");
      CRESCENDO_ASSIGN_OR_RETURN(int32_t replicas, Replicas(item, field));
      if (!out.empty() && *t < out.back().time) {
        return Error(field + ".time", item["time"], "times in increasing order");
      }
      out.push_back({*t, replicas});
    }
    return out;
  }

  StatusOr<EvalInput> Read(const std::string& text) const {
    json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return InvalidArgumentError(file_ + ": not valid JSON");
    if (!doc.is_object()) return Error("(top level)", doc, "an object");
    static const char* kKeys[] = {"service", "environment", "tenant",   "time",  "proposal",
                                  "current", "metrics",     "forecast", "spent", "history"};
    for (const auto& [key, v] : doc.items()) {
      if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
        return Error(key, v,
                     "no such field (fields: service, environment, tenant, time, "
                     "proposal, current, metrics, forecast, spent, history)");
      }
    }
    EvalInput in;
    CRESCENDO_ASSIGN_OR_RETURN(in.service, String(doc, "service", true));
    CRESCENDO_ASSIGN_OR_RETURN(in.environment, String(doc, "environment", true));
    CRESCENDO_ASSIGN_OR_RETURN(in.tenant, String(doc, "tenant", false));
    CRESCENDO_ASSIGN_OR_RETURN(std::string time, String(doc, "time", true));
    StatusOr<Timestamp> t = ParseRfc3339(time);
    if (!t.ok()) return Error("time", doc["time"], "an RFC 3339 time, e.g. 2026-03-27T18:00:00Z");
    in.time = *t;
    json proposal = doc.contains("proposal") ? doc["proposal"] : json();
    CRESCENDO_ASSIGN_OR_RETURN(in.proposal_replicas, Replicas(proposal, "proposal"));
    CRESCENDO_ASSIGN_OR_RETURN(in.proposal_size, ReadSize(proposal, "proposal"));
    json current = doc.contains("current") ? doc["current"] : json();
    CRESCENDO_ASSIGN_OR_RETURN(in.current_replicas, Replicas(current, "current"));
    CRESCENDO_ASSIGN_OR_RETURN(in.current_size, ReadSize(current, "current"));
    CRESCENDO_ASSIGN_OR_RETURN(in.metrics, Values(doc, "metrics"));
    CRESCENDO_ASSIGN_OR_RETURN(in.forecast, Values(doc, "forecast"));
    if (doc.contains("spent") && doc["spent"].is_number()) {
      in.spent_all = doc["spent"].get<double>();
    } else {
      CRESCENDO_ASSIGN_OR_RETURN(in.spent, Values(doc, "spent"));
    }
    CRESCENDO_ASSIGN_OR_RETURN(in.history, History(doc));
    return in;
  }

 private:
  std::string file_;
};

StatusOr<const config::ServiceConfig*> FindService(const config::Config& c, const EvalInput& in,
                                                   const std::string& file) {
  std::vector<const config::ServiceConfig*> found = c.Select(in.service, in.environment, in.tenant);
  if (found.empty()) {
    return InvalidArgumentError(
        file + ": no service \"" + in.service + "\" in environment \"" + in.environment + "\"" +
        (in.tenant.empty() ? "" : " for tenant \"" + in.tenant + "\"") + " in the configuration");
  }
  if (found.size() > 1) {
    std::string tenants;
    for (const auto* s : found) tenants += (tenants.empty() ? "" : ", ") + s->id.tenant;
    return InvalidArgumentError(file + ": service \"" + in.service +
                                "\" runs for several tenants (" + tenants +
                                "); add \"tenant\" to the input");
  }
  return found[0];
}

std::optional<Resources> ToResources(const Size& size) {
  if (!size.cpu_millis && !size.memory_bytes) return std::nullopt;
  return Resources{size.cpu_millis.value_or(0), size.memory_bytes.value_or(0)};
}

// Splits a trace step into the policy and where it is configured.
json TraceJson(const TraceEntry& e, const config::ServiceConfig& service) {
  std::string policy = e.step, source;
  if (size_t at = e.step.find('@'); at != std::string::npos) {
    policy = e.step.substr(0, at);
    source = e.step.substr(at + 1);
  } else if (e.step == "bounds") {
    const char* key =
        e.reason.rfind("TooMany", 0) == 0 ? "horizontal.maxReplicas" : "horizontal.minReplicas";
    const config::Setting* s = service.FindSetting(key);
    source = s != nullptr ? s->origin.ToString() : "built-in default";
  }
  return {{"policy", policy},
          {"source", source},
          {"before", static_cast<int64_t>(e.before)},
          {"after", static_cast<int64_t>(e.after)},
          {"reason", e.reason}};
}

StatusOr<json> Evaluate(const EvalFlags& flags) {
  config::LoadOptions options;
  if (!flags.ignore_env) options.environment = config::CaptureOverrideVariables();
  config::LocalConfigFiles files;
  config::LoadResult loaded = config::LoadConfigFiles(flags.config, options, files);
  if (!loaded.ok()) return InvalidArgumentError(loaded.Report() + "configuration invalid");
  CRESCENDO_ASSIGN_OR_RETURN(std::string text, format::ReadFile(flags.input));
  CRESCENDO_ASSIGN_OR_RETURN(EvalInput in, InputReader(flags.input).Read(text));
  CRESCENDO_ASSIGN_OR_RETURN(const config::ServiceConfig* service,
                             FindService(*loaded.config, in, flags.input));

  policy::BuildEnvironment env;
  for (const auto& [name, metric] : loaded.config->metrics) env.metrics.push_back(name);
  for (const policy::PolicySpec& spec : service->policies) {
    if (spec.kind == "budget") env.budgets.push_back(spec.name);
  }
  std::vector<policy::SpecError> errors;
  PolicyChain chain = policy::BuildChain(service->policies, env, errors);
  if (!errors.empty()) {
    return InternalError("policies that validated failed to build: " + errors[0].found);
  }

  HorizontalSpec spec;
  if (service->horizontal) {
    spec = *service->horizontal;
  } else {
    spec.min_replicas = 0;
    spec.max_replicas = 1000000;
  }
  std::vector<NamedValue> metrics, forecast, spent;
  for (const auto& [name, v] : in.metrics) metrics.push_back({name, v});
  for (const auto& [name, v] : in.forecast) forecast.push_back({name, v});
  for (const auto& [name, v] : in.spent) spent.push_back({name, v});
  if (in.spent_all) {
    for (const std::string& budget : env.budgets) spent.push_back({budget, *in.spent_all});
  }
  PolicyContext ctx;
  ctx.workload = &service->id;
  ctx.spec = &spec;
  ctx.now = in.time;
  ctx.metrics = metrics;
  ctx.forecast = forecast;
  ctx.tier = service->tier;
  ctx.priority = service->priority;
  ctx.labels = &service->labels;
  ctx.current_requests = ToResources(in.current_size);
  ctx.spent = spent;
  ctx.history = in.history;

  Proposal proposal;
  proposal.current_replicas = in.current_replicas;
  proposal.desired_replicas = in.proposal_replicas;
  proposal.pod_requests = ToResources(in.proposal_size);
  Proposal out = chain.Apply(std::move(proposal), ctx);

  json result = {{"service", service->service},
                 {"workload", service->id.ToString()},
                 {"time", FormatRfc3339(in.time)},
                 {"replicas", out.desired_replicas}};
  if (out.pod_requests) {
    result["cpu"] = Quantity::FromMilli(out.pod_requests->cpu_millis).ToString();
    result["memory"] =
        Quantity::FromInt(out.pod_requests->memory_bytes, Quantity::Format::kBinarySI).ToString();
  }
  json trace = json::array();
  for (const TraceEntry& e : out.trace) trace.push_back(TraceJson(e, *service));
  result["trace"] = std::move(trace);
  return result;
}

}  // namespace

void RegisterPolicyCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* policy = app.add_subcommand("policy", "scaling policies (docs/policies.md)");
  policy->require_subcommand(1);
  auto flags = std::make_shared<EvalFlags>();
  CLI::App* eval = policy->add_subcommand(
      "eval", "evaluate the policies of one service at one moment; print replicas and trace");
  eval->add_option("--config", flags->config, "configuration files or directories")
      ->required()
      ->check(CLI::ExistingPath);
  eval->add_option("--input", flags->input, "the moment to evaluate (JSON, docs/policies.md)")
      ->required()
      ->check(CLI::ExistingFile);
  eval->add_flag("--ignore-env", flags->ignore_env,
                 "ignore the override environment variables (AUTOSCALING_MODE, ...)");
  eval->callback([flags, &ctx] {
    StatusOr<json> result = Evaluate(*flags);
    if (!result.ok()) {
      ctx.err << "crescendo policy eval: " << result.status().message() << "\n";
      ctx.exit_code = result.status().code() == StatusCode::kInternal ? 1 : 2;
      return;
    }
    ctx.out << result->dump(2) << "\n";
  });
}

}  // namespace crescendo::cli
