#include "vertical/cycle/cycle_sizing.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "crescendo/vertical/workload_model.h"

namespace crescendo::vertical {

void CycleCpuSizer::Roll(Timestamp now) {
  if (!origin_) origin_ = now;
  const int64_t index = (now - *origin_) / options_.step;
  if (index == step_index_) return;
  if (step_max_ >= 0) maxima_.emplace_back(step_index_, step_max_);

  const int64_t day_steps = hours(24) / options_.step;
  while (!maxima_.empty() && maxima_.front().first < index - day_steps - 1) maxima_.pop_front();
  step_index_ = index;
  step_max_ = -1;
  base_ = Base();
}

double CycleCpuSizer::Base() const {
  const int64_t day_steps = hours(24) / options_.step;
  double base = 0;
  for (const auto& [index, max] : maxima_) {
    const bool recent = index >= step_index_ - options_.recent_steps;
    const bool yesterday = index >= step_index_ - day_steps && index < step_index_ - day_steps + 2;
    if (recent || yesterday) base = std::max(base, max);
  }
  return maxima_.empty() ? 0 : std::max(base, options_.min_cores);
}

void CycleCpuSizer::Observe(Timestamp time, double cpu_cores) {
  Roll(time);
  if (base_ > 0) residuals_.emplace_back(time, cpu_cores - base_);
  while (!residuals_.empty() && residuals_.front().first < time - options_.calibration_window) {
    residuals_.pop_front();
  }
  step_max_ = std::max(step_max_, cpu_cores);
}

std::optional<double> CycleCpuSizer::Recommend(Timestamp now) {
  Roll(now);
  if (base_ <= 0 || static_cast<int>(residuals_.size()) < options_.min_calibration_samples) {
    return std::nullopt;
  }
  std::vector<double> r;
  r.reserve(residuals_.size());
  for (const auto& [time, residual] : residuals_) r.push_back(residual);
  // The conformal quantile: the ceil((n + 1) q)-th smallest residual (Angelopoulos & Bates, 2021).
  const size_t n = r.size();
  const size_t k = std::min(n - 1, static_cast<size_t>(std::ceil((n + 1) * options_.quantile)) - 1);
  std::nth_element(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(k), r.end());
  return std::max(options_.min_cores, base_ + r[k]);
}

void SkillLedger::Add(Timestamp time, double cycle, double vpa, double usage) {
  entries_.push_back({time, cycle, vpa, usage > cycle, usage > vpa});
  cycle_sum_ += cycle;
  vpa_sum_ += vpa;
  cycle_over_ += usage > cycle;
  vpa_over_ += usage > vpa;
  while (entries_.front().time < time - window_) {
    const Entry& e = entries_.front();
    cycle_sum_ -= e.cycle;
    vpa_sum_ -= e.vpa;
    cycle_over_ -= e.cycle_over;
    vpa_over_ -= e.vpa_over;
    entries_.pop_front();
  }
}

bool SkillLedger::CycleSkilled() const { return cycle_sum_ < vpa_sum_ && cycle_over_ <= vpa_over_; }

namespace {

class CrescendoSizing : public SizingPolicy {
 public:
  explicit CrescendoSizing(CycleSizingOptions options)
      : cpu_(options), ledger_(options.calibration_window) {}

  void Recommend(Timestamp now) override {
    PodRecommendation spiky = model_.Recommend({.now = now, .spike_aware = true});
    PodRecommendation plain = model_.Recommend({.now = now, .spike_aware = false});
    if (spiky.containers.empty() || plain.containers.empty()) return;
    const RecommendedAmounts& s = spiky.containers[0].target;
    const RecommendedAmounts& p = plain.containers[0].target;
    vpa_cpu_ = CoresFromCpuMillis(p.cpu_millis.value_or(0));
    cycle_cpu_ = cpu_.Recommend(now);
    allocation_.cpu_cores = cycle_cpu_ && ledger_.CycleSkilled() ? *cycle_cpu_ : vpa_cpu_;
    allocation_.memory_bytes =
        static_cast<double>(std::max(s.memory_bytes.value_or(0), p.memory_bytes.value_or(0)));
  }
  Allocation InForce(const UsageRecord&) const override { return allocation_; }
  void Observe(const UsageRecord& record) override {
    if (record.cpu_cores) {
      cpu_.Observe(record.time, *record.cpu_cores);
      if (cycle_cpu_) ledger_.Add(record.time, *cycle_cpu_, vpa_cpu_, *record.cpu_cores);
    }
    model_.Add(record);
  }

 private:
  CycleCpuSizer cpu_;
  SkillLedger ledger_;
  WorkloadModel model_;
  std::optional<double> cycle_cpu_;
  double vpa_cpu_ = 0;
  Allocation allocation_;
};

}  // namespace

std::unique_ptr<SizingPolicy> NewCrescendoSizing(CycleSizingOptions options) {
  return std::make_unique<CrescendoSizing>(options);
}

}  // namespace crescendo::vertical
