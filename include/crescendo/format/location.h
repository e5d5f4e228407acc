// Location: where a value was written, and the one error format of every file reader.
//
// Every reader of the format layer (YAML, CSV) and every front end built on them reports a
// problem in one form:
//
//   FILE:LINE:COLUMN: PATH: found WHAT WAS THERE, expected WHAT IS ACCEPTED
//
// e.g. `scenario.yaml:12:7: services[0].replicas: found "-1", expected a whole number >= 0`.
// PATH is the key path inside the document (or a CSV column name); it is left out when empty.
//
// Thread safety: value types and pure functions.
#ifndef CRESCENDO_FORMAT_LOCATION_H_
#define CRESCENDO_FORMAT_LOCATION_H_

#include <compare>
#include <string>
#include <string_view>

#include "crescendo/base/status.h"

namespace crescendo::format {

// Where a value came from: a place in a file, an environment variable, or a built-in default.
struct Location {
  std::string file;  // file path; for non-file origins, a description (see the factories)
  int line = 0;      // 1-based; 0 when the origin is not a place in a file
  int column = 0;    // 1-based; 0 when the origin is not a place in a file (or a whole line)

  static Location InFile(std::string file, int line, int column);
  // "environment variable MIN_REPLICAS".
  static Location EnvironmentVariable(std::string_view name);
  // "built-in default".
  static Location BuiltIn();

  bool is_file() const { return line > 0; }
  bool is_built_in() const;
  // Returns "file:line:column" ("file:line" when the column is 0), or the description for
  // non-file origins.
  std::string ToString() const;

  friend auto operator<=>(const Location&, const Location&) = default;
  friend bool operator==(const Location&, const Location&) = default;
};

// Returns "LOCATION: PATH: found FOUND, expected EXPECTED" (without "PATH: " when path is empty).
std::string FormatLocated(const Location& location, std::string_view path, std::string_view found,
                          std::string_view expected);

// Returns InvalidArgument with FormatLocated's text.
Status LocatedError(const Location& location, std::string_view path, std::string_view found,
                    std::string_view expected);

}  // namespace crescendo::format

#endif  // CRESCENDO_FORMAT_LOCATION_H_
