#include "crescendo/vertical/spike.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "crescendo/vertical/aggregate_state.h"
#include "vertical/json_fields.h"

namespace crescendo::vertical {
namespace {

int64_t Seconds(Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

int64_t Seconds(Duration d) { return std::chrono::duration_cast<std::chrono::seconds>(d).count(); }

}  // namespace

void SpikeTracker::Extend(int64_t t_s, double bytes, const SpikeOptions& options) {
  Episode* last =
      count_ == 0 ? nullptr : &episodes_[(next_ + episodes_.size() - 1) % episodes_.size()];
  if (last != nullptr && t_s - last->last_s <= Seconds(options.episode_gap)) {
    last->last_s = std::max(last->last_s, t_s);
    last->peak_bytes = std::max(last->peak_bytes, static_cast<float>(bytes));
    return;
  }
  episodes_[next_] = Episode{t_s, t_s, static_cast<float>(bytes)};
  next_ = static_cast<uint8_t>((next_ + 1) % episodes_.size());
  count_ = static_cast<uint8_t>(std::min<size_t>(count_ + 1, episodes_.size()));
}

void SpikeTracker::ObserveMemory(Timestamp time, double bytes, const SpikeOptions& options) {
  const int64_t t_s = Seconds(time);
  if (t_s < last_sample_s_) return;
  if (last_sample_s_ == INT64_MIN) {
    baseline_bytes_ = bytes;
    last_sample_s_ = t_s;
    return;
  }
  const double elapsed = static_cast<double>(t_s - last_sample_s_);
  last_sample_s_ = t_s;
  if (bytes > options.spike_ratio * baseline_bytes_) {
    Extend(t_s, bytes, options);
    return;
  }
  const double alpha =
      1.0 - std::exp2(-elapsed / static_cast<double>(Seconds(options.baseline_half_life)));
  baseline_bytes_ += alpha * (bytes - baseline_bytes_);
}

void SpikeTracker::ObserveOom(Timestamp time, double bytes, const SpikeOptions& options) {
  Extend(Seconds(time), bytes, options);
}

SpikeTracker::Finding SpikeTracker::Analyze(Timestamp now, const SpikeOptions& options) const {
  Finding f;
  const int64_t from = Seconds(now) - Seconds(options.window);
  std::vector<Episode> recent;
  for (int i = 0; i < count_; ++i) {
    const Episode& e = episodes_[(next_ + episodes_.size() - count_ + i) % episodes_.size()];
    if (e.last_s >= from && e.start_s <= Seconds(now)) recent.push_back(e);
  }
  f.episodes = static_cast<int>(recent.size());
  if (f.episodes < options.min_recurrences || options.min_recurrences < 1) return f;
  std::vector<float> peaks;
  for (const Episode& e : recent) peaks.push_back(e.peak_bytes);
  std::sort(peaks.begin(), peaks.end(), std::greater<>());
  f.recurring_level_bytes = peaks[options.min_recurrences - 1];
  if (recent.size() >= 3) {
    std::vector<double> gaps;
    for (size_t i = 1; i < recent.size(); ++i) {
      gaps.push_back(static_cast<double>(recent[i].start_s - recent[i - 1].start_s));
    }
    double mean = 0, var = 0;
    for (double g : gaps) mean += g / static_cast<double>(gaps.size());
    for (double g : gaps) var += (g - mean) * (g - mean) / static_cast<double>(gaps.size());
    if (mean > 0 && std::sqrt(var) <= 0.25 * mean) {
      f.period = FromSeconds(mean);
      f.next_expected = Timestamp(std::chrono::seconds(recent.back().start_s)) + *f.period;
    }
  }
  return f;
}

nlohmann::json SpikeTracker::ToExactJson() const {
  nlohmann::json episodes = nlohmann::json::array();
  for (const Episode& e : episodes_) {
    episodes.push_back(nlohmann::json::array({e.start_s, e.last_s, e.peak_bytes}));
  }
  nlohmann::json json = nlohmann::json::object();
  json["episodes"] = std::move(episodes);
  json["count"] = count_;
  json["next"] = next_;
  json["baseline_bytes"] = baseline_bytes_;
  json["last_sample_unix_s"] =
      last_sample_s_ == INT64_MIN ? nlohmann::json(nullptr) : nlohmann::json(last_sample_s_);
  return json;
}

Status SpikeTracker::FromExactJson(const nlohmann::json& json) {
  namespace jf = json_fields;
  const int64_t ring = static_cast<int64_t>(episodes_.size());
  CRESCENDO_ASSIGN_OR_RETURN(const nlohmann::json* episodes, jf::Array(json, "episodes"));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t count, jf::Int(json, "count"));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t next, jf::Int(json, "next"));
  CRESCENDO_ASSIGN_OR_RETURN(double baseline, jf::Number(json, "baseline_bytes"));
  CRESCENDO_ASSIGN_OR_RETURN(std::optional<int64_t> last,
                             jf::NullableInt(json, "last_sample_unix_s"));
  if (static_cast<int64_t>(episodes->size()) != ring) {
    return InvalidArgumentError("episodes: found " + std::to_string(episodes->size()) +
                                " entries, expected " + std::to_string(ring));
  }
  if (count < 0 || count > ring || next < 0 || next >= ring) {
    return InvalidArgumentError("count/next: " + std::to_string(count) + "/" +
                                std::to_string(next) + ", expected count in [0, " +
                                std::to_string(ring) + "] and next in [0, " + std::to_string(ring) +
                                ")");
  }
  std::array<Episode, 8> parsed{};
  for (size_t i = 0; i < parsed.size(); ++i) {
    const nlohmann::json& e = (*episodes)[i];
    const bool shaped = e.is_array() && e.size() == 3;
    StatusOr<int64_t> start = shaped ? jf::AsInt(e[0]) : InvalidArgumentError("");
    StatusOr<int64_t> end = shaped ? jf::AsInt(e[1]) : InvalidArgumentError("");
    StatusOr<double> peak = shaped ? jf::AsNumber(e[2]) : InvalidArgumentError("");
    if (!start.ok() || !end.ok() || !peak.ok()) {
      return InvalidArgumentError("episodes[" + std::to_string(i) + "]: found " + e.dump() +
                                  ", expected [start_unix_s, last_unix_s, peak_bytes]");
    }
    parsed[i] = Episode{*start, *end, static_cast<float>(*peak)};
  }
  episodes_ = parsed;
  count_ = static_cast<uint8_t>(count);
  next_ = static_cast<uint8_t>(next);
  baseline_bytes_ = baseline;
  last_sample_s_ = last.value_or(INT64_MIN);
  return Status::Ok();
}

void SizeForRecurringSpikes(const std::map<std::string, SpikeTracker::Finding>& findings,
                            const VerticalSpec* spec, const SpikeOptions& options,
                            PodRecommendation* recommendation) {
  for (ContainerRecommendation& c : recommendation->containers) {
    auto it = findings.find(c.container_name);
    if (it == findings.end() || it->second.recurring_level_bytes <= 0) continue;
    if (!c.uncapped_target.memory_bytes) continue;
    const SpikeTracker::Finding& f = it->second;
    const int64_t sized =
        ResourceAmountFromDouble(f.recurring_level_bytes * (1 + options.margin_fraction));
    if (sized <= *c.uncapped_target.memory_bytes) continue;
    std::string note = "memory sized for a spike to " +
                       MemoryQuantityString(ResourceAmountFromDouble(f.recurring_level_bytes)) +
                       " seen " + std::to_string(f.episodes) + " times in " +
                       FormatDuration(options.window);
    if (f.period)
      note += ", every " + FormatDuration(std::chrono::round<std::chrono::minutes>(*f.period));
    if (f.next_expected) note += ", next expected " + FormatRfc3339(*f.next_expected);
    c.notes.push_back(note);
    c.uncapped_target.memory_bytes = sized;
    RecommendedAmounts target = c.target;
    target.memory_bytes = sized;
    c.target = ApplyPolicy(target, FindContainerPolicy(spec, c.container_name), &c.notes);
    if (c.upper_bound.memory_bytes && *c.upper_bound.memory_bytes < *c.target.memory_bytes) {
      c.upper_bound.memory_bytes = c.target.memory_bytes;
    }
  }
}

}  // namespace crescendo::vertical
