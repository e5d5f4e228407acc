#include "policy/cron.h"

#include <array>
#include <charconv>
#include <vector>

namespace crescendo::policy {
namespace {

struct Field {
  const char* name;
  int min;
  int max;
  std::array<std::string_view, 12> names;  // names[i] is min + i; empty when none
};

constexpr Field kFields[] = {
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day of month", 1, 31, {}},
    {"month",
     1,
     12,
     {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
    {"day of week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
};

std::optional<int> Number(std::string_view text, const Field& field) {
  for (size_t i = 0; i < field.names.size(); ++i) {
    if (field.names[i].empty()) break;
    if (text.size() == 3 && (text[0] | 0x20) == field.names[i][0] &&
        (text[1] | 0x20) == field.names[i][1] && (text[2] | 0x20) == field.names[i][2]) {
      return field.min + static_cast<int>(i);
    }
  }
  int v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

Status FieldError(const Field& field, std::string_view text, std::string why) {
  return InvalidArgumentError("cron " + std::string(field.name) + " field \"" + std::string(text) +
                              "\": " + why);
}

// Parses one field into `bits` (index = value); returns whether it was `*` (unrestricted).
StatusOr<bool> ParseField(std::string_view text, const Field& field, std::vector<bool>& bits) {
  bits.assign(field.max + 1, false);
  bool star = text == "*";
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item =
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    int step = 1;
    size_t slash = item.find('/');
    if (slash != std::string_view::npos) {
      std::optional<int> s = Number(item.substr(slash + 1), {"step", 1, 60, {}});
      if (!s || *s < 1) return FieldError(field, text, "expected a step >= 1 after '/'");
      step = *s;
      item = item.substr(0, slash);
    }
    int lo = field.min, hi = field.max;
    if (item != "*") {
      size_t dash = item.find('-');
      std::optional<int> a = Number(item.substr(0, dash), field);
      std::optional<int> b =
          dash == std::string_view::npos ? a : Number(item.substr(dash + 1), field);
      if (!a || !b) {
        return FieldError(field, text,
                          "expected *, a number, a range a-b or a list, with an optional /step");
      }
      lo = *a;
      hi = slash != std::string_view::npos && dash == std::string_view::npos ? field.max : *b;
      if (lo < field.min || hi > field.max || lo > hi) {
        return FieldError(field, text,
                          "expected values in " + std::to_string(field.min) + ".." +
                              std::to_string(field.max) + " with the range's start <= its end");
      }
    }
    for (int v = lo; v <= hi; v += step) bits[v] = true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return star;
}

Timestamp Absolute(const cctz::time_zone& zone, const cctz::civil_second& cs) {
  cctz::time_zone::civil_lookup cl = zone.lookup(cs);
  auto tp = cl.kind == cctz::time_zone::civil_lookup::SKIPPED ? cl.trans : cl.pre;
  return Timestamp(std::chrono::duration_cast<Duration>(tp.time_since_epoch()));
}

}  // namespace

bool CronSpec::MatchesDay(const cctz::civil_day& day) const {
  if (!months[day.month()]) return false;
  int weekday = 0;
  switch (cctz::get_weekday(day)) {
    case cctz::weekday::sunday:
      weekday = 0;
      break;
    case cctz::weekday::monday:
      weekday = 1;
      break;
    case cctz::weekday::tuesday:
      weekday = 2;
      break;
    case cctz::weekday::wednesday:
      weekday = 3;
      break;
    case cctz::weekday::thursday:
      weekday = 4;
      break;
    case cctz::weekday::friday:
      weekday = 5;
      break;
    case cctz::weekday::saturday:
      weekday = 6;
      break;
  }
  bool day_ok = days[day.day()];
  bool weekday_ok = weekdays[weekday];
  // crontab(5): when both fields are restricted, either one matching is enough.
  if (days_restricted && weekdays_restricted) return day_ok || weekday_ok;
  return day_ok && weekday_ok;
}

bool CronSpec::EverFires() const {
  if (minutes.none() || hours.none()) return false;
  if (weekdays_restricted && !days_restricted) return months.any() && weekdays.any();
  if (weekdays_restricted && weekdays.any() && months.any()) return true;
  static constexpr int kDaysInMonth[] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; ++m) {
    if (!months[m]) continue;
    for (int d = 1; d <= kDaysInMonth[m]; ++d) {
      if (days[d]) return true;
    }
  }
  return false;
}

StatusOr<CronSpec> ParseCron(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) parts.push_back(text.substr(start, i - start));
  }
  if (parts.size() != 5) {
    return InvalidArgumentError("cron expression \"" + std::string(text) + "\" has " +
                                std::to_string(parts.size()) +
                                " fields; expected 5: minute hour day-of-month month day-of-week");
  }
  CronSpec spec;
  std::vector<bool> bits;
  for (size_t f = 0; f < 5; ++f) {
    StatusOr<bool> star = ParseField(parts[f], kFields[f], bits);
    if (!star.ok()) return star.status();
    for (size_t v = 0; v < bits.size(); ++v) {
      if (!bits[v]) continue;
      switch (f) {
        case 0:
          spec.minutes.set(v);
          break;
        case 1:
          spec.hours.set(v);
          break;
        case 2:
          spec.days.set(v);
          break;
        case 3:
          spec.months.set(v);
          break;
        default:
          spec.weekdays.set(v % 7);
          break;  // 7 is Sunday too
      }
    }
    if (f == 2) spec.days_restricted = !*star;
    if (f == 4) spec.weekdays_restricted = !*star;
  }
  return spec;
}

std::optional<Timestamp> LastFiring(const CronSpec& cron, const cctz::time_zone& zone, Timestamp t,
                                    Duration horizon) {
  using std::chrono::floor;
  auto local = [&](Timestamp x) { return cctz::convert(floor<std::chrono::seconds>(x), zone); };
  cctz::civil_day first = cctz::civil_day(local(t));
  cctz::civil_day last = cctz::civil_day(local(t - horizon)) - 1;
  for (cctz::civil_day day = first; day >= last; --day) {
    if (!cron.MatchesDay(day)) continue;
    for (int h = 23; h >= 0; --h) {
      if (!cron.hours[h]) continue;
      for (int m = 59; m >= 0; --m) {
        if (!cron.minutes[m]) continue;
        Timestamp at = Absolute(zone, cctz::civil_second(day.year(), day.month(), day.day(), h, m));
        if (at > t) continue;
        if (at < t - horizon) return std::nullopt;
        return at;
      }
    }
  }
  return std::nullopt;
}

}  // namespace crescendo::policy
