// Diagnostics: what the configuration loader found wrong, and exactly where.
//
// Every problem the loader finds becomes one Diagnostic: the place (file:line:column, or the
// environment variable), the key path inside the document, what was found and what was
// expected. The loader never stops at the first problem: it collects every diagnostic of a run,
// and a configuration with any error is never returned (see loader.h).
//
// Thread safety: value types.
#ifndef CRESCENDO_CONFIG_DIAGNOSTIC_H_
#define CRESCENDO_CONFIG_DIAGNOSTIC_H_

#include <compare>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/format/location.h"

namespace crescendo::config {

// Where a value came from (crescendo/format/location.h: every file reader's locations).
using Location = format::Location;

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  Location location;
  std::string path;      // key path in the document, e.g. "services.player.horizontal.maxReplicas"
  std::string found;     // what was there, e.g. "0", "\"fast\"", "a sequence", "nothing"
  std::string expected;  // what is accepted, e.g. "an integer >= 1"
  // The effective services (environment/tenant/namespace/name) the problem affects, when it was
  // found while checking merged settings; empty for problems in a document itself.
  std::vector<std::string> workloads;

  // Returns e.g. "a.yaml:3:5: error: services.x.maxReplicas: found 0, expected an integer >= 1
  // (affects prod/acme/audio/x)".
  std::string ToString() const;
};

// Collects diagnostics, merging duplicates: two diagnostics with the same severity, location,
// path, found and expected are one, whose `workloads` is the union of both.
class DiagnosticList {
 public:
  void Add(Diagnostic diagnostic);
  void AddError(const Location& location, std::string path, std::string found, std::string expected,
                std::string_view workload = {});
  void AddWarning(const Location& location, std::string path, std::string found,
                  std::string expected);
  void Append(std::span<const Diagnostic> diagnostics);

  bool has_errors() const { return error_count_ > 0; }
  int error_count() const { return error_count_; }
  int warning_count() const;
  bool empty() const { return items_.empty(); }
  // Returns the diagnostics sorted by location (file, line, column), then path.
  std::vector<Diagnostic> Sorted() const;

 private:
  std::vector<Diagnostic> items_;
  int error_count_ = 0;
};

// Returns one line per diagnostic, followed by "N errors, M warnings" when any.
std::string FormatDiagnostics(std::span<const Diagnostic> diagnostics);

}  // namespace crescendo::config

#endif  // CRESCENDO_CONFIG_DIAGNOSTIC_H_
