#include "crescendo/config/loader.h"

#include <cstdlib>

#include "config/manifests.h"
#include "config/node.h"
#include "config/overrides.h"
#include "config/sections.h"
#include "config/services.h"

namespace crescendo::config {

EnvironmentVariables CaptureOverrideVariables() {
  EnvironmentVariables variables;
  for (const char* name : kOverrideVariables) {
    if (const char* value = std::getenv(name)) variables[name] = value;
  }
  return variables;
}

std::string LoadResult::Report() const { return FormatDiagnostics(diagnostics); }

Status LoadResult::ToStatus() const {
  if (ok()) return Status::Ok();
  return InvalidArgumentError("invalid configuration:\n" + Report());
}

LoadResult LoadConfig(std::span<const SourceText> sources, const LoadOptions& options) {
  DiagnosticList diagnostics;
  Registry registry;
  auto config = std::make_shared<Config>();
  for (const SourceText& source : sources) {
    config->files.push_back(source.name);
    for (Node& document : ParseDocuments(source.text, source.name, diagnostics)) {
      Collect(std::move(document), registry, diagnostics);
    }
  }
  for (Node& service : ConvertManifests(registry.manifests, diagnostics)) {
    RegisterService(std::move(service), registry, diagnostics);
  }
  std::vector<Override> overrides = ParseOverrides(options.environment, diagnostics);
  DecodePlatform(registry, options, *config, diagnostics);
  BuildServices(registry, overrides, *config, diagnostics);

  LoadResult result;
  result.diagnostics = diagnostics.Sorted();
  if (!diagnostics.has_errors()) {
    config->warnings = result.diagnostics;
    result.config = std::move(config);
  }
  return result;
}

LoadResult LoadConfigFiles(const std::vector<std::string>& paths, const LoadOptions& options,
                           ConfigFiles& files) {
  auto fail = [](const std::string& path, const Status& status) {
    LoadResult result;
    result.diagnostics.push_back(Diagnostic{Severity::kError,
                                            Location{path, 0, 0},
                                            "",
                                            status.message(),
                                            "a readable file or directory",
                                            {}});
    return result;
  };
  if (paths.empty()) return fail("(no path)", NotFoundError("no configuration path"));
  StatusOr<std::vector<std::string>> expanded = files.Expand(paths);
  if (!expanded.ok()) return fail(paths.front(), expanded.status());
  if (expanded->empty()) {
    return fail(paths.front(), NotFoundError("no *.yaml or *.yml file"));
  }
  std::vector<SourceText> sources;
  for (const std::string& path : *expanded) {
    StatusOr<std::string> text = files.Read(path);
    if (!text.ok()) return fail(path, text.status());
    sources.push_back(SourceText{path, std::move(*text)});
  }
  return LoadConfig(sources, options);
}

}  // namespace crescendo::config
