#include "forecast/params.h"

#include <charconv>
#include <cmath>

namespace crescendo::forecast {

const std::string* Params::Find(std::string_view key) {
  auto it = values_.find(std::string(key));
  if (it == values_.end()) return nullptr;
  used_.insert(it->first);
  return &it->second;
}

Status Params::Error(std::string_view key, std::string_view expected) const {
  auto it = values_.find(std::string(key));
  const std::string value = it == values_.end() ? "" : it->second;
  return InvalidArgumentError(forecaster_ + ": parameter " + std::string(key) + "=" + value +
                              ": expected " + std::string(expected));
}

StatusOr<Duration> Params::GetDuration(std::string_view key, Duration fallback) {
  const std::string* text = Find(key);
  if (text == nullptr) return fallback;
  StatusOr<Duration> d = ParseDuration(*text);
  if (!d.ok()) return Error(key, "a duration such as 5m or 24h");
  if (*d <= Duration::zero()) return Error(key, "a positive duration");
  return *d;
}

StatusOr<double> Params::GetDouble(std::string_view key, double fallback, double min, double max) {
  const std::string* text = Find(key);
  if (text == nullptr) return fallback;
  double v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || !std::isfinite(v)) {
    return Error(key, "a number");
  }
  if (v < min || v > max) {
    return Error(key, "a number in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return v;
}

StatusOr<int64_t> Params::GetInt(std::string_view key, int64_t fallback, int64_t min, int64_t max) {
  const std::string* text = Find(key);
  if (text == nullptr) return fallback;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size()) return Error(key, "an integer");
  if (v < min || v > max) {
    return Error(key, "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return v;
}

StatusOr<bool> Params::GetBool(std::string_view key, bool fallback) {
  const std::string* text = Find(key);
  if (text == nullptr) return fallback;
  if (*text == "true") return true;
  if (*text == "false") return false;
  return Error(key, "true or false");
}

StatusOr<std::string> Params::GetString(std::string_view key, const std::string& fallback) {
  const std::string* text = Find(key);
  return text == nullptr ? fallback : *text;
}

StatusOr<int64_t> Params::GetSlots(std::string_view key, Duration fallback, Duration step) {
  CRESCENDO_ASSIGN_OR_RETURN(Duration d, GetDuration(key, fallback));
  if (d.count() % step.count() != 0) {
    return InvalidArgumentError(forecaster_ + ": parameter " + std::string(key) + "=" +
                                FormatDuration(d) +
                                ": expected a whole multiple of step=" + FormatDuration(step));
  }
  if (d / step > kMaxSlots) {
    return InvalidArgumentError(forecaster_ + ": parameter " + std::string(key) + "=" +
                                FormatDuration(d) + ": expected at most " +
                                std::to_string(kMaxSlots) + " steps of " + FormatDuration(step));
  }
  return d / step;
}

Status Params::CheckAllUsed() const {
  std::string unknown;
  for (const auto& [key, value] : values_) {
    if (used_.count(key) > 0) continue;
    unknown += (unknown.empty() ? "" : ", ") + key;
  }
  if (unknown.empty()) return Status::Ok();
  return InvalidArgumentError(forecaster_ + ": unknown parameter(s) " + unknown +
                              " (docs/forecasting.md lists each forecaster's parameters)");
}

}  // namespace crescendo::forecast
