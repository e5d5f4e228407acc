// kind: expression — replicas computed by an expression (crescendo/policy/expr.h), optionally
// only `when` a condition holds. An evaluation error (a metric without a value, overflow, the
// cost limit) leaves the proposal as it is and is traced.
#include "policy/kinds/kinds.h"

namespace crescendo::policy {
namespace {

class ExpressionRule final : public ConfiguredPolicy {
 public:
  ExpressionRule(const PolicySpec& spec, Expression replicas, std::optional<Expression> when)
      : ConfiguredPolicy(spec, Stage::kPreference),
        replicas_(std::move(replicas)),
        when_(std::move(when)) {}

  Proposal Apply(Proposal proposal, const PolicyContext& ctx) const override {
    if (when_) {
      StatusOr<ExprValue> on = when_->Evaluate(proposal, ctx);
      if (!on.ok()) return Unchanged(std::move(proposal), "when: " + on.status().message());
      if (!on->b) return proposal;
    }
    StatusOr<ExprValue> v = replicas_.Evaluate(proposal, ctx);
    if (!v.ok()) return Unchanged(std::move(proposal), v.status().message());
    int64_t replicas = std::clamp<int64_t>(v->i, 0, 1000000);
    if (replicas != proposal.desired_replicas) {
      std::string why;
      why.reserve(replicas_.text().size() + 36);
      why.append("replicas = ").append(replicas_.text()).append(" = ").append(std::to_string(v->i));
      Record(proposal, static_cast<int32_t>(replicas), std::move(why));
    }
    return proposal;
  }

 private:
  Proposal Unchanged(Proposal proposal, std::string error) const {
    double replicas = proposal.desired_replicas;
    proposal.trace.push_back({step(), replicas, replicas, "expression not applied: " + error});
    return proposal;
  }

  Expression replicas_;
  std::optional<Expression> when_;
};

}  // namespace

std::unique_ptr<Policy> CreateExpressionPolicy(const PolicySpec& spec, const BuildEnvironment& env,
                                               SpecReader& r) {
  static constexpr std::string_view kKeys[] = {"kind", "replicas", "when"};
  r.CheckKeys(spec.params, kKeys);
  std::optional<Expression> when;
  if (const SpecNode* n = spec.params.Find("when")) when = r.Expr(*n, env, ExprType::kBool);
  const SpecNode* n = spec.params.Find("replicas");
  if (n == nullptr) {
    r.Error(spec.params, "an expression rule without replicas",
            "replicas: an int expression, e.g. max(proposal.replicas, 3)");
    return nullptr;
  }
  std::optional<Expression> replicas = r.Expr(*n, env, ExprType::kInt);
  if (!replicas) return nullptr;
  return std::make_unique<ExpressionRule>(spec, std::move(*replicas), std::move(when));
}

}  // namespace crescendo::policy
