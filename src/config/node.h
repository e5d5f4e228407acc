// Node: a YAML document as a plain tree whose every node knows where it was written.
//
// The tree and its parser are the format layer's one YAML reader (crescendo/format/yaml.h); this
// header names them for the configuration loader and adds the adapter that turns the reader's
// problems into the loader's diagnostics. The loader parses each source once, then merges and
// decodes trees; each node keeps its location and its key path in the document, so a value that
// travelled through the merge still reports where it was written.
//
// Thread safety: value types.
#ifndef CRESCENDO_SRC_CONFIG_NODE_H_
#define CRESCENDO_SRC_CONFIG_NODE_H_

#include <string>
#include <string_view>
#include <vector>

#include "crescendo/config/diagnostic.h"
#include "crescendo/format/yaml.h"

namespace crescendo::config {

using Node = format::YamlNode;
using ParseLimits = format::YamlLimits;
using format::EmitYaml;
using format::GetValue;
using format::IndexPath;
using format::JoinPath;
using format::MakeMap;
using format::MakeScalar;

// Parses every YAML document of `text` (named `file` in locations) with format::ParseYaml and
// adds each problem it found to `diagnostics` as an error; see ParseYaml for what is returned.
std::vector<Node> ParseDocuments(std::string_view text, const std::string& file,
                                 DiagnosticList& diagnostics, const ParseLimits& limits = {});

}  // namespace crescendo::config

#endif  // CRESCENDO_SRC_CONFIG_NODE_H_
