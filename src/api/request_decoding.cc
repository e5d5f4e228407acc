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
  // JSON reads a non-negative integer as unsigned: check it against both ends.
  const bool out_of_range = v.is_number_unsigned()
                                ? v.get<uint64_t>() > INT64_MAX || v.get<int64_t>() < min
                                : v.get<int64_t>() < min;
  if (out_of_range) {
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

// Decodes j["files"]: a non-empty object of configuration paths to YAML text or null.
bool Files(const Json& j, std::map<std::string, std::optional<std::string>>* out,
           DecodeError* error) {
  if (!j.contains("files") || !j["files"].is_object() || j["files"].empty()) {
    return Fail(error, "files",
                "expected an object of file paths to YAML text (or null to remove)");
  }
  if (j["files"].size() > kMaxFiles) {
    return Fail(error, "files", "more than " + std::to_string(kMaxFiles) + " files");
  }
  for (const auto& [path, text] : j["files"].items()) {
    if (!IsValidConfigPath(path)) {
      return Fail(error, "files." + path,
                  "expected a relative path of [A-Za-z0-9_.-] segments ending in .yaml or .yml");
    }
    if (!text.is_string() && !text.is_null()) {
      return Fail(error, "files." + path, "expected the YAML text as a string, or null to remove");
    }
    (*out)[path] =
        text.is_null() ? std::nullopt : std::optional<std::string>(text.get<std::string>());
  }
  return true;
}

}  // namespace

std::optional<ConfigChange> DecodeConfigChange(std::string_view body, DecodeError* error) {
  std::optional<Json> j = Object(body, {"base_version", "files", "message"}, error);
  if (!j) return std::nullopt;
  ConfigChange change;
  if (!Integer(*j, "base_version", 0, true, &change.base_version, error) ||
      !Message(*j, &change.message, error)) {
    return std::nullopt;
  }
  if (!Files(*j, &change.files, error)) return std::nullopt;
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

std::optional<SimulationRequest> DecodeSimulationRequest(std::string_view body,
                                                         DecodeError* error) {
  std::optional<Json> j = Object(
      body, {"scenario", "tenant", "files", "strategies", "duration_seconds", "seed"}, error);
  if (!j) return std::nullopt;
  SimulationRequest r;
  if (!j->contains("scenario") || !(*j)["scenario"].is_string()) {
    Fail(error, "scenario", "expected \"config\" (the current configuration) or a scenario name");
    return std::nullopt;
  }
  r.scenario = (*j)["scenario"].get<std::string>();
  if (r.scenario != "config" && !IsValidName(r.scenario)) {
    Fail(error, "scenario", "expected \"config\" or a scenario name of [a-z0-9-]");
    return std::nullopt;
  }
  if (j->contains("tenant")) {
    const Json& t = (*j)["tenant"];
    if (!t.is_string() || !IsValidName(t.get<std::string>())) {
      Fail(error, "tenant", "expected a tenant name of [a-z0-9-] (at most 63 characters)");
      return std::nullopt;
    }
    r.tenant = t.get<std::string>();
  }
  if (j->contains("files")) {
    if (r.scenario != "config") {
      Fail(error, "files", "a proposed change applies to scenario \"config\" only");
      return std::nullopt;
    }
    if (!Files(*j, &r.files, error)) return std::nullopt;
  }
  const Json* strategies = j->contains("strategies") ? &(*j)["strategies"] : nullptr;
  if (strategies == nullptr || !strategies->is_array() || strategies->empty() ||
      strategies->size() > kMaxStrategies) {
    Fail(error, "strategies",
         "expected an array of 1 to " + std::to_string(kMaxStrategies) + " strategy names");
    return std::nullopt;
  }
  for (size_t i = 0; i < strategies->size(); ++i) {
    const Json& s = (*strategies)[i];
    if (!s.is_string() || !IsValidName(s.get<std::string>())) {
      Fail(error, "strategies[" + std::to_string(i) + "]",
           "expected a strategy name of [a-z0-9-], e.g. kubernetes");
      return std::nullopt;
    }
    r.strategies.push_back(s.get<std::string>());
  }
  int64_t seed = 1;
  if (!Integer(*j, "duration_seconds", 1, true, &r.duration_seconds, error) ||
      !Integer(*j, "seed", 0, false, &seed, error)) {
    return std::nullopt;
  }
  r.seed = static_cast<uint64_t>(seed);
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
