// The syntax tree of an expression, before and after type checking.
//
// The parser builds nodes with unresolved names (kIdent, kSelect, kCall); the checker resolves
// them in place into variables (kVar), map reads (kMapRead), has() tests and functions, and sets
// every node's type. LowerExpression() then copies the checked tree into the evaluator's flat
// layout (EvalNode) and drops the tree; the evaluator walks that.
//
// Thread safety: a checked ExprProgram is immutable.
#ifndef CRESCENDO_SRC_POLICY_EXPR_PROGRAM_H_
#define CRESCENDO_SRC_POLICY_EXPR_PROGRAM_H_

#include <cctz/time_zone.h>

#include <cstdint>
#include <string>
#include <vector>

#include "crescendo/policy/expr.h"

namespace crescendo::policy {

enum class Op : uint8_t {
  // literals
  kInt,
  kDouble,
  kBool,
  kString,
  // unresolved names (parser output)
  kIdent,
  kSelect,
  kCall,
  // resolved names (checker output)
  kVar,
  kMapRead,
  kHas,
  kFunc,
  // operators
  kNeg,
  kNot,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kLt,
  kLe,
  kGt,
  kGe,
  kEq,
  kNe,
  kAnd,
  kOr,
  kCond,
};

// The built-in scalar variables.
enum class Var : uint8_t {
  kProposalReplicas,
  kProposalCpu,
  kProposalMemory,
  kCurrentReplicas,
  kCurrentCpu,
  kCurrentMemory,
  kTimeNow,
  kTimeHour,
  kTimeMinute,
  kTimeWeekday,
  kTimeDay,
  kTimeMonth,
  kTimeYear,
  kTenantName,
  kTenantTier,
  kServiceName,
  kServiceNamespace,
  kServiceEnvironment,
  kServicePriority,
};

// The maps readable by field: metrics.X, forecast.X, spent.X, service.labels.X.
enum class MapName : uint8_t { kMetrics, kForecast, kSpent, kLabels };

enum class Func : uint8_t {
  kInt,
  kDouble,
  kMin,
  kMax,
  kAbs,
  kCeil,
  kFloor,
  kRound,
  kGetHours,
  kGetMinutes,
  kGetDayOfWeek,
  kGetDate,
  kGetMonth,
  kGetFullYear,
  kStartsWith,
  kEndsWith,
  kContains,
};

struct ExprNode {
  Op op = Op::kInt;
  ExprType type = ExprType::kInt;  // set by the checker
  int line = 1;
  int column = 1;
  int64_t int_value = 0;  // kInt, kBool (0/1); kVar: Var; kMapRead/kHas: MapName; kFunc: Func
  double double_value = 0;
  std::string text;           // kString, kIdent, kSelect's field, kCall's name, kMapRead's key
  std::vector<int> children;  // operands; kSelect: {operand}; kCall: {receiver?, args...}
  bool receiver = false;      // kCall written as receiver.name(args)
  int zone = -1;              // time functions: index into ExprProgram::zones; -1: UTC
};

// A checked node as the evaluator reads it: what ExprNode holds minus the source position and
// the parser's names, with children and text in the program's flat arrays, so that evaluating
// one program touches a few adjacent cache lines (a tick evaluates thousands of programs once
// each: their layout, not the arithmetic, sets the cost).
struct EvalNode {
  Op op = Op::kInt;
  int16_t zone = -1;         // as ExprNode::zone
  uint16_t child_count = 0;  // children: kids[first_child, first_child + child_count)
  ExprType type = ExprType::kInt;
  int32_t first_child = 0;
  uint32_t text_offset = 0;  // text: strings.substr(text_offset, text_size)
  uint32_t text_size = 0;
  union {
    int64_t int_value = 0;  // as ExprNode::int_value
    double double_value;    // kDouble
  };
};

struct ExprProgram {
  std::string text;
  std::vector<ExprNode> nodes;
  int root = -1;
  std::vector<cctz::time_zone> zones;
  int max_steps = 1000;
  // The checked tree in the evaluator's layout (LowerExpression), which then empties `nodes`:
  // eval[i] is what nodes[i] was, columns[i] its column (for run-time errors).
  std::vector<EvalNode> eval;
  std::vector<int32_t> kids;
  std::string strings;
  std::vector<int32_t> columns;
};

// Parses `program.text` into program.nodes/root. Returns false after appending the first syntax
// error (or exceeded limit) to `errors`.
bool ParseExpression(ExprProgram& program, const ExprLimits& limits,
                     std::vector<ExprError>& errors);

// Resolves names and checks types of a parsed program. Returns false after appending every
// problem to `errors`.
bool CheckExpression(ExprProgram& program, const ExprEnvironment& env,
                     std::vector<ExprError>& errors);

// Fills program.eval, kids, strings and columns from a checked program.nodes, then empties
// program.nodes.
void LowerExpression(ExprProgram& program);

}  // namespace crescendo::policy

#endif  // CRESCENDO_SRC_POLICY_EXPR_PROGRAM_H_
