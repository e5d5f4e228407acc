#include "config/node.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <optional>
#include <sstream>
#include <string>

namespace crescendo::config {

const Node* Node::Find(std::string_view k) const {
  if (!is_map()) return nullptr;
  for (const Node& child : children) {
    if (child.key == k) return &child;
  }
  return nullptr;
}

Node* Node::FindMutable(std::string_view k) {
  return const_cast<Node*>(static_cast<const Node*>(this)->Find(k));
}

void Node::Set(std::string_view k, Node value) {
  value.key = std::string(k);
  if (Node* existing = FindMutable(k)) {
    if (value.key_location.file.empty()) value.key_location = existing->key_location;
    *existing = std::move(value);
    return;
  }
  children.push_back(std::move(value));
}

bool Node::Erase(std::string_view k) {
  auto it = std::find_if(children.begin(), children.end(),
                         [&](const Node& child) { return child.key == k; });
  if (it == children.end()) return false;
  children.erase(it);
  return true;
}

std::string Node::Describe() const {
  switch (kind) {
    case Kind::kNull:
      return "nothing";
    case Kind::kScalar:
      return "\"" + scalar + "\"";
    case Kind::kMap:
      return "a map";
    case Kind::kSequence:
      return "a sequence";
  }
  return "nothing";
}

const Node* GetValue(const Node& map, std::string_view key) {
  const Node* node = map.Find(key);
  return node != nullptr && !node->is_null() ? node : nullptr;
}

Node MakeScalar(std::string text, const Location& location, std::string path) {
  Node node;
  node.kind = Node::Kind::kScalar;
  node.scalar = std::move(text);
  node.location = location;
  node.path = std::move(path);
  return node;
}

Node MakeMap(const Location& location, std::string path) {
  Node node;
  node.kind = Node::Kind::kMap;
  node.location = location;
  node.path = std::move(path);
  return node;
}

namespace {

bool IsPlainKey(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '*';
  });
}

Location ToLocation(const YAML::Mark& mark, const std::string& file) {
  if (mark.is_null()) return Location::InFile(file, 1, 1);
  return Location::InFile(file, mark.line + 1, mark.column + 1);
}

// Converts one yaml-cpp document, counting nodes and depth against the limits.
class Converter {
 public:
  Converter(const std::string& file, DiagnosticList& diagnostics, const ParseLimits& limits)
      : file_(file), diagnostics_(diagnostics), limits_(limits) {}

  Node Convert(const YAML::Node& yaml, const Location& fallback, const std::string& path,
               int depth) {
    Node node;
    node.path = path;
    // An empty value's mark points at the next token; its key's location is the useful one.
    bool unplaced = yaml.Mark().is_null() || yaml.IsNull();
    node.location = unplaced ? fallback : ToLocation(yaml.Mark(), file_);
    if (!Admit(node, depth)) return node;
    switch (yaml.Type()) {
      case YAML::NodeType::Scalar:
        node.kind = Node::Kind::kScalar;
        node.scalar = yaml.Scalar();
        break;
      case YAML::NodeType::Sequence:
        node.kind = Node::Kind::kSequence;
        ConvertSequence(yaml, node, depth);
        break;
      case YAML::NodeType::Map:
        node.kind = Node::Kind::kMap;
        ConvertMap(yaml, node, depth);
        break;
      default:
        break;
    }
    return node;
  }

 private:
  bool Admit(const Node& node, int depth) {
    if (exhausted_) return false;
    if (depth > limits_.max_depth) {
      diagnostics_.AddError(node.location, node.path,
                            "nesting deeper than " + std::to_string(limits_.max_depth) + " levels",
                            "a shallower document");
      exhausted_ = true;
      return false;
    }
    if (++nodes_ > limits_.max_nodes) {
      diagnostics_.AddError(
          node.location, node.path,
          "more than " + std::to_string(limits_.max_nodes) + " nodes (aliases count once per use)",
          "a smaller document");
      exhausted_ = true;
      return false;
    }
    return true;
  }

  void ConvertSequence(const YAML::Node& yaml, Node& node, int depth) {
    size_t index = 0;
    for (const YAML::Node& item : yaml) {
      node.children.push_back(
          Convert(item, node.location, IndexPath(node.path, index++), depth + 1));
      if (exhausted_) return;
    }
  }

  void ConvertMap(const YAML::Node& yaml, Node& node, int depth) {
    for (auto it = yaml.begin(); it != yaml.end(); ++it) {
      Location key_location = ToLocation(it->first.Mark(), file_);
      if (!it->first.IsScalar()) {
        diagnostics_.AddError(
            key_location, node.path,
            "a key that is " + std::string(it->first.IsNull() ? "empty" : "not a string"),
            "a string key");
        continue;
      }
      const std::string& key = it->first.Scalar();
      std::string child_path = JoinPath(node.path, key);
      if (const Node* first = node.Find(key)) {
        diagnostics_.AddError(
            key_location, child_path,
            "a second \"" + key + "\" key (first at " + first->key_location.ToString() + ")",
            "each key once per map");
        continue;
      }
      Node child = Convert(it->second, key_location, child_path, depth + 1);
      child.key = key;
      child.key_location = key_location;
      node.children.push_back(std::move(child));
      if (exhausted_) return;
    }
  }

  const std::string& file_;
  DiagnosticList& diagnostics_;
  const ParseLimits& limits_;
  size_t nodes_ = 0;
  bool exhausted_ = false;
};

void EmitNode(const Node& node, YAML::Emitter& out) {
  switch (node.kind) {
    case Node::Kind::kNull:
      out << YAML::Null;
      break;
    case Node::Kind::kScalar:
      out << node.scalar;
      break;
    case Node::Kind::kSequence:
      out << YAML::BeginSeq;
      for (const Node& item : node.children) EmitNode(item, out);
      out << YAML::EndSeq;
      break;
    case Node::Kind::kMap:
      out << YAML::BeginMap;
      for (const Node& child : node.children) {
        out << YAML::Key << child.key << YAML::Value;
        EmitNode(child, out);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

std::string JoinPath(std::string_view parent, std::string_view child) {
  std::string key = IsPlainKey(child) ? std::string(child) : "[\"" + std::string(child) + "\"]";
  if (parent.empty()) return key;
  if (key.front() == '[') return std::string(parent) + key;
  return std::string(parent) + "." + key;
}

std::string IndexPath(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

namespace {

// Sees where each document of a stream starts, and nothing else.
class DocumentStarts : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { last = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
  YAML::Mark last = YAML::Mark::null_mark();
};

// Returns the mark where `text` makes YAML::LoadAll loop forever, if it does. yaml-cpp 0.7
// (Debian 12's) keeps reporting an empty document at the same place on some malformed input
// (a stray ',' after a block, for one): jbeder/yaml-cpp#1040, fixed upstream by PR #1319
// ("avoid possible infinite loop in LoadAll()"). A first pass over the events alone stops there.
std::optional<YAML::Mark> LoadAllWouldLoop(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  std::optional<int> previous;
  while (parser.HandleNextDocument(starts)) {
    if (previous && *previous == starts.last.pos) return starts.last;
    previous = starts.last.pos;
  }
  return std::nullopt;
}

}  // namespace

std::vector<Node> ParseDocuments(std::string_view text, const std::string& file,
                                 DiagnosticList& diagnostics, const ParseLimits& limits) {
  std::vector<YAML::Node> yaml_documents;
  try {
    const std::string source(text);
    if (std::optional<YAML::Mark> stuck = LoadAllWouldLoop(source)) {
      diagnostics.AddError(ToLocation(*stuck, file), "",
                           "invalid YAML (a document the parser cannot get past)",
                           "well-formed YAML");
      return {};
    }
    yaml_documents = YAML::LoadAll(source);
  } catch (const YAML::Exception& e) {
    diagnostics.AddError(ToLocation(e.mark, file), "", "invalid YAML (" + e.msg + ")",
                         "well-formed YAML");
    return {};
  } catch (const std::exception& e) {
    diagnostics.AddError(Location::InFile(file, 1, 1), "",
                         std::string("unreadable YAML (") + e.what() + ")", "well-formed YAML");
    return {};
  }
  std::vector<Node> documents;
  for (const YAML::Node& yaml : yaml_documents) {
    Converter converter(file, diagnostics, limits);
    documents.push_back(converter.Convert(yaml, Location::InFile(file, 1, 1), "", 0));
  }
  return documents;
}

std::string EmitYaml(const Node& node) {
  YAML::Emitter out;
  out.SetIndent(2);
  EmitNode(node, out);
  return std::string(out.c_str()) + "\n";
}

}  // namespace crescendo::config
