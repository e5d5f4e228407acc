// kind: rateLimit — how fast replicas may change, per direction, in pods and percent of the
// replicas at the start of a window (the Kubernetes HPA's scaling policies, autoscaling/v2
// HPAScalingPolicy, measured from the lowest (up) or highest (down) count the window saw).
#include <algorithm>
#include <cmath>

#include "policy/kinds/kinds.h"

namespace crescendo::policy {
namespace {

struct Direction {
  bool set = false;
  bool disabled = false;
  std::optional<int64_t> pods;
  std::optional<double> percent;
  Duration window = std::chrono::minutes(1);
  bool select_max = true;  // allow the larger of the changes (HPA selectPolicy: Max)
  std::string rule;        // e.g. "4 pods or 100% per 1m0s from ", for traces
};

class RateLimit final : public ConfiguredPolicy {
 public:
  RateLimit(const PolicySpec& spec, Direction up, Direction down)
      : ConfiguredPolicy(spec, Stage::kRateLimit), up_(up), down_(down) {}

  Proposal Apply(Proposal proposal, const PolicyContext& ctx) const override {
    int32_t current = proposal.current_replicas;
    int32_t want = proposal.desired_replicas;
    if (want > current && up_.set) {
      int32_t base = Extreme(ctx, up_.window, current, /*lowest=*/true);
      int32_t limit = up_.disabled ? current : std::max(current, base + Allowed(up_, base, true));
      if (want > limit) Record(proposal, limit, Reason("scale-up", up_, base, limit));
    } else if (want < current && down_.set) {
      int32_t base = Extreme(ctx, down_.window, current, /*lowest=*/false);
      int32_t limit =
          down_.disabled ? current : std::min(current, base - Allowed(down_, base, false));
      if (want < limit) Record(proposal, limit, Reason("scale-down", down_, base, limit));
    }
    return proposal;
  }

 private:
  // The lowest (or highest) replica count over the window: the count at its start and every
  // count applied since, the current one included.
  static int32_t Extreme(const PolicyContext& ctx, Duration window, int32_t current, bool lowest) {
    int32_t out = current;
    Timestamp start = ctx.now - window;
    for (size_t i = 0; i < ctx.history.size(); ++i) {
      const ReplicaRecord& r = ctx.history[i];
      bool next_before_start = i + 1 < ctx.history.size() && ctx.history[i + 1].time <= start;
      if (r.time > ctx.now || next_before_start) continue;
      out = lowest ? std::min(out, r.replicas) : std::max(out, r.replicas);
    }
    return out;
  }

  // The change the direction allows from `base`: pods, or percent of base (rounded up for
  // scale-up, down for scale-down), the larger or smaller of both per `select`.
  static int32_t Allowed(const Direction& d, int32_t base, bool up) {
    std::optional<int64_t> by_percent;
    if (d.percent) {
      double x = base * *d.percent / 100.0;
      by_percent = static_cast<int64_t>(up ? std::ceil(x) : std::floor(x));
    }
    int64_t c = 0;
    if (d.pods && by_percent) {
      c = d.select_max ? std::max(*d.pods, *by_percent) : std::min(*d.pods, *by_percent);
    } else {
      c = d.pods ? *d.pods : by_percent.value_or(0);
    }
    return static_cast<int32_t>(std::min<int64_t>(c, 1000000));
  }

  static std::string Reason(const char* what, const Direction& d, int32_t base, int32_t limit) {
    if (d.disabled) return std::string(what) + " disabled";
    std::string out;
    out.reserve(64);
    out.append(what).append(" limited to ").append(std::to_string(limit)).append(": ");
    return out.append(d.rule).append(std::to_string(base));
  }

  Direction up_, down_;
};

Direction ReadDirection(const SpecNode& node, SpecReader& r) {
  static constexpr std::string_view kKeys[] = {"pods", "percent", "window", "select", "disabled"};
  static constexpr std::string_view kSelect[] = {"max", "min"};
  Direction d;
  d.set = true;
  if (!r.ExpectMap(node)) return d;
  r.CheckKeys(node, kKeys);
  if (const SpecNode* n = node.Find("disabled")) d.disabled = r.Bool(*n).value_or(false);
  if (const SpecNode* n = node.Find("pods")) d.pods = r.Int(*n, 1, 100000);
  if (const SpecNode* n = node.Find("percent")) d.percent = r.Number(*n, 1, 1000);
  if (const SpecNode* n = node.Find("window")) {
    d.window = r.DurationIn(*n, std::chrono::seconds(1), std::chrono::hours(24)).value_or(d.window);
  }
  if (const SpecNode* n = node.Find("select")) d.select_max = r.Enum(*n, kSelect).value_or(0) == 0;
  if (d.pods) d.rule += std::to_string(*d.pods) + " pods";
  if (d.percent) {
    d.rule += d.rule.empty() ? "" : d.select_max ? " or " : " and ";
    AppendShortest(d.rule, *d.percent).append("%");
  }
  d.rule += " per " + FormatDuration(d.window) + " from ";
  if (!d.disabled && node.Find("pods") == nullptr && node.Find("percent") == nullptr) {
    r.Error(node, "a direction without pods or percent", "pods, percent (or both), or disabled");
  }
  return d;
}

}  // namespace

std::unique_ptr<Policy> CreateRateLimitPolicy(const PolicySpec& spec, const BuildEnvironment&,
                                              SpecReader& r) {
  static constexpr std::string_view kKeys[] = {"kind", "scaleUp", "scaleDown"};
  r.CheckKeys(spec.params, kKeys);
  Direction up, down;
  if (const SpecNode* n = spec.params.Find("scaleUp")) up = ReadDirection(*n, r);
  if (const SpecNode* n = spec.params.Find("scaleDown")) down = ReadDirection(*n, r);
  if (!up.set && !down.set) {
    r.Error(spec.params, "a rate limit without scaleUp or scaleDown", "at least one of them");
  }
  return std::make_unique<RateLimit>(spec, up, down);
}

}  // namespace crescendo::policy
