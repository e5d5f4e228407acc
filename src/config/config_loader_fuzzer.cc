// libFuzzer target for the configuration loader: YAML parsing, the schema, merging, overrides,
// validation, manifest import, rendering and diffing.
//
// Input: one YAML source. Leading lines "#env NAME=VALUE" become override variables, so the
// fuzzer reaches the override paths too. Seed corpus: src/config/fuzz_corpus/make_corpus.sh.
//
// Invariants checked (abort on violation): a configuration is returned if and only if there is
// no error; a configuration differs from itself in nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/config/kubernetes_import.h"
#include "crescendo/config/loader.h"
#include "crescendo/config/render.h"
#include "crescendo/config/watcher.h"

namespace {

using crescendo::config::EnvironmentVariables;

// Moves leading "#env NAME=VALUE" lines of `text` into `env`.
void TakeEnvironment(std::string_view& text, EnvironmentVariables& env) {
  constexpr std::string_view kPrefix = "#env ";
  while (text.substr(0, kPrefix.size()) == kPrefix) {
    size_t end = text.find('\n');
    std::string_view line =
        text.substr(kPrefix.size(), end == text.npos ? text.npos : end - kPrefix.size());
    size_t eq = line.find('=');
    if (eq != line.npos) env[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    text = end == text.npos ? std::string_view() : text.substr(end + 1);
  }
}

void CheckResult(const crescendo::config::LoadResult& result) {
  bool has_error = false;
  for (const crescendo::config::Diagnostic& d : result.diagnostics) {
    has_error = has_error || d.severity == crescendo::config::Severity::kError;
    if (d.ToString().empty()) std::abort();
  }
  if (result.ok() == has_error) std::abort();
  if (!result.ok()) return;
  const crescendo::config::Config& config = *result.config;
  std::vector<const crescendo::config::ServiceConfig*> services;
  for (const crescendo::config::ServiceConfig& s : config.services) {
    services.push_back(&s);
    if (crescendo::config::FormatEffectiveText(s).empty()) std::abort();
  }
  (void)crescendo::config::FormatEffectiveJson(services);
  if (!crescendo::config::DiffConfigs(config, config).empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  crescendo::config::LoadOptions options;
  TakeEnvironment(text, options.environment);
  std::vector<crescendo::config::SourceText> sources = {{"fuzz.yaml", std::string(text)}};
  CheckResult(crescendo::config::LoadConfig(sources, options));
  crescendo::config::ImportResult imported = crescendo::config::ImportKubernetesManifests(sources);
  if (imported.ok() && imported.yaml.empty()) std::abort();
  return 0;
}
