// Node: a YAML document as a plain tree whose every node knows where it was written.
//
// The loader converts yaml-cpp's nodes into this tree once (ParseDocuments), then merges and
// decodes trees without yaml-cpp. Each node keeps its location and its key path in the document,
// so a value that travelled through the merge still reports where it was written.
//
// Thread safety: value types.
#ifndef CRESCENDO_SRC_CONFIG_NODE_H_
#define CRESCENDO_SRC_CONFIG_NODE_H_

#include <string>
#include <string_view>
#include <vector>

#include "crescendo/config/diagnostic.h"

namespace crescendo::config {

struct Node {
  enum class Kind { kNull, kScalar, kMap, kSequence };

  Kind kind = Kind::kNull;
  std::string scalar;          // kScalar: the text as written (without quotes)
  std::vector<Node> children;  // kMap: entries in document order; kSequence: items
  std::string key;             // for a map entry: its key
  Location key_location;       // for a map entry: where its key was written
  Location location;           // where the value was written
  std::string path;            // key path in its document, e.g. "services.player.horizontal"

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_map() const { return kind == Kind::kMap; }
  bool is_sequence() const { return kind == Kind::kSequence; }

  // Map access. Find returns null when absent or when this is not a map.
  const Node* Find(std::string_view k) const;
  Node* FindMutable(std::string_view k);
  // Sets entry `k` (appending it when absent) to `value`, keeping value's locations.
  void Set(std::string_view k, Node value);
  // Removes entry `k`; returns whether it existed.
  bool Erase(std::string_view k);

  // Returns a short description for "found ..." messages: "\"text\"", "a map", "a sequence",
  // "nothing".
  std::string Describe() const;
};

// Returns the entry `key` of map `map` unless it is absent or null (an explicit null deletes an
// inherited value, so readers treat it as absent).
const Node* GetValue(const Node& map, std::string_view key);

// Returns a scalar node.
Node MakeScalar(std::string text, const Location& location, std::string path);
// Returns an empty map node.
Node MakeMap(const Location& location, std::string path);

// Returns `parent.child` (or `child` when parent is empty); a child that is not a plain
// identifier is written parent["child"].
std::string JoinPath(std::string_view parent, std::string_view child);
// Returns `parent[index]`.
std::string IndexPath(std::string_view parent, size_t index);

// Limits that keep hostile input (deep nesting, alias bombs) cheap.
struct ParseLimits {
  int max_depth = 64;
  size_t max_nodes = 200000;  // per source, aliases counted once per use
};

// Parses every YAML document of `text` (named `file` in locations). Syntax errors, duplicate
// keys, non-scalar keys and exceeded limits are added to `diagnostics`; a document with such an
// error is still returned as far as it was read, except after a syntax error, which drops the
// whole source (yaml-cpp cannot resume).
std::vector<Node> ParseDocuments(std::string_view text, const std::string& file,
                                 DiagnosticList& diagnostics, const ParseLimits& limits = {});

// Returns the tree as YAML text (block style, keys in order).
std::string EmitYaml(const Node& node);

}  // namespace crescendo::config

#endif  // CRESCENDO_SRC_CONFIG_NODE_H_
