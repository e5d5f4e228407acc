#include "crescendo/model/decision.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
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

// A static step and an owned one with the same text read, compare and explain alike; only the
// static one views the literal instead of copying it, and its copies keep viewing it.
TEST(TraceTextTest, StaticAndOwnedTextsReadAlike) {
  static constexpr char kLiteral[] = "DesiredWithinRange";
  struct Case {
    TraceText text;
    bool views_literal;
  };
  const std::vector<Case> cases = {
      {TraceText::Static(kLiteral), true},
      {TraceText(kLiteral), false},
      {TraceText(std::string(kLiteral)), false},
      {TraceText(std::string_view(kLiteral)), false},
  };
  for (size_t n = 0; n < cases.size(); ++n) {
    const TraceText copy = cases[n].text;
    for (const TraceText& t : {cases[n].text, copy}) {
      EXPECT_EQ(t, "DesiredWithinRange") << "case " << n;
      EXPECT_EQ(t, std::string("DesiredWithinRange")) << "case " << n;
      EXPECT_EQ(t.view(), std::string_view(kLiteral)) << "case " << n;
      EXPECT_EQ(t.data() == kLiteral, cases[n].views_literal) << "case " << n;
      EXPECT_EQ(std::string(t), "DesiredWithinRange") << "case " << n;
      EXPECT_EQ(t.substr(0, t.find("Within")), "Desired") << "case " << n;
      EXPECT_TRUE(t.starts_with("Desired") && t.ends_with("Range")) << "case " << n;
      EXPECT_EQ(fmt::format("[{}]", t), "[DesiredWithinRange]") << "case " << n;
    }
    Decision d = MakeDecision(3, 3, Status::Ok(), {{cases[n].text, 3, 3, "within range"}});
    EXPECT_EQ(d.Explain(), "3 -> 3: DesiredWithinRange(3->3: within range)") << "case " << n;
  }
  EXPECT_TRUE(TraceText().empty());
  EXPECT_NE(TraceText::Static("a"), TraceText("b"));
}

// A decision's id is the engine's, shared: copies point to the same id, which outlives the
// original; a default id is empty; a WorkloadId assigns and compares as before.
TEST(SharedWorkloadIdTest, CopiesShareOneImmutableId) {
  const WorkloadId api{"prod", "acme", "web", "api"};
  const WorkloadId db{"prod", "acme", "web", "db"};
  struct Case {
    SharedWorkloadId id;
    WorkloadId want;
  };
  const std::vector<Case> cases = {
      {SharedWorkloadId(), WorkloadId{}},
      {SharedWorkloadId(api), api},
      {SharedWorkloadId(std::make_shared<const WorkloadId>(db)), db},
      {SharedWorkloadId(std::shared_ptr<const WorkloadId>()), WorkloadId{}},
  };
  for (size_t n = 0; n < cases.size(); ++n) {
    SharedWorkloadId copy;
    {
      const SharedWorkloadId original = cases[n].id;
      copy = original;
      EXPECT_EQ(&copy.get(), &original.get()) << "case " << n;
    }
    EXPECT_EQ(copy, cases[n].want) << "case " << n;
    EXPECT_EQ(*copy, cases[n].want) << "case " << n;
    EXPECT_EQ(copy->name, cases[n].want.name) << "case " << n;
    EXPECT_EQ(copy.ToString(), cases[n].want.ToString()) << "case " << n;
    const WorkloadId& as_id = copy;
    EXPECT_EQ(as_id, cases[n].want) << "case " << n;
  }
  Decision d;
  d.workload = api;
  EXPECT_EQ(d.workload, api);
  EXPECT_FALSE(d.workload == db);
  EXPECT_EQ(d.workload, SharedWorkloadId(api));
}

}  // namespace
}  // namespace crescendo
