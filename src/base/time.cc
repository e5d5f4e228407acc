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
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
    return 1000;  // µs (U+00B5, U+03BC)
  if (unit == "ms") return 1000000;
  if (unit == "s") return 1000000000LL;
  if (unit == "m") return 60LL * 1000000000LL;
  if (unit == "h") return 3600LL * 1000000000LL;
  return 0;
}

Status DurationError(std::string_view text, std::string_view what) {
  return InvalidArgumentError("invalid duration \"" + std::string(text) +
                              "\": " + std::string(what) +
                              " (expected a Go duration such as \"30s\", \"1m30s\", \"1.5h\")");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

namespace {

constexpr uint64_t kTwoTo63 = uint64_t{1} << 63;

Status DurationOverflow(std::string_view text) {
  return OutOfRangeError("invalid duration \"" + std::string(text) +
                         "\": overflows the int64 nanoseconds range (about 292 years)");
}

// Consumes the leading [0-9]* of `s` (Go time/format.go leadingInt); false on overflow.
bool LeadingInt(std::string_view* s, uint64_t* value) {
  uint64_t x = 0;
  size_t i = 0;
  for (; i < s->size() && IsDigit((*s)[i]); ++i) {
    if (x > kTwoTo63 / 10) return false;
    x = x * 10 + static_cast<uint64_t>((*s)[i] - '0');
    if (x > kTwoTo63) return false;
  }
  s->remove_prefix(i);
  *value = x;
  return true;
}

// Consumes the leading [0-9]* of `s` as a fraction (Go leadingFraction): digits beyond the
// precision of a uint64 are consumed but ignored. Returns value / scale.
struct Fraction {
  uint64_t value = 0;
  double scale = 1;
};
Fraction LeadingFraction(std::string_view* s) {
  Fraction f;
  bool overflow = false;
  size_t i = 0;
  for (; i < s->size() && IsDigit((*s)[i]); ++i) {
    if (overflow) continue;
    if (f.value > (kTwoTo63 - 1) / 10) {
      overflow = true;
      continue;
    }
    const uint64_t next = f.value * 10 + static_cast<uint64_t>((*s)[i] - '0');
    if (next > kTwoTo63) {
      overflow = true;
      continue;
    }
    f.value = next;
    f.scale *= 10;
  }
  s->remove_prefix(i);
  return f;
}

// Consumes one "<number><unit>" term of a duration and returns its nanoseconds (<= 2^63).
StatusOr<uint64_t> ParseTerm(std::string_view text, std::string_view* s) {
  if (!((*s)[0] == '.' || IsDigit((*s)[0]))) {
    return DurationError(text, "expected a number at \"" + std::string(*s) + "\"");
  }
  const size_t before = s->size();
  uint64_t whole = 0;
  if (!LeadingInt(s, &whole)) return DurationOverflow(text);
  const bool had_whole = s->size() != before;
  Fraction fraction;
  bool had_fraction = false;
  if (!s->empty() && (*s)[0] == '.') {
    s->remove_prefix(1);
    const size_t fraction_start = s->size();
    fraction = LeadingFraction(s);
    had_fraction = s->size() != fraction_start;
  }
  if (!had_whole && !had_fraction) return DurationError(text, "a number needs a digit");
  size_t unit_length = 0;
  while (unit_length < s->size() && (*s)[unit_length] != '.' && !IsDigit((*s)[unit_length])) {
    ++unit_length;
  }
  if (unit_length == 0) return DurationError(text, "missing unit");
  const std::string_view unit_text = s->substr(0, unit_length);
  const int64_t unit = UnitNanos(unit_text);
  if (unit == 0) return DurationError(text, "unknown unit \"" + std::string(unit_text) + "\"");
  s->remove_prefix(unit_length);
  const uint64_t unit_nanos = static_cast<uint64_t>(unit);
  if (whole > kTwoTo63 / unit_nanos) return DurationOverflow(text);
  uint64_t nanos = whole * unit_nanos;
  if (fraction.value > 0) {
    // As Go: float64 keeps fractions of an hour nanosecond-accurate.
    nanos += static_cast<uint64_t>(static_cast<double>(fraction.value) *
                                   (static_cast<double>(unit_nanos) / fraction.scale));
    if (nanos > kTwoTo63) return DurationOverflow(text);
  }
  return nanos;
}

}  // namespace

// Follows Go's time.ParseDuration (time/format.go): [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+
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
  while (!s.empty()) {
    CRESCENDO_ASSIGN_OR_RETURN(const uint64_t term, ParseTerm(text, &s));
    total += term;
    if (total > kTwoTo63) return DurationOverflow(text);
  }
  // Unsigned negation then a (C++20 modular) conversion: 2^63 becomes INT64_MIN without UB.
  if (negative) return Duration(static_cast<int64_t>(0 - total));
  if (total > kTwoTo63 - 1) return DurationOverflow(text);
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

Duration FromSeconds(double s) {
  // llround is unspecified outside the int64 range: saturate there, and map NaN to zero.
  const double nanos = s * 1e9;
  if (std::isnan(nanos)) return Duration(0);
  if (nanos >= 9223372036854775807.0) return Duration::max();
  if (nanos <= -9223372036854775808.0) return Duration::min();
  return Duration(static_cast<int64_t>(std::llround(nanos)));
}

Timestamp FromUnixSeconds(double unix_seconds) { return Timestamp(FromSeconds(unix_seconds)); }

double ToUnixSeconds(Timestamp t) { return ToSeconds(t.time_since_epoch()); }

namespace {

Status TimestampError(std::string_view text, std::string_view what) {
  return InvalidArgumentError("invalid timestamp \"" + std::string(text) +
                              "\": " + std::string(what) +
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

namespace {

bool IsLeapYear(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

struct CivilTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int64_t nanos = 0;
  int64_t offset_seconds = 0;  // east of UTC
};

// Parses "YYYY-MM-DDTHH:MM:SS" with Go's ranges (time/format_rfc3339.go parseRFC3339).
Status ParseDateAndTime(std::string_view text, CivilTime* c) {
  if (text.size() < 19 || !ReadInt(text, 0, 4, &c->year) || text[4] != '-' ||
      !ReadInt(text, 5, 2, &c->month) || text[7] != '-' || !ReadInt(text, 8, 2, &c->day) ||
      text[10] != 'T' || !ReadInt(text, 11, 2, &c->hour) || text[13] != ':' ||
      !ReadInt(text, 14, 2, &c->minute) || text[16] != ':' || !ReadInt(text, 17, 2, &c->second)) {
    return TimestampError(text, "malformed date or time");
  }
  if (c->month < 1 || c->month > 12) return TimestampError(text, "month out of range 01..12");
  if (c->day < 1 || c->day > DaysInMonth(c->year, c->month)) {
    return TimestampError(text, "day out of range for the month");
  }
  if (c->hour > 23 || c->minute > 59 || c->second > 59) {
    return TimestampError(text, "time of day out of range 00:00:00..23:59:59");
  }
  return Status::Ok();
}

// Parses an optional fraction of a second ('.' or ',' then digits; digits past the ninth are
// ignored, as Go does) starting at *pos.
Status ParseFractionOfSecond(std::string_view text, size_t* pos, CivilTime* c) {
  if (*pos >= text.size() || (text[*pos] != '.' && text[*pos] != ',')) return Status::Ok();
  ++*pos;
  int digits = 0;
  for (; *pos < text.size() && IsDigit(text[*pos]); ++*pos) {
    if (digits < 9) {
      c->nanos = c->nanos * 10 + (text[*pos] - '0');
      ++digits;
    }
  }
  if (digits == 0) return TimestampError(text, "a fraction of a second needs a digit");
  for (int i = digits; i < 9; ++i) c->nanos *= 10;
  return Status::Ok();
}

// Parses the zone: "Z" or "+hh:mm" / "-hh:mm", which must end the text.
Status ParseZone(std::string_view text, size_t pos, CivilTime* c) {
  const std::string_view zone = text.substr(pos);
  if (zone == "Z") return Status::Ok();
  int hours = 0;
  int minutes = 0;
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || !ReadInt(zone, 1, 2, &hours) ||
      zone[3] != ':' || !ReadInt(zone, 4, 2, &minutes)) {
    return TimestampError(text, "zone \"" + std::string(zone) + "\" is not Z, +hh:mm or -hh:mm");
  }
  if (hours > 23 || minutes > 59) return TimestampError(text, "zone offset out of range");
  c->offset_seconds = (zone[0] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
  return Status::Ok();
}

}  // namespace

StatusOr<Timestamp> ParseRfc3339(std::string_view text) {
  CivilTime c;
  CRESCENDO_RETURN_IF_ERROR(ParseDateAndTime(text, &c));
  size_t pos = 19;
  CRESCENDO_RETURN_IF_ERROR(ParseFractionOfSecond(text, &pos, &c));
  CRESCENDO_RETURN_IF_ERROR(ParseZone(text, pos, &c));
  const int64_t days =
      DaysFromCivil(c.year, static_cast<unsigned>(c.month), static_cast<unsigned>(c.day));
  const int64_t unix_seconds =
      days * 86400 + c.hour * 3600 + c.minute * 60 + c.second - c.offset_seconds;
  // Timestamp holds int64 nanoseconds: 1677-09-21T00:12:43Z .. 2262-04-11T23:47:16Z.
  constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 1000000000LL;
  if (unix_seconds >= kMaxSeconds || unix_seconds <= -kMaxSeconds) {
    return OutOfRangeError("timestamp \"" + std::string(text) +
                           "\" is outside the range of int64 nanoseconds since 1970 "
                           "(1677-09-21 .. 2262-04-11)");
  }
  return Timestamp(Duration(unix_seconds * 1000000000LL + c.nanos));
}

std::string FormatRfc3339(Timestamp t) {
  int64_t ns = t.time_since_epoch().count();
  int64_t secs = ns >= 0 ? ns / 1000000000LL : -((-ns + 999999999LL) / 1000000000LL);
  int64_t frac = ns - secs * 1000000000LL;
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
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
