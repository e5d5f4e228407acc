// kind: schedule — cron windows in an IANA time zone that set floors, ceilings, a fixed count,
// freezes (no scale-down) or hold (no change). Civil times follow the zone's daylight saving
// (cctz over the system zoneinfo): "0 18 * * 5" in Europe/Paris opens at 17:00Z in winter and
// 16:00Z in summer.
#include <algorithm>
#include <array>
#include <functional>

#include "policy/kinds/kinds.h"

namespace crescendo::policy {

bool SchedulePolicy::IsOpen(const ScheduleWindow& w, Timestamp t) const {
  std::optional<Timestamp> opened = LastFiring(w.start, zone_, t, w.duration);
  return opened.has_value() && t < *opened + w.duration;
}

bool SchedulePolicy::OpenNow(const ScheduleWindow& w, Timestamp now) const {
  struct Entry {
    bool valid = false;
    bool open = false;
    cctz::time_zone zone;
    Duration duration{};
    Timestamp now;
    CronSpec start;
  };
  thread_local std::array<Entry, 64> table;
  const size_t slot =
      (w.timing_hash ^ std::hash<int64_t>()(now.time_since_epoch().count())) % table.size();
  Entry& e = table[slot];
  if (e.valid && e.now == now && e.duration == w.duration && e.zone == zone_ &&
      e.start == w.start) {
    return e.open;
  }
  e = Entry{true, IsOpen(w, now), zone_, w.duration, now, w.start};
  return e.open;
}

Proposal SchedulePolicy::Apply(Proposal proposal, const PolicyContext& ctx) const {
  for (const ScheduleWindow& w : windows_) {
    if (!OpenNow(w, ctx.now)) continue;
    const std::string& window = w.label;
    int32_t want = proposal.desired_replicas;
    if (w.hold && want != proposal.current_replicas) {
      Record(proposal, proposal.current_replicas, window + ": mode hold keeps the replicas");
      continue;
    }
    if (w.replicas && want != *w.replicas) {
      Record(proposal, *w.replicas, window + ": fixed at " + std::to_string(*w.replicas));
    }
    if (w.max_replicas && proposal.desired_replicas > *w.max_replicas) {
      Record(proposal, *w.max_replicas, window + ": ceiling " + std::to_string(*w.max_replicas));
    }
    if (w.min_replicas && proposal.desired_replicas < *w.min_replicas) {
      Record(proposal, *w.min_replicas, window + ": floor " + std::to_string(*w.min_replicas));
    }
    if (w.freeze && proposal.desired_replicas < proposal.current_replicas) {
      Record(proposal, proposal.current_replicas, window + ": freeze, no scale-down");
    }
  }
  return proposal;
}

namespace {

// The highest floor and lowest ceiling a window imposes (a fixed count is both).
std::pair<int64_t, int64_t> FloorCeiling(const ScheduleWindow& w) {
  int64_t floor = w.replicas.value_or(w.min_replicas.value_or(0));
  int64_t ceiling = w.replicas.value_or(w.max_replicas.value_or(INT32_MAX));
  return {floor, ceiling};
}

struct Placed {
  const SchedulePolicy* policy;
  const ScheduleWindow* window;
};

}  // namespace

void CheckScheduleConflicts(std::span<const SchedulePolicy* const> schedules, Timestamp from,
                            SpecReader& reader) {
  std::vector<Placed> all;
  for (const SchedulePolicy* s : schedules) {
    for (const ScheduleWindow& w : s->windows()) all.push_back({s, &w});
  }
  const Duration step = std::chrono::minutes(15);
  for (size_t i = 0; i < all.size(); ++i) {
    for (size_t j = i + 1; j < all.size(); ++j) {
      auto [floor_a, ceiling_a] = FloorCeiling(*all[i].window);
      auto [floor_b, ceiling_b] = FloorCeiling(*all[j].window);
      if (floor_a <= ceiling_b && floor_b <= ceiling_a) continue;
      // Two intervals overlap exactly when one opens while the other is open.
      std::optional<Timestamp> both;
      for (Timestamp t = from + step; !both && t < from + std::chrono::hours(24 * 366); t += step) {
        for (auto [x, y] : {std::pair{i, j}, std::pair{j, i}}) {
          std::optional<Timestamp> opened = all[x].policy->FiringWithin(*all[x].window, t, step);
          if (opened && all[y].policy->IsOpen(*all[y].window, *opened)) both = opened;
        }
      }
      if (!both) continue;
      const ScheduleWindow& w = *all[j].window;
      SpecNode at;
      at.location = w.location;
      at.path = w.path;
      reader.Error(at,
                   "a window that overlaps " + all[i].window->path + " (both open at " +
                       FormatRfc3339(*both) + ") with a floor of " +
                       std::to_string(std::max(floor_a, floor_b)) + " above a ceiling of " +
                       std::to_string(std::min(ceiling_a, ceiling_b)),
                   "windows that never overlap, or floors at or below the other's ceiling");
    }
  }
}

namespace {

std::optional<ScheduleWindow> ReadWindow(const SpecNode& node, SpecReader& r) {
  static constexpr std::string_view kKeys[] = {"start",    "duration", "minReplicas", "maxReplicas",
                                               "replicas", "freeze",   "mode"};
  static constexpr std::string_view kModes[] = {"hold"};
  if (!r.ExpectMap(node)) return std::nullopt;
  r.CheckKeys(node, kKeys);
  size_t errors = r.error_count();
  ScheduleWindow w;
  w.location = node.location;
  w.path = node.path;
  const SpecNode* start = node.Find("start");
  if (start == nullptr) {
    r.Error(node, "a window without start", "start: a cron expression, e.g. \"0 18 * * 5\"");
  } else if (std::optional<std::string> text = r.String(*start)) {
    StatusOr<CronSpec> cron = ParseCron(*text);
    if (!cron.ok()) {
      r.Error(*start, "\"" + *text + "\"", cron.status().message());
    } else if (!cron->EverFires()) {
      r.Error(*start, "\"" + *text + "\", a cron expression that never fires",
              "a day that exists in the months given");
    } else {
      w.start = *cron;
      w.start_text = *text;
    }
  }
  if (const SpecNode* n = node.Find("duration")) {
    w.duration =
        r.DurationIn(*n, std::chrono::minutes(1), std::chrono::hours(24 * 31)).value_or(Duration{});
  } else {
    r.Error(node, "a window without duration", "duration: how long it stays open, e.g. 6h");
  }
  auto count = [&](const char* key) -> std::optional<int32_t> {
    const SpecNode* n = node.Find(key);
    if (n == nullptr) return std::nullopt;
    std::optional<int64_t> v = r.Int(*n, 0, 100000);
    return v ? std::optional<int32_t>(static_cast<int32_t>(*v)) : std::nullopt;
  };
  w.min_replicas = count("minReplicas");
  w.max_replicas = count("maxReplicas");
  w.replicas = count("replicas");
  if (const SpecNode* n = node.Find("freeze")) w.freeze = r.Bool(*n).value_or(false);
  if (const SpecNode* n = node.Find("mode")) w.hold = r.Enum(*n, kModes).has_value();
  if (w.min_replicas && w.max_replicas && *w.min_replicas > *w.max_replicas) {
    r.Error(*node.Find("minReplicas"),
            "minReplicas " + std::to_string(*w.min_replicas) + " above maxReplicas " +
                std::to_string(*w.max_replicas),
            "minReplicas <= maxReplicas");
  }
  if (!w.min_replicas && !w.max_replicas && !w.replicas && !w.freeze && !w.hold &&
      r.error_count() == errors) {
    r.Error(node, "a window that sets nothing",
            "minReplicas, maxReplicas, replicas, freeze: true or mode: hold");
  }
  if (r.error_count() != errors) return std::nullopt;
  return w;
}

}  // namespace

std::unique_ptr<Policy> CreateSchedulePolicy(const PolicySpec& spec, const BuildEnvironment&,
                                             SpecReader& r) {
  static constexpr std::string_view kKeys[] = {"kind", "timeZone", "protected", "windows"};
  r.CheckKeys(spec.params, kKeys);
  cctz::time_zone zone = cctz::utc_time_zone();
  std::string zone_name = "UTC";
  if (const SpecNode* n = spec.params.Find("timeZone")) {
    if (std::optional<std::string> name = r.String(*n)) {
      if (!cctz::load_time_zone(*name, &zone)) {
        r.Error(*n, "\"" + *name + "\"",
                "an IANA time zone name from the system zoneinfo, e.g. Europe/Paris, or UTC");
      }
      zone_name = *name;
    }
  } else {
    r.Error(spec.params, "a schedule without timeZone",
            "timeZone: an IANA name, e.g. Europe/Paris (UTC must be written)");
  }
  bool is_protected = false;
  if (const SpecNode* n = spec.params.Find("protected")) is_protected = r.Bool(*n).value_or(false);
  std::vector<ScheduleWindow> windows;
  const SpecNode* list = spec.params.Find("windows");
  if (list == nullptr || list->kind != SpecNode::Kind::kSequence || list->children.empty()) {
    r.Error(list != nullptr ? *list : spec.params,
            list == nullptr ? "a schedule without windows" : "no list of windows",
            "windows: a list of {start, duration, and what the window sets}");
  } else {
    for (const SpecNode& item : list->children) {
      if (std::optional<ScheduleWindow> w = ReadWindow(item, r)) windows.push_back(std::move(*w));
    }
  }
  for (ScheduleWindow& w : windows) {
    w.label = "window \"" + w.start_text + "\" " + zone_name + " for " + FormatDuration(w.duration);
    w.timing_hash = std::hash<std::string>()(w.label);
  }
  return std::make_unique<SchedulePolicy>(spec, is_protected, zone, zone_name, std::move(windows));
}

}  // namespace crescendo::policy
