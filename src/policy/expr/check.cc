// The type checker: resolves every name into a variable, map read or function, and gives every
// node its type, reporting every problem (not only the first) with its line and column.
#include <algorithm>
#include <optional>

#include "policy/expr/program.h"

namespace crescendo::policy {
namespace {

struct VarInfo {
  std::string_view group;
  std::string_view field;
  Var var;
  ExprType type;
  bool optional;  // may be absent (test with has())
};

constexpr VarInfo kVars[] = {
    {"proposal", "replicas", Var::kProposalReplicas, ExprType::kInt, false},
    {"proposal", "cpu", Var::kProposalCpu, ExprType::kDouble, true},
    {"proposal", "memory", Var::kProposalMemory, ExprType::kDouble, true},
    {"current", "replicas", Var::kCurrentReplicas, ExprType::kInt, false},
    {"current", "cpu", Var::kCurrentCpu, ExprType::kDouble, true},
    {"current", "memory", Var::kCurrentMemory, ExprType::kDouble, true},
    {"time", "now", Var::kTimeNow, ExprType::kTimestamp, false},
    {"time", "hour", Var::kTimeHour, ExprType::kInt, false},
    {"time", "minute", Var::kTimeMinute, ExprType::kInt, false},
    {"time", "weekday", Var::kTimeWeekday, ExprType::kInt, false},
    {"time", "day", Var::kTimeDay, ExprType::kInt, false},
    {"time", "month", Var::kTimeMonth, ExprType::kInt, false},
    {"time", "year", Var::kTimeYear, ExprType::kInt, false},
    {"tenant", "name", Var::kTenantName, ExprType::kString, false},
    {"tenant", "tier", Var::kTenantTier, ExprType::kString, false},
    {"service", "name", Var::kServiceName, ExprType::kString, false},
    {"service", "namespace", Var::kServiceNamespace, ExprType::kString, false},
    {"service", "environment", Var::kServiceEnvironment, ExprType::kString, false},
    {"service", "priority", Var::kServicePriority, ExprType::kInt, false},
};
constexpr std::string_view kGroups[] = {"proposal", "current", "metrics", "forecast",
                                        "time",     "tenant",  "service", "spent"};

struct FuncInfo {
  std::string_view name;
  Func func;
  bool receiver;  // called as receiver.name(...)
};
constexpr FuncInfo kFuncs[] = {
    {"int", Func::kInt, false},
    {"double", Func::kDouble, false},
    {"min", Func::kMin, false},
    {"max", Func::kMax, false},
    {"abs", Func::kAbs, false},
    {"ceil", Func::kCeil, false},
    {"floor", Func::kFloor, false},
    {"round", Func::kRound, false},
    {"getHours", Func::kGetHours, true},
    {"getMinutes", Func::kGetMinutes, true},
    {"getDayOfWeek", Func::kGetDayOfWeek, true},
    {"getDate", Func::kGetDate, true},
    {"getMonth", Func::kGetMonth, true},
    {"getFullYear", Func::kGetFullYear, true},
    {"startsWith", Func::kStartsWith, true},
    {"endsWith", Func::kEndsWith, true},
    {"contains", Func::kContains, true},
};

bool IsNumeric(ExprType t) { return t == ExprType::kInt || t == ExprType::kDouble; }

std::string Names(auto&& range) {
  std::string out;
  for (const auto& name : range) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

class Checker {
 public:
  Checker(ExprProgram& program, const ExprEnvironment& env, std::vector<ExprError>& errors)
      : p_(program), env_(env), errors_(errors) {}

  bool Run() {
    Check(p_.root);
    return errors_.size() == errors_at_start_;
  }

 private:
  ExprNode& N(int i) { return p_.nodes[i]; }

  // Reports at node `i`; returns nullopt so callers can `return Error(...)`.
  std::optional<ExprType> Error(int i, std::string message) {
    errors_.push_back(ExprError{N(i).line, N(i).column, std::move(message)});
    return std::nullopt;
  }

  std::optional<ExprType> Set(int i, ExprType type) {
    N(i).type = type;
    return type;
  }

  std::optional<ExprType> Check(int i) {
    switch (N(i).op) {
      case Op::kInt:
        return Set(i, ExprType::kInt);
      case Op::kDouble:
        return Set(i, ExprType::kDouble);
      case Op::kBool:
        return Set(i, ExprType::kBool);
      case Op::kString:
        return Set(i, ExprType::kString);
      case Op::kIdent:
        return CheckIdent(i);
      case Op::kSelect:
        return CheckSelect(i);
      case Op::kCall:
        return CheckCall(i);
      case Op::kNeg:
      case Op::kNot:
        return CheckUnary(i);
      case Op::kAnd:
      case Op::kOr:
        return CheckLogic(i);
      case Op::kCond:
        return CheckCond(i);
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
      case Op::kEq:
      case Op::kNe:
        return CheckRelation(i);
      default:
        return CheckArithmetic(i);
    }
  }

  std::optional<ExprType> CheckIdent(int i) {
    const std::string& name = N(i).text;
    if (std::find(std::begin(kGroups), std::end(kGroups), name) != std::end(kGroups)) {
      return Error(i, "\"" + name + "\" is a group of values; select one, e.g. " + name + "." +
                          (name == "metrics" || name == "forecast" ? "cpu" : "replicas"));
    }
    return Error(i, "unknown variable \"" + name + "\" (variables: " + Names(kGroups) + ")");
  }

  // Resolves `group.field` and `service.labels.key`.
  std::optional<ExprType> CheckSelect(int i) {
    int operand = N(i).children[0];
    const std::string field = N(i).text;
    if (N(operand).op == Op::kSelect && N(N(operand).children[0]).op == Op::kIdent &&
        N(N(operand).children[0]).text == "service" && N(operand).text == "labels") {
      return MapRead(i, MapName::kLabels, ExprType::kString);
    }
    if (N(operand).op != Op::kIdent) {
      if (!Check(operand)) return std::nullopt;
      return Error(i, "field \"" + field + "\" of a " + std::string(ExprTypeName(N(operand).type)) +
                          ": fields exist only on the variables (" + Names(kGroups) + ")");
    }
    const std::string& group = N(operand).text;
    if (group == "metrics" || group == "forecast") {
      if (!env_.any_metric &&
          std::find(env_.metrics.begin(), env_.metrics.end(), field) == env_.metrics.end()) {
        return Error(i, "unknown metric \"" + field + "\" (metrics: " +
                            (env_.metrics.empty() ? "none" : Names(env_.metrics)) + ")");
      }
      return MapRead(i, group == "metrics" ? MapName::kMetrics : MapName::kForecast,
                     ExprType::kDouble);
    }
    if (group == "spent") {
      if (std::find(env_.budgets.begin(), env_.budgets.end(), field) == env_.budgets.end()) {
        return Error(i, "unknown budget \"" + field + "\" (budgets: " +
                            (env_.budgets.empty() ? "none" : Names(env_.budgets)) + ")");
      }
      return MapRead(i, MapName::kSpent, ExprType::kDouble);
    }
    std::vector<std::string_view> fields;
    for (const VarInfo& v : kVars) {
      if (v.group != group) continue;
      fields.push_back(v.field);
      if (v.field == field) {
        N(i).op = Op::kVar;
        N(i).int_value = static_cast<int64_t>(v.var);
        N(i).children.clear();
        return Set(i, v.type);
      }
    }
    if (group == "service" && field == "labels") {
      return Error(i, "service.labels is a map; select a label, e.g. service.labels.team");
    }
    if (fields.empty()) return CheckIdent(operand);
    return Error(
        i, "unknown field \"" + field + "\" of " + group + " (fields: " + Names(fields) + ")");
  }

  std::optional<ExprType> MapRead(int i, MapName map, ExprType type) {
    N(i).op = Op::kMapRead;
    N(i).int_value = static_cast<int64_t>(map);
    N(i).children.clear();
    return Set(i, type);
  }

  bool IsOptional(int i) {
    if (N(i).op == Op::kMapRead) return true;
    if (N(i).op != Op::kVar) return false;
    for (const VarInfo& v : kVars) {
      if (static_cast<int64_t>(v.var) == N(i).int_value) return v.optional;
    }
    return false;
  }

  std::optional<ExprType> CheckCall(int i) {
    const std::string name = N(i).text;
    if (name == "has" && !N(i).receiver) {
      // CEL langdef "Macros": has(e.f) tests the presence of field f.
      if (N(i).children.size() != 1 || N(N(i).children[0]).op != Op::kSelect) {
        return Error(i, "has() takes one field selection, e.g. has(metrics.queue)");
      }
      int arg = N(i).children[0];
      if (!Check(arg)) return std::nullopt;
      if (!IsOptional(arg)) return Error(arg, "has() of a value that is always present");
      N(i).op = Op::kHas;
      return Set(i, ExprType::kBool);
    }
    const FuncInfo* info = nullptr;
    for (const FuncInfo& f : kFuncs) {
      if (f.name == name) info = &f;
    }
    if (info == nullptr) {
      return Error(i, "unknown function \"" + name + "\" (functions: has, " +
                          Names(std::vector<std::string_view>{
                              "int", "double", "min", "max", "abs", "ceil", "floor", "round",
                              "getHours", "getMinutes", "getDayOfWeek", "getDate", "getMonth",
                              "getFullYear", "startsWith", "endsWith", "contains"}) +
                          ")");
    }
    if (info->receiver != N(i).receiver) {
      return Error(i, std::string(name) +
                          (info->receiver ? "() is called on a value, e.g. time.now." + name + "()"
                                          : "() is a global function: write " + name + "(x)"));
    }
    bool ok = true;
    std::vector<ExprType> args;
    for (int child : N(i).children) {
      std::optional<ExprType> t = Check(child);
      ok = ok && t.has_value();
      args.push_back(t.value_or(ExprType::kInt));
    }
    if (!ok) return std::nullopt;
    N(i).op = Op::kFunc;
    N(i).int_value = static_cast<int64_t>(info->func);
    return CheckFunc(i, info->func, args);
  }

  std::optional<ExprType> ArgCount(int i, size_t want_min, size_t want_max, size_t have) {
    if (have < want_min || have > want_max) {
      std::string want = want_min == want_max
                             ? std::to_string(want_min)
                             : std::to_string(want_min) + " to " + std::to_string(want_max);
      return Error(i, N(i).text + "() takes " + want + " argument" + (want_max == 1 ? "" : "s") +
                          ", found " + std::to_string(have));
    }
    return ExprType::kInt;
  }

  std::optional<ExprType> WrongArg(int i, int arg, ExprType found, std::string_view expected) {
    return Error(arg, N(i).text + "(): found " + std::string(ExprTypeName(found)) + ", expected " +
                          std::string(expected));
  }

  std::optional<ExprType> CheckFunc(int i, Func f, const std::vector<ExprType>& args) {
    const std::vector<int>& ch = N(i).children;
    size_t n = args.size() - (N(i).receiver ? 1 : 0);
    switch (f) {
      case Func::kInt:
        if (!ArgCount(i, 1, 1, n)) return std::nullopt;
        if (args[0] == ExprType::kBool || args[0] == ExprType::kString) {
          return WrongArg(i, ch[0], args[0], "int, double or timestamp");
        }
        return Set(i, ExprType::kInt);
      case Func::kDouble:
      case Func::kAbs:
      case Func::kCeil:
      case Func::kFloor:
      case Func::kRound:
        if (!ArgCount(i, 1, 1, n)) return std::nullopt;
        if (!IsNumeric(args[0])) return WrongArg(i, ch[0], args[0], "int or double");
        return Set(i, f == Func::kAbs ? args[0] : ExprType::kDouble);
      case Func::kMin:
      case Func::kMax: {
        if (!ArgCount(i, 1, 32, n)) return std::nullopt;
        ExprType result = ExprType::kInt;
        for (size_t k = 0; k < args.size(); ++k) {
          if (!IsNumeric(args[k])) return WrongArg(i, ch[k], args[k], "int or double");
          if (args[k] == ExprType::kDouble) result = ExprType::kDouble;
        }
        return Set(i, result);
      }
      case Func::kStartsWith:
      case Func::kEndsWith:
      case Func::kContains:
        if (!ArgCount(i, 1, 1, n)) return std::nullopt;
        if (args[0] != ExprType::kString) return WrongArg(i, ch[0], args[0], "a string receiver");
        if (args[1] != ExprType::kString) return WrongArg(i, ch[1], args[1], "string");
        return Set(i, ExprType::kBool);
      default:
        return CheckTimeFunc(i, args, n);
    }
  }

  // getHours() and the others: a timestamp receiver and an optional time zone, which must be a
  // string literal naming an IANA zone (CEL langdef "Timezones"); it is loaded here, once.
  std::optional<ExprType> CheckTimeFunc(int i, const std::vector<ExprType>& args, size_t n) {
    const std::vector<int>& ch = N(i).children;
    if (!ArgCount(i, 0, 1, n)) return std::nullopt;
    if (args[0] != ExprType::kTimestamp) {
      return WrongArg(i, ch[0], args[0], "a timestamp receiver, e.g. time.now");
    }
    if (n == 1) {
      const ExprNode& zone = N(ch[1]);
      if (zone.op != Op::kString) {
        return Error(ch[1], N(i).text + "(): the time zone must be a string literal");
      }
      cctz::time_zone tz;
      if (!cctz::load_time_zone(zone.text, &tz)) {
        return Error(ch[1], "unknown time zone \"" + zone.text +
                                "\" (expected an IANA name, e.g. Europe/Paris, or UTC)");
      }
      N(i).zone = static_cast<int>(p_.zones.size());
      p_.zones.push_back(tz);
    }
    return Set(i, ExprType::kInt);
  }

  std::optional<ExprType> CheckUnary(int i) {
    std::optional<ExprType> t = Check(N(i).children[0]);
    if (!t) return std::nullopt;
    if (N(i).op == Op::kNot) {
      if (*t != ExprType::kBool)
        return Error(i, "'!' of a " + std::string(ExprTypeName(*t)) + ", expected bool");
      return Set(i, ExprType::kBool);
    }
    if (!IsNumeric(*t)) {
      return Error(i, "'-' of a " + std::string(ExprTypeName(*t)) + ", expected int or double");
    }
    return Set(i, *t);
  }

  std::pair<std::optional<ExprType>, std::optional<ExprType>> Operands(int i) {
    std::optional<ExprType> a = Check(N(i).children[0]);
    std::optional<ExprType> b = Check(N(i).children[1]);
    return {a, b};
  }

  std::optional<ExprType> Mismatch(int i, std::string_view op, ExprType a, ExprType b) {
    return Error(i, "no operator '" + std::string(op) + "' for " + std::string(ExprTypeName(a)) +
                        " and " + std::string(ExprTypeName(b)));
  }

  static std::string_view OpText(Op op) {
    switch (op) {
      case Op::kAdd:
        return "+";
      case Op::kSub:
        return "-";
      case Op::kMul:
        return "*";
      case Op::kDiv:
        return "/";
      case Op::kMod:
        return "%";
      case Op::kLt:
        return "<";
      case Op::kLe:
        return "<=";
      case Op::kGt:
        return ">";
      case Op::kGe:
        return ">=";
      case Op::kEq:
        return "==";
      case Op::kNe:
        return "!=";
      case Op::kAnd:
        return "&&";
      case Op::kOr:
        return "||";
      default:
        return "?";
    }
  }

  std::optional<ExprType> CheckArithmetic(int i) {
    auto [a, b] = Operands(i);
    if (!a || !b) return std::nullopt;
    Op op = N(i).op;
    if (!IsNumeric(*a) || !IsNumeric(*b)) {
      if (op == Op::kAdd && *a == ExprType::kString && *b == ExprType::kString) {
        return Error(i, "string concatenation is not supported");
      }
      return Mismatch(i, OpText(op), *a, *b);
    }
    if (op == Op::kMod && (*a != ExprType::kInt || *b != ExprType::kInt)) {
      return Mismatch(i, "%", *a, *b);
    }
    return Set(i,
               *a == ExprType::kInt && *b == ExprType::kInt ? ExprType::kInt : ExprType::kDouble);
  }

  std::optional<ExprType> CheckRelation(int i) {
    auto [a, b] = Operands(i);
    if (!a || !b) return std::nullopt;
    bool comparable = (IsNumeric(*a) && IsNumeric(*b)) || *a == *b;
    if (!comparable) return Mismatch(i, OpText(N(i).op), *a, *b);
    return Set(i, ExprType::kBool);
  }

  std::optional<ExprType> CheckLogic(int i) {
    auto [a, b] = Operands(i);
    if (!a || !b) return std::nullopt;
    if (*a != ExprType::kBool || *b != ExprType::kBool) {
      return Mismatch(i, OpText(N(i).op), *a, *b);
    }
    return Set(i, ExprType::kBool);
  }

  std::optional<ExprType> CheckCond(int i) {
    std::optional<ExprType> c = Check(N(i).children[0]);
    std::optional<ExprType> a = Check(N(i).children[1]);
    std::optional<ExprType> b = Check(N(i).children[2]);
    if (c && *c != ExprType::kBool) {
      Error(N(i).children[0],
            "the condition of '?:' is a " + std::string(ExprTypeName(*c)) + ", expected bool");
      return std::nullopt;
    }
    if (!c || !a || !b) return std::nullopt;
    if (*a == *b) return Set(i, *a);
    if (IsNumeric(*a) && IsNumeric(*b)) return Set(i, ExprType::kDouble);
    return Error(i, "the branches of '?:' are a " + std::string(ExprTypeName(*a)) + " and a " +
                        std::string(ExprTypeName(*b)) + ", expected the same type");
  }

  ExprProgram& p_;
  const ExprEnvironment& env_;
  std::vector<ExprError>& errors_;
  size_t errors_at_start_ = errors_.size();
};

}  // namespace

bool CheckExpression(ExprProgram& program, const ExprEnvironment& env,
                     std::vector<ExprError>& errors) {
  return Checker(program, env, errors).Run();
}

}  // namespace crescendo::policy
