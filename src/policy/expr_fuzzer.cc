// libFuzzer target: compiles any text as an expression and evaluates what compiles against a
// fixed context. Finds crashes, hangs and sanitizer reports in the lexer, parser, checker and
// evaluator; a compile error or an evaluation error is a normal outcome.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crescendo/policy/expr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crescendo;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  policy::ExprEnvironment env;
  env.any_metric = true;
  env.budgets = {"monthly"};
  std::vector<policy::ExprError> errors;
  std::optional<policy::Expression> e = policy::Expression::Compile(text, env, errors);
  if (!e) return 0;
  WorkloadId id{"prod", "acme", "audio", "player"};
  HorizontalSpec spec;
  NamedValue metrics[] = {{"queue", 420}, {"latency", 0.2}};
  NamedValue spent[] = {{"monthly", 10}};
  PolicyContext ctx;
  ctx.workload = &id;
  ctx.spec = &spec;
  ctx.now = FromUnixSeconds(1774744200);
  ctx.metrics = metrics;
  ctx.forecast = metrics;
  ctx.spent = spent;
  Proposal proposal;
  proposal.current_replicas = 3;
  proposal.desired_replicas = 5;
  (void)e->Evaluate(proposal, ctx);
  return 0;
}
