#include "config/node.h"

namespace crescendo::config {

std::vector<Node> ParseDocuments(std::string_view text, const std::string& file,
                                 DiagnosticList& diagnostics, const ParseLimits& limits) {
  format::YamlDocuments parsed = format::ParseYaml(text, file, limits);
  for (format::YamlProblem& problem : parsed.problems) {
    diagnostics.AddError(problem.location, std::move(problem.path), std::move(problem.found),
                         std::move(problem.expected));
  }
  return std::move(parsed.documents);
}

}  // namespace crescendo::config
