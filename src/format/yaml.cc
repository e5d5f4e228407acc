#include "crescendo/format/yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

#include "crescendo/base/text.h"

namespace crescendo::format {

const YamlNode* YamlNode::Find(std::string_view k) const {
  if (!is_map()) return nullptr;
  for (const YamlNode& child : children) {
    if (child.key == k) return &child;
  }
  return nullptr;
}

const YamlNode& YamlNode::operator[](std::string_view k) const {
  const YamlNode* node = Find(k);
  return node != nullptr ? *node : Missing();
}

const YamlNode& YamlNode::operator[](size_t index) const {
  return is_sequence() && index < children.size() ? children[index] : Missing();
}

const YamlNode& YamlNode::Missing() {
  static const YamlNode* const missing = new YamlNode();
  return *missing;
}

YamlNode* YamlNode::FindMutable(std::string_view k) {
  return const_cast<YamlNode*>(static_cast<const YamlNode*>(this)->Find(k));
}

void YamlNode::Set(std::string_view k, YamlNode value) {
  value.key = std::string(k);
  if (YamlNode* existing = FindMutable(k)) {
    if (value.key_location.file.empty()) value.key_location = existing->key_location;
    *existing = std::move(value);
    return;
  }
  children.push_back(std::move(value));
}

bool YamlNode::Erase(std::string_view k) {
  auto it = std::find_if(children.begin(), children.end(),
                         [&](const YamlNode& child) { return child.key == k; });
  if (it == children.end()) return false;
  children.erase(it);
  return true;
}

std::string YamlNode::Describe() const {
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

const YamlNode* GetValue(const YamlNode& map, std::string_view key) {
  const YamlNode* node = map.Find(key);
  return node != nullptr && !node->is_null() ? node : nullptr;
}

YamlNode MakeScalar(std::string text, const Location& location, std::string path) {
  YamlNode node;
  node.kind = YamlNode::Kind::kScalar;
  node.scalar = std::move(text);
  node.location = location;
  node.path = std::move(path);
  return node;
}

YamlNode MakeMap(const Location& location, std::string path) {
  YamlNode node;
  node.kind = YamlNode::Kind::kMap;
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
  Converter(const std::string& file, std::vector<YamlProblem>& problems, const YamlLimits& limits)
      : file_(file), problems_(problems), limits_(limits) {}

  YamlNode Convert(const YAML::Node& yaml, const Location& fallback, const std::string& path,
                   int depth) {
    YamlNode node;
    node.path = path;
    // An empty value's mark points at the next token; its key's location is the useful one.
    bool unplaced = yaml.Mark().is_null() || yaml.IsNull();
    node.location = unplaced ? fallback : ToLocation(yaml.Mark(), file_);
    if (!Admit(node, depth)) return node;
    switch (yaml.Type()) {
      case YAML::NodeType::Scalar:
        node.kind = YamlNode::Kind::kScalar;
        node.scalar = yaml.Scalar();
        node.quoted = yaml.Tag() == "!";  // yaml-cpp tags a quoted scalar "!", a plain one "?"
        break;
      case YAML::NodeType::Sequence:
        node.kind = YamlNode::Kind::kSequence;
        ConvertSequence(yaml, node, depth);
        break;
      case YAML::NodeType::Map:
        node.kind = YamlNode::Kind::kMap;
        ConvertMap(yaml, node, depth);
        break;
      default:
        break;
    }
    return node;
  }

 private:
  bool Admit(const YamlNode& node, int depth) {
    if (exhausted_) return false;
    if (depth > limits_.max_depth) {
      Add(node.location, node.path,
          "nesting deeper than " + std::to_string(limits_.max_depth) + " levels",
          "a shallower document");
      exhausted_ = true;
      return false;
    }
    if (++nodes_ > limits_.max_nodes) {
      Add(node.location, node.path,
          "more than " + std::to_string(limits_.max_nodes) + " nodes (aliases count once per use)",
          "a smaller document");
      exhausted_ = true;
      return false;
    }
    return true;
  }

  void ConvertSequence(const YAML::Node& yaml, YamlNode& node, int depth) {
    size_t index = 0;
    for (const YAML::Node& item : yaml) {
      node.children.push_back(
          Convert(item, node.location, IndexPath(node.path, index++), depth + 1));
      if (exhausted_) return;
    }
  }

  void ConvertMap(const YAML::Node& yaml, YamlNode& node, int depth) {
    for (auto it = yaml.begin(); it != yaml.end(); ++it) {
      Location key_location = ToLocation(it->first.Mark(), file_);
      if (!it->first.IsScalar()) {
        Add(key_location, node.path,
            "a key that is " + std::string(it->first.IsNull() ? "empty" : "not a string"),
            "a string key");
        continue;
      }
      const std::string& key = it->first.Scalar();
      std::string child_path = JoinPath(node.path, key);
      if (const YamlNode* first = node.Find(key)) {
        Add(key_location, child_path,
            "a second \"" + key + "\" key (first at " + first->key_location.ToString() + ")",
            "each key once per map");
        continue;
      }
      YamlNode child = Convert(it->second, key_location, child_path, depth + 1);
      child.key = key;
      child.key_location = key_location;
      node.children.push_back(std::move(child));
      if (exhausted_) return;
    }
  }

  void Add(const Location& location, std::string path, std::string found, std::string expected) {
    problems_.push_back({location, std::move(path), std::move(found), std::move(expected)});
  }

  const std::string& file_;
  std::vector<YamlProblem>& problems_;
  const YamlLimits& limits_;
  size_t nodes_ = 0;
  bool exhausted_ = false;
};

void EmitNode(const YamlNode& node, YAML::Emitter& out) {
  switch (node.kind) {
    case YamlNode::Kind::kNull:
      out << YAML::Null;
      break;
    case YamlNode::Kind::kScalar:
      out << node.scalar;
      break;
    case YamlNode::Kind::kSequence:
      out << YAML::BeginSeq;
      for (const YamlNode& item : node.children) EmitNode(item, out);
      out << YAML::EndSeq;
      break;
    case YamlNode::Kind::kMap:
      out << YAML::BeginMap;
      for (const YamlNode& child : node.children) {
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

// Where the first byte that does not start a well-formed UTF-8 sequence is, if any.
struct BadByte {
  Location location;
  size_t offset = 0;
};
std::optional<BadByte> FirstNonUtf8(std::string_view text, const std::string& file) {
  int line = 1;
  int column = 1;
  for (size_t i = 0; i < text.size();) {
    const size_t n = Utf8SequenceLength(text.substr(i));
    if (n == 0) return BadByte{Location::InFile(file, line, column), i};
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += n;
  }
  return std::nullopt;
}

}  // namespace

std::string YamlProblem::ToString() const { return FormatLocated(location, path, found, expected); }

YamlDocuments ParseYaml(std::string_view text, const std::string& file, const YamlLimits& limits) {
  YamlDocuments out;
  auto fail = [&](const Location& location, std::string found) {
    out.problems.push_back({location, "", std::move(found), "well-formed YAML"});
    return std::move(out);
  };
  if (text.size() > limits.max_bytes) {
    out.problems.push_back({Location::InFile(file, 1, 1), "",
                            std::to_string(text.size()) + " bytes",
                            "at most " + std::to_string(limits.max_bytes) + " bytes"});
    return out;
  }
  // YAML is Unicode text (YAML 1.2, section 5.2); a stray byte would reach the readers' strings
  // and, through them, every JSON and log line that quotes a value.
  if (std::optional<BadByte> bad = FirstNonUtf8(text, file)) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X",
                  static_cast<unsigned>(static_cast<unsigned char>(text[bad->offset])));
    out.problems.push_back({bad->location, "",
                            std::string("the byte ") + byte + ", which is not UTF-8",
                            "UTF-8 text"});
    return out;
  }
  std::vector<YAML::Node> yaml_documents;
  try {
    const std::string source(text);
    if (std::optional<YAML::Mark> stuck = LoadAllWouldLoop(source)) {
      return fail(ToLocation(*stuck, file), "invalid YAML (a document the parser cannot get past)");
    }
    yaml_documents = YAML::LoadAll(source);
  } catch (const YAML::Exception& e) {
    return fail(ToLocation(e.mark, file), "invalid YAML (" + e.msg + ")");
  } catch (const std::exception& e) {
    return fail(Location::InFile(file, 1, 1), std::string("unreadable YAML (") + e.what() + ")");
  }
  for (const YAML::Node& yaml : yaml_documents) {
    Converter converter(file, out.problems, limits);
    out.documents.push_back(converter.Convert(yaml, Location::InFile(file, 1, 1), "", 0));
  }
  return out;
}

StatusOr<std::vector<YamlNode>> ParseYamlDocuments(std::string_view text, const std::string& file,
                                                   const YamlLimits& limits) {
  YamlDocuments parsed = ParseYaml(text, file, limits);
  if (!parsed.problems.empty()) return InvalidArgumentError(parsed.problems.front().ToString());
  return std::move(parsed.documents);
}

StatusOr<YamlNode> ParseYamlDocument(std::string_view text, const std::string& file,
                                     const YamlLimits& limits) {
  CRESCENDO_ASSIGN_OR_RETURN(std::vector<YamlNode> documents,
                             ParseYamlDocuments(text, file, limits));
  if (documents.empty()) {
    YamlNode empty;
    empty.location = Location::InFile(file, 1, 1);
    return empty;
  }
  if (documents.size() > 1) {
    return LocatedError(documents[1].location, "", "a second document", "one document");
  }
  return std::move(documents.front());
}

std::optional<double> ScalarAsDouble(const YamlNode& node) {
  if (!node.is_scalar() || node.scalar.empty()) return std::nullopt;
  std::string_view text = node.scalar;
  bool negative = false;
  if (text.front() == '+' || text.front() == '-') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text == ".inf" || text == ".Inf" || text == ".INF") {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  // from_chars also reads "inf", "nan" and "infinity", which YAML spells ".inf" and ".nan".
  if (text.empty() ||
      !(std::isdigit(static_cast<unsigned char>(text.front())) || text.front() == '.')) {
    return std::nullopt;
  }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (end != text.data() + text.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    value = std::strtod(std::string(text).c_str(), nullptr);  // +-HUGE_VAL or a denormal/zero
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  return negative ? -value : value;
}

std::optional<bool> ScalarAsBool(const YamlNode& node) {
  if (!node.is_scalar()) return std::nullopt;
  const std::string& s = node.scalar;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

std::string EmitYaml(const YamlNode& node) {
  YAML::Emitter out;
  out.SetIndent(2);
  EmitNode(node, out);
  return std::string(out.c_str()) + "\n";
}

}  // namespace crescendo::format
