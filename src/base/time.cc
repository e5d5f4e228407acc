#include "crescendo/base/time.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

namespace crescendo {
namespace {

// Unit multipliers in nanoseconds, as Go's time package defines them (time/format.go unitMap).
int64_t UnitNanos(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1000;  // µs (U+00B5, U+03BC)
  if (unit == "ms") return 1000000;
  if (unit == "s") return 1000000000LL;
  if (unit == "m") return 60LL * 1000000000LL;
  if (unit == "h") return 3600LL * 1000000000LL;
  return 0;
}

Status DurationError(std::string_view text, std::string_view what) {
  return InvalidArgumentError("invalid duration \"" + std::string(text) + "\": " +
                              std::string(what) +
                              " (expected a Go duration such as \"30s\", \"1m30s\", \"1.5h\")");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

// Follows the algorithm of Go's time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+
StatusOr<Duration> ParseDuration(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration(0);
  if (s.empty()) return DurationError(text, "empty");
  uint64_t total = 0;
  constexpr uint64_t kMax = uint64_t{1} << 63;
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s[0]))) return DurationError(text, "expected a number");
    uint64_t whole = 0;
    size_t i = 0;
    bool overflow = false;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (whole > (kMax - 1) / 10) overflow = true;
      whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
      if (whole > kMax) overflow = true;
    }
    if (overflow) return OutOfRangeError("invalid duration \"" + std::string(text) + "\": overflow");
    bool had_whole = i > 0;
    s.remove_prefix(i);
    uint64_t frac = 0;
    double frac_scale = 1;
    bool had_frac = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t j = 0;
      for (; j < s.size() && IsDigit(s[j]); ++j) {
        if (frac < (uint64_t{1} << 62) / 10) {  // drop digits beyond precision, as Go does
          frac = frac * 10 + static_cast<uint64_t>(s[j] - '0');
          frac_scale *= 10;
        }
      }
      had_frac = j > 0;
      s.remove_prefix(j);
    }
    if (!had_whole && !had_frac) return DurationError(text, "expected a number");
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !IsDigit(s[u])) ++u;
    if (u == 0) return DurationError(text, "missing unit");
    int64_t unit = UnitNanos(s.substr(0, u));
    if (unit == 0) {
      return DurationError(text, "unknown unit \"" + std::string(s.substr(0, u)) + "\"");
    }
    s.remove_prefix(u);
    if (whole > (kMax - 1) / static_cast<uint64_t>(unit) + 1 ||
        whole * static_cast<uint64_t>(unit) > kMax) {
      return OutOfRangeError("invalid duration \"" + std::string(text) + "\": overflow");
    }
    uint64_t v = whole * static_cast<uint64_t>(unit);
    if (frac > 0) {
      v += static_cast<uint64_t>(static_cast<double>(frac) * (static_cast<double>(unit) / frac_scale));
      if (v > kMax) return OutOfRangeError("invalid duration \"" + std::string(text) + "\": overflow");
    }
    total += v;
    if (total > kMax) return OutOfRangeError("invalid duration \"" + std::string(text) + "\": overflow");
  }
  if (negative) return Duration(-static_cast<int64_t>(total));
  if (total > kMax - 1) return OutOfRangeError("invalid duration \"" + std::string(text) + "\": overflow");
  return Duration(static_cast<int64_t>(total));
}

namespace {

// Writes v / 10^prec with trailing zeros of the fraction dropped, as Go's fmtFrac+fmtInt.
std::string FormatFraction(uint64_t v, int prec) {
  std::string frac;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) frac.insert(frac.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  std::string out = std::to_string(v);
  if (print) out += "." + frac;
  return out;
}

}  // namespace

// Mirrors Go's time.Duration.String().
std::string FormatDuration(Duration d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  bool negative = ns < 0;
  uint64_t u = negative ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  std::string out;
  if (u < 1000000000ULL) {
    // Sub-second: use the largest unit that keeps the whole part non-zero.
    if (u < 1000ULL) {
      out = std::to_string(u) + "ns";
    } else if (u < 1000000ULL) {
      out = FormatFraction(u, 3) + "\xC2\xB5s";
    } else {
      out = FormatFraction(u, 6) + "ms";
    }
  } else {
    uint64_t secs_ns = u % 60000000000ULL;
    uint64_t mins = u / 60000000000ULL;
    out = FormatFraction(secs_ns, 9) + "s";
    if (mins > 0) {
      uint64_t hours_part = mins / 60;
      out = std::to_string(mins % 60) + "m" + out;
      if (hours_part > 0) out = std::to_string(hours_part) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

Duration FromSeconds(double s) { return Duration(static_cast<int64_t>(std::llround(s * 1e9))); }

Timestamp FromUnixSeconds(double unix_seconds) { return Timestamp(FromSeconds(unix_seconds)); }

double ToUnixSeconds(Timestamp t) { return ToSeconds(t.time_since_epoch()); }

namespace {

Status TimestampError(std::string_view text, std::string_view what) {
  return InvalidArgumentError("invalid timestamp \"" + std::string(text) + "\": " +
                              std::string(what) +
                              " (expected RFC 3339, e.g. \"2026-11-27T18:00:00Z\")");
}

bool ReadInt(std::string_view s, size_t pos, size_t len, int* out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (!IsDigit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

StatusOr<Timestamp> ParseRfc3339(std::string_view text) {
  int year, month, day, hour, minute, second;
  if (!ReadInt(text, 0, 4, &year) || text.size() < 19 || text[4] != '-' ||
      !ReadInt(text, 5, 2, &month) || text[7] != '-' || !ReadInt(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !ReadInt(text, 11, 2, &hour) ||
      text[13] != ':' || !ReadInt(text, 14, 2, &minute) || text[16] != ':' ||
      !ReadInt(text, 17, 2, &second)) {
    return TimestampError(text, "malformed date or time");
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return TimestampError(text, "field out of range");
  }
  size_t pos = 19;
  int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && IsDigit(text[pos])) {
      if (digits < 9) {
        nanos = nanos * 10 + (text[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return TimestampError(text, "empty fraction of a second");
    for (int i = digits; i < 9; ++i) nanos *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (!ReadInt(text, pos + 1, 2, &oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !ReadInt(text, pos + 4, 2, &om)) {
      return TimestampError(text, "malformed zone offset");
    }
    offset_seconds = (text[pos] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    pos += 6;
  } else {
    return TimestampError(text, "missing zone (Z or +hh:mm)");
  }
  if (pos != text.size()) return TimestampError(text, "trailing characters");
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return Timestamp(Duration(secs * 1000000000LL + nanos));
}

std::string FormatRfc3339(Timestamp t) {
  int64_t ns = t.time_since_epoch().count();
  int64_t secs = ns >= 0 ? ns / 1000000000LL : -((-ns + 999999999LL) / 1000000000LL);
  int64_t frac = ns - secs * 1000000000LL;
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (frac != 0) {
    char fb[16];
    std::snprintf(fb, sizeof(fb), "%09lld", static_cast<long long>(frac));
    std::string f = fb;
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out + "Z";
}

}  // namespace crescendo
