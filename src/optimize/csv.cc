#include "crescendo/optimize/csv.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <map>
#include <vector>

#include "crescendo/base/quantity.h"
#include "crescendo/format/csv.h"

namespace crescendo::optimize {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

struct Row {
  int line = 0;
  std::vector<std::string> fields;
};

// Splits `text` into rows of trimmed fields with the format layer's CSV reader, skipping blank
// and '#' lines. Errors: the reader's (an unclosed quote, a line too long), located in `path`.
StatusOr<std::vector<Row>> Rows(std::string_view text, const std::string& path) {
  format::CsvOptions options;
  options.header = false;
  options.comment_lines = true;
  CRESCENDO_ASSIGN_OR_RETURN(format::CsvTable table, format::ParseCsv(text, path, options));
  std::vector<Row> rows;
  rows.reserve(table.rows.size());
  for (format::CsvRow& csv_row : table.rows) {
    Row row{.line = csv_row.line, .fields = {}};
    for (format::CsvField& field : csv_row.fields) row.fields.push_back(std::move(field.text));
    rows.push_back(std::move(row));
  }
  return rows;
}

Status Located(const std::string& path, int line, const std::string& what) {
  return InvalidArgumentError(path + ":" + std::to_string(line) + ": " + what);
}

StatusOr<int64_t> ParseAmount(const std::string& resource, const std::string& text,
                              const std::string& path, int line) {
  StatusOr<Quantity> q = Quantity::Parse(text);
  const std::string where = "column \"" + resource + "\": ";
  if (!q.ok()) {
    const char* expected = resource == "cpu"      ? "a Kubernetes quantity such as 500m or 2"
                           : resource == "memory" ? "a Kubernetes quantity such as 512Mi or 1e9"
                                                  : "a number";
    return Located(path, line, where + "expected " + expected + ", found \"" + text + "\"");
  }
  if (q->Compare(Quantity()) < 0) {
    return Located(path, line, where + "expected an amount >= 0, found \"" + text + "\"");
  }
  return resource == "cpu" ? q->MilliValue() : q->Value();
}

// Checks that a row has `want` fields (or `want_max` when given).
Status CheckWidth(const Row& row, size_t want, size_t want_max, const std::string& path) {
  if (row.fields.size() < want || row.fields.size() > want_max) {
    return Located(
        path, row.line,
        "expected " + std::to_string(want) +
            (want_max > want ? (want_max > want + 1 ? " to " : " or ") + std::to_string(want_max)
                             : std::string()) +
            " columns as in the header, found " + std::to_string(row.fields.size()));
  }
  return Status::Ok();
}

bool IsPodRuleColumn(const std::string& name) {
  return name == "node_selector" || name == "tolerations" || name == "tenant" ||
         name == "service" || name == "max_per_node" || name == "max_skew";
}

bool IsNodeColumn(const std::string& name) {
  return name == "type" || name == "price" || name == "max_count" || name == "labels" ||
         name == "taints" || name == "tenant" || name == "zone";
}

// Splits a list field "a;b;c" into its trimmed, non-empty parts.
std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::string_view rest = text;
  while (true) {
    const size_t semi = rest.find(';');
    const std::string_view part = Trim(rest.substr(0, semi));
    if (!part.empty()) out.emplace_back(part);
    if (semi == std::string_view::npos) break;
    rest = rest.substr(semi + 1);
  }
  return out;
}

// Parses "k=v;k2=v2".
StatusOr<std::map<std::string, std::string>> ParseLabels(const std::string& column,
                                                         const std::string& text,
                                                         const std::string& path, int line) {
  std::map<std::string, std::string> out;
  for (const std::string& part : SplitList(text)) {
    const size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Located(path, line,
                     "column \"" + column + "\": expected key=value pairs separated by ';', " +
                         "found \"" + part + "\"");
    }
    out[part.substr(0, eq)] = part.substr(eq + 1);
  }
  return out;
}

StatusOr<int64_t> ParseCount(const std::string& column, const std::string& text,
                             const std::string& path, int line) {
  int64_t count = -1;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (ec != std::errc() || ptr != text.data() + text.size() || count < 0) {
    return Located(
        path, line,
        "column \"" + column + "\": expected an integer >= 0 or nothing, found \"" + text + "\"");
  }
  return count;
}

// The pods header: `name`, the resources, and optional constraint columns.
struct PodsLayout {
  std::vector<std::string> columns;  // as in the header
  std::vector<std::string> resources;
  size_t min_width = 0;  // the trailing constraint columns may be left out
};

StatusOr<PodsLayout> PodsHeader(const std::vector<Row>& rows, const std::string& path) {
  if (rows.empty()) return Located(path, 1, "expected a header `name,<resource>,...`, found none");
  const Row& h = rows[0];
  if (h.fields[0] != "name" || h.fields.size() < 2) {
    return Located(path, h.line,
                   "expected the header `name,<resource>,...`, found \"" + h.fields[0] +
                       (h.fields.size() > 1 ? ",..." : "") + "\"");
  }
  PodsLayout layout{.columns = h.fields, .resources = {}, .min_width = 1};
  for (size_t c = 1; c < h.fields.size(); ++c) {
    const std::string& name = h.fields[c];
    if (name.empty()) {
      return Located(path, h.line,
                     "column " + std::to_string(c + 1) + ": expected a resource name, found none");
    }
    for (size_t s = 1; s < c; ++s) {
      if (h.fields[s] == name) return Located(path, h.line, "column \"" + name + "\": named twice");
    }
    if (!IsPodRuleColumn(name)) {
      layout.resources.push_back(name);
      layout.min_width = c + 1;
    }
  }
  if (layout.resources.empty()) {
    return Located(path, h.line, "expected at least one resource column, found none");
  }
  return layout;
}

Status ParsePods(const std::vector<Row>& rows, const std::string& path, const PodsLayout& layout,
                 PlacementProblem& p) {
  for (size_t k = 1; k < rows.size(); ++k) {
    const Row& row = rows[k];
    CRESCENDO_RETURN_IF_ERROR(CheckWidth(row, layout.min_width, layout.columns.size(), path));
    if (row.fields[0].empty()) {
      return Located(path, row.line, "column \"name\": expected a pod name, found none");
    }
    Pod pod{.name = row.fields[0], .demand = {}};
    for (size_t c = 1; c < row.fields.size(); ++c) {
      const std::string& column = layout.columns[c];
      const std::string& field = row.fields[c];
      if (!IsPodRuleColumn(column)) {
        CRESCENDO_ASSIGN_OR_RETURN(int64_t v, ParseAmount(column, field, path, row.line));
        pod.demand.push_back(v);
      } else if (column == "node_selector") {
        CRESCENDO_ASSIGN_OR_RETURN(pod.node_selector, ParseLabels(column, field, path, row.line));
      } else if (column == "tolerations") {
        pod.tolerations = SplitList(field);
      } else if (column == "tenant") {
        pod.tenant = field;
      } else if (column == "service") {
        pod.service = field;
      } else if (!field.empty()) {  // max_per_node, max_skew
        CRESCENDO_ASSIGN_OR_RETURN(int64_t v, ParseCount(column, field, path, row.line));
        const auto count = static_cast<int32_t>(std::min<int64_t>(v, INT32_MAX));
        (column == "max_skew" ? pod.max_skew : pod.max_per_node) = count;
      }
    }
    p.pods.push_back(std::move(pod));
  }
  return Status::Ok();
}

Status ParseNodes(const std::vector<Row>& rows, const std::string& path, PlacementProblem& p) {
  std::string want = "type";
  for (const std::string& r : p.resources) want += "," + r;
  want = "expected the header `" + want +
         ",price[,max_count][,labels][,taints][,tenant][,zone]` (the resources of the pods file, "
         "in any "
         "order)";
  if (rows.empty()) return Located(path, 1, want + ", found none");
  const Row& h = rows[0];
  std::map<std::string, size_t> column;  // name -> column in this file
  for (size_t c = 0; c < h.fields.size(); ++c) {
    if (!column.emplace(h.fields[c], c).second) {
      return Located(path, h.line, "column \"" + h.fields[c] + "\": named twice");
    }
  }
  if (h.fields[0] != "type" || !column.count("price")) return Located(path, h.line, want);
  for (const std::string& r : p.resources) {
    if (!column.count(r)) {
      return Located(path, h.line,
                     "expected a column \"" + r + "\" as in the pods file, found none");
    }
  }
  size_t min_width = column["price"] + 1;
  for (const auto& [name, c] : column) {
    if (!IsNodeColumn(name) &&
        std::find(p.resources.begin(), p.resources.end(), name) == p.resources.end()) {
      return Located(path, h.line,
                     "column \"" + name + "\": expected a resource of the pods file or one of " +
                         "price, max_count, labels, taints, tenant, zone");
    }
    if (!IsNodeColumn(name)) min_width = std::max(min_width, c + 1);
  }
  auto field = [&](const Row& row, const std::string& name) -> const std::string* {
    auto it = column.find(name);
    if (it == column.end() || it->second >= row.fields.size()) return nullptr;
    return &row.fields[it->second];
  };
  for (size_t k = 1; k < rows.size(); ++k) {
    const Row& row = rows[k];
    CRESCENDO_RETURN_IF_ERROR(CheckWidth(row, min_width, h.fields.size(), path));
    if (row.fields[0].empty()) {
      return Located(path, row.line, "column \"type\": expected a node type name, found none");
    }
    NodeType t{.name = row.fields[0], .capacity = {}, .price_per_hour = 0, .max_count = {}};
    for (const std::string& r : p.resources) {
      CRESCENDO_ASSIGN_OR_RETURN(int64_t v, ParseAmount(r, *field(row, r), path, row.line));
      t.capacity.push_back(v);
    }
    const std::string& price = *field(row, "price");
    char* end = nullptr;
    t.price_per_hour = std::strtod(price.c_str(), &end);
    if (price.empty() || *end != '\0' || !(t.price_per_hour > 0) ||
        !std::isfinite(t.price_per_hour)) {
      return Located(path, row.line,
                     "column \"price\": expected a price per hour > 0, found \"" + price + "\"");
    }
    if (const std::string* m = field(row, "max_count"); m != nullptr && !m->empty()) {
      CRESCENDO_ASSIGN_OR_RETURN(t.max_count, ParseCount("max_count", *m, path, row.line));
    }
    if (const std::string* l = field(row, "labels"); l != nullptr) {
      CRESCENDO_ASSIGN_OR_RETURN(t.labels, ParseLabels("labels", *l, path, row.line));
    }
    if (const std::string* taints = field(row, "taints"); taints != nullptr) {
      t.taints = SplitList(*taints);
    }
    if (const std::string* tenant = field(row, "tenant"); tenant != nullptr) t.tenant = *tenant;
    if (const std::string* zone = field(row, "zone"); zone != nullptr) t.zone = *zone;
    p.node_types.push_back(std::move(t));
  }
  if (p.node_types.empty()) return Located(path, h.line, "expected at least one node type");
  return Status::Ok();
}

}  // namespace

StatusOr<PlacementProblem> ParsePlacementCsv(std::string_view pods_text,
                                             const std::string& pods_path,
                                             std::string_view nodes_text,
                                             const std::string& nodes_path) {
  PlacementProblem p;
  CRESCENDO_ASSIGN_OR_RETURN(const std::vector<Row> pods, Rows(pods_text, pods_path));
  CRESCENDO_ASSIGN_OR_RETURN(PodsLayout layout, PodsHeader(pods, pods_path));
  p.resources = layout.resources;
  CRESCENDO_RETURN_IF_ERROR(ParsePods(pods, pods_path, layout, p));
  CRESCENDO_ASSIGN_OR_RETURN(const std::vector<Row> nodes, Rows(nodes_text, nodes_path));
  CRESCENDO_RETURN_IF_ERROR(ParseNodes(nodes, nodes_path, p));
  CRESCENDO_RETURN_IF_ERROR(ValidateProblem(p).WithContext(pods_path + ", " + nodes_path));
  return p;
}

StatusOr<NamedPlacement> ParsePlacementFileCsv(std::string_view text, const std::string& path,
                                               const PlacementProblem& problem) {
  CRESCENDO_ASSIGN_OR_RETURN(const std::vector<Row> rows, Rows(text, path));
  if (rows.empty() || rows[0].fields != std::vector<std::string>{"node", "type", "pods"}) {
    return Located(path, rows.empty() ? 1 : rows[0].line,
                   "expected the header `node,type,pods`, found " +
                       (rows.empty() ? std::string("none") : "\"" + rows[0].fields[0] + ",...\""));
  }
  std::map<std::string, int> types, pods, nodes;
  // A type offered in several zones is named "<type>@<zone>"; its bare name is ambiguous (-1).
  for (size_t t = 0; t < problem.node_types.size(); ++t) {
    const NodeType& type = problem.node_types[t];
    auto [it, fresh] = types.emplace(type.name, static_cast<int>(t));
    if (!fresh) it->second = -1;
    if (!ZoneOf(type).empty()) types[type.name + "@" + ZoneOf(type)] = static_cast<int>(t);
  }
  for (size_t i = 0; i < problem.pods.size(); ++i) {
    pods[problem.pods[i].name] = static_cast<int>(i);
  }
  NamedPlacement out;
  std::vector<int> where(problem.pods.size(), -1);
  for (size_t k = 1; k < rows.size(); ++k) {
    const Row& row = rows[k];
    CRESCENDO_RETURN_IF_ERROR(CheckWidth(row, 3, 3, path));
    const std::string& name = row.fields[0];
    if (name.empty())
      return Located(path, row.line, "column \"node\": expected a name, found none");
    if (!nodes.emplace(name, static_cast<int>(k)).second) {
      return Located(path, row.line, "column \"node\": \"" + name + "\" named twice");
    }
    auto type = types.find(row.fields[1]);
    if (type == types.end()) {
      return Located(path, row.line,
                     "column \"type\": expected a node type of the nodes file, found \"" +
                         row.fields[1] + "\"");
    }
    if (type->second < 0) {
      return Located(path, row.line,
                     "column \"type\": expected one node type, found \"" + row.fields[1] +
                         "\", which the nodes file offers in several zones (name it " +
                         row.fields[1] + "@<zone>)");
    }
    PlacedNode node{.type = type->second, .pods = {}};
    for (const std::string& pod : SplitList(row.fields[2])) {
      auto it = pods.find(pod);
      if (it == pods.end()) {
        return Located(path, row.line,
                       "column \"pods\": expected pods of the pods file, found \"" + pod + "\"");
      }
      if (where[it->second] >= 0) {
        return Located(path, row.line,
                       "column \"pods\": pod \"" + pod + "\" already on line " +
                           std::to_string(where[it->second]));
      }
      where[it->second] = row.line;
      node.pods.push_back(it->second);
    }
    out.placement.nodes.push_back(std::move(node));
    out.node_names.push_back(name);
  }
  for (size_t i = 0; i < where.size(); ++i) {
    if (where[i] < 0) {
      return InvalidArgumentError(path + ": pod \"" + problem.pods[i].name + "\" is on no node");
    }
  }
  out.placement.cost = PlacementCost(problem, out.placement.nodes);
  const Status s = CheckPlacement(problem, out.placement);
  if (!s.ok()) return InvalidArgumentError(path + ": " + s.message());
  return out;
}

}  // namespace crescendo::optimize
