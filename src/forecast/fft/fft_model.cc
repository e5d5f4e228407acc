#include "forecast/fft/fft_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "forecast/fft/periodicity.h"
#include "forecast/state_json.h"
#include "forecast/stats.h"

namespace crescendo::forecast {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct FftOptions {
  int64_t window = 1;  // all in slots
  int64_t refit = 1;
  int64_t min_cycles = 2;
  int64_t max_fill = 1;
  std::vector<int64_t> candidates;  // cycles tested first, in order
  bool search_all = false;          // then DetectPeriod over all periods
  PeriodSearch search;
  ReconstructOptions reconstruct;
};

// Returns the usable tail of `values` (chronological, NaN = gap): after the last gap longer
// than max_fill, with shorter gaps linearly interpolated.
std::vector<double> UsableTail(const std::vector<double>& values, int64_t max_fill) {
  const int64_t n = static_cast<int64_t>(values.size());
  int64_t start = n;
  for (int64_t i = n - 1, run = 0; i >= 0; --i) {
    if (!std::isnan(values[static_cast<size_t>(i)])) {
      start = i, run = 0;
      continue;
    }
    if (++run > max_fill) break;
  }
  std::vector<double> out(values.begin() + start, values.end());
  for (size_t i = 0, last = 0; i < out.size(); ++i) {  // out[0] is observed
    if (std::isnan(out[i])) continue;
    for (size_t j = last + 1; j < i; ++j) {
      out[j] = out[last] +
               (out[i] - out[last]) * static_cast<double>(j - last) / static_cast<double>(i - last);
    }
    last = i;
  }
  return out;
}

// Replaces values beyond the 0.1% and 99.9% quantiles by their predecessor (Crane:
// preprocessing.go removeExtremeOutliers).
void RemoveExtremeOutliers(std::vector<double>& x) {
  if (x.size() < 3) return;
  std::vector<double> scratch = x;
  const double low = QuantileInPlace(scratch, 0.001);
  const double high = QuantileInPlace(scratch, 0.999);
  for (size_t i = 1; i < x.size(); ++i) {
    if (x[i] > high || x[i] < low) x[i] = x[i - 1];
  }
}

class FftModel final : public PointModel {
 public:
  // The fitted cycle never exceeds window / min_cycles: reserving that keeps memory fixed.
  explicit FftModel(const FftOptions& o) : o_(o), ring_(static_cast<size_t>(o.window), kNaN) {
    cycle_.reserve(static_cast<size_t>(o.window / o.min_cycles));
  }

  // Refits, when due, before taking in the new slot: a fit only sees complete slots (the newest
  // slot may still be revised).
  void Observe(int64_t slot, double value) override {
    const int64_t advance = newest_slot_ == kNoSlot ? 1 : slot - newest_slot_;
    if (newest_slot_ != kNoSlot && since_refit_ >= o_.refit) {
      Refit();
      since_refit_ = 0;
    }
    for (int64_t s = slot - std::min(advance, o_.window) + 1; s < slot; ++s) Cell(s) = kNaN;
    Cell(slot) = value;
    newest_slot_ = slot;
    since_refit_ += advance;
  }
  void Revise(double value) override { Cell(newest_slot_) = value; }

  Status Ready() const override {
    if (!cycle_.empty()) return Status::Ok();
    return FailedPreconditionError(
        fit_attempted_
            ? "no periodicity with " + std::to_string(o_.min_cycles) +
                  " whole cycles detected in the last " + std::to_string(o_.window) + " slots"
            : "warming up: first fit after " + std::to_string(o_.refit) + " slots");
  }

  std::optional<double> Predict(int64_t target) const override {
    if (cycle_.empty()) return std::nullopt;
    const int64_t period = static_cast<int64_t>(cycle_.size());
    const int64_t first = fit_slot_ - period + 1;  // slot of cycle_[0]
    return cycle_[static_cast<size_t>(FloorMod(target - first, period))];
  }

  nlohmann::json SaveState() const override {
    return {{"ring", ArrayToJson<double>(ring_)},
            {"newest_slot", newest_slot_},
            {"since_refit", since_refit_},
            {"fit_attempted", fit_attempted_},
            {"fit_slot", fit_slot_},
            {"cycle", ArrayToJson<double>(cycle_)}};
  }
  Status LoadState(const nlohmann::json& state) override;
  size_t StateBytes() const override {
    return sizeof(*this) + (ring_.capacity() + cycle_.capacity()) * sizeof(double);
  }

 private:
  double& Cell(int64_t slot) { return ring_[static_cast<size_t>(FloorMod(slot, o_.window))]; }
  // Returns the first candidate cycle x has, else the period DetectPeriod finds (when allowed).
  std::optional<int64_t> FindPeriod(std::span<const double> x, const PeriodSearch& search) const;
  void Refit();

  FftOptions o_;
  std::vector<double> ring_;  // by slot mod window; NaN = gap
  int64_t newest_slot_ = kNoSlot;
  int64_t since_refit_ = 0;
  bool fit_attempted_ = false;
  int64_t fit_slot_ = kNoSlot;  // newest slot at the fit; cycle_ ends there
  std::vector<double> cycle_;   // the reconstructed last cycle; empty = no fit
};

std::optional<int64_t> FftModel::FindPeriod(std::span<const double> x,
                                            const PeriodSearch& search) const {
  for (int64_t cycle : o_.candidates) {
    if (static_cast<int64_t>(x.size()) >= o_.min_cycles * cycle && HasCycle(x, cycle)) return cycle;
  }
  if (!o_.search_all) return std::nullopt;
  return DetectPeriod(x, search);
}

void FftModel::Refit() {
  fit_attempted_ = true;
  std::vector<double> window(ring_.size());
  for (int64_t i = 0; i < o_.window; ++i) {
    window[static_cast<size_t>(i)] = Cell(newest_slot_ - o_.window + 1 + i);
  }
  std::vector<double> x = UsableTail(window, o_.max_fill);
  RemoveExtremeOutliers(x);
  cycle_.clear();
  PeriodSearch search = o_.search;
  search.max_period =
      std::min<int64_t>(search.max_period, static_cast<int64_t>(x.size()) / o_.min_cycles);
  if (search.max_period < search.min_period) return;
  const std::optional<int64_t> period = FindPeriod(x, search);
  if (!period) return;
  const std::vector<double> cycle = ReconstructLastCycle(x, *period, o_.reconstruct);
  cycle_.assign(cycle.begin(), cycle.end());  // keeps the reserved capacity
  fit_slot_ = newest_slot_;
}

Status FftModel::LoadState(const nlohmann::json& state) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<double> ring,
                             ArrayFromJson<double>(state, "ring", ring_.size()));
  const size_t cycle_size = state.at("cycle").size();
  if (cycle_size > cycle_.capacity()) {
    return InvalidArgumentError(
        "checkpoint field 'cycle': " + std::to_string(cycle_size) +
        " values, expected at most window / min_cycles = " + std::to_string(cycle_.capacity()));
  }
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<double> cycle,
                             ArrayFromJson<double>(state, "cycle", cycle_size));
  const int64_t newest_slot = state.at("newest_slot").get<int64_t>();
  const int64_t since_refit = state.at("since_refit").get<int64_t>();
  const bool fit_attempted = state.at("fit_attempted").get<bool>();
  fit_slot_ = state.at("fit_slot").get<int64_t>();
  ring_ = std::move(ring);
  cycle_.assign(cycle.begin(), cycle.end());  // keeps the reserved capacity
  newest_slot_ = newest_slot, since_refit_ = since_refit, fit_attempted_ = fit_attempted;
  return Status::Ok();
}

// Parses "24h;168h" (or "none") into cycles in slots; cycles that are not whole multiples of
// the step are an error.
StatusOr<std::vector<int64_t>> ParseCandidates(Params& params, const std::string& text,
                                               Duration step) {
  std::vector<int64_t> out;
  if (text == "none") return out;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t end = std::min(text.find(';', begin), text.size());
    StatusOr<Duration> d = ParseDuration(text.substr(begin, end - begin));
    if (!d.ok() || *d <= Duration::zero() || d->count() % step.count() != 0) {
      return params.Error("candidates",
                          "durations separated by ';' (e.g. 24h;168h), each a whole "
                          "multiple of step, or none");
    }
    out.push_back(*d / step);
    begin = end + 1;
  }
  return out;
}

}  // namespace

StatusOr<std::unique_ptr<PointModel>> CreateFftModel(Params& params, const ModelContext& context) {
  const Duration step = context.step;
  // One hour (Crane's constants are in hours) rounded down to whole steps, at least one step.
  const Duration hour = std::max<Duration>(step, std::chrono::hours(1) / step * step);
  FftOptions o;
  CRESCENDO_ASSIGN_OR_RETURN(o.window, params.GetSlots("window", std::chrono::hours(168), step));
  CRESCENDO_ASSIGN_OR_RETURN(o.refit, params.GetSlots("refit", 6 * hour, step));
  CRESCENDO_ASSIGN_OR_RETURN(o.min_cycles, params.GetInt("min_cycles", 2, 1, 1000));
  const StatusOr<std::string> candidates = params.GetString("candidates", "24h;168h");
  if (!candidates.ok()) return candidates.status();
  CRESCENDO_ASSIGN_OR_RETURN(o.candidates, ParseCandidates(params, *candidates, step));
  CRESCENDO_ASSIGN_OR_RETURN(o.search_all, params.GetBool("search", false));
  CRESCENDO_ASSIGN_OR_RETURN(o.max_fill, params.GetSlots("max_fill", hour, step));
  CRESCENDO_ASSIGN_OR_RETURN(o.search.min_period, params.GetSlots("min_period", 4 * step, step));
  CRESCENDO_ASSIGN_OR_RETURN(
      o.search.max_period,
      params.GetSlots("max_period", step * std::max<int64_t>(1, o.window / o.min_cycles), step));
  CRESCENDO_ASSIGN_OR_RETURN(o.search.max_peak_radius,
                             params.GetSlots("peak_radius", 4 * hour, step));
  CRESCENDO_ASSIGN_OR_RETURN(o.reconstruct.keep_period, params.GetSlots("keep_period", hour, step));
  CRESCENDO_ASSIGN_OR_RETURN(int64_t components, params.GetInt("max_components", 100, 1, 1000000));
  o.reconstruct.max_components = static_cast<int>(components);
  if (o.search.max_period > o.window / o.min_cycles || o.search.max_period < o.search.min_period) {
    return params.Error("max_period", "at least min_period and at most window / min_cycles");
  }
  return std::unique_ptr<PointModel>(std::make_unique<FftModel>(o));
}

}  // namespace crescendo::forecast
