// Params: typed, validated access to a forecaster's text parameters.
//
// Every getter records the key as used; CheckAllUsed() then rejects misspelt or unsupported
// keys. Errors are InvalidArgument and name the forecaster, the key, the value and what was
// expected, e.g. "seasonal_naive: parameter season=25x: expected a duration such as 24h".
//
// Thread safety: not thread-safe.
#ifndef CRESCENDO_SRC_FORECAST_PARAMS_H_
#define CRESCENDO_SRC_FORECAST_PARAMS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo::forecast {

class Params {
 public:
  Params(std::string forecaster, std::map<std::string, std::string> values)
      : forecaster_(std::move(forecaster)), values_(std::move(values)) {}

  const std::string& forecaster() const { return forecaster_; }
  bool Has(std::string_view key) const { return values_.count(std::string(key)) > 0; }

  // Returns the duration at `key` (Go syntax), or `fallback`; REQUIRES of the value: > 0.
  StatusOr<Duration> GetDuration(std::string_view key, Duration fallback);
  // Returns the number at `key`, or `fallback`; the value must lie in [min, max].
  StatusOr<double> GetDouble(std::string_view key, double fallback, double min, double max);
  StatusOr<int64_t> GetInt(std::string_view key, int64_t fallback, int64_t min, int64_t max);
  // Accepts true/false.
  StatusOr<bool> GetBool(std::string_view key, bool fallback);
  StatusOr<std::string> GetString(std::string_view key, const std::string& fallback);
  // Returns the duration at `key` in slots of `step`. Errors when it is not a whole number of
  // steps or more than kMaxSlots of them.
  StatusOr<int64_t> GetSlots(std::string_view key, Duration fallback, Duration step);

  static constexpr int64_t kMaxSlots = 1000000;

  // Errors: InvalidArgument listing the keys no getter asked for.
  Status CheckAllUsed() const;

  // Returns InvalidArgument "<forecaster>: parameter <key>=<value>: expected <expected>".
  Status Error(std::string_view key, std::string_view expected) const;

 private:
  const std::string* Find(std::string_view key);

  std::string forecaster_;
  std::map<std::string, std::string> values_;
  std::set<std::string> used_;
};

}  // namespace crescendo::forecast

#endif  // CRESCENDO_SRC_FORECAST_PARAMS_H_
