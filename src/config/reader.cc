#include "config/reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace crescendo::config {

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string RangeText(int64_t min, int64_t max) {
  if (max == std::numeric_limits<int32_t>::max() || max == std::numeric_limits<int64_t>::max()) {
    return "an integer >= " + std::to_string(min);
  }
  return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

bool AllowedKey(std::string_view key, std::initializer_list<KeyList> allowed) {
  for (KeyList list : allowed) {
    if (std::find(list.begin(), list.end(), key) != list.end()) return true;
  }
  return false;
}

}  // namespace

std::string_view ClosestMatch(std::string_view word, KeyList candidates) {
  std::string_view best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (std::string_view candidate : candidates) {
    size_t distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string JoinNames(KeyList names) {
  std::string text;
  for (std::string_view name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

bool IsDnsLabel(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '-'; });
}

void FieldReader::Error(const Node& node, std::string found, std::string expected) {
  diagnostics_.AddError(node.location, node.path, std::move(found), std::move(expected), workload_);
}

void FieldReader::KeyError(const Node& entry, std::string found, std::string expected) {
  diagnostics_.AddError(entry.key_location, entry.path, std::move(found), std::move(expected),
                        workload_);
}

bool FieldReader::ExpectMap(const Node& node) {
  if (node.is_map()) return true;
  Error(node, node.Describe(), "a map");
  return false;
}

void FieldReader::CheckKeys(const Node& node, std::initializer_list<KeyList> allowed) {
  if (!node.is_map()) return;
  std::vector<std::string_view> all;
  for (KeyList list : allowed) all.insert(all.end(), list.begin(), list.end());
  for (const Node& entry : node.children) {
    if (AllowedKey(entry.key, allowed)) continue;
    std::string_view close = ClosestMatch(entry.key, all);
    std::string expected = close.empty()
                               ? "one of " + JoinNames(all)
                               : "a known key (did you mean \"" + std::string(close) + "\"?)";
    KeyError(entry, "unknown key \"" + entry.key + "\"", std::move(expected));
  }
}

std::optional<std::string> FieldReader::String(const Node& node) {
  if (node.is_scalar()) return node.scalar;
  Error(node, node.Describe(), "a string");
  return std::nullopt;
}

std::optional<std::string> FieldReader::Name(const Node& node) {
  std::optional<std::string> text = String(node);
  if (!text) return std::nullopt;
  if (IsDnsLabel(*text)) return text;
  Error(node, node.Describe(),
        "a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)");
  return std::nullopt;
}

std::optional<int64_t> FieldReader::Int(const Node& node, int64_t min, int64_t max) {
  int64_t value = 0;
  bool parsed = false;
  if (node.is_scalar() && !node.scalar.empty()) {
    std::string_view text = node.scalar;
    if (text.front() == '+') text.remove_prefix(1);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    parsed = ec == std::errc() && end == text.data() + text.size();
  }
  if (parsed && value >= min && value <= max) return value;
  Error(node, node.Describe(), RangeText(min, max));
  return std::nullopt;
}

std::optional<double> FieldReader::Number(const Node& node, double min, double max) {
  if (node.is_scalar() && !node.scalar.empty()) {
    char* end = nullptr;
    double value = std::strtod(node.scalar.c_str(), &end);
    if (end == node.scalar.c_str() + node.scalar.size() && std::isfinite(value) && value >= min &&
        value <= max) {
      return value;
    }
  }
  Error(node, node.Describe(), fmt::format("a number from {:g} to {:g}", min, max));
  return std::nullopt;
}

std::optional<bool> FieldReader::Bool(const Node& node) {
  if (node.is_scalar()) {
    if (node.scalar == "true" || node.scalar == "True" || node.scalar == "TRUE") return true;
    if (node.scalar == "false" || node.scalar == "False" || node.scalar == "FALSE") return false;
  }
  Error(node, node.Describe(), "true or false");
  return std::nullopt;
}

std::optional<bool> FieldReader::Switch(const Node& node) {
  if (node.is_scalar()) {
    if (node.scalar == "enabled" || node.scalar == "true") return true;
    if (node.scalar == "disabled" || node.scalar == "false") return false;
  }
  Error(node, node.Describe(), "enabled or disabled");
  return std::nullopt;
}

std::optional<size_t> FieldReader::Enum(const Node& node, KeyList names) {
  if (node.is_scalar()) {
    auto it = std::find(names.begin(), names.end(), node.scalar);
    if (it != names.end()) return static_cast<size_t>(it - names.begin());
  }
  std::string expected = "one of " + JoinNames(names);
  if (node.is_scalar()) {
    std::string_view close = ClosestMatch(node.scalar, names);
    if (!close.empty()) expected += " (did you mean \"" + std::string(close) + "\"?)";
  }
  Error(node, node.Describe(), std::move(expected));
  return std::nullopt;
}

std::optional<Duration> FieldReader::DurationIn(const Node& node, Duration min, Duration max) {
  std::string expected =
      "a duration from " + FormatDuration(min) + " to " + FormatDuration(max) + " (e.g. 30s, 2m)";
  if (!node.is_scalar()) {
    Error(node, node.Describe(), std::move(expected));
    return std::nullopt;
  }
  StatusOr<Duration> parsed = ParseDuration(node.scalar);
  if (!parsed.ok() || *parsed < min || *parsed > max) {
    Error(node, node.Describe(), std::move(expected));
    return std::nullopt;
  }
  return *parsed;
}

std::optional<Quantity> FieldReader::QuantityValue(const Node& node, bool positive) {
  std::string expected = std::string(positive ? "a positive" : "a non-negative") +
                         " Kubernetes quantity (e.g. 500m, 2, 1Gi)";
  if (!node.is_scalar()) {
    Error(node, node.Describe(), std::move(expected));
    return std::nullopt;
  }
  StatusOr<Quantity> parsed = Quantity::Parse(node.scalar);
  if (!parsed.ok()) {
    Error(node, node.Describe(), std::move(expected));
    return std::nullopt;
  }
  int sign = parsed->Compare(Quantity());
  if (sign < 0 || (positive && sign == 0)) {
    Error(node, node.Describe(), std::move(expected));
    return std::nullopt;
  }
  return *parsed;
}

std::optional<int64_t> FieldReader::CpuMillis(const Node& node, bool positive) {
  std::optional<Quantity> q = QuantityValue(node, positive);
  if (!q) return std::nullopt;
  if (Quantity::FromMilli(q->MilliValue()) == *q) return q->MilliValue();
  Error(node, node.Describe(), "a whole number of millicores (e.g. 250m)");
  return std::nullopt;
}

std::optional<int64_t> FieldReader::MemoryBytes(const Node& node, bool positive) {
  std::optional<Quantity> q = QuantityValue(node, positive);
  if (!q) return std::nullopt;
  if (Quantity::FromInt(q->Value()) == *q) return q->Value();
  Error(node, node.Describe(), "a whole number of bytes (e.g. 512Mi)");
  return std::nullopt;
}

std::optional<std::vector<std::string>> FieldReader::StringList(const Node& node) {
  if (!node.is_sequence()) {
    Error(node, node.Describe(), "a list of strings");
    return std::nullopt;
  }
  std::vector<std::string> values;
  bool ok = true;
  for (const Node& item : node.children) {
    std::optional<std::string> text = String(item);
    ok = ok && text.has_value();
    if (text) values.push_back(*text);
  }
  if (!ok) return std::nullopt;
  return values;
}

std::optional<std::map<std::string, std::string>> FieldReader::StringMap(const Node& node) {
  if (!node.is_map()) {
    Error(node, node.Describe(), "a map of strings");
    return std::nullopt;
  }
  std::map<std::string, std::string> values;
  bool ok = true;
  for (const Node& entry : node.children) {
    std::optional<std::string> text = String(entry);
    ok = ok && text.has_value();
    if (text) values[entry.key] = *text;
  }
  if (!ok) return std::nullopt;
  return values;
}

}  // namespace crescendo::config
