// Policy: one constraint on a proposal (bounds, rate limits, schedules, SLA objectives, cost
// budgets, expression rules).
//
// Pure: a proposal and its context in, the constrained proposal out, with one trace entry
// appended when the policy changed the value or wants its reason on record. A trace entry's
// step is "policy:<name>@<file:line>" for configured policies (see TraceStep) so that every
// change names the policy and where it is configured.
//
// Policies are ordered by their Stage (docs/policies.md, "Conflict order"): preferences first,
// then rate limits, budgets, safety floors and the hard bounds last, so that a later stage wins
// a conflict with an earlier one.
//
// Thread safety: Apply() is const and may be called concurrently.
#ifndef CRESCENDO_POLICY_POLICY_H_
#define CRESCENDO_POLICY_POLICY_H_

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/time.h"
#include "crescendo/model/autoscaling.h"
#include "crescendo/model/decision.h"
#include "crescendo/model/ids.h"
#include "crescendo/model/resources.h"

namespace crescendo {

// One named number: a metric's current value or its forecast, in the catalogue's unit.
struct NamedValue {
  std::string_view name;
  double value = 0;
};

// A replica count the workload had from `time` on (an applied scale), oldest first.
struct ReplicaRecord {
  Timestamp time;
  int32_t replicas = 0;
};

// Everything a policy may read besides the proposal. Views: the caller owns what they point to
// and keeps it alive during Apply().
struct PolicyContext {
  const WorkloadId* workload = nullptr;  // REQUIRES: non-null
  const HorizontalSpec* spec = nullptr;  // REQUIRES: non-null
  Timestamp now;
  // Metric name -> current value; a metric missing here is unavailable this tick.
  std::span<const NamedValue> metrics;
  // Metric name -> forecast peak over the strategy's horizon; empty without a forecast.
  std::span<const NamedValue> forecast;
  std::string_view tier;  // the tenant's (or shared service's) tier; may be empty
  int32_t priority = 0;   // the service's priority (0..1000)
  const std::map<std::string, std::string>* labels = nullptr;  // service labels; may be null
  std::optional<Resources> current_requests;                   // per-pod requests now, when known
  // Cost spent so far in each budget's period, by budget policy name (currency units of that
  // budget); a budget missing here counts as nothing spent.
  std::span<const NamedValue> spent;
  // Replica counts applied recently, oldest first (for rate-limit windows); may be empty.
  std::span<const ReplicaRecord> history;

  // Returns the value named `name` in `values`, or null.
  static const double* Find(std::span<const NamedValue> values, std::string_view name);
};

// The conflict order: a policy of a later stage is applied after, and so wins over, a policy of
// an earlier stage.
enum class Stage {
  kPreference = 0,  // expression rules, unprotected SLA objectives and schedules
  kRateLimit = 1,   // rate limits on the change from the current replicas
  kBudget = 2,      // cost budgets
  kSafety = 3,      // protected floors (SLA, schedules) and freezes
  kBounds = 4,      // the hard bounds: minReplicas / maxReplicas
};
std::string_view StageName(Stage stage);

// What a policy that keeps an account (a cost budget) has spent in its current period.
struct SpendAccount {
  double spent = 0;        // in the policy's currency
  Timestamp period_start;  // the start of the period `spent` belongs to
  friend bool operator==(const SpendAccount&, const SpendAccount&) = default;
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string_view name() const = 0;
  virtual Stage stage() const { return Stage::kPreference; }
  // Returns `proposal` constrained by this policy.
  virtual Proposal Apply(Proposal proposal, const PolicyContext& ctx) const = 0;
  // For a policy that keeps an account (a budget): adds to `account` what `replicas` pods of
  // `requests` cost over [from, to), first starting a new period (nothing spent) when `to` lies
  // in a later period than the account's. Returns false, leaving `account` alone, for a policy
  // without one (the default). The engine keeps the accounts and passes them back as
  // PolicyContext::spent.
  virtual bool Accrue(SpendAccount& account, int32_t replicas,
                      const std::optional<Resources>& requests, Timestamp from,
                      Timestamp to) const {
    (void)account, (void)replicas, (void)requests, (void)from, (void)to;
    return false;
  }
};

// Clamps desired replicas into [spec.min_replicas, spec.max_replicas]. Trace reasons follow the
// Kubernetes names: "TooFewReplicas" / "TooManyReplicas".
class BoundsPolicy final : public Policy {
 public:
  std::string_view name() const override { return "bounds"; }
  Stage stage() const override { return Stage::kBounds; }
  Proposal Apply(Proposal proposal, const PolicyContext& ctx) const override;
};

// Applies policies by stage, and in the order they were added within a stage. Policies are
// immutable, so chains may share them (policy::BuildChain shares those built from identical
// specs).
class PolicyChain {
 public:
  void Add(std::shared_ptr<const Policy> policy);  // REQUIRES: non-null
  Proposal Apply(Proposal proposal, const PolicyContext& ctx) const;
  size_t size() const { return policies_.size(); }
  // The policies in the order Apply() runs them.
  std::span<const std::shared_ptr<const Policy>> policies() const { return policies_; }

 private:
  std::vector<std::shared_ptr<const Policy>> policies_;
};

}  // namespace crescendo

#endif  // CRESCENDO_POLICY_POLICY_H_
