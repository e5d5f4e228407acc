// The built-in policy kinds and what they share: a configured policy knows its name, where it
// is configured and its stage, and traces each change as "<name>@<file:line>".
//
// Thread safety: policies are immutable after their factory returns.
#ifndef CRESCENDO_SRC_POLICY_KINDS_KINDS_H_
#define CRESCENDO_SRC_POLICY_KINDS_KINDS_H_

#include <cctz/time_zone.h>

#include <charconv>
#include <memory>
#include <string>

#include "crescendo/policy/registry.h"
#include "policy/cron.h"

namespace crescendo::policy {

// Append a number to a trace reason without a temporary string (std::to_chars: far cheaper than
// printf on the policies stage's path): the shortest text that reads back as `v`, or `v` with
// `decimals` decimals.
inline std::string& AppendShortest(std::string& out, double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return out.append(buf, ec == std::errc() ? end : buf);
}
inline std::string& AppendFixed(std::string& out, double v, int decimals) {
  char buf[48];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  return out.append(buf, ec == std::errc() ? end : buf);
}

class ConfiguredPolicy : public Policy {
 public:
  ConfiguredPolicy(const PolicySpec& spec, Stage stage)
      : name_(spec.name), step_(TraceStep(spec.name, spec.location)), stage_(stage) {}
  std::string_view name() const override { return name_; }
  Stage stage() const override { return stage_; }

 protected:
  // Sets the proposal's replicas to `replicas` and traces the change under this policy's step.
  void Record(Proposal& proposal, int32_t replicas, std::string reason) const {
    proposal.Record(step_, replicas, std::move(reason));
  }
  const std::string& step() const { return step_; }

 private:
  std::string name_;
  std::string step_;
  Stage stage_;
};

// One window of a schedule: open from each time `start` fires, in the schedule's zone, for
// `duration` of elapsed time.
struct ScheduleWindow {
  CronSpec start;
  std::string start_text;
  std::string label;  // "window \"<start>\" <zone> for <duration>", for traces
  Duration duration{};
  std::optional<int32_t> min_replicas;
  std::optional<int32_t> max_replicas;
  std::optional<int32_t> replicas;  // a fixed count
  bool freeze = false;              // no scale-down
  bool hold = false;                // mode hold: no change at all
  SpecLocation location;
  std::string path;
  size_t timing_hash = 0;  // of the zone, start and duration: what decides when it is open
};

// The schedule kind's policy, visible to BuildChain for the checks across schedules.
class SchedulePolicy final : public ConfiguredPolicy {
 public:
  SchedulePolicy(const PolicySpec& spec, bool is_protected, cctz::time_zone zone,
                 std::string zone_name, std::vector<ScheduleWindow> windows)
      : ConfiguredPolicy(spec, is_protected ? Stage::kSafety : Stage::kPreference),
        zone_(zone),
        zone_name_(std::move(zone_name)),
        windows_(std::move(windows)) {}
  Proposal Apply(Proposal proposal, const PolicyContext& ctx) const override;
  // Returns whether window `w` is open at `t`.
  bool IsOpen(const ScheduleWindow& w, Timestamp t) const;
  // Returns when window `w` opened in (t - span, t], if it did.
  std::optional<Timestamp> FiringWithin(const ScheduleWindow& w, Timestamp t, Duration span) const {
    std::optional<Timestamp> at = LastFiring(w.start, zone_, t, span);
    return at && *at > t - span ? at : std::nullopt;
  }
  const std::vector<ScheduleWindow>& windows() const { return windows_; }

 private:
  // IsOpen() through a small table per thread: every workload of a tick asks at the same `now`,
  // and many schedules share a window's timing (the same zone, start and duration, whatever
  // they set), so the time-zone and cron arithmetic runs about once per tick and timing rather
  // than once per workload.
  bool OpenNow(const ScheduleWindow& w, Timestamp now) const;

  cctz::time_zone zone_;
  std::string zone_name_;
  std::vector<ScheduleWindow> windows_;
};

// Reports windows (of one schedule or of two) that can be open at once with a floor above the
// other's ceiling, scanning one year from `from` in 15-minute steps and at every opening.
void CheckScheduleConflicts(std::span<const SchedulePolicy* const> schedules, Timestamp from,
                            SpecReader& reader);

std::unique_ptr<Policy> CreateBoundsPolicy(const PolicySpec&, const BuildEnvironment&, SpecReader&);
std::unique_ptr<Policy> CreateRateLimitPolicy(const PolicySpec&, const BuildEnvironment&,
                                              SpecReader&);
std::unique_ptr<Policy> CreateSchedulePolicy(const PolicySpec&, const BuildEnvironment&,
                                             SpecReader&);
std::unique_ptr<Policy> CreateSloPolicy(const PolicySpec&, const BuildEnvironment&, SpecReader&);
std::unique_ptr<Policy> CreateBudgetPolicy(const PolicySpec&, const BuildEnvironment&, SpecReader&);
std::unique_ptr<Policy> CreateExpressionPolicy(const PolicySpec&, const BuildEnvironment&,
                                               SpecReader&);

}  // namespace crescendo::policy

#endif  // CRESCENDO_SRC_POLICY_KINDS_KINDS_H_
