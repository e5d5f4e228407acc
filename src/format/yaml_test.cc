#include "crescendo/format/yaml.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace crescendo::format {
namespace {

TEST(YamlTest, ParsesEveryDocumentWithOneBasedLocationsAndPaths) {
  YamlDocuments parsed = ParseYaml("a:\n  b: [x, {c: 1}]\n---\n- 2\n", "f.yaml");
  ASSERT_TRUE(parsed.problems.empty());
  ASSERT_EQ(parsed.documents.size(), 2u);
  const YamlNode& b = parsed.documents[0]["a"]["b"];
  EXPECT_TRUE(b.is_sequence());
  EXPECT_EQ(b.location.ToString(), "f.yaml:2:6");
  EXPECT_EQ(b.key_location.ToString(), "f.yaml:2:3");
  const YamlNode& c = b.children[1]["c"];
  EXPECT_EQ(c.scalar, "1");
  EXPECT_EQ(c.path, "a.b[1].c");
  EXPECT_EQ(c.location.ToString(), "f.yaml:2:14");
  EXPECT_EQ(parsed.documents[1].children[0].location.ToString(), "f.yaml:4:3");
}

TEST(YamlTest, TellsAbsentFromNullAndQuotedFromPlain) {
  YamlNode doc = *ParseYamlDocument("a: ~\nb:\nc: \"1\"\nd: 1\n", "f.yaml");
  EXPECT_TRUE(doc["a"].present());
  EXPECT_TRUE(doc["a"].is_null());
  EXPECT_EQ(doc["b"].location.ToString(), "f.yaml:2:1");  // the key's, for empty values
  EXPECT_FALSE(doc["zz"].present());
  EXPECT_FALSE(doc["a"]["deeper"].present());
  EXPECT_EQ(GetValue(doc, "a"), nullptr);
  EXPECT_TRUE(doc["c"].quoted);
  EXPECT_FALSE(doc["d"].quoted);
}

// Every problem, hostile input included, is one located message in the one format.
TEST(YamlTest, ReportsEveryProblemInTheOneFormat) {
  YamlLimits small;
  small.max_bytes = 64;
  small.max_depth = 3;
  small.max_nodes = 20;
  struct Case {
    std::string name;
    std::string text;
    std::string want;  // the first problem
  };
  const Case cases[] = {
      {"syntax", "a: [1, 2\nb: {}\n",
       "f.yaml:2:2: found invalid YAML (end of sequence flow not found), expected well-formed "
       "YAML"},
      // yaml-cpp 0.7's LoadAll loops forever here (jbeder/yaml-cpp#1040).
      {"stray_comma_after_a_block", "    tier: premium\n , where\n",
       "f.yaml:2:2: found invalid YAML (a document the parser cannot get past), expected "
       "well-formed YAML"},
      {"duplicate_key", "a: 1\nb: 2\na: 3\n",
       "f.yaml:3:1: a: found a second \"a\" key (first at f.yaml:1:1), expected each key once per "
       "map"},
      {"map_key", "{x: 1}: 2\n",
       "f.yaml:1:1: found a key that is not a string, expected a "
       "string key"},
      {"empty_key", ": 2\n", "f.yaml:1:1: found a key that is empty, expected a string key"},
      {"too_deep", "a: {b: {c: {d: 1}}}\n",
       "f.yaml:1:16: a.b.c.d: found nesting deeper than 3 levels, expected a shallower document"},
      // An alias is placed where its anchor was written.
      {"alias_bomb", "a: &a [1, 2, 3, 4, 5]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b]\n",
       "f.yaml:1:4: b[2]: found more than 20 nodes (aliases count once per use), expected a "
       "smaller document"},
      {"too_big", std::string(65, '#'), "f.yaml:1:1: found 65 bytes, expected at most 64 bytes"},
      // Columns count characters: "é" is one.
      {"not_utf8", "a: \xc3\xa9\nb: x\xff\n",
       "f.yaml:2:5: found the byte 0xFF, which is not UTF-8, expected UTF-8 text"},
      {"overlong_utf8", "a: \xc0\xaf\n",
       "f.yaml:1:4: found the byte 0xC0, which is not UTF-8, expected UTF-8 text"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    YamlDocuments parsed = ParseYaml(c.text, "f.yaml", small);
    ASSERT_FALSE(parsed.problems.empty());
    EXPECT_EQ(parsed.problems.front().ToString(), c.want);
    StatusOr<std::vector<YamlNode>> status = ParseYamlDocuments(c.text, "f.yaml", small);
    EXPECT_EQ(status.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(status.status().message(), c.want);
  }
}

TEST(YamlTest, ParseYamlDocumentWantsOneDocument) {
  EXPECT_TRUE(ParseYamlDocument("", "f.yaml")->is_null());
  EXPECT_EQ(ParseYamlDocument("a: 1\n---\nb: 2\n", "f.yaml").status().message(),
            "f.yaml:3:1: found a second document, expected one document");
}

TEST(YamlTest, ReadsNumbersAndBooleansAsTheCoreSchemaDoes) {
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    std::string text;
    std::optional<double> want;
  };
  const Case cases[] = {
      {"1", 1},      {"+2", 2},       {"-2.5e3", -2500}, {"1.", 1},      {".5", 0.5},
      {".inf", inf}, {"-.Inf", -inf}, {"+.INF", inf},    {"1e999", inf}, {"0x1F", {}},
      {"1 000", {}}, {"abc", {}},     {"", {}},          {"--1", {}},    {"+-1", {}},
      {"1.5.2", {}}, {"inf", {}},     {"nan", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(ScalarAsDouble(MakeScalar(c.text, {}, "")), c.want);
  }
  EXPECT_TRUE(std::isnan(*ScalarAsDouble(MakeScalar(".nan", {}, ""))));
  EXPECT_EQ(ScalarAsDouble(MakeMap({}, "")), std::nullopt);
  EXPECT_EQ(ScalarAsBool(MakeScalar("True", {}, "")), true);
  EXPECT_EQ(ScalarAsBool(MakeScalar("FALSE", {}, "")), false);
  EXPECT_EQ(ScalarAsBool(MakeScalar("yes", {}, "")), std::nullopt);
}

TEST(YamlTest, QuotesKeysThatAreNotIdentifiers) {
  EXPECT_EQ(JoinPath("labels", "app.kubernetes.io/name"), "labels[\"app.kubernetes.io/name\"]");
  EXPECT_EQ(JoinPath("", "services"), "services");
  EXPECT_EQ(JoinPath("containerPolicies", "*"), "containerPolicies.*");
  EXPECT_EQ(IndexPath("policies", 2), "policies[2]");
}

TEST(YamlTest, EmitsYamlThatParsesBack) {
  const char* text =
      "services:\n  api:\n    labels:\n      app.kubernetes.io/name: api\n"
      "    containerPolicies:\n      \"*\":\n        mode: \"Off\"\n";
  YamlNode doc = *ParseYamlDocument(text, "f.yaml");
  YamlNode again = *ParseYamlDocument(EmitYaml(doc), "g.yaml");
  EXPECT_EQ(EmitYaml(again), EmitYaml(doc));
  EXPECT_EQ(again["services"]["api"]["containerPolicies"]["*"]["mode"].scalar, "Off");
}

TEST(LocationTest, FormatsTheOneErrorFormat) {
  EXPECT_EQ(FormatLocated(Location::InFile("a.csv", 3, 0), "cpu", "\"x\"", "a number"),
            "a.csv:3: cpu: found \"x\", expected a number");
  EXPECT_EQ(FormatLocated(Location::InFile("a.yaml", 3, 5), "", "a map", "a list"),
            "a.yaml:3:5: found a map, expected a list");
  EXPECT_EQ(Location::EnvironmentVariable("X").ToString(), "environment variable X");
  EXPECT_TRUE(Location::BuiltIn().is_built_in());
}

}  // namespace
}  // namespace crescendo::format
