// Recurring memory spikes (model loading, batch inference, nightly jobs), sized for before they
// cause OOM kills.
//
// VPA sizes memory from the P90 of daily peaks over 8 days. A spike that comes every day is in
// most daily peaks and so in the target; a spike that comes every 2-4 days is in 2-4 of 8 peaks,
// below P90, and each occurrence ends in an OOM kill, a 20% bump that decays away, and another
// kill at the next occurrence. Memory is not compressible: usage above the request is a kill.
//
// SpikeTracker follows one container name's memory samples: a baseline (exponentially weighted
// mean of non-spike samples, half-life 6 h), and the last 8 spike episodes: runs of samples above
// spike_ratio x baseline, or OOM kills, closer than episode_gap to each other. A level reached by
// at least `min_recurrences` episodes inside the window is a recurring spike: the memory target
// is raised to that level + margin. When the episodes come at a steady interval (coefficient of
// variation of the gaps <= 0.25) the period and the next expected spike are reported.
//
// Memory: 216 bytes per container name, fixed.
// Thread safety: not thread-safe; one writer.
#ifndef CRESCENDO_VERTICAL_SPIKE_H_
#define CRESCENDO_VERTICAL_SPIKE_H_

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/vertical/recommender.h"

namespace crescendo::vertical {

struct SpikeOptions {
  double spike_ratio = 1.3;  // a sample above ratio x baseline is part of a spike
  Duration baseline_half_life = hours(6);
  Duration episode_gap = minutes(30);  // samples closer than this are one episode
  int min_recurrences = 2;             // episodes needed for a level to be recurring
  Duration window = hours(24 * 8);     // as VPA's memory aggregation window
  double margin_fraction = 0.15;       // as VPA's safety margin
};

class SpikeTracker {
 public:
  struct Finding {
    int episodes = 0;                  // spike episodes inside the window
    double recurring_level_bytes = 0;  // 0 when no level recurs
    std::optional<Duration> period;    // when the episodes are periodic
    std::optional<Timestamp> next_expected;
  };

  // Feeds a memory sample. Samples are expected in time order; older ones are ignored.
  void ObserveMemory(Timestamp time, double bytes, const SpikeOptions& options);
  // Records an OOM kill needing at least `bytes` as a spike episode.
  void ObserveOom(Timestamp time, double bytes, const SpikeOptions& options);
  Finding Analyze(Timestamp now, const SpikeOptions& options) const;

  // Returns the exact form: {"episodes": [[start_unix_s, last_unix_s, peak_bytes] x 8] (the
  // ring as stored), "count": <int>, "next": <int>, "baseline_bytes": <number>,
  // "last_sample_unix_s": <int or null>}.
  nlohmann::json ToExactJson() const;
  // Replaces the tracker with the exact form. Errors: InvalidArgument naming the field;
  // unchanged on error.
  Status FromExactJson(const nlohmann::json& json);

 private:
  struct Episode {
    int64_t start_s = 0;
    int64_t last_s = 0;
    float peak_bytes = 0;
  };
  void Extend(int64_t t_s, double bytes, const SpikeOptions& options);

  std::array<Episode, 8> episodes_{};  // ring, oldest overwritten
  uint8_t count_ = 0;
  uint8_t next_ = 0;
  double baseline_bytes_ = 0;
  int64_t last_sample_s_ = INT64_MIN;
};

// Raises each container's memory target (and upper bound) to cover its recurring spike level
// plus margin, re-applying the policy's caps, and explains the change in the container's notes.
// `findings` maps container names to their tracker's analysis; containers without memory in the
// recommendation are left alone.
void SizeForRecurringSpikes(const std::map<std::string, SpikeTracker::Finding>& findings,
                            const VerticalSpec* spec, const SpikeOptions& options,
                            PodRecommendation* recommendation);

}  // namespace crescendo::vertical

#endif  // CRESCENDO_VERTICAL_SPIKE_H_
