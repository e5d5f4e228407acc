#include "forecast/residual_bands.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>

#include "forecast/point_model.h"
#include "forecast/state_json.h"
#include "forecast/stats.h"

namespace crescendo::forecast {

ResidualBands::ResidualBands(int64_t max_horizon, int capacity) : capacity_(capacity) {
  assert(max_horizon >= 1 && capacity >= 1);
  std::vector<int64_t> horizons;
  for (int64_t h = 1; h < max_horizon; h *= 2) horizons.push_back(h);
  horizons.push_back(max_horizon);
  for (int64_t h : horizons) {
    Bucket b;
    b.horizon = h;
    b.residuals.assign(static_cast<size_t>(capacity), 0.0f);
    b.sorted.reserve(static_cast<size_t>(capacity));
    b.pending_slot.assign(static_cast<size_t>(h), kNoSlot);
    b.pending_value.assign(static_cast<size_t>(h), 0.0f);
    buckets_.push_back(std::move(b));
  }
}

std::vector<int64_t> ResidualBands::Horizons() const {
  std::vector<int64_t> out;
  for (const Bucket& b : buckets_) out.push_back(b.horizon);
  return out;
}

void ResidualBands::Rebuild(Bucket& b, int n) {
  b.sorted.assign(b.residuals.begin(), b.residuals.begin() + n);
  std::sort(b.sorted.begin(), b.sorted.end());
}

void ResidualBands::Resort(Bucket& b, float old_value, float new_value) {
  auto old_it = std::lower_bound(b.sorted.begin(), b.sorted.end(), old_value);
  if (old_it == b.sorted.end() || !(*old_it == old_value)) {  // a NaN never compares equal
    b.sorted.clear();
    return;  // the caller rebuilds the sorted copy from the ring
  }
  b.sorted.erase(old_it);
  b.sorted.insert(std::upper_bound(b.sorted.begin(), b.sorted.end(), new_value), new_value);
}

void ResidualBands::Push(Bucket& b, float residual) {
  float& slot = b.residuals[static_cast<size_t>(b.head)];
  if (b.count == static_cast<int>(b.residuals.size())) {
    Resort(b, slot, residual);  // the oldest residual leaves, the new one enters
  } else {
    b.sorted.insert(std::upper_bound(b.sorted.begin(), b.sorted.end(), residual), residual);
  }
  slot = residual;
  if (b.sorted.empty()) Rebuild(b, static_cast<int>(b.residuals.size()));
  b.head = (b.head + 1) % static_cast<int>(b.residuals.size());
  b.count = std::min(b.count + 1, static_cast<int>(b.residuals.size()));
}

void ResidualBands::Score(int64_t slot, double value) {
  for (Bucket& b : buckets_) {
    const size_t i = static_cast<size_t>(FloorMod(slot, b.horizon));
    if (b.pending_slot[i] != slot) continue;
    Push(b, static_cast<float>(value - b.pending_value[i]));
    b.scored_slot = slot;
    b.scored_prediction = b.pending_value[i];
  }
}

void ResidualBands::Revise(int64_t slot, double value) {
  for (Bucket& b : buckets_) {
    if (b.scored_slot != slot || b.count == 0) continue;
    const int size = static_cast<int>(b.residuals.size());
    float& newest = b.residuals[static_cast<size_t>((b.head + size - 1) % size)];
    const float revised = static_cast<float>(value - b.scored_prediction);
    Resort(b, newest, revised);
    newest = revised;
    if (b.sorted.empty()) Rebuild(b, b.count);
  }
}

void ResidualBands::Record(int64_t origin,
                           const std::function<std::optional<double>(int64_t)>& predict) {
  for (Bucket& b : buckets_) {
    const int64_t target = origin + b.horizon;
    const size_t i = static_cast<size_t>(FloorMod(target, b.horizon));
    const std::optional<double> p = predict(target);
    b.pending_slot[i] = p ? target : kNoSlot;
    b.pending_value[i] = p ? static_cast<float>(*p) : 0.0f;
  }
}

ResidualBands::Table ResidualBands::Quantiles(double level, int min_count,
                                              int64_t up_to_horizon) const {
  Table table(buckets_.size());
  for (size_t i = 0; i < buckets_.size(); ++i) {
    const Bucket& b = buckets_[i];
    if (i > 0 && buckets_[i - 1].horizon > up_to_horizon) break;
    if (b.count < std::max(min_count, 1)) continue;
    table[i] = std::make_pair(QuantileOfSorted(b.sorted, (1 - level) / 2),
                              QuantileOfSorted(b.sorted, (1 + level) / 2));
  }
  return table;
}

std::optional<std::pair<double, double>> ResidualBands::Band(const Table& table, int64_t h) const {
  // The tracked horizon at or below h with residuals, and the next longer one.
  std::optional<size_t> below;
  for (size_t i = 0; i < buckets_.size() && buckets_[i].horizon <= h; ++i) {
    if (table[i]) below = i;
  }
  if (!below) return std::nullopt;
  const auto [low, high] = *table[*below];
  const double h_below = static_cast<double>(buckets_[*below].horizon);
  const size_t above = *below + 1;
  if (above < buckets_.size() && buckets_[above].horizon > h && table[above]) {
    const double w = (static_cast<double>(h) - h_below) /
                     (static_cast<double>(buckets_[above].horizon) - h_below);
    return std::make_pair(low + w * (table[above]->first - low),
                          high + w * (table[above]->second - high));
  }
  const bool is_last = *below + 1 == buckets_.size();
  const double widen = is_last ? 1.0 : std::sqrt(static_cast<double>(h) / h_below);
  return std::make_pair(low * widen, high * widen);
}

nlohmann::json ResidualBands::SaveState() const {
  nlohmann::json buckets = nlohmann::json::array();
  for (const Bucket& b : buckets_) {
    buckets.push_back({{"horizon", b.horizon},
                       {"residuals", ArrayToJson<float>(b.residuals)},
                       {"head", b.head},
                       {"count", b.count},
                       {"pending_slot", b.pending_slot},
                       {"pending_value", ArrayToJson<float>(b.pending_value)},
                       {"scored_slot", b.scored_slot},
                       {"scored_prediction", b.scored_prediction}});
  }
  return buckets;
}

Status ResidualBands::LoadState(const nlohmann::json& state) {
  if (!state.is_array() || state.size() != buckets_.size()) {
    return InvalidArgumentError("checkpoint field 'residuals': expected " +
                                std::to_string(buckets_.size()) + " tracked horizons");
  }
  std::vector<Bucket> loaded = buckets_;
  for (size_t i = 0; i < loaded.size(); ++i) {
    Bucket& b = loaded[i];
    const nlohmann::json& s = state[i];
    if (s.at("horizon").get<int64_t>() != b.horizon) {
      return InvalidArgumentError("checkpoint field 'residuals': horizon " +
                                  std::to_string(s.at("horizon").get<int64_t>()) +
                                  " where this forecaster tracks " + std::to_string(b.horizon));
    }
    const size_t h = static_cast<size_t>(b.horizon);
    CRESCENDO_ASSIGN_OR_RETURN(b.residuals,
                               ArrayFromJson<float>(s, "residuals", b.residuals.size()));
    CRESCENDO_ASSIGN_OR_RETURN(b.pending_value, ArrayFromJson<float>(s, "pending_value", h));
    b.pending_slot = s.at("pending_slot").get<std::vector<int64_t>>();
    b.head = s.at("head").get<int>();
    b.count = s.at("count").get<int>();
    b.scored_slot = s.at("scored_slot").get<int64_t>();
    b.scored_prediction = s.at("scored_prediction").get<float>();
    if (b.pending_slot.size() != h || b.head < 0 || b.head >= capacity_ || b.count < 0 ||
        b.count > capacity_ || (b.count < capacity_ && b.head != b.count)) {
      return InvalidArgumentError("checkpoint field 'residuals': inconsistent ring for horizon " +
                                  std::to_string(b.horizon));
    }
    Rebuild(b, b.count);
  }
  buckets_ = std::move(loaded);
  return Status::Ok();
}

size_t ResidualBands::StateBytes() const {
  size_t bytes = sizeof(*this);
  for (const Bucket& b : buckets_) {
    bytes += sizeof(Bucket) + (b.residuals.capacity() + b.sorted.capacity()) * sizeof(float) +
             b.pending_slot.capacity() * sizeof(int64_t) +
             b.pending_value.capacity() * sizeof(float);
  }
  return bytes;
}

}  // namespace crescendo::forecast
