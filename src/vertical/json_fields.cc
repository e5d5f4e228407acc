#include "vertical/json_fields.h"

#include <cmath>
#include <limits>

namespace crescendo::vertical::json_fields {
namespace {

Status Found(std::string_view key, const nlohmann::json& value, std::string_view expected) {
  std::string message(key);
  if (!message.empty()) message += ": ";
  return InvalidArgumentError(message + "found " + std::string(TypeName(value)) + ", expected " +
                              std::string(expected));
}

StatusOr<const nlohmann::json*> Field(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return Found("", object, "an object");
  auto it = object.find(key);
  if (it == object.end()) return InvalidArgumentError(std::string(key) + ": missing");
  return &*it;
}

}  // namespace

std::string_view TypeName(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      return "object";
    case nlohmann::json::value_t::array:
      return "array";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::boolean:
      return "boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return "number";
    case nlohmann::json::value_t::null:
      return "null";
    default:
      return "binary";
  }
}

Status ExpectObject(const nlohmann::json& value) {
  if (value.is_object()) return Status::Ok();
  return Found("", value, "an object");
}

StatusOr<const nlohmann::json*> Object(const nlohmann::json& object, std::string_view key) {
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* value, Field(object, key));
  if (!value->is_object()) return Found(key, *value, "an object");
  return value;
}

StatusOr<const nlohmann::json*> Array(const nlohmann::json& object, std::string_view key) {
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* value, Field(object, key));
  if (!value->is_array()) return Found(key, *value, "an array");
  return value;
}

StatusOr<int64_t> AsInt(const nlohmann::json& value) {
  if (value.is_number_integer() && !value.is_number_unsigned()) return value.get<int64_t>();
  if (value.is_number_unsigned() &&
      value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return static_cast<int64_t>(value.get<uint64_t>());
  }
  return Found("", value, "an integer");
}

StatusOr<double> AsNumber(const nlohmann::json& value) {
  if (value.is_number()) {
    const double d = value.get<double>();
    if (std::isfinite(d)) return d;
  }
  return Found("", value, "a finite number");
}

StatusOr<int64_t> Int(const nlohmann::json& object, std::string_view key) {
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* value, Field(object, key));
  StatusOr<int64_t> result = AsInt(*value);
  if (!result.ok()) return Found(key, *value, "an integer");
  return result;
}

StatusOr<std::optional<int64_t>> NullableInt(const nlohmann::json& object, std::string_view key) {
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* value, Field(object, key));
  if (value->is_null()) return std::optional<int64_t>();
  StatusOr<int64_t> result = AsInt(*value);
  if (!result.ok()) return Found(key, *value, "an integer or null");
  return std::optional<int64_t>(*result);
}

StatusOr<double> Number(const nlohmann::json& object, std::string_view key) {
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* value, Field(object, key));
  StatusOr<double> result = AsNumber(*value);
  if (!result.ok()) return Found(key, *value, "a finite number");
  return result;
}

StatusOr<bool> Bool(const nlohmann::json& object, std::string_view key) {
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* value, Field(object, key));
  if (!value->is_boolean()) return Found(key, *value, "a boolean");
  return value->get<bool>();
}

StatusOr<std::string> String(const nlohmann::json& object, std::string_view key) {
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* value, Field(object, key));
  if (!value->is_string()) return Found(key, *value, "a string");
  return value->get<std::string>();
}

}  // namespace crescendo::vertical::json_fields
