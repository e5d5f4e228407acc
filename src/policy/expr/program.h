// The syntax tree of an expression, before and after type checking.
//
// The parser builds nodes with unresolved names (kIdent, kSelect, kCall); the checker resolves
// them in place into variables (kVar), map reads (kMapRead), has() tests and functions, and sets
// every node's type. The evaluator walks the checked tree.
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

struct ExprProgram {
  std::string text;
  std::vector<ExprNode> nodes;
  int root = -1;
  std::vector<cctz::time_zone> zones;
  int max_steps = 1000;
};

// Parses `program.text` into program.nodes/root. Returns false after appending the first syntax
// error (or exceeded limit) to `errors`.
bool ParseExpression(ExprProgram& program, const ExprLimits& limits,
                     std::vector<ExprError>& errors);

// Resolves names and checks types of a parsed program. Returns false after appending every
// problem to `errors`.
bool CheckExpression(ExprProgram& program, const ExprEnvironment& env,
                     std::vector<ExprError>& errors);

}  // namespace crescendo::policy

#endif  // CRESCENDO_SRC_POLICY_EXPR_PROGRAM_H_
