// Load profiles: the requests per second a simulated service receives over time.
//
// A LoadProfile is a pure function of time (its randomness is a hash of its seed and the time,
// never a generator it advances), so several simulated clusters can share one profile and the
// same seed always gives the same load. A trace replay that must stream its file is not a
// LoadProfile: see trace.h.
//
// Thread safety: LoadProfile implementations are immutable after construction; RpsAt() may be
// called concurrently.
#ifndef CRESCENDO_SIM_LOAD_H_
#define CRESCENDO_SIM_LOAD_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "crescendo/base/time.h"

namespace crescendo::sim {

class LoadProfile {
 public:
  virtual ~LoadProfile() = default;
  // Returns the load at `t` in requests per second (>= 0), or nullopt when the load is unknown
  // at `t` (a gap in recorded data; never reported as zero).
  virtual std::optional<double> RpsAt(Timestamp t) const = 0;
};

// A constant load.
std::shared_ptr<const LoadProfile> ConstantLoad(double rps);

// A step function: `steps[i].rps` from start + steps[i].offset until the next step. Before the
// first step the load is steps[0].rps. REQUIRES: steps non-empty, offsets ascending.
struct LoadStep {
  Duration offset{};
  double rps = 0;
};
std::shared_ptr<const LoadProfile> StepLoad(Timestamp start, std::vector<LoadStep> steps);

// A release burst: extra load that ramps up linearly over `ramp`, then decays exponentially.
struct BurstSpec {
  Duration offset{};                              // from the profile's start to the burst onset
  double multiplier = 1;                          // load factor at the burst's top (1: no burst)
  Duration ramp = std::chrono::minutes(10);       // onset to top
  Duration half_life = std::chrono::minutes(45);  // of the excess; 0: the burst ends at its top
};

// The shape of a consumer service's day and week, in UTC hours.
struct DailyCycleSpec {
  Timestamp start;                  // the profile's origin (bursts are offsets from it)
  double peak_rps = 100;            // the weekday evening peak, before noise and bursts
  double trough_fraction = 0.15;    // night trough as a fraction of the peak
  double evening_peak_hour = 20.5;  // UTC hour of the evening peak
  double morning_hour = 8.5;        // UTC hour of the morning commute bump
  double morning_fraction = 0.55;   // morning bump height, fraction of the peak
  double weekend_factor = 1.15;     // Saturday and Sunday daytime multiplier
  double friday_evening_factor = 1.1;
  double noise_fraction = 0.05;                     // standard deviation of multiplicative noise
  Duration noise_period = std::chrono::minutes(1);  // noise is constant within a period
  uint64_t seed = 1;
  std::vector<BurstSpec> bursts;
};

// Returns the daily-cycle profile described by `spec`: a night trough, a morning bump, a daytime
// plateau and an evening peak; weekends higher; multiplicative Gaussian noise; bursts on top.
std::shared_ptr<const LoadProfile> DailyCycleLoad(DailyCycleSpec spec);

// Returns a profile whose load is `base`'s load times `factor`.
std::shared_ptr<const LoadProfile> ScaledLoad(std::shared_ptr<const LoadProfile> base,
                                              double factor);

}  // namespace crescendo::sim

#endif  // CRESCENDO_SIM_LOAD_H_
