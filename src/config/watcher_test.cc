#include "crescendo/config/watcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "config/test_util.h"

namespace crescendo::config {
namespace {

using ::testing::HasSubstr;
using Kind = ReloadOutcome::Kind;

constexpr const char* kApi =
    "services:\n  api:\n    tenant: acme\n    horizontal:\n"
    "      maxReplicas: 10\n";

class WatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    files_ = std::make_shared<InMemoryConfigFiles>();
    files_->Put("conf/base.yaml", testing::kBaseYaml);
    files_->Put("conf/api.yaml", kApi);
  }

  std::unique_ptr<ConfigWatcher> Create() {
    StatusOr<std::unique_ptr<ConfigWatcher>> watcher =
        ConfigWatcher::Create({"conf"}, LoadOptions{}, files_);
    EXPECT_TRUE(watcher.ok()) << watcher.status().ToString();
    return watcher.ok() ? std::move(*watcher) : nullptr;
  }

  std::shared_ptr<InMemoryConfigFiles> files_;
};

TEST_F(WatcherTest, CreateFailsWithTheReportWhenTheFirstLoadIsInvalid) {
  files_->Put("conf/api.yaml", "services:\n  api:\n    mode: fast\n");
  StatusOr<std::unique_ptr<ConfigWatcher>> watcher =
      ConfigWatcher::Create({"conf"}, LoadOptions{}, files_);
  ASSERT_FALSE(watcher.ok());
  EXPECT_EQ(watcher.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(watcher.status().message(),
              HasSubstr("conf/api.yaml:3:11: error: services.api.mode"));
}

TEST_F(WatcherTest, NothingChangedIsUnchanged) {
  auto watcher = Create();
  ASSERT_NE(watcher, nullptr);
  auto before = watcher->Current();
  EXPECT_EQ(watcher->CheckForChanges().kind, Kind::kUnchanged);
  EXPECT_EQ(watcher->Current(), before);
  ReloadOutcome forced = watcher->Reload();
  EXPECT_EQ(forced.kind, Kind::kUnchanged);
  EXPECT_EQ(forced.Summary(), "configuration unchanged\n");
}

TEST_F(WatcherTest, AppliesAValidChangeAndSaysWhatChanged) {
  auto watcher = Create();
  ASSERT_NE(watcher, nullptr);
  files_->Put("conf/api.yaml",
              "services:\n  api:\n    tenant: acme\n    horizontal:\n"
              "      maxReplicas: 20\n");
  ReloadOutcome outcome = watcher->CheckForChanges();
  ASSERT_EQ(outcome.kind, Kind::kApplied) << outcome.Summary();
  ASSERT_EQ(outcome.changes.services.size(), 2u);  // dev and prod
  const ServiceChange& dev = outcome.changes.services[0];
  EXPECT_EQ(dev.id.ToString(), "dev/acme/acme/api");
  EXPECT_EQ(dev.kind, ServiceChange::Kind::kModified);
  ASSERT_EQ(dev.fields.size(), 1u);
  EXPECT_EQ(dev.fields[0].path, "horizontal.maxReplicas");
  EXPECT_EQ(dev.fields[0].before, "10");
  EXPECT_EQ(dev.fields[0].after, "20");
  EXPECT_EQ(dev.fields[0].origin.ToString(), "conf/api.yaml:5:20");
  EXPECT_EQ(outcome.Summary(),
            "configuration applied: 2 changes\n"
            "~ dev/acme/acme/api: horizontal.maxReplicas 10 -> 20 (conf/api.yaml:5:20)\n"
            "~ prod/acme/acme/api: horizontal.maxReplicas 10 -> 20 (conf/api.yaml:5:20)\n");
  EXPECT_EQ(watcher->Current()->services[0].horizontal->max_replicas, 20);
}

TEST_F(WatcherTest, RejectsAnInvalidChangeAndKeepsTheLastValidConfiguration) {
  auto watcher = Create();
  ASSERT_NE(watcher, nullptr);
  auto before = watcher->Current();
  files_->Put("conf/api.yaml",
              "services:\n  api:\n    tenant: acme\n    horizontal:\n"
              "      maxReplicas: 0\n");
  ReloadOutcome outcome = watcher->CheckForChanges();
  ASSERT_EQ(outcome.kind, Kind::kRejected);
  EXPECT_EQ(watcher->Current(), before);
  ASSERT_EQ(outcome.diagnostics.size(), 1u);
  EXPECT_EQ(outcome.diagnostics[0].location.ToString(), "conf/api.yaml:5:20");
  EXPECT_THAT(outcome.Summary(),
              HasSubstr("configuration rejected, keeping the last valid one:\n"
                        "conf/api.yaml:5:20: error: services.api.horizontal.maxReplicas"));
  // The same broken files are not reported again until they change.
  EXPECT_EQ(watcher->CheckForChanges().kind, Kind::kUnchanged);
  files_->Put("conf/api.yaml", kApi);
  EXPECT_EQ(watcher->CheckForChanges().kind, Kind::kUnchanged);  // valid, and equal to current
  EXPECT_EQ(watcher->Current()->services.size(), 2u);
}

TEST_F(WatcherTest, NoticesFilesThatAppearOrVanish) {
  auto watcher = Create();
  ASSERT_NE(watcher, nullptr);
  files_->Put("conf/web.yaml", "services:\n  web:\n    tenant: tiny\n");
  ReloadOutcome added = watcher->CheckForChanges();
  ASSERT_EQ(added.kind, Kind::kApplied);
  EXPECT_EQ(added.changes.ToString(), "+ dev/tiny/default/web\n+ prod/tiny/default/web\n");
  files_->Remove("conf/api.yaml");
  ReloadOutcome removed = watcher->CheckForChanges();
  ASSERT_EQ(removed.kind, Kind::kApplied);
  EXPECT_EQ(removed.changes.ToString(), "- dev/acme/acme/api\n- prod/acme/acme/api\n");
  EXPECT_EQ(watcher->Current()->services.size(), 2u);
}

TEST_F(WatcherTest, ReportsPlatformChangesAndTheirEffectOnServices) {
  auto watcher = Create();
  ASSERT_NE(watcher, nullptr);
  std::string base = testing::kBaseYaml;
  base.replace(base.find("priority: 500"), 13, "priority: 700");
  files_->Put("conf/base.yaml", base);
  ReloadOutcome outcome = watcher->Reload();
  ASSERT_EQ(outcome.kind, Kind::kApplied);
  ASSERT_EQ(outcome.changes.platform.size(), 1u);
  EXPECT_EQ(outcome.changes.platform[0].path, "tiers.gold.priority");
  EXPECT_EQ(outcome.changes.platform[0].after, "700");
  ASSERT_EQ(outcome.changes.services.size(), 2u);
  EXPECT_EQ(outcome.changes.services[1].fields[0].path, "priority");
  EXPECT_EQ(watcher->Current()->services[0].priority, 700);
}

TEST(DiffConfigsTest, IgnoresMovedValuesThatKeepTheirValue) {
  std::vector<SourceText> a = {{"base.yaml", testing::kBaseYaml}, {"api.yaml", kApi}};
  std::vector<SourceText> b = {{"base.yaml", testing::kBaseYaml},
                               {"api.yaml", std::string("# a comment\n") + kApi}};
  LoadResult before = LoadConfig(a, LoadOptions{});
  LoadResult after = LoadConfig(b, LoadOptions{});
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_TRUE(DiffConfigs(*before.config, *after.config).empty());
}

}  // namespace
}  // namespace crescendo::config
