// Rendering effective settings for people (`crescendo config show --effective`) and tools.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_CONFIG_RENDER_H_
#define CRESCENDO_CONFIG_RENDER_H_

#include <span>
#include <string>

#include "crescendo/config/config.h"

namespace crescendo::config {

// Returns a header naming the service, its id, tier and priority, then one aligned row per
// setting: path, value and origin ("file:line:column (key path)", the variable or "built-in
// default").
std::string FormatEffectiveText(const ServiceConfig& service);

// Returns a JSON array with one object per service:
//   {"id": "prod/acme/audio/worker", "service": "worker", "tier": ..., "priority": ...,
//    "settings": [{"path", "value", "origin", "line", "column", "source_path"}...]}.
std::string FormatEffectiveJson(std::span<const ServiceConfig* const> services);

}  // namespace crescendo::config

#endif  // CRESCENDO_CONFIG_RENDER_H_
