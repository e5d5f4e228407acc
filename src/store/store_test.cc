#include "crescendo/store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "store/diff.h"
#include "store/schema.h"

namespace crescendo::store {
namespace {

Timestamp At(int64_t seconds) { return Timestamp(std::chrono::seconds(seconds)); }

AuditEntry Entry(const std::string& action, int64_t seconds) {
  AuditEntry e;
  e.time = At(seconds);
  e.actor = "test";
  e.action = action;
  e.target = "t";
  return e;
}

// The store under test: a SQLite file in a fresh temporary folder (tests/integration/controlplane
// runs the same operations on a PostgreSQL server).
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("crescendo_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "state.db").string();
    auto opened = OpenStore(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Runs `sql` on the database file directly, as someone tampering with it would.
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
  std::optional<AuditFinding> Verify() {
    auto entries = store_->ListAudit(0, 1 << 30);
    auto head = store_->GetAuditHead();
    EXPECT_TRUE(entries.ok() && head.ok());
    return VerifyAuditChain(*entries, *head);
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, MigratesToTheNewestSchemaOnceAndReopens) {
  EXPECT_EQ(*store_->SchemaVersion(), Migrations().back().version);
  store_.reset();
  auto again = OpenStore(path_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*(*again)->SchemaVersion(), Migrations().back().version);
}

TEST_F(StoreTest, RefusesADatabaseFromANewerProgram) {
  Tamper("INSERT INTO schema_migrations VALUES (999, 'future', 0)");
  store_.reset();
  auto again = OpenStore(path_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(again.status().message().find("999"), std::string::npos);
}

TEST_F(StoreTest, ConfigVersionsKeepWhoWhenDiffAndRefuseStaleWrites) {
  ConfigVersion v1{0, "alice", At(10), "first", {{"a.yaml", "x: 1\ny: 2\n"}}, ""};
  auto stored = store_->AppendConfigVersion(v1, 0, Entry("config.change", 10));
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->version, 1);
  ConfigVersion v2{0, "bob", At(20), "second", {{"a.yaml", "x: 1\ny: 3\n"}}, ""};
  auto second = store_->AppendConfigVersion(v2, 1, Entry("config.change", 20));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->diff, "--- a.yaml\n+++ a.yaml\n-y: 2\n+y: 3\n");
  // A writer that read version 1 is refused: nothing is stored, the audit log is unchanged.
  auto stale = store_->AppendConfigVersion(v2, 1, Entry("config.change", 30));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kAborted);
  auto list = store_->ListConfigVersions();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].author, "bob");
  EXPECT_EQ((*list)[1].time, At(20));
  EXPECT_EQ(store_->GetConfigVersion(1)->files.at("a.yaml"), "x: 1\ny: 2\n");
  EXPECT_EQ(store_->GetConfigVersion(7).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetAuditHead()->count, 2);
}

TEST_F(StoreTest, RecordTickIsOneTransaction) {
  TickRecord tick;
  tick.checkpoint = {1, At(30), "{\"version\":1}"};
  tick.decisions.push_back({0, 1, At(30), "prod/a/ns/w", "a", 2, 3, true, "", "trace", 1});
  tick.audit.push_back(Entry("decision.applied", 30));
  ASSERT_TRUE(store_->RecordTick(tick).ok());
  // A tick whose last statement fails stores none of its rows.
  Tamper(
      "CREATE TRIGGER refuse BEFORE INSERT ON checkpoints WHEN NEW.tick = 2 "
      "BEGIN SELECT RAISE(ABORT, 'refused'); END");
  tick.checkpoint.tick = 2;
  EXPECT_FALSE(store_->RecordTick(tick).ok());
  EXPECT_EQ(store_->ListDecisions("", 10)->size(), 1u);
  EXPECT_EQ((*store_->LatestCheckpoint())->tick, 1);
  EXPECT_EQ(store_->GetAuditHead()->count, 1);
  auto decisions = store_->ListDecisions("prod/a/ns/w", 10);
  ASSERT_EQ(decisions->size(), 1u);
  EXPECT_EQ((*decisions)[0].desired_replicas, 3);
  EXPECT_TRUE((*decisions)[0].applied);
}

TEST_F(StoreTest, TokensAreStoredAndRevoked) {
  TokenRecord t{"abc123", "ci", "$argon2id$...", "[]", At(1), std::nullopt};
  ASSERT_TRUE(store_->PutToken(t, Entry("token.create", 1)).ok());
  EXPECT_EQ(store_->PutToken(t, Entry("token.create", 1)).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(store_->RevokeToken("abc123", At(5), Entry("token.revoke", 5)).ok());
  EXPECT_EQ((*store_->FindToken("abc123"))->revoked, At(5));
  EXPECT_FALSE(store_->FindToken("nope")->has_value());
  EXPECT_EQ(store_->RevokeToken("nope", At(5), Entry("x", 5)).code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, RetentionDeletesOldDecisionsAndRollups) {
  for (int64_t k = 1; k <= 4; ++k) {
    TickRecord tick;
    tick.checkpoint = {k, At(100 * k), "{}"};
    tick.decisions.push_back({0, k, At(100 * k), "w", "a", 1, 1, false, "", "", 0});
    tick.rollups.push_back({"a", "w", "m", At(100 * k), "sealed", 1});
    ASSERT_TRUE(store_->RecordTick(tick).ok());
  }
  EXPECT_EQ(*store_->DeleteBefore(At(250)), 4);  // two decisions, two rollups
  EXPECT_EQ(store_->ListDecisions("", 10)->size(), 2u);
  EXPECT_EQ(store_->ListRollups("a", 10)->size(), 2u);
}

TEST_F(StoreTest, DumpAndReplaceRoundTripAndRefuseMalformedDocuments) {
  ASSERT_TRUE(store_->AppendAudit(Entry("a", 1)).ok());
  auto dump = store_->Dump();
  ASSERT_TRUE(dump.ok());
  ASSERT_TRUE(store_->AppendAudit(Entry("b", 2)).ok());
  nlohmann::json broken = *dump;
  broken["tables"]["audit_log"][0].push_back("extra");
  EXPECT_EQ(store_->Replace(broken).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetAuditHead()->count, 2);  // unchanged
  ASSERT_TRUE(store_->Replace(*dump).ok());
  EXPECT_EQ(store_->GetAuditHead()->count, 1);
  EXPECT_EQ(*store_->Dump(), *dump);
}

// The audit test: entries altered, removed and reordered directly in the database file.
TEST_F(StoreTest, AuditVerifyNamesTheFirstTamperedEntry) {
  struct Case {
    std::string name;
    std::string sql;  // empty: untouched
    std::optional<int64_t> seq;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {"untouched", "", std::nullopt, ""},
      {"altered detail", "UPDATE audit_log SET detail = '{\"x\":1}' WHERE seq = 3", 3, "altered"},
      {"altered actor", "UPDATE audit_log SET actor = 'mallory' WHERE seq = 5", 5, "altered"},
      {"removed middle", "DELETE FROM audit_log WHERE seq = 4", 4, "removed"},
      {"removed first", "DELETE FROM audit_log WHERE seq = 1", 1, "removed"},
      {"removed newest", "DELETE FROM audit_log WHERE seq = 6", 6, "removed"},
      {"removed and renumbered",
       "DELETE FROM audit_log WHERE seq = 2; UPDATE audit_log SET seq = seq - 1 WHERE seq > 2; "
       "UPDATE audit_head SET entries = 5",
       2, "removed"},
      {"reordered",
       "UPDATE audit_log SET seq = -1 WHERE seq = 3; UPDATE audit_log SET seq = 3 "
       "WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = -1",
       3, "reordered"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TearDown();
    SetUp();
    for (int64_t k = 1; k <= 6; ++k) {
      ASSERT_TRUE(store_->AppendAudit(Entry("action" + std::to_string(k), k)).ok());
    }
    if (!c.sql.empty()) Tamper(c.sql);
    std::optional<AuditFinding> finding = Verify();
    if (!c.seq) {
      EXPECT_FALSE(finding.has_value()) << finding->message;
      continue;
    }
    ASSERT_TRUE(finding.has_value());
    EXPECT_EQ(finding->seq, *c.seq) << finding->message;
    EXPECT_EQ(finding->problem, c.problem) << finding->message;
  }
}

TEST(DiffFilesTest, NamesAddedRemovedAndChangedFiles) {
  struct Case {
    std::map<std::string, std::string> before, after;
    std::string diff;
  };
  const std::vector<Case> cases = {
      {{{"a", "x\n"}}, {{"a", "x\n"}}, ""},
      {{}, {{"a", "x\n"}}, "--- /dev/null\n+++ a\n+x\n"},
      {{{"a", "x\n"}}, {}, "--- a\n+++ /dev/null\n-x\n"},
      {{{"a", "1\n2\n3\n"}}, {{"a", "1\n3\n4\n"}}, "--- a\n+++ a\n-2\n+4\n"},
  };
  for (const Case& c : cases) EXPECT_EQ(DiffFiles(c.before, c.after), c.diff);
}

}  // namespace
}  // namespace crescendo::store

namespace crescendo::store {
namespace {

TEST_F(StoreTest, EachTickReplacesAWorkloadsLatestRecommendation) {
  struct Case {
    int64_t tick;
    std::string workload, sealed;
  };
  const std::vector<Case> ticks = {
      {1, "prod/a/x/y", "first"}, {2, "prod/a/x/y", "second"}, {3, "prod/b/x/z", "other"}};
  for (const Case& c : ticks) {
    TickRecord t;
    t.checkpoint = {c.tick, At(c.tick), "{}"};
    t.recommendations.push_back({c.workload, "a", c.tick, At(c.tick), c.sealed, 1});
    ASSERT_TRUE(store_->RecordTick(t).ok());
  }
  auto a = store_->LatestRecommendation("prod/a/x/y");
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->sealed, "second");
  EXPECT_EQ((*a)->tick, 2);
  EXPECT_EQ((*a)->key_version, 1);
  auto none = store_->LatestRecommendation("prod/nobody/x/y");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  // A backup holds them, and a restore brings them back.
  auto dump = store_->Dump();
  ASSERT_TRUE(dump.ok());
  EXPECT_EQ((*dump)["tables"]["recommendations"].size(), 2u);
  ASSERT_TRUE(store_->Replace(*dump).ok());
  EXPECT_EQ((*store_->LatestRecommendation("prod/b/x/z"))->sealed, "other");
}

TEST_F(StoreTest, IdentitiesAreBoundOnceListedAndUnboundWithAnAuditEntry) {
  IdentityRecord ci{"ci", "ci robot", "[{\"role\":\"viewer\",\"tenant\":\"*\"}]", At(1)};
  ASSERT_TRUE(store_->PutIdentity(ci, Entry("identity.bind", 1)).ok());
  EXPECT_EQ(store_->PutIdentity(ci, Entry("identity.bind", 2)).code(), StatusCode::kAlreadyExists);
  auto found = store_->FindIdentity("ci");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->grants, ci.grants);
  EXPECT_EQ((*found)->name, "ci robot");
  EXPECT_FALSE(store_->FindIdentity("CI")->has_value());  // subjects match exactly
  EXPECT_EQ(store_->ListIdentities()->size(), 1u);
  ASSERT_TRUE(store_->DeleteIdentity("ci", Entry("identity.unbind", 3)).ok());
  EXPECT_EQ(store_->DeleteIdentity("ci", Entry("identity.unbind", 4)).code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(store_->ListIdentities()->empty());
  EXPECT_EQ(store_->ListAudit(0, 10)->size(), 2u);  // the refused calls appended nothing
  EXPECT_FALSE(Verify().has_value());
}

}  // namespace
}  // namespace crescendo::store
