// TenantRecorder: what the tenant arbitration did to each tenant, tick by tick, for the
// simulation's report (TenancyOutcome in crescendo/sim/runner.h).
//
// The strategy runner hands Observe() to its TenantArbiter (TenantArbiterOptions::observe): each
// tick the arbiter calls it once per capacity it arbitrated (the shared one, or each dedicated
// pool); EndTick() then closes the tick. Per tenant it integrates over time what was asked and
// given (replicas, CPU), its dominant share against its weighted entitlement, and counts the
// ticks it was cut or held less than its guarantee; per tick, Jain's index over the weighted
// dominant shares of the tenants that asked for something, across every capacity.
//
// Thread safety: not thread-safe (the engine calls its arbiter from its own thread).
#ifndef CRESCENDO_SRC_SIM_TENANT_RECORDER_H_
#define CRESCENDO_SRC_SIM_TENANT_RECORDER_H_

#include <map>
#include <string>
#include <vector>

#include "crescendo/sim/runner.h"
#include "crescendo/tenancy/arbitration.h"

namespace crescendo::sim {

class TenantRecorder {
 public:
  // `tenancy` lists the tenants in report order; a tick lasts `tick_seconds`.
  TenantRecorder(const SimTenancy& tenancy, double tick_seconds);

  // Adds one arbitration of the current tick.
  void Observe(const tenancy::ArbitrationInput& input, const tenancy::ArbitrationResult& result);
  // Closes the tick; returns its Jain index, NaN when nothing was arbitrated in it.
  double EndTick();
  // Returns the outcome, with each tenant's SLA and quota figures summed from `services`.
  TenancyOutcome Result(const std::vector<ServiceOutcome>& services) const;

 private:
  size_t IndexOf(const tenancy::TenantRequest& tenant);

  double dt_;
  TenancyOutcome out_;
  std::map<std::string, size_t> index_;
  std::vector<double> weighted_shares_;  // of the current tick
  bool observed_ = false;                // in the current tick
  bool over_capacity_ = false;           // in the current tick
  double jain_seconds_ = 0;              // Jain's index times seconds, summed
};

}  // namespace crescendo::sim

#endif  // CRESCENDO_SRC_SIM_TENANT_RECORDER_H_
