#include "crescendo/metrics/query_template.h"

#include <algorithm>

namespace crescendo::metrics {
namespace {

std::string KnownNames(const TemplateVariables& variables) {
  std::string out;
  for (const auto& [name, value] : variables) {
    if (!out.empty()) out += ", ";
    out += "{{" + name + "}}";
  }
  return out;
}

}  // namespace

StatusOr<std::string> RenderTemplate(std::string_view text, const TemplateVariables& variables) {
  std::string out;
  out.reserve(text.size() * 2);
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return InvalidArgumentError("query template: \"{{\" at offset " + std::to_string(open) +
                                  " has no closing \"}}\"");
    }
    // "{{{x}}}" is "{" followed by "{{x}}": a PromQL selector brace around a placeholder.
    size_t start = open;
    while (start + 2 < close && text[start + 2] == '{') ++start;
    out.append(text.substr(pos, start - pos));
    const std::string_view name = text.substr(start + 2, close - start - 2);
    const auto it = std::find_if(variables.begin(), variables.end(),
                                 [&](const auto& v) { return v.first == name; });
    if (it == variables.end()) {
      return InvalidArgumentError("query template: unknown placeholder {{" + std::string(name) +
                                  "}} at offset " + std::to_string(start) + "; expected one of " +
                                  KnownNames(variables));
    }
    out += it->second;
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

std::string EscapeRegex(std::string_view value) {
  static constexpr std::string_view kMeta = R"(\.+*?()|[]{}^$)";
  std::string out;
  for (char c : value) {
    if (kMeta.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string RegexAlternation(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  std::string out;
  for (const std::string& value : values) {
    if (!out.empty()) out.push_back('|');
    out += EscapeRegex(value);
  }
  return out;
}

std::string EscapeQuoted(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string PrometheusDuration(Duration d) {
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  struct Unit {
    int64_t ms;
    const char* suffix;
  };
  for (const Unit unit : {Unit{3'600'000, "h"}, Unit{60'000, "m"}, Unit{1'000, "s"}}) {
    if (ms % unit.ms == 0) return std::to_string(ms / unit.ms) + unit.suffix;
  }
  return std::to_string(std::max<int64_t>(ms, 1)) + "ms";
}

WorkloadMatcher::WorkloadMatcher(std::span<const WorkloadId> workloads) {
  by_key_.reserve(workloads.size());
  for (size_t i = 0; i < workloads.size(); ++i) {
    by_key_.emplace(workloads[i].ns + "/" + workloads[i].name, i);
  }
}

std::optional<size_t> WorkloadMatcher::ByName(std::string_view ns, std::string_view name) const {
  thread_local std::string key;
  key.assign(ns).append("/").append(name);
  const auto it = by_key_.find(key);
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

std::optional<size_t> WorkloadMatcher::ByPod(std::string_view ns, std::string_view pod) const {
  // Try the whole name, then every prefix ending before a '-', longest first.
  size_t end = pod.size();
  while (end > 0 && end != std::string_view::npos) {
    if (auto index = ByName(ns, pod.substr(0, end))) return index;
    end = pod.rfind('-', end - 1);
  }
  return std::nullopt;
}

}  // namespace crescendo::metrics
