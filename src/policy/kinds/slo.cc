// kind: slo — a service level objective on a named metric (a latency, an error rate) that
// raises replicas as the metric nears its objective, before resource metrics would, with an
// urgency that follows the error budget's burn rate.
//
// Burn rate: how many times faster than allowed the objective is being consumed, value /
// objective (for an error-rate objective, observed error ratio / allowed error ratio). The
// default thresholds are the Google SRE Workbook's multiwindow alerts ("Alerting on SLOs",
// table 5-8): 14.4 (2% of a 30-day budget in one hour) and 6 (5% in six hours).
#include <algorithm>
#include <cmath>

#include "policy/kinds/kinds.h"

namespace crescendo::policy {
namespace {

struct SloParams {
  std::string metric;
  double objective = 0;
  double headroom = 0.8;    // act from objective × headroom on
  double fast_burn = 14.4;  // at or above: at least double the replicas
  double slow_burn = 6;     // at or above: at least 1.5 times the replicas
  int32_t floor = 0;        // a static minimum, when set
};

std::string Num(double v) {
  std::string out;
  return AppendShortest(out, v);
}

class Slo final : public ConfiguredPolicy {
 public:
  Slo(const PolicySpec& spec, bool is_protected, SloParams p)
      : ConfiguredPolicy(spec, is_protected ? Stage::kSafety : Stage::kPreference),
        p_(std::move(p)),
        protected_(is_protected) {}

  Proposal Apply(Proposal proposal, const PolicyContext& ctx) const override {
    const double* value = PolicyContext::Find(ctx.metrics, p_.metric);
    const std::string_view floor_note = protected_ ? "protected floor" : "floor";
    if (value != nullptr) {
      double target = p_.objective * p_.headroom;
      double burn = *value / p_.objective;
      int32_t base = std::max(proposal.current_replicas, 1);
      if (*value > target) {
        int64_t needed = static_cast<int64_t>(std::ceil(base * (*value / target)));
        std::string_view urgency;
        if (burn >= p_.fast_burn) {
          needed = std::max<int64_t>(needed, 2 * static_cast<int64_t>(base));
          urgency = ", fast burn: at least doubled";
        } else if (burn >= p_.slow_burn) {
          needed = std::max<int64_t>(needed, static_cast<int64_t>(std::ceil(1.5 * base)));
          urgency = ", slow burn: at least 1.5x";
        }
        needed = std::min<int64_t>(needed, 1000000);
        if (needed > proposal.desired_replicas) {
          std::string why;
          why.reserve(160);
          AppendShortest(why.append(p_.metric).append(" "), *value).append(" above ");
          AppendShortest(why, target).append(" (");
          AppendShortest(why, p_.headroom * 100).append("% of objective ");
          AppendShortest(why, p_.objective).append("), burn rate ");
          AppendShortest(why, burn).append(urgency).append(": ").append(floor_note).append(" ");
          why.append(std::to_string(needed));
          Record(proposal, static_cast<int32_t>(needed), std::move(why));
        }
      }
    }
    if (proposal.desired_replicas < p_.floor) {
      std::string why = "objective on " + p_.metric + ": ";
      why.append(floor_note).append(" ").append(std::to_string(p_.floor));
      Record(proposal, p_.floor, std::move(why));
    }
    return proposal;
  }

 private:
  SloParams p_;
  bool protected_;
};

}  // namespace

std::unique_ptr<Policy> CreateSloPolicy(const PolicySpec& spec, const BuildEnvironment& env,
                                        SpecReader& r) {
  static constexpr std::string_view kKeys[] = {"kind",      "metric", "objective", "headroom",
                                               "burnRates", "floor",  "protected"};
  r.CheckKeys(spec.params, kKeys);
  SloParams p;
  if (const SpecNode* n = spec.params.Find("metric")) {
    if (std::optional<std::string> m = r.String(*n)) {
      p.metric = *m;
      if (!env.any_metric &&
          std::find(env.metrics.begin(), env.metrics.end(), *m) == env.metrics.end()) {
        std::string known;
        for (const std::string& k : env.metrics) known += (known.empty() ? "" : ", ") + k;
        r.Error(*n, "unknown metric \"" + *m + "\"", "a metric of the catalogue (" + known + ")");
      }
    }
  } else {
    r.Error(spec.params, "an objective without metric", "metric: a metric of the catalogue");
  }
  if (const SpecNode* n = spec.params.Find("objective")) {
    p.objective = r.Number(*n, 1e-12, 1e12).value_or(1);
  } else {
    r.Error(spec.params, "an objective without objective",
            "objective: the value the metric must stay at or below, e.g. 200");
  }
  if (const SpecNode* n = spec.params.Find("headroom")) {
    p.headroom = r.Number(*n, 0.1, 1).value_or(p.headroom);
  }
  if (const SpecNode* n = spec.params.Find("burnRates")) {
    static constexpr std::string_view kBurn[] = {"fast", "slow"};
    if (r.ExpectMap(*n)) {
      r.CheckKeys(*n, kBurn);
      if (const SpecNode* f = n->Find("fast")) p.fast_burn = r.Number(*f, 1, 1000).value_or(14.4);
      if (const SpecNode* s = n->Find("slow")) p.slow_burn = r.Number(*s, 1, 1000).value_or(6);
      if (p.slow_burn > p.fast_burn) {
        r.Error(*n, "slow " + Num(p.slow_burn) + " above fast " + Num(p.fast_burn), "slow <= fast");
      }
    }
  }
  if (const SpecNode* n = spec.params.Find("floor")) {
    p.floor = static_cast<int32_t>(r.Int(*n, 0, 100000).value_or(0));
  }
  bool is_protected = false;
  if (const SpecNode* n = spec.params.Find("protected")) is_protected = r.Bool(*n).value_or(false);
  return std::make_unique<Slo>(spec, is_protected, std::move(p));
}

}  // namespace crescendo::policy
