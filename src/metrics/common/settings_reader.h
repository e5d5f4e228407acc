// SettingsReader: typed, checked access to a source's flat settings (private to the layer).
// Every error names the source type, the setting, what was found and what was expected; Finish()
// reports settings that no getter asked for (typos).
//
// Thread safety: not thread-safe; one per factory call.
#ifndef CRESCENDO_SRC_METRICS_COMMON_SETTINGS_READER_H_
#define CRESCENDO_SRC_METRICS_COMMON_SETTINGS_READER_H_

#include <set>
#include <string>

#include "crescendo/metrics/registry.h"

namespace crescendo::metrics {

class SettingsReader {
 public:
  SettingsReader(std::string type, const SourceSettings& settings, const SourceContext& context)
      : type_(std::move(type)), settings_(settings), context_(context) {}

  StatusOr<std::string> Required(const std::string& key);
  std::string Optional(const std::string& key, std::string fallback);
  StatusOr<int64_t> Integer(const std::string& key, int64_t fallback, int64_t min);
  StatusOr<bool> Boolean(const std::string& key, bool fallback);
  // Returns the value of the environment variable named by setting `key` (e.g. password_env),
  // or "" when the setting is absent. Errors: InvalidArgument when the variable is unset.
  StatusOr<std::string> Secret(const std::string& key);
  // Errors: InvalidArgument listing settings that were never read, and the known ones.
  Status Finish() const;

  Status Error(const std::string& key, const std::string& what) const {
    return InvalidArgumentError("metric source " + type_ + ": setting " + key + ": " + what);
  }

 private:
  std::string type_;
  const SourceSettings& settings_;
  const SourceContext& context_;
  std::set<std::string> read_;
};

}  // namespace crescendo::metrics

#endif  // CRESCENDO_SRC_METRICS_COMMON_SETTINGS_READER_H_
