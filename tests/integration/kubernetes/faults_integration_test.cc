// KubernetesCluster against slow and dropped connections of the API server double: an answer
// that stalls past the client's timeout, an answer cut in the middle of its body (to a read and
// to a write), a watch cut in the middle of an event, and a watch that goes silent. The backend
// times out, retries with backoff, rewatches, and never acts on a half-read object.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api_server_double.h"
#include "crescendo/kubernetes/kubernetes.h"

namespace crescendo::kubernetes {
namespace {

using testing::ApiServerDouble;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

template <typename F>
bool Eventually(F done, milliseconds limit = std::chrono::seconds(8)) {
  const auto end = Steady::now() + limit;
  while (Steady::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return done();
}

const WorkloadId kWeb{"prod", "shop", "shop", "web"};

class FaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.AddDeployment("shop", "web", 2, 100, {{"crescendo.io/mode", "kubernetes"}});
    options_.credentials.server = server_.url();
    options_.credentials.origin = "test";
    options_.client.initial_backoff = milliseconds(20);
    options_.client.request_timeout = std::chrono::seconds(1);
    options_.client.watch_timeout = std::chrono::seconds(30);
    options_.client.watch_idle_timeout = std::chrono::seconds(2);
    options_.identity = "test";
  }
  void Connect() {
    StatusOr<std::unique_ptr<KubernetesCluster>> cluster = KubernetesCluster::Connect(options_);
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    cluster_ = std::move(cluster).value();
  }
  // The web Deployment's spec.replicas and pod count in the backend's cache; -1 when absent.
  std::pair<int32_t, int> Web() {
    StatusOr<ClusterSnapshot> s = cluster_->backend().Snapshot();
    if (!s.ok()) return {-1, -1};
    for (const WorkloadState& w : s->workloads) {
      if (w.id == kWeb) return {w.spec_replicas, static_cast<int>(w.pods.size())};
    }
    return {-1, -1};
  }
  std::vector<int32_t> WrittenReplicas() {
    std::vector<int32_t> out;
    for (const auto& w : server_.writes()) out.push_back(w.replicas);
    return out;
  }

  ApiServerDouble server_;
  KubernetesOptions options_;
  std::unique_ptr<KubernetesCluster> cluster_;
};

TEST_F(FaultsTest, TimesOutAStalledAnswerAndRetriesWithBackoff) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  server_.StallNext("GET", "/deployments/web/scale", milliseconds(2500), 1);
  const auto start = Steady::now();
  ASSERT_TRUE(cluster_->backend().SetReplicas(kWeb, 3).ok());
  EXPECT_GE(Steady::now() - start, options_.client.request_timeout);
  EXPECT_LT(Steady::now() - start, milliseconds(2500));  // did not wait for the stalled answer
  EXPECT_GE(cluster_->stats().retries, 1);
  EXPECT_EQ(WrittenReplicas(), std::vector<int32_t>{3});
  // A server that never answers in time: the bounded retries end in an error, nothing written.
  options_.client.max_attempts = 3;
  ASSERT_NO_FATAL_FAILURE(Connect());
  server_.StallNext("GET", "/deployments/web/scale", milliseconds(1500), 3);
  Status s = cluster_->backend().SetReplicas(kWeb, 7);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/deployments/web/scale"), std::string::npos) << s.ToString();
  EXPECT_EQ(WrittenReplicas(), std::vector<int32_t>{3});
  EXPECT_EQ(server_.Replicas("shop", "web"), 3);
}

TEST_F(FaultsTest, NeverActsOnAHalfReadAnswer) {
  // The initial list cut in the middle: Connect retries it and sees the whole Deployment.
  server_.CutNext("GET", "/apis/apps/v1/deployments", 1);
  ASSERT_NO_FATAL_FAILURE(Connect());
  EXPECT_EQ(Web().first, 2);
  // A read of the scale subresource cut twice: retried, and the write uses a whole object.
  server_.CutNext("GET", "/deployments/web/scale", 2);
  ASSERT_TRUE(cluster_->backend().SetReplicas(kWeb, 4).ok());
  EXPECT_GE(cluster_->stats().retries, 2);
  EXPECT_EQ(server_.Replicas("shop", "web"), 4);
  // The answer to a write cut after the server applied it: the retry carries the old
  // resourceVersion, gets 409, reads again and ends at the value asked; no other value written.
  server_.CutNext("PUT", "/deployments/web/scale", 1);
  Status s = cluster_->backend().SetReplicas(kWeb, 5);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(server_.Replicas("shop", "web"), 5);
  for (int32_t r : WrittenReplicas()) EXPECT_TRUE(r == 4 || r == 5) << r;
}

TEST_F(FaultsTest, RewatchesAfterAWatchCutInTheMiddleOfAnEvent) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  ASSERT_TRUE(Eventually([&] { return server_.open_watches() >= 3; }));
  const int64_t restarts = cluster_->stats().watch_restarts;
  server_.CutWatchesMidEvent();
  ASSERT_TRUE(cluster_->backend().SetReplicas(kWeb, 5).ok());
  // Every snapshot on the way shows the old state or the new one, never a half-applied event.
  bool consistent = true;
  ASSERT_TRUE(Eventually([&] {
    const auto [replicas, pods] = Web();
    consistent &= (replicas == 2 || replicas == 5) && pods >= 2 && pods <= 5;
    return replicas == 5 && pods == 5;
  }));
  EXPECT_TRUE(consistent);
  EXPECT_GT(cluster_->stats().watch_restarts, restarts);
}

TEST_F(FaultsTest, GivesUpASilentWatchAndWatchesAgain) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  ASSERT_TRUE(Eventually([&] { return server_.open_watches() >= 3; }));
  const int64_t restarts = cluster_->stats().watch_restarts;
  server_.SilenceWatches(true);
  // Within the idle timeout and a margin, each informer has given its silent watch up.
  EXPECT_TRUE(Eventually([&] { return cluster_->stats().watch_restarts >= restarts + 3; },
                         std::chrono::duration_cast<milliseconds>(
                             options_.client.watch_idle_timeout + std::chrono::seconds(3))));
  ASSERT_TRUE(cluster_->backend().SetReplicas(kWeb, 3).ok());  // writes need no watch
  server_.SilenceWatches(false);
  EXPECT_TRUE(Eventually([&] { return Web() == std::pair<int32_t, int>{3, 3}; }));
}

}  // namespace
}  // namespace crescendo::kubernetes
