// Lexer and recursive-descent parser for the CEL subset. The grammar and precedence follow the
// CEL language definition (cel-spec doc/langdef.md, "Syntax"):
//   Expr           = ConditionalOr ["?" ConditionalOr ":" Expr] ;
//   ConditionalOr  = [ConditionalOr "||"] ConditionalAnd ;
//   ConditionalAnd = [ConditionalAnd "&&"] Relation ;
//   Relation       = [Relation Relop] Addition ;      Relop = < <= >= > == !=
//   Addition       = [Addition ("+" | "-")] Multiplication ;
//   Multiplication = [Multiplication ("*" | "/" | "%")] Unary ;
//   Unary          = Member | "!" {"!"} Member | "-" {"-"} Member ;
//   Member         = Primary | Member "." IDENT ["(" [ExprList] ")"] ;
//   Primary        = IDENT ["(" [ExprList] ")"] | "(" Expr ")" | LITERAL ;
// Left out of the subset: lists, maps, indexing, message construction, `in`, uint and bytes.
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "policy/expr/program.h"

namespace crescendo::policy {
namespace {

enum class Tok {
  kEnd,
  kInt,
  kDouble,
  kString,
  kIdent,
  kLParen,
  kRParen,
  kDot,
  kComma,
  kQuestion,
  kColon,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kBang,
  kLt,
  kLe,
  kGt,
  kGe,
  kEqEq,
  kNe,
  kAndAnd,
  kOrOr,
};

struct Token {
  Tok kind = Tok::kEnd;
  int line = 1;
  int column = 1;
  std::string text;  // identifier, or the decoded string literal
  int64_t int_value = 0;
  double double_value = 0;
  bool reserved = false;  // a reserved word: allowed only as a field name after '.'
};

// CEL langdef "Syntax": words reserved as literals, syntax or for embedding languages.
constexpr std::string_view kReserved[] = {
    "in",  "as",   "break",   "const",     "continue", "else", "for",  "function", "if",  "import",
    "let", "loop", "package", "namespace", "return",   "var",  "void", "while",    "null"};

class Parser {
 public:
  Parser(ExprProgram& program, const ExprLimits& limits, std::vector<ExprError>& errors)
      : p_(program), limits_(limits), errors_(errors), src_(program.text) {}

  bool Run() {
    if (src_.size() > limits_.max_length) {
      return Fail(1, 1,
                  "expression of " + std::to_string(src_.size()) + " characters; the limit is " +
                      std::to_string(limits_.max_length));
    }
    if (!Next()) return false;
    if (tok_.kind == Tok::kEnd) return Fail(tok_.line, tok_.column, "empty expression");
    int root = ParseExpr(0);
    if (root < 0) return false;
    if (tok_.kind != Tok::kEnd) return Fail(tok_.line, tok_.column, "unexpected " + Describe());
    p_.root = root;
    return true;
  }

 private:
  bool Fail(int line, int column, std::string message) {
    if (!failed_) errors_.push_back(ExprError{line, column, std::move(message)});
    failed_ = true;
    return false;
  }

  std::string Describe() const {
    switch (tok_.kind) {
      case Tok::kEnd:
        return "end of expression";
      case Tok::kIdent:
        return "\"" + tok_.text + "\"";
      case Tok::kInt:
      case Tok::kDouble:
        return "number";
      case Tok::kString:
        return "string";
      default:
        return "\"" + std::string(src_.substr(offset_of_tok_, tok_len_)) + "\"";
    }
  }

  // ---- lexer ----
  char Peek(size_t ahead = 0) const { return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : 0; }
  void Advance() {
    if (src_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  bool Next() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        Advance();
      } else if (c == '/' && Peek(1) == '/') {
        while (pos_ < src_.size() && src_[pos_] != '\n') Advance();
      } else {
        break;
      }
    }
    tok_ = Token{};
    big_int_ = false;
    tok_.line = line_;
    tok_.column = static_cast<int>(pos_ - line_start_) + 1;
    offset_of_tok_ = pos_;
    if (pos_ >= src_.size()) return true;
    char c = src_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && std::isdigit(static_cast<unsigned char>(Peek(1))))) {
      return LexNumber();
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return LexIdent();
    if (c == '"' || c == '\'') return LexString();
    return LexOperator();
  }

  bool LexOperator() {
    struct Op2 {
      const char* text;
      Tok kind;
    };
    static constexpr Op2 kOps[] = {
        {"&&", Tok::kAndAnd},  {"||", Tok::kOrOr},  {"==", Tok::kEqEq},   {"!=", Tok::kNe},
        {"<=", Tok::kLe},      {">=", Tok::kGe},    {"<", Tok::kLt},      {">", Tok::kGt},
        {"(", Tok::kLParen},   {")", Tok::kRParen}, {".", Tok::kDot},     {",", Tok::kComma},
        {"?", Tok::kQuestion}, {":", Tok::kColon},  {"+", Tok::kPlus},    {"-", Tok::kMinus},
        {"*", Tok::kStar},     {"/", Tok::kSlash},  {"%", Tok::kPercent}, {"!", Tok::kBang}};
    for (const Op2& op : kOps) {
      std::string_view text(op.text);
      if (src_.substr(pos_, text.size()) == text) {
        tok_.kind = op.kind;
        tok_len_ = text.size();
        for (size_t i = 0; i < text.size(); ++i) Advance();
        return true;
      }
    }
    unsigned char c = static_cast<unsigned char>(src_[pos_]);
    std::string shown = std::isprint(c) ? std::string(1, static_cast<char>(c))
                                        : "byte " + std::to_string(static_cast<int>(c));
    return Fail(tok_.line, tok_.column, "unexpected character '" + shown + "'");
  }

  bool LexIdent() {
    size_t start = pos_;
    while (pos_ < src_.size() &&
           (std::isalnum(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_')) {
      Advance();
    }
    tok_.text = std::string(src_.substr(start, pos_ - start));
    tok_.kind = Tok::kIdent;
    if (tok_.text == "true" || tok_.text == "false") return true;
    for (std::string_view word : kReserved) {
      if (tok_.text == word) tok_.reserved = true;
    }
    return true;
  }

  bool LexNumber() {
    size_t start = pos_;
    if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X')) {
      Advance();
      Advance();
      size_t digits = pos_;
      while (std::isxdigit(static_cast<unsigned char>(Peek()))) Advance();
      uint64_t v = 0;
      auto [ptr, ec] = std::from_chars(src_.data() + digits, src_.data() + pos_, v, 16);
      if (digits == pos_ || ec != std::errc() || v > static_cast<uint64_t>(INT64_MAX)) {
        return Fail(tok_.line, tok_.column, "invalid or out-of-range hexadecimal integer");
      }
      tok_.kind = Tok::kInt;
      tok_.int_value = static_cast<int64_t>(v);
      return CheckNumberEnd();
    }
    bool is_double = false;
    while (std::isdigit(static_cast<unsigned char>(Peek()))) Advance();
    if (Peek() == '.' && std::isdigit(static_cast<unsigned char>(Peek(1)))) {
      is_double = true;
      Advance();
      while (std::isdigit(static_cast<unsigned char>(Peek()))) Advance();
    }
    if (Peek() == 'e' || Peek() == 'E') {
      size_t save = pos_;
      Advance();
      if (Peek() == '+' || Peek() == '-') Advance();
      if (!std::isdigit(static_cast<unsigned char>(Peek()))) {
        pos_ = save;
        return Fail(tok_.line, tok_.column, "exponent without digits");
      }
      while (std::isdigit(static_cast<unsigned char>(Peek()))) Advance();
      is_double = true;
    }
    std::string text(src_.substr(start, pos_ - start));
    if (is_double) {
      tok_.kind = Tok::kDouble;
      tok_.double_value = std::strtod(text.c_str(), nullptr);
    } else {
      uint64_t v = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      // 9223372036854775808 is accepted only right after a unary minus (INT64_MIN).
      if (ec != std::errc() || v > static_cast<uint64_t>(INT64_MAX) + 1) {
        return Fail(tok_.line, tok_.column, "integer " + text + " out of the int range");
      }
      tok_.kind = Tok::kInt;
      tok_.int_value = static_cast<int64_t>(v);  // INT64_MAX + 1 wraps; checked by the parser
      big_int_ = v == static_cast<uint64_t>(INT64_MAX) + 1;
    }
    return CheckNumberEnd();
  }

  bool CheckNumberEnd() {
    char c = Peek();
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      return Fail(tok_.line, tok_.column,
                  c == 'u' || c == 'U' ? "unsigned integers are not supported" : "invalid number");
    }
    return true;
  }

  bool LexString() {
    char quote = src_[pos_];
    Advance();
    std::string out;
    while (true) {
      if (pos_ >= src_.size() || src_[pos_] == '\n' || src_[pos_] == '\r') {
        return Fail(tok_.line, tok_.column, "unterminated string");
      }
      char c = src_[pos_];
      if (c == quote) {
        Advance();
        break;
      }
      if (c == '\\') {
        Advance();
        char e = Peek();
        static constexpr std::string_view kFrom = "\\\"'`?abfnrtv";
        static constexpr std::string_view kTo = "\\\"'`?\a\b\f\n\r\t\v";
        size_t k = e == 0 ? std::string_view::npos : kFrom.find(e);
        if (k == std::string_view::npos) {
          return Fail(line_, static_cast<int>(pos_ - line_start_),
                      "unsupported escape sequence in string");
        }
        out.push_back(kTo[k]);
        Advance();
        continue;
      }
      out.push_back(c);
      Advance();
    }
    tok_.kind = Tok::kString;
    tok_.text = std::move(out);
    return true;
  }

  // ---- parser ----
  int Add(ExprNode node) {
    if (static_cast<int>(p_.nodes.size()) >= limits_.max_nodes) {
      Fail(node.line, node.column,
           "expression larger than " + std::to_string(limits_.max_nodes) + " nodes");
      return -1;
    }
    p_.nodes.push_back(std::move(node));
    return static_cast<int>(p_.nodes.size()) - 1;
  }
  ExprNode Make(Op op, const Token& at) const {
    ExprNode n;
    n.op = op;
    n.line = at.line;
    n.column = at.column;
    return n;
  }
  bool Expect(Tok kind, const char* what) {
    if (tok_.kind != kind)
      return Fail(tok_.line, tok_.column,
                  std::string("expected ") + what + ", found " + Describe());
    return Next();
  }
  bool Enter(const Token& at, int depth) {
    if (depth > limits_.max_depth) {
      return Fail(at.line, at.column,
                  "expression nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    return true;
  }

  int Binary(Op op, const Token& at, int left, int right) {
    if (left < 0 || right < 0) return -1;
    ExprNode n = Make(op, at);
    n.children = {left, right};
    return Add(std::move(n));
  }

  int ParseExpr(int depth) {
    if (!Enter(tok_, depth)) return -1;
    int cond = ParseOr(depth);
    if (cond < 0 || tok_.kind != Tok::kQuestion) return cond;
    Token at = tok_;
    if (!Next()) return -1;
    int then = ParseOr(depth + 1);
    if (then < 0 || !Expect(Tok::kColon, "':' of the conditional")) return -1;
    int otherwise = ParseExpr(depth + 1);
    if (otherwise < 0) return -1;
    ExprNode n = Make(Op::kCond, at);
    n.children = {cond, then, otherwise};
    return Add(std::move(n));
  }

  // One left-associative level: `sub` parses the operands, `ops` maps tokens to operators.
  template <typename Sub>
  int LeftAssoc(int depth, Sub sub, std::initializer_list<std::pair<Tok, Op>> ops) {
    int left = sub(depth);
    while (left >= 0) {
      Op op{};
      bool found = false;
      for (const auto& [t, o] : ops) {
        if (tok_.kind == t) {
          op = o;
          found = true;
        }
      }
      if (!found) break;
      Token at = tok_;
      if (!Next()) return -1;
      left = Binary(op, at, left, sub(depth));
    }
    return left;
  }

  int ParseOr(int d) {
    return LeftAssoc(d, [&](int x) { return ParseAnd(x); }, {{Tok::kOrOr, Op::kOr}});
  }
  int ParseAnd(int d) {
    return LeftAssoc(d, [&](int x) { return ParseRelation(x); }, {{Tok::kAndAnd, Op::kAnd}});
  }
  int ParseRelation(int d) {
    return LeftAssoc(d, [&](int x) { return ParseAddition(x); },
                     {{Tok::kLt, Op::kLt},
                      {Tok::kLe, Op::kLe},
                      {Tok::kGt, Op::kGt},
                      {Tok::kGe, Op::kGe},
                      {Tok::kEqEq, Op::kEq},
                      {Tok::kNe, Op::kNe}});
  }
  int ParseAddition(int d) {
    return LeftAssoc(d, [&](int x) { return ParseMultiplication(x); },
                     {{Tok::kPlus, Op::kAdd}, {Tok::kMinus, Op::kSub}});
  }
  int ParseMultiplication(int d) {
    return LeftAssoc(d, [&](int x) { return ParseUnary(x); },
                     {{Tok::kStar, Op::kMul}, {Tok::kSlash, Op::kDiv}, {Tok::kPercent, Op::kMod}});
  }

  int ParseUnary(int depth) {
    if (tok_.kind != Tok::kBang && tok_.kind != Tok::kMinus) return ParseMember(depth);
    Token at = tok_;
    Op op = tok_.kind == Tok::kBang ? Op::kNot : Op::kNeg;
    if (!Next() || !Enter(at, depth + 1)) return -1;
    // -9223372036854775808 is the one literal that only exists negated.
    if (op == Op::kNeg && tok_.kind == Tok::kInt && big_int_) {
      big_int_ = false;
      ExprNode lit = Make(Op::kInt, at);
      lit.int_value = INT64_MIN;
      if (!Next()) return -1;
      return Add(std::move(lit));
    }
    int operand = ParseUnary(depth + 1);
    if (operand < 0) return -1;
    ExprNode n = Make(op, at);
    n.children = {operand};
    return Add(std::move(n));
  }

  int ParseMember(int depth) {
    int node = ParsePrimary(depth);
    while (node >= 0 && tok_.kind == Tok::kDot) {
      if (!Next()) return -1;
      if (tok_.kind != Tok::kIdent) {
        Fail(tok_.line, tok_.column,
             "expected a field or function name after '.', found " + Describe());
        return -1;
      }
      Token name = tok_;
      if (!Next()) return -1;
      if (tok_.kind == Tok::kLParen) {
        ExprNode call = Make(Op::kCall, name);
        call.text = name.text;
        call.receiver = true;
        call.children = {node};
        if (!ParseArgs(call, depth)) return -1;
        node = Add(std::move(call));
      } else {
        ExprNode select = Make(Op::kSelect, name);
        select.text = name.text;
        select.children = {node};
        node = Add(std::move(select));
      }
    }
    return node;
  }

  bool ParseArgs(ExprNode& call, int depth) {
    if (!Next()) return false;  // '('
    if (tok_.kind != Tok::kRParen) {
      while (true) {
        int arg = ParseExpr(depth + 1);
        if (arg < 0) return false;
        call.children.push_back(arg);
        if (tok_.kind != Tok::kComma) break;
        if (!Next()) return false;
      }
    }
    return Expect(Tok::kRParen, "')' closing the argument list");
  }

  int ParsePrimary(int depth) {
    Token at = tok_;
    switch (tok_.kind) {
      case Tok::kInt: {
        if (big_int_) {
          Fail(at.line, at.column, "integer 9223372036854775808 out of the int range");
          return -1;
        }
        ExprNode n = Make(Op::kInt, at);
        n.int_value = tok_.int_value;
        return Next() ? Add(std::move(n)) : -1;
      }
      case Tok::kDouble: {
        ExprNode n = Make(Op::kDouble, at);
        n.double_value = tok_.double_value;
        return Next() ? Add(std::move(n)) : -1;
      }
      case Tok::kString: {
        ExprNode n = Make(Op::kString, at);
        n.text = tok_.text;
        return Next() ? Add(std::move(n)) : -1;
      }
      case Tok::kIdent: {
        if (tok_.text == "true" || tok_.text == "false") {
          ExprNode n = Make(Op::kBool, at);
          n.int_value = tok_.text == "true";
          return Next() ? Add(std::move(n)) : -1;
        }
        if (tok_.reserved) {
          Fail(at.line, at.column,
               "\"" + tok_.text + "\" is a reserved word and not supported here");
          return -1;
        }
        if (!Next()) return -1;
        if (tok_.kind == Tok::kLParen) {
          ExprNode call = Make(Op::kCall, at);
          call.text = at.text;
          if (!ParseArgs(call, depth)) return -1;
          return Add(std::move(call));
        }
        ExprNode n = Make(Op::kIdent, at);
        n.text = at.text;
        return Add(std::move(n));
      }
      case Tok::kLParen: {
        if (!Next()) return -1;
        int inner = ParseExpr(depth + 1);
        if (inner < 0 || !Expect(Tok::kRParen, "')'")) return -1;
        return inner;
      }
      default:
        Fail(at.line, at.column, "expected a value, found " + Describe());
        return -1;
    }
  }

  ExprProgram& p_;
  const ExprLimits& limits_;
  std::vector<ExprError>& errors_;
  std::string_view src_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  Token tok_;
  size_t offset_of_tok_ = 0;
  size_t tok_len_ = 1;
  bool big_int_ = false;
  bool failed_ = false;
};

}  // namespace

bool ParseExpression(ExprProgram& program, const ExprLimits& limits,
                     std::vector<ExprError>& errors) {
  return Parser(program, limits, errors).Run();
}

}  // namespace crescendo::policy
