#include "crescendo/sim/report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "report_frontier.h"
#include "report_tenants.h"
#include "svg_chart.h"

namespace crescendo::sim {
namespace {

using nlohmann::ordered_json;

struct Column {
  const char* header;
  const char* html_header;
  std::string (*cell)(const Outcome&);
};

const Column kColumns[] = {
    {"theta_U%", "θ<sub>U</sub> %",
     [](const Outcome& o) { return fmt::format("{:.2f}", o.elasticity.theta_u); }},
    {"theta_O%", "θ<sub>O</sub> %",
     [](const Outcome& o) { return fmt::format("{:.2f}", o.elasticity.theta_o); }},
    {"tau_U%", "τ<sub>U</sub> %",
     [](const Outcome& o) { return fmt::format("{:.2f}", o.elasticity.tau_u); }},
    {"tau_O%", "τ<sub>O</sub> %",
     [](const Outcome& o) { return fmt::format("{:.2f}", o.elasticity.tau_o); }},
    {"instab%", "instability %",
     [](const Outcome& o) { return fmt::format("{:.2f}", o.elasticity.instability); }},
    {"jitter/min", "jitter /min",
     [](const Outcome& o) { return fmt::format("{:.4f}", o.elasticity.jitter); }},
    {"SLA viol s", "SLA violation s",
     [](const Outcome& o) { return fmt::format("{:.0f}", o.sla.violation_seconds); }},
    {"p95 ms", "p95 latency ms",
     [](const Outcome& o) { return fmt::format("{:.1f}", o.sla.p95_latency_ms); }},
    {"dropped", "dropped requests",
     [](const Outcome& o) { return fmt::format("{:.0f}", o.sla.dropped_requests); }},
    {"pod-h", "pod-hours",
     [](const Outcome& o) { return fmt::format("{:.1f}", o.pod_seconds / 3600); }},
    {"cost", "cost", [](const Outcome& o) { return fmt::format("{:.2f}", o.cost); }},
    {"actions", "scaling actions",
     [](const Outcome& o) { return std::to_string(o.scaling_actions); }},
    {"OOM", "OOM kills", [](const Outcome& o) { return std::to_string(o.oom_kills); }},
};

std::vector<std::string> Header(const char* first) {
  std::vector<std::string> h = {first};
  for (const Column& c : kColumns) h.push_back(c.header);
  return h;
}

std::vector<std::string> Row(std::string first, const Outcome& o) {
  std::vector<std::string> row = {std::move(first)};
  for (const Column& c : kColumns) row.push_back(c.cell(o));
  return row;
}

ordered_json TraceJson(const TraceSummary& t) {
  return {{"path", t.path},
          {"time_column", t.time_column},
          {"value_column", t.value_column},
          {"rows", t.rows},
          {"duplicates", t.duplicates},
          {"missing_values", t.missing_values},
          {"gaps", t.gaps},
          {"gap_seconds", t.gap_seconds},
          {"first", FormatRfc3339(t.first)},
          {"last", FormatRfc3339(t.last)},
          {"step_seconds", ToSeconds(t.step)},
          {"peak_value", t.peak_value},
          {"mean_value", t.mean_value}};
}

ordered_json LoadJson(const SimulationResult& r, const LoadDescription& load) {
  ordered_json j = {{"kind", load.kind}, {"name", load.name}, {"path", load.path}};
  if (load.kind == "trace" && !load.traces.empty()) {
    j.update(TraceJson(load.traces[0]));
    j["path"] = load.path;
    j["rps_per_value"] = load.rps_per_value;
    j["compression"] = load.compression;
  } else {
    ordered_json traces = ordered_json::array();
    for (const TraceSummary& t : load.traces) traces.push_back(TraceJson(t));
    j["traces"] = traces;
  }
  ordered_json services = ordered_json::array();
  for (const WorkloadId& id : load.services) services.push_back(id.ToString());
  j["services"] = services;
  j["seed"] = load.seed;
  j["start"] = FormatRfc3339(r.start);
  j["end"] = FormatRfc3339(r.end);
  j["interval_seconds"] = ToSeconds(r.interval);
  j["ticks"] = r.ticks;
  j["evaluated_service_ticks"] = r.evaluated_service_ticks;
  j["gap_service_ticks"] = r.gap_service_ticks;
  return j;
}

// The figures of one outcome, after `head` (the strategy's name, or a service's id and range).
ordered_json OutcomeJson(ordered_json head, const Outcome& o) {
  ordered_json body = {{"elasticity",
                        {{"theta_u", o.elasticity.theta_u},
                         {"theta_o", o.elasticity.theta_o},
                         {"tau_u", o.elasticity.tau_u},
                         {"tau_o", o.elasticity.tau_o},
                         {"instability", o.elasticity.instability},
                         {"jitter", o.elasticity.jitter}}},
                       {"sla",
                        {{"violation_seconds", o.sla.violation_seconds},
                         {"p95_latency_ms", o.sla.p95_latency_ms},
                         {"dropped_requests", o.sla.dropped_requests}}},
                       {"pod_seconds", o.pod_seconds},
                       {"cost", o.cost},
                       {"scaling_actions", o.scaling_actions},
                       {"oom_kills", o.oom_kills},
                       {"vertical",
                        {{"cpu_slack", o.vertical.cpu_slack},
                         {"memory_slack", o.vertical.memory_slack},
                         {"throttled_seconds", o.vertical.throttled_seconds},
                         {"oom_kills", o.vertical.oom_kills},
                         {"restarts", o.vertical.restarts},
                         {"resizes", o.vertical.resizes}}}};
  for (auto& [key, value] : body.items()) head[key] = value;
  return head;
}

// A strategy's totals, then per service its outcome with the fewest and most pods that existed
// at an evaluated tick (`min_pods`, `max_pods`) and its peak load.
ordered_json StrategyJson(const StrategyResult& s) {
  ordered_json out = OutcomeJson({{"name", s.name}}, s.total);
  ordered_json services = ordered_json::array();
  for (const ServiceOutcome& so : s.services) {
    services.push_back(OutcomeJson({{"id", so.id.ToString()},
                                    {"peak_load_rps", so.peak_load_rps},
                                    {"min_pods", so.min_replicas},
                                    {"max_pods", so.max_replicas}},
                                   so.outcome));
  }
  out["services"] = std::move(services);
  return out;
}

std::string HtmlTable(const std::vector<std::vector<std::string>>& rows, const char* first) {
  std::string out = "<table><thead><tr><th>" + std::string(first) + "</th>";
  for (const Column& c : kColumns) out += std::string("<th>") + c.html_header + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i)
      out += (i == 0 ? "<th>" : "<td>") + HtmlEscape(row[i]) + (i == 0 ? "</th>" : "</td>");
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

std::vector<std::string> StrategyNames(const SimulationResult& r) {
  std::vector<std::string> names;
  for (const StrategyResult& s : r.strategies) names.push_back(s.name);
  return names;
}

std::string Charts(const SimulationResult& r) {
  ChartSpec base;
  base.start = r.start;
  base.x_seconds = r.plot_seconds;
  ChartSpec load = base, supply = base, latency = base, cost = base;
  load.id = "load";
  load.title = "Load";
  load.y_label = "requests/s";
  load.series.push_back({"load", r.load_rps, false, -1});
  supply.id = "supply";
  supply.title = "Supply: ready pods of each strategy against the demand";
  supply.y_label = "pods";
  supply.series.push_back({"demand", r.demand_pods, true, -1});
  latency.id = "latency";
  latency.title = "Mean latency (log scale)";
  latency.y_label = "ms";
  latency.log_y = true;
  cost.id = "cost";
  cost.title = "Cumulative cost";
  cost.y_label = "cost";
  for (size_t k = 0; k < r.strategies.size(); ++k) {
    const StrategyResult& s = r.strategies[k];
    int color = static_cast<int>(k);
    supply.series.push_back({s.name, s.plots.ready_pods, false, color});
    latency.series.push_back({s.name, s.plots.latency_ms, false, color});
    cost.series.push_back({s.name, s.plots.cost, false, color});
  }
  return SvgChart(load) + SvgChart(supply) + SvgChart(latency) + SvgChart(cost);
}

constexpr char kStyle[] = R"(<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#555;margin:0 0 16px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:8px 0;font-size:13px}
th,td{padding:4px 8px;border-bottom:1px solid #ddd;text-align:right}
thead th{background:#f4f4f4;position:sticky;top:0}tbody th{text-align:left;font-weight:600}
figure.plot{margin:12px 0;border:1px solid #e3e3e3;border-radius:6px;background:#fff}
svg{width:100%;height:auto;display:block}
.title{font-weight:600;font-size:14px}.tick{font-size:11px;fill:#555}.axis{font-size:12px;fill:#333}
.grid{stroke:#eee}.axisline,.tickline{stroke:#999}
.series{fill:none;stroke-width:1.6}.legend{cursor:pointer;font-size:12px}.legend.off{opacity:.35}
.notes{color:#555;font-size:13px}
</style>)";

// Clicking a legend entry hides or shows its series.
constexpr char kScript[] = R"(<script>
document.querySelectorAll('figure.plot').forEach(function (figure) {
  figure.querySelectorAll('.legend').forEach(function (entry) {
    entry.addEventListener('click', function () {
      var hidden = entry.classList.toggle('off');
      figure.querySelectorAll('polyline[data-series="' + entry.dataset.series + '"]')
          .forEach(function (line) { line.style.display = hidden ? 'none' : ''; });
    });
  });
});
</script>)";

}  // namespace

std::string ComparisonTable(const SimulationResult& r) {
  std::vector<std::vector<std::string>> rows = {Header("strategy")};
  for (const StrategyResult& s : r.strategies) rows.push_back(Row(s.name, s.total));
  return AlignRows(rows);
}

std::string ServiceTable(const SimulationResult& r) {
  std::vector<std::vector<std::string>> rows = {Header("service / strategy")};
  for (const StrategyResult& s : r.strategies) {
    for (const ServiceOutcome& so : s.services)
      rows.push_back(Row(so.id.ToString() + " / " + s.name, so.outcome));
  }
  return AlignRows(rows);
}

std::string ResultJson(const SimulationResult& r, const LoadDescription& load,
                       const Frontier* frontier) {
  ordered_json strategies = ordered_json::array();
  for (const StrategyResult& s : r.strategies) {
    strategies.push_back(StrategyJson(s));
    if (s.tenancy) strategies.back()["tenancy"] = TenancyJson(s, r.plot_seconds);
  }
  ordered_json doc = {{"trace", LoadJson(r, load)}, {"strategies", strategies}};
  if (frontier != nullptr) doc["frontier"] = FrontierJson(*frontier);
  return doc.dump(2) + "\n";
}

std::string HtmlReport(const SimulationResult& r, const LoadDescription& load,
                       const Frontier* frontier) {
  std::string title = "Crescendo simulation: " + load.name;
  std::vector<std::vector<std::string>> totals, per_service;
  for (const StrategyResult& s : r.strategies) {
    totals.push_back(Row(s.name, s.total));
    for (const ServiceOutcome& so : s.services)
      per_service.push_back(Row(so.id.ToString() + " / " + s.name, so.outcome));
  }
  std::string strategies;
  for (const std::string& n : StrategyNames(r)) strategies += (strategies.empty() ? "" : ", ") + n;
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>" +
      HtmlEscape(title) + "</title>" + kStyle + "</head><body>";
  html += "<h1>" + HtmlEscape(title) + "</h1>";
  html += fmt::format(
      "<p class=\"meta\">{} {} &middot; {} service(s) &middot; {} to {} &middot; "
      "{} ticks of {} s &middot; seed {} &middot; strategies: {}</p>",
      HtmlEscape(load.kind), HtmlEscape(load.path), load.services.size(), FormatRfc3339(r.start),
      FormatRfc3339(r.end), r.ticks, ToSeconds(r.interval), load.seed, HtmlEscape(strategies));
  html += "<h2>Comparison</h2>" + HtmlTable(totals, "strategy");
  if (frontier != nullptr) html += FrontierHtml(*frontier);
  html += TenancyHtml(r);
  html += "<h2>Over time</h2>" + Charts(r);
  if (load.services.size() > 1)
    html += "<h2>Per service</h2>" + HtmlTable(per_service, "service / strategy");
  html +=
      "<h2>Notes</h2><p class=\"notes\">Elasticity metrics of the SPEC Research Group "
      "(Herbst et al., BUNGEE): demand is the pods the load needs at each service's capacity, "
      "supply the Ready pods. θ and τ in percent of the evaluated time; jitter in adaptations "
      "per minute. Gaps in a trace are not evaluated. Each plotted point is the mean of the ticks "
      "it "
      "covers. See docs/simulation.md.</p>";
  return html + kScript + "</body></html>\n";
}

}  // namespace crescendo::sim
