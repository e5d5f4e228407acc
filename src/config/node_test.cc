#include "config/node.h"

#include <gtest/gtest.h>

namespace crescendo::config {
namespace {

TEST(NodeTest, ParsesEveryDocumentWithOneBasedLocationsAndPaths) {
  DiagnosticList diagnostics;
  std::vector<Node> documents =
      ParseDocuments("a:\n  b: [x, {c: 1}]\n---\n- 2\n", "f.yaml", diagnostics);
  ASSERT_FALSE(diagnostics.has_errors());
  ASSERT_EQ(documents.size(), 2u);
  const Node* b = documents[0].Find("a")->Find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->is_sequence());
  EXPECT_EQ(b->location.ToString(), "f.yaml:2:6");
  EXPECT_EQ(b->key_location.ToString(), "f.yaml:2:3");
  const Node& c = *b->children[1].Find("c");
  EXPECT_EQ(c.scalar, "1");
  EXPECT_EQ(c.path, "a.b[1].c");
  EXPECT_EQ(c.location.ToString(), "f.yaml:2:14");
  EXPECT_TRUE(documents[1].is_sequence());
  EXPECT_EQ(documents[1].children[0].location.ToString(), "f.yaml:4:3");
}

TEST(NodeTest, NullsAndEmptyValuesAreNull) {
  DiagnosticList diagnostics;
  Node doc = ParseDocuments("a: ~\nb:\nc: null\nd: \"\"\n", "f.yaml", diagnostics).front();
  EXPECT_TRUE(doc.Find("a")->is_null());
  EXPECT_TRUE(doc.Find("b")->is_null());
  EXPECT_TRUE(doc.Find("c")->is_null());
  EXPECT_TRUE(doc.Find("d")->is_scalar());
  EXPECT_EQ(doc.Find("b")->location.ToString(), "f.yaml:2:1");  // the key's, for empty values
}

TEST(NodeTest, QuotesKeysThatAreNotIdentifiers) {
  EXPECT_EQ(JoinPath("labels", "app.kubernetes.io/name"), "labels[\"app.kubernetes.io/name\"]");
  EXPECT_EQ(JoinPath("", "services"), "services");
  EXPECT_EQ(JoinPath("containerPolicies", "*"), "containerPolicies.*");
  EXPECT_EQ(IndexPath("policies", 2), "policies[2]");
}

TEST(NodeTest, SetReplacesOrAppendsAndEraseRemoves) {
  Node map = MakeMap(Location::BuiltIn(), "");
  map.Set("a", MakeScalar("1", Location::BuiltIn(), "a"));
  map.Set("b", MakeScalar("2", Location::BuiltIn(), "b"));
  map.Set("a", MakeScalar("3", Location::BuiltIn(), "a"));
  ASSERT_EQ(map.children.size(), 2u);
  EXPECT_EQ(map.children[0].scalar, "3");
  EXPECT_TRUE(map.Erase("a"));
  EXPECT_FALSE(map.Erase("a"));
  EXPECT_EQ(EmitYaml(map), "b: 2\n");
}

TEST(NodeTest, EmitsYamlThatParsesBack) {
  DiagnosticList diagnostics;
  const char* text =
      "services:\n  api:\n    labels:\n      app.kubernetes.io/name: api\n"
      "    containerPolicies:\n      \"*\":\n        mode: \"Off\"\n";
  Node doc = ParseDocuments(text, "f.yaml", diagnostics).front();
  Node again = ParseDocuments(EmitYaml(doc), "g.yaml", diagnostics).front();
  ASSERT_FALSE(diagnostics.has_errors());
  EXPECT_EQ(EmitYaml(again), EmitYaml(doc));
  EXPECT_EQ(again.Find("services")
                ->Find("api")
                ->Find("containerPolicies")
                ->Find("*")
                ->Find("mode")
                ->scalar,
            "Off");
}

}  // namespace
}  // namespace crescendo::config
