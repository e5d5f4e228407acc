// The evaluator: walks a checked tree. Nesting is bounded by ExprLimits::max_depth, so the
// recursion is too; every node visit costs one step of the budget.
#include <cctz/civil_time.h>

#include <cmath>
#include <cstdio>

#include "policy/expr/program.h"

namespace crescendo::policy {
namespace {

class Evaluator {
 public:
  Evaluator(const ExprProgram& p, const Proposal& proposal, const PolicyContext& ctx)
      : p_(p), proposal_(proposal), ctx_(ctx) {}

  StatusOr<ExprValue> Run() {
    ExprValue out;
    if (!Eval(p_.root, out)) {
      if (budget_spent_) {
        return ResourceExhaustedError("expression cost limit exceeded: more than " +
                                      std::to_string(p_.max_steps) + " evaluation steps");
      }
      return InvalidArgumentError("column " + std::to_string(p_.columns[error_node_]) + ": " +
                                  error_);
    }
    return out;
  }

 private:
  bool Fail(int node, std::string message) {
    if (error_.empty()) {
      error_node_ = node;
      error_ = std::move(message);
    }
    return false;
  }

  int Kid(const EvalNode& n, int k) const { return p_.kids[n.first_child + k]; }
  std::string_view Text(const EvalNode& n) const {
    return std::string_view(p_.strings).substr(n.text_offset, n.text_size);
  }

  static ExprValue Int(int64_t v) {
    ExprValue x;
    x.type = ExprType::kInt;
    x.i = v;
    return x;
  }
  static ExprValue Double(double v) {
    ExprValue x;
    x.type = ExprType::kDouble;
    x.d = v;
    return x;
  }
  static ExprValue Bool(bool v) {
    ExprValue x;
    x.type = ExprType::kBool;
    x.b = v;
    return x;
  }
  static ExprValue String(std::string_view v) {
    ExprValue x;
    x.type = ExprType::kString;
    x.s = v;
    return x;
  }

  bool Eval(int i, ExprValue& out) {
    if (++steps_ > p_.max_steps) {
      budget_spent_ = true;
      return false;
    }
    const EvalNode& n = p_.eval[i];
    switch (n.op) {
      case Op::kInt:
        out = Int(n.int_value);
        return true;
      case Op::kDouble:
        out = Double(n.double_value);
        return true;
      case Op::kBool:
        out = Bool(n.int_value != 0);
        return true;
      case Op::kString:
        out = String(Text(n));
        return true;
      case Op::kVar:
        return ReadVar(i, static_cast<Var>(n.int_value), out);
      case Op::kMapRead:
        return ReadMap(i, out);
      case Op::kHas:
        out = Bool(Present(Kid(n, 0)));
        return true;
      case Op::kFunc:
        return Call(i, out);
      case Op::kNeg:
        return Negate(i, out);
      case Op::kNot:
        if (!Eval(Kid(n, 0), out)) return false;
        out = Bool(!out.b);
        return true;
      case Op::kAnd:
      case Op::kOr:
        return Logic(i, out);
      case Op::kCond: {
        ExprValue c;
        if (!Eval(Kid(n, 0), c)) return false;
        if (!Eval(Kid(n, c.b ? 1 : 2), out)) return false;
        if (n.type == ExprType::kDouble && out.type == ExprType::kInt) out = Double(out.AsDouble());
        return true;
      }
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
      case Op::kEq:
      case Op::kNe:
        return Compare(i, out);
      default:
        return Arithmetic(i, out);
    }
  }

  const double* MapValue(const EvalNode& n) const {
    switch (static_cast<MapName>(n.int_value)) {
      case MapName::kMetrics:
        return PolicyContext::Find(ctx_.metrics, Text(n));
      case MapName::kForecast:
        return PolicyContext::Find(ctx_.forecast, Text(n));
      case MapName::kSpent:
        return PolicyContext::Find(ctx_.spent, Text(n));
      case MapName::kLabels:
        return nullptr;
    }
    return nullptr;
  }
  const std::string* Label(const EvalNode& n) const {
    if (ctx_.labels == nullptr) return nullptr;
    auto it = ctx_.labels->find(std::string(Text(n)));
    return it == ctx_.labels->end() ? nullptr : &it->second;
  }

  bool Present(int i) const {
    const EvalNode& n = p_.eval[i];
    if (n.op == Op::kMapRead) {
      return static_cast<MapName>(n.int_value) == MapName::kLabels ? Label(n) != nullptr
                                                                   : MapValue(n) != nullptr;
    }
    switch (static_cast<Var>(n.int_value)) {
      case Var::kProposalCpu:
      case Var::kProposalMemory:
        return proposal_.pod_requests.has_value();
      case Var::kCurrentCpu:
      case Var::kCurrentMemory:
        return ctx_.current_requests.has_value();
      default:
        return true;
    }
  }

  bool ReadMap(int i, ExprValue& out) {
    const EvalNode& n = p_.eval[i];
    static constexpr const char* kMaps[] = {"metrics", "forecast", "spent", "service.labels"};
    const char* map = kMaps[n.int_value];
    if (static_cast<MapName>(n.int_value) == MapName::kLabels) {
      const std::string* label = Label(n);
      if (label == nullptr) {
        return Fail(i, std::string("no such key: ") + map + "." + std::string(Text(n)));
      }
      out = String(*label);
      return true;
    }
    const double* v = MapValue(n);
    if (v == nullptr) {
      return Fail(i, std::string("no such key: ") + map + "." + std::string(Text(n)) +
                         " has no value now (test it with has())");
    }
    out = Double(*v);
    return true;
  }

  bool ReadVar(int i, Var var, ExprValue& out) {
    switch (var) {
      case Var::kProposalReplicas:
        out = Int(proposal_.desired_replicas);
        return true;
      case Var::kCurrentReplicas:
        out = Int(proposal_.current_replicas);
        return true;
      case Var::kProposalCpu:
      case Var::kProposalMemory:
        if (!proposal_.pod_requests) return Fail(i, "no such key: the proposal has no size");
        out = Double(static_cast<double>(var == Var::kProposalCpu
                                             ? proposal_.pod_requests->cpu_millis
                                             : proposal_.pod_requests->memory_bytes));
        return true;
      case Var::kCurrentCpu:
      case Var::kCurrentMemory:
        if (!ctx_.current_requests) return Fail(i, "no such key: the current size is unknown");
        out = Double(static_cast<double>(var == Var::kCurrentCpu
                                             ? ctx_.current_requests->cpu_millis
                                             : ctx_.current_requests->memory_bytes));
        return true;
      case Var::kTimeNow:
        out.type = ExprType::kTimestamp;
        out.t = ctx_.now;
        return true;
      case Var::kTimeHour:
      case Var::kTimeMinute:
      case Var::kTimeWeekday:
      case Var::kTimeDay:
      case Var::kTimeMonth:
      case Var::kTimeYear:
        return UtcField(var, out);
      case Var::kTenantName:
        out = String(ctx_.workload->tenant);
        return true;
      case Var::kTenantTier:
        out = String(ctx_.tier);
        return true;
      case Var::kServiceName:
        out = String(ctx_.workload->name);
        return true;
      case Var::kServiceNamespace:
        out = String(ctx_.workload->ns);
        return true;
      case Var::kServiceEnvironment:
        out = String(ctx_.workload->environment);
        return true;
      case Var::kServicePriority:
        out = Int(ctx_.priority);
        return true;
    }
    return Fail(i, "unknown variable");
  }

  bool UtcField(Var var, ExprValue& out) const {
    auto secs = std::chrono::floor<std::chrono::seconds>(ctx_.now);
    cctz::civil_second cs = cctz::convert(secs, cctz::utc_time_zone());
    switch (var) {
      case Var::kTimeHour:
        out = Int(cs.hour());
        break;
      case Var::kTimeMinute:
        out = Int(cs.minute());
        break;
      case Var::kTimeWeekday:
        out = Int(DayOfWeek(cs));
        break;
      case Var::kTimeDay:
        out = Int(cs.day());
        break;
      case Var::kTimeMonth:
        out = Int(cs.month());
        break;
      default:
        out = Int(cs.year());
        break;
    }
    return true;
  }

  // 0 = Sunday, as CEL's getDayOfWeek().
  static int DayOfWeek(const cctz::civil_second& cs) {
    switch (cctz::get_weekday(cctz::civil_day(cs))) {
      case cctz::weekday::sunday:
        return 0;
      case cctz::weekday::monday:
        return 1;
      case cctz::weekday::tuesday:
        return 2;
      case cctz::weekday::wednesday:
        return 3;
      case cctz::weekday::thursday:
        return 4;
      case cctz::weekday::friday:
        return 5;
      case cctz::weekday::saturday:
        return 6;
    }
    return 0;
  }

  bool Negate(int i, ExprValue& out) {
    if (!Eval(Kid(p_.eval[i], 0), out)) return false;
    if (out.type == ExprType::kDouble) {
      out.d = -out.d;
      return true;
    }
    if (out.i == INT64_MIN) return Fail(i, "int overflow in negation");
    out.i = -out.i;
    return true;
  }

  // CEL langdef "Logical Operators": && and || are commutative over errors: false && error is
  // false, as is error && false; true || error and error || true are true.
  bool Logic(int i, ExprValue& out) {
    const EvalNode& n = p_.eval[i];
    bool is_and = n.op == Op::kAnd;
    ExprValue a, b;
    bool ok_a = Eval(Kid(n, 0), a);
    if (budget_spent_) return false;
    if (ok_a && a.b != is_and) {
      out = Bool(!is_and);
      return true;
    }
    bool ok_b = Eval(Kid(n, 1), b);
    if (budget_spent_) return false;
    if (ok_b && b.b != is_and) {
      error_.clear();
      out = Bool(!is_and);
      return true;
    }
    if (!ok_a || !ok_b) return false;
    out = Bool(is_and);
    return true;
  }

  bool Compare(int i, ExprValue& out) {
    const EvalNode& n = p_.eval[i];
    ExprValue a, b;
    if (!Eval(Kid(n, 0), a) || !Eval(Kid(n, 1), b)) return false;
    int cmp = 0;  // <0, 0, >0; NaN compares unordered (every relation false but !=)
    bool unordered = false;
    if (a.type == ExprType::kInt && b.type == ExprType::kInt) {
      cmp = a.i < b.i ? -1 : a.i > b.i;
    } else if (a.type == ExprType::kInt || a.type == ExprType::kDouble) {
      double x = a.AsDouble(), y = b.AsDouble();
      unordered = std::isnan(x) || std::isnan(y);
      cmp = x < y ? -1 : x > y;
    } else if (a.type == ExprType::kString) {
      cmp = a.s.compare(b.s);
    } else if (a.type == ExprType::kBool) {
      cmp = static_cast<int>(a.b) - static_cast<int>(b.b);
    } else {
      cmp = a.t < b.t ? -1 : a.t > b.t;
    }
    bool r = false;
    switch (n.op) {
      case Op::kLt:
        r = !unordered && cmp < 0;
        break;
      case Op::kLe:
        r = !unordered && cmp <= 0;
        break;
      case Op::kGt:
        r = !unordered && cmp > 0;
        break;
      case Op::kGe:
        r = !unordered && cmp >= 0;
        break;
      case Op::kEq:
        r = !unordered && cmp == 0;
        break;
      default:
        r = unordered || cmp != 0;
        break;
    }
    out = Bool(r);
    return true;
  }

  // CEL langdef "Overflow": int arithmetic that overflows is an error, as is division by zero.
  bool Arithmetic(int i, ExprValue& out) {
    const EvalNode& n = p_.eval[i];
    ExprValue a, b;
    if (!Eval(Kid(n, 0), a) || !Eval(Kid(n, 1), b)) return false;
    if (n.type == ExprType::kDouble) {
      double x = a.AsDouble(), y = b.AsDouble();
      switch (n.op) {
        case Op::kAdd:
          out = Double(x + y);
          break;
        case Op::kSub:
          out = Double(x - y);
          break;
        case Op::kMul:
          out = Double(x * y);
          break;
        default:
          out = Double(x / y);
          break;  // IEEE 754: x / 0 is ±inf or NaN
      }
      return true;
    }
    int64_t r = 0;
    bool overflow = false;
    switch (n.op) {
      case Op::kAdd:
        overflow = __builtin_add_overflow(a.i, b.i, &r);
        break;
      case Op::kSub:
        overflow = __builtin_sub_overflow(a.i, b.i, &r);
        break;
      case Op::kMul:
        overflow = __builtin_mul_overflow(a.i, b.i, &r);
        break;
      default:
        if (b.i == 0) return Fail(i, n.op == Op::kDiv ? "division by zero" : "modulus by zero");
        if (a.i == INT64_MIN && b.i == -1) {
          overflow = n.op == Op::kDiv;
          r = 0;
        } else {
          r = n.op == Op::kDiv ? a.i / b.i : a.i % b.i;
        }
    }
    if (overflow) return Fail(i, "int overflow");
    out = Int(r);
    return true;
  }

  bool Call(int i, ExprValue& out) {
    const EvalNode& n = p_.eval[i];
    Func f = static_cast<Func>(n.int_value);
    if (f == Func::kMin || f == Func::kMax) return Fold(i, f == Func::kMax, out);
    ExprValue args[2];  // every other function takes at most a receiver and one argument
    for (size_t k = 0; k < n.child_count; ++k) {
      if (!Eval(Kid(n, k), args[k])) return false;
    }
    switch (f) {
      case Func::kInt:
        return ToInt(i, args[0], out);
      case Func::kDouble:
        out = Double(args[0].AsDouble());
        return true;
      case Func::kAbs:
        if (args[0].type == ExprType::kDouble) {
          out = Double(std::fabs(args[0].d));
          return true;
        }
        if (args[0].i == INT64_MIN) return Fail(i, "int overflow in abs()");
        out = Int(args[0].i < 0 ? -args[0].i : args[0].i);
        return true;
      case Func::kCeil:
        out = Double(std::ceil(args[0].AsDouble()));
        return true;
      case Func::kFloor:
        out = Double(std::floor(args[0].AsDouble()));
        return true;
      case Func::kRound:
        out = Double(std::round(args[0].AsDouble()));
        return true;
      case Func::kStartsWith:
        out = Bool(args[0].s.starts_with(args[1].s));
        return true;
      case Func::kEndsWith:
        out = Bool(args[0].s.ends_with(args[1].s));
        return true;
      case Func::kContains:
        out = Bool(args[0].s.find(args[1].s) != std::string_view::npos);
        return true;
      default:
        return TimeField(n, f, args[0].t, out);
    }
  }

  // min() and max(): the least or greatest argument; int when every argument is an int.
  bool Fold(int i, bool is_max, ExprValue& out) {
    const EvalNode& n = p_.eval[i];
    ExprValue v;
    for (size_t k = 0; k < n.child_count; ++k) {
      if (!Eval(Kid(n, k), v)) return false;
      bool take = k == 0 || (n.type == ExprType::kInt ? (is_max ? v.i > out.i : v.i < out.i)
                                                      : (is_max ? v.AsDouble() > out.AsDouble()
                                                                : v.AsDouble() < out.AsDouble()));
      if (take) out = v;
    }
    if (n.type == ExprType::kDouble) out = Double(out.AsDouble());
    return true;
  }

  // CEL langdef: int(double) truncates toward zero; out of the int range is an error.
  bool ToInt(int i, const ExprValue& v, ExprValue& out) {
    if (v.type == ExprType::kInt) {
      out = v;
      return true;
    }
    if (v.type == ExprType::kTimestamp) {
      out = Int(std::chrono::floor<std::chrono::seconds>(v.t).time_since_epoch().count());
      return true;
    }
    if (!(v.d > -9223372036854775808.0 && v.d < 9223372036854775808.0)) {
      return Fail(i, "int() of a double out of the int range");
    }
    out = Int(static_cast<int64_t>(std::trunc(v.d)));
    return true;
  }

  bool TimeField(const EvalNode& n, Func f, Timestamp t, ExprValue& out) const {
    const cctz::time_zone& tz = n.zone >= 0 ? p_.zones[n.zone] : cctz::utc_time_zone();
    cctz::civil_second cs = cctz::convert(std::chrono::floor<std::chrono::seconds>(t), tz);
    switch (f) {
      case Func::kGetHours:
        out = Int(cs.hour());
        break;
      case Func::kGetMinutes:
        out = Int(cs.minute());
        break;
      case Func::kGetDayOfWeek:
        out = Int(DayOfWeek(cs));
        break;
      case Func::kGetDate:
        out = Int(cs.day());
        break;
      case Func::kGetMonth:
        out = Int(cs.month() - 1);
        break;  // CEL: 0-based
      default:
        out = Int(cs.year());
        break;
    }
    return true;
  }

  const ExprProgram& p_;
  const Proposal& proposal_;
  const PolicyContext& ctx_;
  int steps_ = 0;
  bool budget_spent_ = false;
  int error_node_ = 0;
  std::string error_;
};

}  // namespace

std::string_view ExprTypeName(ExprType type) {
  switch (type) {
    case ExprType::kInt:
      return "int";
    case ExprType::kDouble:
      return "double";
    case ExprType::kBool:
      return "bool";
    case ExprType::kString:
      return "string";
    case ExprType::kTimestamp:
      return "timestamp";
  }
  return "?";
}

std::string ExprError::ToString() const {
  return (line > 1 ? std::to_string(line) + ":" : "") + std::to_string(column) + ": " + message;
}

std::string ExprValue::ToString() const {
  switch (type) {
    case ExprType::kInt:
      return std::to_string(i);
    case ExprType::kDouble: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", d);
      std::string text = buf;
      if (text.find_first_of(".eni") == std::string::npos) text += ".0";
      return text;
    }
    case ExprType::kBool:
      return b ? "true" : "false";
    case ExprType::kString:
      return "\"" + std::string(s) + "\"";
    case ExprType::kTimestamp:
      return "timestamp(\"" + FormatRfc3339(t) + "\")";
  }
  return "?";
}

std::optional<Expression> Expression::Compile(std::string_view text, const ExprEnvironment& env,
                                              std::vector<ExprError>& errors,
                                              const ExprLimits& limits) {
  auto program = std::make_shared<ExprProgram>();
  program->text = std::string(text);
  program->max_steps = limits.max_steps;
  if (!ParseExpression(*program, limits, errors)) return std::nullopt;
  if (!CheckExpression(*program, env, errors)) return std::nullopt;
  LowerExpression(*program);
  return Expression(std::move(program));
}

void LowerExpression(ExprProgram& program) {
  program.eval.clear();
  program.kids.clear();
  program.strings.clear();
  program.columns.clear();
  program.eval.reserve(program.nodes.size());
  for (const ExprNode& node : program.nodes) {
    EvalNode n;
    n.op = node.op;
    n.type = node.type;
    n.zone = static_cast<int16_t>(node.zone);
    n.first_child = static_cast<int32_t>(program.kids.size());
    n.child_count = static_cast<uint16_t>(node.children.size());
    program.kids.insert(program.kids.end(), node.children.begin(), node.children.end());
    n.text_offset = static_cast<uint32_t>(program.strings.size());
    n.text_size = static_cast<uint32_t>(node.text.size());
    program.strings += node.text;
    if (node.op == Op::kDouble) {
      n.double_value = node.double_value;
    } else {
      n.int_value = node.int_value;
    }
    program.eval.push_back(n);
    program.columns.push_back(node.column);
  }
  // The evaluator reads only the lowered form: drop the parse tree, so that a program takes a
  // few hundred bytes and thousands of them stay close together in memory.
  program.nodes = {};
  program.kids.shrink_to_fit();
  program.strings.shrink_to_fit();
}

StatusOr<ExprValue> Expression::Evaluate(const Proposal& proposal, const PolicyContext& ctx) const {
  return Evaluator(*program_, proposal, ctx).Run();
}

ExprType Expression::type() const { return program_->eval[program_->root].type; }
const std::string& Expression::text() const { return program_->text; }
int Expression::node_count() const { return static_cast<int>(program_->eval.size()); }

}  // namespace crescendo::policy
