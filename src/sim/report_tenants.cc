#include "report_tenants.h"

#include <fmt/format.h>

#include <cmath>

#include "crescendo/sim/report.h"
#include "crescendo/tenancy/arbitration.h"
#include "report_frontier.h"
#include "svg_chart.h"

namespace crescendo::sim {
namespace {

using nlohmann::ordered_json;

// Returns `integral` per second of `seconds` (the time mean), 0 over no time.
double Mean(double integral, double seconds) { return seconds > 0 ? integral / seconds : 0; }

const std::vector<std::string>& Header() {
  static const auto* const kHeader = new std::vector<std::string>{"tenant",
                                                                  "tier",
                                                                  "pool",
                                                                  "weight",
                                                                  "asked",
                                                                  "peak",
                                                                  "given",
                                                                  "peak",
                                                                  "cpu asked",
                                                                  "cpu given",
                                                                  "share",
                                                                  "share max",
                                                                  "entitled",
                                                                  "cut ticks",
                                                                  "below guar",
                                                                  "SLA viol s",
                                                                  "quota refused pod-s"};
  return *kHeader;
}

std::vector<std::string> Row(const TenantOutcome& t, double seconds) {
  return {t.name,
          t.tier,
          t.pool.empty() ? "shared" : t.pool,
          fmt::format("{:g}", t.weight),
          fmt::format("{:.1f}", Mean(t.demand_replica_seconds, seconds)),
          std::to_string(t.peak_demand_replicas),
          fmt::format("{:.1f}", Mean(t.allocated_replica_seconds, seconds)),
          std::to_string(t.peak_allocated_replicas),
          fmt::format("{:.1f}", Mean(t.demand_cpu_seconds, seconds)),
          fmt::format("{:.1f}", Mean(t.allocated_cpu_seconds, seconds)),
          fmt::format("{:.3f}", t.mean_dominant_share),
          fmt::format("{:.3f}", t.max_dominant_share),
          fmt::format("{:.3f}", t.mean_entitlement_share),
          std::to_string(t.cut_ticks),
          std::to_string(t.below_guarantee_ticks),
          fmt::format("{:.0f}", t.sla_violation_seconds),
          fmt::format("{:.0f}", t.quota_refused_pod_seconds)};
}

std::string Summary(const StrategyResult& s) {
  const TenancyOutcome& t = *s.tenancy;
  return fmt::format(
      "tenants / {} (isolation {}): Jain's index min {:.3f} mean {:.3f}; {} ticks arbitrated, "
      "{} over capacity",
      s.name, t.isolation, t.jain_min, t.jain_mean, t.arbitrated_ticks, t.over_capacity_ticks);
}

ordered_json TenantJson(const TenantOutcome& t, double seconds) {
  return {{"name", t.name},
          {"tier", t.tier},
          {"pool", t.pool.empty() ? ordered_json(nullptr) : ordered_json(t.pool)},
          {"weight", t.weight},
          {"guarantee",
           {{"cpu", tenancy::CpuText(t.guarantee.cpu_millis)},
            {"memory", tenancy::MemoryText(t.guarantee.memory_bytes)}}},
          {"demand",
           {{"mean_replicas", Mean(t.demand_replica_seconds, seconds)},
            {"peak_replicas", t.peak_demand_replicas},
            {"mean_cpu", Mean(t.demand_cpu_seconds, seconds)},
            {"replica_seconds", t.demand_replica_seconds}}},
          {"allocation",
           {{"mean_replicas", Mean(t.allocated_replica_seconds, seconds)},
            {"peak_replicas", t.peak_allocated_replicas},
            {"mean_cpu", Mean(t.allocated_cpu_seconds, seconds)},
            {"replica_seconds", t.allocated_replica_seconds}}},
          {"dominant_share", {{"mean", t.mean_dominant_share}, {"max", t.max_dominant_share}}},
          {"entitlement_share", t.mean_entitlement_share},
          {"cut_ticks", t.cut_ticks},
          {"below_guarantee_ticks", t.below_guarantee_ticks},
          {"sla_violation_seconds", t.sla_violation_seconds},
          {"quota_refused_pod_seconds", t.quota_refused_pod_seconds}};
}

}  // namespace

std::string TenantTable(const SimulationResult& result) {
  std::string out;
  for (const StrategyResult& s : result.strategies) {
    if (!s.tenancy) continue;
    std::vector<std::vector<std::string>> rows = {Header()};
    for (const TenantOutcome& t : s.tenancy->tenants)
      rows.push_back(Row(t, s.tenancy->arbitrated_seconds));
    out += (out.empty() ? "" : "\n") + Summary(s) + "\n" + AlignRows(rows);
  }
  return out;
}

ordered_json TenancyJson(const StrategyResult& s, const std::vector<double>& plot_seconds) {
  const TenancyOutcome& t = *s.tenancy;
  ordered_json series = ordered_json::array();
  for (size_t i = 0; i < plot_seconds.size() && i < s.plots.jain_index.size(); ++i) {
    const double v = s.plots.jain_index[i];
    series.push_back({{"seconds", plot_seconds[i]},
                      {"jain_index", std::isnan(v) ? ordered_json(nullptr) : ordered_json(v)}});
  }
  ordered_json tenants = ordered_json::array();
  for (const TenantOutcome& tenant : t.tenants)
    tenants.push_back(TenantJson(tenant, t.arbitrated_seconds));
  return {{"isolation", t.isolation},
          {"arbitrated_ticks", t.arbitrated_ticks},
          {"over_capacity_ticks", t.over_capacity_ticks},
          {"jain_index", {{"min", t.jain_min}, {"mean", t.jain_mean}, {"series", series}}},
          {"tenants", tenants}};
}

std::string TenancyHtml(const SimulationResult& result) {
  std::string html;
  for (const StrategyResult& s : result.strategies) {
    if (!s.tenancy) continue;
    html += "<p>" + HtmlEscape(Summary(s)) + "</p><table><thead><tr>";
    for (const std::string& h : Header()) html += "<th>" + HtmlEscape(h) + "</th>";
    html += "</tr></thead><tbody>";
    for (const TenantOutcome& t : s.tenancy->tenants) {
      const std::vector<std::string> row = Row(t, s.tenancy->arbitrated_seconds);
      html += "<tr>";
      for (size_t i = 0; i < row.size(); ++i)
        html += (i == 0 ? "<th>" : "<td>") + HtmlEscape(row[i]) + (i == 0 ? "</th>" : "</td>");
      html += "</tr>";
    }
    html += "</tbody></table>";
  }
  return html.empty() ? "" : "<h2>Tenants</h2>" + html;
}

}  // namespace crescendo::sim
