// Decoding a settings tree (one layer, or the merge of all layers) into a ServiceConfig.
//
// The decoder checks every value on its own: type, range (Kubernetes' limits where Kubernetes
// has them), enumerations, and references to the metric catalogue and the metric sources. It
// records each value it reads, or the built-in default it applies, as a Setting with its origin.
// Rules that relate several values (min <= max, one target per metric, HPA/VPA conflicts) are
// checked on the result by ValidateService (validate.h).
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_CONFIG_SETTINGS_H_
#define CRESCENDO_SRC_CONFIG_SETTINGS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "config/node.h"
#include "config/reader.h"
#include "crescendo/config/config.h"

namespace crescendo::config {

// The metric catalogue and sources the decoder resolves references against.
struct Catalogue {
  const std::map<std::string, MetricDefinition>* metrics = nullptr;  // built-ins included
  const std::map<std::string, MetricSourceConfig>* sources = nullptr;
};

// Where each metric and container policy was declared (their map keys), by settings-relative
// path ("horizontal.metrics.cpu"); rules about a whole entry point there.
using EntryLocations = std::map<std::string, Setting>;

struct DecodedSettings {
  ServiceConfig config;             // id.ns and every setting; id's other parts unset
  std::optional<int32_t> priority;  // the layer's own priority, when set
  EntryLocations entries;
};

// The keys a settings tree may hold at its root.
KeyList SettingsKeys();
// Limits enforced on single values; Kubernetes' where it has them (see settings.cc).
inline constexpr int64_t kMaxStabilizationWindowSeconds = 3600;
inline constexpr int64_t kMaxPeriodSeconds = 1800;

// Decodes `root`; keys in `layer_keys` are accepted at the root and skipped (the caller reads
// them). Problems go to `reader`.
DecodedSettings DecodeSettings(const Node& root, KeyList layer_keys, const Catalogue& catalogue,
                               FieldReader& reader);

// Returns the built-in catalogue entries: cpu and memory, Resource metrics of the cluster.
std::map<std::string, MetricDefinition> BuiltInMetrics();

}  // namespace crescendo::config

#endif  // CRESCENDO_SRC_CONFIG_SETTINGS_H_
