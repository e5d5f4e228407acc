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

Proposal PolicyChain::Apply(Proposal proposal, const PolicyContext& ctx) const {
  for (const auto& policy : policies_) proposal = policy->Apply(std::move(proposal), ctx);
  return proposal;
}

}  // namespace crescendo
