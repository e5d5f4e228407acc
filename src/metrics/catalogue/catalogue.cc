#include "crescendo/metrics/catalogue.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "crescendo/metrics/query_template.h"

namespace crescendo::metrics {
namespace {

// Every placeholder some source defines; a query naming another is a typo.
const TemplateVariables& AllPlaceholders() {
  static const TemplateVariables kAll = {
      {"namespace", "x"}, {"workload", "x"},    {"pod", "x"},    {"selector", "x"},
      {"tenant", "x"},    {"environment", "x"}, {"window", "x"}, {"window_seconds", "x"},
      {"start", "x"},     {"end", "x"}};
  return kAll;
}

class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  Status Error(const YAML::Node& node, const std::string& field, const std::string& what) const {
    const YAML::Mark mark = node.Mark();
    std::string where = file_;
    if (mark.line >= 0) {
      where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    }
    return InvalidArgumentError(where + ": " + field + ": " + what);
  }

  StatusOr<std::string> Scalar(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar()) return Error(node, field, "expected a text value");
    return node.Scalar();
  }

  StatusOr<std::string> Required(const YAML::Node& map, const std::string& key,
                                 const std::string& field) const {
    if (!map[key]) return Error(map, field, "missing; expected a text value");
    return Scalar(map[key], field);
  }

  Status CheckKeys(const YAML::Node& map, const std::string& field,
                   const std::set<std::string>& allowed) const {
    if (!map.IsMap()) return Error(map, field, "expected a mapping");
    for (const auto& entry : map) {
      const std::string key = entry.first.Scalar();
      if (!allowed.contains(key)) {
        std::string list;
        for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
        return Error(entry.first, field + "." + key, "unknown field; expected one of " + list);
      }
    }
    return Status::Ok();
  }

  StatusOr<SourceQuery> Query(const YAML::Node& node, const std::string& field) const {
    SourceQuery query;
    if (node.IsScalar()) {
      query.query = node.Scalar();
    } else {
      CRESCENDO_RETURN_IF_ERROR(CheckKeys(node, field, {"query", "scale"}));
      if (!node["query"]) return Error(node, field + ".query", "missing");
      CRESCENDO_ASSIGN_OR_RETURN(query.query, Scalar(node["query"], field + ".query"));
      if (node["scale"]) {
        double scale = 0;
        if (!YAML::convert<double>::decode(node["scale"], scale) || scale == 0 ||
            !std::isfinite(scale)) {
          return Error(node["scale"], field + ".scale",
                       "found \"" + node["scale"].Scalar() + "\"; expected a non-zero number");
        }
        query.scale = scale;
      }
    }
    if (query.query.empty()) return Error(node, field + ".query", "expected a non-empty query");
    if (auto rendered = RenderTemplate(query.query, AllPlaceholders()); !rendered.ok()) {
      return Error(node, field + ".query", rendered.status().message());
    }
    return query;
  }

  StatusOr<MetricDefinition> Metric(const std::string& name, const YAML::Node& node) const {
    const std::string field = "metrics." + name;
    CRESCENDO_RETURN_IF_ERROR(
        CheckKeys(node, field, {"kind", "unit", "window", "description", "queries", "sensitive"}));
    MetricDefinition metric;
    metric.name = name;
    CRESCENDO_ASSIGN_OR_RETURN(std::string kind, Required(node, "kind", field + ".kind"));
    if (kind != "system" && kind != "business") {
      return Error(node["kind"], field + ".kind",
                   "found \"" + kind + "\"; expected system or business");
    }
    metric.kind = kind == "system" ? MetricKind::kSystem : MetricKind::kBusiness;
    metric.sensitive = metric.kind == MetricKind::kBusiness;
    if (node["sensitive"]) {
      CRESCENDO_ASSIGN_OR_RETURN(std::string text, Scalar(node["sensitive"], field + ".sensitive"));
      if (text != "true" && text != "false") {
        return Error(node["sensitive"], field + ".sensitive",
                     "found \"" + text + "\"; expected true or false");
      }
      metric.sensitive = text == "true";
    }
    CRESCENDO_ASSIGN_OR_RETURN(metric.unit, Required(node, "unit", field + ".unit"));
    if (std::find(std::begin(kUnits), std::end(kUnits), metric.unit) == std::end(kUnits)) {
      std::string list;
      for (std::string_view u : kUnits) list += (list.empty() ? "" : ", ") + std::string(u);
      return Error(node["unit"], field + ".unit",
                   "found \"" + metric.unit + "\"; expected one of " + list);
    }
    if (node["description"]) {
      CRESCENDO_ASSIGN_OR_RETURN(metric.description,
                                 Scalar(node["description"], field + ".description"));
    }
    if (node["window"]) {
      CRESCENDO_ASSIGN_OR_RETURN(std::string text, Scalar(node["window"], field + ".window"));
      StatusOr<Duration> window = ParseDuration(text);
      if (!window.ok() || *window <= Duration::zero()) {
        return Error(node["window"], field + ".window",
                     "found \"" + text + "\"; expected a positive duration such as 2m");
      }
      metric.window = *window;
    }
    const YAML::Node queries = node["queries"];
    if (!queries || !queries.IsMap() || queries.size() == 0) {
      return Error(queries ? queries : node, field + ".queries",
                   "expected a mapping of source name to query, with at least one source");
    }
    for (const auto& entry : queries) {
      const std::string source = entry.first.Scalar();
      CRESCENDO_ASSIGN_OR_RETURN(metric.queries[source],
                                 Query(entry.second, field + ".queries." + source));
    }
    return metric;
  }

 private:
  std::string file_;
};

}  // namespace

StatusOr<MetricCatalogue> MetricCatalogue::Parse(std::string_view yaml,
                                                 std::string_view file_name) {
  const Reader reader(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(std::string(file_name) + ":" + std::to_string(e.mark.line + 1) +
                                ":" + std::to_string(e.mark.column + 1) +
                                ": invalid YAML: " + e.msg);
  }
  if (!root.IsMap() || !root["metrics"] || !root["metrics"].IsMap()) {
    return reader.Error(root, "metrics", "expected a top-level mapping \"metrics:\"");
  }
  MetricCatalogue catalogue;
  try {
    for (const auto& entry : root["metrics"]) {
      CRESCENDO_ASSIGN_OR_RETURN(MetricDefinition metric,
                                 reader.Metric(entry.first.Scalar(), entry.second));
      catalogue.metrics_.push_back(std::move(metric));
    }
  } catch (const YAML::Exception& e) {  // e.g. a field that is a sequence where a map is expected
    return InvalidArgumentError(std::string(file_name) + ":" + std::to_string(e.mark.line + 1) +
                                ": " + e.msg);
  }
  return catalogue;
}

StatusOr<MetricCatalogue> MetricCatalogue::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError(path + ": cannot read the metric catalogue");
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

const MetricDefinition* MetricCatalogue::Find(std::string_view name) const {
  for (const MetricDefinition& m : metrics_) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

StatusOr<MetricBinding> MetricCatalogue::Bind(std::string_view metric,
                                              std::string_view source) const {
  const MetricDefinition* definition = Find(metric);
  if (definition == nullptr) {
    return NotFoundError("metric catalogue: no metric named \"" + std::string(metric) + "\"");
  }
  const auto it = definition->queries.find(std::string(source));
  if (it == definition->queries.end()) {
    std::string have;
    for (const auto& [name, query] : definition->queries) have += (have.empty() ? "" : ", ") + name;
    return NotFoundError("metric catalogue: metric " + definition->name + " has no query for " +
                         std::string(source) + "; it has queries for " + have);
  }
  return MetricBinding{definition->name, std::string(source), it->second.query, definition->window,
                       it->second.scale};
}

std::vector<MetricBinding> MetricCatalogue::BindAll(std::span<const std::string> preference) const {
  std::vector<MetricBinding> out;
  for (const MetricDefinition& metric : metrics_) {
    for (const std::string& source : preference) {
      if (auto binding = Bind(metric.name, source); binding.ok()) {
        out.push_back(std::move(binding).value());
        break;
      }
    }
  }
  return out;
}

Status MetricCatalogue::CheckStandard() const {
  std::string missing;
  for (std::string_view name : kStandardMetrics) {
    if (Find(name) == nullptr) missing += (missing.empty() ? "" : ", ") + std::string(name);
  }
  if (missing.empty()) return Status::Ok();
  return NotFoundError("metric catalogue: missing standard metrics: " + missing);
}

}  // namespace crescendo::metrics
