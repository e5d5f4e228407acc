// The policies stage at scale: 10,000 workloads, each with its own chain of the HPA bounds and
// five configured policies (a schedule in Europe/Paris, a rate limit, an SLO, a monthly budget
// and an expression rule), applied once per tick. The target is <= 10 ms per tick on one core.
// Each workload's chain is built on its own, as the engine builds one per service; what varies
// is how many distinct policy specs there are: one set for all (policies inherited from a
// tenant or an environment), 100 sets (100 services' own policies), or one set per workload
// (every number and expression different: the worst case, nothing shared).
#include <benchmark/benchmark.h>

#include "crescendo/policy/registry.h"
#include "policy/spec_builders.h"

namespace crescendo::policy {
namespace {

using testing::L;
using testing::M;
using testing::S;
using testing::Spec;

// The five policies of spec set `k`: set 0 is the one of the 1-set case; others change every
// number (and so the expression's text).
std::vector<PolicySpec> FivePolicies(int k) {
  const std::string per_pod = std::to_string(50 + k % 1000) + "." + std::to_string(k / 1000);
  return {
      Spec("release", M({{"kind", S("schedule")},
                         {"timeZone", S("Europe/Paris")},
                         {"windows", L({M({{"start", S("0 18 * * fri")},
                                           {"duration", S("6h")},
                                           {"minReplicas", S(std::to_string(20 + k % 7))}})})}})),
      Spec("gentle", M({{"kind", S("rateLimit")},
                        {"scaleUp", M({{"pods", S(std::to_string(10 + k % 5))},
                                       {"percent", S(std::to_string(100 + k % 50))}})},
                        {"scaleDown", M({{"percent", S("10")}, {"window", S("5m")}})}})),
      Spec("p95", M({{"kind", S("slo")},
                     {"metric", S("latency_p95")},
                     {"objective", S(std::to_string(200 + k % 100))},
                     {"protected", S("true")}})),
      Spec("monthly", M({{"kind", S("budget")},
                         {"amount", S(std::to_string(3000 + k))},
                         {"currency", S("EUR")},
                         {"period", S("month")},
                         {"pricePerReplicaHour", S("0.4")}})),
      Spec("queue", M({{"kind", S("expression")},
                       {"replicas", S("metrics.queue / " + per_pod +
                                      " > double(proposal.replicas) ? int(metrics.queue / " +
                                      per_pod + ") : proposal.replicas")}})),
  };
}

struct Workload {
  WorkloadId id;
  std::vector<NamedValue> metrics;
  std::vector<NamedValue> spent;
};

void BM_PoliciesTick(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int spec_sets = static_cast<int>(state.range(1));  // workload i has set i % spec_sets
  BuildEnvironment env;
  env.metrics = {"latency_p95", "queue"};
  env.budgets = {"monthly"};
  std::vector<std::vector<PolicySpec>> specs(spec_sets);
  for (int k = 0; k < spec_sets; ++k) specs[k] = FivePolicies(k);
  std::vector<Workload> workloads(n);
  std::vector<PolicyChain> chains(n);
  HorizontalSpec spec;
  spec.min_replicas = 1;
  spec.max_replicas = 200;
  for (int i = 0; i < n; ++i) {
    Workload& w = workloads[i];
    w.id = WorkloadId{"prod", "t" + std::to_string(i % 50), "ns", "w" + std::to_string(i)};
    w.metrics = {{"latency_p95", 120.0 + i % 150}, {"queue", 100.0 + (i * 37) % 2000}};
    w.spent = {{"monthly", 1000.0 + i % 1500}};
  }
  for (int i = 0; i < n; ++i) {
    std::vector<SpecError> errors;
    chains[i] = BuildChain(specs[i % spec_sets], env, errors);
    if (!errors.empty()) {
      state.SkipWithError(errors[0].found.c_str());
      return;
    }
  }
  // Friday 27 March 2026, 17:30Z: the Paris release window is open.
  Timestamp now = ParseRfc3339("2026-03-27T17:30:00Z").value();
  int64_t replicas = 0;
  for (auto _ : state) {
    for (int i = 0; i < n; ++i) {
      Workload& w = workloads[i];
      PolicyContext ctx;
      ctx.workload = &w.id;
      ctx.spec = &spec;
      ctx.now = now;
      ctx.metrics = w.metrics;
      ctx.spent = w.spent;
      Proposal p;
      p.current_replicas = 5 + i % 10;
      p.desired_replicas = 3 + i % 20;
      replicas += chains[i].Apply(std::move(p), ctx).desired_replicas;
    }
  }
  benchmark::DoNotOptimize(replicas);
  state.counters["workloads"] = n;
  state.counters["per_workload_ns"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate |
                                                     benchmark::Counter::kInvert);
}
// {workloads, distinct spec sets}.
BENCHMARK(BM_PoliciesTick)
    ->Args({10000, 1})
    ->Args({10000, 100})
    ->Args({10000, 10000})
    ->Unit(benchmark::kMillisecond);

void BM_ExpressionEvaluate(benchmark::State& state) {
  ExprEnvironment env;
  env.metrics = {"queue"};
  std::vector<ExprError> errors;
  std::optional<Expression> e = Expression::Compile(
      "metrics.queue / 50 > proposal.replicas ? int(metrics.queue / 50) : proposal.replicas", env,
      errors);
  WorkloadId id{"prod", "t", "ns", "w"};
  HorizontalSpec spec;
  NamedValue metrics[] = {{"queue", 420}};
  PolicyContext ctx;
  ctx.workload = &id;
  ctx.spec = &spec;
  ctx.metrics = metrics;
  Proposal p;
  p.desired_replicas = 6;
  for (auto _ : state) benchmark::DoNotOptimize(e->Evaluate(p, ctx));
}
BENCHMARK(BM_ExpressionEvaluate);

}  // namespace
}  // namespace crescendo::policy
