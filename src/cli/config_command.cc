// `crescendo config`: validate, show the effective settings of a service, import Kubernetes
// autoscaler manifests. The work is done by the config layer; this file parses flags, reads the
// process environment once (the override variables) and prints.
//
//   crescendo config validate PATH... [--strict] [--ignore-env] [--format text|json]
//   crescendo config show --config PATH... --effective SERVICE --env ENV [--tenant T]
//                         [--ignore-env] [--format text|json]
//   crescendo config import-k8s MANIFEST... [--output FILE]
//
// Exit codes (cli/validate.h): 0 valid / done; 1 the configuration (or a manifest) has errors,
// defines no service, or nothing matches; 2 bad usage or an unreadable input.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/validate.h"
#include "crescendo/config/config_files.h"
#include "crescendo/config/kubernetes_import.h"
#include "crescendo/config/loader.h"
#include "crescendo/config/render.h"

namespace crescendo::cli {

namespace {

using config::Diagnostic;
using config::LoadResult;
using config::Severity;

struct ValidateFlags {
  std::vector<std::string> paths;
  bool strict = false;
  bool ignore_env = false;
  std::string format = "text";
};

struct ShowFlags {
  std::vector<std::string> paths;
  std::string service;
  std::string environment;
  std::string tenant;
  bool ignore_env = false;
  std::string format = "text";
};

struct ImportFlags {
  std::vector<std::string> paths;
  std::string output;
};

LoadResult Load(const std::vector<std::string>& paths, bool ignore_env) {
  config::LoadOptions options;
  if (!ignore_env) options.environment = config::CaptureOverrideVariables();
  config::LocalConfigFiles files;
  return config::LoadConfigFiles(paths, options, files);
}

std::string Summary(const config::Config& c) {
  return std::to_string(c.services.size()) + " services in " +
         std::to_string(c.environments.size()) + " environments, " +
         std::to_string(c.tenants.size()) + " tenants, " + std::to_string(c.tiers.size()) +
         " tiers, from " + std::to_string(c.files.size()) + " files";
}

nlohmann::json DiagnosticsJson(const std::vector<Diagnostic>& diagnostics) {
  nlohmann::json array = nlohmann::json::array();
  for (const Diagnostic& d : diagnostics) {
    array.push_back({{"severity", d.severity == Severity::kError ? "error" : "warning"},
                     {"file", d.location.file},
                     {"line", d.location.line},
                     {"column", d.location.column},
                     {"path", d.path},
                     {"found", d.found},
                     {"expected", d.expected},
                     {"workloads", d.workloads}});
  }
  return array;
}

int RunValidate(const ValidateFlags& flags, CommandContext& ctx) {
  LoadResult result = Load(flags.paths, flags.ignore_env);
  bool has_warnings =
      std::any_of(result.diagnostics.begin(), result.diagnostics.end(),
                  [](const Diagnostic& d) { return d.severity == Severity::kWarning; });
  // A configuration without services parses, but would scale nothing: refuse it rather than
  // call it valid.
  const bool empty = result.ok() && result.config->services.empty();
  bool valid = result.ok() && !empty && !(flags.strict && has_warnings);
  if (flags.format == "json") {
    nlohmann::json report = {{"valid", valid},
                             {"diagnostics", DiagnosticsJson(result.diagnostics)}};
    if (result.ok()) report["services"] = result.config->services.size();
    ctx.out << report.dump(2) << "\n";
    return valid ? 0 : 1;
  }
  ctx.err << result.Report();
  if (valid) {
    ctx.out << "configuration valid: " << Summary(*result.config) << "\n";
  } else if (empty) {
    ctx.out << "configuration invalid: it defines no service (expected a services: map)\n";
  } else if (result.ok()) {
    ctx.out << "configuration rejected: warnings are errors with --strict\n";
  } else {
    ctx.out << "configuration invalid: nothing would be applied\n";
  }
  return valid ? 0 : 1;
}

int RunShow(const ShowFlags& flags, CommandContext& ctx) {
  LoadResult result = Load(flags.paths, flags.ignore_env);
  if (!result.ok()) {
    ctx.err << result.Report() << "configuration invalid: fix the errors above first\n";
    return 1;
  }
  std::vector<const config::ServiceConfig*> selected =
      result.config->Select(flags.service, flags.environment, flags.tenant);
  if (selected.empty()) {
    ctx.err << "no service \"" << flags.service << "\" in environment \"" << flags.environment
            << "\"" << (flags.tenant.empty() ? "" : " for tenant \"" + flags.tenant + "\"")
            << "; services there:";
    for (const config::ServiceConfig& s : result.config->services) {
      if (s.id.environment == flags.environment) ctx.err << " " << s.id.ToString();
    }
    ctx.err << "\n";
    return 1;
  }
  if (flags.format == "json") {
    ctx.out << config::FormatEffectiveJson(selected);
    return 0;
  }
  for (size_t i = 0; i < selected.size(); ++i) {
    ctx.out << (i > 0 ? "\n" : "") << config::FormatEffectiveText(*selected[i]);
  }
  return 0;
}

int RunImport(const ImportFlags& flags, CommandContext& ctx) {
  config::LocalConfigFiles files;
  StatusOr<std::vector<std::string>> expanded = files.Expand(flags.paths);
  if (!expanded.ok()) {
    Fail(ctx, "config import-k8s", expanded.status());
    return ctx.exit_code;
  }
  std::vector<config::SourceText> sources;
  for (const std::string& path : *expanded) {
    StatusOr<std::string> text = files.Read(path);
    if (!text.ok()) {
      Fail(ctx, "config import-k8s", text.status());
      return ctx.exit_code;
    }
    sources.push_back({path, std::move(*text)});
  }
  config::ImportResult imported = config::ImportKubernetesManifests(sources);
  ctx.err << config::FormatDiagnostics(imported.diagnostics);
  if (!imported.ok()) return 1;
  std::string text = "# Imported by `crescendo config import-k8s` from:\n";
  for (const std::string& path : *expanded) text += "#   " + path + "\n";
  text += imported.yaml;
  if (flags.output.empty()) {
    ctx.out << text;
    return 0;
  }
  std::ofstream out(flags.output);
  out << text;
  out.close();
  if (!out) {
    Fail(ctx, "config import-k8s",
         UnavailableError(flags.output + ": cannot write: " + std::strerror(errno)), kExitFailed);
    return ctx.exit_code;
  }
  ctx.out << "wrote " << flags.output << "\n";
  return 0;
}

void AddValidate(CLI::App& parent, CommandContext& ctx) {
  auto flags = std::make_shared<ValidateFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "validate",
      "Check configuration files and directories; report every error with its "
      "file:line:column, key path, what was found and what is expected");
  cmd->add_option("paths", flags->paths, "configuration files or directories")->required();
  cmd->add_flag("--strict", flags->strict,
                "treat warnings (e.g. unsupported manifest fields) "
                "as errors");
  cmd->add_flag("--ignore-env", flags->ignore_env,
                "ignore AUTOSCALING_MODE, SCALING_INTERVAL, MIN_REPLICAS, MAX_REPLICAS, "
                "TENANT_ISOLATION and COST_OPTIMIZATION");
  cmd->add_option("--format", flags->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([flags, &ctx] { ctx.exit_code = RunValidate(*flags, ctx); });
}

void AddShow(CLI::App& parent, CommandContext& ctx) {
  auto flags = std::make_shared<ShowFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "show", "Print the effective settings of a service, with the origin of every value");
  cmd->add_option("-c,--config", flags->paths, "configuration files or directories")
      ->required()
      ->envname("CRESCENDO_CONFIG");
  cmd->add_option("--effective", flags->service, "the service (its key under `services:`)")
      ->required();
  cmd->add_option("--env", flags->environment, "the environment, e.g. prod")->required();
  cmd->add_option("--tenant", flags->tenant,
                  "only this tenant's instance (\"shared\" for "
                  "shared services)");
  cmd->add_flag("--ignore-env", flags->ignore_env, "ignore the override variables");
  cmd->add_option("--format", flags->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([flags, &ctx] { ctx.exit_code = RunShow(*flags, ctx); });
}

void AddImport(CLI::App& parent, CommandContext& ctx) {
  auto flags = std::make_shared<ImportFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "import-k8s",
      "Convert HorizontalPodAutoscaler (autoscaling/v2) and VerticalPodAutoscaler "
      "(autoscaling.k8s.io/v1) manifests into Crescendo services");
  cmd->add_option("manifests", flags->paths, "manifest files or directories")->required();
  cmd->add_option("-o,--output", flags->output, "write the YAML here instead of stdout")
      ->check(WritableFile());
  cmd->callback([flags, &ctx] { ctx.exit_code = RunImport(*flags, ctx); });
}

}  // namespace

void RegisterConfigCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* config = app.add_subcommand(
      "config", "Validate configuration, show effective settings, import Kubernetes manifests");
  config->require_subcommand(1);
  AddValidate(*config, ctx);
  AddShow(*config, ctx);
  AddImport(*config, ctx);
}

}  // namespace crescendo::cli
