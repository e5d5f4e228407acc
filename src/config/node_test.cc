// The tree itself is tested with the format layer's YAML reader (src/format/yaml_test.cc); this
// tests the adapter that turns the reader's problems into the loader's diagnostics.
#include "config/node.h"

#include <gtest/gtest.h>

namespace crescendo::config {
namespace {

TEST(NodeTest, ParseDocumentsReturnsTheTreesAndReportsEveryProblemAsAnError) {
  struct Case {
    std::string text;
    size_t documents;
    std::vector<std::string> diagnostics;
  };
  const Case cases[] = {
      {"a: 1\n---\nb: 2\n", 2, {}},
      {"a: 1\na: 2\nb: 1\nb: 2\n",
       1,
       {"f.yaml:2:1: error: a: found a second \"a\" key (first at f.yaml:1:1), expected each key "
        "once per map",
        "f.yaml:4:1: error: b: found a second \"b\" key (first at f.yaml:3:1), expected each key "
        "once per map"}},
      {"a: [1\n",
       0,
       {"f.yaml:2:1: error: found invalid YAML (end of sequence flow not found), "
        "expected well-formed YAML"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    DiagnosticList diagnostics;
    std::vector<Node> documents = ParseDocuments(c.text, "f.yaml", diagnostics);
    EXPECT_EQ(documents.size(), c.documents);
    std::vector<std::string> got;
    for (const Diagnostic& d : diagnostics.Sorted()) got.push_back(d.ToString());
    EXPECT_EQ(got, c.diagnostics);
  }
}

}  // namespace
}  // namespace crescendo::config
