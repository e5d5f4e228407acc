#include "crescendo/metrics/catalogue.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "crescendo/format/file.h"
#include "crescendo/format/yaml.h"
#include "crescendo/metrics/query_template.h"

namespace crescendo::metrics {
namespace {

using format::YamlNode;

// Every placeholder some source defines; a query naming another is a typo.
const TemplateVariables& AllPlaceholders() {
  static const TemplateVariables kAll = {
      {"namespace", "x"}, {"workload", "x"},    {"pod", "x"},    {"selector", "x"},
      {"tenant", "x"},    {"environment", "x"}, {"window", "x"}, {"window_seconds", "x"},
      {"start", "x"},     {"end", "x"}};
  return kAll;
}

// A catalogue is a page of metric definitions; 4 MiB is far more than any needs.
constexpr size_t kMaxCatalogueBytes = 4 << 20;

class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  // Returns format's one located error: "FILE:LINE:COLUMN: FIELD: found F, expected E".
  static Status Error(const YamlNode& node, const std::string& field, const std::string& expected,
                      std::string found = "") {
    return format::LocatedError(node.location, field, found.empty() ? node.Describe() : found,
                                expected);
  }

  StatusOr<std::string> Scalar(const YamlNode& node, const std::string& field) const {
    if (!node.is_scalar()) return Error(node, field, "a text value");
    return node.scalar;
  }

  StatusOr<std::string> Required(const YamlNode& map, const std::string& key,
                                 const std::string& field) const {
    if (!map[key].present()) return Error(map, field, "a text value", "nothing");
    return Scalar(map[key], field);
  }

  Status CheckKeys(const YamlNode& map, const std::string& field,
                   const std::set<std::string>& allowed) const {
    if (!map.is_map()) return Error(map, field, "a mapping");
    for (const YamlNode& entry : map.children) {
      if (!allowed.contains(entry.key)) {
        std::string list;
        for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
        return format::LocatedError(entry.key_location, field + "." + entry.key, "unknown field",
                                    "one of " + list);
      }
    }
    return Status::Ok();
  }

  StatusOr<SourceQuery> Query(const YamlNode& node, const std::string& field) const {
    SourceQuery query;
    if (node.is_scalar()) {
      query.query = node.scalar;
    } else {
      CRESCENDO_RETURN_IF_ERROR(CheckKeys(node, field, {"query", "scale"}));
      if (!node["query"].present()) return Error(node, field + ".query", "a query", "nothing");
      CRESCENDO_ASSIGN_OR_RETURN(query.query, Scalar(node["query"], field + ".query"));
      if (node["scale"].present()) {
        std::optional<double> scale = format::ScalarAsDouble(node["scale"]);
        if (!scale || *scale == 0 || !std::isfinite(*scale)) {
          return Error(node["scale"], field + ".scale", "a non-zero number");
        }
        query.scale = *scale;
      }
    }
    if (query.query.empty()) return Error(node, field + ".query", "a non-empty query", "\"\"");
    if (auto rendered = RenderTemplate(query.query, AllPlaceholders()); !rendered.ok()) {
      return Error(node, field + ".query", "placeholders that some source defines",
                   std::string(rendered.status().message()));
    }
    return query;
  }

  StatusOr<MetricDefinition> Metric(const std::string& name, const YamlNode& node) const {
    const std::string field = "metrics." + name;
    CRESCENDO_RETURN_IF_ERROR(
        CheckKeys(node, field, {"kind", "unit", "window", "description", "queries", "sensitive"}));
    MetricDefinition metric;
    metric.name = name;
    CRESCENDO_ASSIGN_OR_RETURN(std::string kind, Required(node, "kind", field + ".kind"));
    if (kind != "system" && kind != "business") {
      return Error(node["kind"], field + ".kind", "system or business");
    }
    metric.kind = kind == "system" ? MetricKind::kSystem : MetricKind::kBusiness;
    metric.sensitive = metric.kind == MetricKind::kBusiness;
    if (node["sensitive"].present()) {
      CRESCENDO_ASSIGN_OR_RETURN(std::string text, Scalar(node["sensitive"], field + ".sensitive"));
      if (text != "true" && text != "false") {
        return Error(node["sensitive"], field + ".sensitive", "true or false");
      }
      metric.sensitive = text == "true";
    }
    CRESCENDO_ASSIGN_OR_RETURN(metric.unit, Required(node, "unit", field + ".unit"));
    if (std::find(std::begin(kUnits), std::end(kUnits), metric.unit) == std::end(kUnits)) {
      std::string list;
      for (std::string_view u : kUnits) list += (list.empty() ? "" : ", ") + std::string(u);
      return Error(node["unit"], field + ".unit", "one of " + list);
    }
    if (node["description"].present()) {
      CRESCENDO_ASSIGN_OR_RETURN(metric.description,
                                 Scalar(node["description"], field + ".description"));
    }
    if (node["window"].present()) {
      CRESCENDO_ASSIGN_OR_RETURN(std::string text, Scalar(node["window"], field + ".window"));
      StatusOr<Duration> window = ParseDuration(text);
      if (!window.ok() || *window <= Duration::zero()) {
        return Error(node["window"], field + ".window", "a positive duration such as 2m");
      }
      metric.window = *window;
    }
    const YamlNode& queries = node["queries"];
    if (!queries.is_map() || queries.children.empty()) {
      return Error(queries.present() ? queries : node, field + ".queries",
                   "a mapping of source name to query, with at least one source",
                   queries.present() ? queries.Describe() : "nothing");
    }
    for (const YamlNode& entry : queries.children) {
      CRESCENDO_ASSIGN_OR_RETURN(metric.queries[entry.key],
                                 Query(entry, field + ".queries." + entry.key));
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
  CRESCENDO_ASSIGN_OR_RETURN(YamlNode root,
                             format::ParseYamlDocument(yaml, std::string(file_name)));
  if (!root["metrics"].is_map()) {
    return reader.Error(root["metrics"].present() ? root["metrics"] : root, "metrics",
                        "a top-level mapping \"metrics:\"");
  }
  MetricCatalogue catalogue;
  for (const YamlNode& entry : root["metrics"].children) {
    CRESCENDO_ASSIGN_OR_RETURN(MetricDefinition metric, reader.Metric(entry.key, entry));
    catalogue.metrics_.push_back(std::move(metric));
  }
  return catalogue;
}

StatusOr<MetricCatalogue> MetricCatalogue::LoadFile(const std::string& path) {
  StatusOr<std::string> text = format::ReadFile(path, kMaxCatalogueBytes);
  if (!text.ok()) {
    return Status(text.status().code(),
                  "cannot read the metric catalogue: " + std::string(text.status().message()));
  }
  return Parse(*text, path);
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
