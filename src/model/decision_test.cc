#include "crescendo/model/decision.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace crescendo {
namespace {

struct RecordStep {
  std::string step;
  int32_t replicas;
  std::string reason;
};

struct ProposalCase {
  int32_t start;
  std::vector<RecordStep> steps;
  int32_t want_desired;
  std::vector<std::pair<double, double>> want_before_after;
};

TEST(ProposalTest, RecordChainsEachStepFromThePreviousValue) {
  const std::vector<ProposalCase> cases = {
      {3, {}, 3, {}},
      {3, {{"recommend", 6, "cpu 180% of target 70%"}}, 6, {{3, 6}}},
      {3,
       {{"recommend", 6, "cpu 180% of target 70%"}, {"bounds", 5, "max 5"}},
       5,
       {{3, 6}, {6, 5}}},
      {4,
       {{"recommend", 1, "cpu 10%"},
        {"ScaleDownStabilized", 4, "highest in 5m window"},
        {"bounds", 4, "within 1..10"}},
       4,
       {{4, 1}, {1, 4}, {4, 4}}},
  };
  for (size_t n = 0; n < cases.size(); ++n) {
    const ProposalCase& c = cases[n];
    Proposal proposal;
    proposal.current_replicas = c.start;
    proposal.desired_replicas = c.start;
    for (const RecordStep& s : c.steps) proposal.Record(s.step, s.replicas, s.reason);
    EXPECT_EQ(proposal.desired_replicas, c.want_desired) << "case " << n;
    EXPECT_EQ(proposal.current_replicas, c.start) << "case " << n;
    ASSERT_EQ(proposal.trace.size(), c.steps.size()) << "case " << n;
    for (size_t i = 0; i < c.steps.size(); ++i) {
      EXPECT_EQ(proposal.trace[i].step, c.steps[i].step);
      EXPECT_EQ(proposal.trace[i].reason, c.steps[i].reason);
      EXPECT_EQ(proposal.trace[i].before, c.want_before_after[i].first) << "case " << n;
      EXPECT_EQ(proposal.trace[i].after, c.want_before_after[i].second) << "case " << n;
    }
  }
}

struct ExplainCase {
  Decision decision;
  std::string want;
};

Decision MakeDecision(int32_t current, int32_t desired, Status status,
                      std::vector<TraceEntry> trace) {
  Decision d;
  d.workload = {"prod", "acme", "web", "api"};
  d.current_replicas = current;
  d.desired_replicas = desired;
  d.status = std::move(status);
  d.trace = std::move(trace);
  return d;
}

TEST(DecisionTest, ExplainListsEveryStepInOrder) {
  const std::vector<ExplainCase> cases = {
      {MakeDecision(3, 3, Status::Ok(), {}), "3 -> 3"},
      {MakeDecision(3, 5, Status::Ok(),
                    {{"recommend", 3, 6, "cpu 180% of target 70%"}, {"bounds", 6, 5, "max 5"}}),
       "3 -> 5: recommend(3->6: cpu 180% of target 70%), bounds(6->5: max 5)"},
      {MakeDecision(2, 2, UnavailableError("prometheus down"), {{"metrics", 2, 2, "no samples"}}),
       "2 -> 2 [UNAVAILABLE: prometheus down]: metrics(2->2: no samples)"},
      {MakeDecision(10, 7, Status::Ok(), {{"forecast", 10, 6.5, "p90 of next 10m"}}),
       "10 -> 7: forecast(10->6.5: p90 of next 10m)"},
  };
  for (const ExplainCase& c : cases) EXPECT_EQ(c.decision.Explain(), c.want);
}

}  // namespace
}  // namespace crescendo
