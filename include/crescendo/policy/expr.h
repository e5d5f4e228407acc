// Expressions: a small, typed, sandboxed subset of CEL, the Common Expression Language that
// Kubernetes uses for validation rules (https://github.com/google/cel-spec, doc/langdef.md).
//
// An expression reads the proposal, the current state, metrics, forecasts, time, tenant and
// service attributes, and computes one value: e.g.
//   metrics.audio_queue_length / 50 > proposal.replicas
//       ? int(metrics.audio_queue_length / 50) : proposal.replicas
// docs/policies.md gives the grammar, the variables and the functions.
//
// Compile() parses and type-checks once, when the configuration loads: every name, field,
// operator and function is resolved then, so evaluation does no name lookup but the metric's.
// Evaluation is sandboxed: no I/O, no allocation on success, no loops; its cost is bounded by
// the expression's size (ExprLimits::max_nodes), nesting (max_depth) and a step budget
// (max_steps) checked at run time.
//
// Departure from CEL (doc/langdef.md, "Numeric Values": no automatic arithmetic conversions):
// an arithmetic operator or a conditional mixing int and double converts the int to double,
// so that `metrics.queue / 50` needs no `50.0`. Every other rule is CEL's: int overflow and
// division by zero are errors ("Overflow"), && and || are commutative over errors ("Logical
// Operators"), int(double) truncates toward zero, getMonth() is 0-based.
//
// Thread safety: an Expression is immutable after Compile(); Evaluate() may run concurrently.
#ifndef CRESCENDO_POLICY_EXPR_H_
#define CRESCENDO_POLICY_EXPR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/model/decision.h"
#include "crescendo/policy/policy.h"

namespace crescendo::policy {

enum class ExprType { kInt, kDouble, kBool, kString, kTimestamp };
// Returns "int", "double", "bool", "string" or "timestamp".
std::string_view ExprTypeName(ExprType type);

struct ExprLimits {
  size_t max_length = 4096;  // characters of source text
  int max_nodes = 256;       // syntax tree nodes
  // CEL langdef, "Syntax": implementations must support at least 32 levels of nesting.
  int max_depth = 32;
  int max_steps = 1000;  // node evaluations per Evaluate()
};

// A problem in an expression's text; line and column are 1-based, in the expression's text.
struct ExprError {
  int line = 1;
  int column = 1;
  std::string message;
  // Returns "line:column: message" ("column: message" on line 1).
  std::string ToString() const;
  friend bool operator==(const ExprError&, const ExprError&) = default;
};

// The names an expression may read besides the built-in variables.
struct ExprEnvironment {
  std::vector<std::string> metrics;  // metric names readable as metrics.X and forecast.X
  bool any_metric = false;           // accept every metric name (no catalogue at hand)
  std::vector<std::string> budgets;  // budget policy names readable as spent.X
};

// A value; `s` views the expression's own text or the context's strings.
struct ExprValue {
  ExprType type = ExprType::kInt;
  int64_t i = 0;  // kInt
  double d = 0;   // kDouble
  bool b = false;
  std::string_view s;
  Timestamp t;
  double AsDouble() const { return type == ExprType::kInt ? static_cast<double>(i) : d; }
  // Returns the value as CEL writes it: 3, 2.5, true, "text", timestamp("...").
  std::string ToString() const;
};

struct ExprProgram;  // the checked syntax tree (src/policy/expr/)

class Expression {
 public:
  // Parses and type-checks `text`. Returns nullopt and appends every problem found to `errors`:
  // syntax errors (the first only: the parser does not resume), then every type error, unknown
  // variable, field, metric, function or time zone, and exceeded limits.
  static std::optional<Expression> Compile(std::string_view text, const ExprEnvironment& env,
                                           std::vector<ExprError>& errors,
                                           const ExprLimits& limits = {});

  // Evaluates against one proposal and its context. Errors: InvalidArgument for run-time errors
  // (a metric that has no value this tick, overflow, division by zero, a value out of range);
  // ResourceExhausted when the step budget is spent.
  StatusOr<ExprValue> Evaluate(const Proposal& proposal, const PolicyContext& ctx) const;

  ExprType type() const;
  const std::string& text() const;
  int node_count() const;

 private:
  explicit Expression(std::shared_ptr<const ExprProgram> program) : program_(std::move(program)) {}
  std::shared_ptr<const ExprProgram> program_;
};

}  // namespace crescendo::policy

#endif  // CRESCENDO_POLICY_EXPR_H_
