#include "crescendo/optimize/csv.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <vector>

#include "crescendo/base/quantity.h"

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

// Splits `text` into rows of trimmed fields, skipping blank and '#' lines.
std::vector<Row> Rows(std::string_view text) {
  std::vector<Row> rows;
  int line = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view l = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line;
    l = Trim(l);
    if (l.empty() || l.front() == '#') continue;
    Row row{.line = line, .fields = {}};
    while (true) {
      const size_t comma = l.find(',');
      row.fields.emplace_back(Trim(l.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      l = l.substr(comma + 1);
    }
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
    return Located(path, row.line,
                   "expected " + std::to_string(want) +
                       (want_max > want ? " or " + std::to_string(want_max) : std::string()) +
                       " columns as in the header, found " + std::to_string(row.fields.size()));
  }
  return Status::Ok();
}

StatusOr<std::vector<std::string>> PodsHeader(const std::vector<Row>& rows,
                                              const std::string& path) {
  if (rows.empty()) return Located(path, 1, "expected a header `name,<resource>,...`, found none");
  const Row& h = rows[0];
  if (h.fields[0] != "name" || h.fields.size() < 2) {
    return Located(path, h.line,
                   "expected the header `name,<resource>,...`, found \"" + h.fields[0] +
                       (h.fields.size() > 1 ? ",..." : "") + "\"");
  }
  std::vector<std::string> resources(h.fields.begin() + 1, h.fields.end());
  for (size_t r = 0; r < resources.size(); ++r) {
    if (resources[r].empty()) {
      return Located(path, h.line,
                     "column " + std::to_string(r + 2) + ": expected a resource name, found none");
    }
    for (size_t s = 0; s < r; ++s) {
      if (resources[s] == resources[r]) {
        return Located(path, h.line, "column \"" + resources[r] + "\": named twice");
      }
    }
  }
  return resources;
}

Status ParsePods(const std::vector<Row>& rows, const std::string& path, PlacementProblem& p) {
  const size_t width = p.resources.size() + 1;
  for (size_t k = 1; k < rows.size(); ++k) {
    const Row& row = rows[k];
    CRESCENDO_RETURN_IF_ERROR(CheckWidth(row, width, width, path));
    if (row.fields[0].empty()) {
      return Located(path, row.line, "column \"name\": expected a pod name, found none");
    }
    Pod pod{.name = row.fields[0], .demand = {}};
    for (size_t r = 0; r < p.resources.size(); ++r) {
      CRESCENDO_ASSIGN_OR_RETURN(int64_t v,
                                 ParseAmount(p.resources[r], row.fields[r + 1], path, row.line));
      pod.demand.push_back(v);
    }
    p.pods.push_back(std::move(pod));
  }
  return Status::Ok();
}

Status ParseNodes(const std::vector<Row>& rows, const std::string& path, PlacementProblem& p) {
  if (rows.empty()) {
    return Located(path, 1,
                   "expected a header `type,<resource>,...,price[,max_count]`, found none");
  }
  const Row& h = rows[0];
  const size_t dims = p.resources.size();
  const bool has_max = !h.fields.empty() && h.fields.back() == "max_count";
  const size_t width = dims + 2 + (has_max ? 1 : 0);
  if (h.fields.size() != width || h.fields[0] != "type" || h.fields[dims + 1] != "price") {
    std::string want = "type";
    for (const std::string& r : p.resources) want += "," + r;
    return Located(path, h.line,
                   "expected the header `" + want +
                       ",price[,max_count]` (the resources of the pods file, in any order)");
  }
  std::map<std::string, size_t> column;  // resource -> column in this file
  for (size_t c = 1; c <= dims; ++c) column[h.fields[c]] = c;
  for (const std::string& r : p.resources) {
    if (!column.count(r)) {
      return Located(path, h.line,
                     "expected a column \"" + r + "\" as in the pods file, found none");
    }
  }
  for (size_t k = 1; k < rows.size(); ++k) {
    const Row& row = rows[k];
    CRESCENDO_RETURN_IF_ERROR(CheckWidth(row, has_max ? width - 1 : width, width, path));
    if (row.fields[0].empty()) {
      return Located(path, row.line, "column \"type\": expected a node type name, found none");
    }
    NodeType t{.name = row.fields[0], .capacity = {}, .price_per_hour = 0, .max_count = {}};
    for (const std::string& r : p.resources) {
      CRESCENDO_ASSIGN_OR_RETURN(int64_t v, ParseAmount(r, row.fields[column[r]], path, row.line));
      t.capacity.push_back(v);
    }
    const std::string& price = row.fields[dims + 1];
    char* end = nullptr;
    t.price_per_hour = std::strtod(price.c_str(), &end);
    if (price.empty() || *end != '\0' || !(t.price_per_hour > 0) ||
        !std::isfinite(t.price_per_hour)) {
      return Located(path, row.line,
                     "column \"price\": expected a price per hour > 0, found \"" + price + "\"");
    }
    if (has_max && row.fields.size() == width && !row.fields[width - 1].empty()) {
      const std::string& m = row.fields[width - 1];
      int64_t count = -1;
      auto [ptr, ec] = std::from_chars(m.data(), m.data() + m.size(), count);
      if (ec != std::errc() || ptr != m.data() + m.size() || count < 0) {
        return Located(
            path, row.line,
            "column \"max_count\": expected an integer >= 0 or nothing, found \"" + m + "\"");
      }
      t.max_count = count;
    }
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
  const std::vector<Row> pods = Rows(pods_text);
  CRESCENDO_ASSIGN_OR_RETURN(p.resources, PodsHeader(pods, pods_path));
  CRESCENDO_RETURN_IF_ERROR(ParsePods(pods, pods_path, p));
  CRESCENDO_RETURN_IF_ERROR(ParseNodes(Rows(nodes_text), nodes_path, p));
  CRESCENDO_RETURN_IF_ERROR(ValidateProblem(p).WithContext(pods_path + ", " + nodes_path));
  return p;
}

}  // namespace crescendo::optimize
