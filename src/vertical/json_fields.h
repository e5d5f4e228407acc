// Typed reading of the vertical layer's exact state JSON (the engine's per-tick checkpoint of a
// strategy's memory), with errors that name the field.
//
// Each function reads object[key] and fails with InvalidArgument "<key>: missing" or
// "<key>: found <type>, expected <what>". Callers prefix the path of enclosing fields with
// Status::WithContext, so a nested error reads "model: aggregates: app: cpu: weights: ...".
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_VERTICAL_JSON_FIELDS_H_
#define CRESCENDO_SRC_VERTICAL_JSON_FIELDS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "crescendo/base/status.h"

namespace crescendo::vertical::json_fields {

// Returns "object", "array", "string", "number", "boolean" or "null".
std::string_view TypeName(const nlohmann::json& value);

// Returns OK when `value` is an object. Errors: "found <type>, expected an object".
Status ExpectObject(const nlohmann::json& value);

StatusOr<const nlohmann::json*> Object(const nlohmann::json& object, std::string_view key);
StatusOr<const nlohmann::json*> Array(const nlohmann::json& object, std::string_view key);
// An integer that fits in int64_t.
StatusOr<int64_t> Int(const nlohmann::json& object, std::string_view key);
// An integer, or null (returned as nullopt).
StatusOr<std::optional<int64_t>> NullableInt(const nlohmann::json& object, std::string_view key);
// A finite number.
StatusOr<double> Number(const nlohmann::json& object, std::string_view key);
StatusOr<bool> Bool(const nlohmann::json& object, std::string_view key);
StatusOr<std::string> String(const nlohmann::json& object, std::string_view key);

// Returns `value` as a finite double. Errors: "found <type>, expected a number".
StatusOr<double> AsNumber(const nlohmann::json& value);
// Returns `value` as an int64_t. Errors: "found <type>, expected an integer".
StatusOr<int64_t> AsInt(const nlohmann::json& value);

// Returns `ns` as JSON: an integer, or null for nullopt.
inline nlohmann::json NullableIntJson(std::optional<int64_t> ns) {
  return ns ? nlohmann::json(*ns) : nlohmann::json(nullptr);
}

}  // namespace crescendo::vertical::json_fields

#endif  // CRESCENDO_SRC_VERTICAL_JSON_FIELDS_H_
