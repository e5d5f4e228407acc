#include "crescendo/format/location.h"

namespace crescendo::format {
namespace {
constexpr std::string_view kBuiltIn = "built-in default";
}  // namespace

Location Location::InFile(std::string file, int line, int column) {
  return Location{std::move(file), line, column};
}

Location Location::EnvironmentVariable(std::string_view name) {
  return Location{"environment variable " + std::string(name), 0, 0};
}

Location Location::BuiltIn() { return Location{std::string(kBuiltIn), 0, 0}; }

bool Location::is_built_in() const { return line == 0 && file == kBuiltIn; }

std::string Location::ToString() const {
  if (!is_file()) return file;
  std::string text = file + ":" + std::to_string(line);
  if (column > 0) text += ":" + std::to_string(column);
  return text;
}

std::string FormatLocated(const Location& location, std::string_view path, std::string_view found,
                          std::string_view expected) {
  std::string text = location.ToString() + ": ";
  if (!path.empty()) text += std::string(path) + ": ";
  text += "found " + std::string(found) + ", expected " + std::string(expected);
  return text;
}

Status LocatedError(const Location& location, std::string_view path, std::string_view found,
                    std::string_view expected) {
  return InvalidArgumentError(FormatLocated(location, path, found, expected));
}

}  // namespace crescendo::format
