// BuildChain shares built policies between chains built from identical specs (registry.h).
#include "crescendo/policy/registry.h"

#include <gtest/gtest.h>

#include "policy/spec_builders.h"

namespace crescendo::policy {
namespace {

using testing::M;
using testing::S;
using testing::Spec;

PolicySpec Floor(const std::string& objective) {
  return Spec("p95", M({{"kind", S("slo")},
                        {"metric", S("latency_p95")},
                        {"objective", S(objective)},
                        {"floor", S("2")}}));
}

PolicySpec Rule(const std::string& text) {
  return Spec("queue", M({{"kind", S("expression")}, {"replicas", S(text)}}));
}

BuildEnvironment Env() {
  BuildEnvironment env;
  env.metrics = {"latency_p95", "queue"};
  return env;
}

PolicyChain Build(const std::vector<PolicySpec>& specs, const BuildEnvironment& env) {
  std::vector<SpecError> errors;
  PolicyChain chain = BuildChain(specs, env, errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors[0].found);
  return chain;
}

// The policy named `name` in `chain` (chains order policies by stage, so look them up by name).
const Policy* Named(const PolicyChain& chain, std::string_view name) {
  for (const auto& p : chain.policies()) {
    if (p->name() == name) return p.get();
  }
  return nullptr;
}

TEST(BuildChainSharingTest, IdenticalSpecsShareOnePolicy) {
  const std::vector<PolicySpec> specs = {Floor("200"), Rule("max(proposal.replicas, 3)")};
  PolicyChain a = Build(specs, Env());
  PolicyChain b = Build(specs, Env());
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(Named(a, "p95"), Named(b, "p95"));
  EXPECT_EQ(Named(a, "queue"), Named(b, "queue"));
  EXPECT_EQ(Named(a, "bounds"), Named(b, "bounds"));
}

// Everything the factory reads is part of the key: a parameter, the expression, where the spec
// is written, the metric catalogue, the budgets.
TEST(BuildChainSharingTest, AnyDifferenceBuildsItsOwnPolicy) {
  const std::vector<PolicySpec> base = {Floor("200"), Rule("max(proposal.replicas, 3)")};
  PolicyChain a = Build(base, Env());

  PolicyChain objective = Build({Floor("250"), base[1]}, Env());
  EXPECT_NE(Named(a, "p95"), Named(objective, "p95"));
  EXPECT_EQ(Named(a, "queue"), Named(objective, "queue"));

  PolicyChain rule = Build({base[0], Rule("max(proposal.replicas, 4)")}, Env());
  EXPECT_NE(Named(a, "queue"), Named(rule, "queue"));

  std::vector<PolicySpec> moved = base;
  moved[0].location.file = "tenants/acme.yaml";
  PolicyChain elsewhere = Build(moved, Env());
  EXPECT_NE(Named(a, "p95"), Named(elsewhere, "p95"));

  moved = base;
  moved[0].params.children[2].location.line += 10;  // objective written on another line
  PolicyChain line = Build(moved, Env());
  EXPECT_NE(Named(a, "p95"), Named(line, "p95"));

  BuildEnvironment more = Env();
  more.metrics.push_back("errors");
  PolicyChain catalogue = Build(base, more);
  EXPECT_NE(Named(a, "queue"), Named(catalogue, "queue"));

  BuildEnvironment budgets = Env();
  budgets.budgets = {"monthly"};
  PolicyChain with_budget = Build(base, budgets);
  EXPECT_NE(Named(a, "queue"), Named(with_budget, "queue"));
}

// A shared policy decides exactly as its own copy would, for every chain that holds it.
TEST(BuildChainSharingTest, SharedPoliciesDecideAlike) {
  const std::vector<PolicySpec> specs = {Floor("200"), Rule("max(proposal.replicas, 3)")};
  PolicyChain a = Build(specs, Env());
  PolicyChain b = Build(specs, Env());
  WorkloadId id{"prod", "t", "ns", "w"};
  HorizontalSpec spec;
  spec.min_replicas = 1;
  spec.max_replicas = 50;
  NamedValue metrics[] = {{"latency_p95", 300}, {"queue", 10}};
  PolicyContext ctx;
  ctx.workload = &id;
  ctx.spec = &spec;
  ctx.metrics = metrics;
  Proposal p;
  p.current_replicas = 4;
  p.desired_replicas = 1;
  Proposal x = a.Apply(p, ctx);
  Proposal y = b.Apply(p, ctx);
  EXPECT_EQ(x.desired_replicas, 8);  // ceil(4 x 300 / 160)
  EXPECT_EQ(x.desired_replicas, y.desired_replicas);
  ASSERT_EQ(x.trace.size(), y.trace.size());
  for (size_t k = 0; k < x.trace.size(); ++k) {
    EXPECT_EQ(x.trace[k].step, y.trace[k].step);
    EXPECT_EQ(x.trace[k].reason, y.trace[k].reason);
  }
}

// Policies no chain holds any more are built again, and the table does not keep them alive.
TEST(BuildChainSharingTest, ReleasedPoliciesAreNotKept) {
  std::weak_ptr<const Policy> first;
  {
    PolicyChain a = Build({Floor("321")}, Env());
    for (const auto& p : a.policies()) {
      if (p->name() == "p95") first = p;
    }
  }
  EXPECT_TRUE(first.expired());
  // Many distinct specs come and go; each builds and is released.
  for (int k = 0; k < 500; ++k) {
    PolicyChain c = Build({Floor(std::to_string(1000 + k))}, Env());
    EXPECT_NE(Named(c, "p95"), nullptr);
  }
}

// A spec with problems is never shared: each build reports them again.
TEST(BuildChainSharingTest, ProblemsAreReportedEveryTime) {
  const std::vector<PolicySpec> bad = {Rule("metrics.nope + 1")};
  for (int k = 0; k < 2; ++k) {
    std::vector<SpecError> errors;
    PolicyChain c = BuildChain(bad, Env(), errors);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].found.find("nope"), std::string::npos) << errors[0].found;
    EXPECT_EQ(c.size(), 1u);  // the HPA bounds alone
  }
}

}  // namespace
}  // namespace crescendo::policy
