// The one YAML reader: text (one or many documents) into a tree whose every node knows where it
// was written (file:line:column) and its key path in the document.
//
// yaml-cpp parses; ParseYaml converts its nodes into YamlNode once, so no front end touches
// yaml-cpp (and none can be caught by its exceptions). Hostile input stays cheap and never hangs:
//   - text longer than YamlLimits::max_bytes is refused before parsing;
//   - yaml-cpp 0.7's LoadAll loops forever on some malformed streams (a stray ',' after a block:
//     jbeder/yaml-cpp#1040, fixed upstream by PR #1319); a first pass over the events finds that
//     place and reports it instead;
//   - nesting deeper than max_depth and more than max_nodes nodes (an alias counts once per use,
//     so an alias bomb is refused, not expanded) stop the conversion;
//   - duplicate keys and keys that are not scalars are errors (yaml-cpp keeps either silently).
// Every problem is reported in the one format of crescendo/format/location.h.
//
// Thread safety: value types and pure functions.
#ifndef CRESCENDO_FORMAT_YAML_H_
#define CRESCENDO_FORMAT_YAML_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/format/location.h"

namespace crescendo::format {

struct YamlNode {
  enum class Kind { kNull, kScalar, kMap, kSequence };

  Kind kind = Kind::kNull;
  std::string scalar;   // kScalar: the text as written (without quotes)
  bool quoted = false;  // kScalar: written in quotes (so always a string, never a number)
  std::vector<YamlNode> children;  // kMap: entries in document order; kSequence: items
  std::string key;                 // for a map entry: its key
  Location key_location;           // for a map entry: where its key was written
  Location location;               // where the value was written (its key's, for an empty value)
  std::string path;                // key path in its document, e.g. "services.player.horizontal"

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_map() const { return kind == Kind::kMap; }
  bool is_sequence() const { return kind == Kind::kSequence; }

  // Map access. Find returns null when absent or when this is not a map.
  const YamlNode* Find(std::string_view k) const;
  YamlNode* FindMutable(std::string_view k);
  // Returns entry `k`, or Missing() when absent or when this is not a map.
  const YamlNode& operator[](std::string_view k) const;
  // Returns false only for Missing(): an absent entry (an explicit null is present).
  bool present() const { return this != &Missing(); }
  // Sequence access: item `index`, or Missing() when out of range or when this is not a sequence.
  const YamlNode& operator[](size_t index) const;
  // The children: a sequence's items, a map's entries (each with its key); none for scalars.
  size_t size() const { return children.size(); }
  std::vector<YamlNode>::const_iterator begin() const { return children.begin(); }
  std::vector<YamlNode>::const_iterator end() const { return children.end(); }
  // Sets entry `k` (appending it when absent) to `value`, keeping value's locations.
  void Set(std::string_view k, YamlNode value);
  // Removes entry `k`; returns whether it existed.
  bool Erase(std::string_view k);

  // Returns a short description for "found ..." messages: "\"text\"", "a map", "a sequence",
  // "nothing".
  std::string Describe() const;

  // The node operator[] returns for an absent entry: null, without a location.
  static const YamlNode& Missing();
};

// Returns the entry `key` of map `map` unless it is absent or null (an explicit null deletes an
// inherited value, so readers treat it as absent).
const YamlNode* GetValue(const YamlNode& map, std::string_view key);

// Returns a scalar node.
YamlNode MakeScalar(std::string text, const Location& location, std::string path);
// Returns an empty map node.
YamlNode MakeMap(const Location& location, std::string path);

// Returns `parent.child` (or `child` when parent is empty); a child that is not a plain
// identifier is written parent["child"].
std::string JoinPath(std::string_view parent, std::string_view child);
// Returns `parent[index]`.
std::string IndexPath(std::string_view parent, size_t index);

// Limits that keep hostile input cheap.
struct YamlLimits {
  size_t max_bytes = size_t{64} << 20;
  int max_depth = 64;
  size_t max_nodes = 200000;  // per source, aliases counted once per use
};

// One problem ParseYaml found: FormatLocated(location, path, found, expected) is its text.
struct YamlProblem {
  Location location;
  std::string path;
  std::string found;
  std::string expected;

  std::string ToString() const;
};

struct YamlDocuments {
  std::vector<YamlNode> documents;
  std::vector<YamlProblem> problems;  // in the order found; empty when the text is clean
};

// Parses every YAML document of `text` (named `file` in locations). Syntax errors, duplicate
// keys, non-scalar keys and exceeded limits become problems; a document with such a problem is
// still returned as far as it was read, except after a syntax error, which drops the whole
// source (yaml-cpp cannot resume).
YamlDocuments ParseYaml(std::string_view text, const std::string& file,
                        const YamlLimits& limits = {});

// Returns the documents of `text`, or InvalidArgument with the first problem's text. An empty
// text has no documents.
StatusOr<std::vector<YamlNode>> ParseYamlDocuments(std::string_view text, const std::string& file,
                                                   const YamlLimits& limits = {});

// Returns the single document of `text` (a null node for an empty text), or InvalidArgument with
// the first problem, or "FILE:LINE:COLUMN: found a second document, expected one".
StatusOr<YamlNode> ParseYamlDocument(std::string_view text, const std::string& file,
                                     const YamlLimits& limits = {});

// Returns the number a scalar's whole text spells, quoted or not: a decimal integer or float
// ("1", "+2", "-2.5e3", "1.") or YAML's infinities and NaN (".inf", "-.Inf", "+.INF", ".nan");
// nullopt for anything else (a map, a sequence, null, "0x1F", "1 000", text). Callers decide
// whether to refuse infinities and NaN.
std::optional<double> ScalarAsDouble(const YamlNode& node);

// Returns "true"/"false" (and YAML 1.1's True/TRUE/False/FALSE) as a bool, else nullopt.
std::optional<bool> ScalarAsBool(const YamlNode& node);

// Returns the tree as YAML text (block style, keys in order).
std::string EmitYaml(const YamlNode& node);

}  // namespace crescendo::format

#endif  // CRESCENDO_FORMAT_YAML_H_
