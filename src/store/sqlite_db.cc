#include <sqlite3.h>

#include "store/db.h"

namespace crescendo::store {
namespace {

class SqliteDb final : public Db {
 public:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  ~SqliteDb() override { sqlite3_close_v2(db_); }

  StatusOr<std::vector<Row>> Exec(const std::string& sql,
                                  const std::vector<Value>& params) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return Error(sql);
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      int rc = params[i] ? sqlite3_bind_text(stmt, index, params[i]->data(),
                                             static_cast<int>(params[i]->size()), SQLITE_TRANSIENT)
                         : sqlite3_bind_null(stmt, index);
      if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return Error(sql);
      }
    }
    std::vector<Row> rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      Row row(sqlite3_column_count(stmt));
      for (int c = 0; c < static_cast<int>(row.size()); ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) continue;
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        row[c] = std::string(text, sqlite3_column_bytes(stmt, c));
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return Error(sql);
    return rows;
  }

  Status BeginWrite() override { return Exec("BEGIN IMMEDIATE", {}).status(); }
  Status BeginRead() override { return Exec("BEGIN", {}).status(); }
  Status Commit() override { return Exec("COMMIT", {}).status(); }
  void Rollback() override { Exec("ROLLBACK", {}).status().IgnoreError(); }
  bool postgres() const override { return false; }

 private:
  Status Error(const std::string& sql) const {
    return UnavailableError("sqlite: " + std::string(sqlite3_errmsg(db_)) +
                            " (in: " + sql.substr(0, 60) + ")");
  }
  sqlite3* db_;
};

}  // namespace

StatusOr<std::unique_ptr<Db>> OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return UnavailableError("sqlite: cannot open \"" + path + "\": " + message);
  }
  sqlite3_busy_timeout(db, 10000);
  auto out = std::make_unique<SqliteDb>(db);
  // WAL lets readers run beside the writer; FULL syncs the log on every commit, so a committed
  // transaction survives a crash (https://www.sqlite.org/pragma.html#pragma_synchronous).
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    StatusOr<std::vector<Row>> r = out->Exec(pragma, {});
    if (!r.ok()) return r.status().WithContext("\"" + path + "\"");
  }
  return std::unique_ptr<Db>(std::move(out));
}

}  // namespace crescendo::store
