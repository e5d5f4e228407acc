#include "sim/queueing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace crescendo::sim {
namespace {

// Erlang C from its closed form, summing a^k / k! directly (fine for small c).
double ErlangCClosedForm(int c, double a) {
  double sum = 0, term = 1;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  double top = term * c / (c - a);  // a^c / c! * c / (c - a)
  return top / (sum + top);
}

TEST(QueueingTest, ErlangCMatchesTheClosedForm) {
  struct Case {
    int servers;
    double load;
    double want;  // hand-computed where given, else the closed form
  };
  const Case cases[] = {
      {1, 0.5, 0.5},      // M/M/1: P(wait) = rho
      {2, 1.0, 1.0 / 3},  // 2 rho^2 / (1 + rho) with rho = 0.5
      {3, 2.0, 4.0 / 9},  // (8/6 * 3) / (1 + 2 + 2 + 4) = 4 / 9
      {8, 7.5, -1},      {16, 10.0, -1}, {50, 45.0, -1},
  };
  for (const Case& c : cases) {
    double want = c.want >= 0 ? c.want : ErlangCClosedForm(c.servers, c.load);
    EXPECT_NEAR(ErlangC(c.servers, c.load), want, 1e-12) << c.servers << " " << c.load;
  }
  EXPECT_EQ(ErlangC(4, 0), 0);
  EXPECT_EQ(ErlangC(4, 4), 1);
}

TEST(QueueingTest, ResponseTimeMatchesMm1AndMmc) {
  // M/M/1: W = 1 / (mu - lambda). mu = 20/s, lambda = 15/s: 200 ms.
  EXPECT_NEAR(*MmcResponseTimeMs(1, 15, 20), 200, 1e-9);
  // M/M/2, mu = 10/s, lambda = 10/s: C = 1/3, Wq = C / (20 - 10) = 1/30 s, W = 100 + 33.33 ms.
  EXPECT_NEAR(*MmcResponseTimeMs(2, 10, 10), 100 + 100.0 / 3, 1e-9);
  // No load: just the service time.
  EXPECT_NEAR(*MmcResponseTimeMs(8, 0, 20), 50, 1e-12);
  EXPECT_FALSE(MmcResponseTimeMs(2, 20, 10).has_value());
  EXPECT_FALSE(MmcResponseTimeMs(0, 1, 10).has_value());
}

TEST(QueueingTest, CurveInterpolates) {
  const std::vector<LatencyPoint> curve = {{0.5, 40}, {1.0, 100}, {1.5, 1000}};
  struct Case {
    double utilization;
    double want;
  };
  const Case cases[] = {{0, 40}, {0.5, 40}, {0.75, 70}, {1.0, 100}, {1.25, 550}, {3, 1000}};
  for (const Case& c : cases) EXPECT_DOUBLE_EQ(CurveLatencyMs(curve, c.utilization), c.want);
}

}  // namespace
}  // namespace crescendo::sim
