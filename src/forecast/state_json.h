// JSON helpers for checkpoints: arrays with gaps (NaN <-> null) and checked reads.
//
// Doubles are written with the shortest text that reads back to the same bits, so a restored
// state is bit-identical.
#ifndef CRESCENDO_SRC_FORECAST_STATE_JSON_H_
#define CRESCENDO_SRC_FORECAST_STATE_JSON_H_

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"

namespace crescendo::forecast {

// Returns a JSON array of `values`; NaN becomes null.
template <typename T>
nlohmann::json ArrayToJson(std::span<const T> values) {
  nlohmann::json out = nlohmann::json::array();
  for (T v : values) {
    if (std::isnan(v)) {
      out.push_back(nullptr);
    } else {
      out.push_back(v);
    }
  }
  return out;
}

// Reads `json[field]`, an array of exactly `size` numbers or nulls (null becomes NaN).
// Errors: InvalidArgument naming the field, the size found and the size expected.
template <typename T>
StatusOr<std::vector<T>> ArrayFromJson(const nlohmann::json& json, std::string_view field,
                                       size_t size) {
  const nlohmann::json& array = json.at(std::string(field));
  if (!array.is_array() || array.size() != size) {
    return InvalidArgumentError("checkpoint field '" + std::string(field) +
                                "': expected an array of " + std::to_string(size) +
                                " values, found " +
                                (array.is_array() ? std::to_string(array.size()) + " values"
                                                  : std::string(array.type_name())));
  }
  std::vector<T> out(size);
  for (size_t i = 0; i < size; ++i) {
    out[i] = array[i].is_null() ? std::numeric_limits<T>::quiet_NaN() : array[i].get<T>();
  }
  return out;
}

// Reads an optional double stored as a number or null.
inline double NumberOrNaN(const nlohmann::json& json, std::string_view field) {
  const nlohmann::json& v = json.at(std::string(field));
  return v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>();
}

inline nlohmann::json NumberOrNull(double v) {
  return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v);
}

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_STATE_JSON_H_
