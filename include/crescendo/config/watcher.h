// Hot reload: ConfigWatcher keeps the current configuration and replaces it, whole, with a newly
// loaded one only when that one is valid.
//
// The caller drives it (no thread of its own): call CheckForChanges() every few seconds (it
// compares the stamps, modification time and size, of the files, and notices files that appear
// or vanish in the watched directories) and Reload() on SIGHUP. Each returns a ReloadOutcome:
//   kUnchanged  nothing to do (CheckForChanges only);
//   kApplied    the new configuration is current; `changes` lists what changed per service;
//   kRejected   the new files do not validate; the last valid configuration stays current and
//               `diagnostics` says why (log it: it is the validation report).
//
// Usage in `crescendo run`:
//   auto watcher = ConfigWatcher::Create(paths, {.environment = CaptureOverrideVariables()},
//                                        std::make_shared<LocalConfigFiles>());
//   if (!watcher.ok()) { print watcher.status().message(); exit 2; }
//   each tick:   ReloadOutcome o = (*watcher)->CheckForChanges();  // or Reload() after SIGHUP
//                if (o.kind != kUnchanged) log o.Summary();
//                std::shared_ptr<const Config> config = (*watcher)->Current();
//
// Thread safety: Current() may be called from any thread at any time and returns a snapshot that
// stays valid while held. CheckForChanges() and Reload() are serialized internally.
#ifndef CRESCENDO_CONFIG_WATCHER_H_
#define CRESCENDO_CONFIG_WATCHER_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/config/config.h"
#include "crescendo/config/config_files.h"
#include "crescendo/config/diagnostic.h"
#include "crescendo/config/loader.h"

namespace crescendo::config {

// One value that differs between two configurations.
struct FieldChange {
  std::string path;    // service-relative ("horizontal.maxReplicas") or platform path
  std::string before;  // empty when added
  std::string after;   // empty when removed
  Location origin;     // where the new value comes from (the old one's when removed)
};

struct ServiceChange {
  enum class Kind { kAdded, kRemoved, kModified };
  WorkloadId id;
  Kind kind = Kind::kModified;
  std::vector<FieldChange> fields;  // kModified only
};

struct ConfigChanges {
  std::vector<FieldChange> platform;    // global, tiers, tenants, environments, sources, metrics
  std::vector<ServiceChange> services;  // sorted by id
  bool empty() const { return platform.empty() && services.empty(); }
  // Returns one line per change, e.g.
  //   "~ prod/acme/audio/worker: horizontal.maxReplicas 40 -> 60 (prod.yaml:12:20)".
  std::string ToString() const;
};

// Returns what differs from `before` to `after`, comparing every recorded setting's value.
ConfigChanges DiffConfigs(const Config& before, const Config& after);

struct ReloadOutcome {
  enum class Kind { kUnchanged, kApplied, kRejected };
  Kind kind = Kind::kUnchanged;
  ConfigChanges changes;                // kApplied
  std::vector<Diagnostic> diagnostics;  // kRejected: the errors; kApplied: the warnings
  // Returns a log-ready text: "configuration unchanged", "configuration applied: N changes\n..."
  // or "configuration rejected, keeping the last valid one:\n<report>".
  std::string Summary() const;
};

class ConfigWatcher {
 public:
  // Loads `paths` through `files`. Errors: InvalidArgument whose message is the validation
  // report when the initial configuration is invalid (there is no last valid one to keep).
  static StatusOr<std::unique_ptr<ConfigWatcher>> Create(std::vector<std::string> paths,
                                                         LoadOptions options,
                                                         std::shared_ptr<ConfigFiles> files);

  // Returns the current configuration; never null.
  std::shared_ptr<const Config> Current() const;

  // Reloads when any watched file changed, appeared or disappeared since the last load.
  ReloadOutcome CheckForChanges();
  // Reloads unconditionally (SIGHUP, an API call). A reload that yields a configuration equal
  // to the current one is kUnchanged.
  ReloadOutcome Reload();

 private:
  using Stamps = std::map<std::string, std::optional<FileStamp>>;

  ConfigWatcher(std::vector<std::string> paths, LoadOptions options,
                std::shared_ptr<ConfigFiles> files);
  // Returns the stamps of every file `paths_` expands to (nullopt for an unreadable one).
  Stamps ReadStamps();
  ReloadOutcome ReloadLocked(Stamps stamps);

  const std::vector<std::string> paths_;
  const LoadOptions options_;
  const std::shared_ptr<ConfigFiles> files_;
  std::mutex reload_mu_;  // serializes reloads
  Stamps stamps_;         // guarded by reload_mu_
  mutable std::mutex current_mu_;
  std::shared_ptr<const Config> current_;  // guarded by current_mu_
};

}  // namespace crescendo::config

#endif  // CRESCENDO_CONFIG_WATCHER_H_
