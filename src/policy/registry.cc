#include "crescendo/policy/registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <set>
#include <unordered_map>

#include "policy/kinds/kinds.h"

namespace crescendo::policy {

std::string SpecLocation::ToString() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string SpecLocation::FileLine() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line);
}

const SpecNode* SpecNode::Find(std::string_view k) const {
  if (kind != Kind::kMap) return nullptr;
  for (const SpecNode& child : children) {
    if (child.key == k) return child.kind == Kind::kNull ? nullptr : &child;
  }
  return nullptr;
}

std::string TraceStep(std::string_view name, const SpecLocation& source) {
  return std::string(name) + "@" + source.FileLine();
}

namespace {

std::string Describe(const SpecNode& node) {
  switch (node.kind) {
    case SpecNode::Kind::kNull:
      return "nothing";
    case SpecNode::Kind::kScalar:
      return "\"" + node.scalar + "\"";
    case SpecNode::Kind::kMap:
      return "a map";
    case SpecNode::Kind::kSequence:
      return "a sequence";
  }
  return "?";
}

std::string Names(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

}  // namespace

void SpecReader::Error(const SpecNode& node, std::string found, std::string expected) {
  errors_.push_back(SpecError{node.location, node.path, std::move(found), std::move(expected)});
}

bool SpecReader::ExpectMap(const SpecNode& node) {
  if (node.kind == SpecNode::Kind::kMap) return true;
  Error(node, Describe(node), "a map");
  return false;
}

void SpecReader::CheckKeys(const SpecNode& node, std::span<const std::string_view> allowed) {
  for (const SpecNode& child : node.children) {
    if (std::find(allowed.begin(), allowed.end(), child.key) == allowed.end()) {
      Error(child, "unknown key \"" + child.key + "\"", "one of " + Names(allowed));
    }
  }
}

std::optional<std::string> SpecReader::String(const SpecNode& node) {
  if (node.kind == SpecNode::Kind::kScalar) return node.scalar;
  Error(node, Describe(node), "a string");
  return std::nullopt;
}

std::optional<int64_t> SpecReader::Int(const SpecNode& node, int64_t min, int64_t max) {
  int64_t v = 0;
  const std::string& s = node.scalar;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (node.kind != SpecNode::Kind::kScalar || ec != std::errc() || ptr != s.data() + s.size() ||
      v < min || v > max) {
    Error(node, Describe(node),
          "an integer in " + std::to_string(min) + ".." + std::to_string(max));
    return std::nullopt;
  }
  return v;
}

std::optional<double> SpecReader::Number(const SpecNode& node, double min, double max) {
  char* end = nullptr;
  double v = node.kind == SpecNode::Kind::kScalar && !node.scalar.empty()
                 ? std::strtod(node.scalar.c_str(), &end)
                 : NAN;
  if (end == nullptr || *end != '\0' || !(v >= min && v <= max)) {
    auto text = [](double x) {
      std::string t = std::to_string(x);
      t.erase(t.find_last_not_of('0') + 1);
      if (t.back() == '.') t.pop_back();
      return t;
    };
    Error(node, Describe(node), "a number in " + text(min) + ".." + text(max));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> SpecReader::Bool(const SpecNode& node) {
  if (node.kind == SpecNode::Kind::kScalar && (node.scalar == "true" || node.scalar == "false")) {
    return node.scalar == "true";
  }
  Error(node, Describe(node), "true or false");
  return std::nullopt;
}

std::optional<Duration> SpecReader::DurationIn(const SpecNode& node, Duration min, Duration max) {
  StatusOr<Duration> d = node.kind == SpecNode::Kind::kScalar
                             ? ParseDuration(node.scalar)
                             : StatusOr<Duration>(InvalidArgumentError("not a scalar"));
  if (!d.ok() || *d < min || *d > max) {
    Error(node, Describe(node),
          "a duration in " + FormatDuration(min) + ".." + FormatDuration(max) + " (e.g. 90m)");
    return std::nullopt;
  }
  return *d;
}

std::optional<size_t> SpecReader::Enum(const SpecNode& node,
                                       std::span<const std::string_view> names) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (node.kind == SpecNode::Kind::kScalar && node.scalar == names[i]) return i;
  }
  Error(node, Describe(node), "one of " + Names(names));
  return std::nullopt;
}

std::optional<Expression> SpecReader::Expr(const SpecNode& node, const BuildEnvironment& env,
                                           ExprType want) {
  std::optional<std::string> text = String(node);
  if (!text) return std::nullopt;
  ExprEnvironment expr_env{env.metrics, env.any_metric, env.budgets};
  std::vector<ExprError> errors;
  std::optional<Expression> e = Expression::Compile(*text, expr_env, errors, env.limits);
  for (const ExprError& error : errors) {
    // The position inside the file, assuming the expression starts where its value does.
    SpecLocation at = node.location;
    if (at.line > 0) {
      if (error.line > 1) {
        at.line += error.line - 1;
        at.column = error.column;
      } else {
        at.column += error.column - 1;
      }
    }
    errors_.push_back(
        SpecError{at, node.path,
                  "at column " + std::to_string(error.column) +
                      (error.line > 1 ? " of line " + std::to_string(error.line) : "") +
                      " of the expression: " + error.message,
                  "a valid expression (docs/policies.md, \"Expressions\")"});
  }
  if (!e) return std::nullopt;
  if (e->type() != want) {
    Error(node, "an expression of type " + std::string(ExprTypeName(e->type())),
          "an expression of type " + std::string(ExprTypeName(want)) +
              (want == ExprType::kInt && e->type() == ExprType::kDouble ? " (wrap it in int())"
                                                                        : ""));
    return std::nullopt;
  }
  return e;
}

PolicyFactory PolicyRegistry::Find(std::string_view kind) const {
  auto it = kinds_.find(kind);
  return it == kinds_.end() ? nullptr : it->second;
}

std::vector<std::string> PolicyRegistry::kinds() const {
  std::vector<std::string> out;
  for (const auto& [kind, factory] : kinds_) out.push_back(kind);
  return out;
}

std::unique_ptr<Policy> BuildPolicy(const PolicySpec& spec, const BuildEnvironment& env,
                                    std::vector<SpecError>& errors,
                                    const PolicyRegistry& registry) {
  SpecReader reader(errors);
  if (!reader.ExpectMap(spec.params)) return nullptr;
  PolicyFactory factory = registry.Find(spec.kind);
  if (factory == nullptr) {
    const SpecNode* kind = spec.params.Find("kind");
    std::string kinds;
    for (const std::string& k : registry.kinds()) kinds += (kinds.empty() ? "" : ", ") + k;
    if (kind == nullptr) {
      errors.push_back(SpecError{spec.location, spec.params.path, "a policy without a kind",
                                 "kind: one of " + kinds});
    } else {
      reader.Error(*kind, "\"" + spec.kind + "\"", "one of " + kinds);
    }
    return nullptr;
  }
  size_t before = reader.error_count();
  std::unique_ptr<Policy> policy = factory(spec, env, reader);
  if (reader.error_count() != before) return nullptr;
  return policy;
}

namespace {

// Identical specs build identical, immutable policies, so the chains of services that inherit
// the same policies (a tenant's, an environment's) share one built policy each: the policies
// stage then touches one copy of its compiled expressions and schedules for all of them, instead
// of one per workload. A policy is looked up by everything its factory reads: the spec (name,
// kind, location, every parameter with its key, path and location), the environment and the
// registry (only the built-in one is shared: another registry may map a kind to another
// factory). Like the Kubernetes API server's cache of compiled CEL programs, but keyed by the
// whole spec.

void AppendField(std::string_view text, std::string& key) {
  key += std::to_string(text.size());
  key += ':';
  key += text;
}

void AppendLocation(const SpecLocation& at, std::string& key) {
  AppendField(at.file, key);
  key += std::to_string(at.line) + ',' + std::to_string(at.column) + ';';
}

void AppendNode(const SpecNode& node, std::string& key) {
  key += static_cast<char>('0' + static_cast<int>(node.kind));
  AppendField(node.scalar, key);
  AppendField(node.key, key);
  AppendField(node.path, key);
  AppendLocation(node.location, key);
  key += '[' + std::to_string(node.children.size()) + ':';
  for (const SpecNode& child : node.children) AppendNode(child, key);
  key += ']';
}

std::string InternKey(const PolicySpec& spec, const BuildEnvironment& env) {
  std::string key;
  AppendField(spec.name, key);
  AppendField(spec.kind, key);
  AppendLocation(spec.location, key);
  AppendNode(spec.params, key);
  key += env.any_metric ? "any;" : "catalogue;";
  key += std::to_string(env.metrics.size()) + ':';
  for (const std::string& m : env.metrics) AppendField(m, key);
  key += std::to_string(env.budgets.size()) + ':';
  for (const std::string& b : env.budgets) AppendField(b, key);
  key += std::to_string(env.limits.max_length) + ',' + std::to_string(env.limits.max_nodes) + ',' +
         std::to_string(env.limits.max_depth) + ',' + std::to_string(env.limits.max_steps);
  return key;
}

// The built policies still in use, by key. Entries whose policy every chain has released are
// swept when the table has doubled since the last sweep, so it stays within twice the policies
// alive.
class PolicyInterner {
 public:
  std::shared_ptr<const Policy> Find(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = table_.find(key);
    return it == table_.end() ? nullptr : it->second.lock();
  }
  void Insert(std::string key, const std::shared_ptr<const Policy>& policy) {
    std::lock_guard lock(mu_);
    table_[std::move(key)] = policy;
    if (table_.size() >= 2 * live_after_sweep_ + 64) {
      std::erase_if(table_, [](const auto& entry) { return entry.second.expired(); });
      live_after_sweep_ = table_.size();
    }
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::weak_ptr<const Policy>> table_;
  size_t live_after_sweep_ = 0;
};

PolicyInterner& Interner() {
  static PolicyInterner* interner = new PolicyInterner();  // never destroyed: no exit-order race
  return *interner;
}

// Returns the built policy of `spec`, shared with every chain built from an identical spec, or
// null after appending its problems to `errors` (a spec with problems is never cached).
std::shared_ptr<const Policy> BuildShared(const PolicySpec& spec, const BuildEnvironment& env,
                                          std::vector<SpecError>& errors,
                                          const PolicyRegistry& registry) {
  if (&registry != &PolicyRegistry::Builtin()) return BuildPolicy(spec, env, errors, registry);
  std::string key = InternKey(spec, env);
  if (std::shared_ptr<const Policy> found = Interner().Find(key)) return found;
  std::shared_ptr<const Policy> built = BuildPolicy(spec, env, errors, registry);
  if (built != nullptr) Interner().Insert(std::move(key), built);
  return built;
}

}  // namespace

PolicyChain BuildChain(std::span<const PolicySpec> specs, const BuildEnvironment& env,
                       std::vector<SpecError>& errors, const PolicyRegistry& registry) {
  // The HPA bounds read only the context: one instance serves every chain.
  static const std::shared_ptr<const Policy>* bounds =
      new std::shared_ptr<const Policy>(std::make_shared<BoundsPolicy>());
  PolicyChain chain;
  chain.Add(*bounds);
  std::vector<const SchedulePolicy*> schedules;
  for (const PolicySpec& spec : specs) {
    std::shared_ptr<const Policy> policy = BuildShared(spec, env, errors, registry);
    if (policy == nullptr) continue;
    if (auto* schedule = dynamic_cast<const SchedulePolicy*>(policy.get())) {
      schedules.push_back(schedule);
    }
    chain.Add(std::move(policy));
  }
  SpecReader reader(errors);
  // A fixed year keeps validation deterministic; 2026 has both daylight-saving changes.
  CheckScheduleConflicts(schedules, ParseRfc3339("2026-01-01T00:00:00Z").value(), reader);
  return chain;
}

namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

void CollectNamed(const SpecNode& node, std::span<const std::string> catalogue,
                  std::set<std::string>& out) {
  if (node.kind == SpecNode::Kind::kScalar) {
    auto known = [&](std::string_view name) {
      return std::find(catalogue.begin(), catalogue.end(), name) != catalogue.end();
    };
    if (node.key == "metric" && known(node.scalar)) out.insert(node.scalar);
    const std::string& text = node.scalar;
    for (std::string_view prefix : {std::string_view("metrics."), std::string_view("forecast.")}) {
      for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
        if (at > 0 && IsNameChar(text[at - 1])) continue;  // e.g. "mymetrics."
        size_t end = at + prefix.size();
        while (end < text.size() && IsNameChar(text[end])) ++end;
        std::string_view name(text.data() + at + prefix.size(), end - at - prefix.size());
        if (known(name)) out.emplace(name);
      }
    }
  }
  for (const SpecNode& child : node.children) CollectNamed(child, catalogue, out);
}

}  // namespace

std::vector<std::string> MetricsNamed(std::span<const PolicySpec> specs,
                                      std::span<const std::string> catalogue) {
  std::set<std::string> out;
  for (const PolicySpec& spec : specs) CollectNamed(spec.params, catalogue, out);
  return {out.begin(), out.end()};
}

}  // namespace crescendo::policy
