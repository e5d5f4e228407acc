// FieldReader: reads typed values out of Node trees, reporting every problem as a diagnostic.
//
// Each Read* returns nullopt after adding an error that names the node's location and path, what
// was found and what was expected; the caller keeps going, so one run reports every problem.
// Errors carry `workload` (an effective service id) when the reader decodes merged settings.
//
// Thread safety: not thread-safe (writes to the DiagnosticList it holds).
#ifndef CRESCENDO_SRC_CONFIG_READER_H_
#define CRESCENDO_SRC_CONFIG_READER_H_

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/node.h"
#include "crescendo/base/quantity.h"
#include "crescendo/base/time.h"
#include "crescendo/config/diagnostic.h"

namespace crescendo::config {

using KeyList = std::span<const std::string_view>;

// Returns the closest of `candidates` to `word` (edit distance <= max(2, |word|/3)), or empty.
std::string_view ClosestMatch(std::string_view word, KeyList candidates);
// Returns "a, b, c".
std::string JoinNames(KeyList names);
// Returns "a, b, c" for the keys of a map.
template <typename Map>
std::string JoinKeys(const Map& map) {
  std::string text;
  for (const auto& [key, value] : map) text += (text.empty() ? "" : ", ") + key;
  return text.empty() ? "none defined" : text;
}
// Returns whether `name` is a DNS-1123 label (lower-case alphanumerics and '-', 1..63 chars,
// starting and ending alphanumeric), as Kubernetes requires of namespace and object names.
bool IsDnsLabel(std::string_view name);

class FieldReader {
 public:
  FieldReader(DiagnosticList& diagnostics, std::string workload = {})
      : diagnostics_(diagnostics), workload_(std::move(workload)) {}

  // Reports an error at `node` (its value's location).
  void Error(const Node& node, std::string found, std::string expected);
  // Reports an error at the key of map entry `entry`.
  void KeyError(const Node& entry, std::string found, std::string expected);

  // Returns whether `node` is a map; reports an error otherwise.
  bool ExpectMap(const Node& node);
  // Reports each entry of map `node` whose key is not in any of `allowed` lists.
  void CheckKeys(const Node& node, std::initializer_list<KeyList> allowed);

  std::optional<std::string> String(const Node& node);
  // A DNS-1123 label (see IsDnsLabel).
  std::optional<std::string> Name(const Node& node);
  std::optional<int64_t> Int(const Node& node, int64_t min, int64_t max);
  std::optional<double> Number(const Node& node, double min, double max);
  // true | false.
  std::optional<bool> Bool(const Node& node);
  // enabled | disabled (true | false accepted).
  std::optional<bool> Switch(const Node& node);
  // Returns the index of the node's text in `names`.
  std::optional<size_t> Enum(const Node& node, KeyList names);
  // A Go duration within [min, max].
  std::optional<Duration> DurationIn(const Node& node, Duration min, Duration max);
  // A Kubernetes quantity; > 0 when `positive`, else >= 0.
  std::optional<Quantity> QuantityValue(const Node& node, bool positive);
  // A CPU quantity that is a whole number of millicores (as the VPA requires); returns millis.
  std::optional<int64_t> CpuMillis(const Node& node, bool positive);
  // A memory quantity that is a whole number of bytes (as the VPA requires); returns bytes.
  std::optional<int64_t> MemoryBytes(const Node& node, bool positive);
  // A sequence of strings.
  std::optional<std::vector<std::string>> StringList(const Node& node);
  // A map of string to string.
  std::optional<std::map<std::string, std::string>> StringMap(const Node& node);

 private:
  DiagnosticList& diagnostics_;
  std::string workload_;
};

}  // namespace crescendo::config

#endif  // CRESCENDO_SRC_CONFIG_READER_H_
