#include <cctype>
#include <string>
#include <string_view>

#include "crescendo/forecast/forecaster.h"

namespace crescendo {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      return false;
    }
  }
  return true;
}

Status SpecError(std::string_view text, size_t offset, std::string_view expected) {
  return InvalidArgumentError("forecaster spec '" + std::string(text) + "', offset " +
                              std::to_string(offset) + ": expected " + std::string(expected));
}

// Parses "key=value" items separated by depth-0 commas in text[begin, end).
Status ParseParams(std::string_view text, size_t begin, size_t end, ForecasterSpec& spec) {
  size_t item_begin = begin;
  int depth = 0;
  for (size_t i = begin; i <= end; ++i) {
    const char c = i < end ? text[i] : ',';
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth < 0) return SpecError(text, i, "balanced parentheses");
    if (c != ',' || depth > 0) continue;
    std::string_view item = text.substr(item_begin, i - item_begin);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return SpecError(text, item_begin, "key=value, found '" + std::string(Trim(item)) + "'");
    }
    const std::string key(Trim(item.substr(0, eq)));
    const std::string value(Trim(item.substr(eq + 1)));
    if (!IsIdentifier(key)) {
      return SpecError(text, item_begin, "a parameter name of [a-z0-9_], found '" + key + "'");
    }
    if (value.empty()) return SpecError(text, item_begin + eq + 1, "a value for '" + key + "'");
    if (!spec.params.emplace(key, value).second) {
      return SpecError(text, item_begin, "each parameter once, '" + key + "' is repeated");
    }
    item_begin = i + 1;
  }
  if (depth != 0) return SpecError(text, end, "balanced parentheses");
  return Status::Ok();
}

}  // namespace

StatusOr<ForecasterSpec> ParseForecasterSpec(std::string_view text) {
  ForecasterSpec spec;
  const size_t open = text.find('(');
  spec.name = std::string(Trim(text.substr(0, open)));
  if (!IsIdentifier(spec.name)) {
    return SpecError(text, 0, "a forecaster name of [a-z0-9_], found '" + spec.name + "'");
  }
  if (open == std::string_view::npos) return spec;
  const size_t close = text.find_last_of(')');
  if (close == std::string_view::npos || close < open) return SpecError(text, text.size(), "')'");
  if (!Trim(text.substr(close + 1)).empty()) {
    return SpecError(text, close + 1, "nothing after the closing ')'");
  }
  if (Trim(text.substr(open + 1, close - open - 1)).empty()) return spec;
  CRESCENDO_RETURN_IF_ERROR(ParseParams(text, open + 1, close, spec));
  return spec;
}

std::string FormatForecasterSpec(const ForecasterSpec& spec) {
  if (spec.params.empty()) return spec.name;
  std::string out = spec.name + "(";
  bool first = true;
  for (const auto& [key, value] : spec.params) {
    if (!first) out += ',';
    first = false;
    out.append(key).append("=").append(value);
  }
  return out + ")";
}

}  // namespace crescendo
