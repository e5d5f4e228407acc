#include "crescendo/config/kubernetes_import.h"

#include "config/manifests.h"
#include "config/node.h"

namespace crescendo::config {

bool ImportResult::ok() const {
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::kError) return false;
  }
  return true;
}

ImportResult ImportKubernetesManifests(std::span<const SourceText> sources) {
  DiagnosticList diagnostics;
  std::vector<Node> documents;
  for (const SourceText& source : sources) {
    for (Node& document : ParseDocuments(source.text, source.name, diagnostics)) {
      if (document.is_null()) continue;
      if (!document.is_map() || document.Find("kind") == nullptr ||
          document.Find("apiVersion") == nullptr) {
        diagnostics.AddError(document.location, "", document.Describe(),
                             "a Kubernetes manifest with apiVersion and kind");
        continue;
      }
      documents.push_back(std::move(document));
    }
  }
  std::vector<const Node*> manifests;
  for (const Node& document : documents) manifests.push_back(&document);
  std::vector<Node> services = ConvertManifests(manifests, diagnostics);

  ImportResult result;
  result.diagnostics = diagnostics.Sorted();
  if (diagnostics.has_errors()) return result;
  Node root = MakeMap(Location::BuiltIn(), "");
  Node& section = (root.Set("services", MakeMap(Location::BuiltIn(), "services")),
                   *root.FindMutable("services"));
  for (Node& service : services) {
    std::string key = service.key;
    section.Set(key, std::move(service));
  }
  result.yaml = EmitYaml(root);
  return result;
}

}  // namespace crescendo::config
