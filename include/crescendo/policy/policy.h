// Policy: one constraint on a proposal (bounds, rate limits, cost, SLA...).
//
// Pure: a proposal and its context in, the constrained proposal out, with one trace entry
// appended when the policy changed the value or wants its reason on record.
//
// Thread safety: Apply() is const and may be called concurrently.
#ifndef CRESCENDO_POLICY_POLICY_H_
#define CRESCENDO_POLICY_POLICY_H_

#include <memory>
#include <string_view>
#include <vector>

#include "crescendo/base/time.h"
#include "crescendo/model/autoscaling.h"
#include "crescendo/model/decision.h"
#include "crescendo/model/ids.h"

namespace crescendo {

struct PolicyContext {
  const WorkloadId* workload = nullptr;  // REQUIRES: non-null
  const HorizontalSpec* spec = nullptr;  // REQUIRES: non-null
  Timestamp now;
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string_view name() const = 0;
  // Returns `proposal` constrained by this policy.
  virtual Proposal Apply(Proposal proposal, const PolicyContext& ctx) const = 0;
};

// Clamps desired replicas into [spec.min_replicas, spec.max_replicas]. Trace reasons follow the
// Kubernetes names: "TooFewReplicas" / "TooManyReplicas".
class BoundsPolicy final : public Policy {
 public:
  std::string_view name() const override { return "bounds"; }
  Proposal Apply(Proposal proposal, const PolicyContext& ctx) const override;
};

// Applies policies in order.
class PolicyChain {
 public:
  void Add(std::unique_ptr<Policy> policy) { policies_.push_back(std::move(policy)); }
  Proposal Apply(Proposal proposal, const PolicyContext& ctx) const;
  size_t size() const { return policies_.size(); }

 private:
  std::vector<std::unique_ptr<Policy>> policies_;
};

}  // namespace crescendo

#endif  // CRESCENDO_POLICY_POLICY_H_
