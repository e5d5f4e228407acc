// Merging the layers of a service's settings.
//
// The rules (docs/configuration.md, "Merge rules"), applied from the least to the most specific
// layer:
//   1. Maps merge key by key, recursively: a key the overlay does not mention keeps the base value.
//   2. Scalars and sequences (lists) replace the base value as a whole; lists are never appended.
//   3. An explicit null (`key: ~`, `key: null` or `key:` with no value) removes the key, so the
//      value falls back to the built-in default.
//   4. The targets of a metric (`utilization`, `averageValue`, `value`) exclude one another:
//      an overlay that sets one removes the others the base had.
// Every value keeps its own location, so the merged tree tells where each value came from.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_CONFIG_MERGE_H_
#define CRESCENDO_SRC_CONFIG_MERGE_H_

#include <span>
#include <string_view>

#include "config/node.h"

namespace crescendo::config {

// Merges `overlay` into `base` (both settings trees rooted at the service level).
void MergeSettings(Node& base, const Node& overlay);

// Returns the merge of `layers`, least specific first; null layers are skipped. The result is a
// map located at `location`.
Node MergeLayers(std::span<const Node* const> layers, const Location& location,
                 std::string_view path);

}  // namespace crescendo::config

#endif  // CRESCENDO_SRC_CONFIG_MERGE_H_
