// CycleCpuSizer: CPU sized ahead, one step (an hour) at a time, from what VPA ignores: the
// level of the last hours and the daily cycle (the same hours yesterday), with a margin learned
// by a rolling backtest of that very forecast on this container.
//
// At each step boundary T the base forecast for [T, T + step) is
//   base = max(max usage over the last `recent_steps` steps,
//              max usage over [T - 24 h, T - 24 h + 2 steps))      (the daily cycle)
// and each sample later observed in the step is recorded as residual = usage - base. The
// allocation is base + Q, Q the `quantile` of the residuals of the last `calibration_window`: a
// split-conformal bound (Vovk et al., "Algorithmic Learning in a Random World", 2005; Angelopoulos
// & Bates, "A Gentle Introduction to Conformal Prediction", 2021, section 1) on the share of
// samples above the allocation, if the residuals are exchangeable over the window. The sizer is
// calibrated once it holds `min_calibration_samples` residuals; before that the caller keeps
// VPA's target.
//
// Tuned on Borg job 113 tasks 22-82, 115, 159 and Bitbrains VMs 1-15 (docs/quality.md): additive
// residuals beat ratios to the base (tiny, bursty VMs make ratios heavy-tailed), one recent step
// beat 2-6, the daily term is needed (without it Bitbrains' slack multiplies), quantile 0.99
// keeps the share of samples above the allocation under VPA's on both.
//
// Units: cores. Thread safety: not thread-safe; one writer.
#ifndef CRESCENDO_SRC_VERTICAL_CYCLE_CYCLE_SIZING_H_
#define CRESCENDO_SRC_VERTICAL_CYCLE_CYCLE_SIZING_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <utility>

#include "crescendo/base/time.h"
#include "crescendo/vertical/replay.h"

namespace crescendo::vertical {

struct CycleSizingOptions {
  Duration step = hours(1);
  int recent_steps = 1;
  double quantile = 0.99;
  Duration calibration_window = hours(7 * 24);
  int min_calibration_samples = 144;
  double min_cores = 0.01;  // VPA's first CPU bucket
};

class CycleCpuSizer {
 public:
  explicit CycleCpuSizer(CycleSizingOptions options = {}) : options_(options) {}
  // Records one sample. REQUIRES: times non-decreasing.
  void Observe(Timestamp time, double cpu_cores);
  // Returns the allocation for the step in force at `now`, or nullopt until calibrated.
  std::optional<double> Recommend(Timestamp now);

 private:
  // Closes the steps that ended by `now` and forecasts the one in force at `now`.
  void Roll(Timestamp now);
  double Base() const;

  CycleSizingOptions options_;
  std::optional<Timestamp> origin_;
  int64_t step_index_ = 0;                              // the step in force
  double step_max_ = -1;                                // max usage in it so far (-1: none)
  std::deque<std::pair<int64_t, double>> maxima_;       // (step index, max usage), last 25 h
  double base_ = 0;                                     // the base forecast in force (0: none)
  std::deque<std::pair<Timestamp, double>> residuals_;  // (time, usage - base)
};

// Returns the replay policy "crescendo": CPU from CycleCpuSizer (VPA's target until it is
// calibrated), memory from the spike-aware recommender, never below VPA's memory target.
std::unique_ptr<SizingPolicy> NewCrescendoSizing(CycleSizingOptions options = {});

}  // namespace crescendo::vertical

#endif  // CRESCENDO_SRC_VERTICAL_CYCLE_CYCLE_SIZING_H_
