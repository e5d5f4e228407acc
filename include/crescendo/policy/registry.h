// Configured policies: the kinds registry and building a service's PolicyChain from the
// policies its configuration declares.
//
// A policy is written in the configuration as one entry of `policies:` (docs/policies.md):
//   policies:
//     release-friday: {kind: schedule, timeZone: Europe/Paris, windows: [...]}
// The config layer hands each entry over as a PolicySpec: its name, kind and parameters as a
// tree of located values. Each kind is a plug-in: one factory that reads its parameters, reports
// every problem with its location, and returns the policy. Adding a kind is one file and one
// line in src/policy/builtin.cc; the engine never changes.
//
// Every change a configured policy makes is traced with the step "<name>@<file:line>" (see
// TraceStep), its before and after values and its reason.
//
// Thread safety: the registry is immutable after construction; factories are pure.
#ifndef CRESCENDO_POLICY_REGISTRY_H_
#define CRESCENDO_POLICY_REGISTRY_H_

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/policy/expr.h"
#include "crescendo/policy/policy.h"

namespace crescendo::policy {

// Where a value was written.
struct SpecLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  // "file:line:column", or file alone when the line is unknown.
  std::string ToString() const;
  // "file:line".
  std::string FileLine() const;
};

// A policy's parameters as written: scalars, maps (entries with keys) and sequences.
struct SpecNode {
  enum class Kind { kNull, kScalar, kMap, kSequence };
  Kind kind = Kind::kNull;
  std::string scalar;              // kScalar: the text as written, unquoted
  std::vector<SpecNode> children;  // kMap: entries in order (with `key`); kSequence: items
  std::string key;                 // a map entry's key
  SpecLocation location;           // where the value was written
  std::string path;                // key path, e.g. "services.api.policies.night.windows[0]"

  // Returns the entry `k` of a map unless absent or null; null otherwise.
  const SpecNode* Find(std::string_view k) const;
};

// One problem in a policy's configuration.
struct SpecError {
  SpecLocation location;
  std::string path;
  std::string found;
  std::string expected;
};

struct PolicySpec {
  std::string name;  // the key under `policies:`
  std::string kind;
  SpecNode params;        // the whole entry (a map, `kind` included)
  SpecLocation location;  // where the entry's key was written
};

// What the policies of one service may refer to.
struct BuildEnvironment {
  std::vector<std::string> metrics;  // metric catalogue names
  bool any_metric = false;           // accept every metric name
  std::vector<std::string> budgets;  // names of the service's budget policies (for spent.X)
  ExprLimits limits;
};

// Reads typed parameters out of a SpecNode, reporting every problem to `errors`.
class SpecReader {
 public:
  explicit SpecReader(std::vector<SpecError>& errors) : errors_(errors) {}
  void Error(const SpecNode& node, std::string found, std::string expected);
  bool ExpectMap(const SpecNode& node);
  // Reports keys of map `node` not in `allowed`.
  void CheckKeys(const SpecNode& node, std::span<const std::string_view> allowed);
  std::optional<std::string> String(const SpecNode& node);
  std::optional<int64_t> Int(const SpecNode& node, int64_t min, int64_t max);
  std::optional<double> Number(const SpecNode& node, double min, double max);
  std::optional<bool> Bool(const SpecNode& node);
  std::optional<Duration> DurationIn(const SpecNode& node, Duration min, Duration max);
  std::optional<size_t> Enum(const SpecNode& node, std::span<const std::string_view> names);
  // Compiles an expression and checks that its type is `want`; errors point into the text.
  std::optional<Expression> Expr(const SpecNode& node, const BuildEnvironment& env, ExprType want);
  size_t error_count() const { return errors_.size(); }

 private:
  std::vector<SpecError>& errors_;
};

// A policy kind's factory: returns the policy, or null after reporting its problems.
using PolicyFactory = std::unique_ptr<Policy> (*)(const PolicySpec& spec,
                                                  const BuildEnvironment& env, SpecReader& reader);

class PolicyRegistry {
 public:
  // The built-in kinds (src/policy/builtin.cc).
  static const PolicyRegistry& Builtin();
  void Add(std::string kind, PolicyFactory factory) { kinds_[std::move(kind)] = factory; }
  // Returns the factory of `kind`, or null.
  PolicyFactory Find(std::string_view kind) const;
  std::vector<std::string> kinds() const;

 private:
  std::map<std::string, PolicyFactory, std::less<>> kinds_;
};

// Builds one policy. Returns null after appending every problem to `errors` (an unknown kind
// included).
std::unique_ptr<Policy> BuildPolicy(const PolicySpec& spec, const BuildEnvironment& env,
                                    std::vector<SpecError>& errors,
                                    const PolicyRegistry& registry = PolicyRegistry::Builtin());

// Builds the chain of one service: the HPA bounds (BoundsPolicy) and every spec, ordered by stage
// then by the order of `specs`. Checks across policies too (schedules whose windows overlap with
// contradicting floor and ceiling). Appends every problem to `errors`; the chain then holds the
// policies that built. Chains built with the built-in registry share each policy with every
// other chain alive built from an identical spec and environment (policies are immutable), so
// the policies stage reads one copy of an inherited policy for all the services that inherit it.
// Thread-safe: may be called concurrently.
PolicyChain BuildChain(std::span<const PolicySpec> specs, const BuildEnvironment& env,
                       std::vector<SpecError>& errors,
                       const PolicyRegistry& registry = PolicyRegistry::Builtin());

// Returns the names of `catalogue` that `specs` read: a `metric:` parameter, or `metrics.X` or
// `forecast.X` in an expression, sorted and unique. The engine collects these for the policies.
std::vector<std::string> MetricsNamed(std::span<const PolicySpec> specs,
                                      std::span<const std::string> catalogue);

// The trace step of a configured policy: "<name>@<file:line>".
std::string TraceStep(std::string_view name, const SpecLocation& source);

}  // namespace crescendo::policy

#endif  // CRESCENDO_POLICY_REGISTRY_H_
