#include "report_frontier.h"

#include <fmt/format.h>

#include <algorithm>

#include "svg_chart.h"

namespace crescendo::sim {
namespace {

using nlohmann::ordered_json;

std::string Optional(const std::optional<double>& v, const char* format) {
  return v ? fmt::format(fmt::runtime(format), *v) : "-";
}

ordered_json OptionalJson(const std::optional<double>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

std::optional<bool> Below(const FrontierPlacement& p) {
  if (!p.hpa_tau_u) return std::nullopt;
  return p.tau_u < *p.hpa_tau_u;
}

// The strategy's tau_U as a fraction of the HPA's at the same pod-seconds (issue 20's goal: at
// most 0.5); unset outside the sweep or where the HPA is never short there.
std::optional<double> Ratio(const FrontierPlacement& p) {
  if (!p.hpa_tau_u || *p.hpa_tau_u <= 0) return std::nullopt;
  return p.tau_u / *p.hpa_tau_u;
}

// The two tables' rows: header first.
std::vector<std::vector<std::string>> HpaRows(const Frontier& f) {
  std::vector<std::vector<std::string>> rows = {
      {"HPA target", "pod-h", "tau_U%", "SLA viol s", "actions"}};
  for (const FrontierPoint& p : f.hpa) {
    rows.push_back({fmt::format("{}%", p.target_utilization),
                    fmt::format("{:.1f}", p.pod_seconds / 3600), fmt::format("{:.2f}", p.tau_u),
                    fmt::format("{:.0f}", p.sla_violation_seconds),
                    std::to_string(p.scaling_actions)});
  }
  return rows;
}

std::vector<std::vector<std::string>> PlacementRows(const Frontier& f) {
  std::vector<std::vector<std::string>> rows = {{"strategy", "pod-h", "tau_U%", "HPA tau_U% here",
                                                 "x HPA's", "vs frontier", "pod-s over oracle",
                                                 "tau_U over oracle"}};
  for (const FrontierPlacement& p : f.strategies) {
    std::optional<bool> below = Below(p);
    rows.push_back(
        {p.strategy, fmt::format("{:.1f}", p.pod_seconds / 3600), fmt::format("{:.2f}", p.tau_u),
         Optional(p.hpa_tau_u, "{:.2f}"), Optional(Ratio(p), "{:.2f}"),
         !below ? "outside sweep" : (*below ? "below" : "on/above"),
         Optional(p.oracle_extra_pod_seconds ? std::optional(100 * *p.oracle_extra_pod_seconds)
                                             : std::nullopt,
                  "{:+.1f}%"),
         Optional(p.oracle_extra_tau_u, "{:+.2f}")});
  }
  return rows;
}

std::string HtmlRows(const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table><thead><tr>";
  for (const std::string& h : rows[0]) out += "<th>" + HtmlEscape(h) + "</th>";
  out += "</tr></thead><tbody>";
  for (size_t r = 1; r < rows.size(); ++r) {
    out += "<tr>";
    for (size_t i = 0; i < rows[r].size(); ++i) {
      out += (i == 0 ? "<th>" : "<td>") + HtmlEscape(rows[r][i]) + (i == 0 ? "</th>" : "</td>");
    }
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

}  // namespace

std::string AlignRows(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += i == 0 ? fmt::format("{:<{}}", row[i], width[i])
                    : fmt::format("  {:>{}}", row[i], width[i]);
    }
    out += "\n";
  }
  return out;
}

std::optional<double> InterpolateTauU(std::vector<FrontierPoint> hpa, double pod_seconds) {
  std::sort(hpa.begin(), hpa.end(), [](const FrontierPoint& a, const FrontierPoint& b) {
    return a.pod_seconds < b.pod_seconds;
  });
  for (size_t i = 1; i < hpa.size(); ++i) {
    const FrontierPoint& a = hpa[i - 1];
    const FrontierPoint& b = hpa[i];
    if (pod_seconds < a.pod_seconds || pod_seconds > b.pod_seconds) continue;
    if (b.pod_seconds == a.pod_seconds) return std::min(a.tau_u, b.tau_u);
    const double w = (pod_seconds - a.pod_seconds) / (b.pod_seconds - a.pod_seconds);
    return a.tau_u + w * (b.tau_u - a.tau_u);
  }
  return std::nullopt;
}

Frontier PlaceOnFrontier(std::vector<FrontierPoint> hpa, const SimulationResult& result) {
  std::sort(hpa.begin(), hpa.end(), [](const FrontierPoint& a, const FrontierPoint& b) {
    return a.pod_seconds < b.pod_seconds;
  });
  Frontier f{.hpa = hpa, .strategies = {}};
  const StrategyResult* oracle = nullptr;
  for (const StrategyResult& s : result.strategies) {
    if (s.name == "oracle") oracle = &s;
  }
  for (const StrategyResult& s : result.strategies) {
    FrontierPlacement p{.strategy = s.name,
                        .pod_seconds = s.total.pod_seconds,
                        .tau_u = s.total.elasticity.tau_u,
                        .hpa_tau_u = InterpolateTauU(hpa, s.total.pod_seconds),
                        .oracle_extra_pod_seconds = std::nullopt,
                        .oracle_extra_tau_u = std::nullopt};
    if (oracle != nullptr && oracle->total.pod_seconds > 0) {
      p.oracle_extra_pod_seconds = s.total.pod_seconds / oracle->total.pod_seconds - 1;
      p.oracle_extra_tau_u = s.total.elasticity.tau_u - oracle->total.elasticity.tau_u;
    }
    f.strategies.push_back(std::move(p));
  }
  return f;
}

std::string FrontierTable(const Frontier& frontier) {
  return AlignRows(HpaRows(frontier)) + "\n" + AlignRows(PlacementRows(frontier));
}

ordered_json FrontierJson(const Frontier& f) {
  ordered_json hpa = ordered_json::array();
  for (const FrontierPoint& p : f.hpa) {
    hpa.push_back({{"target_utilization", p.target_utilization},
                   {"pod_seconds", p.pod_seconds},
                   {"tau_u", p.tau_u},
                   {"sla_violation_seconds", p.sla_violation_seconds},
                   {"scaling_actions", p.scaling_actions}});
  }
  ordered_json strategies = ordered_json::array();
  for (const FrontierPlacement& p : f.strategies) {
    std::optional<bool> below = Below(p);
    strategies.push_back({{"name", p.strategy},
                          {"pod_seconds", p.pod_seconds},
                          {"tau_u", p.tau_u},
                          {"hpa_tau_u", OptionalJson(p.hpa_tau_u)},
                          {"tau_u_ratio", OptionalJson(Ratio(p))},
                          {"below_frontier", below ? ordered_json(*below) : ordered_json(nullptr)},
                          {"oracle_extra_pod_seconds", OptionalJson(p.oracle_extra_pod_seconds)},
                          {"oracle_extra_tau_u", OptionalJson(p.oracle_extra_tau_u)}});
  }
  return {{"hpa", hpa}, {"strategies", strategies}};
}

std::string FrontierHtml(const Frontier& f) {
  return "<h2>Against the HPA's frontier</h2><p class=\"notes\">The kubernetes strategy at each "
         "target utilization gives the HPA's own trade-off of pod-hours against "
         "under-provisioning (τ<sub>U</sub>). Each strategy is placed against the HPA's "
         "τ<sub>U</sub> interpolated at its pod-hours: below the frontier it gains something a "
         "target utilization alone would not; the oracle, when it ran, is the limit.</p>" +
         HtmlRows(HpaRows(f)) + HtmlRows(PlacementRows(f));
}

}  // namespace crescendo::sim
