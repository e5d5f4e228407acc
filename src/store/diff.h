// Line diffs of configuration versions.
#ifndef CRESCENDO_STORE_DIFF_H_
#define CRESCENDO_STORE_DIFF_H_

#include <map>
#include <string>

namespace crescendo::store {

// Returns the changes from `before` to `after` (path -> text): per changed file a header
// "--- path" / "+++ path" and its lines prefixed "-" (removed) or "+" (added), found by a longest
// common subsequence of lines; an empty string when nothing changed.
std::string DiffFiles(const std::map<std::string, std::string>& before,
                      const std::map<std::string, std::string>& after);

}  // namespace crescendo::store

#endif  // CRESCENDO_STORE_DIFF_H_
