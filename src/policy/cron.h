// Cron expressions (five fields: minute hour day-of-month month day-of-week), as Vixie cron and
// Kubernetes CronJobs read them: numbers, `*`, ranges `a-b`, steps `*/n` and `a-b/n`, lists
// `a,b`, month and day names (jan, mon), 7 as Sunday; when both day fields are restricted, a
// day matches either (crontab(5)). Times are civil times in a zone; see SchedulePolicy.
//
// Thread safety: value types, pure functions.
#ifndef CRESCENDO_SRC_POLICY_CRON_H_
#define CRESCENDO_SRC_POLICY_CRON_H_

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo::policy {

struct CronSpec {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;     // 1..31
  std::bitset<13> months;   // 1..12
  std::bitset<7> weekdays;  // 0 = Sunday
  bool days_restricted = false;
  bool weekdays_restricted = false;

  friend bool operator==(const CronSpec&, const CronSpec&) = default;
  bool MatchesDay(const cctz::civil_day& day) const;
  // Returns whether the expression fires on some day of some year (Feb 29 counts).
  bool EverFires() const;
};

// Parses a five-field cron expression. Errors: InvalidArgument naming the field and what was
// expected.
StatusOr<CronSpec> ParseCron(std::string_view text);

// Returns the latest instant <= `t` at which `cron` fires in `zone`, searching back `horizon`;
// nullopt when it did not fire in that span. A civil time skipped by a daylight-saving change
// fires at the change; a repeated one fires at its first occurrence.
std::optional<Timestamp> LastFiring(const CronSpec& cron, const cctz::time_zone& zone, Timestamp t,
                                    Duration horizon);

}  // namespace crescendo::policy

#endif  // CRESCENDO_SRC_POLICY_CRON_H_
