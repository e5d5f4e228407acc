// Query templates and the mapping of answer rows back to workloads, shared by every source.
//
// A catalogue entry holds one query template per source, e.g. for Prometheus
//   sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{{{selector}}}[{{window}}]))
// Each source renders it once per batch of workloads, with variables it defines (documented in
// docs/metrics.md): "{{namespace}}", "{{workload}}", "{{pod}}", "{{window}}", ... A batch's
// variables are alternations ("a|b") so one query serves many workloads; the answer is split
// back by labels (namespace + workload or pod name) with WorkloadMatcher.
//
// Thread safety: pure functions; WorkloadMatcher is immutable after construction.
#ifndef CRESCENDO_METRICS_QUERY_TEMPLATE_H_
#define CRESCENDO_METRICS_QUERY_TEMPLATE_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/model/ids.h"

namespace crescendo::metrics {

using TemplateVariables = std::vector<std::pair<std::string, std::string>>;

// Replaces every "{{name}}" in `text` by its value in `variables`. Text outside placeholders is
// copied unchanged ("{" alone is fine). Errors: InvalidArgument naming the offset and the
// placeholder for an unknown name or a "{{" without "}}", and listing the known names.
StatusOr<std::string> RenderTemplate(std::string_view text, const TemplateVariables& variables);

// Returns `value` escaped for an RE2 regular expression ("a.b" -> "a\.b").
std::string EscapeRegex(std::string_view value);
// Returns the sorted, de-duplicated values, each regex-escaped, joined by "|".
std::string RegexAlternation(std::vector<std::string> values);
// Returns `text` escaped for a double-quoted PromQL/InfluxQL string (backslash, quote).
std::string EscapeQuoted(std::string_view text);

// Returns the shortest Prometheus duration text for `d`, e.g. "5m", "90s", "1500ms".
// REQUIRES: d > 0.
std::string PrometheusDuration(Duration d);

// Finds which requested workload a row of an answer belongs to.
class WorkloadMatcher {
 public:
  // `workloads` is the batch; returned indices are positions in it.
  explicit WorkloadMatcher(std::span<const WorkloadId> workloads);

  // Returns the workload named `name` in namespace `ns`.
  std::optional<size_t> ByName(std::string_view ns, std::string_view name) const;
  // Returns the workload that owns pod `pod` in `ns`: the workload with the longest name N such
  // that pod == N or pod starts with N + "-" (Deployment and StatefulSet pod names), so pod
  // "api-gateway-7d9f-x2" belongs to "api-gateway", not to "api".
  std::optional<size_t> ByPod(std::string_view ns, std::string_view pod) const;

 private:
  std::unordered_map<std::string, size_t> by_key_;  // "ns/name" -> index
};

}  // namespace crescendo::metrics

#endif  // CRESCENDO_METRICS_QUERY_TEMPLATE_H_
