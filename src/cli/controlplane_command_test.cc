#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "cli/command_test_util.h"

namespace crescendo::cli {
namespace {

using Result = testing::CommandResult;

Result RunCp(const std::vector<std::string>& args) {
  return testing::RunCommands({&RegisterControlPlaneCommands}, args);
}

class ControlPlaneCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("crescendo_cpcli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = (dir_ / "state.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(store_.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sql;
    sqlite3_close(db);
  }
  std::filesystem::path dir_;
  std::string store_;
};

TEST_F(ControlPlaneCommandTest, TokenCreateShowsTheSecretOnceAndStoresOnlyItsHash) {
  Result created = RunCp({"token", "create", "--store", store_, "--name", "ci", "--grant",
                          "operator:harmonia", "--grant", "viewer", "--json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  nlohmann::json j = nlohmann::json::parse(created.out);
  const std::string token = j["token"], id = j["id"];
  std::ifstream db(store_, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(db)), {});
  EXPECT_EQ(bytes.find(token.substr(17)), std::string::npos);  // the secret is not stored
  Result list = RunCp({"token", "list", "--store", store_});
  EXPECT_NE(list.out.find(id + " "), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("operator:harmonia,viewer"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find(token), std::string::npos);
  EXPECT_EQ(RunCp({"token", "revoke", "--store", store_, id}).exit_code, 0);
  EXPECT_NE(RunCp({"token", "list", "--store", store_}).out.find("(revoked"), std::string::npos);
  EXPECT_EQ(RunCp({"token", "revoke", "--store", store_, "nope"}).exit_code, 1);
  Result bad = RunCp({"token", "create", "--store", store_, "--name", "x", "--grant", "king"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("\"king\""), std::string::npos) << bad.err;
}

// The audit test through the command: entries altered, removed and reordered in the file.
TEST_F(ControlPlaneCommandTest, AuditVerifyNamesEachTamperedEntry) {
  struct Case {
    std::string sql;
    int exit_code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"", 0, "audit log intact: 5 entries"},
      {"UPDATE audit_log SET detail = '{}' WHERE seq = 2", 1, "entry 2: altered"},
      {"DELETE FROM audit_log WHERE seq = 3", 1, "entry 3: missing"},
      {"UPDATE audit_log SET seq = 0 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 5; "
       "UPDATE audit_log SET seq = 5 WHERE seq = 0",
       1, "entry 4: reordered"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sql);
    std::filesystem::remove(store_);
    for (int i = 0; i < 5; ++i) {
      ASSERT_EQ(RunCp({"token", "create", "--store", store_, "--name", "t", "--grant", "viewer"})
                    .exit_code,
                0);
    }
    if (!c.sql.empty()) Sql(c.sql);
    Result r = RunCp({"audit", "verify", "--store", store_});
    EXPECT_EQ(r.exit_code, c.exit_code) << r.out << r.err;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << r.out;
  }
  Result exported = RunCp({"audit", "export", "--store", store_});
  std::istringstream lines(exported.out);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    nlohmann::json e = nlohmann::json::parse(line);
    EXPECT_EQ(e["action"], "token.create");
  }
  EXPECT_EQ(n, 5);
}

TEST_F(ControlPlaneCommandTest, RestoreVerifiesTheBackupBeforeReplacingAnything) {
  ASSERT_EQ(
      RunCp({"token", "create", "--store", store_, "--name", "a", "--grant", "admin"}).exit_code,
      0);
  const std::string backup = (dir_ / "b.json").string();
  ASSERT_EQ(RunCp({"backup", "--store", store_, "--to", backup}).exit_code, 0);
  ASSERT_EQ(
      RunCp({"token", "create", "--store", store_, "--name", "b", "--grant", "admin"}).exit_code,
      0);
  std::ifstream in(backup, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  std::string corrupt = text;
  corrupt[corrupt.size() - 5] ^= 1;
  std::ofstream((dir_ / "c.json").string(), std::ios::binary) << corrupt;
  Result refused = RunCp({"restore", "--store", store_, "--from", (dir_ / "c.json").string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("checksum mismatch"), std::string::npos) << refused.err;
  EXPECT_NE(RunCp({"token", "list", "--store", store_}).out.find(" b "), std::string::npos);
  ASSERT_EQ(RunCp({"restore", "--store", store_, "--from", backup}).exit_code, 0);
  EXPECT_EQ(RunCp({"token", "list", "--store", store_}).out.find(" b "), std::string::npos);
  // backup, restore and both token creations are in the chain, which holds.
  EXPECT_EQ(RunCp({"audit", "verify", "--store", store_}).exit_code, 0);
}

}  // namespace
}  // namespace crescendo::cli
