// Time points and durations, and their text forms.
//
// Duration is nanoseconds, as Go's time.Duration; Timestamp is nanoseconds since the Unix epoch
// (UTC). Durations are written as Go writes them ("30s", "1m30s", "1.5h", "300ms", "-1h2m").
// Timestamps are written as RFC 3339 in UTC ("2026-11-27T18:00:00Z").
//
// Thread safety: all functions are pure.
#ifndef CRESCENDO_BASE_TIME_H_
#define CRESCENDO_BASE_TIME_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "crescendo/base/status.h"

namespace crescendo {

using Duration = std::chrono::nanoseconds;
using Timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>;

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Parses a Go duration string exactly as Go's time.ParseDuration does: a possibly signed
// sequence of decimal numbers, each with an optional fraction and a unit suffix
// ("ns", "us", "µs", "μs", "ms", "s", "m", "h"); "0" alone is allowed.
// Errors: InvalidArgument naming the input and what was expected; OutOfRange on overflow.
StatusOr<Duration> ParseDuration(std::string_view text);

// Returns the text Go's time.Duration.String() gives, e.g. "1h2m0.5s", "1.5µs", "0s".
std::string FormatDuration(Duration d);

// Returns the duration in seconds as a double.
inline double ToSeconds(Duration d) { return std::chrono::duration<double>(d).count(); }
// Returns the duration of `s` seconds, rounded to the nearest nanosecond.
Duration FromSeconds(double s);

// Parses an RFC 3339 timestamp ("2026-11-27T18:00:00Z", "2026-11-27T18:00:00.5+01:00").
// Errors: InvalidArgument naming the input and the expected form.
StatusOr<Timestamp> ParseRfc3339(std::string_view text);

// Returns the RFC 3339 UTC form; fractional seconds are printed only when non-zero.
std::string FormatRfc3339(Timestamp t);

// Returns the timestamp `unix_seconds` after the epoch.
Timestamp FromUnixSeconds(double unix_seconds);
// Returns seconds since the epoch.
double ToUnixSeconds(Timestamp t);

}  // namespace crescendo

#endif  // CRESCENDO_BASE_TIME_H_
