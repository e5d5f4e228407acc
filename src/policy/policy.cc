#include "crescendo/policy/policy.h"

#include <algorithm>
#include <string>

namespace crescendo {

Proposal BoundsPolicy::Apply(Proposal proposal, const PolicyContext& ctx) const {
  const HorizontalSpec& spec = *ctx.spec;
  if (proposal.desired_replicas > spec.max_replicas) {
    proposal.Record("bounds", spec.max_replicas,
                    "TooManyReplicas: capped at maxReplicas " + std::to_string(spec.max_replicas));
  } else if (proposal.desired_replicas < spec.min_replicas) {
    proposal.Record("bounds", spec.min_replicas,
                    "TooFewReplicas: raised to minReplicas " + std::to_string(spec.min_replicas));
  }
  return proposal;
}

const double* PolicyContext::Find(std::span<const NamedValue> values, std::string_view name) {
  for (const NamedValue& v : values) {
    if (v.name == name) return &v.value;
  }
  return nullptr;
}

std::string_view StageName(Stage stage) {
  switch (stage) {
    case Stage::kPreference:
      return "preference";
    case Stage::kRateLimit:
      return "rate limit";
    case Stage::kBudget:
      return "budget";
    case Stage::kSafety:
      return "safety";
    case Stage::kBounds:
      return "bounds";
  }
  return "?";
}

void PolicyChain::Add(std::shared_ptr<const Policy> policy) {
  // Keep policies sorted by stage; a policy goes after those of its own stage added before it.
  auto at = std::upper_bound(
      policies_.begin(), policies_.end(), policy->stage(),
      [](Stage s, const std::shared_ptr<const Policy>& p) { return s < p->stage(); });
  policies_.insert(at, std::move(policy));
}

Proposal PolicyChain::Apply(Proposal proposal, const PolicyContext& ctx) const {
  // Chains of distinct policies miss the cache on every policy object; asking for all of them
  // first lets those misses overlap instead of following one another (up to 2x faster with
  // 10,000 distinct chains, policy_benchmark).
  for (const auto& policy : policies_) {
    __builtin_prefetch(policy.get());
    __builtin_prefetch(reinterpret_cast<const char*>(policy.get()) + 64);
  }
  for (const auto& policy : policies_) proposal = policy->Apply(std::move(proposal), ctx);
  return proposal;
}

}  // namespace crescendo
