#include "crescendo/config/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace crescendo::config {

std::string Diagnostic::ToString() const {
  std::string text = location.ToString();
  text += severity == Severity::kError ? ": error: " : ": warning: ";
  if (!path.empty()) text += path + ": ";
  text += "found " + found + ", expected " + expected;
  if (!workloads.empty()) {
    text += " (affects ";
    for (size_t i = 0; i < workloads.size(); ++i) {
      if (i > 0) text += ", ";
      text += workloads[i];
    }
    text += ")";
  }
  return text;
}

void DiagnosticList::Add(Diagnostic diagnostic) {
  auto same = [&](const Diagnostic& d) {
    return d.severity == diagnostic.severity && d.location == diagnostic.location &&
           d.path == diagnostic.path && d.found == diagnostic.found &&
           d.expected == diagnostic.expected;
  };
  auto it = std::find_if(items_.begin(), items_.end(), same);
  if (it == items_.end()) {
    if (diagnostic.severity == Severity::kError) ++error_count_;
    std::sort(diagnostic.workloads.begin(), diagnostic.workloads.end());
    items_.push_back(std::move(diagnostic));
    return;
  }
  for (std::string& workload : diagnostic.workloads) {
    auto pos = std::lower_bound(it->workloads.begin(), it->workloads.end(), workload);
    if (pos == it->workloads.end() || *pos != workload) it->workloads.insert(pos, workload);
  }
}

void DiagnosticList::AddError(const Location& location, std::string path, std::string found,
                              std::string expected, std::string_view workload) {
  Diagnostic d{Severity::kError,    location, std::move(path), std::move(found),
               std::move(expected), {}};
  if (!workload.empty()) d.workloads.emplace_back(workload);
  Add(std::move(d));
}

void DiagnosticList::AddWarning(const Location& location, std::string path, std::string found,
                                std::string expected) {
  Add(Diagnostic{
      Severity::kWarning, location, std::move(path), std::move(found), std::move(expected), {}});
}

void DiagnosticList::Append(std::span<const Diagnostic> diagnostics) {
  for (const Diagnostic& d : diagnostics) Add(d);
}

int DiagnosticList::warning_count() const { return static_cast<int>(items_.size()) - error_count_; }

std::vector<Diagnostic> DiagnosticList::Sorted() const {
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.location, a.path) < std::tie(b.location, b.path);
  });
  return sorted;
}

std::string FormatDiagnostics(std::span<const Diagnostic> diagnostics) {
  std::string text;
  int errors = 0;
  for (const Diagnostic& d : diagnostics) {
    text += d.ToString() + "\n";
    if (d.severity == Severity::kError) ++errors;
  }
  if (!diagnostics.empty()) {
    int warnings = static_cast<int>(diagnostics.size()) - errors;
    text += std::to_string(errors) + (errors == 1 ? " error, " : " errors, ") +
            std::to_string(warnings) + (warnings == 1 ? " warning\n" : " warnings\n");
  }
  return text;
}

}  // namespace crescendo::config
