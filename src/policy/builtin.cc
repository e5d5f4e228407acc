// The built-in policy kinds: one line each, alphabetical. docs/policies.md describes them.
#include "policy/kinds/kinds.h"

namespace crescendo::policy {

const PolicyRegistry& PolicyRegistry::Builtin() {
  static const PolicyRegistry* registry = [] {
    auto* r = new PolicyRegistry();
    r->Add("bounds", &CreateBoundsPolicy);
    r->Add("budget", &CreateBudgetPolicy);
    r->Add("expression", &CreateExpressionPolicy);
    r->Add("rateLimit", &CreateRateLimitPolicy);
    r->Add("schedule", &CreateSchedulePolicy);
    r->Add("slo", &CreateSloPolicy);
    return r;
  }();
  return *registry;
}

}  // namespace crescendo::policy
