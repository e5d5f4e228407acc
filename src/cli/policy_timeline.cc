#include "cli/policy_timeline.h"

#include <fmt/format.h>

#include <algorithm>

namespace crescendo::cli {

// {"name@file:line": [{"workload", "from", "to", "ticks", "before", "after", "reason"}]}.
nlohmann::ordered_json TimelineJson(const RunSummary& summary) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [policy, runs] : summary.policy_intervals) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const RunSummary::PolicyInterval& r : runs) {
      list.push_back({{"workload", r.workload},
                      {"from", FormatRfc3339(r.from)},
                      {"to", FormatRfc3339(r.to)},
                      {"ticks", r.ticks},
                      {"before", r.before},
                      {"after", r.after},
                      {"reason", r.reason}});
    }
    out[policy] = std::move(list);
  }
  return out;
}

// [{"policy", "workload", "amount", "currency", "period", "max_spent", "samples": [...]}].
nlohmann::ordered_json BudgetsJson(const RunSummary& summary) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const RunSummary::BudgetTimeline& b : summary.budgets) {
    nlohmann::ordered_json samples = nlohmann::ordered_json::array();
    for (const RunSummary::BudgetSample& s : b.samples) {
      samples.push_back({{"time", FormatRfc3339(s.time)}, {"spent", s.spent}, {"event", s.event}});
    }
    out.push_back({{"policy", b.policy},
                   {"workload", b.workload},
                   {"amount", b.amount},
                   {"currency", b.currency},
                   {"period", b.period},
                   {"max_spent", b.max_spent},
                   {"samples", std::move(samples)}});
  }
  return out;
}

// "policy P changed N decisions in R runs of ticks, from T1 to T2" (the timeline's first and
// last tick, when this process ran them).
std::string PolicyLine(const RunSummary& summary, const std::string& policy, int64_t n) {
  std::string line = fmt::format("policy {} changed {} decisions", policy, n);
  auto it = summary.policy_intervals.find(policy);
  if (it == summary.policy_intervals.end() || it->second.empty()) return line + "\n";
  Timestamp first = it->second.front().from, last = it->second.front().to;
  for (const RunSummary::PolicyInterval& r : it->second) {
    first = std::min(first, r.from);
    last = std::max(last, r.to);
  }
  return line + fmt::format(" in {} runs of ticks, from {} to {}\n", it->second.size(),
                            FormatRfc3339(first), FormatRfc3339(last));
}

// "budget B of W: EUR 4000.00/month, at most 3990.12 spent; exhausted at T, ..."
std::string BudgetLine(const RunSummary::BudgetTimeline& b) {
  std::string line = fmt::format("budget {} of {}: {} {:.2f}/{}, at most {:.2f} spent", b.policy,
                                 b.workload, b.currency, b.amount, b.period, b.max_spent);
  for (const RunSummary::BudgetSample& s : b.samples) {
    if (s.event == "exhausted" || s.event == "reset") {
      line += fmt::format("; {} at {} ({:.2f} spent)", s.event, FormatRfc3339(s.time), s.spent);
    }
  }
  return line + "\n";
}

}  // namespace crescendo::cli
