#include "api/request_decoding.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <set>

namespace crescendo::api {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxMessage = 1000;
constexpr size_t kMaxFiles = 200;

bool Fail(DecodeError* error, std::string field, std::string message) {
  *error = {std::move(field), std::move(message)};
  return false;
}

// Parses `body` as a JSON object whose keys are all in `allowed`.
std::optional<Json> Object(std::string_view body, const std::set<std::string>& allowed,
                           DecodeError* error) {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    Fail(error, "", "the body is not valid JSON");
    return std::nullopt;
  }
  if (!j.is_object()) {
    Fail(error, "", "expected a JSON object");
    return std::nullopt;
  }
  for (const auto& [key, value] : j.items()) {
    if (!allowed.contains(key)) {
      std::string names;
      for (const std::string& a : allowed) names += (names.empty() ? "" : ", ") + a;
      Fail(error, key, "unknown field; expected only " + names);
      return std::nullopt;
    }
  }
  return j;
}

bool Integer(const Json& j, const std::string& field, int64_t min, bool required, int64_t* out,
             DecodeError* error) {
  if (!j.contains(field)) return !required || Fail(error, field, "is required");
  const Json& v = j[field];
  if (!v.is_number_integer()) return Fail(error, field, "expected an integer");
  if (v.is_number_unsigned() ? v.get<uint64_t>() > INT64_MAX : v.get<int64_t>() < min) {
    return Fail(error, field, "expected an integer >= " + std::to_string(min));
  }
  *out = v.get<int64_t>();
  return true;
}

bool Message(const Json& j, std::string* out, DecodeError* error) {
  if (!j.contains("message")) return true;
  if (!j["message"].is_string()) return Fail(error, "message", "expected a string");
  *out = j["message"].get<std::string>();
  if (out->size() > kMaxMessage) {
    return Fail(error, "message", "longer than " + std::to_string(kMaxMessage) + " characters");
  }
  return true;
}

bool NameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::optional<ConfigChange> DecodeConfigChange(std::string_view body, DecodeError* error) {
  std::optional<Json> j = Object(body, {"base_version", "files", "message"}, error);
  if (!j) return std::nullopt;
  ConfigChange change;
  if (!Integer(*j, "base_version", 0, true, &change.base_version, error) ||
      !Message(*j, &change.message, error)) {
    return std::nullopt;
  }
  if (!j->contains("files") || !(*j)["files"].is_object() || (*j)["files"].empty()) {
    Fail(error, "files", "expected an object of file paths to YAML text (or null to remove)");
    return std::nullopt;
  }
  if ((*j)["files"].size() > kMaxFiles) {
    Fail(error, "files", "more than " + std::to_string(kMaxFiles) + " files");
    return std::nullopt;
  }
  for (const auto& [path, text] : (*j)["files"].items()) {
    if (!IsValidConfigPath(path)) {
      Fail(error, "files." + path,
           "expected a relative path of [A-Za-z0-9_.-] segments ending in .yaml or .yml");
      return std::nullopt;
    }
    if (!text.is_string() && !text.is_null()) {
      Fail(error, "files." + path, "expected the YAML text as a string, or null to remove");
      return std::nullopt;
    }
    change.files[path] =
        text.is_null() ? std::nullopt : std::optional<std::string>(text.get<std::string>());
  }
  return change;
}

std::optional<Rollback> DecodeRollback(std::string_view body, DecodeError* error) {
  std::optional<Json> j = Object(body, {"base_version", "message", "version"}, error);
  if (!j) return std::nullopt;
  Rollback r;
  if (!Integer(*j, "version", 1, true, &r.version, error) ||
      !Integer(*j, "base_version", 0, true, &r.base_version, error) ||
      !Message(*j, &r.message, error)) {
    return std::nullopt;
  }
  return r;
}

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > 63 || !NameChar(name.front()) || !NameChar(name.back())) {
    return false;
  }
  for (char c : name) {
    if (!NameChar(c) && c != '-') return false;
  }
  return true;
}

bool IsValidConfigPath(std::string_view path) {
  if (path.empty() || path.size() > 200) return false;
  if (!(path.ends_with(".yaml") || path.ends_with(".yml"))) return false;
  int segments = 0;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment.empty() || segment.front() == '.' || ++segments > 8) return false;
    for (char c : segment) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == '-';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

std::optional<int64_t> ParseBoundedInt(std::string_view text, int64_t min, int64_t max) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

}  // namespace crescendo::api
