// What the configured policies did over a simulated run, tick by tick: when each policy changed a
// decision (runs of consecutive ticks per policy and workload) and how each budget's engine
// account spent. `crescendo run` keeps one for its run, `crescendo simulate --config` one per
// strategy; both print and write them the same way.
//
// Thread safety: none; one per run, fed from the run's thread.
#ifndef CRESCENDO_CLI_POLICY_TIMELINE_H_
#define CRESCENDO_CLI_POLICY_TIMELINE_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/config_scenario.h"
#include "cli/run_command.h"
#include "crescendo/engine/engine.h"

namespace crescendo::cli {

// Records, tick by tick, how many decisions each configured policy changed
// (RunSummary::policy_actions), when (runs of consecutive ticks per policy and workload) and how
// each budget's engine account spent.
class PolicyTimeline {
 public:
  // Starts a budget timeline in `summary.budgets` for each of `budgets`.
  PolicyTimeline(const std::vector<BudgetOfService>& budgets, RunSummary& summary) {
    for (const BudgetOfService& b : budgets) {
      RunSummary::BudgetTimeline t;
      t.policy = b.step;
      t.workload = b.workload.ToString();
      t.amount = b.amount;
      t.currency = b.currency;
      t.period = b.period;
      summary.budgets.push_back(std::move(t));
      accounts_.push_back({b.workload, b.name});
    }
  }

  void Observe(int64_t tick, Timestamp now, const TickReport& report, const Engine& engine,
               RunSummary& summary) {
    if (!accounts_.empty()) ObserveBudgets(now, engine, summary);
    for (const Decision& d : report.decisions) {
      for (const TraceEntry& e : d.trace) {
        if (e.before == e.after || e.step.find('@') == std::string::npos) continue;
        ++summary.policy_actions[e.step];
        ObserveAction(tick, now, d.workload, e, summary);
      }
    }
    last_time_ = now;
  }

  // Closes the budgets' samples with the last tick's spending.
  void Finish(RunSummary& summary) {
    for (size_t b = 0; b < accounts_.size(); ++b) {
      if (accounts_[b].seen) Sample(summary.budgets[b], last_time_, accounts_[b].spent, "end");
    }
  }

 private:
  struct Account {
    WorkloadId workload;
    std::string name;
    bool seen = false;
    int64_t period_start_ns = 0;
    double spent = 0;
    bool exhausted = false;  // the budget changed a decision in this period
  };
  struct Open {
    int64_t last_tick = 0;
    size_t index = 0;  // in summary.policy_intervals[step]
  };

  static void Sample(RunSummary::BudgetTimeline& t, Timestamp time, double spent,
                     std::string event) {
    t.samples.push_back({time, spent, std::move(event)});
  }

  // Reads the engine's accounts and samples each budget's spending.
  void ObserveBudgets(Timestamp now, const Engine& engine, RunSummary& summary) {
    const std::vector<WorkloadConfig>& workloads = engine.workloads();
    const bool new_day =
        accounts_[0].seen && (now.time_since_epoch() / std::chrono::hours(24) !=
                              last_time_.time_since_epoch() / std::chrono::hours(24));
    for (size_t b = 0; b < accounts_.size(); ++b) {
      Account& a = accounts_[b];
      RunSummary::BudgetTimeline& t = summary.budgets[b];
      double spent = 0;
      int64_t period_start_ns = a.period_start_ns;
      for (size_t w = 0; w < workloads.size(); ++w) {
        if (workloads[w].id != a.workload) continue;
        // An account never charged (all zero) has no period yet.
        if (std::optional<SpendAccount> account = engine.Account(w, a.name);
            account && *account != SpendAccount{}) {
          spent = account->spent;
          period_start_ns = account->period_start.time_since_epoch().count();
        }
        break;
      }
      if (!a.seen) {
        Sample(t, now, spent, "start");
      } else if (period_start_ns != a.period_start_ns) {
        Sample(t, last_time_, a.spent, "period_end");
        Sample(t, now, spent, "reset");
        a.exhausted = false;
      } else if (new_day) {
        Sample(t, now, spent, "day");
      }
      a.seen = true;
      a.spent = spent;
      a.period_start_ns = period_start_ns;
      t.max_spent = std::max(t.max_spent, spent);
    }
  }

  void ObserveAction(int64_t tick, Timestamp now, const WorkloadId& workload, const TraceEntry& e,
                     RunSummary& summary) {
    for (size_t b = 0; b < accounts_.size(); ++b) {
      Account& a = accounts_[b];
      if (!a.exhausted && a.workload == workload && summary.budgets[b].policy == e.step) {
        a.exhausted = true;
        Sample(summary.budgets[b], now, a.spent, "exhausted");
      }
    }
    std::vector<RunSummary::PolicyInterval>& runs = summary.policy_intervals[e.step];
    const std::string id = workload.ToString();
    auto open = open_.find({e.step, id});
    if (open != open_.end() && open->second.last_tick == tick) return;  // one entry a tick
    if (open != open_.end() && open->second.last_tick == tick - 1) {
      RunSummary::PolicyInterval& run = runs[open->second.index];
      run.to = now;
      ++run.ticks;
      open->second.last_tick = tick;
      return;
    }
    if (runs.size() >= kMaxPolicyIntervals) {
      ++summary.policy_intervals_dropped;
      open_.erase({e.step, id});
      return;
    }
    runs.push_back({id, now, now, 1, e.before, e.after, e.reason});
    open_[{e.step, id}] = {tick, runs.size() - 1};
  }

  std::vector<Account> accounts_;                             // parallel to RunSummary::budgets
  std::map<std::pair<std::string, std::string>, Open> open_;  // by (step, workload)
  Timestamp last_time_;
};

// Returns {"name@file:line": [{"workload", "from", "to", "ticks", "before", "after", "reason"}]}.
nlohmann::ordered_json TimelineJson(const RunSummary& summary);

// Returns [{"policy", "workload", "amount", "currency", "period", "max_spent", "samples": [...]}].
nlohmann::ordered_json BudgetsJson(const RunSummary& summary);

// Returns "policy P changed N decisions in R runs of ticks, from T1 to T2\n".
std::string PolicyLine(const RunSummary& summary, const std::string& policy, int64_t n);

// Returns "budget B of W: EUR 4000.00/month, at most 3990.12 spent; exhausted at T, ...\n".
std::string BudgetLine(const RunSummary::BudgetTimeline& b);

}  // namespace crescendo::cli

#endif  // CRESCENDO_CLI_POLICY_TIMELINE_H_
