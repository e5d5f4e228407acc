#include "crescendo/config/watcher.h"

#include <algorithm>
#include <utility>

namespace crescendo::config {

namespace {

using SettingMap = std::map<std::string, const Setting*>;

SettingMap ByPath(const std::vector<Setting>& settings) {
  SettingMap map;
  for (const Setting& s : settings) map[s.path] = &s;
  return map;
}

std::vector<FieldChange> DiffSettings(const std::vector<Setting>& before,
                                      const std::vector<Setting>& after) {
  SettingMap old_map = ByPath(before);
  SettingMap new_map = ByPath(after);
  std::vector<FieldChange> changes;
  for (const auto& [path, setting] : new_map) {
    auto old = old_map.find(path);
    if (old == old_map.end()) {
      changes.push_back(FieldChange{path, "", setting->value, setting->origin});
    } else if (old->second->value != setting->value) {
      changes.push_back(FieldChange{path, old->second->value, setting->value, setting->origin});
    }
  }
  for (const auto& [path, setting] : old_map) {
    if (new_map.count(path) == 0) {
      changes.push_back(FieldChange{path, setting->value, "", setting->origin});
    }
  }
  std::sort(changes.begin(), changes.end(),
            [](const FieldChange& a, const FieldChange& b) { return a.path < b.path; });
  return changes;
}

std::string FieldText(const FieldChange& c) {
  std::string text = c.path + " ";
  if (c.before.empty()) {
    text += "added " + c.after;
  } else if (c.after.empty()) {
    text += "removed (was " + c.before + ")";
  } else {
    text += c.before + " -> " + c.after;
  }
  return text + " (" + c.origin.ToString() + ")";
}

}  // namespace

ConfigChanges DiffConfigs(const Config& before, const Config& after) {
  ConfigChanges changes;
  changes.platform = DiffSettings(before.settings, after.settings);
  std::map<WorkloadId, const ServiceConfig*> old_services;
  for (const ServiceConfig& s : before.services) old_services[s.id] = &s;
  for (const ServiceConfig& s : after.services) {
    auto old = old_services.find(s.id);
    if (old == old_services.end()) {
      changes.services.push_back(ServiceChange{s.id, ServiceChange::Kind::kAdded, {}});
      continue;
    }
    std::vector<FieldChange> fields = DiffSettings(old->second->settings, s.settings);
    if (!fields.empty()) {
      changes.services.push_back(
          ServiceChange{s.id, ServiceChange::Kind::kModified, std::move(fields)});
    }
    old_services.erase(old);
  }
  for (const auto& [id, s] : old_services) {
    changes.services.push_back(ServiceChange{id, ServiceChange::Kind::kRemoved, {}});
  }
  std::sort(changes.services.begin(), changes.services.end(),
            [](const ServiceChange& a, const ServiceChange& b) { return a.id < b.id; });
  return changes;
}

std::string ConfigChanges::ToString() const {
  std::string text;
  for (const FieldChange& c : platform) text += "~ " + FieldText(c) + "\n";
  for (const ServiceChange& s : services) {
    switch (s.kind) {
      case ServiceChange::Kind::kAdded:
        text += "+ " + s.id.ToString() + "\n";
        break;
      case ServiceChange::Kind::kRemoved:
        text += "- " + s.id.ToString() + "\n";
        break;
      case ServiceChange::Kind::kModified:
        for (const FieldChange& c : s.fields) {
          text += "~ " + s.id.ToString() + ": " + FieldText(c) + "\n";
        }
        break;
    }
  }
  return text;
}

std::string ReloadOutcome::Summary() const {
  switch (kind) {
    case Kind::kUnchanged:
      return "configuration unchanged\n";
    case Kind::kApplied: {
      size_t count = changes.platform.size();
      for (const ServiceChange& s : changes.services) {
        count += s.kind == ServiceChange::Kind::kModified ? s.fields.size() : 1;
      }
      return "configuration applied: " + std::to_string(count) +
             (count == 1 ? " change\n" : " changes\n") + changes.ToString() +
             FormatDiagnostics(diagnostics);
    }
    case Kind::kRejected:
      return "configuration rejected, keeping the last valid one:\n" +
             FormatDiagnostics(diagnostics);
  }
  return "";
}

ConfigWatcher::ConfigWatcher(std::vector<std::string> paths, LoadOptions options,
                             std::shared_ptr<ConfigFiles> files)
    : paths_(std::move(paths)), options_(std::move(options)), files_(std::move(files)) {}

StatusOr<std::unique_ptr<ConfigWatcher>> ConfigWatcher::Create(std::vector<std::string> paths,
                                                               LoadOptions options,
                                                               std::shared_ptr<ConfigFiles> files) {
  std::unique_ptr<ConfigWatcher> watcher(
      new ConfigWatcher(std::move(paths), std::move(options), std::move(files)));
  Stamps stamps = watcher->ReadStamps();
  LoadResult result = LoadConfigFiles(watcher->paths_, watcher->options_, *watcher->files_);
  if (!result.ok()) return result.ToStatus();
  watcher->stamps_ = std::move(stamps);
  watcher->current_ = std::move(result.config);
  return watcher;
}

std::shared_ptr<const Config> ConfigWatcher::Current() const {
  std::lock_guard<std::mutex> lock(current_mu_);
  return current_;
}

ConfigWatcher::Stamps ConfigWatcher::ReadStamps() {
  Stamps stamps;
  StatusOr<std::vector<std::string>> expanded = files_->Expand(paths_);
  if (!expanded.ok()) {
    for (const std::string& path : paths_) stamps[path] = std::nullopt;
    return stamps;
  }
  for (const std::string& path : *expanded) {
    StatusOr<FileStamp> stamp = files_->Stat(path);
    stamps[path] = stamp.ok() ? std::optional<FileStamp>(*stamp) : std::nullopt;
  }
  return stamps;
}

ReloadOutcome ConfigWatcher::CheckForChanges() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  Stamps stamps = ReadStamps();
  if (stamps == stamps_) return ReloadOutcome{};
  return ReloadLocked(std::move(stamps));
}

ReloadOutcome ConfigWatcher::Reload() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  return ReloadLocked(ReadStamps());
}

ReloadOutcome ConfigWatcher::ReloadLocked(Stamps stamps) {
  stamps_ = std::move(stamps);  // a rejected version is not retried until it changes again
  LoadResult result = LoadConfigFiles(paths_, options_, *files_);
  ReloadOutcome outcome;
  outcome.diagnostics = result.diagnostics;
  if (!result.ok()) {
    outcome.kind = ReloadOutcome::Kind::kRejected;
    return outcome;
  }
  std::shared_ptr<const Config> previous = Current();
  outcome.changes = DiffConfigs(*previous, *result.config);
  outcome.kind =
      outcome.changes.empty() ? ReloadOutcome::Kind::kUnchanged : ReloadOutcome::Kind::kApplied;
  std::lock_guard<std::mutex> lock(current_mu_);
  current_ = std::move(result.config);
  return outcome;
}

}  // namespace crescendo::config
